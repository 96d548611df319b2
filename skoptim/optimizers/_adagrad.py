"""Adagrad and Adadelta: per-coordinate step sizes from accumulated squares."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import LEARNING_RATE_CONSTRAINT, Optimizer
from ._blas import axpy

__all__ = ["Adagrad", "Adadelta"]


class Adagrad(Optimizer):
    r"""Adagrad (Duchi, Hazan & Singer 2011).

    .. math::

        G_t = G_{t-1} + g_t^2, \qquad
        w_t = w_{t-1} - \frac{\eta_t}{\sqrt{G_t} + \epsilon}\, g_t,
        \qquad \eta_t = \frac{\eta}{1 + (t - 1)\,\lambda}

    with :math:`G_0` = ``initial_accumulator_value`` and :math:`\lambda` =
    ``lr_decay``. As in ``torch.optim.Adagrad``, :math:`\epsilon` is added
    outside the square root.

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.01
        Base step size :math:`\eta`.
    lr_decay : float, default=0.0
        Decay :math:`\lambda` of the step size with the step count.
    initial_accumulator_value : float, default=0.0
        Starting value of the accumulator :math:`G_0`.
    epsilon : float, default=1e-10
        Numerical floor :math:`\epsilon`.

    Raises
    ------
    ValueError
        From :meth:`~Optimizer.init` and :meth:`~Optimizer.validate` (at fit
        time, never in ``__init__``): scikit-learn's ``InvalidParameterError``
        (also a TypeError) when a hyperparameter, or the learning-rate
        schedule's, is out of range or of the wrong type.

    References
    ----------
    Duchi, J., Hazan, E. & Singer, Y. (2011). Adaptive subgradient methods for
    online learning and stochastic optimization. JMLR 12, 2121-2159.
    """

    _parameter_constraints = {
        "learning_rate": LEARNING_RATE_CONSTRAINT,
        "lr_decay": [Interval(Real, 0, None, closed="left")],
        "initial_accumulator_value": [Interval(Real, 0, None, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        learning_rate=0.01,
        lr_decay=0.0,
        initial_accumulator_value=0.0,
        epsilon=1e-10,
    ):
        self.learning_rate = learning_rate
        self.lr_decay = lr_decay
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def init_state(self, params):
        acc = np.full_like(params, float(self.initial_accumulator_value))
        return {"sum": acc, "buf": np.empty_like(params)}

    def update(self, params, grad, state, lr):
        G, tmp = state["sum"], state["buf"]
        clr = lr / (1.0 + (state["t"] - 1) * float(self.lr_decay))
        np.multiply(grad, grad, out=tmp)
        G += tmp
        np.sqrt(G, out=tmp)
        tmp += float(self.epsilon)
        np.divide(grad, tmp, out=tmp)
        axpy(-clr, tmp, params)


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler 2012).

    .. math::

        E[g^2]_t &= \rho\,E[g^2]_{t-1} + (1 - \rho)\,g_t^2 \\
        \Delta_t &= \frac{\sqrt{E[\Delta^2]_{t-1} + \epsilon}}
                         {\sqrt{E[g^2]_t + \epsilon}}\, g_t \\
        E[\Delta^2]_t &= \rho\,E[\Delta^2]_{t-1} + (1 - \rho)\,\Delta_t^2 \\
        w_t &= w_{t-1} - \eta\,\Delta_t

    :math:`\epsilon` sits inside both square roots, as in the paper and
    ``torch.optim.Adadelta``; :math:`\eta = 1` is the paper's method.

    Parameters
    ----------
    learning_rate : float or Schedule, default=1.0
        Scale :math:`\eta` of the update.
    rho : float, default=0.9
        Decay rate :math:`\rho` of both running averages.
    epsilon : float, default=1e-6
        :math:`\epsilon` inside the square roots.

    Raises
    ------
    ValueError
        From :meth:`~Optimizer.init` and :meth:`~Optimizer.validate` (at fit
        time, never in ``__init__``): scikit-learn's ``InvalidParameterError``
        (also a TypeError) when a hyperparameter, or the learning-rate
        schedule's, is out of range or of the wrong type.

    References
    ----------
    Zeiler, M. D. (2012). ADADELTA: An adaptive learning rate method.
    arXiv:1212.5701.
    """

    _parameter_constraints = {
        "learning_rate": LEARNING_RATE_CONSTRAINT,
        "rho": [Interval(Real, 0, 1, closed="both")],
        "epsilon": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(self, learning_rate=1.0, rho=0.9, epsilon=1e-6):
        self.learning_rate = learning_rate
        self.rho = rho
        self.epsilon = epsilon

    def init_state(self, params):
        return {
            "square_avg": np.zeros_like(params),
            "acc_delta": np.zeros_like(params),
            "buf": np.empty_like(params),
            "buf2": np.empty_like(params),
        }

    def update(self, params, grad, state, lr):
        rho, eps = float(self.rho), float(self.epsilon)
        sq, acc, tmp, delta = (
            state["square_avg"],
            state["acc_delta"],
            state["buf"],
            state["buf2"],
        )
        # E[g^2] <- rho E[g^2] + (1 - rho) g^2
        np.multiply(grad, grad, out=tmp)
        sq *= rho
        axpy(1.0 - rho, tmp, sq)
        # delta = sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) * g
        np.add(acc, eps, out=delta)
        np.add(sq, eps, out=tmp)
        np.divide(delta, tmp, out=delta)
        np.sqrt(delta, out=delta)
        delta *= grad
        # E[dx^2] <- rho E[dx^2] + (1 - rho) delta^2
        np.multiply(delta, delta, out=tmp)
        acc *= rho
        axpy(1.0 - rho, tmp, acc)
        axpy(-lr, delta, params)
