"""Purged and embargoed K-fold splitters (López de Prado 2018, chapters 7 and 12).

Label intervals
---------------
Each sample ``i`` has a label interval ``[t0_i, t1_i]``: ``t0_i`` is when the
sample is observed and ``t1_i`` the last time whose information its label uses
(e.g. the close ``h`` bars later for an ``h``-bar return). Two samples leak into
each other when their label intervals intersect. The intervals are *closed*: a
training label that ends exactly when a test period starts is purged (the
reference code of López de Prado keeps it). This is the conservative choice;
with ``horizon=h`` it purges exactly the ``h`` rows before a test fold. The
intervals come from one of two sources:

* ``horizon`` (constructor, an ``int``): ``t0_i = i`` and ``t1_i = i + horizon``
  in rows. Data-free, so the splitter is an ordinary clone-able configuration.
* ``groups`` (argument of ``split``): one label end ``t1_i`` per sample,
  expressed on **X's index** (``t0_i`` is ``X.index[i]`` for a pandas ``X``, and
  the row position ``i`` for a numpy ``X``). ``groups`` is used because it is the
  per-sample array that :func:`~sklearn.model_selection.cross_val_score`,
  :func:`~sklearn.model_selection.cross_validate`,
  :class:`~sklearn.model_selection.GridSearchCV`,
  :func:`~sklearn.model_selection.learning_curve` etc. forward to the splitter
  (``groups=t1``). With metadata routing enabled, the splitters request
  ``groups`` by default, so ``params={"groups": t1}`` reaches them as well.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd

from ._split import _block_bounds, _check_int, _check_n_splits_vs_samples, _TimeSeriesCV

__all__ = ["CombinatorialPurgedKFold", "PurgedKFold"]


def _label_end_positions(owner: str, X: Any, groups: Any, horizon: int, n: int):
    """Row position of the last sample observed no later than each label end.

    Returns ``end`` with ``end[i] >= i``: the label of sample ``i`` overlaps
    sample ``j``'s observation time iff ``i <= j <= end[i]`` (for ``j >= i``).
    """
    if groups is None:
        return np.minimum(np.arange(n) + horizon, n - 1)
    if horizon != 0:
        raise ValueError(
            f"{owner}: pass label ends either through horizon or through groups, "
            f"not both (got horizon={horizon} and groups)."
        )
    if isinstance(groups, pd.DataFrame) or np.ndim(groups) != 1:
        raise ValueError(
            f"{owner}: groups (the label end time of each sample) must be 1-d; got "
            f"shape {np.shape(groups)}."
        )
    if len(groups) != n:
        raise ValueError(
            f"{owner}: groups (label end times) has {len(groups)} entries but X "
            f"has n_samples={n}."
        )
    t1 = pd.Index(groups)
    if t1.hasnans:
        raise ValueError(f"{owner}: groups (label end times) contains missing values.")
    x_index = getattr(X, "index", None)
    if isinstance(x_index, pd.Index):
        if isinstance(groups, pd.Series) and not groups.index.equals(x_index):
            raise ValueError(
                f"{owner}: groups is a pandas Series whose index differs from X's "
                "index; align it with X (e.g. groups=t1.reindex(X.index))."
            )
        t0 = x_index
        where = "X's index"
    else:
        t0 = pd.RangeIndex(n)
        where = "the row position (X has no index)"
    if not t0.is_monotonic_increasing:
        bad = int(np.flatnonzero(np.asarray(t0[1:]) < np.asarray(t0[:-1]))[0]) + 1
        raise ValueError(
            f"{owner}: X's index must be sorted in increasing time order, but row "
            f"{bad} ({t0[bad]!r}) is earlier than row {bad - 1} ({t0[bad - 1]!r})."
        )
    try:
        before = np.asarray(t1 < t0)
        end = t0.searchsorted(t1, side="right") - 1
    except TypeError as exc:
        raise ValueError(
            f"{owner}: label end times in groups (dtype {t1.dtype}) cannot be "
            f"compared with sample times taken from {where} (dtype {t0.dtype})."
        ) from exc
    if before.any():
        i = int(np.flatnonzero(before)[0])
        raise ValueError(
            f"{owner}: the label of sample {i} ends ({t1[i]!r}) before the sample "
            f"is observed ({t0[i]!r}, from {where}); label ends in groups must be "
            ">= the sample times."
        )
    return np.asarray(end, dtype=np.intp)


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
            f"training rows left after purging (horizon={horizon} or label ends "
            f"in groups) and embargo={embargo}. Use a shorter horizon, a smaller "
            "embargo or fewer test groups."
        )
    return idx[train]


class PurgedKFold(_TimeSeriesCV):
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

    **Passing label end times.** A fixed horizon goes to the constructor
    (``horizon=h``). Per-sample label end times go to ``split`` as ``groups``,
    expressed on X's index: with a pandas ``X`` indexed by time, ``groups[i]`` is
    the time at which sample ``i``'s label is known (López de Prado's ``t1``);
    with a numpy ``X`` it is the row position of the last row the label uses.
    Through scikit-learn's tools this reads
    ``cross_val_score(est, X, y, cv=PurgedKFold(), groups=t1)`` or
    ``GridSearchCV(est, grid, cv=PurgedKFold()).fit(X, y, groups=t1)``; with
    metadata routing enabled the splitter requests ``groups`` by default, so
    ``params={"groups": t1}`` works too. Keep X as a pandas object with a time
    index when nesting CV (numpy row positions are not renumbered for subsets).

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds. Must be at least 2.
    embargo : int, default=0
        Number of rows after each test period removed from training.
    horizon : int, default=0
        Label horizon in rows, used when ``groups`` is not given: the label of
        sample ``i`` ends at row ``i + horizon``. ``0`` means labels do not
        overlap (no purging).

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
    >>> for train, test in PurgedKFold(n_splits=3).split(X, groups=t1):
    ...     print(train, test)
    [3 4 5] [0 1]
    [0 5] [2 3]
    [0 1 2] [4 5]

    In scikit-learn's tools the label end times travel as ``groups``:

    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.model_selection import cross_val_score
    >>> y = pd.Series(np.arange(6.0), index=idx)
    >>> scores = cross_val_score(
    ...     Ridge(), X, y, cv=PurgedKFold(n_splits=3), groups=t1,
    ...     scoring="neg_mean_absolute_error",
    ... )
    >>> scores.shape
    (3,)
    """

    __metadata_request__split = {"groups": True}

    def __init__(self, n_splits: int = 5, embargo: int = 0, horizon: int = 0):
        self.n_splits = n_splits
        self.embargo = embargo
        self.horizon = horizon

    def _iter_splits(self, X, y, groups, n_samples):
        owner = type(self).__name__
        _check_int(owner, "n_splits", self.n_splits, 2)
        _check_int(owner, "embargo", self.embargo, 0)
        _check_int(owner, "horizon", self.horizon, 0)
        _check_n_splits_vs_samples(owner, self.n_splits, n_samples)
        end = _label_end_positions(owner, X, groups, self.horizon, n_samples)
        folds = []
        for k, (start, stop) in enumerate(_block_bounds(n_samples, self.n_splits)):
            train = _purged_train(
                owner, end, [(start, stop)], self.embargo, k, self.horizon
            )
            folds.append((train, np.arange(start, stop)))
        yield from folds


class CombinatorialPurgedKFold(_TimeSeriesCV):
    """Combinatorial purged cross-validation (CPCV, López de Prado 2018, ch. 12).

    The rows are cut into ``n_splits`` contiguous groups (sizes differ by at most
    one). Every one of the ``C(n_splits, n_test_splits)`` combinations of
    ``n_test_splits`` groups is the test set once (in lexicographic order of
    the group numbers); the training set is the other groups, purged and
    embargoed around every test group exactly as in :class:`PurgedKFold`
    (label ends come from ``horizon`` or from ``groups``, see there).

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
    horizon : int, default=0
        Label horizon in rows, used when ``groups`` is not given.

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

    __metadata_request__split = {"groups": True}

    def __init__(
        self,
        n_splits: int = 6,
        n_test_splits: int = 2,
        embargo: int = 0,
        horizon: int = 0,
    ):
        self.n_splits = n_splits
        self.n_test_splits = n_test_splits
        self.embargo = embargo
        self.horizon = horizon

    def _check_sizes(self) -> None:
        owner = type(self).__name__
        _check_int(owner, "n_splits", self.n_splits, 2)
        _check_int(owner, "n_test_splits", self.n_test_splits, 1)
        if self.n_test_splits >= self.n_splits:
            raise ValueError(
                f"{owner}: n_test_splits must be smaller than n_splits, got "
                f"n_test_splits={self.n_test_splits} and n_splits={self.n_splits}."
            )

    def get_n_splits(self, X: Any = None, y: Any = None, groups: Any = None) -> int:
        """Return the number of splits, ``C(n_splits, n_test_splits)``.

        Parameters
        ----------
        X, y, groups : object
            Ignored, exist for compatibility.

        Returns
        -------
        n_splits : int
            Number of train/test splits.
        """
        self._check_sizes()
        return math.comb(self.n_splits, self.n_test_splits)

    def get_n_paths(self) -> int:
        """Return the number of backtest paths, ``C(N, k) * k / N``.

        Returns
        -------
        n_paths : int
            Equal to ``C(n_splits - 1, n_test_splits - 1)``.
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
        """
        n_samples = len(X)
        self._check_sizes()
        _check_n_splits_vs_samples(type(self).__name__, self.n_splits, n_samples)
        bounds = _block_bounds(n_samples, self.n_splits)
        return [
            [(int(s), np.arange(*bounds[g])) for g, s in enumerate(row)]
            for row in self.get_backtest_paths()
        ]

    def _iter_splits(self, X, y, groups, n_samples):
        owner = type(self).__name__
        self._check_sizes()
        _check_int(owner, "embargo", self.embargo, 0)
        _check_int(owner, "horizon", self.horizon, 0)
        _check_n_splits_vs_samples(owner, self.n_splits, n_samples)
        end = _label_end_positions(owner, X, groups, self.horizon, n_samples)
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
