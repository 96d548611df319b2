"""Stochastic gradient descent with heavy-ball or Nesterov momentum."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import LEARNING_RATE_CONSTRAINT, Optimizer
from ._blas import axpy

__all__ = ["SGD"]


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum or Nesterov momentum.

    Plain SGD (Robbins & Monro 1951): :math:`w_{t} = w_{t-1} - \eta\,g_t`.

    Heavy-ball momentum (Polyak 1964), as ``torch.optim.SGD`` writes it:

    .. math::

        b_t = \mu\,b_{t-1} + g_t, \qquad w_t = w_{t-1} - \eta\,b_t,
        \qquad b_0 = 0.

    Nesterov momentum (Nesterov 1983, in the form of Sutskever et al. 2013 as
    ``torch.optim.SGD(nesterov=True)`` computes it): the step looks ahead
    along the momentum,

    .. math::

        b_t = \mu\,b_{t-1} + g_t, \qquad w_t = w_{t-1} - \eta\,(g_t + \mu\,b_t).

    scikit-learn's ``solver="sgd"`` keeps a velocity :math:`v = \mu v - \eta g`
    instead; with a constant learning rate both produce the same iterates.

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.01
        Step size :math:`\eta`.
    momentum : float, default=0.0
        Momentum factor :math:`\mu` in [0, 1). ``momentum=0`` is plain SGD.
    nesterov : bool, default=False
        Use Nesterov's look-ahead form. Requires ``momentum > 0``.

    Raises
    ------
    ValueError
        From :meth:`~Optimizer.init` and :meth:`~Optimizer.validate` (at fit
        time, never in ``__init__``): scikit-learn's ``InvalidParameterError``
        (also a TypeError) when a hyperparameter, or the learning-rate
        schedule's, is out of range or of the wrong type. A plain ValueError
        when ``nesterov=True`` with ``momentum=0``.

    References
    ----------
    Polyak, B. T. (1964). Some methods of speeding up the convergence of
    iteration methods. USSR Comput. Math. & Math. Phys. 4(5).
    Nesterov, Y. (1983). A method for solving the convex programming problem
    with convergence rate O(1/k^2). Soviet Math. Dokl. 27.
    Sutskever, I., Martens, J., Dahl, G. & Hinton, G. (2013). On the importance
    of initialization and momentum in deep learning. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.optimizers import SGD
    >>> opt = SGD(learning_rate=0.1, momentum=0.9)
    >>> w, g = np.array([1.0]), np.array([2.0])
    >>> state = opt.init(w)
    >>> opt.step(w, g, state); w
    array([0.8])
    >>> opt.step(w, g, state); w    # b = 0.9 * 2 + 2 = 3.8
    array([0.42])
    """

    _parameter_constraints = {
        "learning_rate": LEARNING_RATE_CONSTRAINT,
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "nesterov": ["boolean"],
    }

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov

    def validate(self):
        super().validate()
        if self.nesterov and self.momentum == 0:
            raise ValueError(
                "SGD(nesterov=True) needs momentum > 0; got momentum=0. "
                "Set momentum (e.g. 0.9) or nesterov=False."
            )

    def init_state(self, params):
        state = {"buf": np.empty_like(params)}
        if self.momentum != 0:
            state["momentum_buffer"] = np.zeros_like(params)
        return state

    def update(self, params, grad, state, lr):
        # axpy: params += a * x in one pass (see _blas)
        mu = float(self.momentum)
        if mu == 0.0:
            axpy(-lr, grad, params)
            return
        b = state["momentum_buffer"]
        b *= mu
        b += grad
        if self.nesterov:
            # w -= lr (g + mu b)
            axpy(-lr, grad, params)
            axpy(-lr * mu, b, params)
        else:
            axpy(-lr, b, params)
