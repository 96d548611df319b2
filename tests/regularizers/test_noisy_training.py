"""Regularizers that draw new random numbers per batch and the stopping rules.

Their training loss is noisy: the default ``tol`` rule stops early (on digits
Dropout, GaussianNoise, Mixup and Augmentation lost 0.7-1.8 points of
cross-validated accuracy to it), so such a stop warns; with a full-batch
optimizer, Mixup and Augmentation draw once for the whole fit, which warns.
"""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier
from skoptim.optimizers import LBFGS
from skoptim.regularizers import (
    L2,
    Augmentation,
    Dropout,
    GaussianNoise,
    Mixup,
    WeightNoise,
)

pytestmark = pytest.mark.filterwarnings(
    "ignore:LBFGS. maximum iterations:sklearn.exceptions.ConvergenceWarning"
)


def _jitter(X, rng):
    return X + 0.05 * rng.standard_normal(X.shape)


NOISY = [
    Dropout(0.2),
    GaussianNoise(0.1),
    WeightNoise(0.05),
    Mixup(0.4),
    Augmentation(_jitter),
]


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _noisy_tol_warnings(record):
    return [w for w in record if "tol rule" in str(w.message)]


@pytest.mark.parametrize("reg", NOISY, ids=lambda r: type(r).__name__)
def test_a_tol_stop_with_a_noisy_regularizer_warns(reg, iris):
    X, y = iris
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        est = MLPClassifier((8,), regularizers=[reg], max_iter=2000, random_state=0)
        est.fit(X, y)
    assert est.stop_reason_ == "tol"
    (w,) = _noisy_tol_warnings(record)
    assert issubclass(w.category, ConvergenceWarning)
    message = str(w.message)
    assert type(reg).__name__ in message
    assert "default tol rule" in message and " draws new random" in message
    assert "n_iter_no_change" in message and "EarlyStopping" in message
    assert len(message) < 300


@pytest.mark.parametrize("setting", [{"n_iter_no_change": 11}, {"tol": 1e-3}])
def test_no_warning_once_the_user_has_chosen_the_rule(setting, iris):
    X, y = iris
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        est = MLPClassifier(
            (8,), regularizers=[Mixup(0.4)], max_iter=2000, random_state=0, **setting
        ).fit(X, y)
    assert est.stop_reason_ == "tol"
    assert not _noisy_tol_warnings(record)


def test_no_warning_without_random_draws(iris):
    X, y = iris
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        for regs in ([], [L2(1e-3)], [Augmentation(_jitter, p=0.0)]):
            est = MLPClassifier((8,), regularizers=regs, max_iter=2000, random_state=0)
            est.fit(X, y)
            assert est.stop_reason_ == "tol"
    assert not _noisy_tol_warnings(record)


@pytest.mark.parametrize(
    "reg", [Mixup(0.4), Augmentation(_jitter)], ids=lambda r: type(r).__name__
)
def test_full_batch_optimizer_warns_that_it_draws_once(reg, iris):
    X, y = iris
    with pytest.warns(UserWarning, match="one fixed copy of the training set"):
        MLPClassifier((8,), optimizer=LBFGS(), regularizers=[reg], max_iter=20).fit(
            X, y
        )


def test_full_batch_draws_once_and_trains_on_that_copy(iris):
    # the documented behaviour behind the warning: one transformed copy
    X, y = iris
    seen = []

    def record(X, rng):
        seen.append(X.copy())
        return X + 1.0

    with pytest.warns(UserWarning, match="one fixed copy"):
        MLPClassifier(
            (8,), optimizer=LBFGS(), regularizers=[Augmentation(record)], max_iter=20
        ).fit(X, y)
    assert len(seen) == 1
    np.testing.assert_array_equal(seen[0], X)


def test_one_filter_by_message_silences_the_warning_for_every_fit(iris):
    # a fixed text, whatever the fit's length: a grid search's user filters it
    # once (Python's own once-per-place rule does not hold across fits, since
    # scikit-learn's input checks reset the warnings registry)
    X, y = iris
    texts = set()
    for seed in range(3):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            est = MLPClassifier(
                (8,), regularizers=[Mixup(0.4)], max_iter=2000, random_state=seed
            ).fit(X, y)
        texts |= {str(w.message) for w in _noisy_tol_warnings(record)}
        assert est.stop_reason_ == "tol"
    assert len(texts) == 1
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        warnings.filterwarnings("ignore", message="Training stopped by the default tol")
        MLPClassifier((8,), regularizers=[Mixup(0.4)], max_iter=2000).fit(X, y)
    assert not _noisy_tol_warnings(record)


def test_several_noisy_regularizers_are_named_together(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match="Dropout and Mixup draw new random"):
        MLPClassifier(
            (8,), regularizers=[Mixup(0.4), Dropout(0.1)], max_iter=2000, random_state=0
        ).fit(X, y)
