r"""Parameter norm penalties: L2 (weight decay as a loss term), L1, elastic net.

Scaling, as scikit-learn's MLP does with ``alpha``: for a batch of total
sample weight :math:`B` (the number of rows without sample weights), the
penalty added to the batch's mean loss is

.. math::

    \Omega_{L2} = \frac{\alpha}{2B} \sum_l \lVert W_l \rVert_F^2, \qquad
    \Omega_{L1} = \frac{\alpha}{B} \sum_l \lVert W_l \rVert_1,

the gradient it adds is :math:`\alpha W / B` (or :math:`\alpha
\operatorname{sign}(W) / B`). A batch of total weight :math:`B = 0` is an
empty batch: it adds no penalty and no gradient (the MLP skips such a batch
altogether). With a full-batch optimizer (L-BFGS)
:math:`B` is the training set's total weight, so the objective is the mean
loss plus :math:`\frac{\alpha}{2n}\lVert W\rVert^2` and ``alpha`` means
exactly what it means in :class:`sklearn.neural_network.MLPClassifier`; with
minibatches, as in scikit-learn, the per-step pull toward zero is
:math:`\eta\alpha/B`, so a smaller batch penalises more strongly per
epoch. Biases are not penalised unless ``include_bias=True``; parameters of
other regularizers (batch normalisation's scale and shift) never are.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ..optimizers._blas import axpy, axpy_fn, axpy_unchecked
from ._base import FitContext, Regularizer

__all__ = ["L1", "L2", "ElasticNet"]


class _Penalty(Regularizer):
    """Shared machinery: the penalised arrays and their gradient views."""

    scratch_state = ("buf", "plan")

    def _l1_l2(self) -> tuple[float, float]:
        """Coefficients (a1, a2) of ``a1 * |w|_1 + a2 / 2 * |w|^2``."""
        raise NotImplementedError

    def _targets(self, network):
        if self.include_bias:
            m = network.n_layer_params
            return [(network.params[:m], network.grad[:m])]
        return list(zip(network.coefs, network.coef_grads, strict=True))

    def _plan(self, network, st):
        """The penalised arrays as flat (weights, gradient) views, the BLAS
        axpy for them (or None) and a scratch buffer; made once per fit (the
        buffers of a network never move) instead of every batch."""
        plan = st.get("plan")
        if plan is None or plan[0] is not network.params or plan[1] is not network.grad:
            targets = [
                (W.reshape(-1), G.reshape(-1)) for W, G in self._targets(network)
            ]
            fns = [axpy_fn(W, G) for W, G in targets]
            f = fns[0] if fns and all(fn is fns[0] for fn in fns) else None
            buf = np.empty(network.n_layer_params, network.dtype)
            plan = st["plan"] = (network.params, network.grad, targets, f, buf)
        return plan

    def penalty(self, network, batch_weight: float, ctx: FitContext) -> float:
        a1, a2 = self._l1_l2()
        if not batch_weight > 0.0:
            # a batch of total weight 0 is an empty batch: it contributes no
            # loss and no gradient, penalty included
            return 0.0
        scale = 1.0 / batch_weight
        value = 0.0
        _, _, targets, f, buf = self._plan(network, self._state(ctx))
        if a2:
            c = a2 * scale
            for W, G in targets:
                value += float(np.vdot(W, W))
                if f is not None:
                    axpy_unchecked(f, c, W, G)  # G += a2/B * W in one pass
                else:
                    axpy(c, W, G)
            value *= 0.5 * a2
        if a1:
            c = a1 * scale
            for W, G in targets:
                tmp = buf[: W.size]
                np.sign(W, out=tmp)
                value += a1 * float(np.vdot(tmp, W))  # sum |w|
                tmp *= c
                G += tmp
        return value * scale


class L2(_Penalty):
    r"""Squared L2 norm penalty on the weights (weight decay as a loss term).

    Adds to each batch's loss, and its gradient to the weights' gradient,

    .. math::

        \Omega(W) = \frac{\alpha}{2B} \sum_l \lVert W_l \rVert_F^2, \qquad
        \nabla_{W_l} \Omega = \frac{\alpha}{B} W_l,

    with :math:`B` the batch's total sample weight (scikit-learn's ``alpha``
    scaling; see :mod:`skoptim.regularizers._penalty`). With plain SGD this
    is exactly weight decay, :math:`W \leftarrow (1 - \eta\alpha/B) W -
    \eta\nabla\ell`. With an adaptive optimizer (Adam, RMSprop) the penalty's
    gradient is rescaled per coordinate along with the loss's, so it is
    *not* the decoupled weight decay of
    :class:`~skoptim.optimizers.AdamW` (Loshchilov & Hutter 2019), which
    shrinks every weight by the same factor outside the adaptive step.

    Parameters
    ----------
    alpha : float, default=1e-4
        Strength :math:`\alpha \ge 0`.
    include_bias : bool, default=False
        Also penalise the biases.

    References
    ----------
    Krogh, A. & Hertz, J. A. (1992). A simple weight decay can improve
    generalization. NIPS 4.
    Loshchilov, I. & Hutter, F. (2019). Decoupled weight decay
    regularization. ICLR.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from skoptim import MLPClassifier
    >>> from skoptim.regularizers import L2
    >>> X, y = load_iris(return_X_y=True)
    >>> def weight_norm(alpha):
    ...     clf = MLPClassifier((8,), optimizer="lbfgs", regularizers=[L2(alpha)],
    ...                         max_iter=1000, random_state=0).fit(X, y)
    ...     return np.sqrt(sum((W ** 2).sum() for W in clf.coefs_))
    >>> bool(weight_norm(10.0) < weight_norm(0.1))
    True
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "include_bias": ["boolean"],
    }

    def __init__(self, alpha=1e-4, include_bias=False):
        self.alpha = alpha
        self.include_bias = include_bias

    def _l1_l2(self):
        return 0.0, float(self.alpha)


class L1(_Penalty):
    r"""L1 norm penalty on the weights, by subgradient.

    .. math::

        \Omega(W) = \frac{\alpha}{B} \sum_l \lVert W_l \rVert_1, \qquad
        \partial_{W_l} \Omega \ni \frac{\alpha}{B} \operatorname{sign}(W_l),

    with :math:`B` the batch's total sample weight and
    :math:`\operatorname{sign}(0) = 0`. This is a *subgradient* method, not a
    proximal one: weights of irrelevant inputs are driven to a neighbourhood
    of zero whose size is of the order of the step size, where they
    oscillate; they do not become exactly zero. (A proximal step, soft
    thresholding after the optimizer's step, would need the optimizer to
    cooperate; threshold small weights after fitting if exact zeros are
    wanted.)

    Parameters
    ----------
    alpha : float, default=1e-4
        Strength :math:`\alpha \ge 0`.
    include_bias : bool, default=False
        Also penalise the biases.

    References
    ----------
    Tibshirani, R. (1996). Regression shrinkage and selection via the lasso.
    J. R. Statist. Soc. B 58(1).
    Goodfellow, I., Bengio, Y. & Courville, A. (2016). Deep Learning,
    section 7.1.2. MIT Press.
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "include_bias": ["boolean"],
    }

    def __init__(self, alpha=1e-4, include_bias=False):
        self.alpha = alpha
        self.include_bias = include_bias

    def _l1_l2(self):
        return float(self.alpha), 0.0


class ElasticNet(_Penalty):
    r"""Elastic-net penalty: a mix of L1 and squared L2 on the weights.

    In scikit-learn's :class:`~sklearn.linear_model.ElasticNet` convention,

    .. math::

        \Omega(W) = \frac{\alpha}{B} \sum_l \Big(\rho \lVert W_l \rVert_1
        + \frac{1 - \rho}{2} \lVert W_l \rVert_F^2\Big),

    with :math:`\rho` = ``l1_ratio`` and :math:`B` the batch's total sample
    weight; the L1 part by subgradient as in :class:`L1`. ``l1_ratio=0`` is
    :class:`L2` and ``l1_ratio=1`` is :class:`L1`.

    Parameters
    ----------
    alpha : float, default=1e-4
        Strength :math:`\alpha \ge 0`.
    l1_ratio : float, default=0.5
        Mixing :math:`\rho \in [0, 1]`.
    include_bias : bool, default=False
        Also penalise the biases.

    References
    ----------
    Zou, H. & Hastie, T. (2005). Regularization and variable selection via
    the elastic net. J. R. Statist. Soc. B 67(2).
    """

    _parameter_constraints = {
        "alpha": [Interval(Real, 0, None, closed="left")],
        "l1_ratio": [Interval(Real, 0, 1, closed="both")],
        "include_bias": ["boolean"],
    }

    def __init__(self, alpha=1e-4, l1_ratio=0.5, include_bias=False):
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.include_bias = include_bias

    def _l1_l2(self):
        a, r = float(self.alpha), float(self.l1_ratio)
        return a * r, a * (1.0 - r)
