"""Gradient boosting of any scikit-learn regressor, for classification."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import expit, logsumexp
from sklearn.base import (
    ClassifierMixin,
)
from sklearn.dummy import DummyClassifier
from sklearn.preprocessing import LabelEncoder
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.multiclass import check_classification_targets

from skoptim.ensemble._members import align_proba

__all__ = ["GradientBoostingClassifier"]

from skoptim.ensemble._gb_losses import (
    _EPS,
    _BinomialLogLoss,
    _MultinomialLogLoss,
)
from skoptim.ensemble._gradient_boosting import _BaseGradientBoosting


class GradientBoostingClassifier(ClassifierMixin, _BaseGradientBoosting):
    r"""Gradient boosting of any scikit-learn regressor, for classification.

    Gradient boosting of the log-loss (Friedman 2001, Algorithm 5 with a
    generic base learner). For two classes one additive log-odds score
    :math:`F` is boosted, :math:`p = 1/(1 + e^{-F})`; for :math:`K > 2`
    classes :math:`K` scores are boosted with :math:`p_k = e^{F_k} / \sum_j
    e^{F_j}`, one base regressor per class per stage. Each base is fit to the
    negative gradient :math:`r_{ik} = 1[y_i = k] - p_k(x_i)`, and all the
    residuals, Hessians, leaf values and line searches of a stage use the
    stage's starting scores :math:`F_{m-1}` (the K updates are added
    together at the end of the stage), so renaming the classes does not
    change the model (Friedman 2001, Algorithm 6; as in scikit-learn); its step
    towards :math:`\arg\min_\rho \sum_i w_i L(y_i, F + \rho h_{mk})` is one
    Newton step (halved until the loss decreases), shrunk by
    ``learning_rate``. For scikit-learn decision-tree bases each leaf gets its
    own Newton step instead, :math:`\sum w r / \sum w p(1-p)` (times
    :math:`(K-1)/K` for :math:`K > 2`), as in Friedman's TreeBoost and
    scikit-learn. ``subsample``, ``init`` and early stopping are as in
    :class:`GradientBoostingRegressor`.

    Parameters
    ----------
    estimator : object, default=None
        The base *regressor*, cloned for every class and stage. If None,
        ``DecisionTreeRegressor(max_depth=3)``. A
        classifier is refused (the bases fit real-valued gradients).
    loss : {"log_loss"}, default="log_loss"
        Loss to minimise.
    learning_rate : float, default=0.1
        Shrinkage of each step.
    n_estimators : int, default=100
        Maximum number of stages.
    subsample : float in (0, 1], default=1.0
        Fraction of rows each stage is fit on.
    init : estimator, "zero" or None, default=None
        Classifier with ``predict_proba`` giving :math:`F_0` (as log-odds or
        log-probabilities); None uses the class priors, "zero" starts from 0.
    validation_fraction : float in (0, 1), default=0.1
        Fraction held out (stratified) for early stopping; only used if
        ``n_iter_no_change`` is set.
    n_iter_no_change : int, default=None
        Early-stopping patience, as in :class:`GradientBoostingRegressor`.
    tol : float, default=1e-4
        Minimum improvement for early stopping.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsampling, the validation split and the bases.
    verbose : int, default=0
        If > 0, print one line per stage: the in-bag training loss, the
        validation loss with early stopping, and the stage's time; the best
        loss so far (validation loss when there is one) is marked with ``*``.

    Attributes
    ----------
    estimator_ : estimator
        The validated, unfitted base estimator.
    estimators_ : ndarray of shape (``n_estimators_``, K), dtype=object
        The fitted base learners; K is 1 for binary problems, else
        ``n_classes_``.
    step_sizes_ : ndarray of shape (``n_estimators_``, K)
        The line-search steps (before shrinkage); 1 for tree bases.
    init_ : estimator or "zero"
        The fitted init estimator.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    n_estimators_ : int
        Number of stages actually fit.
    train_score_ : ndarray of shape (``n_estimators_``,)
        Mean log-loss on the in-bag training rows after each stage.
    validation_score_ : ndarray of shape (``n_estimators_``,)
        Mean log-loss on the validation rows; only with early stopping.
    stop_reason_ : str
        Why boosting stopped: ``"n_estimators"`` (all stages were fit),
        ``"early_stopping"`` (no validation improvement for
        ``n_iter_no_change`` stages) or ``"callback"`` (a callback's
        ``on_fit_task_end`` returned True; see Notes).
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit`` (only if X had string names).

    See Also
    --------
    GradientBoostingRegressor : The regression counterpart.
    sklearn.ensemble.GradientBoostingClassifier : Tree-only, per-leaf steps.

    Notes
    -----
    **Callbacks.** ``set_callbacks`` takes :mod:`sklearn.callback` callbacks
    (e.g. :class:`skoptim.callback.ProgressBar` or
    :class:`sklearn.callback.ScoringMonitor`, which gets the model as of each
    stage). The fit is the root task and each stage a subtask. A callback
    whose ``on_fit_task_end`` returns True stops boosting after that stage:
    the model is fitted with the ``n_estimators_`` stages so far and
    ``stop_reason_`` is ``"callback"``. When K is 1 and the base supports
    callbacks, they are propagated into it, so its own iterations appear
    beneath the stage; a propagated callback then sees the stage as the
    base's fit task, whose result the base ignores, as in scikit-learn's
    meta-estimators (set a stopping callback that is not auto-propagated).

    References
    ----------
    .. [1] J. H. Friedman, "Greedy function approximation: a gradient
       boosting machine", Annals of Statistics 29(5), 2001.
    .. [2] J. H. Friedman, "Stochastic gradient boosting", Computational
       Statistics & Data Analysis 38(4), 2002.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skoptim.ensemble import GradientBoostingClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = GradientBoostingClassifier(n_estimators=10, random_state=0)
    >>> clf.fit(X, y).estimators_.shape
    (10, 3)
    """

    _parameter_constraints: dict = {
        **_BaseGradientBoosting._parameter_constraints,
        "loss": [StrOptions({"log_loss"})],
    }

    def __init__(
        self,
        estimator=None,
        *,
        loss="log_loss",
        learning_rate=0.1,
        n_estimators=100,
        subsample=1.0,
        init=None,
        validation_fraction=0.1,
        n_iter_no_change=None,
        tol=1e-4,
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            estimator=estimator,
            loss=loss,
            learning_rate=learning_rate,
            n_estimators=n_estimators,
            subsample=subsample,
            init=init,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            random_state=random_state,
            verbose=verbose,
        )

    def _encode_y(self, y):
        check_classification_targets(y)
        encoder = LabelEncoder()
        encoded = encoder.fit_transform(y)
        self.classes_ = encoder.classes_
        self.n_classes_ = len(self.classes_)
        if self.n_classes_ < 2:
            raise ValueError(
                "GradientBoostingClassifier needs samples of at least 2 classes "
                f"in the data, but the data contains only one class: "
                f"{self.classes_[0]!r}."
            )
        return encoded.astype(np.float64)

    def _labels(self, y):
        return lambda: self.classes_[y.astype(np.intp)]

    def _make_loss(self):
        if self.n_classes_ == 2:
            return _BinomialLogLoss()
        return _MultinomialLogLoss(self.n_classes_)

    def _default_init(self):
        return DummyClassifier(strategy="prior")

    def _raw_from_init(self, X):
        K = 1 if self.n_classes_ == 2 else self.n_classes_
        if isinstance(self.init_, str):
            return np.zeros((X.shape[0], K))
        if not hasattr(self.init_, "predict_proba"):
            raise ValueError(
                f"The init estimator {type(self.init_).__name__} has no "
                "predict_proba; GradientBoostingClassifier needs class "
                "probabilities to start from. Use a probabilistic classifier, "
                "init=None or init='zero'."
            )
        # the init classifier was fit on class indices 0..n_classes-1, maybe
        # not all of them: align its columns to classes_ (missing class: 0)
        proba = (
            align_proba(
                self.init_, self.init_.predict_proba(X), self.n_classes_, index="init"
            )
            if hasattr(self.init_, "classes_")
            else self.init_.predict_proba(X)
        )
        if proba.shape[1] != self.n_classes_:
            raise ValueError(
                f"The init estimator {type(self.init_).__name__} returned "
                f"{proba.shape[1]} probability columns for {self.n_classes_} "
                "classes. Use an init classifier with a classes_ attribute."
            )
        proba = np.clip(proba, _EPS, 1 - _EPS)
        if K == 1:
            return np.log(proba[:, 1] / proba[:, 0]).reshape(-1, 1)
        return np.log(proba)

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        """Raw boosted scores.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Log-odds of ``classes_[1]`` for binary problems, otherwise the
            class scores :math:`F_k`.

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            If X does not have the ``n_features_in_`` columns seen in ``fit``
            or contains NaN or infinity.
        """
        raw = self._raw_predict(X)
        return raw[:, 0] if raw.shape[1] == 1 else raw

    def _proba_from_raw(self, raw):
        if raw.shape[1] == 1:
            # expit(-f), not 1 - expit(f): exact in the tail (f = 40 gives
            # 4e-18 for class 0, not 0)
            return np.column_stack([expit(-raw[:, 0]), expit(raw[:, 0])])
        return np.exp(raw - logsumexp(raw, axis=1, keepdims=True))

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in ``classes_`` order.

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            If X does not have the ``n_features_in_`` columns seen in ``fit``
            or contains NaN or infinity.
        """
        return self._proba_from_raw(self._raw_predict(X))

    def predict_log_proba(self, X: ArrayLike) -> np.ndarray:
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            If X does not have the ``n_features_in_`` columns seen in ``fit``
            or contains NaN or infinity.
        """
        # log-softmax of the raw scores: finite where exp would underflow
        raw = self._raw_predict(X)
        if raw.shape[1] == 1:
            f = raw[:, 0]
            return np.column_stack([-np.logaddexp(0.0, f), -np.logaddexp(0.0, -f)])
        return raw - logsumexp(raw, axis=1, keepdims=True)

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predict class labels.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            If X does not have the ``n_features_in_`` columns seen in ``fit``
            or contains NaN or infinity.
        """
        proba = self.predict_proba(X)
        return self.classes_[proba.argmax(axis=1)]

    def staged_decision_function(self, X: ArrayLike) -> Iterator[np.ndarray]:
        """Raw scores after each stage.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            If X does not have the ``n_features_in_`` columns seen in ``fit``
            or contains NaN or infinity; raised when the first stage is requested.
        """
        for raw in self._staged_raw(X):
            yield raw[:, 0] if raw.shape[1] == 1 else raw

    def staged_predict_proba(self, X: ArrayLike) -> Iterator[np.ndarray]:
        """Class probabilities after each stage.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        proba : ndarray of shape (n_samples, n_classes)

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            If X does not have the ``n_features_in_`` columns seen in ``fit``
            or contains NaN or infinity; raised when the first stage is requested.
        """
        for raw in self._staged_raw(X):
            yield self._proba_from_raw(raw)

    def staged_predict(self, X: ArrayLike) -> Iterator[np.ndarray]:
        """Class labels after each stage.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        y : ndarray of shape (n_samples,)
            The last equals :meth:`predict`.

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            If X does not have the ``n_features_in_`` columns seen in ``fit``
            or contains NaN or infinity; raised when the first stage is requested.
        """
        for raw in self._staged_raw(X):
            yield self.classes_[self._proba_from_raw(raw).argmax(axis=1)]
