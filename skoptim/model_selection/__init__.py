"""skoptim.model_selection."""

from ._bias_variance import (
    SquaredErrorDecomposition,
    ZeroOneDecomposition,
    bias_variance_decomposition,
    bias_variance_from_predictions,
)
from ._bias_variance_curve import BiasVarianceCurve, bias_variance_curve
from ._display import BiasVarianceDisplay, CVSplitDisplay
from ._plot import plot_splits
from ._split import BlockedKFold, BlockedTimeSeriesSplit, GroupTimeSeriesSplit
from ._split_purged import CombinatorialPurgedKFold, PurgedKFold
from ._split_window import TimeWindowSplit

__all__: list[str] = [
    "BiasVarianceCurve",
    "BiasVarianceDisplay",
    "CVSplitDisplay",
    "SquaredErrorDecomposition",
    "ZeroOneDecomposition",
    "bias_variance_curve",
    "bias_variance_decomposition",
    "bias_variance_from_predictions",
    "BlockedKFold",
    "BlockedTimeSeriesSplit",
    "CombinatorialPurgedKFold",
    "GroupTimeSeriesSplit",
    "PurgedKFold",
    "TimeWindowSplit",
    "plot_splits",
]
