"""Multilayer perceptrons with pluggable optimizers and regularizers."""

from ._from_sklearn import from_sklearn
from ._mlp import MLPClassifier, MLPRegressor
from ._plot import TrainingCurveDisplay

__all__ = ["MLPClassifier", "MLPRegressor", "TrainingCurveDisplay", "from_sklearn"]
