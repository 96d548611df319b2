"""Discovery-driven checks over every public regularizer, and combinations."""

import inspect
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.model_selection import GridSearchCV
from sklearn.preprocessing import StandardScaler

import skoptim.regularizers as regularizers_module
from skoptim import MLPClassifier, MLPRegressor
from skoptim.optimizers import Adam
from skoptim.regularizers import (
    L2,
    Augmentation,
    BatchNormalization,
    Dropout,
    EarlyStopping,
    GaussianNoise,
    LabelSmoothing,
    Mixup,
    Regularizer,
)
from skoptim.regularizers._base import HOOKS

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ALL = [
    getattr(regularizers_module, name)
    for name in regularizers_module.__all__
    if inspect.isclass(getattr(regularizers_module, name))
    and issubclass(getattr(regularizers_module, name), Regularizer)
    and getattr(regularizers_module, name) is not Regularizer
]
IDS = [cls.__name__ for cls in ALL]


def _jitter(X, rng):
    """A module-level (picklable) transform for Augmentation."""
    return X + 0.01 * rng.standard_normal(X.shape)


def _make(cls):
    """A regularizer with its defaults (Augmentation needs its transform)."""
    return cls(_jitter) if cls is Augmentation else cls()


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def test_discovery_finds_the_whole_family():
    assert len(ALL) >= 10


@pytest.mark.parametrize("cls", ALL, ids=IDS)
def test_parameter_object_contract(cls):
    reg = _make(cls)
    params = reg.get_params()
    assert set(params) == set(inspect.signature(cls).parameters)
    assert set(params) == set(cls._parameter_constraints)
    # clone gives an equal, distinct object; set_params round-trips
    c = clone(reg)
    assert c is not reg and c.get_params() == params
    assert c.set_params(**params) is c
    assert repr(c).startswith(cls.__name__)
    # house style: the formula and the paper in the docstring
    doc = inspect.getdoc(cls)
    assert ".. math::" in doc and "References" in doc
    # a hook it claims to use really is one
    assert all(h in HOOKS for h in HOOKS if reg.uses(h))


@pytest.mark.parametrize("cls", ALL, ids=IDS)
def test_fitting_leaves_the_regularizer_unchanged(cls, iris):
    X, y = iris
    reg = _make(cls)
    before = pickle.dumps(reg)
    est_cls = MLPClassifier if reg.supports_classifier else MLPRegressor
    est = est_cls((6,), regularizers=[reg], max_iter=5, random_state=0).fit(X, y)
    assert pickle.dumps(reg) == before
    assert est.regularizers_[0] is not reg
    assert est.regularizers[0] is reg
    assert not hasattr(reg, "_key")
    # the fitted model pickles and predicts the same; no workspace is stored
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.predict_proba(X), est.predict_proba(X))
    for key in est.regularizers_[0].scratch_state:
        assert key not in est.regularizer_state_.get(0, {})


@pytest.mark.parametrize("cls", ALL, ids=IDS)
def test_each_regularizer_trains_the_regressor_too(cls, iris):
    X = iris[0]
    reg = _make(cls)
    est = MLPRegressor((6,), regularizers=[reg], max_iter=5, random_state=0)
    if not reg.supports_regressor:
        with pytest.raises(ValueError, match=f"{cls.__name__}.*MLPRegressor"):
            est.fit(X[:, :3], X[:, 3])
        return
    est.fit(X[:, :3], X[:, 3])
    assert np.isfinite(est.predict(X[:, :3])).all()


def test_partial_fit_and_warm_start_continue_with_regularizers(iris):
    X, y = iris
    regs = [BatchNormalization(), Dropout(0.2), GaussianNoise(0.1), L2(0.01)]
    est = MLPClassifier((8,), regularizers=regs, random_state=0)
    for _ in range(3):
        est.partial_fit(X, y, classes=[0, 1, 2])
    assert est.n_iter_ == 3
    assert est.regularizer_state_[0]["n_batches"] == 3
    warm = MLPClassifier(
        (8,), regularizers=regs, random_state=0, warm_start=True, max_iter=2
    )
    warm.fit(X, y)
    first = warm.params_.copy()
    warm.fit(X, y)
    assert warm.n_iter_ == 4
    assert not np.array_equal(first, warm.params_)


# -- nested parameters and grid search ----------------------------------------------
def test_nested_names_in_get_params_and_set_params():
    d, l2 = Dropout(0.5), L2(1e-4)
    est = MLPClassifier(regularizers=[d, l2, L2(1.0)])
    params = est.get_params()
    assert params["regularizers__dropout__rate"] == 0.5
    assert params["regularizers__1__alpha"] == 1e-4  # two L2s: by position
    assert params["regularizers__2__alpha"] == 1.0
    est.set_params(regularizers__dropout__rate=0.1, regularizers__2__alpha=3.0)
    assert est.regularizers[0].rate == 0.1 and est.regularizers[2].alpha == 3.0
    assert d.rate == 0.5  # the user's object is not modified: replaced by a clone
    with pytest.raises(ValueError, match="no regularizer named 'l2'"):
        est.set_params(regularizers__l2__alpha=1.0)  # ambiguous: two L2s
    est.set_params(regularizers__1=Mixup(0.3))
    assert isinstance(est.regularizers[1], Mixup)
    est.set_params(regularizers__l2__alpha=2.0)  # now unique
    assert est.regularizers[2].alpha == 2.0
    with pytest.raises(ValueError, match="Invalid parameter"):
        est.set_params(regularizers__dropout__nope=1.0)
    single = MLPClassifier(regularizers=Dropout(0.5))
    single.set_params(regularizers__dropout__rate=0.2)
    assert isinstance(single.regularizers, Dropout) and single.regularizers.rate == 0.2


def test_grid_search_reaches_several_regularizers_hyperparameters(iris):
    X, y = iris
    est = MLPClassifier(
        (8,),
        optimizer=Adam(0.02),
        regularizers=[Dropout(0.5), L2(1e-4)],
        max_iter=30,
        random_state=0,
    )
    grid = {
        "regularizers__dropout__rate": [0.0, 0.3],
        "regularizers__l2__alpha": [1e-4, 1e3],
    }
    gs = GridSearchCV(est, grid, cv=3).fit(X, y)
    assert len(gs.cv_results_["params"]) == 4
    best = gs.best_estimator_
    assert best.regularizers[0].rate == gs.best_params_["regularizers__dropout__rate"]
    assert best.regularizers[1].alpha == gs.best_params_["regularizers__l2__alpha"]
    assert best.regularizers_[1].alpha == best.regularizers[1].alpha
    # crushing L2 hurts, so the search really applied the hyperparameters
    means = dict(
        zip(
            [p["regularizers__l2__alpha"] for p in gs.cv_results_["params"]],
            gs.cv_results_["mean_test_score"],
            strict=True,
        )
    )
    assert means[1e-4] > means[1e3] + 0.2
    assert est.regularizers[0].rate == 0.5  # the template is untouched


# -- combinations -----------------------------------------------------------------
def test_combination_is_defined_by_hook_points_not_list_order(iris):
    """Regularizers at different hook points commute: list order is irrelevant."""
    X, y = iris
    regs = [
        LabelSmoothing(0.1),
        BatchNormalization(),
        L2(0.01),
        Mixup(0.3),
        EarlyStopping(patience=3),
    ]

    def fit(order):
        return MLPClassifier(
            (8,),
            regularizers=[clone(regs[i]) for i in order],
            max_iter=20,
            random_state=0,
        ).fit(X, y)

    a, b = fit([0, 1, 2, 3, 4]), fit([4, 3, 2, 1, 0])
    # same draws in the same order: identical fits up to block layout
    assert a.loss_curve_ == pytest.approx(b.loss_curve_, rel=1e-10)
    assert a.validation_loss_curve_ == pytest.approx(b.validation_loss_curve_)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-10)


def test_everything_at_once_trains(iris):
    X, y = iris
    from skoptim.regularizers import L1, ElasticNet, WeightNoise

    est = MLPClassifier(
        (16, 8),
        optimizer=Adam(0.01),
        regularizers=[
            EarlyStopping(patience=5),
            L1(1e-4),
            ElasticNet(1e-4),
            L2(1e-3),
            Dropout(0.1, input_rate=0.05),
            GaussianNoise(0.05, hidden_std=0.05),
            WeightNoise(0.01),
            LabelSmoothing(0.05),
            BatchNormalization(),
            Mixup(0.2),
        ],
        max_iter=100,
        random_state=0,
    ).fit(X, y)
    assert est.score(X, y) > 0.85
    assert len(est.validation_loss_curve_) == est.n_iter_
