"""Sample weights and keyword arguments across every ensemble.

Issue 10, points 1 and 2 (ensemble side): negative weights are refused up
front, all-zero weights are a clear error, a zero-weight row is a missing row,
and no keyword is swallowed without effect.
"""

import inspect

import numpy as np
import pytest
import sklearn
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
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

ENSEMBLES = [
    BaggingClassifier(n_estimators=3, random_state=0),
    BaggingRegressor(n_estimators=3, random_state=0),
    AdaBoostClassifier(n_estimators=3, random_state=0),
    AdaBoostClassifier(KNeighborsClassifier(5), n_estimators=3, random_state=0),
    AdaBoostRegressor(n_estimators=3, random_state=0),
    AdaBoostRegressor(KNeighborsRegressor(5), n_estimators=3, random_state=0),
    GradientBoostingClassifier(n_estimators=3, random_state=0),
    GradientBoostingClassifier(Ridge(), n_estimators=3, random_state=0),
    GradientBoostingRegressor(n_estimators=3, random_state=0),
    GradientBoostingRegressor(Ridge(), n_estimators=3, random_state=0),
]
IDS = [repr(e).replace("\n", "").replace(" ", "") for e in ENSEMBLES]


def _data(est, n=60):
    if sklearn.base.is_classifier(est):
        return make_classification(n, 4, random_state=0)
    return make_regression(n, 4, noise=1.0, random_state=0)


@pytest.mark.parametrize("est", ENSEMBLES, ids=IDS)
def test_negative_sample_weight_is_refused_up_front(est):
    X, y = _data(est)
    w = np.tile([1.0, -1.0], 30)
    # scikit-learn's _check_sample_weight(..., ensure_non_negative=True)
    with pytest.raises(ValueError, match="Negative values in data passed to"):
        sklearn.clone(est).fit(X, y, sample_weight=w)


@pytest.mark.parametrize("est", ENSEMBLES, ids=IDS)
def test_all_zero_sample_weight_is_a_clear_error(est):
    X, y = _data(est)
    with pytest.raises(ValueError, match="at least one non-zero"):
        sklearn.clone(est).fit(X, y, sample_weight=np.zeros(60))


@pytest.mark.parametrize("est", ENSEMBLES, ids=IDS)
def test_misspelt_sample_weight_is_refused_naming_it(est):
    # MLPRegressor().fit(X, y, sample_weights=w) was silently unweighted; no
    # ensemble may swallow the typo. Bagging follows scikit-learn's metadata
    # routing: ValueError without routing, TypeError with it; both name it.
    X, y = _data(est)
    with pytest.raises((TypeError, ValueError), match="sample_weights"):
        sklearn.clone(est).fit(X, y, sample_weights=np.ones(60))
    with sklearn.config_context(enable_metadata_routing=True):
        with pytest.raises(TypeError, match="sample_weights"):
            sklearn.clone(est).fit(X, y, sample_weights=np.ones(60))


_PREDICT_METHODS = [
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
    "staged_predict",
    "staged_predict_proba",
    "staged_decision_function",
]


@pytest.mark.parametrize("est", ENSEMBLES, ids=IDS)
def test_unknown_predict_keywords_are_refused(est):
    X, y = _data(est)
    est = sklearn.clone(est).fit(X, y)
    for name in _PREDICT_METHODS:
        if not hasattr(est, name):
            continue
        with pytest.raises((TypeError, ValueError), match="foo"):
            out = getattr(est, name)(X, foo=1)
            list(out) if name.startswith("staged") else None


def test_bagging_return_std_routes_keywords_like_the_mean():
    X, y = make_classification(60, 4, random_state=0)
    clf = BaggingClassifier(n_estimators=3, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="foo"):
        clf.predict_proba(X, return_std=True, foo=1)
    with sklearn.config_context(enable_metadata_routing=True):
        with pytest.raises(TypeError, match="foo"):
            clf.predict_proba(X, return_std=True, foo=1)


@pytest.mark.parametrize("Bagging", [BaggingClassifier, BaggingRegressor])
def test_bagging_zero_weight_rows_are_never_drawn(Bagging):
    est = Bagging(n_estimators=5, max_samples=0.5, random_state=0)
    X, y = _data(est)
    w = np.ones(60)
    w[::4] = 0.0
    est.fit(X, y, sample_weight=w)
    for samples in est.estimators_samples_:
        assert np.all(w[samples] > 0)


def test_adaboost_resampling_never_draws_zero_weight_rows():
    X, y = make_classification(60, 4, random_state=0)
    w = np.ones(60)
    w[:10] = 0.0
    drawn = []

    class Recorder(KNeighborsClassifier):
        def fit(self, X_fit, y_fit):
            drawn.append(X_fit)
            return super().fit(X_fit, y_fit)

    AdaBoostClassifier(Recorder(5), n_estimators=4, random_state=0).fit(
        X, y, sample_weight=w
    )
    zero_rows = {tuple(r) for r in X[:10]}
    assert drawn and all(
        not zero_rows.intersection(map(tuple, X_fit)) for X_fit in drawn
    )


def test_adaboost_pipeline_with_a_rare_class_and_zero_weights():
    # resampling with zero-weight rows and a rare class: every round fits
    X, y = make_classification(80, 4, weights=[0.93], random_state=0)
    w = np.ones(80)
    w[::5] = 0.0
    clf = AdaBoostClassifier(
        make_pipeline(StandardScaler(), LogisticRegression()),
        n_estimators=5,
        random_state=0,
    ).fit(X, y, sample_weight=w)
    assert clf.predict_proba(X).shape == (80, 2)


# -- issue 11, point 5: every public method that raises says so --------------

_DOCUMENTED = [
    "fit",
    "predict",
    "predict_proba",
    "predict_log_proba",
    "decision_function",
    "predict_interval",
    "predict_uncertainty",
    "staged_predict",
    "staged_predict_proba",
    "staged_decision_function",
    "score",
]


@pytest.mark.parametrize(
    "Ensemble",
    [
        AdaBoostClassifier,
        AdaBoostRegressor,
        BaggingClassifier,
        BaggingRegressor,
        GradientBoostingClassifier,
        GradientBoostingRegressor,
    ],
)
def test_public_methods_have_a_raises_section(Ensemble):
    missing = []
    for name in _DOCUMENTED:
        method = inspect.getattr_static(Ensemble, name, None)
        if method is None or name == "score":
            continue
        doc = inspect.getdoc(getattr(Ensemble, name)) or ""
        if "\nRaises\n------\n" not in doc:
            missing.append(name)
            continue
        section = doc.split("\nRaises\n------\n", 1)[1]
        assert "Error" in section.split("\n\n")[0], (name, section)
    assert not missing, f"{Ensemble.__name__}: no Raises section in {missing}"


class _ShiftRegressor(Ridge):
    def predict(self, X, shift=0.0):
        return super().predict(X) + shift


class _TemperatureClassifier(LogisticRegression):
    def predict_proba(self, X, temperature=1.0):
        logits = self.decision_function(X) / temperature
        p = 1.0 / (1.0 + np.exp(-logits))
        return np.column_stack([1.0 - p, p])


def test_bagging_routes_predict_metadata_with_and_without_return_std():
    X, y = make_regression(60, 4, noise=1.0, random_state=0)
    with sklearn.config_context(enable_metadata_routing=True):
        reg = BaggingRegressor(
            _ShiftRegressor().set_predict_request(shift=True),
            n_estimators=4,
            random_state=0,
        ).fit(X, y)
        mean, _ = reg.predict(X, return_std=True, shift=10.0)
        np.testing.assert_allclose(mean, reg.predict(X) + 10.0)
        np.testing.assert_allclose(reg.predict(X, shift=10.0), mean)
        with pytest.raises(TypeError, match="shfit"):
            reg.predict(X, return_std=True, shfit=10.0)
    with pytest.raises(ValueError, match="shift"):
        reg.predict(X, return_std=True, shift=10.0)

    X, y = make_classification(60, 4, random_state=0)
    with sklearn.config_context(enable_metadata_routing=True):
        clf = BaggingClassifier(
            _TemperatureClassifier().set_predict_proba_request(temperature=True),
            n_estimators=4,
            random_state=0,
        ).fit(X, y)
        hot, _ = clf.predict_proba(X, return_std=True, temperature=100.0)
        np.testing.assert_allclose(clf.predict_proba(X, temperature=100.0), hot)
        assert np.abs(hot - 0.5).max() < np.abs(clf.predict_proba(X) - 0.5).max()
