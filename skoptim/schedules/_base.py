"""Learning-rate schedules: configuration objects, with their state kept apart."""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any

from sklearn.utils._param_validation import Interval, StrOptions

from ..utils._params import ParamsObject

__all__ = [
    "Schedule",
    "Constant",
    "InverseScaling",
    "StepDecay",
    "ExponentialDecay",
    "CosineAnnealing",
    "ReduceOnPlateau",
    "learning_rate_value",
]


class Schedule(ParamsObject):
    """Base class of learning-rate schedules.

    A schedule maps the training clock to a learning rate. The clock has two
    hands: ``step`` (optimizer updates done so far, starting at 1 on the first
    update) and ``epoch`` (completed passes over the data, starting at 0).
    Each schedule reads the hand named by its ``unit`` parameter where that
    makes sense. Like the optimizers, a schedule holds only hyperparameters;
    anything that changes (the plateau counter of :class:`ReduceOnPlateau`)
    lives in the ``state`` dict that :meth:`init_state` returns and that the
    optimizer's state carries.

    Subclasses implement :meth:`value`; schedules driven by the loss also
    implement :meth:`on_epoch_end`.
    """

    def init_state(self) -> dict[str, Any]:
        """Return the mutable state of this schedule for one fit."""
        return {}

    def value(self, step: int, epoch: int, state: dict[str, Any]) -> float:
        """Learning rate at this point of training."""
        raise NotImplementedError

    def on_epoch_end(self, state: dict[str, Any], loss: float) -> None:
        """Observe the loss at the end of an epoch (no-op by default)."""

    def validate(self) -> None:
        """Check hyperparameters.

        Raises
        ------
        ValueError
            scikit-learn's ``InvalidParameterError`` for a hyperparameter
            outside ``_parameter_constraints`` (naming it and its value).
        """
        self._validate_params()

    def _clock(self, step: int, epoch: int) -> int:
        return step if getattr(self, "unit", "epoch") == "step" else epoch


def learning_rate_value(learning_rate, step: int, epoch: int, state) -> float:
    """Resolve a float or :class:`Schedule` to a Python float learning rate."""
    if isinstance(learning_rate, Schedule):
        return float(learning_rate.value(step, epoch, state))
    return float(learning_rate)


_UNIT = [StrOptions({"epoch", "step"})]
_POSITIVE = [Interval(Real, 0, None, closed="neither")]


class Constant(Schedule):
    r"""Constant learning rate, :math:`\eta_t = \eta_0`.

    Equivalent to passing the float itself; it exists so a grid search can
    put constant and decaying schedules in one list.

    Parameters
    ----------
    learning_rate : float, default=0.01
        The learning rate :math:`\eta_0`.

    Raises
    ------
    ValueError
        At fit time (scikit-learn's ``InvalidParameterError``, raised by
        :meth:`validate`) if ``learning_rate`` is not a positive number.
    """

    _parameter_constraints = {"learning_rate": _POSITIVE}

    def __init__(self, learning_rate: float = 0.01):
        self.learning_rate = learning_rate

    def value(self, step, epoch, state):
        return float(self.learning_rate)


class InverseScaling(Schedule):
    r"""Inverse scaling, :math:`\eta_t = \eta_0 / (t + 1)^{p}`.

    With ``unit="step"`` the clock :math:`t` counts updates done before this
    one (0 on the first update), as in Robbins & Monro (1951)-style decays and
    scikit-learn's ``learning_rate="invscaling"`` (which counts samples).

    Parameters
    ----------
    learning_rate : float, default=0.01
        Initial rate :math:`\eta_0`.
    power_t : float, default=0.5
        Exponent :math:`p`.
    unit : {"step", "epoch"}, default="step"
        Which clock :math:`t` counts.

    Raises
    ------
    ValueError
        At fit time (scikit-learn's ``InvalidParameterError``, raised by
        :meth:`validate`) if ``learning_rate`` is not positive, ``power_t``
        is negative or ``unit`` is not ``"step"``/``"epoch"``.
    """

    _parameter_constraints = {
        "learning_rate": _POSITIVE,
        "power_t": [Interval(Real, 0, None, closed="left")],
        "unit": _UNIT,
    }

    def __init__(self, learning_rate=0.01, power_t=0.5, unit="step"):
        self.learning_rate = learning_rate
        self.power_t = power_t
        self.unit = unit

    def value(self, step, epoch, state):
        t = max(step - 1, 0) if self.unit == "step" else epoch
        return float(self.learning_rate) / (t + 1.0) ** float(self.power_t)


class StepDecay(Schedule):
    r"""Step decay, :math:`\eta_e = \eta_0\,\gamma^{\lfloor e / s \rfloor}`.

    Parameters
    ----------
    learning_rate : float, default=0.01
        Initial rate :math:`\eta_0`.
    step_size : int, default=10
        Epochs (or steps) :math:`s` between two decays.
    gamma : float, default=0.1
        Multiplicative factor :math:`\gamma` of each decay.
    unit : {"epoch", "step"}, default="epoch"
        Which clock :math:`e` counts.

    Raises
    ------
    ValueError
        At fit time (scikit-learn's ``InvalidParameterError``, raised by
        :meth:`validate`) if ``learning_rate`` is not positive,
        ``step_size`` is not a positive integer, ``gamma`` is outside (0, 1]
        or ``unit`` is not ``"epoch"``/``"step"``.
    """

    _parameter_constraints = {
        "learning_rate": _POSITIVE,
        "step_size": [Interval(Integral, 1, None, closed="left")],
        "gamma": [Interval(Real, 0, 1, closed="right")],
        "unit": _UNIT,
    }

    def __init__(self, learning_rate=0.01, step_size=10, gamma=0.1, unit="epoch"):
        self.learning_rate = learning_rate
        self.step_size = step_size
        self.gamma = gamma
        self.unit = unit

    def value(self, step, epoch, state):
        t = max(step - 1, 0) if self.unit == "step" else epoch
        return float(self.learning_rate) * float(self.gamma) ** (t // self.step_size)


class ExponentialDecay(Schedule):
    r"""Exponential decay, :math:`\eta_e = \eta_0\,\gamma^{e}`.

    Parameters
    ----------
    learning_rate : float, default=0.01
        Initial rate :math:`\eta_0`.
    gamma : float, default=0.95
        Decay factor per epoch (or step).
    unit : {"epoch", "step"}, default="epoch"
        Which clock :math:`e` counts.

    Raises
    ------
    ValueError
        At fit time (scikit-learn's ``InvalidParameterError``, raised by
        :meth:`validate`) if ``learning_rate`` is not positive, ``gamma``
        is outside (0, 1] or ``unit`` is not ``"epoch"``/``"step"``.
    """

    _parameter_constraints = {
        "learning_rate": _POSITIVE,
        "gamma": [Interval(Real, 0, 1, closed="right")],
        "unit": _UNIT,
    }

    def __init__(self, learning_rate=0.01, gamma=0.95, unit="epoch"):
        self.learning_rate = learning_rate
        self.gamma = gamma
        self.unit = unit

    def value(self, step, epoch, state):
        t = max(step - 1, 0) if self.unit == "step" else epoch
        return float(self.learning_rate) * float(self.gamma) ** t


class CosineAnnealing(Schedule):
    r"""Cosine annealing with optional linear warm-up (Loshchilov & Hutter 2017).

    .. math::

        \eta_t = \begin{cases}
          \eta_0\,(t + 1) / w & t < w \\
          \eta_{min} + \tfrac12(\eta_0 - \eta_{min})
            \left(1 + \cos\left(\pi\,\frac{\min(t - w, T)}{T}\right)\right)
            & t \ge w
        \end{cases}

    where :math:`T` = ``t_max`` and :math:`w` = ``warmup``. After :math:`T`
    the rate stays at :math:`\eta_{min}` (no restarts).

    Parameters
    ----------
    learning_rate : float, default=0.01
        Peak rate :math:`\eta_0`.
    t_max : int, default=100
        Length of the cosine half-period after warm-up.
    eta_min : float, default=0.0
        Final rate.
    warmup : int, default=0
        Number of warm-up epochs (or steps), rising linearly to ``learning_rate``.
    unit : {"epoch", "step"}, default="epoch"
        Which clock :math:`t` counts.

    Raises
    ------
    ValueError
        At fit time (scikit-learn's ``InvalidParameterError``, raised by
        :meth:`validate`) if ``learning_rate`` is not positive, ``t_max``
        is not a positive integer, ``eta_min`` is negative, ``warmup`` is not a
        non-negative integer or ``unit`` is not ``"epoch"``/``"step"``.
        Also if ``eta_min`` exceeds ``learning_rate`` (the "annealing" would
        raise the rate).

    References
    ----------
    Loshchilov, I. & Hutter, F. (2017). SGDR: Stochastic gradient descent with
    warm restarts. ICLR. Goyal et al. (2017) for the linear warm-up.
    """

    _parameter_constraints = {
        "learning_rate": _POSITIVE,
        "t_max": [Interval(Integral, 1, None, closed="left")],
        "eta_min": [Interval(Real, 0, None, closed="left")],
        "warmup": [Interval(Integral, 0, None, closed="left")],
        "unit": _UNIT,
    }

    def __init__(
        self, learning_rate=0.01, t_max=100, eta_min=0.0, warmup=0, unit="epoch"
    ):
        self.learning_rate = learning_rate
        self.t_max = t_max
        self.eta_min = eta_min
        self.warmup = warmup
        self.unit = unit

    def validate(self) -> None:
        """Check hyperparameters, and that ``eta_min <= learning_rate``."""
        super().validate()
        if self.eta_min > self.learning_rate:
            raise ValueError(
                f"CosineAnnealing(learning_rate={self.learning_rate}, "
                f"eta_min={self.eta_min}): eta_min is the final rate and must not "
                "exceed learning_rate (the peak rate)."
            )

    def value(self, step, epoch, state):
        t = max(step - 1, 0) if self.unit == "step" else epoch
        lr0 = float(self.learning_rate)
        if t < self.warmup:
            return lr0 * (t + 1) / self.warmup
        frac = min(t - self.warmup, self.t_max) / self.t_max
        return self.eta_min + 0.5 * (lr0 - self.eta_min) * (
            1.0 + math.cos(math.pi * frac)
        )


class ReduceOnPlateau(Schedule):
    r"""Divide the rate when the epoch loss stops improving.

    With :math:`b` the best (lowest) epoch loss so far, an epoch's loss
    :math:`L` counts as an improvement when

    .. math::

        L < b - \tau\,|b|,

    :math:`\tau` = ``threshold`` (a relative threshold). After more than
    ``patience`` consecutive epochs without improvement the rate is
    multiplied by ``factor`` (not below ``min_lr``) and the count starts
    again, as in ``torch.optim.lr_scheduler.ReduceLROnPlateau`` with
    ``mode="min"`` and ``threshold_mode="rel"``, and scikit-learn's
    ``learning_rate="adaptive"``. The threshold is taken relative to
    :math:`|b|`, not :math:`b` as in PyTorch (``b * (1 - threshold)``), so it
    is right for a loss of either sign: a negative loss (skoptim's Poisson
    deviance without its constant, or any user objective) that stays
    constant or gets worse is not an improvement. A non-finite loss never
    counts as an improvement.

    Parameters
    ----------
    learning_rate : float, default=0.01
        Initial rate.
    factor : float, default=0.1
        Multiplier applied at each reduction, in (0, 1]; ``factor=1`` never
        changes the rate (the constant-rate baseline of a grid).
    patience : int, default=5
        Epochs without improvement tolerated before a reduction.
    threshold : float, default=1e-4
        Relative improvement :math:`\tau \ge 0` that counts.
    min_lr : float, default=0.0
        Floor of the rate.

    Raises
    ------
    ValueError
        At fit time (scikit-learn's ``InvalidParameterError``, raised by
        :meth:`validate`) if ``learning_rate`` is not positive, ``factor`` is
        outside (0, 1], ``patience`` is not a non-negative integer, or
        ``threshold`` or ``min_lr`` is negative.
    """

    _parameter_constraints = {
        "learning_rate": _POSITIVE,
        "factor": [Interval(Real, 0, 1, closed="right")],
        "patience": [Interval(Integral, 0, None, closed="left")],
        "threshold": [Interval(Real, 0, None, closed="left")],
        "min_lr": [Interval(Real, 0, None, closed="left")],
    }

    def __init__(
        self, learning_rate=0.01, factor=0.1, patience=5, threshold=1e-4, min_lr=0.0
    ):
        self.learning_rate = learning_rate
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.min_lr = min_lr

    def init_state(self):
        return {"scale": 1.0, "best": math.inf, "bad_epochs": 0}

    def value(self, step, epoch, state):
        return max(float(self.learning_rate) * state["scale"], float(self.min_lr))

    def improves(self, loss: float, best: float) -> bool:
        """Whether ``loss`` improves on ``best`` by the relative threshold.

        ``loss < best - threshold * |best|``; any finite loss improves on
        ``best = inf`` (no epoch seen yet), a NaN or infinite loss never does.
        """
        if not math.isfinite(loss):
            return False
        if not math.isfinite(best):
            return True
        return loss < best - float(self.threshold) * abs(best)

    def on_epoch_end(self, state, loss):
        if self.improves(float(loss), state["best"]):
            state["best"] = float(loss)
            state["bad_epochs"] = 0
            return
        state["bad_epochs"] += 1
        if state["bad_epochs"] > self.patience:
            state["scale"] *= float(self.factor)
            state["bad_epochs"] = 0
