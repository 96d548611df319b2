"""The optimizer protocol: configuration objects whose state lives elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.utils._param_validation import Interval

from ..schedules._base import Schedule, learning_rate_value
from ..utils._params import ParamsObject

__all__ = ["Optimizer", "Closure"]

#: ``closure()`` re-evaluates the objective at the *current* contents of the
#: parameter buffer, writes the gradient into the gradient buffer in place and
#: returns the loss as a float (as ``torch.optim``'s closure does).
Closure = Callable[[], float]

LEARNING_RATE_CONSTRAINT = [Interval(Real, 0, None, closed="neither"), Schedule]


class Optimizer(ParamsObject):
    r"""Base class of skoptim's optimizers.

    An optimizer is *configuration*: it holds hyperparameters only and is a
    scikit-learn parameter object (``get_params``/``set_params``/``clone``), so
    a grid search can search ``optimizer`` itself or ``optimizer__learning_rate``.
    Everything that changes during training lives in a ``state`` dict that
    :meth:`init` creates and the caller keeps (an estimator keeps it as the
    fitted attribute ``optimizer_state_``). Fitting never mutates the optimizer.

    The protocol, for a flat parameter vector ``params`` and a gradient buffer
    ``grad`` of the same shape and dtype:

    - ``state = opt.init(params)`` creates the state (step counter ``"t"``,
      epoch counter ``"epoch"``, the schedule's state and the optimizer's own
      buffers, allocated once).
    - ``opt.step(params, grad, state, closure=None)`` updates ``params`` **in
      place** from ``grad``. ``closure()``, when given, re-evaluates loss and
      gradient at the current ``params`` (writing ``grad`` in place); optimizers
      that look around within one step (SAM's ascent step) use it.
    - ``opt.on_epoch_end(state, loss)`` advances epoch-driven schedules.

    Full-batch optimizers that run their own loop (L-BFGS through
    :func:`scipy.optimize.minimize`) set ``full_batch = True`` and implement
    ``run`` instead of ``update``.

    **A float over a schedule sets the schedule's base rate.** When
    ``learning_rate`` holds a :class:`~skoptim.schedules.Schedule`,
    ``set_params(learning_rate=0.01)`` (a grid's ``optimizer__learning_rate``)
    sets the schedule's own ``learning_rate`` (its base or peak rate) on a
    clone of the schedule and keeps the schedule, so ``SGD(CosineAnnealing(
    0.05))`` searched over ``optimizer__learning_rate: [1e-3, 1e-2]`` is
    cosine annealing from 1e-3 and from 1e-2, as ``cv_results_`` reads. To
    replace a schedule by a constant rate, set a
    :class:`~skoptim.schedules.Constant` (or a new optimizer).

    Hyperparameters are checked when training starts (:meth:`init`, which
    calls :meth:`validate`), not in ``__init__``, as scikit-learn does.

    Writing your own optimizer takes two methods: ``init_state`` allocates the
    buffers and ``update`` applies one step with the learning rate ``lr``
    already resolved from a float or schedule.

    Examples
    --------
    Sign-SGD (Bernstein et al. 2018), :math:`w \leftarrow w - \eta\,\mathrm{sign}(g)`:

    >>> import numpy as np
    >>> from skoptim.optimizers import Optimizer, minimize
    >>> class SignSGD(Optimizer):
    ...     def __init__(self, learning_rate=0.1):
    ...         self.learning_rate = learning_rate
    ...     def init_state(self, params):
    ...         return {"sign": np.empty_like(params)}
    ...     def update(self, params, grad, state, lr):
    ...         np.sign(grad, out=state["sign"])
    ...         params -= lr * state["sign"]
    >>> res = minimize(lambda x: (float(x @ x), 2 * x), np.array([1.0, -2.0]),
    ...                SignSGD(0.5), n_iter=4)
    >>> res.x
    array([0., 0.])
    """

    full_batch = False

    #: advice for names users bring from torch, Keras or scikit-learn
    _param_hints = {
        "lr": "Use learning_rate=... (a float or a skoptim.schedules object).",
        "learning_rate_init": "Use learning_rate=... (scikit-learn's "
        "learning_rate_init).",
        "betas": "Use beta_1=... and beta_2=... (Adam, AdamW, Nadam).",
        "eps": "Use epsilon=....",
        "weight_decay": "Use AdamW(weight_decay=...) for decoupled weight decay, "
        "or the estimator's regularizers=[L2(alpha)] for an L2 penalty.",
        "nesterovs_momentum": "Use SGD(..., momentum=0.9, nesterov=True).",
    }

    def set_params(self, **params):
        """Set hyperparameters; a float over a schedule sets its base rate.

        As :meth:`sklearn.base.BaseEstimator.set_params`, except that
        ``learning_rate=<float>`` on an optimizer whose learning rate is a
        :class:`~skoptim.schedules.Schedule` sets the schedule's
        ``learning_rate`` (on a clone of the schedule) instead of replacing
        the schedule by a constant. A schedule or any other value replaces
        the learning rate.

        Parameters
        ----------
        **params : dict
            Hyperparameters (``name`` or nested ``name__param``).

        Returns
        -------
        self : Optimizer

        Raises
        ------
        ValueError
            If a name is not a hyperparameter of this optimizer (the message
            says what to use, e.g. one grid dict per optimizer family), or if
            a float is set over a schedule that has no ``learning_rate``.
        """
        value = params.get("learning_rate")
        current = self.__dict__.get("learning_rate")
        if (
            isinstance(current, Schedule)
            and isinstance(value, Real)
            and not isinstance(value, bool)
        ):
            if "learning_rate" not in current.get_params(deep=False):
                raise ValueError(
                    f"Cannot set learning_rate={value!r} on {type(self).__name__}: "
                    f"its schedule {current!r} has no learning_rate parameter. "
                    "Set the schedule's own parameters (learning_rate__<param>) "
                    "or pass a new schedule or Constant(...)."
                )
            params = {
                **params,
                "learning_rate": clone(current).set_params(learning_rate=value),
            }
        return super().set_params(**params)

    # -- protocol -----------------------------------------------------------
    def init(self, params: np.ndarray) -> dict[str, Any]:
        """Validate hyperparameters and create the state for ``params``.

        Parameters
        ----------
        params : ndarray of shape (n_params,)
            The flat parameter buffer the state is made for (same shape and
            dtype as the optimizer's buffers).

        Returns
        -------
        state : dict
            Step counter ``"t"``, epoch counter ``"epoch"``, the schedule's
            state and the optimizer's own buffers.

        Raises
        ------
        ValueError
            scikit-learn's ``InvalidParameterError`` (also a TypeError) when a
            hyperparameter, or the learning-rate schedule's, is out of range
            or of the wrong type; subclasses add their own checks (e.g.
            ``SGD(nesterov=True)`` without momentum).
        """
        self.validate()
        lr = getattr(self, "learning_rate", None)
        state: dict[str, Any] = {
            "t": 0,
            "epoch": 0,
            "schedule": lr.init_state() if isinstance(lr, Schedule) else {},
        }
        state.update(self.init_state(params))
        return state

    def step(
        self,
        params: np.ndarray,
        grad: np.ndarray,
        state: dict[str, Any],
        closure: Closure | None = None,
    ) -> None:
        """Apply one update to ``params`` in place.

        Raises
        ------
        NotImplementedError
            If a subclass defines neither ``update`` nor ``step``.
        TypeError
            From optimizers that need ``closure`` (SAM) when it is missing, and
            from full-batch optimizers (LBFGS), which take no single steps.
        """
        state["t"] += 1
        self.update(params, grad, state, self.current_learning_rate(state))

    def on_epoch_end(self, state: dict[str, Any], loss: float) -> None:
        """Tell the optimizer an epoch ended with mean loss ``loss``."""
        state["epoch"] += 1
        lr = getattr(self, "learning_rate", None)
        if isinstance(lr, Schedule):
            lr.on_epoch_end(state["schedule"], loss)

    def current_learning_rate(self, state: dict[str, Any]) -> float:
        """The learning rate the next update uses (a Python float, or None)."""
        lr = getattr(self, "learning_rate", None)
        if lr is None:  # an optimizer without a learning rate (user-defined)
            return None
        return learning_rate_value(lr, state["t"], state["epoch"], state["schedule"])

    def validate(self) -> None:
        """Check hyperparameters (and the schedule's) with clear errors.

        Raises
        ------
        ValueError
            scikit-learn's ``InvalidParameterError`` (also a TypeError) when a
            hyperparameter, or the learning-rate schedule's, is out of range
            or of the wrong type; subclasses add their own checks (e.g.
            ``SGD(nesterov=True)`` without momentum).
        """
        self._validate_params()
        lr = getattr(self, "learning_rate", None)
        if isinstance(lr, Schedule):
            lr.validate()

    # -- what subclasses write ---------------------------------------------
    def init_state(self, params: np.ndarray) -> dict[str, Any]:
        """Allocate this optimizer's buffers (none by default)."""
        return {}

    def update(
        self, params: np.ndarray, grad: np.ndarray, state: dict[str, Any], lr: float
    ) -> None:
        """Apply the update rule in place; ``lr`` is already resolved.

        Raises
        ------
        NotImplementedError
            Here, in the base class: subclasses implement it.
        """
        raise NotImplementedError(
            f"{type(self).__name__} must implement update(params, grad, state, lr)."
        )
