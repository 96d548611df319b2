"""Multilayer perceptrons with pluggable optimizers and regularizers."""

from ._mlp import MLPClassifier, MLPRegressor

__all__ = ["MLPClassifier", "MLPRegressor"]
