"""The splitters inside scikit-learn's model-selection tools, and on real data."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    cross_val_predict,
    cross_val_score,
    cross_validate,
    learning_curve,
)

from skoptim.model_selection import (
    BlockedKFold,
    BlockedTimeSeriesSplit,
    CombinatorialPurgedKFold,
    GroupTimeSeriesSplit,
    PurgedKFold,
    TimeWindowSplit,
)

N = 140


def ar_frame(n=N, seed=0):
    """An AR(2) series as a lagged-feature regression problem, daily index."""
    rng = np.random.default_rng(seed)
    z = np.zeros(n + 2)
    for t in range(2, n + 2):
        z[t] = 0.6 * z[t - 1] - 0.2 * z[t - 2] + rng.normal()
    idx = pd.date_range("2023-01-02", periods=n, freq="D")
    X = pd.DataFrame({"lag1": z[1:-1], "lag2": z[:-2]}, index=idx)
    y = pd.Series(z[2:], index=idx, name="y")
    return X, y


def cases():
    """(id, splitter, groups for pandas X, groups for numpy X, numpy X builder)."""
    X, _ = ar_frame()
    t1 = pd.Series(X.index + pd.Timedelta("3D"), index=X.index)
    weeks = np.arange(N) // 7
    day_numbers = np.arange(N, dtype=float)
    return [
        ("blocked_ts", BlockedTimeSeriesSplit(4, train_size=0.7, gap=2), None, None),
        ("blocked_kfold", BlockedKFold(4, gap_before=2, gap_after=2), None, None),
        ("purged_horizon", PurgedKFold(4, embargo=2, horizon=3), None, None),
        ("purged_t1", PurgedKFold(4, embargo=2, label_end_times=t1), None, None),
        ("purged_time_horizon", PurgedKFold(4, embargo=2, horizon="3D"), None, None),
        ("cpcv", CombinatorialPurgedKFold(5, 2, embargo=1, horizon=2), None, None),
        ("group_ts", GroupTimeSeriesSplit(4, gap=1), weeks, weeks),
        (
            "time_window",
            TimeWindowSplit("42D", "21D", gap="2D"),
            None,
            # numpy: day numbers in column 0, numeric windows
            ("time_column", day_numbers),
        ),
    ]


def numpy_version(cv, groups_np, X):
    """The numpy twin of a case: (cv, X array, groups)."""
    if getattr(cv, "horizon", None) == "3D":  # a time horizon needs a time index
        return PurgedKFold(4, embargo=2, horizon=3), X.to_numpy(), None
    if getattr(cv, "label_end_times", None) is not None:  # end times as positions
        return (
            PurgedKFold(4, embargo=2, label_end_times=np.arange(N) + 3),
            (X.to_numpy()),
            None,
        )
    if isinstance(groups_np, tuple):  # TimeWindowSplit on a numeric time column
        _, days = groups_np
        cv = TimeWindowSplit(42, 21, gap=2, time_column=0)
        return cv, np.column_stack([days, X.to_numpy()]), None
    return cv, X.to_numpy(), groups_np


CASES = cases()
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("container", ["pandas", "numpy"])
def test_cross_val_score_and_manual_loop_agree(case, container):
    _, cv, groups_pd, groups_np = case
    X, y = ar_frame()
    if container == "numpy":
        cv, X, groups = numpy_version(cv, groups_np, X)
        y = y.to_numpy()
    else:
        groups = groups_pd
    scores = cross_val_score(Ridge(), X, y, cv=cv, groups=groups)
    assert len(scores) == cv.get_n_splits(X, y, groups)
    assert np.all(np.isfinite(scores))
    # same numbers as fitting the folds by hand
    Xa, ya = np.asarray(X), np.asarray(y)
    manual = [
        Ridge().fit(Xa[tr], ya[tr]).score(Xa[te], ya[te])
        for tr, te in cv.split(X, y, groups)
    ]
    np.testing.assert_allclose(scores, manual)


@pytest.mark.parametrize("case", CASES, ids=IDS)
@pytest.mark.parametrize("container", ["pandas", "numpy"])
def test_grid_search(case, container):
    _, cv, groups_pd, groups_np = case
    X, y = ar_frame()
    if container == "numpy":
        cv, X, groups = numpy_version(cv, groups_np, X)
        y = y.to_numpy()
    else:
        groups = groups_pd
    search = GridSearchCV(Ridge(), {"alpha": [0.01, 1.0, 1e4]}, cv=cv)
    search.fit(X, y, groups=groups)
    n_splits = cv.get_n_splits(X, y, groups)
    assert f"split{n_splits - 1}_test_score" in search.cv_results_
    assert f"split{n_splits}_test_score" not in search.cv_results_
    # a huge ridge penalty predicts ~the mean: never the best on an AR(2) series
    assert search.best_params_["alpha"] != 1e4


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_cross_validate_and_learning_curve(case):
    _, cv, groups, _ = case
    X, y = ar_frame()
    res = cross_validate(Ridge(), X, y, cv=cv, groups=groups, return_indices=True)
    for (tr, te), tr2, te2 in zip(
        cv.split(X, y, groups),
        res["indices"]["train"],
        res["indices"]["test"],
        strict=True,
    ):
        np.testing.assert_array_equal(tr, tr2)
        np.testing.assert_array_equal(te, te2)
    sizes, train_scores, test_scores = learning_curve(
        Ridge(), X, y, cv=cv, groups=groups, train_sizes=[0.5, 1.0]
    )
    assert train_scores.shape == test_scores.shape == (2, cv.get_n_splits(X, y, groups))


def test_cross_val_predict_with_partitioning_splitters():
    # cross_val_predict needs every row tested exactly once
    X, y = ar_frame()
    for cv in (BlockedKFold(5, gap_before=3, gap_after=3), PurgedKFold(5, horizon=2)):
        pred = cross_val_predict(Ridge(), X, y, cv=cv)
        assert pred.shape == y.shape and np.all(np.isfinite(pred))


@pytest.mark.parametrize(
    "cv",
    [
        PurgedKFold(4, embargo=1),
        CombinatorialPurgedKFold(4, 2),
        GroupTimeSeriesSplit(3),
    ],
    ids=lambda c: type(c).__name__,
)
@pytest.mark.filterwarnings("ignore:.*label end times passed as `groups`")
def test_metadata_routing_carries_groups(cv):
    X, y = ar_frame()
    if isinstance(cv, GroupTimeSeriesSplit):
        groups = np.arange(N) // 7
    else:
        groups = pd.Series(X.index + pd.Timedelta("2D"), index=X.index)
    expected = cross_validate(Ridge(), X, y, cv=cv, groups=groups)["test_score"]
    with sklearn.config_context(enable_metadata_routing=True):
        routed = cross_validate(Ridge(), X, y, cv=cv, params={"groups": groups})
        np.testing.assert_allclose(routed["test_score"], expected)
        search = GridSearchCV(Ridge(), {"alpha": [0.1, 1.0]}, cv=cv)
        search.fit(X, y, groups=groups)
        assert search.n_splits_ == cv.get_n_splits()
    if isinstance(cv, GroupTimeSeriesSplit):
        return
    # the recommended routes give the same scores: constructor, metadata
    by_init = clone(cv).set_params(label_end_times=groups)
    np.testing.assert_allclose(
        cross_validate(Ridge(), X, y, cv=by_init)["test_score"], expected
    )
    with sklearn.config_context(enable_metadata_routing=True):
        routed = cross_validate(
            Ridge(), X, y, cv=cv, params={"label_end_times": groups}
        )
        np.testing.assert_allclose(routed["test_score"], expected)
        # nested: the outer CV subsets the routed end times with the rows
        outer = cross_validate(
            GridSearchCV(Ridge(), {"alpha": [0.1, 1.0]}, cv=cv),
            X,
            y,
            cv=KFold(3),
            params={"label_end_times": groups},
        )
        assert np.all(np.isfinite(outer["test_score"]))


def test_purging_changes_the_folds_it_should():
    # label ends three days ahead purge three rows before each test fold
    X, y = ar_frame()
    t1 = pd.Series(X.index + pd.Timedelta("3D"), index=X.index)
    for (tr, te), (tr_h, te_h) in zip(
        PurgedKFold(4, label_end_times=t1).split(X, y),
        PurgedKFold(4, horizon=3).split(X),
        strict=True,
    ):
        np.testing.assert_array_equal(tr, tr_h)
        np.testing.assert_array_equal(te, te_h)


# ---------------------------------------------------------------------------
# Real data: shuffled K-fold is optimistic on a time series
# ---------------------------------------------------------------------------


def co2_lagged(lags=12, horizon=12):
    """Monthly Mauna Loa CO2 (statsmodels, offline): predict `horizon` months ahead."""
    sm = pytest.importorskip("statsmodels.api")
    weekly = sm.datasets.co2.load_pandas().data["co2"].interpolate()
    co2 = weekly.resample("MS").mean()
    X = pd.concat({f"lag{k}": co2.shift(k) for k in range(lags)}, axis=1)
    y = co2.shift(-horizon).rename("co2_ahead")
    keep = X.notna().all(axis=1) & y.notna()
    return X[keep], y[keep]


def rmse(cv, X, y, groups=None):
    scores = cross_val_score(
        Ridge(), X, y, cv=cv, groups=groups, scoring="neg_root_mean_squared_error"
    )
    return -scores.mean()


def test_co2_shuffled_kfold_is_optimistic():
    lags, horizon = 12, 12
    X, y = co2_lagged(lags, horizon)
    assert len(X) == 503 and X.index[0] == pd.Timestamp("1959-02-01")
    shuffled = max(
        rmse(KFold(5, shuffle=True, random_state=seed), X, y) for seed in range(5)
    )
    t1 = pd.Series(X.index + pd.DateOffset(months=horizon), index=X.index)
    honest = {
        "BlockedKFold": rmse(
            BlockedKFold(5, gap_before=lags + horizon, gap_after=lags + horizon), X, y
        ),
        "PurgedKFold": rmse(PurgedKFold(5, horizon=horizon, embargo=lags), X, y),
        "PurgedKFold(t1)": rmse(PurgedKFold(5, embargo=lags, label_end_times=t1), X, y),
        "CombinatorialPurgedKFold": rmse(
            CombinatorialPurgedKFold(6, 2, horizon=horizon, embargo=lags), X, y
        ),
        "BlockedTimeSeriesSplit": rmse(
            BlockedTimeSeriesSplit(5, train_size=0.7, gap=horizon), X, y
        ),
        "GroupTimeSeriesSplit": rmse(
            GroupTimeSeriesSplit(5, gap=1), X, y, X.index.year
        ),
        "TimeWindowSplit": rmse(
            TimeWindowSplit("3650D", "1825D", gap="365D", expanding=True), X, y
        ),
    }
    # measured: shuffled <= 0.63 ppm; honest schemes 0.66 (purged) to 0.93 ppm
    for name, value in honest.items():
        assert shuffled < 0.97 * value, (name, shuffled, value)
    assert honest["PurgedKFold"] == pytest.approx(honest["PurgedKFold(t1)"])
    # a calendar horizon on the month index says the same as t1
    by_offset = PurgedKFold(5, embargo=lags, horizon=pd.DateOffset(months=horizon))
    assert rmse(by_offset, X, y) == pytest.approx(honest["PurgedKFold(t1)"])


def test_cpcv_backtest_paths_from_cross_validate():
    """Recombine CPCV's out-of-sample predictions into full backtest paths."""
    X, y = ar_frame()
    cv = CombinatorialPurgedKFold(6, 2, horizon=2, embargo=2)
    res = cross_validate(Ridge(), X, y, cv=cv, return_estimator=True)
    estimators = res["estimator"]
    assert len(estimators) == 15
    path_scores = []
    for path in cv.get_path_test_indices(X):
        pred = np.empty(len(y))
        for split, rows in path:
            pred[rows] = estimators[split].predict(X.iloc[rows])
        # every row is predicted once per path, by a model that never saw it
        path_scores.append(1 - np.sum((y - pred) ** 2) / np.sum((y - y.mean()) ** 2))
    assert len(path_scores) == cv.get_n_paths() == 5
    assert np.all(np.array(path_scores) > 0.1)
    assert len(set(np.round(path_scores, 12))) > 1  # paths genuinely differ
