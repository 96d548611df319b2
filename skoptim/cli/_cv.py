"""Cross-validation schemes by name, their folds, and a readable account of them."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, StratifiedKFold

from skoptim.model_selection import (
    BlockedKFold,
    BlockedTimeSeriesSplit,
    PurgedKFold,
    TimeWindowSplit,
)

from ._errors import UsageError

__all__ = [
    "compute_folds",
    "cv_repr",
    "default_cv",
    "describe_folds",
    "describe_rows",
    "make_cv",
]


def default_cv(task: str | None, time_column: str | None) -> str:
    """``blocked`` with a time column, else ``stratified``/``kfold`` by task."""
    if time_column is not None:
        return "blocked"
    return "stratified" if task == "classification" else "kfold"


def _time_windows(times: pd.Index, n_splits: int):
    """Equal train/test windows so that ``n_splits`` test windows cover the data.

    The first window trains, the next ``n_splits`` test (expanding training
    windows). Windows are half-open, so the length is rounded down to a whole
    day (or second, or the time resolution) and one such tick added, which keeps
    the last time stamp inside the last test window.
    """
    span = times[-1] - times[0]
    n = n_splits + 1
    if not isinstance(span, pd.Timedelta):
        return span / n * (1 + 1e-9)
    share = span / n
    for tick in (pd.Timedelta(days=1), pd.Timedelta(seconds=1)):
        if share >= n * tick:
            break
    else:
        tick = pd.Timedelta(1, unit=getattr(times, "unit", "ns"))
    return share.floor(tick) + tick


def cv_repr(cv) -> str:
    """The splitter's repr on one line."""
    return " ".join(repr(cv).split())


def make_cv(name: str, **kwargs):
    """The splitter for a ``--cv`` name (see :func:`_make_cv`).

    Raises
    ------
    UsageError
        If the scheme does not fit the task, needs a time column, or refuses
        its parameters (e.g. ``--n-splits 1`` for k-fold).
    """
    try:
        return _make_cv(name, **kwargs)
    except ValueError as exc:
        raise UsageError(f"--cv {name}: {' '.join(str(exc).split())}") from exc


def _make_cv(
    name: str,
    *,
    n_splits: int,
    gap: int,
    times: pd.Index | None,
    task: str | None,
    random_state: int,
):
    """The splitter for a ``--cv`` name.

    ``kfold``/``stratified``: scikit-learn's, shuffled with ``random_state``;
    ``blocked``: :class:`~skoptim.model_selection.BlockedTimeSeriesSplit`
    (``gap`` rows between train and test); ``hv-blocked``:
    :class:`~skoptim.model_selection.BlockedKFold` (``gap`` rows removed on
    each side of the test block); ``purged``:
    :class:`~skoptim.model_selection.PurgedKFold` (``horizon=embargo=gap``);
    ``time-window``: :class:`~skoptim.model_selection.TimeWindowSplit` with
    expanding training windows over the time column.

    Raises
    ------
    UsageError
        If the scheme does not fit the task or needs a time column.
    """
    if name == "kfold":
        return KFold(n_splits, shuffle=True, random_state=random_state)
    if name == "stratified":
        if task != "classification":
            raise UsageError(
                "--cv stratified needs a classification target "
                f"(task is {task or 'unknown: no --target'}); use --cv kfold"
            )
        return StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    if name == "blocked":
        return BlockedTimeSeriesSplit(n_splits=n_splits, gap=gap)
    if name == "hv-blocked":
        return BlockedKFold(n_splits=n_splits, gap_before=gap, gap_after=gap)
    if name == "purged":
        return PurgedKFold(n_splits=n_splits, horizon=gap, embargo=gap)
    if name == "time-window":
        if times is None:
            raise UsageError("--cv time-window needs --time-column")
        if gap:
            raise UsageError(
                "--gap is counted in rows and does not apply to --cv time-window"
            )
        window = _time_windows(times, n_splits)
        return TimeWindowSplit(train_window=window, test_window=window, expanding=True)
    raise UsageError(f"unknown CV scheme {name!r}")  # pragma: no cover - argparse


def compute_folds(cv, X: pd.DataFrame, y, times: pd.Index | None):
    """The list of ``(train, test)`` index arrays, computed once for all fits.

    Raises
    ------
    UsageError
        If the data has too few rows for the scheme (the splitter's message).
    """
    split_X = pd.DataFrame(index=times) if isinstance(cv, TimeWindowSplit) else X
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            folds = list(cv.split(split_X, y))
    except ValueError as exc:
        msg = " ".join(str(exc).split())
        raise UsageError(
            f"cannot split {X.shape[0]} rows with {cv_repr(cv)}: {msg}"
        ) from exc
    for w in caught:  # e.g. a class with fewer members than folds
        print(f"warning: {' '.join(str(w.message).split())}", file=sys.stderr)
    if not folds:  # pragma: no cover - the splitters raise instead
        raise UsageError(f"{cv_repr(cv)} produced no folds on {X.shape[0]} rows")
    for k, (train, test) in enumerate(folds, 1):
        if len(train) == 0 or len(test) == 0:
            raise UsageError(
                f"fold {k} of {cv_repr(cv)} has {len(train)} training and {len(test)} "
                f"test rows; the data ({X.shape[0]} rows) is too short"
            )
    return folds


def _stamp(value, dates_only: bool) -> str:
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d") if dates_only else value.isoformat(" ")
    return str(value)


def _runs(indices: np.ndarray) -> list[tuple[int, int]]:
    """Contiguous runs ``(first, last)`` of sorted row numbers."""
    idx = np.sort(np.asarray(indices))
    if idx.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(idx) != 1)
    starts = np.concatenate([[idx[0]], idx[breaks + 1]])
    stops = np.concatenate([idx[breaks], [idx[-1]]])
    return list(zip(starts.tolist(), stops.tolist(), strict=True))


def describe_rows(indices, times: pd.Index | None, max_runs: int = 3) -> str:
    """E.g. ``2024-01-01..2024-02-09 (40 rows)`` or ``rows 0-39 (40 rows)``."""
    runs = _runs(indices)
    dates_only = isinstance(times, pd.DatetimeIndex) and bool(
        (times == times.normalize()).all()
    )
    parts = []
    for a, b in runs[:max_runs]:
        if times is None:
            parts.append(f"rows {a}-{b}" if a != b else f"row {a}")
        else:
            ta, tb = _stamp(times[a], dates_only), _stamp(times[b], dates_only)
            parts.append(f"{ta}..{tb}" if a != b else ta)
    if len(runs) > max_runs:
        parts.append(f"+{len(runs) - max_runs} more ranges")
    return f"{', '.join(parts)} ({len(indices)} rows)"


def describe_folds(folds, times: pd.Index | None) -> list[tuple[str, str]]:
    """Per fold, the training and test rows as time (or row) ranges."""
    return [(describe_rows(tr, times), describe_rows(te, times)) for tr, te in folds]
