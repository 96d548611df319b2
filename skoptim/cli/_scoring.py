"""``--scoring``: a scikit-learn scorer name, checked against the task up front."""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.metrics import get_scorer

from ._errors import UsageError

__all__ = ["check_scoring", "scorer_kind"]

_EXAMPLES = {
    "classification": "accuracy, balanced_accuracy, f1_macro, neg_log_loss",
    "regression": "r2, neg_mean_squared_error, neg_mean_absolute_error",
}


def scorer_kind(scorer) -> str | None:
    """``"regression"``, ``"classification"`` or None (unknown) for a scorer.

    Read from the scorer's metric: the metrics of
    ``sklearn.metrics._regression`` compare numbers; the others scikit-learn
    ships (classification, ranking, clustering, likelihood ratios) compare
    class labels or class scores, and so does any scorer that needs
    ``predict_proba`` or ``decision_function``.
    """
    func = getattr(scorer, "_score_func", None)
    module = getattr(func, "__module__", "") or ""
    response = getattr(scorer, "_response_method", "predict")
    if module.endswith("._regression"):
        return "regression"
    if response != "predict" or module.startswith("sklearn.metrics"):
        return "classification"
    return None


def check_scoring(name: str | None, task: str, y, reason: str = "") -> str:
    """The scorer name to use, checked against the task and the target.

    Parameters
    ----------
    name : str or None
        ``--scoring``; None means accuracy (classification) or r2 (regression).
    task : {"classification", "regression"}
    y : Series
        The target, scored once with a constant model
        (:class:`~sklearn.dummy.DummyClassifier` or
        :class:`~sklearn.dummy.DummyRegressor`) so that a scorer that cannot
        score this target (``f1`` on three classes, ``neg_mean_squared_log_error``
        on negative values, ...) is refused before any fit.
    reason : str, default=""
        Why the task is what it is, for the error message.

    Returns
    -------
    name : str

    Raises
    ------
    UsageError
        If the name is unknown, the scorer is for the other task, or it
        cannot score this target.
    """
    if name is None:
        return "accuracy" if task == "classification" else "r2"
    try:
        scorer = get_scorer(name)
    except ValueError:
        raise UsageError(
            f"unknown --scoring {name!r}; see sklearn.metrics.get_scorer_names()"
        ) from None
    kind = scorer_kind(scorer)
    if kind is not None and kind != task:
        raise UsageError(
            f"--scoring {name} is a {kind} scorer, but the task is {task}"
            + (f" ({reason})" if reason else "")
            + "; "
            f"use a {task} scorer such as {_EXAMPLES[task]}"
        )
    dummy = DummyClassifier() if task == "classification" else DummyRegressor()
    X = np.zeros((len(y), 1))
    try:
        with warnings.catch_warnings():  # e.g. ill-defined precision: fine here
            warnings.simplefilter("ignore")
            scorer(dummy.fit(X, y), X, y)
    except (ValueError, TypeError) as exc:
        raise UsageError(
            f"--scoring {name} cannot score this target: {' '.join(str(exc).split())}"
        ) from exc
    return name
