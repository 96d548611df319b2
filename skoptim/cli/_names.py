"""Command-line names of optimizers, regularizers, splitters and datasets.

Each name maps onto a public skoptim or scikit-learn object; nothing here
computes anything.
"""

from __future__ import annotations

from skoptim import regularizers as _reg
from skoptim.optimizers._aliases import OPTIMIZER_ALIASES

from ._errors import UsageError

__all__ = [
    "CV_NAMES",
    "DATASETS",
    "OPTIMIZERS",
    "REGULARIZERS",
    "TIME_SERIES_CV",
    "parse_names",
    "make_regularizers",
]

#: Optimizer names: skoptim's own aliases, in their order.
OPTIMIZERS: tuple[str, ...] = tuple(OPTIMIZER_ALIASES)

#: Regularizer name -> class in :mod:`skoptim.regularizers` (None: no regularizer).
REGULARIZERS = {
    "none": None,
    "l1": _reg.L1,
    "l2": _reg.L2,
    "dropout": _reg.Dropout,
    "noise": _reg.GaussianNoise,
    "weight-noise": _reg.WeightNoise,
    "label-smoothing": _reg.LabelSmoothing,
    "batchnorm": _reg.BatchNormalization,
    "mixup": _reg.Mixup,
    "early-stopping": _reg.EarlyStopping,
}

#: Regularizers that only make sense for classifiers.
CLASSIFICATION_ONLY = frozenset({"label-smoothing"})

CV_NAMES: tuple[str, ...] = (
    "kfold",
    "stratified",
    "blocked",
    "hv-blocked",
    "purged",
    "time-window",
)

#: Schemes that keep the order of the rows (time-series cross-validation).
TIME_SERIES_CV = frozenset({"blocked", "hv-blocked", "purged", "time-window"})

#: ``--dataset`` name -> loader name in :mod:`sklearn.datasets`.
DATASETS = {
    "digits": "load_digits",
    "iris": "load_iris",
    "wine": "load_wine",
    "breast_cancer": "load_breast_cancer",
    "diabetes": "load_diabetes",
}


def parse_names(text: str, known, what: str, allow_all: bool) -> list[str]:
    """Split a comma-separated list of names and check each one.

    Parameters
    ----------
    text : str
        E.g. ``"adam,sgd"``; ``"all"`` means every known name if ``allow_all``.
    known : iterable of str
        The valid names, in the order ``"all"`` expands to.
    what : str
        What the names are ("optimizer", "regularizer"), for the error.
    allow_all : bool
        Whether ``"all"`` is accepted.

    Returns
    -------
    names : list of str
        Lower-cased names, duplicates removed, in the order given.

    Raises
    ------
    UsageError
        If a name is unknown or the list is empty.
    """
    known = list(known)
    names = [n.strip().lower() for n in text.split(",") if n.strip()]
    if not names:
        raise UsageError(f"no {what} given; choose from {', '.join(known)}")
    if allow_all and "all" in names:
        return known
    unknown = [n for n in names if n not in known]
    if unknown:
        extra = " or 'all'" if allow_all else ""
        raise UsageError(
            f"unknown {what} {unknown[0]!r}; choose from {', '.join(known)}{extra}"
        )
    return list(dict.fromkeys(names))


def make_regularizers(name: str, task: str) -> list | None:
    """The ``regularizers=`` argument of the MLP for one regularizer name.

    Raises
    ------
    UsageError
        If the regularizer does not apply to the task.
    """
    if name in CLASSIFICATION_ONLY and task != "classification":
        raise UsageError(
            f"regularizer {name!r} works only for classification, but the task is "
            f"{task}; drop it from --regularizers"
        )
    cls = REGULARIZERS[name]
    return None if cls is None else [cls()]
