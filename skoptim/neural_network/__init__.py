"""Multilayer perceptrons with pluggable optimizers and regularizers."""

from ._mlp import MLPClassifier, MLPRegressor
from ._plot import TrainingCurveDisplay

__all__ = ["MLPClassifier", "MLPRegressor", "TrainingCurveDisplay"]
