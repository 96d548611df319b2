"""Regularizers: objects that hook into training at named points."""

from ._base import FitContext, Regularizer

__all__ = ["Regularizer", "FitContext"]
