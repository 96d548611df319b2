r"""Mixup: train on convex combinations of pairs of samples and targets."""

from __future__ import annotations

from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import Interval

from ._base import FitContext, Regularizer
from ._dropout import _buffer

__all__ = ["Mixup"]


class Mixup(Regularizer):
    r"""Mixup data augmentation (Zhang et al. 2018) within each batch.

    Each training batch is replaced by convex combinations of its samples
    with a random permutation :math:`\pi` of the same batch,

    .. math::

        \tilde x_i = \lambda x_i + (1 - \lambda) x_{\pi(i)}, \qquad
        \tilde y_i = \lambda y_i + (1 - \lambda) y_{\pi(i)}, \qquad
        \lambda \sim \operatorname{Beta}(\alpha, \alpha),

    one :math:`\lambda` per batch as in the paper's implementation. Targets
    are the encoded ones (one-hot rows for a classifier, so
    :math:`\tilde y` is a soft label; values for a regressor). For the
    cross-entropy this equals mixing the two losses. Sample weights mix the
    same way. With a full-batch optimizer (L-BFGS) one mixed copy of the
    training set is drawn at the start of the fit. Prediction is unchanged.
    Small :math:`\alpha` (0.1-0.4) keeps most mixes close to one of the two
    samples; :math:`\alpha = 1` draws :math:`\lambda` uniformly.

    Parameters
    ----------
    alpha : float, default=0.2
        Beta distribution parameter :math:`\alpha \ge 0`. ``alpha=0`` is
        the ablation baseline, :math:`\lambda = 1` (as in the paper's code):
        no mixing and no random draw, so the fit is exactly the fit without
        ``Mixup``.

    Raises
    ------
    ValueError
        At fit time (scikit-learn's ``InvalidParameterError``) if ``alpha``
        is negative or not a number.

    References
    ----------
    Zhang, H., Cisse, M., Dauphin, Y. N. & Lopez-Paz, D. (2018). mixup:
    Beyond empirical risk minimization. ICLR.
    """

    scratch_state = ("buffers",)

    _parameter_constraints = {"alpha": [Interval(Real, 0, None, closed="left")]}

    def __init__(self, alpha=0.2):
        self.alpha = alpha

    @property
    def uses_random_draws(self) -> bool:
        """Draws mixing weights and pairs: False for ``alpha=0`` (a no-op)."""
        return self.alpha > 0

    def uses(self, hook: str) -> bool:
        if hook == "transform_batch":
            return self.alpha > 0
        return super().uses(hook)

    def transform_batch(self, X, Y, sample_weight, ctx: FitContext):
        n = Y.shape[0]
        if n < 2:
            return X, Y, sample_weight
        gen = self._generator(ctx)
        a = float(self.alpha)
        lam = float(gen.beta(a, a))
        perm = gen.permutation(n)
        st = self._state(ctx)
        bufs = st.setdefault("buffers", {})
        if sp.issparse(X):
            Xm = (X * lam + X[perm] * (1.0 - lam)).tocsr()
        else:
            Xm = _buffer(bufs, "X", X.shape, X.dtype)
            tmp = _buffer(bufs, "Xtmp", X.shape, X.dtype)
            np.take(X, perm, axis=0, out=tmp)
            tmp *= 1.0 - lam
            np.multiply(X, lam, out=Xm)
            Xm += tmp
        Ym = _buffer(bufs, "Y", Y.shape, Y.dtype)
        tmp = _buffer(bufs, "Ytmp", Y.shape, Y.dtype)
        np.take(Y, perm, axis=0, out=tmp)
        tmp *= 1.0 - lam
        np.multiply(Y, lam, out=Ym)
        Ym += tmp
        if sample_weight is not None:
            swm = _buffer(bufs, "sw", sample_weight.shape, sample_weight.dtype)
            tmp = _buffer(bufs, "swtmp", sample_weight.shape, sample_weight.dtype)
            np.take(sample_weight, perm, out=tmp)
            tmp *= 1.0 - lam
            np.multiply(sample_weight, lam, out=swm)
            swm += tmp
            sample_weight = swm
        return Xm, Ym, sample_weight
