"""Regressions from the third user trial (bagging)."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.linear_model import Ridge
from sklearn.tree import DecisionTreeClassifier

from skoptim.ensemble import BaggingClassifier, BaggingRegressor


def _diabetes_with_junk(seed):
    """Diabetes data whose first 200 rows have junk targets and weight 0."""
    X, y = load_diabetes(return_X_y=True)
    y2 = y.copy()
    y2[:200] += np.random.RandomState(seed).normal(0, 1000, 200)
    sw = np.r_[np.zeros(200), np.ones(242)]
    return X, y2, sw


def _jackknife_plus_reference(reg, X_train, y_train, rows, X_test, confidence):
    """Jackknife+-after-bootstrap computed by hand over the given rows only."""
    n = X_train.shape[0]
    oob = np.array(
        [~np.isin(np.arange(n), s) for s in reg.estimators_samples_]
    )  # (B, n)
    oob[:, ~rows] = False
    scored = oob.any(axis=0)
    train_pred = np.array([m.predict(X_train) for m in reg.estimators_])
    test_pred = np.array([m.predict(X_test) for m in reg.estimators_])
    lows, highs = [], []
    for i in np.flatnonzero(scored):
        members = oob[:, i]
        r = abs(y_train[i] - train_pred[members, i].mean())
        mu = test_pred[members].mean(axis=0)
        lows.append(mu - r)
        highs.append(mu + r)
    lows, highs = np.sort(lows, axis=0), np.sort(highs, axis=0)
    m = len(lows)
    alpha = 1 - confidence
    k_lo = int(np.floor(alpha * (m + 1)))
    k_hi = int(np.ceil((1 - alpha) * (m + 1)))
    return np.stack([lows[k_lo - 1], highs[k_hi - 1]], axis=-1)


def test_zero_weight_rows_do_not_calibrate_the_interval():
    X, y2, sw = _diabetes_with_junk(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        reg = BaggingRegressor(Ridge(), n_estimators=20, random_state=0).fit(
            X, y2, sample_weight=sw
        )
        got = reg.predict_interval(X[300:302], confidence=0.9)
    # the reported interval was [[-1091.4, 1457.1], [-1123.5, 1425.0]]; the
    # fit on the 242 positive-weight rows alone gives about [[84, 275], [58, 248]]
    assert np.all(got[:, 1] - got[:, 0] < 300)
    expected = _jackknife_plus_reference(reg, X, y2, sw > 0, X[300:302], confidence=0.9)
    np.testing.assert_allclose(got, expected, rtol=1e-10)


@pytest.mark.parametrize("seed", [1, 2])
def test_zero_weight_targets_change_nothing(seed):
    """The junk targets of zero-weight rows must not move anything."""
    X, y_a, sw = _diabetes_with_junk(0)
    _, y_b, _ = _diabetes_with_junk(seed)
    y_b[:200] *= -7.0
    results = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        for y in (y_a, y_b):
            reg = BaggingRegressor(
                Ridge(), n_estimators=20, random_state=0, oob_score=True
            ).fit(X, y, sample_weight=sw)
            results.append(
                (
                    reg.predict_interval(X[300:310], confidence=0.8),
                    reg.oob_score_,
                    reg.oob_prediction_,
                )
            )
    np.testing.assert_array_equal(results[0][0], results[1][0])
    assert results[0][1] == results[1][1]
    np.testing.assert_array_equal(results[0][2], results[1][2])
    # zero-weight rows are missing rows: no out-of-bag prediction for them
    assert np.isnan(results[0][2][:200]).all()


def test_zero_weight_rows_left_out_of_classifier_oob_score():
    X, y = load_iris(return_X_y=True)
    sw = np.ones(len(y))
    sw[::3] = 0.0
    flipped = y.copy()
    flipped[::3] = (flipped[::3] + 1) % 3  # wrong labels, weight 0
    scores = []
    for labels in (y, flipped):
        clf = BaggingClassifier(
            DecisionTreeClassifier(random_state=0),
            n_estimators=30,
            oob_score=True,
            random_state=0,
        ).fit(X, labels, sample_weight=sw)
        scores.append(clf.oob_score_)
        assert np.isnan(clf.oob_decision_function_[::3]).all()
    assert scores[0] == scores[1]
    assert scores[0] > 0.85


def test_no_oob_warning_for_zero_weight_rows():
    X, y2, sw = _diabetes_with_junk(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        BaggingRegressor(Ridge(), n_estimators=60, random_state=0, oob_score=True).fit(
            X, y2, sample_weight=sw
        )


@pytest.mark.parametrize(
    "method", ["predict", "predict_log_proba", "decision_function"]
)
def test_return_std_only_on_predict_proba(method):
    X, y = load_iris(return_X_y=True)
    from sklearn.linear_model import LogisticRegression

    clf = BaggingClassifier(
        LogisticRegression(max_iter=500), n_estimators=3, random_state=0
    ).fit(X, y)
    with pytest.raises(TypeError, match=r"predict_proba\(X, return_std=True\)"):
        getattr(clf, method)(X, return_std=True)
    mean, std = clf.predict_proba(X[:2], return_std=True)
    assert mean.shape == std.shape == (2, 3)


@pytest.mark.parametrize(
    "confidence, match",
    [
        (90, r"predict_interval.*\(0, 1\).*Did you mean 0\.9\?"),
        (1.5, r"predict_interval.*\(0, 1\)"),
        (0.0, r"predict_interval.*\(0, 1\)"),
        ("0.9", r"predict_interval.*\(0, 1\)"),
    ],
)
def test_confidence_error_names_predict_interval(confidence, match):
    X, y = load_diabetes(return_X_y=True)
    reg = BaggingRegressor(Ridge(), n_estimators=5, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match=match) as info:
        reg.predict_interval(X[:2], confidence=confidence)
    assert "lambda" not in str(info.value)
    assert "_check_interval_args" not in str(info.value)


def test_uncertainty_method_error_names_predict_uncertainty():
    X, y = load_iris(return_X_y=True)
    clf = BaggingClassifier(n_estimators=3, random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="predict_uncertainty") as info:
        clf.predict_uncertainty(X, method="entropy")
    assert "lambda" not in str(info.value)


def test_zero_weight_rows_do_not_enlarge_the_bags():
    """max_samples=None draws as many rows as have positive weight."""
    X, y2, sw = _diabetes_with_junk(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        reg = BaggingRegressor(Ridge(), n_estimators=200, random_state=0).fit(
            X, y2, sample_weight=sw
        )
        ref = BaggingRegressor(Ridge(), n_estimators=200, random_state=0).fit(
            X[200:], y2[200:]
        )
    assert all(len(s) == 242 for s in reg.estimators_samples_)
    assert all(np.all(s >= 200) for s in reg.estimators_samples_)
    # Same bag size and the same (uniform) distribution over the 242 rows,
    # but other random draws (weighted draws over 442 indices vs uniform over
    # 242), so the intervals agree up to Monte-Carlo error, not exactly.
    got = reg.predict_interval(X[300:302], confidence=0.9)
    expected = ref.predict_interval(X[300:302], confidence=0.9)
    np.testing.assert_allclose(got, expected, atol=5.0)


def test_verbose_member_oob_scores_ignore_zero_weight_rows(capsys):
    X, y_a, sw = _diabetes_with_junk(0)
    y_b = y_a.copy()
    y_b[:200] = -1e6
    columns = []
    for y in (y_a, y_b):
        BaggingRegressor(Ridge(), n_estimators=3, random_state=0, verbose=1).fit(
            X, y, sample_weight=sw
        )
        lines = capsys.readouterr().out.splitlines()
        columns.append([line.split()[1] for line in lines if "/3" in line])
    assert len(columns[0]) == 3
    assert columns[0] == columns[1]
    assert all(0.0 < float(v) < 1.0 for v in columns[0])
