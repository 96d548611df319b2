"""scikit-learn API conformance of every skoptim ensemble."""

from sklearn.linear_model import Ridge
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.utils.estimator_checks import parametrize_with_checks

from skoptim.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    BaggingClassifier,
    BaggingRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
)

CHECKED = [
    BaggingRegressor(n_estimators=5),
    BaggingClassifier(n_estimators=5),
    AdaBoostClassifier(n_estimators=5),
    # no sample_weight in KNN's fit: boosting by resampling
    AdaBoostClassifier(KNeighborsClassifier(1), n_estimators=3),
    AdaBoostRegressor(n_estimators=5),
    AdaBoostRegressor(KNeighborsRegressor(3), n_estimators=3),
    GradientBoostingRegressor(n_estimators=5),
    GradientBoostingRegressor(Ridge(), n_estimators=5, loss="huber", learning_rate=0.5),
    GradientBoostingClassifier(n_estimators=5),
    GradientBoostingClassifier(Ridge(), n_estimators=3, learning_rate=0.5),
]

# scikit-learn expects exactly these failures of its own Bagging, AdaBoost and
# GradientBoosting classes (sklearn/utils/_test_common/instance_generator.py,
# meta-issue #16298): random resampling, and trees whose thresholds sit between
# zero-weight rows, are not exactly equivalent to repeating/removing rows.
_WEIGHT_EQUIVALENCE = {
    "check_sample_weight_equivalence_on_dense_data": (
        "sample_weight is not equivalent to removing/repeating samples "
        "(also an expected failure of the scikit-learn parent, #16298)."
    ),
    "check_sample_weight_equivalence_on_sparse_data": (
        "sample_weight is not equivalent to removing/repeating samples "
        "(also an expected failure of the scikit-learn parent, #16298)."
    ),
}


_ENSEMBLES = (
    AdaBoostClassifier,
    AdaBoostRegressor,
    BaggingClassifier,
    BaggingRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
)


def _expected_failed_checks(estimator):
    # Mirrors scikit-learn's own list for the six parent classes; the marks are
    # not strict, so ensembles that happen to pass (e.g. a linear base) XPASS.
    # Other estimators (tests/test_common.py also calls this) get none.
    return _WEIGHT_EQUIVALENCE if isinstance(estimator, _ENSEMBLES) else {}


@parametrize_with_checks(CHECKED, expected_failed_checks=_expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)
