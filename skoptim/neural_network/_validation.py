"""Validation helpers of the MLP estimators: dtypes, sample weights, and the
``partial_fit`` that exists only with a stochastic optimizer."""

from __future__ import annotations

from functools import update_wrapper
from types import MethodType

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils._param_validation import Options

from ..utils._warnings import warn_user

__all__ = ["stochastic_only", "check_regularizers"]

_DTYPES = (np.float64, np.float32)


def _float_dtype(value):
    """``np.dtype(value)`` if it is float32 or float64, else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str) and value not in ("float32", "float64"):
        return None  # the documented names only, not "double" or "f4"
    try:
        dtype = np.dtype(value)
    except (TypeError, ValueError):
        return None
    return dtype if dtype in _DTYPES else None


class _FloatDtype(Options):
    """The ``dtype`` constraint: float32 or float64, given as a string
    (``"float32"``), a numpy type (``np.float32``) or a ``np.dtype``.

    An :class:`Options` for scikit-learn's parameter validation, which
    accepts only its own constraint classes."""

    def __init__(self):
        super().__init__(object, {"float32", "float64"})

    def is_satisfied_by(self, val):
        return _float_dtype(val) is not None

    def __str__(self):
        return "'float32' or 'float64' (a str, numpy type or np.dtype)"


def _stochastic_optimizer(est) -> bool:
    """partial_fit exists only for optimizers that take single steps.

    The ``available_if`` check: like scikit-learn's MLP with
    ``solver='lbfgs'``, ``hasattr(est, "partial_fit")`` is False and the
    ``AttributeError`` says why.
    """
    opt = est.optimizer
    if isinstance(opt, str):
        stochastic = opt.lower() != "lbfgs"
    else:
        stochastic = not getattr(opt, "full_batch", False)
    if not stochastic:
        name = opt if isinstance(opt, str) else type(opt).__name__
        raise AttributeError(
            "partial_fit is only available for stochastic optimizers (such as "
            f"'adam' or 'sgd'); {name!r} is a full-batch optimizer. Call fit, "
            "or set a stochastic optimizer."
        )
    return True


class _StochasticOnly:
    """A method available only with a stochastic optimizer (``partial_fit``).

    Like ``sklearn.utils.metaestimators.available_if`` with
    :func:`_stochastic_optimizer`, except that the ``AttributeError``'s own
    message says why (``available_if`` puts the reason only in its cause).
    """

    def __init__(self, fn):
        self.fn = fn
        update_wrapper(self, fn)

    def __get__(self, obj, owner=None):
        if obj is None:
            return self.fn
        try:
            _stochastic_optimizer(obj)
        except AttributeError as exc:
            raise AttributeError(
                f"This {type(obj).__name__!r} has no attribute "
                f"{self.fn.__name__!r}: {exc}"
            ) from None
        return MethodType(self.fn, obj)


def stochastic_only(fn):
    """Decorate ``partial_fit``: see :class:`_StochasticOnly`."""
    return _StochasticOnly(fn)


def check_regularizers(est, opt, regs) -> None:
    """Check a fit's regularizers against the estimator and the optimizer.

    Each must suit the estimator (classifier or regressor); a class that
    allows one instance, or a penalty, may not appear twice; each validates
    its own hyperparameters. With a full-batch optimizer, a regularizer that
    draws per batch warns: noise changes the line search's function, and
    new samples (Mixup, Augmentation) are drawn only once.

    Raises
    ------
    ValueError
        For a regularizer the estimator cannot use, a repeated one, or an
        invalid hyperparameter (from the regularizer's ``validate``).
    """
    is_clf = is_classifier(est)
    seen = {}
    for r in regs:
        kind = type(r).__name__
        if not (r.supports_classifier if is_clf else r.supports_regressor):
            raise ValueError(
                f"{r!r} cannot be used with {type(est).__name__}; remove "
                f"{kind} from regularizers."
            )
        if not r.allow_multiple and kind in seen:
            raise ValueError(
                f"regularizers contains {kind} twice; keep one {kind} "
                "(combine their settings into it)."
            )
        if r.uses("penalty") and kind in seen:
            # a penalty twice adds up, almost surely by mistake (an alias
            # and an object of the same class: ["l2", L2(1e-3)])
            raise ValueError(
                f"regularizers contains the penalty {kind} twice "
                f"({seen[kind]!r} and {r!r}); their terms would add up. "
                f"Keep one {kind} with the strength you intend."
            )
        seen[kind] = r
        r.validate(est)
        if opt.full_batch and r.uses_random_draws and not r.noisy_objective:
            warn_user(
                f"{r!r} makes new training samples at every batch, but the "
                f"full-batch optimizer {type(opt).__name__} has one batch: "
                "it draws once and trains on that one fixed copy of the "
                "training set for the whole fit. Use a stochastic "
                "optimizer (e.g. 'adam') to see new samples every epoch.",
                UserWarning,
            )
        if opt.full_batch and r.noisy_objective:
            warn_user(
                f"{r!r} draws new noise at every evaluation of the objective, "
                f"so the line search of the full-batch optimizer "
                f"{type(opt).__name__} sees a different function each time; "
                "use a stochastic optimizer (e.g. 'adam') with it.",
                UserWarning,
            )
