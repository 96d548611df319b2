"""Multilayer perceptrons with pluggable optimizers and regularizers."""

from ._from_sklearn import from_sklearn
from ._mlp import MLPClassifier, MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor", "from_sklearn"]
