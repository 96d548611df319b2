"""The Adam family: Adam (with AMSGrad), AdamW and Nadam."""

from __future__ import annotations

import math
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import LEARNING_RATE_CONSTRAINT, Optimizer
from ._blas import axpy, axpy_fn, axpy_unchecked

__all__ = ["Adam", "AdamW", "Nadam"]

_BETA = [Interval(Real, 0, 1, closed="left")]
_EPS = [Interval(Real, 0, None, closed="left")]


def _update_moments(grad, m, v, tmp, b1, b2, f=None):
    """m <- b1 m + (1 - b1) g ;  v <- b2 v + (1 - b2) g^2, in place.

    Five passes: the scalings in place and the additions as BLAS axpy
    (``f``: the routine from :func:`axpy_fn` for these arrays, or None).
    """
    m *= b1
    if f is not None:
        axpy_unchecked(f, 1.0 - b1, grad, m)
    else:
        axpy(1.0 - b1, grad, m)
    np.multiply(grad, grad, out=tmp)
    v *= b2
    if f is not None:
        axpy_unchecked(f, 1.0 - b2, tmp, v)
    else:
        axpy(1.0 - b2, tmp, v)


class Adam(Optimizer):
    r"""Adam (Kingma & Ba 2015), optionally AMSGrad (Reddi et al. 2018).

    .. math::

        m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\,g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2)\,g_t^2 \\
        \hat v_t &= \max(\hat v_{t-1}, v_t)\ \text{(AMSGrad)}, \quad
        \hat v_t = v_t\ \text{(otherwise)} \\
        w_t &= w_{t-1} - \frac{\eta}{1 - \beta_1^t}\,
              \frac{m_t}{\sqrt{\hat v_t / (1 - \beta_2^t)} + \epsilon}

    This is ``torch.optim.Adam``'s definition: :math:`\epsilon` is added after
    the bias correction of :math:`v`. scikit-learn's ``solver="adam"`` (and
    the paper's "efficient" form) folds the corrections into the step size,
    :math:`w_t = w_{t-1} - \eta\frac{\sqrt{1-\beta_2^t}}{1-\beta_1^t}
    \frac{m_t}{\sqrt{v_t} + \epsilon}`, which is the same rule with
    :math:`\epsilon` scaled by :math:`\sqrt{1 - \beta_2^t}`; the two differ
    only while :math:`\sqrt{v_t}` is comparable with :math:`\epsilon`.

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.001
        Step size :math:`\eta`.
    beta_1 : float, default=0.9
        Decay of the first-moment estimate.
    beta_2 : float, default=0.999
        Decay of the second-moment estimate.
    epsilon : float, default=1e-8
        Numerical floor :math:`\epsilon`.
    amsgrad : bool, default=False
        Use the running maximum of :math:`v_t` (AMSGrad).

    Raises
    ------
    ValueError
        From :meth:`~Optimizer.init` and :meth:`~Optimizer.validate` (at fit
        time, never in ``__init__``): scikit-learn's ``InvalidParameterError``
        (also a TypeError) when a hyperparameter, or the learning-rate
        schedule's, is out of range or of the wrong type.

    References
    ----------
    Kingma, D. P. & Ba, J. (2015). Adam: A method for stochastic optimization.
    ICLR. Reddi, S. J., Kale, S. & Kumar, S. (2018). On the convergence of Adam
    and beyond. ICLR.
    """

    _parameter_constraints = {
        "learning_rate": LEARNING_RATE_CONSTRAINT,
        "beta_1": _BETA,
        "beta_2": _BETA,
        "epsilon": _EPS,
        "amsgrad": ["boolean"],
    }

    def __init__(
        self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-8, amsgrad=False
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def init_state(self, params):
        state = {
            "m": np.zeros_like(params),
            "v": np.zeros_like(params),
            "buf": np.empty_like(params),
        }
        if self.amsgrad:
            state["v_max"] = np.zeros_like(params)
        return state

    def update(self, params, grad, state, lr):
        b1, b2, t = float(self.beta_1), float(self.beta_2), state["t"]
        m, v, tmp = state["m"], state["v"], state["buf"]
        self._decay(params, state, lr)
        # the checks of axpy once per step, not once per call
        f = axpy_fn(grad, m, v, tmp, params)
        _update_moments(grad, m, v, tmp, b1, b2, f)
        if self.amsgrad:
            np.maximum(state["v_max"], v, out=state["v_max"])
            v = state["v_max"]
        bc1 = 1.0 - b1**t
        sbc2 = math.sqrt(1.0 - b2**t)
        # m / (sqrt(v / bc2) + eps) = sbc2 m / (sqrt(v) + eps sbc2): the bias
        # correction of v folds into two scalars, one pass fewer
        np.sqrt(v, out=tmp)
        tmp += float(self.epsilon) * sbc2
        np.divide(m, tmp, out=tmp)
        if f is not None:
            axpy_unchecked(f, -lr * sbc2 / bc1, tmp, params)
        else:
            axpy(-lr * sbc2 / bc1, tmp, params)

    def _decay(self, params, state, lr):
        """Decoupled weight decay hook (AdamW); nothing for Adam."""


class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter 2019).

    Before the Adam step of :class:`Adam`, the weights shrink directly,

    .. math::

        w_{t-1} \leftarrow w_{t-1}\,(1 - \eta\,\lambda),

    as ``torch.optim.AdamW`` does. Unlike an L2 penalty added to the loss
    (:class:`skoptim.regularizers.L2`), whose gradient Adam rescales per
    coordinate, the decay here is the same for every weight. The decay
    applies to the whole parameter vector (biases included), like
    ``torch.optim.AdamW`` on a single parameter group.

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.001
        Step size :math:`\eta`.
    beta_1, beta_2, epsilon, amsgrad
        As in :class:`Adam`.
    weight_decay : float, default=0.01
        Decoupled decay :math:`\lambda`.

    Raises
    ------
    ValueError
        From :meth:`~Optimizer.init` and :meth:`~Optimizer.validate` (at fit
        time, never in ``__init__``): scikit-learn's ``InvalidParameterError``
        (also a TypeError) when a hyperparameter, or the learning-rate
        schedule's, is out of range or of the wrong type.

    References
    ----------
    Loshchilov, I. & Hutter, F. (2019). Decoupled weight decay regularization.
    ICLR.
    """

    _parameter_constraints = {
        **Adam._parameter_constraints,
        "weight_decay": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        amsgrad=False,
        weight_decay=0.01,
    ):
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
        )
        self.weight_decay = weight_decay

    def _decay(self, params, state, lr):
        if self.weight_decay:
            params *= 1.0 - lr * float(self.weight_decay)


class Nadam(Optimizer):
    r"""Nadam: Adam with Nesterov momentum (Dozat 2016), as ``torch.optim.NAdam``.

    With the momentum schedule :math:`\mu_t = \beta_1\,(1 - \tfrac12\,
    0.96^{t\psi})` (``momentum_decay`` :math:`\psi`) and
    :math:`\Pi_t = \prod_{i \le t} \mu_i`:

    .. math::

        m_t &= \beta_1 m_{t-1} + (1 - \beta_1)\,g_t, \qquad
        v_t = \beta_2 v_{t-1} + (1 - \beta_2)\,g_t^2,
        \qquad d_t = \sqrt{v_t / (1 - \beta_2^t)} + \epsilon \\
        w_t &= w_{t-1}
           - \eta\,\frac{1 - \mu_t}{1 - \Pi_t}\,\frac{g_t}{d_t}
           - \eta\,\frac{\mu_{t+1}}{1 - \Pi_t\,\mu_{t+1}}\,\frac{m_t}{d_t}

    ``momentum_decay=0`` gives the constant schedule :math:`\mu_t = \beta_1/2`;
    the default :math:`\psi = 0.004` is Dozat's and Keras' value.

    Parameters
    ----------
    learning_rate : float or Schedule, default=0.002
        Step size :math:`\eta`.
    beta_1, beta_2 : float, default=0.9, 0.999
        Moment decays.
    epsilon : float, default=1e-8
        Numerical floor.
    momentum_decay : float, default=0.004
        :math:`\psi` in the momentum schedule.

    Raises
    ------
    ValueError
        From :meth:`~Optimizer.init` and :meth:`~Optimizer.validate` (at fit
        time, never in ``__init__``): scikit-learn's ``InvalidParameterError``
        (also a TypeError) when a hyperparameter, or the learning-rate
        schedule's, is out of range or of the wrong type.

    References
    ----------
    Dozat, T. (2016). Incorporating Nesterov momentum into Adam. ICLR
    workshop.
    """

    _parameter_constraints = {
        "learning_rate": LEARNING_RATE_CONSTRAINT,
        "beta_1": _BETA,
        "beta_2": _BETA,
        "epsilon": _EPS,
        "momentum_decay": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self,
        learning_rate=0.002,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        momentum_decay=0.004,
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.momentum_decay = momentum_decay

    def init_state(self, params):
        return {
            "m": np.zeros_like(params),
            "v": np.zeros_like(params),
            "buf": np.empty_like(params),
            "buf2": np.empty_like(params),
            "mu_product": 1.0,
        }

    def update(self, params, grad, state, lr):
        b1, b2, t = float(self.beta_1), float(self.beta_2), state["t"]
        psi = float(self.momentum_decay)
        m, v, tmp, d = state["m"], state["v"], state["buf"], state["buf2"]
        mu = b1 * (1.0 - 0.5 * 0.96 ** (t * psi))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * psi))
        state["mu_product"] *= mu
        prod = state["mu_product"]
        _update_moments(grad, m, v, tmp, b1, b2)
        # both terms share the denominator d = sqrt(v / bc2) + eps
        # = (sqrt(v) + eps sbc2) / sbc2
        sbc2 = math.sqrt(1.0 - b2**t)
        c1 = lr * (1.0 - mu) / (1.0 - prod)
        c2 = lr * mu_next / (1.0 - prod * mu_next)
        np.sqrt(v, out=d)
        d += float(self.epsilon) * sbc2
        np.divide(grad, d, out=tmp)
        axpy(-c1 * sbc2, tmp, params)
        np.divide(m, d, out=tmp)
        axpy(-c2 * sbc2, tmp, params)
