"""Every public split and public function of these modules that raises documents it."""

import inspect

import pytest

import skoptim.inspection as insp
import skoptim.model_selection as ms
from skoptim.inspection._objective import MLPObjective
from skoptim.optimizers import minimize

SPLITTERS = [
    ms.BlockedKFold,
    ms.BlockedTimeSeriesSplit,
    ms.GroupTimeSeriesSplit,
    ms.PurgedKFold,
    ms.CombinatorialPurgedKFold,
    ms.TimeWindowSplit,
]
CALLABLES = [cls.split for cls in SPLITTERS] + [cls.set_params for cls in SPLITTERS]
CALLABLES += [
    ms.TimeWindowSplit.get_n_splits,
    ms.CombinatorialPurgedKFold.get_n_splits,
    ms.CombinatorialPurgedKFold.get_n_paths,
    ms.CombinatorialPurgedKFold.get_backtest_paths,
    ms.CombinatorialPurgedKFold.get_path_test_indices,
    ms.bias_variance_decomposition,
    ms.bias_variance_from_predictions,
    ms.bias_variance_curve,
    ms.BiasVarianceCurve.plot,
    ms.plot_splits,
    insp.sharpness,
    insp.epsilon_sharpness,
    insp.loss_landscape,
    insp.random_directions,
    MLPObjective,
    minimize,
]


@pytest.mark.parametrize("func", CALLABLES, ids=lambda f: f.__qualname__)
def test_raises_section(func):
    doc = inspect.getdoc(func) or ""
    assert "\nRaises\n------\n" in doc, func.__qualname__
    section = doc.split("\nRaises\n------\n", 1)[1]
    assert section.split("\n", 1)[0].strip().endswith(("Error", "Exception")), (
        func.__qualname__
    )
