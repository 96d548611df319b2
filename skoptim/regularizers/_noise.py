r"""Training-time Gaussian noise: on the inputs and hidden units, or on weights."""

from __future__ import annotations

from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import Interval

from ._base import FitContext, Regularizer
from ._dropout import _buffer

__all__ = ["GaussianNoise", "WeightNoise"]


class GaussianNoise(Regularizer):
    r"""Additive Gaussian noise on the inputs (and hidden units) in training.

    Every training forward pass sees

    .. math::

        \tilde x = x + \sigma\,\varepsilon, \qquad
        \varepsilon \sim \mathcal N(0, I),

    a fresh draw per sample and per batch, and with ``hidden_std > 0`` each
    hidden activation likewise becomes :math:`\tilde h = h +
    \sigma_h\,\varepsilon`. For small :math:`\sigma` and the squared error,
    input noise is equivalent to a Tikhonov penalty on the input-output
    derivatives (Bishop 1995); it is also the simplest data augmentation.
    The noise is additive, so the backward pass passes gradients through
    unchanged; predictions use the clean network. Sparse input batches
    become dense once noise is added.

    Parameters
    ----------
    std : float, default=0.1
        Standard deviation :math:`\sigma \ge 0` of the input noise (in the
        units of the inputs: scale them first).
    hidden_std : float, default=0.0
        Standard deviation :math:`\sigma_h \ge 0` of the noise on every
        hidden activation. ``std=0, hidden_std=0`` draws nothing: the fit is
        exactly the fit without ``GaussianNoise``.

    Raises
    ------
    ValueError
        At fit time (scikit-learn's ``InvalidParameterError``) if ``std`` or
        ``hidden_std`` is negative or not a number.

    References
    ----------
    Bishop, C. M. (1995). Training with noise is equivalent to Tikhonov
    regularization. Neural Computation 7(1), 108-116.
    Goodfellow, I., Bengio, Y. & Courville, A. (2016). Deep Learning,
    section 7.5. MIT Press.
    """

    scratch_state = ("noise",)

    @property
    def uses_random_draws(self) -> bool:
        """Draws noise: False for ``std=0, hidden_std=0`` (then a no-op)."""
        return self.std > 0 or self.hidden_std > 0

    @property
    def noisy_objective(self) -> bool:
        """The objective changes at every evaluation when noise is drawn."""
        return self.uses_random_draws

    _parameter_constraints = {
        "std": [Interval(Real, 0, None, closed="left")],
        "hidden_std": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, std=0.1, hidden_std=0.0):
        self.std = std
        self.hidden_std = hidden_std

    def uses(self, hook: str) -> bool:
        if hook == "forward_input":
            return self.std > 0
        if hook == "forward_post":
            return self.hidden_std > 0
        if hook == "backward_post":
            return False
        return super().uses(hook)

    def _noise(self, key, shape, dtype, std: float, ctx: FitContext) -> np.ndarray:
        st = self._state(ctx)
        e = _buffer(st.setdefault("noise", {}), key, shape, dtype)
        self._generator(ctx).standard_normal(dtype=dtype, out=e)
        e *= std
        return e

    def forward_input(self, X, ctx: FitContext):
        dtype = ctx.network.dtype
        e = self._noise("input", X.shape, dtype, float(self.std), ctx)
        if sp.issparse(X):
            e += X.toarray()
        else:
            e += X
        return e

    def forward_post(self, layer: int, A: np.ndarray, ctx: FitContext) -> None:
        A += self._noise(layer, A.shape, A.dtype, float(self.hidden_std), ctx)


class WeightNoise(Regularizer):
    r"""Gaussian noise on the weights in each training forward pass.

    Before every training forward pass all layer parameters (weights and
    biases) are perturbed, the gradient is computed at the perturbed point,
    and the clean parameters are restored (bit for bit, from a copy) before
    the optimizer steps with that gradient:

    .. math::

        g_t = \nabla_w L(w_t + \sigma\,\varepsilon_t), \qquad
        \varepsilon_t \sim \mathcal N(0, I), \qquad
        w_{t+1} = \text{step}(w_t, g_t).

    In expectation this minimises the loss smoothed by a Gaussian, which to
    second order adds :math:`\frac{\sigma^2}{2}\operatorname{tr}\nabla^2 L`,
    a preference for flat minima (An 1996; the fixed-variance case of Graves
    2011). Prediction uses the clean weights. Penalties are evaluated at the
    clean weights. A full-batch optimizer (L-BFGS) would see a different
    noise at every line-search evaluation: use a stochastic optimizer.

    Parameters
    ----------
    std : float, default=0.01
        Standard deviation :math:`\sigma \ge 0` of the perturbation;
        ``std=0`` draws nothing (exactly the fit without ``WeightNoise``).

    Raises
    ------
    ValueError
        At fit time (scikit-learn's ``InvalidParameterError``) if ``std`` is
        negative or not a number.

    References
    ----------
    An, G. (1996). The effects of adding noise during backpropagation
    training on a generalization performance. Neural Computation 8(3).
    Graves, A. (2011). Practical variational inference for neural networks.
    NIPS 24.
    """

    scratch_state = ("saved", "noise")

    @property
    def uses_random_draws(self) -> bool:
        """Draws noise: False for ``std=0`` (then a no-op)."""
        return self.std > 0

    @property
    def noisy_objective(self) -> bool:
        """The objective changes at every evaluation when noise is drawn."""
        return self.uses_random_draws

    _parameter_constraints = {"std": [Interval(Real, 0, None, closed="left")]}

    def __init__(self, std=0.01):
        self.std = std

    def uses(self, hook: str) -> bool:
        if hook in ("before_forward", "after_backward"):
            return self.std > 0
        return super().uses(hook)

    def before_forward(self, ctx: FitContext) -> None:
        net = ctx.network
        m = net.n_layer_params
        st = self._state(ctx)
        saved = st.get("saved")
        if saved is None or saved.dtype != net.dtype:
            saved = st["saved"] = np.empty(m, net.dtype)
            st["noise"] = np.empty(m, net.dtype)
        noise = st["noise"]
        w = net.params[:m]
        np.copyto(saved, w)
        self._generator(ctx).standard_normal(dtype=net.dtype, out=noise)
        noise *= float(self.std)
        w += noise

    def after_backward(self, ctx: FitContext) -> None:
        net = ctx.network
        np.copyto(net.params[: net.n_layer_params], self._state(ctx)["saved"])
