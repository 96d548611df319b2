"""A per-step training table, in the style of Keras and skorch.

Every skoptim estimator's ``verbose`` prints its progress with
:class:`TrainingLog`: a header line, a rule, then one fixed-width line per epoch
(MLPs), member (bagging), round (AdaBoost) or stage (gradient boosting)::

    >>> log = TrainingLog(["train_loss", "valid_loss"], max_steps=20,
    ...                   best=("valid_loss", "min"))
    >>> _ = log.row(1, train_loss=0.6931, valid_loss=0.69, time=0.12)
    epoch  train_loss  valid_loss    time
    -----  ----------  ----------  ------
     1/20      0.6931      0.6900   0.12s  *
    >>> _ = log.row(2, train_loss=0.5, valid_loss=0.71, time=0.085)
     2/20      0.5000      0.7100    85ms

Plain ``print``, no dependency. Missing values, ``None`` and NaN print as
blanks, so a column that only some steps have (validation loss computed every
few epochs) stays aligned.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from typing import IO, Any

__all__ = ["TrainingLog", "format_duration", "format_value"]

#: Width of a numeric column when its name is shorter.
_MIN_WIDTH = 10


def format_duration(seconds: float | None) -> str:
    """Format a duration with its unit: ``"85ms"``, ``"0.12s"``... ``"2m05s"``.

    Parameters
    ----------
    seconds : float or None
        The duration in seconds; None or NaN gives an empty string.

    Returns
    -------
    text : str
        ``"0.4ms"`` below 10 ms, ``"85ms"`` below 0.1 s, ``"0.12s"`` or
        ``"1.23s"`` below a minute, ``"2m05s"`` below an hour, else ``"1h02m"``.

    Examples
    --------
    >>> [format_duration(s) for s in (0.0004, 0.085, 0.85, 1.234, 125, 3720)]
    ['0.4ms', '85ms', '0.85s', '1.23s', '2m05s', '1h02m']
    """
    if seconds is None or (isinstance(seconds, float) and math.isnan(seconds)):
        return ""
    seconds = float(seconds)
    if seconds < 0.01:
        return f"{seconds * 1e3:.1f}ms"
    if seconds < 0.1:
        return f"{round(seconds * 1e3):d}ms"
    if seconds < 60.0:
        return f"{seconds:.2f}s"
    if seconds < 3600.0:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes:d}m{rest:02d}s"
    hours, rest = divmod(round(seconds) // 60, 60)
    return f"{hours:d}h{rest:02d}m"


def format_value(value: Any) -> str:
    """Format one table cell: 4 decimals, scientific when very small or large.

    Floats print with 4 decimals when ``1e-3 <= |value| < 1e4``, in
    scientific notation otherwise.

    Parameters
    ----------
    value : float, int, str or None
        The value; None and NaN give an empty string, integers print as
        integers and strings verbatim.

    Returns
    -------
    text : str
        At most 10 characters for any float, so that columns stay aligned.

    Examples
    --------
    >>> [format_value(v) for v in (0.5, 12, 1e-7, 12345.0, -2.5e-300, None)]
    ['0.5000', '12', '1.000e-07', '1.234e+04', '-2.50e-300', '']
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (
        hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu"
    ):
        return str(int(value))
    value = float(value)
    if math.isnan(value):
        return ""
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0.0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.4f}"  # at most 10 characters: -9999.9999
    text = f"{value:.3e}"
    return text if len(text) <= _MIN_WIDTH else f"{value:.2e}"  # -2.23e-308


class TrainingLog:
    """Print a training history as a fixed-width table, one line per step.

    The table has a step column (``3/200``), one column per name in
    ``columns``, a ``time`` column (the step's duration with its unit) and a
    marker after the line when the ``best`` column reaches a new best. The
    header is printed with the first row, so a log that never gets a row
    prints nothing.

    Parameters
    ----------
    columns : sequence of str
        Names of the numeric columns, in order, e.g.
        ``["train_loss", "valid_loss", "valid_score", "lr"]``.
    step_name : str, default="epoch"
        Title of the step column: ``"epoch"``, ``"member"``, ``"round"``,
        ``"stage"``...
    max_steps : int or None, default=None
        Number of steps planned; steps print as ``i/max_steps`` (as ``i``
        alone when None).
    best : tuple of (str, {"min", "max"}) or None, default=None
        Column whose new best value is marked, and whether lower or higher is
        better. Steps where that column is missing or NaN are never marked.
    marker : str, default="*"
        What marks a new best.
    time : bool, default=True
        Whether to show a ``time`` column.
    file : file-like or None, default=None
        Where to print; None means ``sys.stdout`` at the time of printing.

    Attributes
    ----------
    best_value_ : float or None
        Best value of the ``best`` column so far.
    best_step_ : int or None
        Step at which it was reached.
    n_rows_ : int
        Number of rows printed.

    Raises
    ------
    ValueError
        If a column is named twice or named like the step or time column,
        if ``best`` names no column or its direction is not "min" or "max",
        or if ``max_steps`` is not a positive integer.

    Examples
    --------
    >>> log = TrainingLog(["train_loss", "valid_score"], step_name="stage",
    ...                   max_steps=3, best=("valid_score", "max"), time=False)
    >>> for i, score in enumerate([0.5, 0.7, 0.6], start=1):
    ...     _ = log.row(i, train_loss=1 / i, valid_score=score)
    stage  train_loss  valid_score
    -----  ----------  -----------
      1/3      1.0000       0.5000  *
      2/3      0.5000       0.7000  *
      3/3      0.3333       0.6000
    """

    def __init__(
        self,
        columns: Sequence[str],
        *,
        step_name: str = "epoch",
        max_steps: int | None = None,
        best: tuple[str, str] | None = None,
        marker: str = "*",
        time: bool = True,
        file: IO[str] | None = None,
    ) -> None:
        columns = list(columns)
        reserved = {step_name, "time"} if time else {step_name}
        if len(set(columns)) != len(columns) or reserved & set(columns):
            raise ValueError(
                f"columns must be distinct and differ from {sorted(reserved)}; "
                f"got {columns}."
            )
        if best is not None:
            if (
                not isinstance(best, tuple | list)
                or len(best) != 2
                or best[0] not in columns
                or best[1] not in ("min", "max")
            ):
                raise ValueError(
                    "best must be a pair (column, 'min' or 'max') naming one of "
                    f"{columns}; got {best!r}."
                )
            best = (best[0], best[1])
        if max_steps is not None and (
            isinstance(max_steps, bool)
            or not int(max_steps) == max_steps
            or max_steps < 1
        ):
            raise ValueError(
                f"max_steps must be a positive integer or None; got {max_steps!r}."
            )
        self.columns = columns
        self.step_name = step_name
        self.max_steps = None if max_steps is None else int(max_steps)
        self.best = best
        self.marker = marker
        self.time = time
        self.file = file
        self.best_value_: float | None = None
        self.best_step_: int | None = None
        self.n_rows_ = 0
        step_width = len(str(self.max_steps)) * 2 + 1 if self.max_steps else 5
        self._widths = [max(len(step_name), step_width)]
        self._widths += [max(len(c), _MIN_WIDTH) for c in columns]
        if time:
            self._widths.append(6)

    def _print(self, line: str) -> None:
        print(line, file=self.file if self.file is not None else sys.stdout, flush=True)

    def _join(self, cells: Sequence[str]) -> str:
        cells = zip(cells, self._widths, strict=True)
        return "  ".join(c.rjust(w) for c, w in cells).rstrip()

    def header(self) -> str:
        """The header line and the rule under it, as one string.

        Returns
        -------
        text : str
            Two lines, without a trailing newline.
        """
        names = [self.step_name, *self.columns] + (["time"] if self.time else [])
        rule = ["-" * w for w in self._widths]
        return self._join(names) + "\n" + self._join(rule)

    def _is_better(self, value: float) -> bool:
        if self.best_value_ is None:
            return True
        if self.best[1] == "min":
            return value < self.best_value_
        return value > self.best_value_

    def row(self, step: int, *, time: float | None = None, **values: Any) -> str:
        """Print the line of one step (the header first, before the first row).

        Parameters
        ----------
        step : int
            The step number, counted from 1.
        time : float or None, default=None
            The step's duration in seconds; blank when None.
        **values
            Column values by name; columns not given print as blanks.

        Returns
        -------
        line : str
            The printed line (without the header).

        Raises
        ------
        ValueError
            If a value names a column the log does not have.
        """
        unknown = set(values) - set(self.columns)
        if unknown:
            raise ValueError(
                f"Unknown training-log column(s) {sorted(unknown)}; "
                f"the columns are {self.columns}."
            )
        if self.n_rows_ == 0:
            self._print(self.header())
        step_text = f"{step}/{self.max_steps}" if self.max_steps else f"{step}"
        cells = [step_text] + [format_value(values.get(c)) for c in self.columns]
        if self.time:
            cells.append(format_duration(time))
        line = self._join(cells)
        if self.best is not None:
            value = values.get(self.best[0])
            if value is not None and not math.isnan(float(value)):
                if self._is_better(float(value)):
                    self.best_value_ = float(value)
                    self.best_step_ = step
                    line += "  " + self.marker
        self.n_rows_ += 1
        self._print(line)
        return line
