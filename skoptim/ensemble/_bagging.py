"""Bagging meta-estimators with bootstrap uncertainty.

The ensembles subclass :class:`sklearn.ensemble.BaggingRegressor` and
:class:`sklearn.ensemble.BaggingClassifier`: member fitting, sub-sampling,
``warm_start``, out-of-bag scoring and the joblib parallelism are
scikit-learn's. What is added here is what scikit-learn declines to provide
(scikit-learn issues #3271 and #23257): the spread of the members'
predictions, calibrated prediction intervals by jackknife+-after-bootstrap,
and disagreement measures for classification.
"""

from __future__ import annotations

import itertools
from numbers import Integral, Real
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import is_classifier
from sklearn.ensemble import BaggingRegressor as _SkBaggingRegressor
from sklearn.ensemble._base import _partition_estimators
from sklearn.metrics import r2_score
from sklearn.utils._mask import indices_to_mask
from sklearn.utils.metadata_routing import (
    _raise_for_params,
    _routing_enabled,
    process_routing,
)
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from skoptim.ensemble import _callbacks
from skoptim.ensemble._intervals import check_interval_args, jackknife_plus
from skoptim.utils._callbacks import CallbackSupportMixin

from ..utils._warnings import warn_user

__all__ = ["BaggingRegressor"]


def _n_rows_drawn(n_samples, max_samples, sample_weight):
    """Rows drawn per member for ``max_samples`` (as scikit-learn counts them)."""
    if max_samples is None:
        return n_samples
    if isinstance(max_samples, Integral):
        return int(max_samples)
    total = n_samples if sample_weight is None else float(np.sum(sample_weight))
    return max(int(max_samples * total), 1)


def _member_outputs(estimators, estimators_features, X, method, params=None):
    """Return ``method`` applied by each member to its own feature subset."""
    return [
        getattr(estimator, method)(X[:, features], **(params or {}))
        for estimator, features in zip(estimators, estimators_features, strict=True)
    ]


class _BootstrapUncertaintyMixin(CallbackSupportMixin):
    """Shared fit-time checks and bookkeeping for the two bagging ensembles.

    Callbacks (``set_callbacks``): the fit is the root task and each member
    fit by this call a subtask (``task_id`` = the member's index in
    ``estimators_``), into which the callbacks are propagated; any
    ``n_jobs`` (see ``_callbacks``). ``verbose`` prints one line per member
    (see ``_callbacks.print_member_log``).
    """

    def _check_base_kind(self, estimator):
        """Raise if the base estimator is of the wrong kind (clf vs reg)."""

    def fit(
        self,
        X: ArrayLike,
        y: ArrayLike,
        sample_weight: ArrayLike | None = None,
        **fit_params,
    ):
        """Fit the members, each on its own random subsample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training inputs (sparse only if the base accepts it).
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets (class labels for the classifier).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights, used as the probabilities with which rows
            are drawn (as in scikit-learn): a zero-weight row is never drawn,
            and is left out of everything out-of-bag (``oob_score_``, the
            out-of-bag predictions, the jackknife+ calibration of
            ``predict_interval``), as a missing row would be.
        **fit_params : dict
            Routed to the members' ``fit`` through metadata routing (only
            with ``sklearn.set_config(enable_metadata_routing=True)``).

        Returns
        -------
        self : object
            The fitted ensemble.

        Raises
        ------
        ValueError
            If X or y is invalid; if ``sample_weight`` has negative values,
            only zeros or the wrong length; if ``max_samples`` yields fewer
            than 2 rows per member; if ``oob_score=True`` with
            ``bootstrap=False``; if the base is of the wrong kind (a regressor
            for the classifier or a classifier for the regressor); if a
            parameter is out of range; if ``fit_params`` are passed without
            metadata routing enabled (the message names them).
        TypeError
            If, with metadata routing enabled, a keyword in ``fit_params`` is
            not requested by the base estimator (e.g. the typo
            ``sample_weights=``).
        """
        return super().fit(X, y, sample_weight=sample_weight, **fit_params)

    def _fit(
        self,
        X,
        y,
        max_samples=None,
        max_depth=None,
        check_input=True,
        sample_weight=None,
        **fit_params,
    ):
        name = type(self).__name__
        if sample_weight is not None:
            # zero weight = a missing row; negative weights are refused
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=None, ensure_non_negative=True
            )
        base = self._get_estimator()
        self._check_base_kind(base)

        if self.oob_score and not self.bootstrap:
            raise ValueError(
                f"{name}: oob_score=True needs bootstrap=True, because "
                "out-of-bag samples only exist when members are fit on bootstrap "
                "samples. Set bootstrap=True, or oob_score=False."
            )

        requested = self.max_samples if max_samples is None else max_samples
        if requested is None and sample_weight is not None:
            # None means "as many rows as the data has"; rows of weight 0 are
            # missing rows, so they do not enlarge the bags (scikit-learn
            # would draw n_samples rows, zero-weight rows included in the
            # count, from the positive-weight rows only).
            n_positive = int(np.count_nonzero(sample_weight))
            if n_positive < X.shape[0]:
                max_samples = n_positive
                requested = n_positive
        n_drawn = _n_rows_drawn(X.shape[0], requested, sample_weight)
        if n_drawn < 2:
            weighted = (
                sample_weight is not None
                and isinstance(requested, Real)
                and not isinstance(requested, Integral)
            )
            basis = (
                "A float max_samples is a fraction of the sum of sample_weight "
                f"({np.sum(sample_weight):g}), as in scikit-learn: scale the "
                "weights up or pass an integer max_samples."
                if weighted
                else "Pass a larger fraction (e.g. max_samples=0.8), an integer "
                ">= 2, or more training data."
            )
            raise ValueError(
                f"{name}: max_samples={requested!r} yields {n_drawn} sample(s) "
                f"per member out of n_samples={X.shape[0]}; each member needs at "
                f"least 2. {basis}"
            )

        # scikit-learn only keeps the seeds of the members added by the
        # latest call to ``fit``; keep all of them so that
        # ``estimators_samples_`` stays aligned with ``estimators_`` under
        # ``warm_start``.
        n_before = 0
        old_seeds = np.empty(0, dtype=int)
        if self.warm_start and hasattr(self, "estimators_"):
            n_before = len(self.estimators_)
            old_seeds = np.asarray(getattr(self, "_seeds", old_seeds))[:n_before]

        # Rows of weight 0 are never drawn into a bag, so they would be out of
        # bag for every member; a zero-weight row is a missing row, so they
        # are kept out of everything "out-of-bag" (oob_score_, the OOB
        # predictions, the jackknife+ calibration).
        self._calibration_rows = None if sample_weight is None else sample_weight > 0
        root = _callbacks.begin_member_tasks(self, X, y, sample_weight, n_before)
        # The members are reported by the training log, not by joblib's and
        # scikit-learn's own per-member prints.
        verbose, self.verbose = self.verbose, 0
        try:
            super()._fit(
                X,
                y,
                max_samples=max_samples,
                max_depth=max_depth,
                check_input=check_input,
                sample_weight=sample_weight,
                **fit_params,
            )
        except (ValueError, IndexError) as exc:
            self._explain_member_failure(exc, y)
            raise
        finally:
            self.verbose = verbose
            fit_times = _callbacks.end_member_tasks(self)
        if len(self._seeds) != len(self.estimators_):
            self._seeds = np.concatenate([old_seeds, self._seeds])
        self._after_fit(X, y)
        if verbose:
            _callbacks.print_member_log(
                self, X, self._member_targets(y), n_before, fit_times
            )
        root.call_on_fit_task_end(
            estimator=self, X=X, y=y, metadata=_callbacks.weights(sample_weight)
        )
        return self

    def _make_estimator(self, append=True, random_state=None):
        estimator = super()._make_estimator(append=append, random_state=random_state)
        if append:
            return estimator
        return _callbacks.make_member(self, estimator, random_state)

    def _member_targets(self, y):
        """y as the members were fit on it (encoded labels for classifiers)."""
        return np.asarray(y)

    def _after_fit(self, X, y):
        """Hook run once the members are fit (X validated, y as members saw)."""

    def _explain_member_failure(self, exc, y):
        """Hook: re-raise a member's failed fit with an explanation, if any."""

    def _oob_matrix(self, n_samples):
        """Boolean matrix (n_estimators, n_samples): True where out-of-bag.

        Rows of weight 0 in the last ``fit`` are never out of bag: a
        zero-weight row is a missing row.
        """
        oob = np.empty((len(self.estimators_), n_samples), dtype=bool)
        for b, samples in enumerate(self.estimators_samples_):
            oob[b] = ~indices_to_mask(samples, n_samples)
        rows = getattr(self, "_calibration_rows", None)
        if rows is not None and rows.shape[0] == n_samples:
            oob &= rows
        return oob

    def _n_calibration_rows(self, n_samples):
        """How many training rows may be out of bag (positive weight)."""
        rows = getattr(self, "_calibration_rows", None)
        if rows is None or rows.shape[0] != n_samples:
            return n_samples
        return int(rows.sum())

    def _validate_X_predict(self, X):
        check_is_fitted(self)
        return validate_data(
            self,
            X,
            accept_sparse=["csr", "csc"],
            dtype=None,
            ensure_all_finite=False,
            reset=False,
        )

    def _routed(self, method, member_method, params):
        """Parameters for the members' ``member_method`` (metadata routing)."""
        _raise_for_params(params, self, method)
        if not _routing_enabled():
            return {}
        routed = process_routing(self, method, **params)
        return routed.estimator.get(member_method, {})

    def _all_member_outputs(self, X, method, params=None):
        """Outputs of every member on X, computed in parallel with joblib."""
        n_jobs, _, starts = _partition_estimators(len(self.estimators_), self.n_jobs)
        chunks = Parallel(n_jobs=n_jobs, verbose=self.verbose)(
            delayed(_member_outputs)(
                self.estimators_[starts[i] : starts[i + 1]],
                self.estimators_features_[starts[i] : starts[i + 1]],
                X,
                method,
                params,
            )
            for i in range(n_jobs)
        )
        return list(itertools.chain.from_iterable(chunks))


class BaggingRegressor(_BootstrapUncertaintyMixin, _SkBaggingRegressor):
    r"""A bagging regressor that also reports how uncertain each prediction is.

    Fits ``n_estimators`` copies of ``estimator``, each on a random subsample
    of the rows (and optionally of the columns), and averages them
    (Breiman 1996). Everything scikit-learn's
    :class:`~sklearn.ensemble.BaggingRegressor` does is inherited unchanged;
    this class adds

    * ``predict(X, return_std=True)``: the standard deviation of the members'
      predictions, a measure of *model* (epistemic) uncertainty;
    * :meth:`predict_interval`: prediction intervals, either calibrated by
      jackknife+-after-bootstrap (Kim, Xu & Barber 2020) or the uncalibrated
      percentile interval of the members.

    Members are fit through :mod:`joblib`: ``n_jobs`` uses local cores, and
    inside ``joblib.parallel_config(backend="dask")`` the fits are spread
    over a Dask cluster. The members' seeds are drawn from ``random_state``
    before dispatch, so the fitted ensemble does not depend on the backend.

    ``set_callbacks`` takes :mod:`sklearn.callback` callbacks (e.g.
    :class:`skoptim.callback.ProgressBar`): the fit is the root task, each
    member a subtask, and the callbacks are propagated into members that
    support them (their own iterations appear beneath), for any ``n_jobs``.
    The members are independent: a callback's request to stop is ignored.

    Parameters
    ----------
    estimator : object, default=None
        The base regressor (anything with ``fit`` and ``predict``). If None, a
        :class:`~sklearn.tree.DecisionTreeRegressor`. A classifier is refused.
    n_estimators : int, default=10
        Number of members.
    max_samples : int or float, default=None
        Rows drawn for each member: None means ``n_samples`` (with
        ``sample_weight``, the number of rows of positive weight: a row of
        weight 0 is a missing row), an int is a count, a float a fraction of
        ``n_samples`` (e.g. 0.8; of the sum of ``sample_weight`` when given,
        as in scikit-learn). Must yield at least 2 rows.
    max_features : int or float, default=1.0
        Columns drawn for each member (count or fraction).
    bootstrap : bool, default=True
        Draw rows with replacement. With ``bootstrap=False`` and
        ``max_samples < n_samples`` rows are drawn without replacement
        (pasting), which still leaves out-of-bag rows for
        :meth:`predict_interval`.
    bootstrap_features : bool, default=False
        Draw columns with replacement.
    oob_score : bool, default=False
        Compute the out-of-bag :math:`R^2` as ``oob_score_``. Needs
        ``bootstrap=True``.
    warm_start : bool, default=False
        Keep the existing members and add new ones up to ``n_estimators``.
    n_jobs : int, default=None
        Number of joblib jobs for ``fit`` and ``predict``.
    random_state : int, RandomState instance or None, default=None
        Controls the subsamples and the members' own seeds.
    verbose : int, default=0
        If > 0, ``fit`` prints a table with one line per member: its
        out-of-bag score (``bootstrap=True`` only) and fit time, the best
        so far marked with ``*``. joblib's messages are then only shown by
        ``predict``.

    Attributes
    ----------
    estimator_ : estimator
        The validated base estimator.
    estimators_ : list of estimators
        The fitted members.
    estimators_samples_ : list of arrays
        In-bag row indices of each member.
    estimators_features_ : list of arrays
        Column indices of each member.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit`` (only if X had string names).
    oob_score_ : float
        Out-of-bag :math:`R^2` (only if ``oob_score=True``).
    oob_prediction_ : ndarray of shape (n_samples,) or (n_samples, n_outputs)
        Out-of-bag prediction of each training row (only if ``oob_score=True``).

    See Also
    --------
    BaggingClassifier : The classification counterpart.
    sklearn.ensemble.BaggingRegressor : The parent class.

    Notes
    -----
    **Which uncertainty is calibrated.** Only ``predict_interval(...,
    method="jackknife+")`` targets a coverage level. For training rows
    :math:`(X_i, Y_i)` let :math:`\hat\mu_{-i}` be the mean of the members
    whose subsample left out row :math:`i` and
    :math:`R_i = |Y_i - \hat\mu_{-i}(X_i)|` its out-of-bag residual. With
    :math:`\alpha = 1 - \text{confidence}`, the jackknife+-after-bootstrap
    interval at :math:`x` is

    .. math::

        \left[\hat q^{-}_{\alpha}\{\hat\mu_{-i}(x) - R_i\},\;
              \hat q^{+}_{\alpha}\{\hat\mu_{-i}(x) + R_i\}\right],

    where :math:`\hat q^{-}_{\alpha}` is the
    :math:`\lfloor \alpha (n+1) \rfloor`-th smallest value and
    :math:`\hat q^{+}_{\alpha}` the :math:`\lceil (1-\alpha)(n+1) \rceil`-th
    smallest. Kim, Xu & Barber prove coverage of at least :math:`1 - 2\alpha`
    for exchangeable data when the number of members is itself random; in
    practice (and here, with a fixed number of members) the coverage is close
    to :math:`1 - \alpha`. Rows that are never out of bag are left out of
    the calibration (with a warning if they are more than 5% of the rows;
    use more members then).

    ``predict(X, return_std=True)`` and ``method="percentile"`` only describe
    how much the members disagree. They reflect model uncertainty, not the
    noise in the target, and are **not** calibrated: the percentile interval
    typically covers far less than its nominal level on noisy data. Both grow
    away from the training data, which is what makes them useful to flag
    extrapolation.

    References
    ----------
    .. [1] L. Breiman, "Bagging predictors", Machine Learning 24(2), 1996.
    .. [2] B. Kim, C. Xu, R. F. Barber, "Predictive inference is free with the
       jackknife+-after-bootstrap", NeurIPS 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.ensemble import BaggingRegressor
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-3, 3, size=(200, 1))
    >>> y = np.sin(X[:, 0]) + 0.3 * rng.randn(200)
    >>> reg = BaggingRegressor(n_estimators=20, random_state=0).fit(X, y)
    >>> mean, std = reg.predict([[0.0], [5.0]], return_std=True)
    >>> reg.predict_interval([[0.0]], confidence=0.9).shape
    (1, 2)
    """

    def _check_base_kind(self, estimator):
        if is_classifier(estimator):
            raise ValueError(
                f"BaggingRegressor needs a regressor as estimator, got the "
                f"classifier {estimator!r}. Use skoptim.ensemble.BaggingClassifier "
                "for classification, or pass a regressor."
            )

    def _set_oob_score(self, X, y):
        """Out-of-bag R^2 over the rows that are out of bag at least once.

        scikit-learn's version predicts 0 for a row no member left out and
        scores it anyway (and breaks on multi-output targets); here such a
        row is NaN in ``oob_prediction_`` and left out of ``oob_score_``.
        """
        _callbacks.unwrap_members(self)
        n_samples = y.shape[0]
        sums = np.zeros(y.shape, dtype=np.float64)
        counts = np.zeros(n_samples)
        oob = self._oob_matrix(n_samples)
        for b, (estimator, features) in enumerate(
            zip(self.estimators_, self.estimators_features_, strict=True)
        ):
            mask = oob[b]
            if mask.any():
                pred = np.asarray(estimator.predict(X[mask][:, features]))
                sums[mask] += pred.reshape(sums[mask].shape)
                counts[mask] += 1
        scored = counts > 0
        if scored.sum() < self._n_calibration_rows(n_samples):
            warn_user(
                "Some inputs do not have OOB scores. This probably means too few "
                "estimators were used to compute any reliable oob estimates; "
                "they are NaN in oob_prediction_ and left out of oob_score_.",
                UserWarning,
            )
        prediction = np.full(y.shape, np.nan)
        shape = (-1,) + (1,) * (y.ndim - 1)
        prediction[scored] = sums[scored] / counts[scored].reshape(shape)
        self.oob_prediction_ = prediction
        self.oob_score_ = (
            r2_score(y[scored], prediction[scored]) if scored.sum() > 1 else np.nan
        )

    def _after_fit(self, X, y):
        y = np.asarray(y)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y.ravel()
        n_samples = X.shape[0]
        oob = self._oob_matrix(n_samples)
        counts = oob.sum(axis=0)
        sums = np.zeros(y.shape, dtype=np.float64)
        if counts.any():
            for b, (estimator, features) in enumerate(
                zip(self.estimators_, self.estimators_features_, strict=True)
            ):
                mask = oob[b]
                if mask.any():
                    sums[mask] += estimator.predict(X[mask][:, features])
        scored = counts > 0
        residuals = np.full(y.shape, np.nan)
        if scored.any():
            oob_mean = sums[scored] / counts[scored].reshape(
                (-1,) + (1,) * (y.ndim - 1)
            )
            residuals[scored] = np.abs(np.asarray(y, dtype=float)[scored] - oob_mean)
        self._oob_residuals = residuals
        self._n_train = n_samples

    def predict(self, X: ArrayLike, return_std: bool = False, **params):
        """Predict regression targets, optionally with the members' spread.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.
        return_std : bool, default=False
            Also return the standard deviation (``ddof=0``) of the members'
            predictions. This measures disagreement between members, not
            noise, and is not calibrated (see Notes of the class).
        **params : dict
            Routed to the members' ``predict`` through metadata routing.

        Returns
        -------
        y_mean : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Mean of the members' predictions.
        y_std : ndarray of the same shape
            Standard deviation of the members' predictions; only returned if
            ``return_std=True``.

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            If X does not have the ``n_features_in_`` columns seen in ``fit``;
            if ``params`` are passed without metadata routing enabled.
        TypeError
            If, with metadata routing enabled, ``params`` are not requested
            by the members.
        """
        if not return_std:
            return super().predict(X, **params)
        check_is_fitted(self)
        member_params = self._routed("predict", "predict", params)
        X = self._validate_X_predict(X)
        preds = np.asarray(
            self._all_member_outputs(X, "predict", member_params), dtype=float
        )
        return preds.mean(axis=0), preds.std(axis=0)

    def predict_interval(
        self,
        X: ArrayLike,
        confidence: float = 0.9,
        method: Literal["jackknife+", "percentile"] = "jackknife+",
    ) -> np.ndarray:
        """Prediction intervals at the given confidence level.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.
        confidence : float in (0, 1), default=0.9
            Nominal probability that the interval contains the target.
        method : {"jackknife+", "percentile"}, default="jackknife+"
            ``"jackknife+"``: jackknife+-after-bootstrap (Kim, Xu & Barber
            2020) from the out-of-bag residuals; calibrated, needs out-of-bag
            rows (``bootstrap=True`` or ``max_samples < n_samples``). Rows
            fit with ``sample_weight`` 0 are missing rows: they are never
            drawn and never calibrate the interval.
            ``"percentile"``: the ``(1 - confidence) / 2`` and
            ``(1 + confidence) / 2`` quantiles of the members' predictions;
            reflects member disagreement only and is **not** calibrated.

        Returns
        -------
        interval : ndarray of shape (n_samples, 2) or (n_samples, n_outputs, 2)
            Lower bound in ``[..., 0]``, upper bound in ``[..., 1]``. A bound
            is infinite when there are too few out-of-bag-scored training
            rows for the requested confidence (a warning says so).

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            If X does not have the ``n_features_in_`` columns seen in
            ``fit``; if ``confidence`` is not in (0, 1) or ``method`` is
            unknown; with ``method="jackknife+"``, if no training row was
            ever out of bag (every member saw every row).
        """
        confidence, method = check_interval_args(confidence, method)
        X = self._validate_X_predict(X)
        preds = np.asarray(self._all_member_outputs(X, "predict"), dtype=float)
        alpha = 1.0 - confidence
        if method == "percentile":
            lower = np.quantile(preds, alpha / 2, axis=0)
            upper = np.quantile(preds, 1 - alpha / 2, axis=0)
            return np.stack([lower, upper], axis=-1)
        return jackknife_plus(self, preds, alpha)
