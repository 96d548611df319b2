"""Bagging classifier with disagreement measures.

Subclasses :class:`sklearn.ensemble.BaggingClassifier` (member fitting,
sub-sampling, ``warm_start``, out-of-bag scoring and joblib parallelism are
scikit-learn's). Added: the spread of the members' class probabilities and
disagreement measures, and every member's output aligned to ``classes_``
before it is aggregated (see ``_members``), which scikit-learn does not do
for members that list a class they cannot output.
"""

from __future__ import annotations

import functools
import itertools
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import is_regressor
from sklearn.ensemble import BaggingClassifier as _SkBaggingClassifier
from sklearn.ensemble._bagging import _estimator_has
from sklearn.ensemble._base import _partition_estimators
from sklearn.metrics import accuracy_score
from sklearn.utils import column_or_1d
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.metaestimators import available_if
from sklearn.utils.parallel import Parallel, delayed
from sklearn.utils.validation import check_is_fitted

from skoptim.ensemble import _callbacks
from skoptim.ensemble._bagging import _BootstrapUncertaintyMixin
from skoptim.ensemble._members import member_class_scores, present_classes

from ..utils._warnings import warn_user

__all__ = ["BaggingClassifier"]


class BaggingClassifier(_BootstrapUncertaintyMixin, _SkBaggingClassifier):
    r"""A bagging classifier that also reports how much its members disagree.

    Fits ``n_estimators`` copies of ``estimator`` on random subsamples and
    averages their class probabilities (or votes, for members without
    ``predict_proba``). Everything scikit-learn's
    :class:`~sklearn.ensemble.BaggingClassifier` does is inherited unchanged;
    this class adds ``predict_proba(X, return_std=True)`` and
    :meth:`predict_uncertainty`.

    Members are fit through :mod:`joblib`, so ``n_jobs`` and
    ``joblib.parallel_config(backend="dask")`` apply, and ``set_callbacks``
    works (members as subtasks), as for :class:`BaggingRegressor`.

    Parameters
    ----------
    estimator : object, default=None
        The base classifier. If None, a
        :class:`~sklearn.tree.DecisionTreeClassifier`. A regressor is refused.
    n_estimators : int, default=10
        Number of members.
    max_samples : int or float, default=None
        Rows drawn for each member (None: ``n_samples``, or with
        ``sample_weight`` the number of rows of positive weight, since a row
        of weight 0 is a missing row; int: count; float: fraction of
        ``n_samples``, or of the sum of ``sample_weight`` when given, as in
        scikit-learn). Must yield at least 2 rows.
    max_features : int or float, default=1.0
        Columns drawn for each member (count or fraction).
    bootstrap : bool, default=True
        Draw rows with replacement.
    bootstrap_features : bool, default=False
        Draw columns with replacement.
    oob_score : bool, default=False
        Compute the out-of-bag accuracy as ``oob_score_``. Needs
        ``bootstrap=True``.
    warm_start : bool, default=False
        Keep the existing members and add new ones up to ``n_estimators``.
    n_jobs : int, default=None
        Number of joblib jobs for ``fit`` and ``predict``.
    random_state : int, RandomState instance or None, default=None
        Controls the subsamples and the members' own seeds.
    verbose : int, default=0
        If > 0, ``fit`` prints a table with one line per member: its
        out-of-bag accuracy (``bootstrap=True`` only) and fit time, the best
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
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit`` (only if X had string names).
    oob_score_ : float
        Out-of-bag accuracy (only if ``oob_score=True``).
    oob_decision_function_ : ndarray of shape (n_samples, n_classes)
        Out-of-bag class probabilities (only if ``oob_score=True``).

    See Also
    --------
    BaggingRegressor : The regression counterpart, with prediction intervals.
    sklearn.ensemble.BaggingClassifier : The parent class.

    Notes
    -----
    None of the classifier's disagreement measures is calibrated; they rank
    inputs by how much the members disagree (high near class boundaries and
    away from the data). With :math:`p_b(x)` the class-probability vector of
    member :math:`b` (one-hot votes for members without ``predict_proba``),
    :math:`\bar p = \frac1B \sum_b p_b`, :math:`v_c` the fraction of members
    voting for class :math:`c`, :math:`H(p) = -\sum_c p_c \log p_c` and
    :math:`K` the number of classes:

    * ``"vote_entropy"``: :math:`H(v) / \log K`, in [0, 1]; 0 when all
      members vote alike;
    * ``"mutual_info"``: :math:`H(\bar p) - \frac1B \sum_b H(p_b)` in nats,
      the information gain of Houlsby et al. (2011), 0 when members agree;
    * ``"proba_std"``: the standard deviation across members of the
      probability of the predicted class.

    **Members that miss a class.** Every aggregation (``predict``,
    ``predict_proba`` with or without ``return_std``, ``predict_log_proba``,
    out-of-bag scores and :meth:`predict_uncertainty`) first aligns each
    member's output to ``classes_``; a class a member cannot output gets
    probability 0. A member that never saw a class lists fewer classes and
    its columns map through its ``classes_``. A member fit with the bootstrap
    counts as ``sample_weight`` may see a class with weight 0 only: most
    bases still return a column for it, but libsvm (:class:`~sklearn.svm.SVC`)
    drops the class and returns one column per class *present* in the bag,
    detected by the column count; its ``predict`` labels, shifted by libsvm,
    are mapped back through the classes present (found through
    ``n_support_``). scikit-learn's ``BaggingClassifier`` fails with a
    broadcast error on such members. ``decision_function`` cannot be aligned
    and raises a ``ValueError`` instead.

    References
    ----------
    .. [1] L. Breiman, "Bagging predictors", Machine Learning 24(2), 1996.
    .. [2] N. Houlsby, F. Huszar, Z. Ghahramani, M. Lengyel, "Bayesian active
       learning for classification and preference learning", arXiv:1112.5745,
       2011.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skoptim.ensemble import BaggingClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = BaggingClassifier(n_estimators=10, random_state=0).fit(X, y)
    >>> clf.predict_uncertainty(X[:2]).shape
    (2,)
    """

    def _check_base_kind(self, estimator):
        if is_regressor(estimator):
            raise ValueError(
                f"BaggingClassifier needs a classifier as estimator, got the "
                f"regressor {estimator!r}. Use skoptim.ensemble.BaggingRegressor "
                "for regression, or pass a classifier."
            )

    def predict(self, X: ArrayLike, **params) -> np.ndarray:
        """Predict classes: the argmax of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.
        **params : dict
            Routed to the members through metadata routing.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted class labels.

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            As :meth:`predict_proba`.
        TypeError
            As :meth:`predict_proba`; if ``return_std`` is passed (only
            ``predict_proba(X, return_std=True)`` gives the members' spread).
        """
        _refuse_return_std("predict", params)
        return super().predict(X, **params)

    def _explain_member_failure(self, exc, y):
        """Explain a base that failed on a subsample holding a single class.

        A member's subsample of a problem with a rare class can hold a single
        class (scikit-learn's BaggingClassifier fails the same way). Trees
        and many other bases fit it; bases that need two classes (logistic
        regression, SVC) fail. Redrawing the subsample would break the link
        between a member's seed and its ``estimators_samples_``, so the fit
        stops with an error that says what to change.
        """
        if not hasattr(self, "_seeds") or not hasattr(self, "_n_samples"):
            return
        y = column_or_1d(y)
        classes = np.unique(y)
        bags = [samples for _, samples in self._get_estimators_indices()]
        for b, samples in enumerate(bags):
            held = np.unique(y[samples])
            if len(held) < 2:
                raise ValueError(
                    f"The base {type(self.estimator_).__name__} could not be fit "
                    f"on the subsample of member {b}, which holds only class "
                    f"{held.tolist()[0]!r} ({len(samples)} rows drawn with "
                    f"max_samples={self.max_samples!r}). Use a larger "
                    "max_samples, a base that fits a single class (e.g. a "
                    "decision tree), or more rows of the rare classes."
                ) from exc
        for b, samples in enumerate(bags):
            missing = np.setdiff1d(classes, y[samples])
            if len(missing):
                raise ValueError(
                    f"The base {type(self.estimator_).__name__} failed while the "
                    f"members were fit ({type(exc).__name__}: {exc}). A likely "
                    f"cause: the subsample of member {b} holds no row of class(es) "
                    f"{missing.tolist()}, and some bases (e.g. SVC inside "
                    "CalibratedClassifierCV, given the bootstrap counts as "
                    "sample_weight) fail on a class with weight 0. Use a larger "
                    "max_samples or more rows of the rare classes."
                ) from exc

    def _after_fit(self, X, y):
        y_encoded = np.searchsorted(self.classes_, column_or_1d(y))
        self._members_present = [
            present_classes(samples, y_encoded) for samples in self.estimators_samples_
        ]

    def _member_targets(self, y):
        return np.searchsorted(self.classes_, column_or_1d(y))

    def _member_method(self):
        if hasattr(self.estimators_[0], "predict_proba"):
            return "predict_proba"
        return "predict"

    def _class_scores(self, X, method, params, reduce):
        """Members' class scores aligned to ``classes_`` (see ``_members``)."""
        n_jobs, _, starts = _partition_estimators(len(self.estimators_), self.n_jobs)
        present = getattr(self, "_members_present", None)
        chunks = Parallel(n_jobs=n_jobs, verbose=self.verbose)(
            delayed(member_class_scores)(
                self.estimators_[starts[i] : starts[i + 1]],
                self.estimators_features_[starts[i] : starts[i + 1]],
                None if present is None else present[starts[i] : starts[i + 1]],
                starts[i],
                X,
                self.n_classes_,
                method,
                params,
                reduce,
            )
            for i in range(n_jobs)
        )
        if reduce is None:
            return np.asarray(list(itertools.chain.from_iterable(chunks)))
        if reduce == "sum":
            return np.sum(chunks, axis=0)
        return functools.reduce(np.logaddexp, chunks)

    def _member_probas(self, X, params=None):
        """Array (n_estimators, n_samples, n_classes) of member probabilities."""
        method = self._member_method()
        return self._class_scores(X, method, params or {}, None)

    def predict_proba(self, X: ArrayLike, return_std: bool = False, **params):
        """Class probabilities, optionally with the members' spread.

        Each member's output is aligned to ``classes_`` before averaging: a
        member whose subsample lacked a class gives that class probability 0
        (members without ``predict_proba`` vote).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.
        return_std : bool, default=False
            Also return the standard deviation (``ddof=0``) across members of
            each class probability (not calibrated).
        **params : dict
            Routed to the members' ``predict_proba`` (or ``predict``) through
            metadata routing.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Mean of the members' class probabilities (vote fractions for
            members without ``predict_proba``), columns in ``classes_`` order.
        proba_std : ndarray of shape (n_samples, n_classes)
            Only returned if ``return_std=True``.

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted.
        ValueError
            If X has the wrong number of features; if ``params`` are passed
            without metadata routing enabled; if a member returns a number of
            probability columns that matches neither its ``classes_`` nor the
            classes present in its subsample.
        TypeError
            If ``params`` (with routing enabled) are not requested by the
            members.
        """
        check_is_fitted(self)
        method = self._member_method()
        member_params = self._routed("predict_proba", method, params)
        X = self._validate_X_predict(X)
        if not return_std:
            total = self._class_scores(X, method, member_params, "sum")
            return total / len(self.estimators_)
        probas = self._class_scores(X, method, member_params, None)
        return probas.mean(axis=0), probas.std(axis=0)

    def predict_log_proba(self, X: ArrayLike, **params) -> np.ndarray:
        """Logarithm of the mean class probability of the members.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.
        **params : dict
            Routed to the members through metadata routing.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Columns in ``classes_`` order; ``-inf`` for a class no member
            gives any probability.

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted.
        ValueError
            As :meth:`predict_proba`.
        TypeError
            As :meth:`predict_proba`; if ``return_std`` is passed (only
            ``predict_proba(X, return_std=True)`` gives the members' spread).
        """
        _refuse_return_std("predict_log_proba", params)
        check_is_fitted(self)
        if not hasattr(self.estimator_, "predict_log_proba"):
            with np.errstate(divide="ignore"):
                return np.log(self.predict_proba(X, **params))
        member_params = self._routed("predict_log_proba", "predict_log_proba", params)
        X = self._validate_X_predict(X)
        total = self._class_scores(X, "predict_log_proba", member_params, "logaddexp")
        return total - np.log(len(self.estimators_))

    @available_if(
        _estimator_has("decision_function", delegates=("estimators_", "estimator"))
    )
    def decision_function(self, X: ArrayLike, **params) -> np.ndarray:
        """Average of the members' decision functions.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.
        **params : dict
            Routed to the members through metadata routing.

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            As scikit-learn's :meth:`~sklearn.ensemble.BaggingClassifier.\
decision_function`.

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted.
        ValueError
            If a member's subsample lacked a class (its decision function
            then has other columns than the ensemble's and cannot be
            averaged; use :meth:`predict_proba`), or as :meth:`predict_proba`.
        TypeError
            If ``return_std`` is passed (only
            ``predict_proba(X, return_std=True)`` gives the members' spread).
        """
        _refuse_return_std("decision_function", params)
        check_is_fitted(self)
        for b, estimator in enumerate(self.estimators_):
            n_listed = len(estimator.classes_)
            # libsvm members count the classes they were really fit on
            n_support = getattr(estimator, "n_support_", None)
            n_fit = len(n_support) if np.ndim(n_support) == 1 else n_listed
            if min(n_listed, n_fit) < self.n_classes_:
                raise ValueError(
                    f"Member {b} ({type(estimator).__name__}) was fit on a "
                    f"subsample with only {min(n_listed, n_fit)} of the "
                    f"{self.n_classes_} classes, so its decision function cannot "
                    "be averaged with the others. Use predict_proba (which "
                    "aligns the members' classes), more rows per member "
                    "(max_samples) or a base that accepts sample_weight."
                )
        return super().decision_function(X, **params)

    def _set_oob_score(self, X, y):
        """Out-of-bag accuracy over the rows that are out of bag at least once."""
        _callbacks.unwrap_members(self)
        n_samples = y.shape[0]
        self._members_present = [
            present_classes(samples, y) for samples in self.estimators_samples_
        ]
        method = self._member_method()
        totals = np.zeros((n_samples, self.n_classes_))
        oob = self._oob_matrix(n_samples)
        for b, features in enumerate(self.estimators_features_):
            mask = oob[b]
            if mask.any():
                totals[mask] += member_class_scores(
                    [self.estimators_[b]],
                    [features],
                    [self._members_present[b]],
                    b,
                    X[mask],
                    self.n_classes_,
                    method,
                    {},
                    "sum",
                )
        mass = totals.sum(axis=1)
        scored = mass > 0
        if scored.sum() < self._n_calibration_rows(n_samples):
            warn_user(
                "Some inputs do not have OOB scores. This probably means too few "
                "estimators were used to compute any reliable oob estimates; "
                "they are NaN in oob_decision_function_ and left out of "
                "oob_score_.",
                UserWarning,
            )
        decision = np.full(totals.shape, np.nan)
        decision[scored] = totals[scored] / mass[scored, np.newaxis]
        self.oob_decision_function_ = decision
        self.oob_score_ = (
            accuracy_score(y[scored], totals[scored].argmax(axis=1))
            if scored.any()
            else np.nan
        )

    def predict_uncertainty(
        self,
        X: ArrayLike,
        method: Literal["vote_entropy", "mutual_info", "proba_std"] = "vote_entropy",
    ) -> np.ndarray:
        """Disagreement between the members for each input (not calibrated).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.
        method : {"vote_entropy", "mutual_info", "proba_std"}, \
                default="vote_entropy"
            Which measure; formulas in the Notes of the class.

        Returns
        -------
        uncertainty : ndarray of shape (n_samples,)
            Larger means more disagreement.

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            If X does not have the ``n_features_in_`` columns seen in
            ``fit``; if ``method`` is unknown; if a member's probability
            columns match neither its ``classes_`` nor the classes present
            in its subsample.
        """
        methods = ("vote_entropy", "mutual_info", "proba_std")
        if not isinstance(method, str) or method not in methods:
            raise InvalidParameterError(
                "The 'method' parameter of BaggingClassifier.predict_uncertainty "
                f"must be one of {', '.join(map(repr, methods))}, got {method!r}."
            )
        X = self._validate_X_predict(X)
        probas = self._member_probas(X)
        n_classes = probas.shape[2]
        if n_classes < 2:
            return np.zeros(X.shape[0])
        if method == "vote_entropy":
            votes = np.zeros((X.shape[0], n_classes))
            winners = probas.argmax(axis=2)
            for b in range(probas.shape[0]):
                votes[np.arange(X.shape[0]), winners[b]] += 1
            votes /= probas.shape[0]
            return _entropy(votes) / np.log(n_classes)
        if method == "mutual_info":
            mean = probas.mean(axis=0)
            return np.maximum(_entropy(mean) - _entropy(probas).mean(axis=0), 0.0)
        predicted = probas.mean(axis=0).argmax(axis=1)
        return probas[:, np.arange(X.shape[0]), predicted].std(axis=0)


def _refuse_return_std(method, params):
    """TypeError for ``return_std`` passed to a method that has none."""
    if "return_std" in params:
        raise TypeError(
            f"BaggingClassifier.{method}() takes no return_std: only "
            "predict_proba(X, return_std=True) returns the members' spread "
            "(the standard deviation of each class probability)."
        )


def _entropy(p):
    """Shannon entropy in nats along the last axis, with 0 log 0 = 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(p), 0.0)
    return -terms.sum(axis=-1)
