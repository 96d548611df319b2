r"""Inverted dropout on hidden units and, optionally, on the inputs."""

from __future__ import annotations

from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import Interval

from ._base import FitContext, Regularizer

__all__ = ["Dropout"]


def _buffer(store: dict, key, shape, dtype) -> np.ndarray:
    """A reusable buffer with at least ``shape[0]`` rows (grown on demand)."""
    buf = store.get(key)
    if buf is None or buf.shape[0] < shape[0] or buf.dtype != dtype:
        buf = store[key] = np.empty(shape, dtype)
    return buf[: shape[0]]


class Dropout(Regularizer):
    r"""Inverted dropout (Srivastava et al. 2014) at training time.

    In every training forward pass each hidden unit is kept with probability
    :math:`1 - p` and the kept units are scaled up,

    .. math::

        \tilde h = h \odot m / (1 - p), \qquad m_j \sim
        \operatorname{Bernoulli}(1 - p),

    so that :math:`\mathbb E[\tilde h] = h` and nothing changes at predict
    time (the "inverted" form of ``torch.nn.Dropout``). The same mask
    multiplies the gradient in the backward pass. With ``input_rate > 0`` the
    inputs are dropped the same way (the original paper used
    :math:`p \approx 0.2` for inputs and :math:`0.5` for hidden units). Masks
    are drawn from the fit's ``random_state`` into buffers allocated once.

    Parameters
    ----------
    rate : float, default=0.5
        Probability :math:`p \in [0, 1)` of dropping each hidden unit.
    input_rate : float, default=0.0
        Probability of dropping each input feature, in [0, 1).
        ``rate=0, input_rate=0`` is the ablation baseline: no mask is drawn
        and the fit is exactly the fit without ``Dropout``.

    Raises
    ------
    ValueError
        At fit time (scikit-learn's ``InvalidParameterError``) if ``rate`` or
        ``input_rate`` is not a number in [0, 1).

    References
    ----------
    Srivastava, N., Hinton, G., Krizhevsky, A., Sutskever, I. &
    Salakhutdinov, R. (2014). Dropout: a simple way to prevent neural
    networks from overfitting. JMLR 15, 1929-1958.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skoptim import MLPClassifier
    >>> from skoptim.regularizers import Dropout
    >>> X, y = load_iris(return_X_y=True)
    >>> X = StandardScaler().fit_transform(X)
    >>> clf = MLPClassifier((32,), optimizer="adam", regularizers=[Dropout(0.2)],
    ...                     max_iter=500, random_state=0).fit(X, y)
    >>> clf.score(X, y) > 0.9  # predict uses the whole network, no masks
    True
    """

    scratch_state = ("masks", "input_out")

    @property
    def uses_random_draws(self) -> bool:
        """Draws masks: False for ``rate=0, input_rate=0`` (then a no-op)."""
        return self.rate > 0 or self.input_rate > 0

    @property
    def noisy_objective(self) -> bool:
        """The objective changes at every evaluation when masks are drawn."""
        return self.uses_random_draws

    _parameter_constraints = {
        "rate": [Interval(Real, 0, 1, closed="left")],
        "input_rate": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(self, rate=0.5, input_rate=0.0):
        self.rate = rate
        self.input_rate = input_rate

    def uses(self, hook: str) -> bool:
        if hook == "forward_input":
            return self.input_rate > 0
        if hook in ("forward_post", "backward_post"):
            return self.rate > 0
        return super().uses(hook)

    def _mask(self, key, shape, dtype, rate: float, ctx: FitContext) -> np.ndarray:
        st = self._state(ctx)
        m = _buffer(st.setdefault("masks", {}), key, shape, dtype)
        self._generator(ctx).random(dtype=dtype, out=m)
        np.greater_equal(m, rate, out=m)  # keep with probability 1 - rate
        m *= 1.0 / (1.0 - rate)
        return m

    def forward_input(self, X, ctx: FitContext):
        rate = float(self.input_rate)
        dtype = ctx.network.dtype
        m = self._mask("input", X.shape, dtype, rate, ctx)
        if sp.issparse(X):
            return sp.csr_matrix(X.multiply(m), dtype=dtype)
        out = _buffer(self._state(ctx), "input_out", X.shape, dtype)
        np.multiply(X, m, out=out)
        return out

    def forward_post(self, layer: int, A: np.ndarray, ctx: FitContext) -> None:
        A *= self._mask(layer, A.shape, A.dtype, float(self.rate), ctx)

    def backward_post(self, layer: int, dA: np.ndarray, ctx: FitContext) -> None:
        dA *= self._state(ctx)["masks"][layer][: dA.shape[0]]
