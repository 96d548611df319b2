"""Label end times of the purged splitters: horizon, label_end_times, groups.

See :mod:`skoptim.model_selection._split_purged` for where end times come
from and why ``groups`` is the unsafe route.
"""

from __future__ import annotations

import datetime
import numbers
from typing import Any

import numpy as np
import pandas as pd

from ..utils._warnings import warn_user
from ._split import _check_int

_GROUPS_WARNING = (
    "{owner}: label end times passed as `groups` are read as group labels by "
    "other scikit-learn tools in the same call (permutation_test_score then "
    "permutes y only within 'groups' of one sample, i.e. not at all, and reports "
    "p = 1). Pass them as {owner}(label_end_times=t1) (a Series indexed by the "
    "sample times), use a time horizon {owner}(horizon='5D') on a time-indexed "
    "X, or route them as metadata `label_end_times`."
)


def _check_horizon(owner: str, horizon: Any):
    """``('rows', int)`` or ``('time', Timedelta or DateOffset)``; else raise.

    A time horizon of zero length comes back as ``('rows', 0)`` (no purging).
    """
    if isinstance(horizon, numbers.Integral) and not isinstance(horizon, bool):
        _check_int(owner, "horizon", horizon, 0)
        return "rows", int(horizon)
    if isinstance(horizon, pd.offsets.BaseOffset) and not isinstance(
        horizon, pd.offsets.Tick
    ):
        ref = pd.Timestamp("2000-01-01")
        if ref + horizon < ref:
            raise ValueError(
                f"{owner}: horizon must be a non-negative duration, got "
                f"horizon={horizon!r}."
            )
        return ("time", horizon) if ref + horizon > ref else ("rows", 0)
    if isinstance(horizon, pd.offsets.Tick):
        horizon = pd.Timedelta(horizon)
    if isinstance(horizon, str | datetime.timedelta | np.timedelta64):
        try:
            delta = pd.Timedelta(horizon)
        except ValueError as exc:
            raise ValueError(
                f"{owner}: horizon={horizon!r} is not a duration; give an integer "
                "number of rows or a duration such as '5D' or '6h'."
            ) from exc
        if pd.isna(delta) or delta < pd.Timedelta(0):
            raise ValueError(
                f"{owner}: horizon must be a non-negative duration, got "
                f"horizon={horizon!r}."
            )
        return ("time", delta) if delta > pd.Timedelta(0) else ("rows", 0)
    raise ValueError(
        f"{owner}: horizon must be an integer >= 0 (rows), a duration such as "
        "'5D' or a calendar offset such as pd.DateOffset(months=1) (time on X's "
        f"DatetimeIndex), got {horizon!r} of type "
        f"{type(horizon).__name__}."
    )


def _align_end_times(owner: str, name: str, t1: Any, X: Any, n: int):
    """``t1`` (a Series on the sample times, or one entry per row) row by row."""
    if isinstance(t1, pd.DataFrame) or np.ndim(t1) != 1:
        raise ValueError(
            f"{owner}: {name} (the label end time of each sample) must be 1-d; got "
            f"shape {np.shape(t1)}."
        )
    x_index = getattr(X, "index", None)
    if isinstance(t1, pd.Series) and isinstance(x_index, pd.Index):
        if t1.index.equals(x_index):
            return t1
        if len(t1) == n and name == "groups":
            raise ValueError(
                f"{owner}: groups is a pandas Series whose index differs from X's "
                "index; align it with X (e.g. groups=t1.reindex(X.index))."
            )
        if not t1.index.is_unique:
            raise ValueError(
                f"{owner}: {name} is a Series whose index (the sample times) has "
                "duplicates and differs from X's index, so rows cannot be looked "
                "up by time; give it exactly X's index."
            )
        where = t1.index.get_indexer(x_index)
        if (where < 0).any():
            i = int(np.flatnonzero(where < 0)[0])
            raise ValueError(
                f"{owner}: {name} has no entry for row {i} of X (index "
                f"{x_index[i]!r}); it must be indexed by the sample times and "
                "cover every row of X."
            )
        return pd.Series(t1.to_numpy()[where], index=x_index)
    if len(t1) != n:
        hint = (
            " For subsets of rows (nested CV, learning_curve) pass a pandas Series "
            "indexed by the sample times together with a time-indexed pandas X."
            if name != "groups"
            else ""
        )
        raise ValueError(
            f"{owner}: {name} (label end times) has {len(t1)} entries but X has "
            f"n_samples={n}.{hint}"
        )
    return t1


def _label_end_positions(owner: str, X: Any, t1_given: Any, name: str, n: int):
    """Row position of the last sample observed no later than each label end.

    Returns ``end`` with ``end[i] >= i``: the label of sample ``i`` overlaps
    sample ``j``'s observation time iff ``i <= j <= end[i]`` (for ``j >= i``).
    """
    t1_given = _align_end_times(owner, name, t1_given, X, n)
    t1 = pd.Index(t1_given)
    if t1.hasnans:
        raise ValueError(f"{owner}: {name} (label end times) contains missing values.")
    x_index = getattr(X, "index", None)
    if isinstance(x_index, pd.Index):
        t0 = x_index
        where = "X's index"
    else:
        t0 = pd.RangeIndex(n)
        where = "the row position (X has no index)"
    if not t0.is_monotonic_increasing:
        bad = int(np.flatnonzero(np.asarray(t0[1:]) < np.asarray(t0[:-1]))[0]) + 1
        raise ValueError(
            f"{owner}: X's index must be sorted in increasing time order, but row "
            f"{bad} ({t0[bad]!r}) is earlier than row {bad - 1} ({t0[bad - 1]!r})."
        )
    try:
        before = np.asarray(t1 < t0)
        end = t0.searchsorted(t1, side="right") - 1
    except TypeError as exc:
        raise ValueError(
            f"{owner}: label end times in {name} (dtype {t1.dtype}) cannot be "
            f"compared with sample times taken from {where} (dtype {t0.dtype})."
        ) from exc
    if before.any():
        i = int(np.flatnonzero(before)[0])
        raise ValueError(
            f"{owner}: the label of sample {i} ends ({t1[i]!r}) before the sample "
            f"is observed ({t0[i]!r}, from {where}); label ends in {name} must be "
            ">= the sample times."
        )
    return np.asarray(end, dtype=np.intp)


def _label_ends(cv: Any, X: Any, groups: Any, routed: Any, n: int) -> np.ndarray:
    """End positions from the one source of label end times (see module doc)."""
    owner = type(cv).__name__
    kind, horizon = _check_horizon(owner, cv.horizon)
    sources = {
        f"horizon={cv.horizon!r}": kind == "time" or horizon != 0,
        "label_end_times (constructor)": cv.label_end_times is not None,
        "label_end_times (split argument / metadata)": routed is not None,
        "groups": groups is not None,
    }
    given = [k for k, v in sources.items() if v]
    if len(given) > 1:
        raise ValueError(
            f"{owner}: pass label end times through one source only, not both "
            f"{given[0]} and {given[1]}."
        )
    if groups is not None:
        warn_user(_GROUPS_WARNING.format(owner=owner), UserWarning)
        return _label_end_positions(owner, X, groups, "groups", n)
    if cv.label_end_times is not None:
        return _label_end_positions(owner, X, cv.label_end_times, "label_end_times", n)
    if routed is not None:
        return _label_end_positions(owner, X, routed, "label_end_times", n)
    if kind == "rows":
        return np.minimum(np.arange(n) + horizon, n - 1)
    x_index = getattr(X, "index", None)
    if not isinstance(x_index, pd.DatetimeIndex):
        raise ValueError(
            f"{owner}: horizon={cv.horizon!r} is a duration, so X must be a pandas "
            "object with a DatetimeIndex (the sample times); got "
            f"{type(X).__name__}"
            + ("" if x_index is None else f" with a {type(x_index).__name__}")
            + ". Use an integer horizon (rows) for plain arrays."
        )
    return _label_end_positions(
        owner, X, pd.Series(x_index + horizon, index=x_index), "horizon", n
    )
