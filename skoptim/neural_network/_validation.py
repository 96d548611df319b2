"""Validation helpers of the MLP estimators: dtypes, sample weights, and the
``partial_fit`` that exists only with a stochastic optimizer."""

from __future__ import annotations

from functools import update_wrapper
from types import MethodType

import numpy as np
from sklearn.utils._param_validation import Options

__all__ = ["stochastic_only"]

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
