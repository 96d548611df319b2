"""Output of ``skoptim compare``: the table, the JSON file and the figure."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np

from ._cv import describe_rows
from ._errors import UsageError

__all__ = [
    "check_outputs",
    "sort_results",
    "format_table",
    "write_json",
    "plot_scores",
    "save_figure",
]


def sort_results(results):
    """Best mean score first (scikit-learn scores: greater is better); failures last."""
    return sorted(
        results,
        key=lambda r: (r.error is not None, -np.nan_to_num(r.mean, nan=-np.inf)),
    )


def _epochs(values) -> str:
    if not values:
        return "-"
    lo, hi = min(values), max(values)
    return str(lo) if lo == hi else f"{lo}-{hi}"


def format_table(results, scoring: str) -> str:
    """One row per configuration: mean ± std score, mean fit time, epochs."""
    head = [
        "rank",
        "optimizer",
        "regularizer",
        f"{scoring} (mean ± std)",
        "fit time (s)",
        "epochs",
    ]
    rows = []
    for rank, r in enumerate(results, 1):
        if r.error:
            score = f"failed: {r.error}"
            if len(score) > 60:
                score = score[:57] + "..."
            rows.append(
                [str(rank), r.config.optimizer, r.config.regularizer, score, "-", "-"]
            )
            continue
        rows.append(
            [
                str(rank),
                r.config.optimizer,
                r.config.regularizer,
                f"{r.mean:.4f} ± {r.std:.4f}",
                f"{np.mean(r.fit_times):.2f}",
                _epochs(r.epochs),
            ]
        )
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    right = {0, 4, 5}

    def fmt(row):
        cells = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    lines = [fmt(head), "  ".join("-" * w for w in widths)]
    lines.extend(fmt(row) for row in rows)
    return "\n".join(lines)


def _finite(value):
    """JSON has no NaN: missing numbers become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def results_document(results, meta: dict) -> dict:
    """The JSON document: the run's description and one entry per configuration."""
    entries = []
    for rank, r in enumerate(results, 1):
        entries.append(
            {
                "rank": rank,
                "config": r.config.label,
                "optimizer": r.config.optimizer,
                "regularizer": r.config.regularizer,
                "mean_score": _finite(r.mean),
                "std_score": _finite(r.std),
                "fold_scores": [_finite(s) for s in r.scores],
                "fit_times": r.fit_times,
                "mean_fit_time": _finite(float(np.mean(r.fit_times)))
                if r.fit_times
                else None,
                "epochs": r.epochs,
                "error": r.error,
            }
        )
    return {**meta, "results": entries}


def write_json(path: str, document: dict) -> None:
    """Write ``document`` to ``path``.

    Raises
    ------
    UsageError
        If the file cannot be written.
    """
    try:
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(document, fh, indent=2, allow_nan=False)
            fh.write("\n")
    except OSError as exc:
        raise UsageError(f"cannot write --json file {path!r}: {exc.strerror}") from exc


def check_outputs(json_path: str | None, plot_path: str | None) -> None:
    """Refuse output paths that cannot be written before any work is done.

    Raises
    ------
    UsageError
        If the folder of an output file does not exist or cannot be written,
        the path is a folder, or ``--plot`` is given and matplotlib is missing
        or cannot write the file's format (from its extension).
    """
    for option, path in (("--json", json_path), ("--plot", plot_path)):
        if path is None:
            continue
        p = Path(path).expanduser()
        folder = p.parent
        if not folder.is_dir():
            raise UsageError(
                f"{option} {path!r}: folder {str(folder)!r} does not exist"
            )
        if p.is_dir():
            raise UsageError(f"{option} {path!r} is a folder; give a file name")
        if not os.access(p if p.exists() else folder, os.W_OK):
            raise UsageError(f"{option} {path!r}: no permission to write there")
    if plot_path is not None:
        _check_plot_format(plot_path)


def _check_plot_format(path: str) -> None:
    """The extension of ``path`` must be a format matplotlib can write."""
    formats = _figure_class()().canvas.get_supported_filetypes()
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in formats:
        what = f"matplotlib cannot write {suffix!r} files" if suffix else "no extension"
        raise UsageError(
            f"--plot {path!r}: {what}; give a file name ending in one of "
            + ", ".join(f".{f}" for f in sorted(formats))
        )


def _figure_class():
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise UsageError(
            "--plot needs matplotlib: pip install matplotlib "
            "(or pip install 'skoptim[plots]')"
        ) from exc
    return Figure


def _figure(height: float):
    return _figure_class()(figsize=(8, height), layout="constrained")


def save_figure(fig, path: str) -> None:
    """Save a figure, turning file-system errors into a one-line error.

    Raises
    ------
    UsageError
        If the file cannot be written or its format is unknown.
    """
    try:
        fig.savefig(path, dpi=120)
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot write --plot file {path!r}: {exc}") from exc


def plot_scores(results, scoring: str, title: str):
    """Fold scores per configuration (dots), with mean ± std (bar), best on top."""
    ok = [r for r in results if not r.error]
    fig = _figure(1.2 + 0.35 * max(len(ok), 1))
    ax = fig.add_subplot()
    for i, r in enumerate(ok):
        ax.scatter(
            r.scores,
            [i] * len(r.scores),
            s=18,
            color="#1f77b4",
            alpha=0.7,
            zorder=3,
            label="fold" if i == 0 else None,
        )
        ax.errorbar(
            r.mean,
            i,
            xerr=r.std,
            fmt="D",
            color="#d62728",
            ms=5,
            capsize=3,
            zorder=4,
            label="mean ± std" if i == 0 else None,
        )
    ax.set_yticks(range(len(ok)), [r.config.label for r in ok])
    ax.invert_yaxis()
    ax.set_xlabel(f"{scoring} (test folds)")
    ax.set_title(title, fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    if ok:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    else:
        ax.text(
            0.5, 0.5, "every configuration failed", ha="center", transform=ax.transAxes
        )
    return fig


def plot_folds(folds, n_rows: int, times, title: str):
    """The folds drawn by :func:`skoptim.model_selection.plot_splits`."""
    from sklearn.model_selection import check_cv

    from skoptim.model_selection import plot_splits

    fig = _figure(1.8 + 0.35 * len(folds))
    ax = fig.add_subplot()
    plot_splits(check_cv(folds), np.zeros((n_rows, 1)), ax=ax)
    ax.set_title(title, fontsize=10)
    ax.set_yticks(range(len(folds)), [str(k) for k in range(1, len(folds) + 1)])
    ax.set_ylabel("fold")
    if times is None:
        ax.set_xlabel("row")
    else:
        ticks = np.unique(np.linspace(0, n_rows - 1, num=min(n_rows, 6)).astype(int))
        ax.set_xticks(ticks, [describe_rows([i], times).split(" (")[0] for i in ticks])
        ax.set_xlabel(f"{times.name} (rows sorted by time)")
    return fig
