"""Discovery-driven checks over every public estimator, optimizer, schedule,
regularizer and splitter.

Everything named in a subpackage's ``__all__`` is found here and run through
the same checks; a new public class is covered the moment it is exported.
A class that cannot be built with its defaults must be given an instance in
``INSTANCES`` (the test says so when one is missing).
"""

from __future__ import annotations

import inspect
import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import cross_val_score
from sklearn.utils.estimator_checks import parametrize_with_checks

from skoptim.optimizers import Optimizer, minimize
from skoptim.regularizers import Regularizer
from skoptim.schedules import Schedule
from skoptim.utils._params import ParamsObject
from tests._discovery import public_classes

PUBLIC = public_classes()

#: Instances for classes whose constructor has required arguments.
INSTANCES = {
    "TimeWindowSplit": lambda cls: cls(train_window="20D", test_window="5D"),
    # ensembles: the defaults with fewer members, to keep the checks quick
    "BaggingClassifier": lambda cls: cls(n_estimators=5),
    "BaggingRegressor": lambda cls: cls(n_estimators=5),
    "AdaBoostClassifier": lambda cls: cls(n_estimators=10),
    "AdaBoostRegressor": lambda cls: cls(n_estimators=10),
    "GradientBoostingClassifier": lambda cls: cls(n_estimators=10),
    "GradientBoostingRegressor": lambda cls: cls(n_estimators=10),
    "Augmentation": lambda cls: cls(_jitter),
    "RandomShift": lambda cls: cls((2, 2)),
    "RandomRotation": lambda cls: cls((2, 2)),
}


def _jitter(X, rng):
    """A module-level (picklable) transform for Augmentation."""
    return X + 0.01 * rng.standard_normal(X.shape)


def _instance(cls):
    if cls.__name__ in INSTANCES:
        return INSTANCES[cls.__name__](cls)
    try:
        return cls()
    except TypeError as exc:  # pragma: no cover - a guide for contributors
        pytest.fail(f"{cls.__name__} needs an entry in INSTANCES: {exc}")


def _kind(cls, base):
    return [c for c in PUBLIC.values() if issubclass(c, base) and c is not base]


ESTIMATORS = [
    c
    for c in PUBLIC.values()
    if issubclass(c, BaseEstimator)
    and not issubclass(c, ParamsObject)
    and hasattr(c, "fit")
]
OPTIMIZERS = [c for c in _kind(Optimizer, Optimizer)]
SCHEDULES = [c for c in _kind(Schedule, Schedule)]
REGULARIZERS = [c for c in _kind(Regularizer, Regularizer)]
SPLITTERS = [
    c
    for c in PUBLIC.values()
    if hasattr(c, "split") and hasattr(c, "get_n_splits") and c not in ESTIMATORS
]
PARAM_OBJECTS = OPTIMIZERS + SCHEDULES + REGULARIZERS


def test_discovery_finds_every_kind():
    names = {c.__name__ for c in ESTIMATORS}
    assert {"MLPClassifier", "MLPRegressor"} <= names
    assert {"SGD", "Adam", "LBFGS"} <= {c.__name__ for c in OPTIMIZERS}
    assert len(SCHEDULES) >= 5
    assert len(SPLITTERS) >= 5


# -- estimators ----------------------------------------------------------------


def _expected_failed_checks(estimator):
    """The expected failures of the scikit-learn class an ensemble extends.

    Bagging and AdaBoost resample at random, so weighting a row twice is not
    the same as repeating it; scikit-learn lists exactly these failures for
    its own classes, and its lists are reused here for skoptim's subclasses.
    """
    from sklearn.utils._test_common.instance_generator import (
        PER_ESTIMATOR_XFAIL_CHECKS,
    )

    from tests.ensemble.test_ensemble_common import (
        _expected_failed_checks as ensemble_xfails,
    )

    xfails = dict(ensemble_xfails(estimator))
    for parent in type(estimator).__mro__[1:]:
        if parent.__module__.startswith("sklearn."):
            xfails.update(PER_ESTIMATOR_XFAIL_CHECKS.get(parent, {}))
            break
    return xfails


@parametrize_with_checks(
    [_instance(c) for c in ESTIMATORS], expected_failed_checks=_expected_failed_checks
)
def test_sklearn_compatible_estimator(estimator, check):
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore", category=UserWarning, message=".*ConvergenceWarning.*"
        )
        check(estimator)


# -- parameter objects (optimizers, schedules, regularizers) -------------------


@pytest.mark.parametrize("cls", PARAM_OBJECTS, ids=lambda c: c.__name__)
def test_param_object_is_clonable_configuration(cls):
    obj = _instance(cls)
    params = obj.get_params(deep=False)
    # __init__ stores its arguments verbatim, nothing else
    sig = inspect.signature(cls.__init__)
    assert set(params) == {p for p in sig.parameters if p != "self"}
    assert set(vars(obj)) == set(params)
    c = clone(obj)
    assert c is not obj and type(c) is cls
    assert repr(c) == repr(obj)
    c.set_params(**params)
    assert pickle.loads(pickle.dumps(obj)).get_params() == obj.get_params()


def _quadratic(x):
    return 0.5 * float(x @ x), x.copy()


@pytest.mark.parametrize("cls", OPTIMIZERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_optimizer_decreases_a_quadratic_and_is_not_mutated(cls, dtype):
    opt = _instance(cls)
    before = (repr(opt), pickle.dumps(opt))
    x0 = np.linspace(-1, 1, 7).astype(dtype)
    res = minimize(_quadratic, x0, opt, n_iter=50)
    assert res.fun < _quadratic(x0)[0]
    assert res.x.dtype == dtype
    assert (repr(opt), pickle.dumps(opt)) == before


@pytest.mark.parametrize("cls", PARAM_OBJECTS, ids=lambda c: c.__name__)
def test_a_configuration_class_in_place_of_an_object_is_named(cls):
    # e.g. Adam(learning_rate=CosineAnnealing): the class, not an object of it
    from skoptim.schedules import CosineAnnealing

    obj = _instance(cls)
    params = obj.get_params(deep=False)
    if not params:
        pytest.skip(f"{cls.__name__} has no parameters")
    name = next(iter(params))
    obj.set_params(**{name: CosineAnnealing})
    validate = obj._validate_params
    with pytest.raises(
        ValueError, match="is the class CosineAnnealing; pass an object"
    ):
        validate()


@pytest.mark.parametrize("cls", OPTIMIZERS, ids=lambda c: c.__name__)
def test_optimizer_in_mlp_leaves_the_optimizer_unchanged(cls):
    from sklearn.datasets import load_iris

    from skoptim import MLPClassifier

    X, y = load_iris(return_X_y=True)
    opt = _instance(cls)
    before = pickle.dumps(opt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = MLPClassifier((4,), optimizer=opt, max_iter=3, random_state=0).fit(X, y)
    assert pickle.dumps(opt) == before
    assert est.optimizer_ is not opt


@pytest.mark.parametrize("cls", SCHEDULES, ids=lambda c: c.__name__)
def test_schedule_values_are_finite_and_positive(cls):
    s = _instance(cls)
    state = s.init_state()
    values = [s.value(t, e, state) for t, e in [(1, 0), (10, 2), (1000, 90)]]
    assert all(np.isfinite(v) and v >= 0 for v in values)


@pytest.mark.parametrize("cls", REGULARIZERS, ids=lambda c: c.__name__)
def test_regularizer_fitting_leaves_it_unchanged(cls):
    from sklearn.datasets import load_iris

    from skoptim import MLPClassifier, MLPRegressor

    X, y = load_iris(return_X_y=True)
    reg = _instance(cls)
    before = pickle.dumps(reg)
    Est, target = (
        (MLPClassifier, y) if reg.supports_classifier else (MLPRegressor, X[:, 0])
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = Est((4,), regularizers=[reg], max_iter=3, random_state=0).fit(X, target)
    assert pickle.dumps(reg) == before
    assert est.regularizers_[0] is not reg
    # predicting is deterministic whatever the regularizer does in training
    np.testing.assert_array_equal(est.predict(X), est.predict(X))


# -- splitters -----------------------------------------------------------------

#: Splitters that purge by each sample's label end time (``label_end_times``,
#: never ``groups``, which other scikit-learn tools read as group labels).
LABEL_END_SPLITTERS = {"PurgedKFold", "CombinatorialPurgedKFold"}


def _series(cls, n=120):
    """X, y, groups for ``cls``, and the splitter (label end times set)."""
    idx = pd.date_range("2020-01-01", periods=n, freq="D")
    rng = np.random.RandomState(0)
    X = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n)}, index=idx)
    y = pd.Series(rng.normal(size=n), index=idx)
    cv = _instance(cls)
    groups = None
    if cls.__name__ in LABEL_END_SPLITTERS:
        cv.set_params(label_end_times=pd.Series(idx + pd.Timedelta("3D"), index=idx))
    elif "Group" in cls.__name__:
        groups = np.repeat(np.arange(n // 6), 6)  # contiguous, ordered groups
    return X, y, groups, cv


@pytest.mark.parametrize("cls", SPLITTERS, ids=lambda c: c.__name__)
def test_splitter_contract(cls):
    X, y, groups, cv = _series(cls)
    folds = list(cv.split(X, y, groups))
    assert cv.get_n_splits(X, y, groups) == len(folds) > 0
    n = len(X)
    for train, test in folds:
        assert np.intersect1d(train, test).size == 0
        assert train.size and test.size
        assert train.min() >= 0 and max(train.max(), test.max()) < n
    again = list(cv.split(X, y, groups))
    for (a, b), (c, d) in zip(folds, again, strict=True):
        np.testing.assert_array_equal(a, c)
        np.testing.assert_array_equal(b, d)
    c = clone(cv)
    assert repr(c) == repr(cv)


@pytest.mark.parametrize("cls", SPLITTERS, ids=lambda c: c.__name__)
def test_splitter_in_cross_val_score(cls):
    X, y, groups, cv = _series(cls)
    scores = cross_val_score(Ridge(), X, y, groups=groups, cv=cv)
    assert len(scores) == cv.get_n_splits(X, y, groups)
    assert np.all(np.isfinite(scores))
