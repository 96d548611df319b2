"""Calendar-window splitter for irregularly sampled time series."""

from __future__ import annotations

import datetime
import numbers
from typing import Any

import numpy as np
import pandas as pd

from ._split import _TimeSeriesCV

__all__ = ["TimeWindowSplit"]


def _is_numeric_times(times: pd.Index) -> bool:
    return pd.api.types.is_numeric_dtype(
        times.dtype
    ) and not pd.api.types.is_bool_dtype(times.dtype)


def _parse_window_string(owner: str, name: str, value: str):
    """Parse '365D', '4W', '12h' as fixed durations and 'MS', '3MS', 'YS' as
    calendar offsets.

    Offset aliases are tried first, because :class:`pandas.Timedelta` would
    read '3MS' as three milliseconds. Fixed-length aliases (days, weeks, hours
    and smaller) become a :class:`pandas.Timedelta`: '4W' is 28 days, not "four
    weeks to the next Sunday" as the anchored ``Week`` offset would be.
    """
    try:
        offset = pd.tseries.frequencies.to_offset(value)
    except ValueError:
        offset = None
    if offset is None:
        try:
            return pd.Timedelta(value)  # e.g. "1 days 2 hours"
        except ValueError as exc:
            raise ValueError(
                f"{owner}: {name}={value!r} is neither a duration ('365D', '4W', "
                "'12h', '1 days 2 hours') nor a pandas offset alias ('MS', 'YS')."
            ) from exc
    if isinstance(offset, pd.offsets.Tick):
        return pd.Timedelta(offset)
    if isinstance(offset, pd.offsets.Day):
        return pd.Timedelta(days=offset.n)
    if isinstance(offset, pd.offsets.Week):
        return pd.Timedelta(weeks=offset.n)
    return offset


def _as_window(owner: str, name: str, value: Any, numeric: bool, allow_zero: bool):
    """Convert a window length to a number (numeric times) or a pandas offset."""
    if numeric:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise ValueError(
                f"{owner}: the times are numeric, so {name} must be a number; got "
                f"{name}={value!r}."
            )
        ok = value >= 0 if allow_zero else value > 0
        if not ok:
            raise ValueError(
                f"{owner}: {name} must be {'>= 0' if allow_zero else '> 0'}, got "
                f"{name}={value!r}."
            )
        return value
    if isinstance(value, pd.offsets.Tick):  # fixed length: exact arithmetic
        window = pd.Timedelta(value)
    elif isinstance(value, pd.offsets.Day):
        window = pd.Timedelta(days=value.n)
    elif isinstance(value, pd.offsets.BaseOffset):
        window = value
    elif isinstance(value, str):
        window = _parse_window_string(owner, name, value)
    elif isinstance(value, datetime.timedelta | np.timedelta64):
        window = pd.Timedelta(value)
    else:
        raise ValueError(
            f"{owner}: the times are datetimes, so {name} must be a timedelta, a "
            f"pandas offset or a string such as '30D'; got {name}={value!r}."
        )
    ref = pd.Timestamp("2000-01-01")
    shifted = ref + window
    if shifted < ref or (shifted == ref and not allow_zero):
        raise ValueError(
            f"{owner}: {name} must be a {'non-negative' if allow_zero else 'positive'}"
            f" duration, got {name}={value!r}."
        )
    return window


def _window_folds(times, first, last, start0, train_w, test_w, step, gap, expanding):
    """Folds at positions ``s_k = start0 + k * step`` with rows on both sides.

    Returns ``(folds, n_visited)``. For a fixed-length step (a duration or a
    number) positions whose test or training window is empty are jumped over
    arithmetically, to the first position whose window can reach the next
    row, so the work grows with the number of folds (at most about two
    positions visited per fold or hole), not with ``span / step``. A calendar
    offset step ("MS", business days) is iterated position by position;
    such offsets are at least an hour long.
    """
    n = len(times)
    arithmetic = not isinstance(step, pd.offsets.BaseOffset)
    exact = not _is_numeric_times(times)  # Timedelta arithmetic is exact
    folds = []
    n_visited = 0
    k, s = 0, start0
    while s <= last:
        n_visited += 1
        train_end = s - gap
        train_start = first if expanding else train_end - train_w
        lo, hi = times.searchsorted([train_start, train_end], side="left")
        t_lo, t_hi = times.searchsorted([s, s + test_w], side="left")
        if hi > lo and t_hi > t_lo:
            folds.append((np.arange(lo, hi), np.arange(t_lo, t_hi)))
        if not arithmetic:
            nxt = s + step
            if not nxt > s:  # pragma: no cover - guarded by _as_window
                raise ValueError(f"step={step!r} does not advance time.")
            s = nxt
            continue
        k_next = k + 1
        if t_hi == t_lo:  # empty test window
            if t_lo == n:  # no row at or after s: no later window has one
                break
            # first k with s_k + test_w > t_next (the next row's time)
            j = (times[t_lo] - test_w - start0) // step
            k_next = max(k_next, int(j) + (1 if exact else 0))
        if hi == lo:  # empty training window (rolling): wait for the next row
            # first k with s_k - gap > t_r (the next row after train_start)
            j = (times[lo] + gap - start0) // step
            k_next = max(k_next, int(j) + (1 if exact else 0))
        k = k_next
        s = start0 + k * step
    return folds, n_visited


class TimeWindowSplit(_TimeSeriesCV):
    """Rolling or expanding train/test windows measured in time, not rows.

    For irregularly sampled series (missing days, bursts of events) a fixed
    number of rows does not correspond to a fixed span of time. This splitter
    takes the sample times from a sorted pandas ``DatetimeIndex`` of ``X`` (or a
    time column) and assigns rows to windows by their time stamp. With ``t0``
    the first time stamp, fold ``k`` tests the rows with times in
    ``[s_k, s_k + test_window)``, where ``s_k = t0 + train_window + gap + k *
    step``, and trains on the rows with times in ``[s_k - gap - train_window,
    s_k - gap)`` (rolling), or ``[t0, s_k - gap)`` when ``expanding=True``.
    Folds are generated while ``s_k`` is not later than the last time stamp, so
    the last test window may be cut short by the end of the data; a window
    position whose training or test window holds no rows (a hole in the data)
    is skipped, and ``get_n_splits(X)`` counts only the folds produced. With a
    fixed-length step (a duration or a number) empty positions are jumped over
    arithmetically rather than visited one by one, so a test window much
    shorter than the sampling interval (``test_window="1min"`` on daily rows)
    costs time in proportion to the folds, not to ``span / step``.

    Numeric times (e.g. seconds or fractional years in a column) work the same
    way with numeric window lengths.

    Parameters
    ----------
    train_window : str, timedelta, pandas offset or float
        Length of the training window: a duration ("365D", "4W" = 28 days,
        "12h", ``pd.Timedelta(days=7)``), a calendar offset alias or object
        ("MS" = to the next month start, "3MS", "YS",
        ``pd.offsets.MonthBegin(3)``), or a number for numeric times. With
        ``expanding=True`` it is the length of the first training window.
    test_window : str, timedelta, pandas offset or float
        Length of each test window.
    step : str, timedelta, pandas offset or float, default=None
        Shift between successive test windows; defaults to ``test_window``
        (adjacent, non-overlapping test windows).
    gap : str, timedelta, pandas offset or float, default=None
        Time left out between the end of the training window and the start of
        the test window; defaults to no gap.
    expanding : bool, default=False
        If True, every training window starts at the first time stamp.
    time_column : str or int, default=None
        Column of ``X`` holding the sample times. If None, the times are
        ``X.index`` (``X`` must then be a pandas object with a time index). The
        column stays in ``X``; drop it before the estimator, e.g. with a
        :class:`~sklearn.compose.ColumnTransformer`.

    References
    ----------
    .. [1] L. J. Tashman, "Out-of-sample tests of forecasting accuracy: an
       analysis and review", International Journal of Forecasting 16 (2000)
       (rolling-origin evaluation).

    Examples
    --------
    >>> import pandas as pd
    >>> from skoptim.model_selection import TimeWindowSplit
    >>> days = pd.to_datetime(["2024-01-01", "2024-01-02", "2024-01-04",
    ...                        "2024-01-05", "2024-01-06", "2024-01-09",
    ...                        "2024-01-10", "2024-01-13"])
    >>> X = pd.DataFrame({"x": range(8)}, index=days)
    >>> cv = TimeWindowSplit(train_window="4D", test_window="3D")
    >>> for train, test in cv.split(X):
    ...     print(train, test)
    [0 1 2] [3 4]
    [2 3 4] [5 6]
    [5 6] [7]
    """

    def __init__(
        self,
        train_window: Any,
        test_window: Any,
        step: Any = None,
        gap: Any = None,
        expanding: bool = False,
        time_column: str | int | None = None,
    ):
        self.train_window = train_window
        self.test_window = test_window
        self.step = step
        self.gap = gap
        self.expanding = expanding
        self.time_column = time_column

    def _times(self, X) -> pd.Index:
        owner = type(self).__name__
        if self.time_column is not None:
            if isinstance(X, pd.DataFrame):
                if self.time_column not in X.columns:
                    raise ValueError(
                        f"{owner}: time_column={self.time_column!r} is not a column "
                        f"of X (columns: {list(X.columns)})."
                    )
                return pd.Index(X[self.time_column])
            arr = np.asarray(X)
            if arr.ndim != 2 or not isinstance(self.time_column, numbers.Integral):
                raise ValueError(
                    f"{owner}: time_column={self.time_column!r} needs a pandas "
                    "DataFrame, or an integer column number for a 2-d array."
                )
            return pd.Index(arr[:, self.time_column])
        index = getattr(X, "index", None)
        if not isinstance(index, pd.Index):
            raise ValueError(
                f"{owner}: X has no time index; pass a pandas DataFrame/Series "
                "indexed by time (DatetimeIndex) or set time_column."
            )
        return index

    def _folds(self, X):
        owner = type(self).__name__
        times = self._times(X)
        if isinstance(times, pd.PeriodIndex):
            times = times.to_timestamp()
        n = len(times)
        if n == 0:
            raise ValueError(f"{owner}: cannot split an empty X (n_samples=0).")
        if times.hasnans:
            raise ValueError(f"{owner}: the sample times contain missing values.")
        numeric = _is_numeric_times(times)
        if not numeric and not pd.api.types.is_datetime64_any_dtype(times.dtype):
            raise ValueError(
                f"{owner}: the sample times must be datetimes or numbers, got "
                f"dtype {times.dtype}."
            )
        if not isinstance(self.expanding, bool | np.bool_):
            raise ValueError(
                f"{owner}: expanding must be a bool, got {self.expanding!r}."
            )
        train_w = _as_window(owner, "train_window", self.train_window, numeric, False)
        test_w = _as_window(owner, "test_window", self.test_window, numeric, False)
        step = (
            test_w
            if self.step is None
            else _as_window(owner, "step", self.step, numeric, False)
        )
        zero = 0 if numeric else pd.Timedelta(0)
        gap = (
            zero
            if self.gap is None
            else _as_window(owner, "gap", self.gap, numeric, True)
        )
        values = times.to_numpy()
        if not times.is_monotonic_increasing:
            bad = int(np.flatnonzero(values[1:] < values[:-1])[0]) + 1
            raise ValueError(
                f"{owner}: the sample times must be sorted in increasing order, but "
                f"row {bad} ({times[bad]}) is earlier than row {bad - 1} "
                f"({times[bad - 1]})."
            )
        first, last = times[0], times[-1]
        start = first + train_w + gap
        if start > last:
            raise ValueError(
                f"{owner}: train_window={self.train_window!r} plus gap={self.gap!r} "
                f"(first test window would start at {start}) is longer than the "
                f"data, which spans {first} to {last} ({last - first})."
            )
        folds, _ = _window_folds(
            times, first, last, start, train_w, test_w, step, gap, self.expanding
        )
        if not folds:
            raise ValueError(
                f"{owner}: no window position has rows in both its training and "
                f"test window (data spans {first} to {last})."
            )
        return folds

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Return the number of folds ``split(X)`` yields.

        Parameters
        ----------
        X : DataFrame or Series of shape (n_samples, ...)
            Data with a time index (or ``time_column``); required, since the
            number of folds depends on the time span.
        y, groups : object
            Ignored, exist for compatibility.

        Returns
        -------
        n_splits : int
            Number of folds.

        Raises
        ------
        ValueError
            If ``X`` is None, or in the cases listed under :meth:`split`.
        """
        if X is None:
            raise ValueError(
                f"{type(self).__name__}: get_n_splits needs X, since the number of "
                "folds depends on the sample times."
            )
        return len(self._folds(X))

    def _iter_splits(self, X, y, groups, n_samples):
        yield from self._folds(X)
