"""Property-based tests (hypothesis) of the time-series splitters' invariants.

Each property is checked against an independent, deliberately naive reference
(explicit loops over label intervals and time stamps) rather than the
vectorised implementation.
"""

import math

import numpy as np
import pandas as pd
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from skoptim.model_selection import (
    BlockedKFold,
    BlockedTimeSeriesSplit,
    CombinatorialPurgedKFold,
    GroupTimeSeriesSplit,
    PurgedKFold,
    TimeWindowSplit,
)

SETTINGS = settings(max_examples=100, deadline=None)


def collect(cv, X, groups=None):
    return [(np.asarray(tr), np.asarray(te)) for tr, te in cv.split(X, groups=groups)]


def check_common(cv, X, groups, n):
    """Invariants every splitter must satisfy; returns the folds."""
    got = collect(cv, X, groups)
    again = collect(cv, X, groups)
    assert len(got) == len(again)
    for (tr, te), (tr2, te2) in zip(got, again, strict=True):  # deterministic
        np.testing.assert_array_equal(tr, tr2)
        np.testing.assert_array_equal(te, te2)
    assert cv.get_n_splits(X, None, groups) == len(got)
    for tr, te in got:
        assert tr.size > 0 and te.size > 0
        assert np.intersect1d(tr, te).size == 0
        for part in (tr, te):
            assert part.dtype.kind == "i"
            assert np.all(np.diff(part) > 0)  # sorted, unique
            assert part.min() >= 0 and part.max() < n
    return got


def block_sizes_ok(sizes, n, k):
    return sum(sizes) == n and max(sizes) - min(sizes) <= 1 and len(sizes) == k


# ---------------------------------------------------------------------------
# BlockedTimeSeriesSplit
# ---------------------------------------------------------------------------


@SETTINGS
@given(
    n=st.integers(2, 300),
    k=st.integers(1, 10),
    train_size=st.one_of(st.floats(0.2, 0.9), st.integers(1, 12)),
    gap=st.integers(0, 6),
)
def test_blocked_ts_properties(n, k, train_size, gap):
    cv = BlockedTimeSeriesSplit(k, train_size=train_size, gap=gap)
    X = np.zeros((n, 1))
    try:
        got = check_common(cv, X, None, n)
    except ValueError as exc:
        event("refused")
        # refused only when some block cannot hold train + gap + test
        sizes = [n // k + (i < n % k) for i in range(k)] if k <= n else []
        if not sizes:
            assert "greater than the number of samples" in str(exc)
            return
        n_trains = [
            train_size
            if isinstance(train_size, int)
            else math.floor(round(train_size * b, 9))
            for b in sizes
        ]
        assert any(
            t < 1 or b - t - gap < 1 for t, b in zip(n_trains, sizes, strict=True)
        )
        assert f"gap={gap}" in str(exc)
        return
    assert len(got) == k
    blocks = []
    for tr, te in got:
        # contiguous train, then exactly `gap` rows, then contiguous test
        assert np.all(np.diff(tr) == 1) and np.all(np.diff(te) == 1)
        assert te.min() - tr.max() == gap + 1
        blocks.append((tr.min(), te.max() + 1))
    # blocks are consecutive, non-overlapping and cover every row
    assert blocks[0][0] == 0 and blocks[-1][1] == n
    for (_, stop), (start, _) in zip(blocks, blocks[1:], strict=False):
        assert stop == start
    sizes = [b - a for a, b in blocks]
    assert block_sizes_ok(sizes, n, k)
    # the n % k remainder rows go one each to the first blocks
    assert sizes == [n // k + (i < n % k) for i in range(k)]
    for (tr, _), size in zip(got, sizes, strict=True):
        if isinstance(train_size, int):
            assert len(tr) == train_size
        else:
            assert len(tr) == math.floor(round(train_size * size, 9))


# ---------------------------------------------------------------------------
# BlockedKFold
# ---------------------------------------------------------------------------


@SETTINGS
@given(
    n=st.integers(2, 300),
    k=st.integers(2, 12),
    gap_before=st.integers(0, 15),
    gap_after=st.integers(0, 15),
)
def test_blocked_kfold_properties(n, k, gap_before, gap_after):
    assume(k <= n)
    cv = BlockedKFold(k, gap_before=gap_before, gap_after=gap_after)
    X = np.zeros((n, 2))
    try:
        got = check_common(cv, X, None, n)
    except ValueError as exc:
        event("refused")
        assert "no training rows left" in str(exc)
        assert f"gap_before={gap_before}" in str(exc)
        return
    tests = np.concatenate([te for _, te in got])
    np.testing.assert_array_equal(tests, np.arange(n))  # each row tested once
    assert block_sizes_ok([te.size for _, te in got], n, k)
    for tr, te in got:
        s, e = te.min(), te.max()
        expected = [j for j in range(n) if j < s - gap_before or j > e + gap_after]
        np.testing.assert_array_equal(tr, expected)


# ---------------------------------------------------------------------------
# PurgedKFold / CombinatorialPurgedKFold: purging against a naive reference
# ---------------------------------------------------------------------------


def naive_purged_train(t0, t1, test, embargo):
    """Reference: loop over samples and compare label intervals in time units.

    ``t0`` are the (sorted) sample times, ``t1`` the label ends. The test set is
    split into maximal runs of consecutive rows; each run's test period is
    [t0 of its first row, latest t1 in the run]. Training sample j is kept iff
    it is not tested, its interval [t0[j], t1[j]] misses every test period, and
    it is not among the first `embargo` rows observed after a test period.
    """
    n = len(t0)
    test = sorted(test)
    runs, current = [], [test[0]]
    for i in test[1:]:
        if i == current[-1] + 1:
            current.append(i)
        else:
            runs.append(current)
            current = [i]
    runs.append(current)
    keep = []
    for j in range(n):
        if j in test:
            continue
        ok = True
        for run in runs:
            start, end = t0[run[0]], max(t1[i] for i in run)
            if t0[j] <= end and t1[j] >= start:
                ok = False  # purged: label intervals overlap
            after = [m for m in range(n) if t0[m] > end][:embargo]
            if j in after:
                ok = False  # embargoed
        if ok:
            keep.append(j)
    return keep


label_ends = st.integers(2, 60).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(st.integers(0, 8), min_size=n, max_size=n),  # label lengths
    )
)


@SETTINGS
@given(data=label_ends, k=st.integers(2, 6), embargo=st.integers(0, 5))
def test_purged_kfold_matches_naive_reference_positions(data, k, embargo):
    n, lengths = data
    assume(k <= n)
    ends = np.arange(n) + np.asarray(lengths)  # may run past the data
    cv = PurgedKFold(k, embargo=embargo, label_end_times=ends)
    try:
        got = check_common(cv, np.zeros(n), None, n)
    except ValueError as exc:
        event("refused")
        assert "no training rows left" in str(exc)
        return
    tests = np.concatenate([te for _, te in got])
    np.testing.assert_array_equal(tests, np.arange(n))  # each row tested once
    for tr, te in got:
        expected = naive_purged_train(list(range(n)), list(ends), list(te), embargo)
        np.testing.assert_array_equal(tr, expected)


@SETTINGS
@given(
    data=label_ends,
    gaps=st.lists(st.integers(0, 3), min_size=60, max_size=60),
    k=st.integers(2, 5),
    embargo=st.integers(0, 4),
)
def test_purged_kfold_matches_naive_reference_times(data, gaps, k, embargo):
    """Irregular time index with ties; label ends in hours, off the sample grid."""
    n, lengths = data
    assume(k <= n)
    hours = np.cumsum(gaps[:n])  # non-decreasing, may repeat
    idx = pd.Timestamp("2024-01-01") + pd.to_timedelta(hours, unit="h")
    X = pd.DataFrame({"a": np.zeros(n)}, index=idx)
    t1 = idx + pd.to_timedelta(np.asarray(lengths) * 1.5, unit="h")
    cv = PurgedKFold(k, embargo=embargo, label_end_times=t1)
    try:
        got = check_common(cv, X, None, n)
    except ValueError as exc:
        event("refused")
        assert "no training rows left" in str(exc)
        return
    for tr, te in got:
        expected = naive_purged_train(list(idx), list(t1), list(te), embargo)
        np.testing.assert_array_equal(tr, expected)


@SETTINGS
@given(
    n=st.integers(2, 200),
    k=st.integers(2, 8),
    horizon=st.integers(0, 6),
    embargo=st.integers(0, 6),
)
def test_purged_kfold_horizon_removes_exactly_h_before_and_h_plus_embargo_after(
    n, k, horizon, embargo
):
    assume(k <= n)
    cv = PurgedKFold(k, embargo=embargo, horizon=horizon)
    try:
        got = check_common(cv, np.zeros(n), None, n)
    except ValueError as exc:
        event("refused")
        assert f"horizon={horizon}" in str(exc) and f"embargo={embargo}" in str(exc)
        return
    for tr, te in got:
        s, e = te.min(), te.max()
        removed = set(range(n)) - set(tr) - set(te)
        purged_before = set(range(max(s - horizon, 0), s))
        after = set(range(e + 1, min(e + 1 + horizon + embargo, n)))
        assert removed == purged_before | after
    # the embargo removes exactly the `embargo` rows after the purged zone
    if embargo:
        plain = collect(PurgedKFold(k, horizon=horizon), np.zeros(n))
        for (tr, te), (tr0, _) in zip(got, plain, strict=True):
            extra = sorted(set(tr0) - set(tr))
            zone = te.max() + horizon
            assert extra == list(range(zone + 1, min(zone + 1 + embargo, n)))


@SETTINGS
@given(
    data=label_ends,
    n_test=st.integers(1, 4),
    extra=st.integers(1, 3),
    embargo=st.integers(0, 3),
)
def test_cpcv_properties(data, n_test, extra, embargo):
    n, lengths = data
    n_splits = n_test + extra
    assume(n_splits <= n)
    ends = np.arange(n) + np.asarray(lengths)
    cv = CombinatorialPurgedKFold(
        n_splits, n_test, embargo=embargo, label_end_times=ends
    )
    try:
        got = check_common(cv, np.zeros(n), None, n)
    except ValueError as exc:
        event("refused")
        assert "no training rows left" in str(exc)
        return
    assert len(got) == math.comb(n_splits, n_test)
    for tr, te in got:
        expected = naive_purged_train(list(range(n)), list(ends), list(te), embargo)
        np.testing.assert_array_equal(tr, expected)
    # every row is tested in C(N-1, k-1) splits = number of paths
    counts = np.bincount(np.concatenate([te for _, te in got]), minlength=n)
    assert np.all(counts == cv.get_n_paths())
    assert cv.get_n_paths() * n_splits == len(got) * n_test
    # each backtest path covers every row once with pieces of the right splits
    for path in cv.get_path_test_indices(np.zeros(n)):
        rows = np.concatenate([rows for _, rows in path])
        np.testing.assert_array_equal(rows, np.arange(n))
        for s, piece in path:
            assert np.isin(piece, got[s][1]).all()
    # a path uses each split at most once per group, and the paths differ
    paths = cv.get_backtest_paths()
    for g in range(n_splits):
        assert len(set(paths[:, g])) == paths.shape[0]


# ---------------------------------------------------------------------------
# GroupTimeSeriesSplit
# ---------------------------------------------------------------------------


@SETTINGS
@given(
    run_lengths=st.lists(st.integers(1, 6), min_size=6, max_size=40),
    k=st.integers(2, 5),
    gap=st.integers(0, 3),
    max_train=st.one_of(st.none(), st.integers(1, 8)),
    test_size=st.one_of(st.none(), st.integers(1, 5)),
)
def test_group_ts_properties(run_lengths, k, gap, max_train, test_size):
    groups = np.repeat(np.arange(len(run_lengths)) * 10, run_lengths)
    n, n_groups = len(groups), len(run_lengths)
    cv = GroupTimeSeriesSplit(k, gap=gap, max_train_size=max_train, test_size=test_size)
    X = np.zeros((n, 1))
    try:
        got = check_common(cv, X, groups, n)
    except ValueError as exc:
        event("refused")
        ts = test_size if test_size is not None else n_groups // (k + 1)
        assert k + 1 > n_groups or n_groups - gap - ts * k <= 0, str(exc)
        return
    position = {g: i for i, g in enumerate(np.unique(groups))}
    pos = np.array([position[g] for g in groups])
    last_test = []
    for tr, te in got:
        # no group is split between train and test, or cut short
        for part in (tr, te):
            for g in np.unique(groups[part]):
                assert np.isin(np.flatnonzero(groups == g), part).all()
        # forward: every training group precedes every test group by > gap groups
        assert pos[tr].max() + gap < pos[te].min()
        assert pos[te].min() - pos[tr].max() == gap + 1
        if max_train is not None:
            assert len(np.unique(groups[tr])) <= max_train
        last_test.append(pos[te].max())
    assert last_test[-1] == n_groups - 1
    assert all(np.diff(last_test) > 0)


# ---------------------------------------------------------------------------
# TimeWindowSplit
# ---------------------------------------------------------------------------


@SETTINGS
@given(
    steps=st.lists(st.integers(0, 4), min_size=10, max_size=150),
    train_w=st.integers(1, 40),
    test_w=st.integers(1, 20),
    step=st.one_of(st.none(), st.integers(1, 20)),
    gap=st.one_of(st.none(), st.integers(0, 10)),
    expanding=st.booleans(),
)
def test_time_window_matches_naive_reference(
    steps, train_w, test_w, step, gap, expanding
):
    days = np.cumsum(steps)
    idx = pd.Timestamp("2020-02-01") + pd.to_timedelta(days, unit="D")
    X = pd.DataFrame({"a": np.zeros(len(days))}, index=idx)
    to_td = lambda v: None if v is None else f"{v}D"  # noqa: E731
    cv = TimeWindowSplit(
        f"{train_w}D",
        f"{test_w}D",
        step=to_td(step),
        gap=to_td(gap),
        expanding=expanding,
    )
    g = gap or 0
    st_ = step or test_w
    # naive reference on integer day numbers
    expected, s = [], days[0] + train_w + g
    while s <= days[-1]:
        lo = days[0] if expanding else s - g - train_w
        train = [i for i, d in enumerate(days) if lo <= d < s - g]
        test = [i for i, d in enumerate(days) if s <= d < s + test_w]
        if train and test:
            expected.append((train, test))
        s += st_
    if days[0] + train_w + g > days[-1]:
        try:
            list(cv.split(X))
        except ValueError as exc:
            event("refused")
            assert "longer than the data" in str(exc)
            return
        raise AssertionError("expected a ValueError")
    if not expected:
        try:
            list(cv.split(X))
        except ValueError as exc:
            event("refused")
            assert "no window position has rows" in str(exc)
            return
        raise AssertionError("expected a ValueError")
    got = check_common(cv, X, None, len(days))
    assert [(list(a), list(b)) for a, b in got] == expected
    for tr, te in got:
        # forward in time, with at least `gap` between train and test times
        assert days[tr].max() + g < days[te].min()
        # windows hold what they promise
        assert days[te].max() - days[te].min() < test_w
        if not expanding:
            assert days[tr].max() - days[tr].min() < train_w
    # the same data as numeric times in a column gives the same folds
    arr = np.column_stack([days.astype(float), np.zeros(len(days))])
    numeric = TimeWindowSplit(
        train_w, test_w, step=step, gap=gap, expanding=expanding, time_column=0
    )
    assert [(list(a), list(b)) for a, b in numeric.split(arr)] == expected


@SETTINGS
@given(
    gaps=st.lists(st.integers(0, 30), min_size=5, max_size=40),
    train_w=st.integers(1, 20),
    test_w=st.integers(1, 10),
    step=st.integers(1, 6),
    gap=st.integers(0, 5),
    expanding=st.booleans(),
)
def test_time_window_jumps_match_position_by_position_reference(
    gaps, train_w, test_w, step, gap, expanding
):
    """Numeric times with long holes: jumping gives every non-empty position."""
    times = np.cumsum(gaps).astype(float)
    X = np.column_stack([times, np.zeros(len(times))])
    cv = TimeWindowSplit(
        train_w, test_w, step=step, gap=gap, expanding=expanding, time_column=0
    )
    expected, k = [], 0
    s0 = times[0] + train_w + gap
    while s0 + k * step <= times[-1]:
        s = s0 + k * step
        lo = times[0] if expanding else s - gap - train_w
        train = [i for i, t in enumerate(times) if lo <= t < s - gap]
        test = [i for i, t in enumerate(times) if s <= t < s + test_w]
        if train and test:
            expected.append((train, test))
        k += 1
    try:
        got = [(list(a), list(b)) for a, b in cv.split(X)]
    except ValueError as exc:
        event("refused")
        assert not expected, str(exc)
        return
    assert got == expected
