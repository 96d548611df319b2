"""RMSprop, optionally centered and with momentum."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import LEARNING_RATE_CONSTRAINT, Optimizer
from ._blas import axpy

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    r"""RMSprop (Tieleman & Hinton 2012), as ``torch.optim.RMSprop`` defines it.

    .. math::

        v_t &= \alpha\,v_{t-1} + (1 - \alpha)\,g_t^2 \\
        \bar g_t &= \alpha\,\bar g_{t-1} + (1 - \alpha)\,g_t
            \quad\text{(centered only)} \\
        d_t &= \sqrt{v_t - \bar g_t^2} + \epsilon \quad\text{(centered)},
        \qquad d_t = \sqrt{v_t} + \epsilon \quad\text{(otherwise)} \\
        b_t &= \mu\,b_{t-1} + g_t / d_t, \qquad w_t = w_{t-1} - \eta\,b_t

    With ``momentum=0`` the last line is :math:`w_t = w_{t-1} - \eta\,g_t/d_t`.
    :math:`\epsilon` is added outside the square root. RMSprop equals Adam
    with :math:`\beta_1 = 0`, :math:`\beta_2 = \alpha` except for Adam's bias
    correction of :math:`v`.

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.01
        Step size :math:`\eta`.
    alpha : float, default=0.99
        Decay :math:`\alpha` of the running mean of squared gradients.
    epsilon : float, default=1e-8
        Numerical floor :math:`\epsilon`.
    momentum : float, default=0.0
        Momentum :math:`\mu` applied to the normalised step.
    centered : bool, default=False
        Normalise by an estimate of the gradient's variance (Graves 2013)
        rather than its second moment.

    Raises
    ------
    ValueError
        From :meth:`~Optimizer.init` and :meth:`~Optimizer.validate` (at fit
        time, never in ``__init__``): scikit-learn's ``InvalidParameterError``
        (also a TypeError) when a hyperparameter, or the learning-rate
        schedule's, is out of range or of the wrong type.

    References
    ----------
    Tieleman, T. & Hinton, G. (2012). Lecture 6.5 - RMSprop: Divide the
    gradient by a running average of its recent magnitude. COURSERA: Neural
    Networks for Machine Learning.
    Graves, A. (2013). Generating sequences with recurrent neural networks.
    arXiv:1308.0850 (the centered variant).
    """

    _parameter_constraints = {
        "learning_rate": LEARNING_RATE_CONSTRAINT,
        "alpha": [Interval(Real, 0, 1, closed="both")],
        "epsilon": [Interval(Real, 0, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "centered": ["boolean"],
    }

    def __init__(
        self, learning_rate=0.01, alpha=0.99, epsilon=1e-8, momentum=0.0, centered=False
    ):
        self.learning_rate = learning_rate
        self.alpha = alpha
        self.epsilon = epsilon
        self.momentum = momentum
        self.centered = centered

    def init_state(self, params):
        state = {"square_avg": np.zeros_like(params), "buf": np.empty_like(params)}
        if self.centered:
            state["grad_avg"] = np.zeros_like(params)
        if self.momentum != 0:
            state["momentum_buffer"] = np.zeros_like(params)
        return state

    def update(self, params, grad, state, lr):
        a = float(self.alpha)
        v, tmp = state["square_avg"], state["buf"]
        np.multiply(grad, grad, out=tmp)
        v *= a
        axpy(1.0 - a, tmp, v)
        if self.centered:
            gbar = state["grad_avg"]
            gbar *= a
            axpy(1.0 - a, grad, gbar)
            np.multiply(gbar, gbar, out=tmp)
            np.subtract(v, tmp, out=tmp)
            np.sqrt(tmp, out=tmp)
        else:
            np.sqrt(v, out=tmp)
        tmp += float(self.epsilon)
        np.divide(grad, tmp, out=tmp)
        if self.momentum != 0:
            b = state["momentum_buffer"]
            b *= float(self.momentum)
            b += tmp
            axpy(-lr, b, params)
        else:
            axpy(-lr, tmp, params)
