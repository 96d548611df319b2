"""Purged and embargoed K-fold splitters (López de Prado 2018, chapters 7 and 12).

Label intervals
---------------
Each sample ``i`` has a label interval ``[t0_i, t1_i]``: ``t0_i`` is when the
sample is observed and ``t1_i`` the last time whose information its label uses
(e.g. the close ``h`` bars later for an ``h``-bar return). Two samples leak into
each other when their label intervals intersect. The intervals are *closed*: a
training label that ends exactly when a test period starts is purged (the
reference code of López de Prado keeps it). This is the conservative choice;
with ``horizon=h`` it purges exactly the ``h`` rows before a test fold.

Where the label end times come from (exactly one source; none means no
purging):

* ``horizon`` (constructor). An ``int`` is a horizon in rows: ``t0_i = i`` and
  ``t1_i = i + horizon``. A duration (``"5D"``, ``pd.Timedelta(hours=6)``) is
  a horizon in time on X's ``DatetimeIndex``: ``t1_i = X.index[i] + horizon``.
  Both are data-free, so they hold for any subset of rows (nested CV,
  ``learning_curve``) and the splitter is an ordinary clone-able configuration.
* ``label_end_times`` (constructor): per-sample end times ``t1``, as a pandas
  Series indexed by the sample times and looked up with X's index (so it also
  works on any subset of a time-indexed X), or an array with one entry per row
  of X. **This is the recommended way to pass per-sample end times**: it does
  not go through ``groups``, so scikit-learn tools that read ``groups`` as
  group labels are not affected.
* ``label_end_times`` (argument of ``split``): the same, routed as metadata.
  With ``sklearn.set_config(enable_metadata_routing=True)`` the splitters
  request it by default: ``cross_validate(est, X, y, cv=PurgedKFold(),
  params={"label_end_times": t1})``; the tools subset it with the rows.
* ``groups`` (argument of ``split``; kept for backward compatibility, **warns**).
  scikit-learn's tools treat ``groups`` as *group labels*:
  :func:`~sklearn.model_selection.permutation_test_score` only permutes ``y``
  within groups, and since every end time is unique nothing is permuted (all
  permutation scores equal the real one and the p-value is 1). Any other
  consumer of ``groups`` in the same call (a group-aware splitter, a
  ``GroupKFold`` inside a pipeline) misreads them the same way.

End times are expressed on **X's index**: ``t0_i`` is ``X.index[i]`` for a
pandas ``X``, and the row position ``i`` for a numpy ``X``.
"""

from __future__ import annotations

import datetime
import itertools
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils import indexable

from ._label_ends import _label_ends
from ._split import (
    _block_bounds,
    _check_int,
    _check_n_splits_vs_samples,
    _check_time_index_sorted,
    _n_samples,
    _TimeSeriesCV,
)

__all__ = ["CombinatorialPurgedKFold", "PurgedKFold"]


class _PurgedCV(_TimeSeriesCV):
    """Shared ``split`` of the purged splitters (label end times, see module)."""

    __metadata_request__split = {"groups": True, "label_end_times": True}
    _reads_groups = True

    def split(
        self,
        X: Any,
        y: Any = None,
        groups: Any = None,
        label_end_times: Any = None,
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Generate indices to split data into training and test set.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, rows sorted in time. A pandas ``X`` supplies the
            sample times (its index) that label end times are compared with.
        y : array-like of shape (n_samples,), default=None
            The target variable; not used for splitting.
        groups : array-like of shape (n_samples,), default=None
            Label end times, **deprecated route** kept for backward
            compatibility: it warns, because scikit-learn tools read
            ``groups`` as group labels (``permutation_test_score`` then
            permutes nothing). Use ``label_end_times`` instead.
        label_end_times : array-like of shape (n_samples,), default=None
            Label end time of each sample (see the class docstring), e.g.
            routed as metadata ``params={"label_end_times": t1}`` when
            scikit-learn's metadata routing is enabled.

        Yields
        ------
        train : ndarray
            The training set indices for that split.
        test : ndarray
            The testing set indices for that split.

        Raises
        ------
        ValueError
            If a parameter is out of range, ``n_splits`` exceeds the number of
            samples, X's time index is not sorted, label end times come from
            more than one source, do not match X (length, index, comparable
            dtype), are missing or end before their sample, a duration
            ``horizon`` is used without a ``DatetimeIndex``, or a fold has no
            training rows left after purging and embargo.
        """
        X, y, groups = indexable(X, y, groups)
        n_samples = _n_samples(X)
        _check_time_index_sorted(type(self).__name__, X)
        self._check_params(n_samples)
        end = _label_ends(self, X, groups, label_end_times, n_samples)
        yield from self._purged_folds(end, n_samples)

    def get_n_splits(
        self,
        X: Any = None,
        y: Any = None,
        groups: Any = None,
        label_end_times: Any = None,
    ) -> int:
        """Return the number of splitting iterations, ``n_splits``.

        Parameters
        ----------
        X, y, groups, label_end_times : object
            Ignored, exist for compatibility.

        Returns
        -------
        n_splits : int
            Number of folds.
        """
        return self.n_splits

    def __repr__(self) -> str:
        params = self.get_params()
        shown = ", ".join(f"{k}={_short(v)}" for k, v in params.items())
        return f"{type(self).__name__}({shown})"


def _short(value: Any) -> str:
    if np.ndim(value) >= 1:
        return f"<{type(value).__name__} of {len(value)} end times>"
    return repr(value)


def _purged_train(
    owner: str,
    end: np.ndarray,
    test_blocks: list[tuple[int, int]],
    embargo: int,
    fold: int,
    horizon: int,
) -> np.ndarray:
    """Training rows: not tested, not overlapping a test period, not embargoed."""
    n = end.shape[0]
    idx = np.arange(n)
    train = np.ones(n, dtype=bool)
    for start, stop in test_blocks:
        period_end = int(end[start:stop].max())
        # closed intervals [j, end[j]] and [start, period_end] intersect
        train &= ~((idx <= period_end) & (end >= start))
        train[period_end + 1 : period_end + 1 + embargo] = False
    if not train.any():
        tested = ", ".join(f"{a}-{b - 1}" for a, b in test_blocks)
        raise ValueError(
            f"{owner}: fold {fold} (test rows {tested} of n_samples={n}) has no "
            f"training rows left after purging (horizon={horizon!r} or the label "
            f"end times) and embargo={embargo}. Use a shorter horizon, a smaller "
            "embargo or fewer test groups."
        )
    return idx[train]


class PurgedKFold(_PurgedCV):
    """K-fold with purging and embargo for overlapping labels (López de Prado).

    The rows are cut into ``n_splits`` contiguous test folds (sizes differ by at
    most one; the first ``n_samples % n_splits`` folds get one extra row), each
    tested once. The test period of a fold runs from its first sample's time to
    the latest label end among its samples. From the remaining rows we

    * **purge** every sample whose label interval ``[t0_j, t1_j]`` intersects the
      test period (on either side of the fold), and
    * **embargo** the ``embargo`` rows that follow the test period, i.e. the
      first ``embargo`` rows observed after the latest test label end, to guard
      against serial correlation beyond the label overlap.

    With ``horizon=h`` (label of row ``i`` uses rows ``i..i+h``) this removes the
    ``h`` rows before each fold and the ``h + embargo`` rows after it.

    **Passing label end times.** A fixed horizon goes to the constructor:
    ``horizon=h`` in rows, or ``horizon="5D"`` in time on a time-indexed X.
    Per-sample label end times (López de Prado's ``t1``: the time at which
    sample ``i``'s label is known) also go to the constructor,
    ``PurgedKFold(label_end_times=t1)``, as a pandas Series indexed by the
    sample times; rows of X are looked up by X's index, so the splitter works
    on any subset (nested CV, ``learning_curve``). With a numpy ``X``,
    ``label_end_times`` holds one row position per row (the last row the
    label uses) and must have X's length. Through scikit-learn's tools this
    reads ``cross_val_score(est, X, y, cv=PurgedKFold(label_end_times=t1))``,
    with nothing passed as ``groups``. With metadata routing enabled,
    ``params={"label_end_times": t1}`` reaches ``split`` too.

    **Do not pass end times as ``groups``.** It still works for backward
    compatibility but warns: scikit-learn tools read ``groups`` as group
    labels; :func:`~sklearn.model_selection.permutation_test_score` permutes
    ``y`` only within groups, so with one "group" per sample it permutes
    nothing and returns p = 1.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds. Must be at least 2.
    embargo : int, default=0
        Number of rows after each test period removed from training.
    horizon : int, str, timedelta or pandas DateOffset, default=0
        Label horizon. An integer counts rows: the label of sample ``i`` ends
        at row ``i + horizon``. A duration (``"5D"``, ``"6h"``,
        ``pd.Timedelta``) or a calendar offset (``pd.DateOffset(months=12)``)
        counts time on X's ``DatetimeIndex``: the label ends at
        ``X.index[i] + horizon``. ``0`` means labels do not overlap (no
        purging, unless ``label_end_times`` is given).
    label_end_times : pandas Series or array-like of shape (n_samples,), \
            default=None
        Per-sample label end times: a Series indexed by the sample times (X's
        index), whose values are the end times; or, for a numpy X, one row
        position per row. Exclusive with a non-zero ``horizon``.

    References
    ----------
    .. [1] M. López de Prado, "Advances in Financial Machine Learning", Wiley
       (2018), chapter 7 ("Cross-validation in finance").

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.model_selection import PurgedKFold
    >>> X = np.zeros((12, 1))
    >>> cv = PurgedKFold(n_splits=3, horizon=1, embargo=1)
    >>> for train, test in cv.split(X):
    ...     print(train, test)
    [ 6  7  8  9 10 11] [0 1 2 3]
    [ 0  1  2 10 11] [4 5 6 7]
    [0 1 2 3 4 5 6] [ 8  9 10 11]

    Label end times given per sample, on a time index:

    >>> import pandas as pd
    >>> idx = pd.date_range("2024-01-01", periods=6, freq="D")
    >>> X = pd.DataFrame({"x": range(6)}, index=idx)
    >>> t1 = pd.Series(idx + pd.Timedelta("1D"), index=idx)  # next-day labels
    >>> for train, test in PurgedKFold(n_splits=3, label_end_times=t1).split(X):
    ...     print(train, test)
    [3 4 5] [0 1]
    [0 5] [2 3]
    [0 1 2] [4 5]

    The same folds from a one-day horizon in time:

    >>> for train, test in PurgedKFold(n_splits=3, horizon="1D").split(X):
    ...     print(train, test)
    [3 4 5] [0 1]
    [0 5] [2 3]
    [0 1 2] [4 5]

    In scikit-learn's tools the splitter carries the end times, so nothing
    travels as ``groups``:

    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.model_selection import cross_val_score
    >>> y = pd.Series(np.arange(6.0), index=idx)
    >>> scores = cross_val_score(
    ...     Ridge(), X, y, cv=PurgedKFold(n_splits=3, label_end_times=t1),
    ...     scoring="neg_mean_absolute_error",
    ... )
    >>> scores.shape
    (3,)
    """

    def __init__(
        self,
        n_splits: int = 5,
        embargo: int = 0,
        horizon: int | str | datetime.timedelta | pd.DateOffset = 0,
        label_end_times: Any = None,
    ):
        self.n_splits = n_splits
        self.embargo = embargo
        self.horizon = horizon
        self.label_end_times = label_end_times

    def _check_params(self, n_samples: int) -> None:
        owner = type(self).__name__
        _check_int(owner, "n_splits", self.n_splits, 2)
        _check_int(owner, "embargo", self.embargo, 0)
        _check_n_splits_vs_samples(owner, self.n_splits, n_samples)

    def _purged_folds(self, end: np.ndarray, n_samples: int):
        folds = []
        for k, (start, stop) in enumerate(_block_bounds(n_samples, self.n_splits)):
            train = _purged_train(
                type(self).__name__,
                end,
                [(start, stop)],
                self.embargo,
                k,
                self.horizon,
            )
            folds.append((train, np.arange(start, stop)))
        yield from folds


class CombinatorialPurgedKFold(_PurgedCV):
    """Combinatorial purged cross-validation (CPCV, López de Prado 2018, ch. 12).

    The rows are cut into ``n_splits`` contiguous groups (sizes differ by at most
    one). Every one of the ``C(n_splits, n_test_splits)`` combinations of
    ``n_test_splits`` groups is the test set once (in lexicographic order of
    the group numbers); the training set is the other groups, purged and
    embargoed around every test group exactly as in :class:`PurgedKFold`
    (label ends come from ``horizon`` or from ``label_end_times``, see there;
    passing them as ``groups`` still works but warns, since scikit-learn tools
    read ``groups`` as group labels).

    Each group is tested in ``C(n_splits - 1, n_test_splits - 1)`` splits, so the
    out-of-sample predictions can be recombined into
    ``n_paths = C(n_splits, n_test_splits) * n_test_splits / n_splits``
    complete backtest paths, each covering every row exactly once. Path ``p``
    takes group ``g``'s predictions from the ``p``-th split (in split order)
    whose test set contains ``g``; see :meth:`get_backtest_paths` and
    :meth:`get_path_test_indices`.

    Parameters
    ----------
    n_splits : int, default=6
        Number of groups ``N``. Must be at least 2.
    n_test_splits : int, default=2
        Number of groups ``k`` in each test set, ``1 <= k < N``.
    embargo : int, default=0
        Number of rows after each test period removed from training.
    horizon : int or str or timedelta, default=0
        Label horizon in rows (int) or in time on X's ``DatetimeIndex``
        (duration), as in :class:`PurgedKFold`.
    label_end_times : pandas Series or array-like of shape (n_samples,), \
            default=None
        Per-sample label end times, as in :class:`PurgedKFold`.

    References
    ----------
    .. [1] M. López de Prado, "Advances in Financial Machine Learning", Wiley
       (2018), chapter 12 ("Backtesting through cross-validation").

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.model_selection import CombinatorialPurgedKFold
    >>> X = np.zeros((12, 1))
    >>> cv = CombinatorialPurgedKFold(n_splits=4, n_test_splits=2, horizon=1)
    >>> for train, test in cv.split(X):
    ...     print(train, test)
    [ 7  8  9 10 11] [0 1 2 3 4 5]
    [ 4 10 11] [0 1 2 6 7 8]
    [4 5 6 7] [ 0  1  2  9 10 11]
    [ 0  1 10 11] [3 4 5 6 7 8]
    [0 1 7] [ 3  4  5  9 10 11]
    [0 1 2 3 4] [ 6  7  8  9 10 11]
    >>> cv.get_n_paths()
    3
    >>> cv.get_backtest_paths()
    array([[0, 0, 1, 2],
           [1, 3, 3, 4],
           [2, 4, 5, 5]])

    Recombining out-of-sample predictions into the backtest paths:

    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.model_selection import cross_validate
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(12, 2)), rng.normal(size=12)
    >>> fitted = cross_validate(Ridge(), X, y, cv=cv, return_estimator=True)
    >>> paths = []
    >>> for path in cv.get_path_test_indices(X):
    ...     pred = np.empty(len(y))
    ...     for split, rows in path:
    ...         pred[rows] = fitted["estimator"][split].predict(X[rows])
    ...     paths.append(pred)
    >>> len(paths), paths[0].shape
    (3, (12,))
    """

    def __init__(
        self,
        n_splits: int = 6,
        n_test_splits: int = 2,
        embargo: int = 0,
        horizon: int | str | datetime.timedelta | pd.DateOffset = 0,
        label_end_times: Any = None,
    ):
        self.n_splits = n_splits
        self.n_test_splits = n_test_splits
        self.embargo = embargo
        self.horizon = horizon
        self.label_end_times = label_end_times

    def _check_sizes(self) -> None:
        owner = type(self).__name__
        _check_int(owner, "n_splits", self.n_splits, 2)
        _check_int(owner, "n_test_splits", self.n_test_splits, 1)
        if self.n_test_splits >= self.n_splits:
            raise ValueError(
                f"{owner}: n_test_splits must be smaller than n_splits, got "
                f"n_test_splits={self.n_test_splits} and n_splits={self.n_splits}."
            )

    def get_n_splits(
        self,
        X: Any = None,
        y: Any = None,
        groups: Any = None,
        label_end_times: Any = None,
    ) -> int:
        """Return the number of splits, ``C(n_splits, n_test_splits)``.

        Parameters
        ----------
        X, y, groups, label_end_times : object
            Ignored, exist for compatibility.

        Returns
        -------
        n_splits : int
            Number of train/test splits.

        Raises
        ------
        ValueError
            If ``n_splits`` or ``n_test_splits`` is not an integer in range or
            ``n_test_splits >= n_splits``.
        """
        self._check_sizes()
        return math.comb(self.n_splits, self.n_test_splits)

    def get_n_paths(self) -> int:
        """Return the number of backtest paths, ``C(N, k) * k / N``.

        Returns
        -------
        n_paths : int
            Equal to ``C(n_splits - 1, n_test_splits - 1)``.

        Raises
        ------
        ValueError
            If ``n_splits`` or ``n_test_splits`` is out of range.
        """
        self._check_sizes()
        return math.comb(self.n_splits - 1, self.n_test_splits - 1)

    def _combinations(self) -> list[tuple[int, ...]]:
        return list(itertools.combinations(range(self.n_splits), self.n_test_splits))

    def get_backtest_paths(self) -> np.ndarray:
        """Which split supplies each group's predictions on each backtest path.

        Returns
        -------
        paths : ndarray of shape (n_paths, n_splits)
            ``paths[p, g]`` is the number of the split (in the order ``split``
            yields them) whose test predictions for group ``g`` belong to path
            ``p``.

        Raises
        ------
        ValueError
            If ``n_splits`` or ``n_test_splits`` is out of range.
        """
        self._check_sizes()
        paths = np.empty((self.get_n_paths(), self.n_splits), dtype=np.intp)
        seen = np.zeros(self.n_splits, dtype=np.intp)
        for s, combo in enumerate(self._combinations()):
            for g in combo:
                paths[seen[g], g] = s
                seen[g] += 1
        return paths

    def get_path_test_indices(
        self, X: Any, y: Any = None, groups: Any = None
    ) -> list[list[tuple[int, np.ndarray]]]:
        """Backtest paths as (split number, test rows) pieces in time order.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data (only its length is used).
        y, groups : object
            Ignored, exist for symmetry with ``split``.

        Returns
        -------
        paths : list of list of (int, ndarray)
            ``paths[p]`` has one ``(split, rows)`` pair per group: the rows of
            that group and the split whose test predictions fill them on path
            ``p``. Concatenating the ``rows`` of a path gives every row once.

        Raises
        ------
        ValueError
            If ``n_splits`` or ``n_test_splits`` is out of range, or X has
            fewer rows than ``n_splits``.
        """
        n_samples = len(X)
        self._check_sizes()
        _check_n_splits_vs_samples(type(self).__name__, self.n_splits, n_samples)
        bounds = _block_bounds(n_samples, self.n_splits)
        return [
            [(int(s), np.arange(*bounds[g])) for g, s in enumerate(row)]
            for row in self.get_backtest_paths()
        ]

    def _check_params(self, n_samples: int) -> None:
        owner = type(self).__name__
        self._check_sizes()
        _check_int(owner, "embargo", self.embargo, 0)
        _check_n_splits_vs_samples(owner, self.n_splits, n_samples)

    def _purged_folds(self, end: np.ndarray, n_samples: int):
        owner = type(self).__name__
        bounds = _block_bounds(n_samples, self.n_splits)
        folds = []
        for s, combo in enumerate(self._combinations()):
            # merge adjacent test groups into contiguous test blocks
            blocks: list[list[int]] = []
            for g in combo:
                start, stop = (int(b) for b in bounds[g])
                if blocks and blocks[-1][1] == start:
                    blocks[-1][1] = stop
                else:
                    blocks.append([start, stop])
            test_blocks = [(a, b) for a, b in blocks]
            train = _purged_train(
                owner, end, test_blocks, self.embargo, s, self.horizon
            )
            test = np.concatenate([np.arange(a, b) for a, b in test_blocks])
            folds.append((train, test))
        yield from folds
