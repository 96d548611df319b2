"""skoptim.model_selection."""

from ._bias_variance import (
    SquaredErrorDecomposition,
    ZeroOneDecomposition,
    bias_variance_decomposition,
    bias_variance_from_predictions,
)
from ._bias_variance_curve import BiasVarianceCurve, bias_variance_curve

__all__: list[str] = [
    "BiasVarianceCurve",
    "SquaredErrorDecomposition",
    "ZeroOneDecomposition",
    "bias_variance_curve",
    "bias_variance_decomposition",
    "bias_variance_from_predictions",
]
