"""Known-answer tables, bad-input errors and API checks for the time-series splitters.

Every expected fold below was worked out by hand from the splitter's documented
definition (block sizes, gaps, label intervals), not copied from the output.
"""

import doctest
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

import skoptim.model_selection as ms
from skoptim.model_selection import (
    BlockedKFold,
    BlockedTimeSeriesSplit,
    CombinatorialPurgedKFold,
    GroupTimeSeriesSplit,
    PurgedKFold,
    TimeWindowSplit,
)
from skoptim.model_selection import _plot as plot_module
from skoptim.model_selection import _split as split_module
from skoptim.model_selection import _split_purged as purged_module
from skoptim.model_selection import _split_window as window_module


def r(a, b):
    """Rows a..b-1 (half-open, like range)."""
    return list(range(a, b))


def folds(cv, X, groups=None):
    return [(list(tr), list(te)) for tr, te in cv.split(X, groups=groups)]


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------

ALL_SPLITTERS = [
    BlockedTimeSeriesSplit(n_splits=3, train_size=0.5, gap=1),
    BlockedKFold(n_splits=4, gap_before=2, gap_after=1),
    PurgedKFold(n_splits=4, embargo=2, horizon=1),
    CombinatorialPurgedKFold(n_splits=5, n_test_splits=2, embargo=1),
    GroupTimeSeriesSplit(n_splits=3, gap=1, max_train_size=4, test_size=2),
    TimeWindowSplit("30D", "7D", step="3D", gap="1D", expanding=True),
]


def test_exports():
    for name in [
        "BlockedKFold",
        "BlockedTimeSeriesSplit",
        "CombinatorialPurgedKFold",
        "GroupTimeSeriesSplit",
        "PurgedKFold",
        "TimeWindowSplit",
        "plot_splits",
    ]:
        assert name in ms.__all__
        assert hasattr(ms, name)


@pytest.mark.parametrize("cv", ALL_SPLITTERS, ids=lambda c: type(c).__name__)
def test_clone_get_params_repr(cv):
    params = cv.get_params()
    cloned = clone(cv)
    assert cloned is not cv
    assert type(cloned) is type(cv)
    assert cloned.get_params() == params
    assert repr(cloned) == repr(cv)
    for key, value in params.items():
        assert f"{key}=" in repr(cv)
        assert getattr(cv, key) == value
    cloned.set_params(**params)
    with pytest.raises(ValueError, match="Invalid parameter 'bogus'"):
        cloned.set_params(bogus=1)


def test_set_params_changes_split():
    cv = BlockedKFold(n_splits=3)
    cv.set_params(n_splits=4)
    assert len(list(cv.split(np.zeros(12)))) == 4


def test_constructor_does_not_validate():
    # scikit-learn convention: validation happens in split, not __init__
    cv = BlockedKFold(n_splits=-3)
    assert cv.n_splits == -3
    with pytest.raises(ValueError, match="n_splits must be >= 2, got n_splits=-3"):
        list(cv.split(np.zeros(10)))


@pytest.mark.parametrize(
    "cv", ALL_SPLITTERS[:4] + [GroupTimeSeriesSplit(2)], ids=lambda c: type(c).__name__
)
def test_unsorted_time_index_is_refused(cv):
    idx = pd.date_range("2024-01-01", periods=30, freq="D")
    order = list(range(30))
    order[10], order[11] = 11, 10
    X = pd.DataFrame({"a": np.zeros(30)}, index=idx[order])
    groups = np.arange(30) // 3 if isinstance(cv, GroupTimeSeriesSplit) else None
    with pytest.raises(
        ValueError, match=r"row 11 \(2024-01-11.*\) is earlier than row 10 \(2024-01-12"
    ):
        list(cv.split(X, groups=groups))


@pytest.mark.parametrize(
    "cv",
    [ALL_SPLITTERS[0], ALL_SPLITTERS[1], ALL_SPLITTERS[5]],
    ids=lambda c: type(c).__name__,
)
def test_splitters_that_ignore_groups_say_so(cv):
    idx = pd.date_range("2024-01-01", periods=60, freq="D")
    X = pd.DataFrame({"a": np.zeros(60)}, index=idx)
    with pytest.warns(
        UserWarning, match=f"groups parameter is ignored by {type(cv).__name__}"
    ):
        got = folds(cv, X, groups=np.arange(60) // 3)
    assert got == folds(cv, X)


def test_metadata_requests():
    # splitters that read ``groups`` request it by default under metadata routing
    for cls in (GroupTimeSeriesSplit, PurgedKFold, CombinatorialPurgedKFold):
        routing = cls().get_metadata_routing()
        assert routing.split.requests["groups"] is True
    # the purged splitters also request their own metadata name
    for cls in (PurgedKFold, CombinatorialPurgedKFold):
        routing = cls().get_metadata_routing()
        assert routing.split.requests["label_end_times"] is True


@pytest.mark.parametrize(
    "module", [split_module, purged_module, window_module, plot_module]
)
def test_docstring_examples(module, monkeypatch):
    monkeypatch.setenv("MPLBACKEND", "Agg")
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


# ---------------------------------------------------------------------------
# BlockedTimeSeriesSplit
# ---------------------------------------------------------------------------


def test_blocked_ts_n12():
    X = np.zeros((12, 2))
    # blocks of 4: floor(0.75 * 4) = 3 training rows, then test
    assert folds(BlockedTimeSeriesSplit(3, train_size=0.75), X) == [
        ([0, 1, 2], [3]),
        ([4, 5, 6], [7]),
        ([8, 9, 10], [11]),
    ]
    # 12 = 5 * 2 + 2: blocks of 3, 3, 2, 2, 2; one training row each
    assert folds(BlockedTimeSeriesSplit(5, train_size=1), X) == [
        ([0], [1, 2]),
        ([3], [4, 5]),
        ([6], [7]),
        ([8], [9]),
        ([10], [11]),
    ]


def test_blocked_ts_n103_spreads_remainder():
    # 103 = 5 * 20 + 3: the first three blocks get 21 rows, the last two 20.
    # floor(0.8 * 21) = floor(0.8 * 20) = 16 training rows, then gap=2.
    got = folds(BlockedTimeSeriesSplit(5, train_size=0.8, gap=2), np.zeros(103))
    assert got == [
        (r(0, 16), r(18, 21)),
        (r(21, 37), r(39, 42)),
        (r(42, 58), r(60, 63)),
        (r(63, 79), r(81, 83)),
        (r(83, 99), r(101, 103)),
    ]
    # no row is silently dropped: the last test row is the last sample
    assert got[-1][1][-1] == 102


def test_blocked_ts_float_train_size_is_not_hit_by_rounding_error():
    # 0.29 * 100 == 28.999999999999996 in floating point; 29 rows are meant
    ((train, test),) = BlockedTimeSeriesSplit(1, train_size=0.29).split(np.zeros(100))
    assert len(train) == 29 and len(test) == 71


def test_blocked_ts_errors():
    with pytest.raises(ValueError, match=r"n_splits=5 greater than .* n_samples=3"):
        list(BlockedTimeSeriesSplit(5).split(np.zeros(3)))
    # gap larger than what a block can spare
    with pytest.raises(
        ValueError, match=r"block of 10 rows .* \(8 training rows\) and gap=3"
    ):
        list(BlockedTimeSeriesSplit(2, train_size=0.8, gap=3).split(np.zeros(20)))
    with pytest.raises(ValueError, match="train_size must be in \\(0, 1\\)"):
        list(BlockedTimeSeriesSplit(2, train_size=1.5).split(np.zeros(20)))
    with pytest.raises(ValueError, match="integer train_size must be >= 1"):
        list(BlockedTimeSeriesSplit(2, train_size=0).split(np.zeros(20)))
    with pytest.raises(ValueError, match="leaves 10 training and 0 test rows"):
        list(BlockedTimeSeriesSplit(2, train_size=10).split(np.zeros(20)))
    with pytest.raises(ValueError, match="n_splits must be an integer"):
        list(BlockedTimeSeriesSplit(2.5).split(np.zeros(20)))
    with pytest.raises(ValueError, match="gap must be >= 0, got gap=-1"):
        list(BlockedTimeSeriesSplit(2, gap=-1).split(np.zeros(20)))
    with pytest.raises(ValueError, match="train_size must be a float"):
        list(BlockedTimeSeriesSplit(2, train_size="half").split(np.zeros(20)))


# ---------------------------------------------------------------------------
# BlockedKFold
# ---------------------------------------------------------------------------


def test_blocked_kfold_n12():
    X = np.zeros(12)
    assert folds(BlockedKFold(3), X) == [
        (r(4, 12), r(0, 4)),
        (r(0, 4) + r(8, 12), r(4, 8)),
        (r(0, 8), r(8, 12)),
    ]
    # 12 = 5 * 2 + 2: test blocks of 3, 3, 2, 2, 2; one row removed each side
    assert folds(BlockedKFold(5, gap_before=1, gap_after=1), X) == [
        (r(4, 12), [0, 1, 2]),
        ([0, 1] + r(7, 12), [3, 4, 5]),
        (r(0, 5) + r(9, 12), [6, 7]),
        (r(0, 7) + [11], [8, 9]),
        (r(0, 9), [10, 11]),
    ]


def test_blocked_kfold_n103():
    got = folds(BlockedKFold(5, gap_before=3, gap_after=2), np.zeros(103))
    assert got == [
        (r(23, 103), r(0, 21)),
        (r(0, 18) + r(44, 103), r(21, 42)),
        (r(0, 39) + r(65, 103), r(42, 63)),
        (r(0, 60) + r(85, 103), r(63, 83)),
        (r(0, 80), r(83, 103)),
    ]


def test_blocked_kfold_errors():
    with pytest.raises(ValueError, match=r"n_splits=4 greater .* n_samples=3"):
        list(BlockedKFold(4).split(np.zeros(3)))
    with pytest.raises(ValueError, match="n_splits must be >= 2, got n_splits=1"):
        list(BlockedKFold(1).split(np.zeros(10)))
    with pytest.raises(
        ValueError,
        match=r"fold 0 \(test rows 0-4 of n_samples=10\) has no training rows left"
        r" with gap_before=0 and gap_after=5",
    ):
        list(BlockedKFold(2, gap_after=5).split(np.zeros(10)))
    with pytest.raises(ValueError, match="gap_before must be >= 0"):
        list(BlockedKFold(2, gap_before=-2).split(np.zeros(10)))


# ---------------------------------------------------------------------------
# PurgedKFold
# ---------------------------------------------------------------------------


def test_purged_kfold_horizon_n12():
    X = np.zeros(12)
    # horizon=2: the 2 rows before a test fold and the 2 rows after it overlap
    assert folds(PurgedKFold(3, horizon=2), X) == [
        (r(6, 12), r(0, 4)),
        ([0, 1] + r(10, 12), r(4, 8)),
        (r(0, 6), r(8, 12)),
    ]
    # no horizon, embargo=1: only the row right after each fold goes
    assert folds(PurgedKFold(3, embargo=1), X) == [
        (r(5, 12), r(0, 4)),
        (r(0, 4) + r(9, 12), r(4, 8)),
        (r(0, 8), r(8, 12)),
    ]


def test_purged_kfold_horizon_n103():
    # label of row i ends at row i + 4; test period of fold [s, e) is
    # [s, e - 1 + 4]; purge j with j + 4 >= s and j <= e + 3; embargo next 3 rows
    got = folds(PurgedKFold(5, embargo=3, horizon=4), np.zeros(103))
    assert got == [
        (r(28, 103), r(0, 21)),
        (r(0, 17) + r(49, 103), r(21, 42)),
        (r(0, 38) + r(70, 103), r(42, 63)),
        (r(0, 59) + r(90, 103), r(63, 83)),
        (r(0, 79), r(83, 103)),
    ]


def _daily_x(n):
    idx = pd.date_range("2024-01-01", periods=n, freq="D")
    return pd.DataFrame({"a": np.arange(n, dtype=float)}, index=idx), idx


def ends(cv_cls, X, t1, *args, **kw):
    """Folds with the end times passed through the constructor."""
    return folds(cv_cls(*args, label_end_times=t1, **kw), X)


def test_purged_kfold_label_end_times_n12():
    X, idx = _daily_x(12)
    # next-day labels, except sample 2 (known on day 6) and sample 11 (past the end)
    t1 = pd.Series(idx + pd.Timedelta("1D"), index=idx)
    t1.iloc[2] = idx[6]
    t1.iloc[11] = idx[11] + pd.Timedelta("3D")
    # fold 0 tests rows 0-3, its labels reach day 6 -> rows 4-6 are purged;
    # fold 1 tests rows 4-7 (period up to day 8): sample 2 (ends day 6) and
    # sample 3 (ends day 4) overlap it, as do rows 8 (starts day 8);
    # fold 2 tests rows 8-11: sample 7 (ends day 8) overlaps.
    expected = [
        (r(7, 12), r(0, 4)),
        ([0, 1] + r(9, 12), r(4, 8)),
        (r(0, 7), r(8, 12)),
    ]
    assert ends(PurgedKFold, X, t1, 3) == expected
    # embargo=1 also drops the first row after each test period
    assert ends(PurgedKFold, X, t1, 3, embargo=1) == [
        (r(8, 12), r(0, 4)),
        ([0, 1, 10, 11], r(4, 8)),
        (r(0, 7), r(8, 12)),
    ]
    # numpy arrays of datetimes and the same ends as row positions agree
    assert ends(PurgedKFold, X, t1.to_numpy(), 3) == expected
    positions = np.array([1, 2, 6, 4, 5, 6, 7, 8, 9, 10, 11, 14])
    assert ends(PurgedKFold, X.to_numpy(), positions, 3) == expected
    # the split argument (the metadata route) gives the same folds
    assert [
        (list(tr), list(te)) for tr, te in PurgedKFold(3).split(X, label_end_times=t1)
    ] == expected


def test_label_end_times_as_groups_warns_and_still_works():
    X, idx = _daily_x(12)
    t1 = pd.Series(idx + pd.Timedelta("1D"), index=idx)
    for cv in (PurgedKFold(3), CombinatorialPurgedKFold(4, 2)):
        with pytest.warns(UserWarning, match="read as group labels .*label_end_times"):
            got = folds(cv, X, groups=t1)
        assert got == folds(clone(cv).set_params(label_end_times=t1), X)


def test_label_end_times_series_looked_up_by_time_on_subsets():
    X, idx = _daily_x(12)
    t1 = pd.Series(idx + pd.Timedelta("2D"), index=idx)
    cv = PurgedKFold(2, label_end_times=t1)
    # a subset of rows (as inside nested CV) finds its own end times by index
    sub = X.iloc[[0, 1, 2, 5, 6, 7, 8, 9]]
    # sub times: days 0,1,2,5,6,7,8,9; test fold 0 = rows 0-3 (days 0-5), its
    # labels end on day 7 -> rows 4, 5 (days 6, 7) purged; fold 1 = rows 4-7
    # (days 6-9): rows 2 (day 2, ends day 4) keeps; row 3 (day 5, ends day 7) goes
    assert folds(cv, sub) == [(r(6, 8), r(0, 4)), (r(0, 3), r(4, 8))]
    assert folds(cv, sub) == folds(PurgedKFold(2, horizon="2D"), sub)
    # an X whose times are not in the Series is refused with the row named
    other = X.set_index(idx + pd.Timedelta("1h"))
    with pytest.raises(ValueError, match="no entry for row 0 of X"):
        folds(cv, other)
    # a plain array must have X's length, and says what to do on subsets
    with pytest.raises(ValueError, match="has 12 entries but X has n_samples=8.*"):
        folds(PurgedKFold(2, label_end_times=t1.to_numpy()), sub)


def test_time_horizon_equals_end_times():
    X, idx = _daily_x(12)
    t1 = pd.Series(idx + pd.Timedelta("36h"), index=idx)
    for cls in (PurgedKFold, CombinatorialPurgedKFold):
        by_time = folds(cls(3, horizon="36h"), X)
        assert by_time == ends(cls, X, t1, 3)
        assert by_time == folds(cls(3, horizon=pd.Timedelta(hours=36)), X)
        # 36h ahead reaches the next daily sample only: one row
        assert by_time == folds(cls(3, horizon=1), X)
    with pytest.raises(ValueError, match="horizon='2D' is a duration, so X must"):
        folds(PurgedKFold(3, horizon="2D"), X.to_numpy())
    with pytest.raises(ValueError, match="horizon='soon' is not a duration"):
        folds(PurgedKFold(3, horizon="soon"), X)
    with pytest.raises(ValueError, match="horizon must be an integer >= 0 .* 1.5"):
        folds(PurgedKFold(3, horizon=1.5), X)
    with pytest.raises(ValueError, match="non-negative duration"):
        folds(PurgedKFold(3, horizon="-1D"), X)
    with pytest.raises(ValueError, match="non-negative duration"):
        folds(PurgedKFold(3, horizon=pd.DateOffset(months=-1)), X)
    # zero-length time horizons purge nothing, like horizon=0
    for zero in ("0D", pd.Timedelta(0), pd.offsets.Hour(0)):
        assert folds(PurgedKFold(3, horizon=zero), X) == folds(BlockedKFold(3), X)
        assert ends(PurgedKFold, X, idx, 3, horizon=zero) == folds(BlockedKFold(3), X)
    # a calendar offset: labels end at the next month start (2024-02-01)
    days = pd.DataFrame(
        {"a": np.zeros(40)}, index=pd.date_range("2024-01-15", periods=40)
    )
    # fold 0 tests rows 0-19 (Jan 15 - Feb 3): labels end Feb 1 (Jan rows) and
    # Mar 1 (Feb rows) -> every later row is purged: no training rows
    with pytest.raises(ValueError, match="fold 0 .* no training rows"):
        folds(PurgedKFold(2, horizon=pd.offsets.MonthBegin(1)), days)


def test_permutation_test_score_with_label_end_times_is_sane():
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import permutation_test_score

    rng = np.random.default_rng(0)
    n = 120
    idx = pd.date_range("2024-01-01", periods=n, freq="D")
    X = pd.DataFrame(rng.normal(size=(n, 3)), index=idx)
    y = pd.Series(X[0] * 2.0 + rng.normal(scale=0.5, size=n), index=idx)
    t1 = pd.Series(idx + pd.Timedelta("3D"), index=idx)
    kw = dict(n_permutations=30, random_state=0)
    score, perm, p = permutation_test_score(
        Ridge(), X, y, cv=PurgedKFold(4, label_end_times=t1), **kw
    )
    assert score > 0.8
    assert p == pytest.approx(1 / 31)  # no permutation beats the real signal
    assert perm.max() < 0.5 * score
    # time horizon: the same
    _, _, p_h = permutation_test_score(
        Ridge(), X, y, cv=PurgedKFold(4, horizon="3D"), **kw
    )
    assert p_h < 0.05
    # the legacy groups route: warns, and p = 1 since nothing is permuted
    with pytest.warns(UserWarning, match="permutation_test_score"):
        score_g, perm_g, p_g = permutation_test_score(
            Ridge(), X, y, cv=PurgedKFold(4), groups=t1, **kw
        )
    assert p_g == 1.0 and np.allclose(perm_g, score_g)


def test_purged_kfold_intraday_label_ends_do_not_reach_next_sample():
    X, idx = _daily_x(12)
    t1 = idx + pd.Timedelta("12h")  # label known before the next sample
    assert ends(PurgedKFold, X, t1, 3) == folds(BlockedKFold(3), X)
    # horizon=0 is plain blocked K-fold as well
    assert folds(PurgedKFold(3), X) == folds(BlockedKFold(3), X)


def test_purged_kfold_errors():
    X, idx = _daily_x(12)
    with pytest.raises(ValueError, match=r"n_splits=13 greater .* n_samples=12"):
        list(PurgedKFold(13).split(X))
    with pytest.raises(ValueError, match="one source only, not both horizon=2"):
        ends(PurgedKFold, X, idx, 3, horizon=2)
    with pytest.raises(ValueError, match=r"not both label_end_times \(constructor"):
        list(PurgedKFold(3, label_end_times=idx).split(X, label_end_times=idx))
    with pytest.raises(ValueError, match="not both horizon=2 and groups"):
        list(PurgedKFold(3, horizon=2).split(X, groups=idx))
    with pytest.raises(ValueError, match=r"inconsistent numbers of samples: \[12, 5\]"):
        list(PurgedKFold(3).split(X, groups=idx[:5]))
    with pytest.raises(ValueError, match="has 5 entries but X has n_samples=12"):
        ends(PurgedKFold, X, idx[:5], 3)
    early = idx.to_series(index=idx)
    early.iloc[4] = idx[2]
    with pytest.raises(
        ValueError, match="label of sample 4 ends .*2024-01-03.* before the sample"
    ):
        ends(PurgedKFold, X, early, 3)
    with pytest.raises(ValueError, match="cannot be compared with sample times"):
        ends(PurgedKFold, X, np.arange(12), 3)
    shuffled = X.iloc[[0, 1, 3, 2] + r(4, 12)]
    with pytest.raises(
        ValueError, match="X's time index must be sorted .* row 3 .* earlier than row 2"
    ):
        ends(PurgedKFold, shuffled, idx + pd.Timedelta("1D"), 3)
    # a numeric (e.g. fractional-year) index is checked when it carries times
    years = pd.DataFrame({"a": np.zeros(4)}, index=[2000.0, 2000.5, 2000.25, 2001.0])
    with pytest.raises(
        ValueError, match="X's index must be sorted .* row 2 .* earlier than row 1"
    ):
        ends(PurgedKFold, years, years.index + 0.1, 2)
    wrong_index = pd.Series(idx + pd.Timedelta("1D"), index=r(0, 12))
    with pytest.warns(UserWarning), pytest.raises(ValueError, match="index differs"):
        list(PurgedKFold(3).split(X, groups=wrong_index))
    with pytest.raises(ValueError, match="no entry for row 0 of X"):
        ends(PurgedKFold, X, wrong_index, 3)
    missing = pd.Series(idx, index=idx).astype(object)
    missing.iloc[3] = None
    with pytest.raises(ValueError, match="contains missing values"):
        ends(PurgedKFold, X, missing, 3)
    with pytest.raises(ValueError, match="no training rows left .*horizon=8"):
        list(PurgedKFold(2, horizon=8).split(np.zeros(12)))
    with pytest.raises(ValueError, match="embargo must be >= 0, got embargo=-1"):
        list(PurgedKFold(3, embargo=-1).split(X))


def test_purged_repr_summarises_end_times():
    X, idx = _daily_x(12)
    cv = PurgedKFold(3, label_end_times=pd.Series(idx, index=idx))
    assert repr(cv) == (
        "PurgedKFold(embargo=0, horizon=0, label_end_times=<Series of 12 end "
        "times>, n_splits=3)"
    )


# ---------------------------------------------------------------------------
# CombinatorialPurgedKFold
# ---------------------------------------------------------------------------


def test_cpcv_n12():
    cv = CombinatorialPurgedKFold(n_splits=4, n_test_splits=2, horizon=1)
    # groups of 3 rows; combinations in lexicographic order
    assert folds(cv, np.zeros(12)) == [
        (r(7, 12), r(0, 6)),  # (0, 1): one block 0-5, purge row 6
        ([4, 10, 11], [0, 1, 2, 6, 7, 8]),  # purge 3 and 5, 9
        (r(4, 8), [0, 1, 2, 9, 10, 11]),  # purge 3 and 8
        ([0, 1, 10, 11], r(3, 9)),  # purge 2 and 9
        ([0, 1, 7], [3, 4, 5, 9, 10, 11]),  # purge 2, 6 and 8
        (r(0, 5), r(6, 12)),  # purge 5
    ]
    assert cv.get_n_splits() == 6
    assert cv.get_n_paths() == 3


def test_cpcv_n103():
    cv = CombinatorialPurgedKFold(n_splits=6, n_test_splits=2, embargo=2)
    # 103 = 6 * 17 + 1: groups [0,18) [18,35) [35,52) [52,69) [69,86) [86,103)
    got = folds(cv, np.zeros(103))
    assert len(got) == math.comb(6, 2) == cv.get_n_splits()
    by_groups = dict(zip(cv._combinations(), got, strict=True))
    assert by_groups[(0, 2)] == (r(20, 35) + r(54, 103), r(0, 18) + r(35, 52))
    assert by_groups[(1, 2)] == (r(0, 18) + r(54, 103), r(18, 52))
    assert by_groups[(4, 5)] == (r(0, 69), r(69, 103))
    assert by_groups[(0, 5)] == (r(20, 86), r(0, 18) + r(86, 103))
    assert cv.get_n_paths() == math.comb(6, 2) * 2 // 6 == 5


def test_cpcv_backtest_paths():
    cv = CombinatorialPurgedKFold(n_splits=4, n_test_splits=2)
    # splits: 0:(0,1) 1:(0,2) 2:(0,3) 3:(1,2) 4:(1,3) 5:(2,3)
    np.testing.assert_array_equal(
        cv.get_backtest_paths(), [[0, 0, 1, 2], [1, 3, 3, 4], [2, 4, 5, 5]]
    )
    X = np.zeros(10)
    splits = list(cv.split(X))
    for path in cv.get_path_test_indices(X):
        rows = np.concatenate([rows for _, rows in path])
        np.testing.assert_array_equal(rows, np.arange(10))
        for s, piece in path:
            assert np.isin(piece, splits[s][1]).all()


def test_cpcv_errors():
    with pytest.raises(ValueError, match="n_test_splits=3 and n_splits=3"):
        CombinatorialPurgedKFold(3, 3).get_n_splits()
    with pytest.raises(ValueError, match="n_test_splits must be >= 1"):
        list(CombinatorialPurgedKFold(3, 0).split(np.zeros(10)))
    with pytest.raises(ValueError, match=r"n_splits=6 greater .* n_samples=5"):
        list(CombinatorialPurgedKFold().split(np.zeros(5)))
    with pytest.raises(ValueError, match=r"n_splits=6 greater .* n_samples=5"):
        CombinatorialPurgedKFold().get_path_test_indices(np.zeros(5))
    with pytest.raises(ValueError, match="fold 0 .* no training rows .*embargo=9"):
        list(CombinatorialPurgedKFold(3, 2, embargo=9).split(np.zeros(12)))


# ---------------------------------------------------------------------------
# GroupTimeSeriesSplit
# ---------------------------------------------------------------------------


def test_group_ts_n12():
    groups = np.array(["a"] * 3 + ["b"] * 2 + ["c"] * 3 + ["d"] + ["e"] * 3)
    X = np.zeros((12, 1))
    # 5 groups, n_splits=2 -> test_size = 5 // 3 = 1 group
    assert folds(GroupTimeSeriesSplit(2), X, groups) == [
        (r(0, 8), [8]),
        (r(0, 9), [9, 10, 11]),
    ]
    assert folds(GroupTimeSeriesSplit(2, test_size=2), X, groups) == [
        (r(0, 3), r(3, 8)),
        (r(0, 8), r(8, 12)),
    ]
    assert folds(GroupTimeSeriesSplit(3, max_train_size=1, test_size=1), X, groups) == [
        ([3, 4], r(5, 8)),
        ([5, 6, 7], [8]),
        ([8], r(9, 12)),
    ]


def test_group_ts_n103_weeks():
    # 103 daily rows grouped by week: weeks 0..13 have 7 rows, week 14 has 5
    groups = np.arange(103) // 7
    # 15 groups, n_splits=4: test_size = 15 // 5 = 3 weeks, first test week 3,
    # gap=1 week between training and test
    got = folds(GroupTimeSeriesSplit(4, gap=1), np.zeros(103), groups)
    assert got == [
        (r(0, 14), r(21, 42)),
        (r(0, 35), r(42, 63)),
        (r(0, 56), r(63, 84)),
        (r(0, 77), r(84, 103)),
    ]
    got = folds(GroupTimeSeriesSplit(4, gap=1, max_train_size=3), np.zeros(103), groups)
    assert [tr for tr, _ in got] == [r(0, 14), r(14, 35), r(35, 56), r(56, 77)]


def test_group_ts_errors():
    X = np.zeros(12)
    with pytest.raises(ValueError, match="'groups' parameter should not be None"):
        list(GroupTimeSeriesSplit(2).split(X))
    bad = np.array([0, 0, 1, 1, 2, 2, 0, 3, 3, 4, 4, 4])
    with pytest.raises(
        ValueError,
        match="contiguous in time, but group 0 occupies rows 0-1 and again rows 6-6",
    ):
        list(GroupTimeSeriesSplit(2).split(X, groups=bad))
    with pytest.raises(ValueError, match="n_splits \\+ 1 = 4 folds with only"):
        list(GroupTimeSeriesSplit(3).split(X, groups=np.arange(12) // 4))
    with pytest.raises(
        ValueError, match="n_splits=3 test sets of test_size=4 groups plus gap=1"
    ):
        list(GroupTimeSeriesSplit(3, gap=1, test_size=4).split(X, groups=np.arange(12)))
    with pytest.raises(
        ValueError, match=r"inconsistent numbers of samples: \[12, 11\]"
    ):
        list(GroupTimeSeriesSplit(2).split(X, groups=np.arange(11)))
    with pytest.raises(ValueError, match="one label per sample"):
        list(GroupTimeSeriesSplit(2).split(X, groups=np.zeros((12, 2))))
    with pytest.raises(ValueError, match="missing labels \\(first at row 3\\)"):
        list(GroupTimeSeriesSplit(2).split(X, groups=[0, 0, 1, None] + list(range(8))))
    with pytest.raises(ValueError, match="max_train_size must be >= 1"):
        list(GroupTimeSeriesSplit(2, max_train_size=0).split(X, groups=np.arange(12)))


# ---------------------------------------------------------------------------
# TimeWindowSplit
# ---------------------------------------------------------------------------


def _two_regime_times():
    """Rows 0-59 on days 0-59, rows 60-102 every second day (days 60..144)."""
    days = np.concatenate([np.arange(60), 60 + 2 * np.arange(43)])
    return pd.Timestamp("2024-01-01") + pd.to_timedelta(days, unit="D")


def test_time_window_n12_hourly():
    idx = pd.date_range("2024-01-01", periods=12, freq="h")
    X = pd.Series(np.arange(12.0), index=idx)
    got = folds(TimeWindowSplit("4h", "2h", gap="1h"), X)
    # first test window starts at hour 4 + 1
    assert got == [
        (r(0, 4), [5, 6]),
        (r(2, 6), [7, 8]),
        (r(4, 8), [9, 10]),
        (r(6, 10), [11]),  # last window cut short by the end of the data
    ]
    got = folds(TimeWindowSplit("4h", "2h", step="4h", expanding=True), X)
    assert got == [(r(0, 4), [4, 5]), (r(0, 8), [8, 9])]


def test_time_window_n103_irregular():
    idx = _two_regime_times()
    X = pd.DataFrame({"a": np.zeros(103)}, index=idx)
    got = folds(TimeWindowSplit("30D", "14D", gap="2D"), X)
    # test windows start on days 32, 46, ..., 144 (9 folds); rows by day
    assert len(got) == 9
    assert got[0] == (r(0, 30), r(32, 46))
    assert got[1] == (r(14, 44), r(46, 60))
    assert got[2] == (r(28, 58), r(60, 67))
    assert got[3] == (r(42, 66), r(67, 74))
    assert got[4] == (r(56, 73), r(74, 81))
    assert got[8] == (r(86, 101), [102])
    expanding = folds(TimeWindowSplit("30D", "14D", gap="2D", expanding=True), X)
    assert [te for _, te in expanding] == [te for _, te in got]
    assert [tr[0] for tr, _ in expanding] == [0] * 9
    assert expanding[4][0] == r(0, 73)
    assert TimeWindowSplit("30D", "14D", gap="2D").get_n_splits(X) == 9


def test_time_window_time_column_and_numeric_times():
    idx = _two_regime_times()
    df = pd.DataFrame({"when": idx, "a": np.zeros(103)})
    by_index = folds(TimeWindowSplit("30D", "14D", gap="2D"), df.set_index("when"))
    by_column = folds(TimeWindowSplit("30D", "14D", gap="2D", time_column="when"), df)
    assert by_index == by_column
    # numeric times (day numbers) in column 0 of a numpy array, numeric windows
    days = ((idx - idx[0]) / pd.Timedelta("1D")).to_numpy()
    arr = np.column_stack([days, np.zeros(103)])
    numeric = folds(TimeWindowSplit(30, 14, gap=2, time_column=0), arr)
    assert numeric == by_index


def test_time_window_string_parsing():
    parse = window_module._parse_window_string
    assert parse("o", "w", "365D") == pd.Timedelta(days=365)
    assert parse("o", "w", "4W") == pd.Timedelta(days=28)
    assert parse("o", "w", "12h") == pd.Timedelta(hours=12)
    assert parse("o", "w", "1 days 2 hours") == pd.Timedelta(hours=26)
    assert parse("o", "w", "3MS") == pd.offsets.MonthBegin(3)  # not 3 ms
    assert parse("o", "w", "YS") == pd.offsets.YearBegin()


def test_time_window_period_index():
    months = pd.period_range("2020-01", periods=24, freq="M")
    X = pd.Series(np.zeros(24), index=months)
    got = folds(TimeWindowSplit("MS", "MS", step="3MS"), X)
    # test months Feb, May, Aug, ... (every third month) with the month before
    assert got[0] == ([0], [1])
    assert got[1] == ([3], [4])
    assert len(got) == 8


def test_time_window_skips_empty_windows_and_calendar_offsets():
    # a hole in the data: no rows between Jan 10 and Jan 30
    idx = pd.DatetimeIndex(
        list(pd.date_range("2024-01-01", "2024-01-10")) + [pd.Timestamp("2024-01-30")]
    )
    X = pd.Series(np.zeros(len(idx)), index=idx)
    cv = TimeWindowSplit("5D", "5D", expanding=True)
    # windows start Jan 6, 11, 16, 21, 26: only Jan 6 and Jan 26 have test rows
    assert folds(cv, X) == [(r(0, 5), r(5, 10)), (r(0, 10), [10])]
    assert cv.get_n_splits(X) == 2
    # calendar offsets: month starts
    months = pd.date_range("2024-01-01", "2024-12-31", freq="D")
    Xm = pd.Series(np.zeros(len(months)), index=months)
    got = folds(TimeWindowSplit("MS", "MS", expanding=True), Xm)
    assert len(got) == 11
    assert got[1] == (r(0, 60), r(60, 91))  # Jan+Feb (leap year) / March


def test_time_window_jumps_over_empty_positions(monkeypatch):
    # 365 daily rows, 1-minute test windows: 65 folds of one test day each; the
    # positions between two days (1439 per day) are jumped over, not visited
    idx = pd.date_range("2023-01-01", periods=365, freq="D")
    X = pd.DataFrame({"a": np.zeros(365)}, index=idx)
    visited = []
    original = window_module._window_folds

    def counting(*args):
        got, n_visited = original(*args)
        visited.append(n_visited)
        return got, n_visited

    monkeypatch.setattr(window_module, "_window_folds", counting)
    got = folds(TimeWindowSplit("300D", "1min"), X)
    assert len(got) == 65
    assert got == [(r(k, 300 + k), [300 + k]) for k in range(65)]
    # one visit per fold plus at most one landing per jump (65 * 1440 before)
    assert visited[0] <= 2 * 65 + 1
    # fixed-length offset objects jump the same way
    by_offsets = TimeWindowSplit(pd.offsets.Day(300), pd.offsets.Minute(1))
    assert folds(by_offsets, X) == got
    assert visited[-1] == visited[0]
    # 30 s steps: each day is in two 1-min windows (from d - 30 s and from d)
    half = folds(TimeWindowSplit("300D", "1min", step=pd.offsets.Second(30)), X)
    assert len(half) == 1 + 2 * 64
    # from day 301 - 30 s and from day 301: the same rows
    assert half[1] == half[2] == (r(1, 301), [301])
    # rolling training window over a hole: positions are jumped until the
    # training window reaches the first row after the hole
    times = np.concatenate([np.arange(10.0), 1000.0 + np.arange(10.0)])
    cv = TimeWindowSplit(3, 1, time_column=0)
    got = folds(cv, np.column_stack([times, times]))
    # s = 3..9 then s = 1001..1009 (s = 1000 has no training row)
    expected = [(r(s - 3, s), [s]) for s in range(3, 10)]
    expected += [(r(max(s - 3, 10), s), [s]) for s in range(11, 20)]
    assert got == expected
    assert visited[-1] <= len(got) + 3  # 990 empty positions before


def test_time_window_errors():
    idx = pd.date_range("2024-01-01", periods=12, freq="D")
    X = pd.DataFrame({"a": np.zeros(12)}, index=idx)
    with pytest.raises(
        ValueError, match="train_window='20D' plus gap=None .* longer than the data"
    ):
        list(TimeWindowSplit("20D", "2D").split(X))
    unsorted = X.iloc[[0, 1, 2, 5, 4] + r(6, 12)]
    with pytest.raises(
        ValueError, match=r"sorted in increasing order, but row 4 .* earlier than row 3"
    ):
        list(TimeWindowSplit("2D", "2D").split(unsorted))
    with pytest.raises(ValueError, match="X has no time index"):
        list(TimeWindowSplit("2D", "2D").split(np.zeros((12, 1))))
    with pytest.raises(ValueError, match="time_column='when' is not a column"):
        list(TimeWindowSplit("2D", "2D", time_column="when").split(X))
    with pytest.raises(ValueError, match="test_window='soon' is neither a duration"):
        list(TimeWindowSplit("2D", "soon").split(X))
    with pytest.raises(ValueError, match="train_window must be a positive duration"):
        list(TimeWindowSplit("-2D", "2D").split(X))
    with pytest.raises(ValueError, match="step must be a positive duration"):
        list(TimeWindowSplit("2D", "2D", step="0D").split(X))
    with pytest.raises(ValueError, match="times are numeric, so train_window"):
        list(TimeWindowSplit("2D", 2, time_column=0).split(np.zeros((5, 1))))
    with pytest.raises(ValueError, match="times are datetimes, so test_window"):
        list(TimeWindowSplit("2D", 2).split(X))
    with pytest.raises(ValueError, match="get_n_splits needs X"):
        TimeWindowSplit("2D", "2D").get_n_splits()
    with pytest.raises(ValueError, match="expanding must be a bool"):
        list(TimeWindowSplit("2D", "2D", expanding="yes").split(X))
    with pytest.raises(ValueError, match="must be datetimes or numbers"):
        list(TimeWindowSplit("2D", "2D").split(X.set_index(X.index.astype(str))))
