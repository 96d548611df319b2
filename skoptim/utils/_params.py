"""Base class of configuration objects (optimizers, schedules, regularizers)."""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils._param_validation import InvalidParameterError

from ._nested import NestedParamsMixin

__all__ = ["ParamsObject", "same_config"]


class ParamsObject(NestedParamsMixin, BaseEstimator):
    """A clone-able bag of hyperparameters, in the scikit-learn style.

    Optimizers, learning-rate schedules and regularizers are *configuration*:
    ``__init__`` stores its arguments verbatim and nothing else, so
    :func:`sklearn.base.clone`, ``get_params``/``set_params`` and nested grid
    search names such as ``optimizer__learning_rate`` all work. Anything that
    changes during training (moments, step counts, masks, running statistics)
    is created at fit time and kept by the estimator, never on this object.

    Nested parameters (aliases, lists of named objects, advice for unknown
    names) follow :class:`~skoptim.utils._nested.NestedParamsMixin`.
    """

    #: scikit-learn-style declarative constraints, checked by ``validate``;
    #: a user's subclass may leave it empty.
    _parameter_constraints: dict = {}

    def _validate_params(self) -> None:
        """scikit-learn's check of ``_parameter_constraints``, after one of
        its own: a parameter that holds a configuration class instead of an
        object of it (``Adam(learning_rate=CosineAnnealing)``) is named with
        the fix, where scikit-learn's message would only list the types.

        Raises
        ------
        ValueError
            scikit-learn's ``InvalidParameterError`` (also a TypeError).
        """
        for name, value in self.get_params(deep=False).items():
            if isinstance(value, type) and issubclass(value, ParamsObject):
                raise InvalidParameterError(
                    f"The {name!r} parameter of {type(self).__name__} is the "
                    f"class {value.__name__}; pass an object of it, "
                    f"{name}={value.__name__}(...) with its hyperparameters."
                )
        super()._validate_params()


def same_config(a, b) -> bool:
    """Whether two configuration objects have the same type and parameters.

    Compares nested parameter objects (a schedule inside an optimizer, SAM's
    base optimizer) by value, recursively, not by identity, so a clone of an
    optimizer counts as the same configuration.
    """
    if type(a) is not type(b):
        return False
    if hasattr(a, "get_params") and not isinstance(a, type):
        pa, pb = a.get_params(deep=False), b.get_params(deep=False)
        return pa.keys() == pb.keys() and all(same_config(pa[k], pb[k]) for k in pa)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(
            same_config(x, y) for x, y in zip(a, b, strict=True)
        )
    try:
        if isinstance(a, np.ndarray):
            return np.array_equal(a, b)
        return bool(a == b)
    except (TypeError, ValueError):
        return a is b
