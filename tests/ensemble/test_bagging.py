"""Behaviour of the bagging ensembles: uncertainty, intervals, bad input."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_regression
from sklearn.ensemble import BaggingRegressor as SkBaggingRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression, Perceptron
from sklearn.metrics import r2_score
from sklearn.neighbors import KNeighborsRegressor
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils._param_validation import InvalidParameterError

from skoptim.ensemble import BaggingClassifier, BaggingRegressor


def _noisy_sine(n, rng, noise=0.5):
    X = rng.uniform(-3, 3, size=(n, 1))
    y = np.sin(2 * X[:, 0]) + X[:, 0] + noise * rng.standard_normal(n)
    return X, y


def _coverage(interval, y):
    return np.mean((y >= interval[:, 0]) & (y <= interval[:, 1]))


def test_jackknife_plus_coverage_close_to_nominal_over_seeds():
    jab, pct = [], []
    for seed in range(5):
        rng = np.random.RandomState(seed)
        X, y = _noisy_sine(300, rng)
        X_test, y_test = _noisy_sine(1000, rng)
        reg = BaggingRegressor(
            DecisionTreeRegressor(min_samples_leaf=3),
            n_estimators=30,
            random_state=seed,
        ).fit(X, y)
        jab.append(_coverage(reg.predict_interval(X_test, confidence=0.9), y_test))
        pct.append(
            _coverage(reg.predict_interval(X_test, 0.9, method="percentile"), y_test)
        )
    jab = np.array(jab)
    assert np.all(np.abs(jab - 0.9) < 0.05), jab
    assert abs(jab.mean() - 0.9) < 0.025, jab
    # the percentile interval only reflects member disagreement: not calibrated
    assert np.mean(pct) < 0.8, pct


def _jackknife_plus_reference(reg, X_train, y_train, X_test, alpha):
    """Direct transcription of Kim, Xu & Barber (2020), Algorithm 1."""
    n = X_train.shape[0]
    in_bag = [set(s) for s in reg.estimators_samples_]
    preds = np.array([e.predict(X_test) for e in reg.estimators_])
    lows, highs = [], []
    for i in range(n):
        members = [b for b in range(len(in_bag)) if i not in in_bag[b]]
        if not members:
            continue
        mu_train = np.mean(
            [reg.estimators_[b].predict(X_train[i : i + 1])[0] for b in members]
        )
        r = abs(y_train[i] - mu_train)
        mu_test = preds[members].mean(axis=0)
        lows.append(mu_test - r)
        highs.append(mu_test + r)
    lows, highs = np.array(lows), np.array(highs)
    m = len(lows)
    k_lo = int(np.floor(alpha * (m + 1)))
    k_hi = int(np.ceil((1 - alpha) * (m + 1)))
    return np.sort(lows, axis=0)[k_lo - 1], np.sort(highs, axis=0)[k_hi - 1]


def test_jackknife_plus_matches_direct_transcription():
    rng = np.random.RandomState(0)
    X, y = _noisy_sine(60, rng)
    X_test, _ = _noisy_sine(7, rng)
    reg = BaggingRegressor(n_estimators=15, random_state=1).fit(X, y)
    lo, hi = _jackknife_plus_reference(reg, X, y, X_test, alpha=0.2)
    interval = reg.predict_interval(X_test, confidence=0.8)
    np.testing.assert_allclose(interval[:, 0], lo)
    np.testing.assert_allclose(interval[:, 1], hi)


def test_percentile_interval_is_member_quantiles():
    rng = np.random.RandomState(0)
    X, y = _noisy_sine(80, rng)
    reg = BaggingRegressor(n_estimators=12, random_state=0).fit(X, y)
    members = np.array([e.predict(X[:5]) for e in reg.estimators_])
    interval = reg.predict_interval(X[:5], confidence=0.5, method="percentile")
    np.testing.assert_allclose(interval[:, 0], np.quantile(members, 0.25, axis=0))
    np.testing.assert_allclose(interval[:, 1], np.quantile(members, 0.75, axis=0))


@pytest.mark.parametrize("method", ["jackknife+", "percentile"])
def test_interval_widens_with_confidence(method):
    rng = np.random.RandomState(0)
    X, y = _noisy_sine(200, rng)
    reg = BaggingRegressor(n_estimators=20, random_state=0).fit(X, y)
    narrow = reg.predict_interval(X[:50], 0.5, method=method)
    wide = reg.predict_interval(X[:50], 0.95, method=method)
    assert np.all(wide[:, 0] <= narrow[:, 0]) and np.all(wide[:, 1] >= narrow[:, 1])
    assert np.all(narrow[:, 0] <= narrow[:, 1])


def test_return_std_is_members_spread_and_grows_away_from_data():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(100, 1))
    y = 2 * X[:, 0] + 0.3 * rng.standard_normal(100)
    reg = BaggingRegressor(LinearRegression(), n_estimators=25, random_state=0)
    reg.fit(X, y)
    X_far = np.array([[0.0], [1.0], [3.0], [10.0], [30.0]])
    mean, std = reg.predict(X_far, return_std=True)
    members = np.array([e.predict(X_far) for e in reg.estimators_])
    np.testing.assert_allclose(std, members.std(axis=0))
    np.testing.assert_allclose(mean, reg.predict(X_far))
    assert np.all(np.diff(std) > 0), std


def test_predict_equals_scikit_learn_for_same_seed():
    rng = np.random.RandomState(0)
    X, y = _noisy_sine(100, rng)
    params = dict(n_estimators=8, max_samples=0.8, max_features=1.0, random_state=3)
    ours = BaggingRegressor(KNeighborsRegressor(5), **params).fit(X, y)
    theirs = SkBaggingRegressor(KNeighborsRegressor(5), **params).fit(X, y)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))


def test_warm_start_keeps_members_aligned_with_their_samples():
    rng = np.random.RandomState(0)
    X, y = _noisy_sine(80, rng)
    grown = BaggingRegressor(n_estimators=5, warm_start=True, random_state=0)
    grown.fit(X, y)
    grown.set_params(n_estimators=10).fit(X, y)
    fresh = BaggingRegressor(n_estimators=10, random_state=0).fit(X, y)
    for a, b in zip(grown.estimators_samples_, fresh.estimators_samples_, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(grown.predict_interval(X), fresh.predict_interval(X))


def test_pasting_without_bootstrap_still_gives_jackknife_intervals():
    rng = np.random.RandomState(0)
    X, y = _noisy_sine(150, rng)
    reg = BaggingRegressor(
        n_estimators=20, bootstrap=False, max_samples=0.7, random_state=0
    ).fit(X, y)
    interval = reg.predict_interval(X[:10])
    assert np.all(np.isfinite(interval)) and np.all(interval[:, 0] < interval[:, 1])


def test_multioutput_interval_shape_and_order():
    rng = np.random.RandomState(0)
    X, y = _noisy_sine(120, rng)
    Y = np.column_stack([y, -2 * y])
    reg = BaggingRegressor(n_estimators=10, random_state=0).fit(X, Y)
    interval = reg.predict_interval(X[:4])
    assert interval.shape == (4, 2, 2)
    assert np.all(interval[..., 0] <= interval[..., 1])
    mean, std = reg.predict(X[:4], return_std=True)
    assert mean.shape == std.shape == (4, 2)


def test_too_few_oob_rows_for_confidence_warns_and_is_unbounded():
    rng = np.random.RandomState(0)
    X, y = _noisy_sine(8, rng)
    reg = BaggingRegressor(n_estimators=20, random_state=0).fit(X, y)
    with pytest.warns(UserWarning, match="too few"):
        interval = reg.predict_interval(X[:2], confidence=0.99)
    assert np.all(np.isinf(interval))


# -- classifier -----------------------------------------------------------------


def _two_blobs(rng):
    X = np.vstack([rng.normal(-3, 0.7, (60, 2)), rng.normal(3, 0.7, (60, 2))])
    y = np.repeat([0, 1], 60)
    return X, y


@pytest.mark.parametrize("method", ["vote_entropy", "mutual_info", "proba_std"])
def test_classifier_disagreement_low_in_blobs_high_between(method):
    rng = np.random.RandomState(0)
    X, y = _two_blobs(rng)
    clf = BaggingClassifier(
        LogisticRegression(C=0.05), n_estimators=25, max_samples=0.5, random_state=0
    ).fit(X, y)
    centres = np.array([[-3.0, -3.0], [3.0, 3.0]])
    boundary = np.array([[0.0, 0.0], [0.2, -0.2]])
    u_centres = clf.predict_uncertainty(centres, method=method)
    u_boundary = clf.predict_uncertainty(boundary, method=method)
    assert u_centres.max() < u_boundary.min()
    assert np.all(u_centres >= 0)
    if method == "vote_entropy":
        assert np.all(u_boundary <= 1.0)


def test_classifier_proba_std_matches_members():
    rng = np.random.RandomState(0)
    X, y = _two_blobs(rng)
    clf = BaggingClassifier(n_estimators=7, random_state=0).fit(X, y)
    mean, std = clf.predict_proba(X[:10], return_std=True)
    members = np.array([e.predict_proba(X[:10]) for e in clf.estimators_])
    np.testing.assert_allclose(mean, clf.predict_proba(X[:10]))
    np.testing.assert_allclose(std, members.std(axis=0))


def test_classifier_without_predict_proba_uses_votes():
    rng = np.random.RandomState(0)
    X, y = _two_blobs(rng)
    clf = BaggingClassifier(Perceptron(), n_estimators=9, random_state=0).fit(X, y)
    mean, _ = clf.predict_proba(X[:5], return_std=True)
    assert set(np.unique(mean * 9).round(6)) <= set(range(10))
    # with one-hot members the information gain equals the vote entropy (nats)
    np.testing.assert_allclose(
        clf.predict_uncertainty(X[:5], "mutual_info"),
        clf.predict_uncertainty(X[:5], "vote_entropy") * np.log(2),
    )


# -- bad input ------------------------------------------------------------------


@pytest.mark.parametrize("max_samples", [1, 0.01])
def test_max_samples_below_two_is_refused(max_samples):
    rng = np.random.RandomState(0)
    X, y = _noisy_sine(50, rng)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # sklearn's small-fraction hint
        with pytest.raises(ValueError, match="max_samples=.*at least 2"):
            BaggingRegressor(max_samples=max_samples).fit(X, y)


def test_oob_score_without_bootstrap_is_refused():
    rng = np.random.RandomState(0)
    X, y = _noisy_sine(50, rng)
    with pytest.raises(ValueError, match="oob_score=True needs bootstrap=True"):
        BaggingRegressor(oob_score=True, bootstrap=False).fit(X, y)


def test_base_without_fit_is_refused():
    rng = np.random.RandomState(0)
    X, y = _noisy_sine(50, rng)
    with pytest.raises(InvalidParameterError, match="'estimator'.*'fit'"):
        BaggingRegressor(estimator=object()).fit(X, y)


def test_wrong_kind_of_base_is_refused():
    rng = np.random.RandomState(0)
    X, y = _two_blobs(rng)
    with pytest.raises(ValueError, match="needs a regressor.*BaggingClassifier"):
        BaggingRegressor(DecisionTreeClassifier()).fit(X, y)
    with pytest.raises(ValueError, match="needs a classifier.*BaggingRegressor"):
        BaggingClassifier(DecisionTreeRegressor()).fit(X, y)


def test_jackknife_without_oob_rows_is_refused_with_alternative():
    rng = np.random.RandomState(0)
    X, y = _noisy_sine(50, rng)
    reg = BaggingRegressor(n_estimators=3, bootstrap=False).fit(X, y)
    with pytest.raises(ValueError, match="method='percentile'"):
        reg.predict_interval(X)
    assert reg.predict_interval(X, method="percentile").shape == (50, 2)


@pytest.mark.parametrize(
    "kwargs, match",
    [({"confidence": 1.5}, "confidence"), ({"method": "bayes"}, "method")],
)
def test_interval_arguments_validated(kwargs, match):
    rng = np.random.RandomState(0)
    X, y = _noisy_sine(30, rng)
    reg = BaggingRegressor(n_estimators=3, random_state=0).fit(X, y)
    with pytest.raises(InvalidParameterError, match=match):
        reg.predict_interval(X, **kwargs)


# -- out-of-bag scores: rows never out of bag, multi-output targets ----------


def test_oob_score_equals_scikit_learn_when_every_row_is_scored():
    X, y = make_regression(80, 3, noise=1.0, random_state=0)
    ours = BaggingRegressor(n_estimators=30, oob_score=True, random_state=0)
    ref = SkBaggingRegressor(n_estimators=30, oob_score=True, random_state=0)
    ours.fit(X, y)
    ref.fit(X, y)
    assert not np.isnan(ours.oob_prediction_).any()
    np.testing.assert_allclose(ours.oob_prediction_, ref.oob_prediction_)
    assert ours.oob_score_ == pytest.approx(ref.oob_score_)


def test_oob_rows_never_left_out_are_nan_and_not_scored():
    # scikit-learn predicts 0 for them and scores that 0
    X, y = make_regression(50, 3, noise=1.0, random_state=0)
    with pytest.warns(UserWarning, match="do not have OOB scores"):
        reg = BaggingRegressor(n_estimators=2, oob_score=True, random_state=0)
        reg.fit(X, y)
    missing = np.isnan(reg.oob_prediction_)
    assert 0 < missing.sum() < 50
    oob = reg._oob_matrix(50)
    for i in np.flatnonzero(~missing):
        members = [b for b in range(2) if oob[b, i]]
        expected = np.mean(
            [reg.estimators_[b].predict(X[i : i + 1])[0] for b in members]
        )
        assert reg.oob_prediction_[i] == pytest.approx(expected)
    assert reg.oob_score_ == pytest.approx(
        r2_score(y[~missing], reg.oob_prediction_[~missing])
    )


def test_oob_score_with_multi_output_targets():
    # scikit-learn's BaggingRegressor fails here with a broadcast error
    X, Y = make_regression(60, 3, n_targets=2, noise=1.0, random_state=0)
    reg = BaggingRegressor(n_estimators=25, oob_score=True, random_state=0).fit(X, Y)
    assert reg.oob_prediction_.shape == (60, 2)
    assert reg.oob_score_ == pytest.approx(r2_score(Y, reg.oob_prediction_))
    assert reg.oob_score_ > 0.5
