"""scikit-learn's estimator checks with each regularizer enabled."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from skoptim import MLPClassifier, MLPRegressor
from skoptim.optimizers import Adam
from skoptim.regularizers import (
    L1,
    L2,
    Augmentation,
    BatchNormalization,
    Dropout,
    EarlyStopping,
    ElasticNet,
    GaussianNoise,
    LabelSmoothing,
    Mixup,
    WeightNoise,
)


class _Jitter:
    """Dense-only augmentation: small Gaussian noise on each row."""

    def __call__(self, X, rng):
        return X + 0.01 * rng.standard_normal(X.shape)

    def __repr__(self):  # a stable test id (no address)
        return "_Jitter()"


class _Scale:
    """Sparse-aware augmentation: a random scale of each row (keeps zeros)."""

    accept_sparse = True

    def __call__(self, X, rng):
        factors = 1.0 + 0.01 * rng.standard_normal((X.shape[0], 1))
        return X.multiply(factors).tocsr() if hasattr(X, "multiply") else X * factors

    def __repr__(self):
        return "_Scale()"


pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

REGULARIZERS = [
    L2(1e-3),
    L1(1e-4),
    ElasticNet(1e-4),
    Dropout(0.1, input_rate=0.05),
    GaussianNoise(0.05, hidden_std=0.05),
    WeightNoise(0.01),
    BatchNormalization(),
    Mixup(0.2),
    Augmentation(_Jitter()),
    Augmentation(_Scale(), p=0.5),
    EarlyStopping(patience=5),
]


def _small(cls, reg):
    return cls((8,), optimizer=Adam(0.01), regularizers=[reg], random_state=0)


ESTIMATORS = [_small(MLPClassifier, r) for r in REGULARIZERS + [LabelSmoothing(0.1)]]
ESTIMATORS += [_small(MLPRegressor, r) for r in REGULARIZERS]

# Weighting a sample by 2 equals repeating it only for a deterministic,
# per-sample-separable objective. Per-row random draws (masks, noise, mixing
# partners), batch statistics and a held-out split depend on the number of
# rows, so these regularizers legitimately break that equivalence. (WeightNoise
# draws per parameter, not per row, and passes.)
_ROW_DEPENDENT = (
    Dropout,
    GaussianNoise,
    BatchNormalization,
    Mixup,
    Augmentation,
    EarlyStopping,
)


def _expected_failed_checks(estimator):
    (reg,) = estimator.regularizers
    if isinstance(reg, _ROW_DEPENDENT):
        reason = (
            f"{type(reg).__name__} depends on the rows (random draws per row, "
            "batch statistics or a held-out split): weight 2 is not a repeated row"
        )
        return {
            "check_sample_weight_equivalence_on_dense_data": reason,
            "check_sample_weight_equivalence_on_sparse_data": reason,
        }
    return {}


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=_expected_failed_checks)
def test_sklearn_estimator_checks_with_each_regularizer(estimator, check):
    check(estimator)
