"""Columns that must not become one-hot features: dates and IDs.

One-hot encoding a column of dates or an ID (a distinct string in every row)
gives one column per row: the model can only memorize the training rows, and
every test row is an unseen category. Such columns are dropped from the
features with a warning; a date column is what ``--time-column`` is for.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import pandas as pd

__all__ = ["parse_dates", "Screened", "screen_features"]

#: Values tried before a whole column is parsed (format inference is per value
#: on failure, so non-dates are rejected on a few values).
_PROBE = 20

_DIGIT = re.compile(r"\d")


def _to_datetime(values: pd.Series, dayfirst: bool) -> pd.Series:
    with warnings.catch_warnings():  # "could not infer format", deprecations
        warnings.simplefilter("ignore")
        return pd.to_datetime(values, errors="coerce", dayfirst=dayfirst)


def parse_dates(col: pd.Series) -> pd.Series | None:
    """The column as datetimes, or None if some value is not a date.

    Datetime columns are returned as they are. Strings parse if every
    non-missing value has a digit (``"Jan"`` is a category, not a date) and
    all of them follow one format, month first or else day first. Numbers are
    not dates here (``--time-column`` accepts them as times).
    """
    if pd.api.types.is_datetime64_any_dtype(col):
        return col
    if not (pd.api.types.is_object_dtype(col) or pd.api.types.is_string_dtype(col)):
        return None
    values = col.dropna()
    if values.empty or not all(isinstance(v, str) for v in values.iloc[:_PROBE]):
        return None
    unique = pd.Series(values.unique())
    if not all(isinstance(v, str) and _DIGIT.search(v) for v in unique):
        return None
    for dayfirst in (False, True):
        if _to_datetime(unique.iloc[:_PROBE], dayfirst).isna().any():
            continue
        if _to_datetime(unique, dayfirst).notna().all():
            return _to_datetime(col, dayfirst)
    return None


def _is_id(col: pd.Series) -> bool:
    """A non-numeric column with a distinct value in every (non-missing) row."""
    if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_bool_dtype(col):
        return False
    values = col.dropna()
    return len(values) >= 2 and values.nunique() == len(values)


@dataclass
class Screened:
    """The features kept, and what was dropped and why."""

    X: pd.DataFrame
    #: date-like column -> whether the file's rows are in its order
    dates: dict[str, bool] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _names(cols) -> str:
    """``column 'a' holds`` or ``columns 'a', 'b' hold`` (with the verb's -s)."""
    return ("column " if len(cols) == 1 else "columns ") + ", ".join(
        repr(c) for c in cols
    )


def _s(cols) -> str:
    return "s" if len(cols) == 1 else ""


def screen_features(X: pd.DataFrame) -> Screened:
    """Drop date-like and ID-like columns from the features, saying why.

    Returns
    -------
    screened : Screened
        ``X`` without those columns (the input frame is not modified), the
        dropped names, header notes and one-line warnings for stderr.
    """
    dates: dict[str, bool] = {}
    for name in X.columns:
        parsed = parse_dates(X[name])
        if parsed is not None:
            dates[name] = bool(parsed.dropna().is_monotonic_increasing)
    ids = [c for c in X.columns if c not in dates and _is_id(X[c])]
    out = Screened(X.drop(columns=[*dates, *ids]), dates=dates, ids=ids)
    if dates:
        first = next(iter(dates))
        out.warnings.append(
            f"{_names(dates)} hold{_s(dates)} dates; dropped from the features "
            "(one-hot encoded dates only memorize rows); "
            f"--time-column {first} sorts the rows by one"
        )
        out.notes.append(
            f"dropped date-like column(s) [{', '.join(dates)}]: dates are not "
            f"features; --time-column {first} sorts the rows by one"
        )
    if ids:
        out.warnings.append(
            f"{_names(ids)} ha{'s' if len(ids) == 1 else 've'} a distinct value "
            "in every row (an ID?); "
            "dropped from the features (one-hot encoded IDs only memorize rows)"
        )
        out.notes.append(
            f"dropped ID-like column(s) [{', '.join(ids)}]: "
            "a distinct string in every row"
        )
    return out
