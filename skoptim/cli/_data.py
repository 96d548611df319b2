"""Read the user's table (or a bundled dataset) and split it into X, y and times."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from sklearn.utils.multiclass import type_of_target

from ._columns import parse_dates, screen_features
from ._errors import UsageError
from ._names import DATASETS

__all__ = ["Data", "load_frame", "prepare", "infer_task", "MAX_CLASSES_AUTO"]

#: ``--task auto``: an integer-valued target with at most this many distinct
#: values is a classification target.
MAX_CLASSES_AUTO = 20


@dataclass
class Data:
    """The prepared data: features, target, times and how they were obtained."""

    X: pd.DataFrame
    y: pd.Series | None
    source: str
    target: str | None = None
    task: str | None = None
    task_reason: str = ""
    times: pd.Index | None = None
    time_column: str | None = None
    notes: list[str] = field(default_factory=list)
    #: one-line warnings for stderr, printed once every check has passed
    warnings: list[str] = field(default_factory=list)
    #: date-like columns dropped from the features -> rows in their order?
    date_columns: dict[str, bool] = field(default_factory=dict)


def load_frame(path: str | None, dataset: str | None) -> tuple[pd.DataFrame, str]:
    """Read ``path`` (CSV or Parquet) or load a bundled scikit-learn dataset.

    Returns
    -------
    frame : DataFrame
    source : str
        A short description of where the data came from.

    Raises
    ------
    UsageError
        If the file is missing or unreadable, or Parquet has no engine.
    """
    if dataset is not None:
        import sklearn.datasets

        bunch = getattr(sklearn.datasets, DATASETS[dataset])(as_frame=True)
        return bunch.frame, f"{dataset} (bundled with scikit-learn)"
    p = Path(path)
    if not p.is_file():
        what = "is a directory, not a file" if p.is_dir() else "does not exist"
        raise UsageError(f"data file {path!r} {what}")
    suffix = p.suffix.lower()
    try:
        if suffix in (".parquet", ".pq"):
            frame = _read_parquet(p)
        else:
            frame = pd.read_csv(p)
    except UsageError:
        raise
    except (
        pd.errors.ParserError,
        pd.errors.EmptyDataError,
        UnicodeDecodeError,
        ValueError,
        OSError,
    ) as exc:
        msg = (
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        )
        raise UsageError(f"cannot read {path!r}: {msg}") from exc
    if frame.shape[0] == 0:
        raise UsageError(f"data file {path!r} has no rows")
    return frame, p.name


def _read_parquet(p: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(p)
    except ImportError as exc:
        raise UsageError(
            f"reading Parquet file {str(p)!r} needs a Parquet engine: "
            "pip install pyarrow"
        ) from exc


def _check_column(frame: pd.DataFrame, name: str, what: str, option: str) -> None:
    if name not in frame.columns:
        cols = [str(c) for c in frame.columns]
        shown = ", ".join(cols[:12]) + (", ..." if len(cols) > 12 else "")
        raise UsageError(
            f"{what} column {name!r} (from {option}) is not in the data; "
            f"columns are: {shown}"
        )


def _parse_times(col: pd.Series, name: str) -> pd.Index:
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        times = col
    else:
        times = parse_dates(col)
        if times is None:
            raise UsageError(
                f"time column {name!r} holds neither numbers nor dates "
                f"(e.g. {col.dropna().iloc[0] if col.notna().any() else None!r})"
            )
    if times.isna().any():
        row = int(times.isna().to_numpy().nonzero()[0][0])
        raise UsageError(f"time column {name!r} has a missing value in data row {row}")
    return pd.Index(times, name=name)


def infer_task(y: pd.Series) -> tuple[str, str]:
    """Classification or regression, by the rule documented in ``--help``.

    Classification if the target is not numeric (strings, booleans,
    categories), or if all its values are integers and there are at most
    :data:`MAX_CLASSES_AUTO` distinct values; regression otherwise.

    Returns
    -------
    task : {"classification", "regression"}
    reason : str
        The rule that decided, for the output header.
    """
    if pd.api.types.is_bool_dtype(y) or not pd.api.types.is_numeric_dtype(y):
        return "classification", "non-numeric target"
    n_unique = int(y.nunique())
    integral = pd.api.types.is_integer_dtype(y) or bool((y % 1 == 0).all())
    if integral and n_unique <= MAX_CLASSES_AUTO:
        return "classification", f"integer target with {n_unique} distinct values"
    if integral:
        return (
            "regression",
            f"integer target with {n_unique} > {MAX_CLASSES_AUTO} values",
        )
    return "regression", "numeric target with fractional values"


def _check_forced_task(y: pd.Series, target: str, task: str) -> None:
    """Refuse ``--task classification`` on a target of fractional numbers."""
    if task != "classification" or type_of_target(y) != "continuous":
        return
    raise UsageError(
        f"--task classification: the target {target!r} has {y.nunique()} distinct "
        f"float values (e.g. {y.iloc[0]}), not class labels; use --task regression"
    )


def prepare(
    frame: pd.DataFrame,
    source: str,
    target: str | None,
    task: str = "auto",
    time_column: str | None = None,
    *,
    need_features: bool = True,
) -> Data:
    """Sort by time, take the target and the time column out of the features.

    Rows whose target is missing are dropped (and said so in ``notes``), and
    so are date-like and ID-like feature columns (see
    :func:`~skoptim.cli._columns.screen_features`; said so in ``notes`` and
    ``warnings``).

    Raises
    ------
    UsageError
        For a missing target or time column, a non-numeric regression target,
        a continuous target with ``task="classification"``, or no features left
        when ``need_features``.
    """
    frame = frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    notes = []
    times = None
    if time_column is not None:
        _check_column(frame, time_column, "time", "--time-column")
        times = _parse_times(frame[time_column], time_column)
        order = times.argsort(kind="stable")
        frame = frame.iloc[order].reset_index(drop=True)
        times = times[order]
        if time_column == target:
            raise UsageError("--time-column and --target name the same column")
    y = None
    if target is not None:
        _check_column(frame, target, "target", "--target")
        missing = frame[target].isna().to_numpy()
        if missing.all():
            raise UsageError(f"target column {target!r} has no values")
        if missing.any():
            notes.append(f"dropped {int(missing.sum())} rows with a missing target")
            frame = frame.loc[~missing].reset_index(drop=True)
            if times is not None:
                times = times[~missing]
        y = frame[target]
    drop = [c for c in (target, time_column) if c is not None]
    screened = screen_features(frame.drop(columns=drop))
    if not need_features and screened.X.shape[1] == 0:
        screened.X = frame.drop(columns=drop)  # only its rows are used
    if screened.X.shape[1] == 0:
        dropped = [*screened.dates, *screened.ids]
        extra = f" and the dropped date/ID columns {dropped}" if dropped else ""
        raise UsageError(
            f"no feature columns left besides the target and time column{extra}"
        )
    data = Data(
        X=screened.X,
        y=y,
        source=source,
        target=target,
        times=times,
        time_column=time_column,
        notes=notes + screened.notes,
        warnings=screened.warnings,
        date_columns=screened.dates,
    )
    if y is not None:
        if task == "auto":
            data.task, data.task_reason = infer_task(y)
        else:
            data.task, data.task_reason = task, "--task"
            _check_forced_task(y, target, task)
        if data.task == "regression" and (
            pd.api.types.is_bool_dtype(y) or not pd.api.types.is_numeric_dtype(y)
        ):
            raise UsageError(
                f"target column {target!r} is not numeric (e.g. {y.iloc[0]!r}); "
                "regression needs a numeric target (use --task classification)"
            )
    return data
