"""The argument parser of ``skoptim``: ``compare`` and ``splits``."""

from __future__ import annotations

import argparse
import sys

from ._data import MAX_CLASSES_AUTO
from ._names import CV_NAMES, DATASETS, OPTIMIZERS, REGULARIZERS

__all__ = ["build_parser"]

DEFAULTS = {
    "optimizers": "all",
    "regularizers": "none",
    "hidden": "64",
    "max_iter": 50,
    "n_iter_no_change": 10,
    "n_splits": 5,
    "dtype": "float64",
    "random_state": 0,
    "n_jobs": 1,
    "gap": 0,
}


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line on stderr, exit code 2."""

    def error(self, message: str):  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: error: {message} (see {self.prog} --help)\n")
        raise SystemExit(2)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _non_negative_int(text: str) -> int:
    return 0 if text.strip() == "0" else _positive_int(text)


def _n_jobs(text: str) -> int:
    """A joblib ``n_jobs``: 1, 2, ... or -1 (all cores), -2 (all but one), ..."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value == 0:
        raise argparse.ArgumentTypeError(
            "0 jobs cannot fit anything; use 1, 2, ... or -1 for all cores"
        )
    return value


def _seed(text: str) -> int:
    """A seed numpy accepts: an integer in [0, 2**32 - 1]."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"{text!r} is not in 0 .. 2**32 - 1")
    return value


def _batch_size(text: str):
    return "auto" if text == "auto" else _positive_int(text)


def _hidden(text: str) -> tuple[int, ...]:
    try:
        return tuple(_positive_int(t) for t in text.split(","))
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of layer sizes >= 1, e.g. 64,32"
        ) from None


def _add_time_options(p: argparse.ArgumentParser, cv_help: str) -> None:
    p.add_argument(
        "--cv", choices=CV_NAMES, metavar="{" + ",".join(CV_NAMES) + "}", help=cv_help
    )
    p.add_argument(
        "--n-splits",
        type=_positive_int,
        default=DEFAULTS["n_splits"],
        metavar="K",
        help="number of folds (default: %(default)s)",
    )
    p.add_argument(
        "--gap",
        type=_non_negative_int,
        default=DEFAULTS["gap"],
        metavar="ROWS",
        help="rows kept apart around each test block: the gap of 'blocked', the "
        "gap on each side for 'hv-blocked', horizon and embargo of 'purged' "
        "(default: %(default)s)",
    )


CV_HELP = (
    "cross-validation scheme: kfold, stratified (scikit-learn's, shuffled); "
    "blocked (BlockedTimeSeriesSplit: train then test inside each block), "
    "hv-blocked (BlockedKFold), purged (PurgedKFold), time-window "
    "(TimeWindowSplit on --time-column, expanding). Default: blocked with "
    "--time-column, else stratified for classification and kfold for regression"
)


def build_parser() -> argparse.ArgumentParser:
    """The ``skoptim`` parser with its two subcommands."""
    parser = _Parser(
        prog="skoptim",
        description="Compare optimizers and regularizers of skoptim's MLP on your "
        "data by cross-validation, or show the folds of a CV scheme.",
        epilog="Run 'skoptim compare --dataset digits' for a first comparison.",
    )
    sub = parser.add_subparsers(
        dest="command", metavar="{compare,splits}", parser_class=_Parser, required=True
    )

    c = sub.add_parser(
        "compare",
        help="cross-validate every optimizer x regularizer configuration",
        description=(
            "Cross-validate skoptim's MLP with every chosen optimizer x "
            "regularizer configuration on one set of folds and print a table "
            "sorted by score. Features: numeric columns are median-imputed and "
            "standardized, categorical/string columns most-frequent-imputed and "
            "one-hot encoded (a scikit-learn ColumnTransformer), except columns "
            "of dates and ID-like string columns (a distinct value in every "
            "row), which are dropped with a warning; regression targets are "
            "standardized for training. Progress goes to stderr."
        ),
    )
    c.add_argument(
        "data",
        nargs="?",
        metavar="DATA",
        help="CSV or Parquet file (Parquet needs pyarrow)",
    )
    src = c.add_mutually_exclusive_group(required=True)
    src.add_argument("--target", metavar="COL", help="target column of DATA")
    src.add_argument(
        "--dataset",
        choices=sorted(DATASETS),
        help="a dataset bundled with scikit-learn instead of DATA",
    )
    c.add_argument(
        "--task",
        choices=("auto", "classification", "regression"),
        default="auto",
        help="'auto' (default): classification if the target is not numeric, "
        "or if all "
        f"its values are integers with at most {MAX_CLASSES_AUTO} distinct "
        "values; regression otherwise",
    )
    c.add_argument(
        "--optimizers",
        default=DEFAULTS["optimizers"],
        metavar="NAMES",
        help=f"comma-separated, from {','.join(OPTIMIZERS)}, or 'all' "
        "(skoptim's optimizer aliases with their default hyperparameters; "
        "default: %(default)s)",
    )
    c.add_argument(
        "--regularizers",
        default=DEFAULTS["regularizers"],
        metavar="NAMES",
        help=f"comma-separated, from {','.join(REGULARIZERS)}; each one is a "
        "configuration with every optimizer (skoptim.regularizers defaults; "
        "default: %(default)s)",
    )
    c.add_argument(
        "--hidden",
        type=_hidden,
        default=DEFAULTS["hidden"],
        metavar="SIZES",
        help="hidden layer sizes, e.g. 64,32 (default: 64)",
    )
    c.add_argument(
        "--max-iter",
        type=_positive_int,
        default=DEFAULTS["max_iter"],
        metavar="N",
        help="maximum epochs per fit (default: %(default)s)",
    )
    c.add_argument(
        "--n-iter-no-change",
        type=_positive_int,
        default=DEFAULTS["n_iter_no_change"],
        metavar="N",
        help="stop a fit after N epochs without improvement of the training "
        "loss by tol; raise it for dropout, noise and mixup, whose noisy "
        "loss stops the rule early (default: %(default)s)",
    )
    c.add_argument(
        "--batch-size",
        type=_batch_size,
        default="auto",
        metavar="N",
        help="minibatch size (default: auto = min(200, n_samples))",
    )
    c.add_argument(
        "--dtype",
        choices=("float32", "float64"),
        default=DEFAULTS["dtype"],
        help="floating-point type of training (default: %(default)s)",
    )
    _add_time_options(c, CV_HELP)
    c.add_argument(
        "--time-column",
        metavar="COL",
        help="sort rows by this column (dates or numbers), drop it from the "
        "features, and use it for --cv time-window. Without it the time-series "
        "schemes split the rows in file order (with a warning; refused if a "
        "date column is out of order)",
    )
    c.add_argument(
        "--scoring",
        metavar="NAME",
        help="a scikit-learn scorer name, checked against the task and the "
        "target before any fit (default: accuracy for classification, r2 for "
        "regression)",
    )
    c.add_argument(
        "--n-jobs",
        type=_n_jobs,
        default=DEFAULTS["n_jobs"],
        metavar="N",
        help="folds fitted in parallel (-1: all cores; default: %(default)s)",
    )
    c.add_argument(
        "--random-state",
        type=_seed,
        default=DEFAULTS["random_state"],
        metavar="N",
        help="seed of the MLPs and of shuffled folds (default: %(default)s)",
    )
    c.add_argument(
        "--json",
        metavar="PATH",
        help="also write the results, with per-fold scores, as JSON",
    )
    c.add_argument(
        "--plot",
        metavar="PATH",
        help="also draw the fold scores per configuration; the extension "
        "gives the format: .png, .pdf, .svg, ... (needs matplotlib: the "
        "'plots' extra)",
    )
    c.add_argument("--quiet", action="store_true", help="no progress lines on stderr")

    s = sub.add_parser(
        "splits",
        help="print (and plot) the folds of a CV scheme on your data",
        description="Print the training and test rows of each fold, as time "
        "ranges of --time-column, for a CV scheme on DATA.",
    )
    s.add_argument("data", metavar="DATA", help="CSV or Parquet file")
    s.add_argument(
        "--time-column",
        metavar="COL",
        required=True,
        help="column of dates or numbers the rows are sorted by",
    )
    s.add_argument(
        "--target", metavar="COL", help="target column (needed only by --cv stratified)"
    )
    _add_time_options(s, CV_HELP.split(". Default")[0] + ". Default: blocked")
    s.add_argument(
        "--random-state",
        type=_seed,
        default=DEFAULTS["random_state"],
        metavar="N",
        help="seed of shuffled folds (kfold, stratified; default: %(default)s)",
    )
    s.add_argument(
        "--plot",
        metavar="PATH",
        help="also draw the folds; the extension gives the format: .png, "
        ".pdf, .svg, ... (needs matplotlib: the 'plots' extra)",
    )
    return parser
