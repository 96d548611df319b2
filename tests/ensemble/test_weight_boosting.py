"""Behaviour of AdaBoost: agreement with scikit-learn, resampling, bad input."""

import numpy as np
import pytest
from sklearn import ensemble as sk_ensemble
from sklearn.datasets import (
    load_breast_cancer,
    load_iris,
    make_classification,
    make_friedman1,
    make_moons,
    make_regression,
)
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils import get_tags

from skoptim.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    BaggingClassifier,
    BaggingRegressor,
)


@pytest.mark.parametrize("load", [load_iris, load_breast_cancer])
def test_samme_with_stumps_equals_scikit_learn(load):
    X, y = load(return_X_y=True)
    ours = AdaBoostClassifier(n_estimators=30, random_state=0).fit(X, y)
    theirs = sk_ensemble.AdaBoostClassifier(n_estimators=30, random_state=0)
    theirs.fit(X, y)
    assert ours.boost_by_ == "reweighting"
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.estimator_weights_, theirs.estimator_weights_)
    np.testing.assert_allclose(ours.estimator_errors_, theirs.estimator_errors_)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X))


def test_r2_default_equals_scikit_learn():
    X, y = make_friedman1(n_samples=200, noise=1.0, random_state=0)
    ours = AdaBoostRegressor(n_estimators=20, random_state=0).fit(X, y)
    theirs = sk_ensemble.AdaBoostRegressor(n_estimators=20, random_state=0)
    theirs.fit(X, y)
    assert ours.boost_by_ == "resampling"
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.estimator_weights_, theirs.estimator_weights_)


def test_knn_base_is_boosted_by_resampling_where_scikit_learn_refuses():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="sample_weight"):
        sk_ensemble.AdaBoostClassifier(KNeighborsClassifier()).fit(X, y)
    clf = AdaBoostClassifier(KNeighborsClassifier(), n_estimators=5, random_state=0)
    clf.fit(X, y)
    assert clf.boost_by_ == "resampling"
    assert all(isinstance(e, KNeighborsClassifier) for e in clf.estimators_)
    assert clf.score(X, y) > 0.9


def _knn_vs_boosted_knn(k):
    single, boosted = [], []
    for seed in range(5):
        X, y = make_moons(600, noise=0.25, random_state=seed)
        X_tr, X_te, y_tr, y_te = train_test_split(
            X, y, test_size=0.5, random_state=seed
        )
        knn = KNeighborsClassifier(k).fit(X_tr, y_tr)
        ada = AdaBoostClassifier(
            KNeighborsClassifier(k),
            n_estimators=20,
            learning_rate=0.5,
            random_state=seed,
        ).fit(X_tr, y_tr)
        single.append(knn.score(X_te, y_te))
        boosted.append(ada.score(X_te, y_te))
    return np.array(single), np.array(boosted)


def test_boosting_smoothed_knn_beats_single_knn():
    # A heavily smoothed KNN (k = 100 of 300 rows) is a high-bias learner:
    # boosting by resampling corrects part of its bias.
    single, boosted = _knn_vs_boosted_knn(100)
    assert np.all(boosted >= single), (single, boosted)
    assert boosted.mean() - single.mean() > 0.02, (single, boosted)


def test_boosting_a_flexible_knn_does_not_help():
    # The honest other half (documented in AdaBoostClassifier's Notes): a
    # low-bias 5-NN gains nothing from boosting, and the best single KNN beats
    # the boosted smooth one.
    single, boosted = _knn_vs_boosted_knn(5)
    assert boosted.mean() <= single.mean(), (single, boosted)
    _, boosted_smooth = _knn_vs_boosted_knn(100)
    assert single.mean() > boosted_smooth.mean()


def test_resampling_can_be_chosen_for_weight_aware_bases():
    X, y = load_breast_cancer(return_X_y=True)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    resampled = AdaBoostClassifier(
        n_estimators=30, boost_by="resampling", random_state=0
    ).fit(X_tr, y_tr)
    reweighted = AdaBoostClassifier(n_estimators=30, random_state=0).fit(X_tr, y_tr)
    assert resampled.boost_by_ == "resampling"
    assert not np.allclose(resampled.estimator_weights_, reweighted.estimator_weights_)
    assert resampled.score(X_te, y_te) > 0.9
    # same seed, same ensemble
    again = AdaBoostClassifier(n_estimators=30, boost_by="resampling", random_state=0)
    np.testing.assert_array_equal(
        again.fit(X_tr, y_tr).estimator_weights_, resampled.estimator_weights_
    )


def test_r2_by_reweighting_fits_and_differs_from_resampling():
    X, y = make_friedman1(n_samples=300, noise=1.0, random_state=0)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, random_state=0)
    reweighted = AdaBoostRegressor(
        n_estimators=20, boost_by="reweighting", random_state=0
    ).fit(X_tr, y_tr)
    resampled = AdaBoostRegressor(n_estimators=20, random_state=0).fit(X_tr, y_tr)
    single = DecisionTreeRegressor(max_depth=3).fit(X_tr, y_tr)
    assert reweighted.boost_by_ == "reweighting"
    assert reweighted.score(X_te, y_te) > single.score(X_te, y_te)
    assert not np.allclose(reweighted.predict(X_te), resampled.predict(X_te))


@pytest.mark.parametrize("Ensemble", [AdaBoostClassifier, AdaBoostRegressor])
def test_staged_predict_ends_at_predict(Ensemble):
    X, y = load_iris(return_X_y=True)
    est = Ensemble(n_estimators=7, random_state=0).fit(X, y)
    stages = list(est.staged_predict(X))
    assert len(stages) == len(est.estimators_)
    np.testing.assert_allclose(stages[-1], est.predict(X))


# -- bad input ------------------------------------------------------------------


def test_reweighting_a_base_without_sample_weight_is_refused():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="boost_by='resampling'"):
        AdaBoostClassifier(KNeighborsClassifier(), boost_by="reweighting").fit(X, y)
    with pytest.raises(ValueError, match="boost_by='resampling'"):
        AdaBoostRegressor(KNeighborsRegressor(), boost_by="reweighting").fit(X, y)


@pytest.mark.parametrize("boost_by", ["reweighting", "resampling"])
def test_first_round_no_better_than_chance_is_an_error(boost_by):
    rng = np.random.RandomState(0)
    X = rng.standard_normal((50, 2))
    y = np.r_[np.zeros(30, dtype=int), np.ones(20, dtype=int)]
    always_minority = DummyClassifier(strategy="constant", constant=1)
    with pytest.raises(ValueError, match="no better than chance.*stronger base"):
        AdaBoostClassifier(always_minority, boost_by=boost_by).fit(X, y)


def test_first_r2_round_no_better_than_chance_warns():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((50, 2))
    y = rng.standard_normal(50)
    far_off = DummyRegressor(strategy="constant", constant=1e6)
    with pytest.warns(UserWarning, match="no better than chance"):
        reg = AdaBoostRegressor(far_off, n_estimators=5).fit(X, y)
    assert len(reg.estimators_) == 1


def test_wrong_kind_of_base_is_refused():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="needs a classifier"):
        AdaBoostClassifier(DecisionTreeRegressor()).fit(X, y)
    with pytest.raises(ValueError, match="needs a regressor"):
        AdaBoostRegressor(DecisionTreeClassifier()).fit(X, y)


@pytest.mark.parametrize("Ensemble", [AdaBoostClassifier, AdaBoostRegressor])
def test_base_without_fit_and_bad_boost_by_are_named(Ensemble):
    from sklearn.utils._param_validation import InvalidParameterError

    X, y = load_iris(return_X_y=True)
    with pytest.raises(InvalidParameterError, match="'estimator'.*'fit'"):
        Ensemble(estimator=object()).fit(X, y)
    with pytest.raises(InvalidParameterError, match="'boost_by'"):
        Ensemble(boost_by="bagging").fit(X, y)


@pytest.mark.parametrize(
    "Ensemble, Base, X, y",
    [
        (
            AdaBoostClassifier,
            BaggingClassifier,
            *make_classification(60, random_state=0),
        ),
        (AdaBoostRegressor, BaggingRegressor, *make_regression(60, random_state=0)),
    ],
)
def test_unfitted_ensemble_as_base(Ensemble, Base, X, y):
    # an unfitted ensemble's __len__ fails: the tags must not ask bool(base)
    ada = Ensemble(Base(n_estimators=2, random_state=0), n_estimators=3)
    assert get_tags(ada).estimator_type in ("classifier", "regressor")
    ada.set_params(random_state=0).fit(X, y)
    assert 1 <= len(ada.estimators_) <= 3
