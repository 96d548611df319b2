"""Grid search over optimizers and regularizers, the way users write it.

String aliases behave like the objects they name; a grid means what it says;
scikit-learn's parameter names get advice.
"""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import (
    GridSearchCV,
    RandomizedSearchCV,
    cross_validate,
    learning_curve,
    validation_curve,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skoptim import MLPClassifier, MLPRegressor
from skoptim.neural_network._from_sklearn import SKLEARN_PARAM_HINTS
from skoptim.optimizers import LBFGS, SAM, SGD, Adam, get_optimizer
from skoptim.optimizers._aliases import OPTIMIZER_ALIASES
from skoptim.regularizers import L2, Dropout, EarlyStopping
from skoptim.regularizers._aliases import REGULARIZER_ALIASES
from skoptim.schedules import CosineAnnealing, InverseScaling


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return X, y


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=120, n_features=4, noise=1.0, random_state=0)
    return X, y / 100


def _nested(params, prefix):
    return {k[len(prefix) :]: v for k, v in params.items() if k.startswith(prefix)}


# -- 1. aliases behave like the objects they name --------------------------------
@pytest.mark.parametrize("alias", sorted(OPTIMIZER_ALIASES))
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_alias_shows_the_nested_parameters_of_its_object(cls, alias):
    est = cls(optimizer=alias)
    deep = est.get_params(deep=True)
    assert deep["optimizer"] == alias  # stored verbatim
    obj = get_optimizer(alias)
    assert _nested(deep, "optimizer__") == obj.get_params(deep=True)
    # and exactly as if the object had been passed
    as_object = cls(optimizer=obj).get_params(deep=True)
    assert _nested(as_object, "optimizer__") == _nested(deep, "optimizer__")


@pytest.mark.parametrize("alias", sorted(set(OPTIMIZER_ALIASES) - {"lbfgs"}))
def test_set_params_on_an_alias_makes_a_new_object(alias):
    est = MLPClassifier(optimizer=alias)
    est.set_params(optimizer__learning_rate=0.123)
    expected = get_optimizer(alias).set_params(learning_rate=0.123)
    assert type(est.optimizer) is type(expected)
    assert est.optimizer.get_params() == expected.get_params()
    # nothing shared was mutated: the alias and a new estimator keep defaults
    assert get_optimizer(alias).learning_rate != 0.123
    assert MLPClassifier(optimizer=alias).get_params()["optimizer"] == alias
    assert MLPClassifier().optimizer == "adam"
    assert MLPClassifier().get_params()["optimizer__learning_rate"] == 1e-3


def test_set_params_twice_on_a_default_touches_no_other_estimator():
    a, b = MLPClassifier(), MLPClassifier()
    a.set_params(optimizer__learning_rate=0.5)
    a.set_params(optimizer__beta_1=0.5)
    assert a.optimizer.learning_rate == 0.5 and a.optimizer.beta_1 == 0.5
    assert b.optimizer == "adam"
    assert MLPClassifier().get_params(deep=True)["optimizer__beta_1"] == 0.9
    c = clone(a)
    assert c.optimizer is not a.optimizer
    assert c.optimizer.get_params() == a.optimizer.get_params()
    d = pickle.loads(pickle.dumps(a))
    assert d.get_params(deep=True)["optimizer__learning_rate"] == 0.5
    assert repr(a) == "MLPClassifier(optimizer=Adam(beta_1=0.5, learning_rate=0.5))"
    assert repr(MLPClassifier()) == "MLPClassifier()"


def test_set_optimizer_alias_and_its_nested_parameter_in_one_call():
    est = MLPClassifier().set_params(optimizer="nesterov", optimizer__momentum=0.5)
    assert isinstance(est.optimizer, SGD)
    assert est.optimizer.nesterov and est.optimizer.momentum == 0.5


def test_fit_with_an_alias_equals_fit_with_its_object(iris):
    X, y = iris
    a = MLPClassifier((5,), optimizer="momentum", max_iter=5, random_state=0)
    a.set_params(optimizer__learning_rate=0.05).fit(X, y)
    b = MLPClassifier(
        (5,), optimizer=SGD(0.05, momentum=0.9), max_iter=5, random_state=0
    ).fit(X, y)
    np.testing.assert_array_equal(a.params_, b.params_)


def _pipe(est):
    return make_pipeline(StandardScaler(), est)


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_search_tools_tune_the_default_estimator_in_a_pipeline(cls, iris, regression):
    """GridSearchCV, RandomizedSearchCV, validation_curve, learning_curve and
    cross_validate on the *default* estimator, by nested optimizer names."""
    X, y = iris if cls is MLPClassifier else regression
    pipe = _pipe(cls())
    name = f"{cls.__name__.lower()}__optimizer__learning_rate"
    rates = [1e-5, 1e-2]

    gs = GridSearchCV(pipe, {name: rates}, cv=3).fit(X, y)
    assert [p[name] for p in gs.cv_results_["params"]] == rates
    scores = gs.cv_results_["mean_test_score"]
    assert scores[1] > scores[0] + 0.05  # the rate reached the optimizer
    best = gs.best_estimator_[-1]
    assert best.optimizer_.learning_rate == 1e-2 == gs.best_params_[name]
    assert pipe[-1].optimizer == "adam"  # the template is untouched

    rs = RandomizedSearchCV(pipe, {name: rates}, n_iter=2, cv=3, random_state=0)
    rs.fit(X, y)
    assert sorted(p[name] for p in rs.cv_results_["params"]) == rates

    _, test = validation_curve(pipe, X, y, param_name=name, param_range=rates, cv=3)
    assert test.mean(axis=1)[1] > test.mean(axis=1)[0] + 0.05

    tuned = clone(pipe).set_params(**{name: 1e-2})
    sizes, _, lc_test = learning_curve(tuned, X, y, train_sizes=[0.5, 1.0], cv=3)
    assert lc_test.shape == (2, 3) and np.isfinite(lc_test).all()

    cv = cross_validate(tuned, X, y, cv=3, return_estimator=True)
    for fitted in cv["estimator"]:
        assert fitted[-1].optimizer_.learning_rate == 1e-2
    assert MLPClassifier().optimizer == "adam" and MLPRegressor().optimizer == "adam"


def test_grid_over_aliases_and_their_nested_names(iris):
    X, y = iris
    grid = {
        "optimizer": ["sgd", "nesterov", "adam"],
        "optimizer__learning_rate": [1e-3, 1e-2],
    }
    gs = GridSearchCV(MLPClassifier((8,), max_iter=20), grid, cv=2).fit(X, y)
    assert len(gs.cv_results_["params"]) == 6
    best = gs.best_estimator_
    assert best.optimizer.learning_rate == gs.best_params_["optimizer__learning_rate"]


def test_sam_alias_base_optimizer_in_a_grid(iris):
    X, y = iris
    est = MLPClassifier((8,), optimizer=SAM("sgd"), max_iter=20, random_state=0)
    deep = est.get_params(deep=True)
    assert deep["optimizer__optimizer"] == "sgd"
    assert deep["optimizer__optimizer__learning_rate"] == 0.01
    name = "optimizer__optimizer__learning_rate"
    gs = GridSearchCV(est, {name: [1e-4, 0.1]}, cv=2).fit(X, y)
    best = gs.best_estimator_.optimizer
    assert isinstance(best, SAM) and isinstance(best.optimizer, SGD)
    assert best.optimizer.learning_rate == gs.best_params_[name] == 0.1
    assert est.optimizer.optimizer == "sgd"  # the template's SAM is untouched
    assert SAM().optimizer == "sgd"


# -- regularizers: aliases like the optimizers' ----------------------------------
@pytest.mark.parametrize("value", ["l2", ["l2"], ["dropout"], ["l2", "dropout"]])
def test_regularizer_aliases_all_work_like_their_objects(iris, value):
    X, y = iris
    objects = {"l2": L2(), "dropout": Dropout()}
    as_objects = (
        objects[value] if isinstance(value, str) else [objects[v] for v in value]
    )
    a = MLPClassifier((5,), regularizers=value, max_iter=5, random_state=0).fit(X, y)
    b = MLPClassifier((5,), regularizers=as_objects, max_iter=5, random_state=0)
    b.fit(X, y)
    np.testing.assert_array_equal(a.params_, b.params_)
    assert a.regularizers == value  # stored verbatim, not resolved in place
    names = {k for k in a.get_params() if k.startswith("regularizers__")}
    assert names == {k for k in b.get_params() if k.startswith("regularizers__")}


@pytest.mark.parametrize("alias", sorted(REGULARIZER_ALIASES))
def test_every_regularizer_alias_has_its_nested_names(alias):
    est = MLPClassifier(regularizers=[alias])
    obj = REGULARIZER_ALIASES[alias]()
    assert _nested(est.get_params(), f"regularizers__{alias}__") == obj.get_params()


def test_regularizer_alias_nested_set_and_grid(iris):
    X, y = iris
    est = MLPClassifier(regularizers=["l2", "dropout"])
    est.set_params(regularizers__l2__alpha=0.5, regularizers__dropout__rate=0.1)
    assert [type(r) for r in est.regularizers] == [L2, Dropout]
    assert est.regularizers[0].alpha == 0.5 and est.regularizers[1].rate == 0.1
    single = MLPClassifier(regularizers="early_stopping")
    single.set_params(regularizers__earlystopping__patience=3)
    assert isinstance(single.regularizers, EarlyStopping)
    assert single.regularizers.patience == 3
    gs = GridSearchCV(
        MLPClassifier((8,), regularizers=["l2"], max_iter=20, random_state=0),
        {"regularizers__l2__alpha": [1e-4, 1e3]},
        cv=2,
    ).fit(X, y)
    assert gs.best_params_["regularizers__l2__alpha"] == 1e-4
    assert gs.best_estimator_.regularizers_[0].alpha == 1e-4


@pytest.mark.parametrize(
    "value, advice",
    [
        ("l3", "regularizer object"),
        (["l3"], "regularizer object"),
        (["l2", "l3"], "regularizer object"),
        (L2, r"L2\(\)"),
        ([Dropout], r"Dropout\(\)"),
        ([StandardScaler()], "regularizers must be"),
        (3, "regularizers must be"),
    ],
)
def test_bad_regularizers_raise_one_type_that_names_the_object(iris, value, advice):
    X, y = iris
    with pytest.raises(InvalidParameterError, match=advice):
        MLPClassifier(regularizers=value).fit(X, y)


@pytest.mark.parametrize(
    "value, advice",
    [("adamax", r"Adam\(learning_rate"), (Adam, r"use Adam\(\)"), (3, "alias")],
)
def test_bad_optimizer_raises_with_advice(iris, value, advice):
    X, y = iris
    with pytest.raises(InvalidParameterError, match=advice):
        MLPClassifier(optimizer=value).fit(X, y)


# -- 2. a grid must mean what it says --------------------------------------------
def test_readme_grid_keeps_the_schedule_and_sets_its_base_rate(iris):
    X, y = iris
    sgd = SGD(CosineAnnealing(0.05, t_max=10), momentum=0.9, nesterov=True)
    grid = {"optimizer": [Adam(), sgd], "optimizer__learning_rate": [1e-3, 1e-2]}
    gs = GridSearchCV(MLPClassifier((8,), max_iter=10), grid, cv=2, refit=False)
    gs.fit(X, y)
    assert len(gs.cv_results_["params"]) == 4
    # what each candidate trained with, rebuilt as the search does
    for params in gs.cv_results_["params"]:
        est = clone(MLPClassifier((8,))).set_params(**clone(params, safe=False))
        lr = est.optimizer.learning_rate
        if isinstance(params["optimizer"], SGD):
            assert isinstance(lr, CosineAnnealing)
            assert lr.learning_rate == params["optimizer__learning_rate"]
            assert lr.t_max == 10
        else:
            assert lr == params["optimizer__learning_rate"]
    assert sgd.learning_rate.learning_rate == 0.05  # the grid's object unchanged


def test_mixed_optimizer_families_fail_with_one_dict_per_family(iris):
    X, y = iris
    grid = {"optimizer": [Adam(), LBFGS()], "optimizer__learning_rate": [1e-3]}
    with pytest.raises(ValueError, match="one dict per family") as info:
        GridSearchCV(MLPClassifier((4,), max_iter=5), grid, cv=2).fit(X, y)
    msg = str(info.value)
    assert "'learning_rate'" in msg and "LBFGS()" in msg
    # the remedy works
    grid = [
        {"optimizer": [Adam()], "optimizer__learning_rate": [1e-3]},
        {"optimizer": [LBFGS()]},
    ]
    gs = GridSearchCV(MLPClassifier((4,), max_iter=5), grid, cv=2).fit(X, y)
    assert len(gs.cv_results_["params"]) == 2


def test_invalid_nested_name_inside_a_pipeline_and_with_workers(iris):
    X, y = iris
    pipe = _pipe(MLPClassifier((4,), optimizer=LBFGS(), max_iter=5))
    with pytest.raises(ValueError, match="one dict per family"):
        pipe.set_params(mlpclassifier__optimizer__learning_rate=0.1)
    grid = {"mlpclassifier__optimizer__learning_rate": [0.1, 0.2]}
    with pytest.raises(ValueError, match="one dict per family"):
        GridSearchCV(pipe, grid, cv=2, n_jobs=2).fit(X, y)


def test_sam_learning_rate_points_to_its_base_optimizer():
    with pytest.raises(ValueError, match="optimizer__optimizer__learning_rate"):
        MLPClassifier(optimizer=SAM()).set_params(optimizer__learning_rate=0.1)


def test_unknown_regularizer_name_in_a_list():
    est = MLPClassifier(regularizers=[L2(), L2()])
    with pytest.raises(ValueError, match="no regularizer named 'l2'"):
        est.set_params(regularizers__l2__alpha=1.0)
    with pytest.raises(
        ValueError, match=r"'regularizers__0__rate'.*'rate' for L2: valid parameters"
    ):
        est.set_params(regularizers__0__rate=1.0)


# -- 3. scikit-learn's names -------------------------------------------------------
_EQUIVALENT = {
    "solver": "optimizer=",
    "learning_rate_init": r"optimizer=Adam\(learning_rate=",
    "learning_rate": "ReduceOnPlateau",
    "alpha": r"regularizers=\[L2\(alpha\)\]",
    "early_stopping": r"EarlyStopping\(",
    "validation_fraction": r"EarlyStopping\(validation_fraction",
    "momentum": r"SGD\(learning_rate, momentum",
    "nesterovs_momentum": "nesterov=True",
    "beta_1": r"Adam\(beta_1",
    "beta_2": r"Adam\(beta_2",
    "epsilon": r"Adam\(epsilon",
    "power_t": r"InverseScaling\(learning_rate, power_t",
    "max_fun": r"LBFGS\(max_fun",
}


def test_every_sklearn_name_has_advice():
    assert set(_EQUIVALENT) == set(SKLEARN_PARAM_HINTS)


@pytest.mark.parametrize("name", sorted(_EQUIVALENT))
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_sklearn_names_in_set_params_grid_and_constructor(cls, name, iris):
    X, y = iris
    value = "adaptive" if name == "learning_rate" else 0.5
    with pytest.raises(ValueError, match=_EQUIVALENT[name]):
        cls().set_params(**{name: value})
    with pytest.raises(ValueError, match=_EQUIVALENT[name]):
        GridSearchCV(_pipe(cls()), {f"{cls.__name__.lower()}__{name}": [value]}).fit(
            X, y
        )
    with pytest.raises(TypeError, match=_EQUIVALENT[name]):
        cls(**{name: value})


def test_optimizer_takes_advice_for_torch_names():
    with pytest.raises(TypeError, match="learning_rate="):
        Adam(lr=0.1)
    with pytest.raises(ValueError, match="learning_rate="):
        Adam().set_params(lr=0.1)
    with pytest.raises(ValueError, match=r"AdamW\(weight_decay"):
        MLPClassifier(optimizer=Adam()).set_params(optimizer__weight_decay=0.1)
    # a parameter the class has is never intercepted
    from skoptim.optimizers import AdamW

    assert AdamW(weight_decay=0.5).weight_decay == 0.5


def _values(params):
    return {k: repr(v) if hasattr(v, "get_params") else v for k, v in params.items()}


def test_check_estimator_relevant_contracts_hold_with_aliases():
    for est in (MLPClassifier(), MLPRegressor(optimizer=SAM("sgd"))):
        shallow, deep = est.get_params(deep=False), est.get_params(deep=True)
        assert shallow.items() <= deep.items()
        c = clone(est)
        assert _values(c.get_params(deep=True)) == _values(deep)
        est.set_params(**shallow)
        assert _values(est.get_params(deep=True)) == _values(deep)


def test_inverse_scaling_in_a_grid_keeps_its_power():
    est = MLPClassifier(optimizer=SGD(InverseScaling(0.1, power_t=0.25)))
    est.set_params(optimizer__learning_rate=0.3)
    lr = est.optimizer.learning_rate
    assert isinstance(lr, InverseScaling)
    assert lr.get_params() == InverseScaling(0.3, power_t=0.25).get_params()


def test_nested_alias_names_reach_through_a_meta_estimator():
    from skoptim.ensemble import BaggingRegressor

    bag = BaggingRegressor(MLPRegressor())
    assert bag.get_params()["estimator__optimizer__learning_rate"] == 1e-3
    bag.set_params(estimator__optimizer__learning_rate=0.01)
    assert bag.estimator.optimizer.learning_rate == 0.01
    assert MLPRegressor().optimizer == "adam"
