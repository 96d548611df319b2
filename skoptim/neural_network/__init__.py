"""Multilayer perceptrons with pluggable optimizers and regularizers."""

from ._classifier import MLPClassifier
from ._from_sklearn import from_sklearn
from ._plot import TrainingCurveDisplay
from ._regressor import MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor", "TrainingCurveDisplay", "from_sklearn"]
