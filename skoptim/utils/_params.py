"""Base class of configuration objects (optimizers, schedules, regularizers)."""

from __future__ import annotations

from sklearn.base import BaseEstimator

__all__ = ["ParamsObject"]


class ParamsObject(BaseEstimator):
    """A clone-able bag of hyperparameters, in the scikit-learn style.

    Optimizers, learning-rate schedules and regularizers are *configuration*:
    ``__init__`` stores its arguments verbatim and nothing else, so
    :func:`sklearn.base.clone`, ``get_params``/``set_params`` and nested grid
    search names such as ``optimizer__learning_rate`` all work. Anything that
    changes during training (moments, step counts, masks, running statistics)
    is created at fit time and kept by the estimator, never on this object.
    """

    #: scikit-learn-style declarative constraints, checked by ``validate``;
    #: a user's subclass may leave it empty.
    _parameter_constraints: dict = {}
