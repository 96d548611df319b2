r"""Label smoothing: soften the classifier's one-hot targets."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import FitContext, Regularizer

__all__ = ["LabelSmoothing"]


class LabelSmoothing(Regularizer):
    r"""Train a classifier on smoothed targets (Szegedy et al. 2016).

    The encoded training targets become

    .. math::

        \tilde y = (1 - \epsilon)\, y + \epsilon / K,

    with :math:`K` the number of classes for a softmax output, and
    :math:`K = 2` per output for a logistic output (binary targets, or each
    label of a multilabel problem). The cross-entropy against
    :math:`\tilde y` is minimised at :math:`\hat p = \tilde y`, so the
    network is discouraged from pushing its largest probability beyond
    :math:`1 - \epsilon + \epsilon / K`: a cap on over-confidence. The
    output layer is unchanged, so ``predict_proba`` stays a proper
    distribution. Only the training targets change: the validation loss
    recorded with a validation set uses the original labels.

    Parameters
    ----------
    epsilon : float, default=0.1
        Smoothing :math:`\epsilon \in [0, 1)`; 0 leaves the targets as
        they are.

    Raises
    ------
    ValueError
        At fit time (scikit-learn's ``InvalidParameterError``) if ``epsilon`` is
        not a number in [0, 1), or if it is used with
        :class:`~skoptim.MLPRegressor` (or twice in one ``regularizers``).

    References
    ----------
    Szegedy, C., Vanhoucke, V., Ioffe, S., Shlens, J. & Wojna, Z. (2016).
    Rethinking the Inception architecture for computer vision. CVPR.
    Müller, R., Kornblith, S. & Hinton, G. (2019). When does label
    smoothing help? NeurIPS.
    """

    supports_regressor = False
    allow_multiple = False

    _parameter_constraints = {"epsilon": [Interval(Real, 0, 1, closed="left")]}

    def __init__(self, epsilon=0.1):
        self.epsilon = epsilon

    def uses(self, hook: str) -> bool:
        if hook == "transform_targets":
            return self.epsilon > 0
        return super().uses(hook)

    def transform_targets(self, Y: np.ndarray, ctx: FitContext) -> np.ndarray:
        eps = float(self.epsilon)
        k = Y.shape[1] if ctx.network.loss == "log_loss" else 2
        out = Y * (1.0 - eps)
        out += eps / k
        return out
