"""Align each member's class outputs to the ensemble's ``classes_``.

A member of a bagging ensemble is fit on a resample of the rows. It can miss
a class in two ways:

* it never saw the class (members fit on indexed rows): its ``classes_`` is a
  subset of the ensemble's and its ``predict_proba`` has one column per
  listed class;
* it saw the class with zero total weight (members fit with the bootstrap
  counts as ``sample_weight``): most estimators still list the class and
  return a column for it, but libsvm-based ones (:class:`~sklearn.svm.SVC`,
  :class:`~sklearn.svm.NuSVC`) drop zero-weight rows inside libsvm, so they
  list every class yet return one probability column per class *present*
  (in sorted order), and their ``predict`` returns the present class of
  that rank mapped through the full ``classes_`` (a shifted, wrong label).

Probabilities are aligned by their column count: as many columns as listed
classes map through the member's ``classes_``; as many as the classes
present in its bag map through those; anything else is an error. Labels from
``predict`` are remapped for libsvm members whose ``n_support_`` counts fewer
classes than they list. A class a member cannot output gets probability 0.
"""

from __future__ import annotations

import numpy as np

__all__: list[str] = []


def _columns(estimator, n_columns, present, index, method):
    """Ensemble class indices of the ``n_columns`` columns of a member output."""
    listed = np.asarray(estimator.classes_, dtype=int)
    if n_columns == len(listed):
        return listed
    if present is not None and n_columns == len(present):
        return np.asarray(present, dtype=int)
    who = f"Member {index}" if isinstance(index, int) else f"The {index} estimator"
    present_txt = "" if present is None else f" ({len(present)} present in its bag)"
    raise ValueError(
        f"{who} ({type(estimator).__name__}) returned {n_columns} "
        f"{method} columns but lists {len(listed)} classes{present_txt}, so its "
        "columns cannot be matched to the ensemble's classes_. Use a base "
        "estimator whose output has one column per class in classes_."
    )


def align_proba(estimator, proba, n_classes, present=None, index=0, fill=0.0):
    """Member probabilities (or log-probabilities) as ``(n, n_classes)`` columns.

    Parameters
    ----------
    estimator : classifier
        The fitted member; its ``classes_`` are ensemble class indices.
    proba : ndarray of shape (n_samples, n_columns)
        Output of the member's ``predict_proba`` or ``predict_log_proba``.
    n_classes : int
        Number of classes of the ensemble.
    present : ndarray of int or None
        Ensemble class indices with positive weight in the member's bag.
    index : int
        Position of the member, for the error message.
    fill : float
        Value of the classes the member cannot output (0 for probabilities,
        ``-inf`` for log-probabilities).

    Returns
    -------
    aligned : ndarray of shape (n_samples, n_classes)

    Raises
    ------
    ValueError
        If the number of columns matches neither the member's classes nor the
        classes present in its bag.
    """
    proba = np.asarray(proba, dtype=np.float64)
    if proba.ndim == 1:
        proba = proba.reshape(-1, 1)
    cols = _columns(estimator, proba.shape[1], present, index, "probability")
    if len(cols) == n_classes and np.array_equal(cols, np.arange(n_classes)):
        return proba
    out = np.full((proba.shape[0], n_classes), fill)
    out[:, cols] = proba
    return out


def align_labels(estimator, labels, present=None):
    """Member ``predict`` output as ensemble class indices (see module doc)."""
    labels = np.asarray(labels, dtype=int)
    listed = np.asarray(estimator.classes_, dtype=int)
    n_support = getattr(estimator, "n_support_", None)
    if (
        present is not None
        and n_support is not None
        and np.ndim(n_support) == 1
        and len(n_support) == len(present) < len(listed)
    ):
        # libsvm dropped the zero-weight classes: the label of rank r among
        # the present classes comes back as classes_[r].
        return np.asarray(present, dtype=int)[np.searchsorted(listed, labels)]
    return labels


def present_classes(samples, y_encoded):
    """Ensemble class indices present among the rows ``samples``."""
    return np.unique(np.asarray(y_encoded, dtype=int)[samples])


def member_class_scores(
    estimators, features, present, offset, X, n_classes, method, params, reduce
):
    """Aligned class scores of a chunk of members (run inside a joblib job).

    ``method`` is ``"predict_proba"``, ``"predict_log_proba"`` or
    ``"predict"`` (one-hot votes). ``reduce`` is None (a list, one array per
    member), ``"sum"`` or ``"logaddexp"`` (accumulated in place).
    """
    n_samples = X.shape[0]
    outputs = []
    if reduce is not None:
        start = -np.inf if reduce == "logaddexp" else 0.0
        total = np.full((n_samples, n_classes), start)
    for i, (estimator, cols) in enumerate(zip(estimators, features, strict=True)):
        pres = None if present is None else present[i]
        Xb = X[:, cols]
        if method == "predict":
            labels = align_labels(estimator, estimator.predict(Xb, **params), pres)
            out = np.zeros((n_samples, n_classes))
            out[np.arange(n_samples), labels] = 1.0
        else:
            fill = -np.inf if method == "predict_log_proba" else 0.0
            out = align_proba(
                estimator,
                getattr(estimator, method)(Xb, **params),
                n_classes,
                pres,
                offset + i,
                fill,
            )
        if reduce is None:
            outputs.append(out)
        elif reduce == "sum":
            total += out
        else:
            np.logaddexp(total, out, out=total)
    return outputs if reduce is None else total
