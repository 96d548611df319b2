"""Cross-validation splitters for time series: blocked and group-wise forward folds.

Every splitter here follows scikit-learn's splitter API (``split(X, y=None,
groups=None)`` yielding ``(train, test)`` index arrays and ``get_n_splits``), so it
can be passed as ``cv=`` to :func:`~sklearn.model_selection.cross_val_score`,
:func:`~sklearn.model_selection.cross_validate`,
:class:`~sklearn.model_selection.GridSearchCV` or
:func:`~sklearn.model_selection.learning_curve`. Rows are assumed to be sorted in
time: row ``i`` is observed before row ``i + 1``.

The purged splitters live in :mod:`skoptim.model_selection._split_purged` and the
calendar-window splitter in :mod:`skoptim.model_selection._split_window`.

What ``groups`` may carry
-------------------------
scikit-learn's tools pass one ``groups`` array to the splitter *and* read it
themselves as **group labels**: :func:`~sklearn.model_selection.permutation_test_score`
permutes ``y`` only within groups. So ``groups`` is safe only for real group
labels, as :class:`GroupTimeSeriesSplit` reads them (a permutation test then
permutes within each day, week, ...: a stricter null hypothesis). Anything
else in ``groups`` is unsafe: the purged splitters' label end times (one
unique value per sample, so nothing is permuted and p = 1) go to
``label_end_times`` or ``horizon`` instead, and warn when passed as ``groups``;
the splitters that do not read ``groups`` warn that they ignore it.
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from sklearn.model_selection import BaseCrossValidator
from sklearn.utils import indexable

from ..utils._warnings import warn_user

__all__ = [
    "BlockedKFold",
    "BlockedTimeSeriesSplit",
    "GroupTimeSeriesSplit",
]


# ---------------------------------------------------------------------------
# Shared machinery
# ---------------------------------------------------------------------------


class _TimeSeriesCV(BaseCrossValidator):
    """Base class: parameter handling and the ``split`` driver.

    Subclasses store their constructor arguments verbatim (nothing else happens
    in ``__init__``), validate them in :meth:`split` and implement
    ``_iter_splits(X, y, groups, n_samples)``. ``get_params``/``set_params``
    follow :class:`sklearn.base.BaseEstimator`, so :func:`sklearn.base.clone`
    works and the ``repr`` lists every parameter. Splitters that do not read
    ``groups`` warn when it is given (as scikit-learn's ``KFold`` does), so
    that data passed to the wrong splitter is not silently ignored.
    """

    #: whether ``split`` reads ``groups`` (else a given ``groups`` warns)
    _reads_groups = False

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Return the number of splitting iterations, ``n_splits``.

        Parameters
        ----------
        X, y, groups : object
            Ignored, exist for compatibility.

        Returns
        -------
        n_splits : int
            Number of folds.
        """
        return self.n_splits

    @classmethod
    def _get_param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(
            p.name
            for p in signature.parameters.values()
            if p.name != "self" and p.kind != p.VAR_KEYWORD
        )

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Get the parameters of this splitter.

        Parameters
        ----------
        deep : bool, default=True
            Ignored; present for compatibility with
            :meth:`sklearn.base.BaseEstimator.get_params`.

        Returns
        -------
        params : dict
            Constructor argument names mapped to their values.
        """
        return {name: getattr(self, name) for name in self._get_param_names()}

    def set_params(self, **params: Any) -> _TimeSeriesCV:
        """Set the parameters of this splitter.

        Parameters
        ----------
        **params : dict
            Splitter parameters.

        Returns
        -------
        self : object
            The splitter.

        Raises
        ------
        ValueError
            If a key is not a constructor parameter of this splitter.
        """
        valid = self._get_param_names()
        for key, value in params.items():
            if key not in valid:
                raise ValueError(
                    f"Invalid parameter {key!r} for {type(self).__name__}. "
                    f"Valid parameters are: {valid}."
                )
            setattr(self, key, value)
        return self

    def split(
        self, X: Any, y: Any = None, groups: Any = None
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Generate indices to split data into training and test set.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, rows sorted in time.
        y : array-like of shape (n_samples,), default=None
            The target variable; not used for splitting.
        groups : array-like of shape (n_samples,), default=None
            Group labels, read only by :class:`GroupTimeSeriesSplit`; the
            other splitters ignore it with a ``UserWarning``.

        Yields
        ------
        train : ndarray
            The training set indices for that split.
        test : ndarray
            The testing set indices for that split.

        Raises
        ------
        ValueError
            If a parameter is out of range or of the wrong type, there are
            fewer samples than the splitter needs (``n_splits`` larger than the
            number of samples or groups, a block or fold left without training
            or test rows), X's time index is not sorted, or (for
            :class:`GroupTimeSeriesSplit`) ``groups`` is missing, has missing
            labels or a group that is not contiguous in time. For
            :class:`TimeWindowSplit` also: X has no time index or
            ``time_column``, the times are missing, unsorted or neither
            datetimes nor numbers, a window does not match the kind of times,
            the training window is longer than the data, or no window position
            has rows on both sides. The messages name the parameter and the
            values.
        """
        if groups is not None and not self._reads_groups:
            warn_user(
                f"The groups parameter is ignored by {type(self).__name__}.",
                UserWarning,
            )
        X, y, groups = indexable(X, y, groups)
        n_samples = _n_samples(X)
        _check_time_index_sorted(type(self).__name__, X)
        yield from self._iter_splits(X, y, groups, n_samples)

    def _iter_splits(self, X, y, groups, n_samples):  # pragma: no cover - abstract
        raise NotImplementedError


def _n_samples(X: Any) -> int:
    """Number of rows of an indexable X (array, DataFrame, sparse matrix, list)."""
    shape = getattr(X, "shape", None)
    if shape is not None and len(shape) > 0:
        return int(shape[0])
    return len(X)


def _check_time_index_sorted(owner: str, X: Any) -> None:
    """Refuse a pandas X whose datetime-like index is not in increasing order.

    All splitters assume that row order is time order; a shuffled time index
    would make every fold silently wrong.
    """
    index = getattr(X, "index", None)
    if not isinstance(index, pd.DatetimeIndex | pd.PeriodIndex | pd.TimedeltaIndex):
        return
    if not index.is_monotonic_increasing:
        values = index.asi8
        bad = int(np.flatnonzero(values[1:] < values[:-1])[0]) + 1
        raise ValueError(
            f"{owner}: X's time index must be sorted in increasing order, but row "
            f"{bad} ({index[bad]}) is earlier than row {bad - 1} ({index[bad - 1]}). "
            "Sort the data by time first (e.g. X.sort_index())."
        )


def _check_int(
    owner: str, name: str, value: Any, min_value: int, allow_none: bool = False
) -> None:
    """Raise ValueError unless ``value`` is an integer >= ``min_value``."""
    if value is None and allow_none:
        return
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise ValueError(
            f"{owner}: {name} must be an integer >= {min_value}, got {value!r} "
            f"of type {type(value).__name__}."
        )
    if value < min_value:
        raise ValueError(f"{owner}: {name} must be >= {min_value}, got {name}={value}.")


def _check_n_splits_vs_samples(owner: str, n_splits: int, n_samples: int) -> None:
    if n_splits > n_samples:
        raise ValueError(
            f"{owner}: cannot have n_splits={n_splits} greater than the number of "
            f"samples n_samples={n_samples}."
        )


def _block_bounds(n_samples: int, n_blocks: int) -> np.ndarray:
    """Start/stop rows of ``n_blocks`` contiguous blocks covering ``n_samples`` rows.

    Block sizes differ by at most one: the first ``n_samples % n_blocks`` blocks
    get one extra row (the same rule as :class:`sklearn.model_selection.KFold`
    and :func:`numpy.array_split`). Returns an array of shape ``(n_blocks, 2)``
    with half-open ``[start, stop)`` bounds.
    """
    sizes = np.full(n_blocks, n_samples // n_blocks, dtype=np.intp)
    sizes[: n_samples % n_blocks] += 1
    stops = np.cumsum(sizes)
    return np.column_stack([stops - sizes, stops])


# ---------------------------------------------------------------------------
# BlockedTimeSeriesSplit
# ---------------------------------------------------------------------------


class BlockedTimeSeriesSplit(_TimeSeriesCV):
    """Blocked time-series split: independent train/test pairs in disjoint blocks.

    The rows are cut into ``n_splits`` contiguous, non-overlapping blocks. Inside
    each block the first ``train_size`` part is the training set, the next ``gap``
    rows are dropped, and the remaining rows are the test set. Unlike
    :class:`sklearn.model_selection.TimeSeriesSplit` the training sets do not grow
    and no row is used in two folds, so the folds are (close to) independent
    replications of a single "train on the past, test on the near future" split.

    No row is dropped: when ``n_samples`` is not a multiple of ``n_splits`` the
    ``n_samples % n_splits`` remainder rows are spread one each over the *first*
    blocks (block sizes differ by at most one, as in
    :class:`~sklearn.model_selection.KFold`). The number of training rows of a
    block of ``b`` rows is ``floor(train_size * b)`` for a float ``train_size``
    and ``train_size`` for an integer one; every block must keep at least one
    training and one test row.

    Each fold is a fixed-origin out-of-sample evaluation ("last block"
    evaluation, Tashman 2000; Bergmeir & Benítez 2012) confined to its own
    block, so the ``n_splits`` scores are replications over different periods.
    The scheme circulates as "blocking time series split" in practitioner
    write-ups, usually with integer division that silently drops the last
    ``n_samples % n_splits`` rows; here they are kept, as described above.

    Parameters
    ----------
    n_splits : int, default=5
        Number of blocks (and folds). Must be at least 1.
    train_size : float or int, default=0.8
        Float in (0, 1): fraction of each block used for training (rounded
        down). Integer >= 1: number of training rows per block.
    gap : int, default=0
        Number of rows dropped between the training and the test part of each
        block, to keep autocorrelated neighbours out of the test set.

    See Also
    --------
    BlockedKFold : every block is the test set once, trained on both sides.
    sklearn.model_selection.TimeSeriesSplit : expanding-window forward chaining.

    References
    ----------
    .. [1] L. J. Tashman, "Out-of-sample tests of forecasting accuracy: an
       analysis and review", International Journal of Forecasting 16 (2000).
    .. [2] C. Bergmeir and J. M. Benítez, "On the use of cross-validation for
       time series predictor evaluation", Information Sciences 191 (2012).

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.model_selection import BlockedTimeSeriesSplit
    >>> X = np.zeros((12, 1))
    >>> cv = BlockedTimeSeriesSplit(n_splits=3, train_size=0.5, gap=1)
    >>> for train, test in cv.split(X):
    ...     print(train, test)
    [0 1] [3]
    [4 5] [7]
    [8 9] [11]
    """

    def __init__(self, n_splits: int = 5, train_size: float = 0.8, gap: int = 0):
        self.n_splits = n_splits
        self.train_size = train_size
        self.gap = gap

    def _n_train(self, block_size: int) -> int:
        if isinstance(self.train_size, numbers.Integral):
            return int(self.train_size)
        # round first so that e.g. 0.29 * 100 = 28.999999999999996 gives 29
        return int(np.floor(round(self.train_size * block_size, 9)))

    def _iter_splits(self, X, y, groups, n_samples):
        owner = type(self).__name__
        _check_int(owner, "n_splits", self.n_splits, 1)
        _check_int(owner, "gap", self.gap, 0)
        ts = self.train_size
        if isinstance(ts, bool) or not isinstance(ts, numbers.Real):
            raise ValueError(
                f"{owner}: train_size must be a float in (0, 1) or an integer >= 1, "
                f"got {ts!r}."
            )
        if isinstance(ts, numbers.Integral):
            if ts < 1:
                raise ValueError(
                    f"{owner}: an integer train_size must be >= 1, got train_size={ts}."
                )
        elif not 0 < ts < 1:
            raise ValueError(
                f"{owner}: a float train_size must be in (0, 1), got train_size={ts}."
            )
        _check_n_splits_vs_samples(owner, self.n_splits, n_samples)

        bounds = _block_bounds(n_samples, self.n_splits)
        for start, stop in bounds:
            size = stop - start
            n_train = self._n_train(size)
            n_test = size - n_train - self.gap
            if n_train < 1 or n_test < 1:
                raise ValueError(
                    f"{owner}: a block of {size} rows (n_samples={n_samples}, "
                    f"n_splits={self.n_splits}) with train_size={ts!r} "
                    f"({n_train} training rows) and gap={self.gap} leaves "
                    f"{max(n_train, 0)} training and {max(n_test, 0)} test rows; "
                    "each block needs at least one of each. Use fewer splits, a "
                    "smaller gap or another train_size."
                )
        for start, stop in bounds:
            n_train = self._n_train(stop - start)
            train = np.arange(start, start + n_train)
            test = np.arange(start + n_train + self.gap, stop)
            yield train, test


# ---------------------------------------------------------------------------
# BlockedKFold (hv-block)
# ---------------------------------------------------------------------------


class BlockedKFold(_TimeSeriesCV):
    """K-fold over contiguous blocks with gaps removed around the test block.

    The rows are cut into ``n_splits`` contiguous blocks (sizes differ by at most
    one; the first ``n_samples % n_splits`` blocks get one extra row). Each block
    is the test set exactly once; the model is trained on all other rows, on
    *both* sides of the test block, except the ``gap_before`` rows immediately
    before and the ``gap_after`` rows immediately after the test block. With
    ``gap_before = gap_after = h`` this is the K-fold form of the hv-block
    cross-validation of Racine (2000) (the "h-block" scheme of Burman, Chow &
    Nolan (1994) when each test block is a single row); with zero gaps it is
    the non-shuffled "blocked CV" studied by Bergmeir & Benítez (2012).

    When is it valid? Training on the future is harmless only if the test
    errors are uncorrelated with the training data. Bergmeir, Hyndman & Koo
    (2018) prove that K-fold CV (even with no gap) is valid for purely
    autoregressive models whose errors are uncorrelated, e.g. a model
    regressing ``y_t`` on enough lags ``y_{t-1}, ..., y_{t-p}``; then it uses the
    data better than forward-only evaluation. If the model leaves
    autocorrelation in the residuals (too few lags, moving-average structure,
    trend or non-stationarity), use a gap of at least the dependence length or
    a forward splitter (:class:`GroupTimeSeriesSplit`,
    :class:`sklearn.model_selection.TimeSeriesSplit`).

    Parameters
    ----------
    n_splits : int, default=5
        Number of blocks (and folds). Must be at least 2.
    gap_before : int, default=0
        Number of training rows removed immediately *before* each test block.
    gap_after : int, default=0
        Number of training rows removed immediately *after* each test block.

    References
    ----------
    .. [1] J. Racine, "Consistent cross-validatory model-selection for dependent
       data: hv-block cross-validation", Journal of Econometrics 99 (2000).
    .. [2] C. Bergmeir and J. M. Benítez, "On the use of cross-validation for
       time series predictor evaluation", Information Sciences 191 (2012).
    .. [3] C. Bergmeir, R. J. Hyndman and B. Koo, "A note on the validity of
       cross-validation for evaluating autoregressive time series prediction",
       Computational Statistics & Data Analysis 120 (2018).

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.model_selection import BlockedKFold
    >>> X = np.zeros((12, 1))
    >>> cv = BlockedKFold(n_splits=3, gap_before=1, gap_after=2)
    >>> for train, test in cv.split(X):
    ...     print(train, test)
    [ 6  7  8  9 10 11] [0 1 2 3]
    [ 0  1  2 10 11] [4 5 6 7]
    [0 1 2 3 4 5 6] [ 8  9 10 11]
    """

    def __init__(self, n_splits: int = 5, gap_before: int = 0, gap_after: int = 0):
        self.n_splits = n_splits
        self.gap_before = gap_before
        self.gap_after = gap_after

    def _iter_splits(self, X, y, groups, n_samples):
        owner = type(self).__name__
        _check_int(owner, "n_splits", self.n_splits, 2)
        _check_int(owner, "gap_before", self.gap_before, 0)
        _check_int(owner, "gap_after", self.gap_after, 0)
        _check_n_splits_vs_samples(owner, self.n_splits, n_samples)
        indices = np.arange(n_samples)
        folds = []
        for k, (start, stop) in enumerate(_block_bounds(n_samples, self.n_splits)):
            lo = max(start - self.gap_before, 0)
            hi = min(stop + self.gap_after, n_samples)
            train = np.concatenate([indices[:lo], indices[hi:]])
            if train.size == 0:
                raise ValueError(
                    f"{owner}: fold {k} (test rows {start}-{stop - 1} of "
                    f"n_samples={n_samples}) has no training rows left with "
                    f"gap_before={self.gap_before} and gap_after={self.gap_after}."
                    " Reduce the gaps or use more splits."
                )
            folds.append((train, indices[start:stop]))
        yield from folds


# ---------------------------------------------------------------------------
# GroupTimeSeriesSplit
# ---------------------------------------------------------------------------


def _contiguous_groups(owner: str, groups: Any, n_samples: int):
    """Run-length encode ``groups``; raise if a group label occurs in two runs.

    Returns ``(labels, starts, stops)`` in order of appearance.
    """
    if groups is None:
        raise ValueError(f"{owner}: the 'groups' parameter should not be None.")
    g = np.asarray(groups)
    if g.ndim != 1 or g.shape[0] != n_samples:
        raise ValueError(
            f"{owner}: groups must be 1-d with one label per sample; got shape "
            f"{g.shape} for n_samples={n_samples}."
        )
    if n_samples == 0:
        raise ValueError(f"{owner}: cannot split an empty X (n_samples=0).")
    missing = pd.isna(g)
    if missing.any():
        raise ValueError(
            f"{owner}: groups contains missing labels (first at row "
            f"{int(np.flatnonzero(missing)[0])})."
        )
    change = np.flatnonzero(g[1:] != g[:-1]) + 1
    starts = np.concatenate([[0], change])
    stops = np.concatenate([change, [n_samples]])
    labels = g[starts]
    seen: dict[Any, int] = {}
    for run, label in enumerate(labels.tolist()):
        if label in seen:
            first = seen[label]
            raise ValueError(
                f"{owner}: groups must be contiguous in time, but group {label!r} "
                f"occupies rows {starts[first]}-{stops[first] - 1} and again rows "
                f"{starts[run]}-{stops[run] - 1}. Sort the rows by time so that "
                "each group forms one block."
            )
        seen[label] = run
    return labels, starts, stops


class GroupTimeSeriesSplit(_TimeSeriesCV):
    """Forward-chaining time-series split over contiguous, ordered groups.

    :class:`sklearn.model_selection.TimeSeriesSplit` where the unit is a *group*
    (a day, a week, a trading session, ...) instead of a row, so that no group is
    ever split between the training and the test set (scikit-learn issue
    #14257). The groups must each form one contiguous run of rows; their time
    order is the order in which they appear. In the ``k``-th fold the test set
    is ``test_size`` consecutive groups and the training set is every earlier
    group except the ``gap`` groups just before the test groups (at most the
    last ``max_train_size`` groups). ``n_splits``, ``gap``, ``max_train_size`` and
    ``test_size`` are all counted in **groups**, with the same meaning as in
    ``TimeSeriesSplit``: the test groups of successive folds are consecutive
    and end with the last group, and ``test_size`` defaults to
    ``n_groups // (n_splits + 1)``.

    ``groups`` holds group labels, the meaning scikit-learn's tools give it:
    :func:`~sklearn.model_selection.permutation_test_score` with the same
    ``groups`` permutes ``y`` within each group (each day, week, ...), which
    keeps the within-group structure under the null hypothesis. With one
    sample per group nothing is permuted (p = 1), so give groups of several
    rows.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds. Must be at least 2.
    gap : int, default=0
        Number of groups left out between the training and the test groups.
    max_train_size : int, default=None
        Maximum number of groups in a training set (a rolling window); ``None``
        lets it grow.
    test_size : int, default=None
        Number of groups in each test set; defaults to
        ``n_groups // (n_splits + 1)``.

    References
    ----------
    .. [1] scikit-learn issue #14257, "Time series split with groups" (2019).
    .. [2] L. J. Tashman, "Out-of-sample tests of forecasting accuracy: an
       analysis and review", International Journal of Forecasting 16 (2000).

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.model_selection import GroupTimeSeriesSplit
    >>> groups = np.array([0, 0, 0, 1, 1, 2, 2, 2, 3, 4, 4, 4])
    >>> cv = GroupTimeSeriesSplit(n_splits=3, test_size=1, gap=1)
    >>> for train, test in cv.split(np.zeros((12, 1)), groups=groups):
    ...     print(train, test)
    [0 1 2] [5 6 7]
    [0 1 2 3 4] [8]
    [0 1 2 3 4 5 6 7] [ 9 10 11]
    """

    __metadata_request__split = {"groups": True}
    _reads_groups = True

    def __init__(
        self,
        n_splits: int = 5,
        gap: int = 0,
        max_train_size: int | None = None,
        test_size: int | None = None,
    ):
        self.n_splits = n_splits
        self.gap = gap
        self.max_train_size = max_train_size
        self.test_size = test_size

    def _iter_splits(self, X, y, groups, n_samples):
        owner = type(self).__name__
        _check_int(owner, "n_splits", self.n_splits, 2)
        _check_int(owner, "gap", self.gap, 0)
        _check_int(owner, "max_train_size", self.max_train_size, 1, allow_none=True)
        _check_int(owner, "test_size", self.test_size, 1, allow_none=True)
        _, starts, stops = _contiguous_groups(owner, groups, n_samples)
        n_groups = len(starts)
        n_splits = self.n_splits
        if n_splits + 1 > n_groups:
            raise ValueError(
                f"{owner}: cannot have n_splits + 1 = {n_splits + 1} folds with only "
                f"n_groups={n_groups} distinct groups."
            )
        test_size = (
            self.test_size if self.test_size is not None else n_groups // (n_splits + 1)
        )
        if n_groups - self.gap - test_size * n_splits <= 0:
            raise ValueError(
                f"{owner}: too many splits: n_splits={n_splits} test sets of "
                f"test_size={test_size} groups plus gap={self.gap} groups need more "
                f"than the n_groups={n_groups} groups available (the first fold "
                "must keep at least one training group)."
            )
        first_test = n_groups - n_splits * test_size
        for test_start in range(first_test, n_groups, test_size):
            train_end = test_start - self.gap
            train_start = 0
            if self.max_train_size is not None:
                train_start = max(train_end - self.max_train_size, 0)
            train = np.arange(starts[train_start], stops[train_end - 1])
            test = np.arange(starts[test_start], stops[test_start + test_size - 1])
            yield train, test
