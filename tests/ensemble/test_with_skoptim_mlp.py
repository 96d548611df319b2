"""The ensembles with skoptim's own MLPs as base estimators."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.metrics import mean_squared_error
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skoptim.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    BaggingClassifier,
    BaggingRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
)
from skoptim.neural_network import MLPClassifier, MLPRegressor

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _sine(n, rng):
    X = rng.uniform(-3, 3, size=(n, 1))
    return X, np.sin(2 * X[:, 0]) + 0.3 * rng.standard_normal(n)


def _mlp(hidden=(32,), max_iter=200):
    return MLPRegressor(
        hidden_layer_sizes=hidden, optimizer="adam", max_iter=max_iter, random_state=0
    )


def test_bagged_mlps_interval_coverage_and_std_away_from_data():
    rng = np.random.RandomState(0)
    X, y = _sine(200, rng)
    X_test, y_test = _sine(600, rng)
    reg = BaggingRegressor(_mlp(), n_estimators=10, max_samples=0.8, random_state=0)
    reg.fit(X, y)
    interval = reg.predict_interval(X_test, confidence=0.9)
    coverage = np.mean((y_test >= interval[:, 0]) & (y_test <= interval[:, 1]))
    assert abs(coverage - 0.9) < 0.06, coverage
    _, std = reg.predict(np.array([[0.0], [3.0], [6.0], [12.0]]), return_std=True)
    assert np.all(np.diff(std) > 0), std


def test_gradient_boosting_small_mlps_beats_a_single_one():
    rng = np.random.RandomState(1)
    X, y = _sine(200, rng)
    X_test, y_test = _sine(500, rng)
    single = _mlp(hidden=(8,), max_iter=100).fit(X, y)
    boosted = GradientBoostingRegressor(
        _mlp(hidden=(8,), max_iter=100),
        n_estimators=10,
        learning_rate=0.5,
        random_state=0,
    ).fit(X, y)
    err_single = mean_squared_error(y_test, single.predict(X_test))
    err_boosted = mean_squared_error(y_test, boosted.predict(X_test))
    assert err_boosted < 0.8 * err_single, (err_boosted, err_single)
    np.testing.assert_allclose(
        list(boosted.staged_predict(X_test))[-1], boosted.predict(X_test)
    )


def test_classifiers_with_mlp_bases():
    X, y = make_moons(300, noise=0.2, random_state=0)
    X_test, y_test = make_moons(1000, noise=0.2, random_state=1)
    mlp_clf = MLPClassifier(hidden_layer_sizes=(16,), max_iter=100, random_state=0)
    single = mlp_clf.fit(X, y).score(X_test, y_test)
    ada = AdaBoostClassifier(mlp_clf, n_estimators=5, random_state=0).fit(X, y)
    assert ada.boost_by_ == "reweighting"  # the MLP takes sample_weight
    assert ada.score(X_test, y_test) > single
    bag = BaggingClassifier(mlp_clf, n_estimators=5, random_state=0).fit(X, y)
    assert bag.score(X_test, y_test) > single - 0.03
    gb = GradientBoostingClassifier(
        _mlp(hidden=(8,), max_iter=50),
        n_estimators=5,
        learning_rate=0.5,
        random_state=0,
    ).fit(X, y)
    assert gb.score(X_test, y_test) > 0.8
    u = bag.predict_uncertainty(X_test, method="mutual_info")
    assert u.shape == (1000,) and np.all(u >= 0)


def test_adaboost_regressor_improves_on_its_mlp():
    rng = np.random.RandomState(2)
    X, y = _sine(200, rng)
    X_test, y_test = _sine(500, rng)
    base = _mlp(hidden=(16,), max_iter=100)
    single = base.fit(X, y).score(X_test, y_test)
    reg = AdaBoostRegressor(base, n_estimators=4, random_state=0).fit(X, y)
    assert 1 <= len(reg.estimators_) <= 4
    assert reg.score(X_test, y_test) > single + 0.1


def test_grid_search_reaches_nested_mlp_parameters():
    rng = np.random.RandomState(3)
    X, y = _sine(150, rng)
    pipe = make_pipeline(
        StandardScaler(),
        BaggingRegressor(_mlp(max_iter=100), n_estimators=3, random_state=0),
    )
    grid = GridSearchCV(
        pipe,
        {"baggingregressor__estimator__hidden_layer_sizes": [(2,), (32,)]},
        cv=KFold(3, shuffle=True, random_state=0),
    ).fit(X, y)
    best = grid.best_estimator_[-1]
    assert all(
        m.hidden_layer_sizes == best.estimator.hidden_layer_sizes
        for m in best.estimators_
    )
    scores = cross_val_score(grid.best_estimator_, X, y, cv=3)
    assert np.all(np.isfinite(scores))


def test_bagging_mlps_is_reproducible():
    rng = np.random.RandomState(4)
    X, y = _sine(100, rng)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = BaggingRegressor(_mlp(max_iter=50), n_estimators=3, random_state=7)
        b = BaggingRegressor(_mlp(max_iter=50), n_estimators=3, random_state=7)
        np.testing.assert_array_equal(a.fit(X, y).predict(X), b.fit(X, y).predict(X))
