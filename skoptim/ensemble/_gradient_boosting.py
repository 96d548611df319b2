"""Gradient boosting of any scikit-learn regressor.

scikit-learn's gradient boosting only boosts its own trees (its RFC #33412
asks for arbitrary base learners). This module implements Friedman's
gradient boosting machine with a generic base learner: each stage fits a
clone of ``estimator`` to the negative gradient of the loss and takes a
line-searched, shrunk step along it.
"""

from __future__ import annotations

import warnings
from abc import ABCMeta, abstractmethod
from collections.abc import Iterator
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike
from scipy.optimize import minimize_scalar
from scipy.special import expit, logsumexp
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    _fit_context,
    clone,
    is_classifier,
)
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble._base import _set_random_states
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelEncoder
from sklearn.tree import DecisionTreeRegressor
from sklearn.tree._classes import BaseDecisionTree
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    has_fit_parameter,
    validate_data,
)

from skoptim.ensemble._members import align_proba

__all__ = ["GradientBoostingClassifier", "GradientBoostingRegressor"]

_EPS = np.finfo(np.float64).eps


def _weighted_quantile(values, weights, q):
    """Weighted ``q``-quantile: the smallest value whose weight CDF >= q."""
    order = np.argsort(values, kind="stable")
    cdf = np.cumsum(weights[order])
    if cdf[-1] <= 0:
        return float(np.median(values))
    idx = int(np.searchsorted(cdf, q * cdf[-1], side="left"))
    return float(values[order[min(idx, len(values) - 1)]])


# --------------------------------------------------------------------------
# Losses. ``raw`` is always a 2-D array (n_samples, K) of additive scores.
# --------------------------------------------------------------------------


class _Loss:
    """Interface of a boosting loss (private)."""

    K = 1

    def __call__(self, y, raw, w):  # pragma: no cover - interface
        raise NotImplementedError

    def negative_gradient(self, y, raw, w):  # pragma: no cover - interface
        raise NotImplementedError

    def line_search(self, y, raw, h, w, k):  # pragma: no cover - interface
        raise NotImplementedError

    def leaf_value(self, y, raw, w, k):
        """Optimal constant update for the rows of one tree leaf (or None)."""
        return None


class _SquaredError(_Loss):
    """:math:`L = (y - F)^2`; reported as the weighted mean squared error."""

    def __call__(self, y, raw, w):
        return float(np.average((y - raw[:, 0]) ** 2, weights=w))

    def negative_gradient(self, y, raw, w):
        return y - raw[:, 0]

    def line_search(self, y, raw, h, w, k):
        den = np.sum(w * h * h)
        if den <= _EPS:
            return 0.0
        return float(np.sum(w * h * (y - raw[:, 0])) / den)


class _AbsoluteError(_Loss):
    """:math:`L = |y - F|`; negative gradient ``sign(y - F)``."""

    def __call__(self, y, raw, w):
        return float(np.average(np.abs(y - raw[:, 0]), weights=w))

    def negative_gradient(self, y, raw, w):
        return np.sign(y - raw[:, 0])

    def line_search(self, y, raw, h, w, k):
        # argmin_rho sum w |r - rho h| = weighted median of r / h, weights w|h|
        nz = np.abs(h) > _EPS
        if not np.any(nz & (w > 0)):
            return 0.0
        r = y[nz] - raw[nz, 0]
        return _weighted_quantile(r / h[nz], w[nz] * np.abs(h[nz]), 0.5)

    def leaf_value(self, y, raw, w, k):
        return _weighted_quantile(y - raw[:, 0], w, 0.5)


class _HuberLoss(_Loss):
    r"""Huber loss, :math:`\delta` the ``alpha``-quantile of :math:`|y-F|`.

    :math:`\delta` is re-estimated at each stage from the current training
    residuals (Friedman 2001, Algorithm 4).
    """

    def __init__(self, alpha):
        self.alpha = alpha
        self.delta = None

    def _values(self, u):
        delta = self.delta
        a = np.abs(u)
        return np.where(a <= delta, 0.5 * u * u, delta * (a - 0.5 * delta))

    def __call__(self, y, raw, w):
        u = y - raw[:, 0]
        if self.delta is None:
            self.delta = _weighted_quantile(np.abs(u), w, self.alpha)
        return float(np.average(self._values(u), weights=w))

    def negative_gradient(self, y, raw, w):
        u = y - raw[:, 0]
        self.delta = max(_weighted_quantile(np.abs(u), w, self.alpha), _EPS)
        return np.clip(u, -self.delta, self.delta)

    def line_search(self, y, raw, h, w, k):
        if np.sum(w * h * h) <= _EPS:
            return 0.0
        u = y - raw[:, 0]
        res = minimize_scalar(
            lambda rho: np.sum(w * self._values(u - rho * h)), bracket=(0.0, 1.0)
        )
        return float(res.x) if np.isfinite(res.x) else 0.0

    def leaf_value(self, y, raw, w, k):
        # Friedman (2001), Algorithm 4: median plus a clipped mean correction
        diff = y - raw[:, 0]
        median = _weighted_quantile(diff, w, 0.5)
        dev = diff - median
        if np.sum(w) <= 0:
            return median
        clipped = np.sign(dev) * np.minimum(np.abs(dev), self.delta)
        return median + float(np.average(clipped, weights=w))


class _BinomialLogLoss(_Loss):
    """Log-loss of a binary problem, ``raw`` the log-odds of class 1."""

    def __call__(self, y, raw, w):
        f = raw[:, 0]
        # log(1 + exp(f)) - y f, computed stably
        return float(np.average(np.logaddexp(0.0, f) - y * f, weights=w))

    def negative_gradient(self, y, raw, w):
        return y - expit(raw[:, 0])

    def line_search(self, y, raw, h, w, k):
        f = raw[:, 0]
        return _newton_line_search(
            lambda rho: float(
                np.sum(w * (np.logaddexp(0.0, f + rho * h) - y * (f + rho * h)))
            ),
            lambda rho: _binomial_derivatives(y, f + rho * h, h, w),
        )

    def leaf_value(self, y, raw, w, k):
        p = expit(raw[:, 0])
        return _safe_divide(np.sum(w * (y - p)), np.sum(w * p * (1.0 - p)))


def _binomial_derivatives(y, f, h, w):
    p = expit(f)
    return -np.sum(w * h * (y - p)), np.sum(w * h * h * p * (1.0 - p))


class _MultinomialLogLoss(_Loss):
    """Log-loss of a K-class problem, ``raw`` the K class scores (softmax)."""

    def __init__(self, n_classes):
        self.K = n_classes

    def _onehot(self, y):
        return np.eye(self.K)[y.astype(int)]

    def __call__(self, y, raw, w):
        yi = y.astype(int)
        nll = logsumexp(raw, axis=1) - raw[np.arange(len(yi)), yi]
        return float(np.average(nll, weights=w))

    def negative_gradient(self, y, raw, w):
        p = np.exp(raw - logsumexp(raw, axis=1, keepdims=True))
        return self._onehot(y) - p

    def line_search(self, y, raw, h, w, k):
        yk = (y.astype(int) == k).astype(float)

        def loss(rho):
            shifted = raw.copy()
            shifted[:, k] += rho * h
            return self(y, shifted, w) * np.sum(w)

        def derivatives(rho):
            shifted = raw.copy()
            shifted[:, k] += rho * h
            pk = np.exp(shifted[:, k] - logsumexp(shifted, axis=1))
            return -np.sum(w * h * (yk - pk)), np.sum(w * h * h * pk * (1.0 - pk))

        return _newton_line_search(loss, derivatives)

    def leaf_value(self, y, raw, w, k):
        # Friedman (2001), Algorithm 6: (K-1)/K times a diagonal Newton step
        pk = np.exp(raw[:, k] - logsumexp(raw, axis=1))
        yk = (y.astype(int) == k).astype(float)
        num = (self.K - 1) / self.K * np.sum(w * (yk - pk))
        return _safe_divide(num, np.sum(w * pk * (1.0 - pk)))


def _safe_divide(num, den):
    return 0.0 if abs(den) < 1e-150 else float(num) / float(den)


def _newton_line_search(loss, derivatives, max_iter=1):
    """Newton step(s) on a convex 1-D ``loss``, halved until the loss decreases.

    One step by default, as Friedman's TreeBoost takes one Newton step per
    leaf; iterating to the exact minimiser overfits the log-loss (huge steps
    along nearly-separating directions).
    """
    rho, current = 0.0, loss(0.0)
    for _ in range(max_iter):
        grad, hess = derivatives(rho)
        if hess <= _EPS or abs(grad) <= 1e-12:
            break
        step = -grad / hess
        for _ in range(30):
            candidate = loss(rho + step)
            if candidate <= current:
                break
            step *= 0.5
        else:
            break
        rho, improvement = rho + step, current - candidate
        current = candidate
        if improvement <= 1e-12 * max(1.0, abs(current)):
            break
    return float(rho)


# --------------------------------------------------------------------------
# Estimators
# --------------------------------------------------------------------------


class _BaseGradientBoosting(BaseEstimator, metaclass=ABCMeta):
    """Gradient boosting with an arbitrary regressor as base (private)."""

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "learning_rate": [Interval(Real, 0.0, None, closed="neither")],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "subsample": [Interval(Real, 0.0, 1.0, closed="right")],
        "init": [StrOptions({"zero"}), None, HasMethods(["fit", "predict"])],
        "validation_fraction": [Interval(Real, 0.0, 1.0, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), None],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    @abstractmethod
    def __init__(
        self,
        estimator=None,
        *,
        loss,
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
        self.estimator = estimator
        self.loss = loss
        self.learning_rate = learning_rate
        self.n_estimators = n_estimators
        self.subsample = subsample
        self.init = init
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state
        self.verbose = verbose

    # -- hooks implemented by the regressor / classifier ---------------------

    @abstractmethod
    def _encode_y(self, y):
        """Validate y and return it as floats (class indices for classifiers)."""

    @abstractmethod
    def _make_loss(self):
        """Return the private loss object."""

    @abstractmethod
    def _default_init(self):
        """Return the unfitted constant init estimator for the loss."""

    @abstractmethod
    def _raw_from_init(self, X):
        """Raw scores (n_samples, K) of the fitted ``init_`` estimator."""

    # -- fitting --------------------------------------------------------------

    def _validate_base(self):
        base = (
            DecisionTreeRegressor(max_depth=3)
            if self.estimator is None
            else self.estimator
        )
        if is_classifier(base):
            raise ValueError(
                f"{type(self).__name__} boosts regressors fit to the loss's "
                f"negative gradient, so estimator must be a regressor; got the "
                f"classifier {base!r}. Pass e.g. DecisionTreeRegressor(max_depth=3)"
                " or any other regressor."
            )
        self.estimator_ = clone(base)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> _BaseGradientBoosting:
        """Fit the boosted ensemble.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training inputs.
        y : array-like of shape (n_samples,)
            Targets (real values, or class labels for the classifier).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights. Rows of weight 0 are dropped before
            fitting (a zero-weight row is a missing row, as in scikit-learn),
            so they move neither the bases nor the subsample and validation
            draws. The other weights enter the loss, the init estimator and
            the line search always, and the base fits when the base's ``fit``
            accepts ``sample_weight`` (otherwise a warning is raised).

        Returns
        -------
        self : object
            Fitted estimator.

        Raises
        ------
        ValueError
            If X or y is invalid (wrong shape, NaN or infinity, a single class
            for the classifier); if ``sample_weight`` has negative values,
            only zeros or the wrong length; if a parameter is out of range; if
            ``estimator`` is a classifier; if the ``init`` estimator has no
            ``predict_proba`` (classifier) or takes no ``sample_weight`` while
            weights are given; if the training part of the early-stopping
            split lacks a class.
        TypeError
            If a keyword other than ``sample_weight`` is passed (e.g. the typo
            ``sample_weights=``).
        """
        X, y = validate_data(
            self, X, y, dtype=np.float64, y_numeric=not is_classifier(self)
        )
        y = self._encode_y(column_or_1d(y, warn=True))
        weighted = sample_weight is not None
        sample_weight = _check_sample_weight(sample_weight, X, ensure_non_negative=True)
        if weighted and not np.all(sample_weight > 0):
            # A zero-weight row is a missing row (scikit-learn's semantics):
            # drop it, so that it moves neither the bases, nor the subsample
            # and validation draws, nor any weighted mean.
            keep = sample_weight > 0
            X, y, sample_weight = X[keep], y[keep], sample_weight[keep]
        self._validate_base()
        base_takes_weight = has_fit_parameter(self.estimator_, "sample_weight")
        if weighted and not base_takes_weight:
            warnings.warn(
                f"{type(self.estimator_).__name__}.fit does not accept "
                "sample_weight: the weights are used in the loss, the init "
                "estimator and the line search, but the base learners are fit "
                "unweighted.",
                UserWarning,
            )
        random_state = check_random_state(self.random_state)

        if self.n_iter_no_change is not None:
            stratify = y if is_classifier(self) else None
            X_tr, X_val, y_tr, y_val, w_tr, w_val = train_test_split(
                X,
                y,
                sample_weight,
                random_state=self.random_state,
                test_size=self.validation_fraction,
                stratify=stratify,
            )
            if is_classifier(self) and len(np.unique(y_tr)) != len(np.unique(y)):
                raise ValueError(
                    "The training part of the early-stopping split is missing "
                    "some classes. Lower validation_fraction, set "
                    "n_iter_no_change=None, or use another random_state."
                )
        else:
            X_tr, y_tr, w_tr = X, y, sample_weight
            X_val = y_val = w_val = None

        self._loss = self._make_loss()
        loss = self._loss
        self._fit_init(X_tr, y_tr, w_tr if weighted else None)
        raw = self._raw_from_init(X_tr)
        raw_val = self._raw_from_init(X_val) if X_val is not None else None

        n_samples = X_tr.shape[0]
        n_inbag = max(1, int(self.subsample * n_samples))
        K = loss.K
        use_leaves = isinstance(self.estimator_, BaseDecisionTree)
        estimators, steps, train_score, val_score = [], [], [], []
        loss_history = (
            np.full(self.n_iter_no_change, np.inf)
            if self.n_iter_no_change is not None
            else None
        )
        for i in range(self.n_estimators):
            if n_inbag < n_samples:
                inbag = np.sort(random_state.choice(n_samples, n_inbag, replace=False))
            else:
                inbag = np.arange(n_samples)
            # Residuals, Hessians, leaf values and line searches of every class
            # all use the stage's starting scores ``raw_start`` (Friedman 2001,
            # Algorithm 6; scikit-learn does the same), so that the K trees of a
            # stage do not depend on the order of the classes.
            raw_start = raw.copy() if K > 1 else raw
            residuals = loss.negative_gradient(y_tr, raw_start, w_tr)
            residuals = residuals.reshape(n_samples, -1)
            stage, stage_steps = [], np.zeros(K)
            updates = []
            for k in range(K):
                base = clone(self.estimator_)
                _set_random_states(base, random_state)
                fit_kw = {}
                if weighted and base_takes_weight:
                    fit_kw["sample_weight"] = w_tr[inbag]
                base.fit(X_tr[inbag], residuals[inbag, k], **fit_kw)
                if use_leaves:
                    self._update_leaves(
                        base,
                        X_tr[inbag],
                        y_tr[inbag],
                        raw_start[inbag],
                        w_tr[inbag],
                        k,
                    )
                    rho = 1.0
                h = np.asarray(base.predict(X_tr), dtype=np.float64).reshape(-1)
                if not use_leaves:
                    rho = loss.line_search(
                        y_tr[inbag], raw_start[inbag], h[inbag], w_tr[inbag], k
                    )
                updates.append(self.learning_rate * rho * h)
                if raw_val is not None:
                    h_val = np.asarray(base.predict(X_val), dtype=np.float64)
                    raw_val[:, k] += self.learning_rate * rho * h_val.reshape(-1)
                stage.append(base)
                stage_steps[k] = rho
            for k, update in enumerate(updates):
                raw[:, k] += update
            if i == 0 and not np.any(stage_steps):
                warnings.warn(
                    f"The first stage of {type(self).__name__} made no progress: "
                    f"the fitted {type(self.estimator_).__name__} gives no descent "
                    "direction for the loss (its predictions of the negative "
                    "gradient are constant or uncorrelated with it). Use a more "
                    "flexible base estimator.",
                    UserWarning,
                )
            estimators.append(stage)
            steps.append(stage_steps)
            train_score.append(loss(y_tr[inbag], raw[inbag], w_tr[inbag]))
            if self.verbose:
                print(f"stage {i + 1:4d}: training loss {train_score[-1]:.6g}")
            if loss_history is not None:
                val_loss = loss(y_val, raw_val, w_val)
                val_score.append(val_loss)
                if np.any(val_loss + self.tol < loss_history):
                    loss_history[i % len(loss_history)] = val_loss
                else:
                    break

        self.estimators_ = np.empty((len(estimators), K), dtype=object)
        for i, stage in enumerate(estimators):
            for k, base in enumerate(stage):
                self.estimators_[i, k] = base
        self.step_sizes_ = np.asarray(steps, dtype=np.float64).reshape(-1, K)
        self.n_estimators_ = len(estimators)
        self.train_score_ = np.asarray(train_score)
        if loss_history is not None:
            self.validation_score_ = np.asarray(val_score)
        return self

    def _update_leaves(self, tree, X, y, raw, w, k):
        """TreeBoost: give each leaf its own optimal update (Friedman 2001)."""
        leaves = tree.apply(X)
        values = tree.tree_.value
        for leaf in np.unique(leaves):
            rows = leaves == leaf
            value = self._loss.leaf_value(y[rows], raw[rows], w[rows], k)
            if value is not None:
                values[leaf, 0, 0] = value

    def _fit_init(self, X, y, sample_weight):
        if isinstance(self.init, str):  # "zero"
            self.init_ = "zero"
            return
        init = self._default_init() if self.init is None else clone(self.init)
        if sample_weight is None:
            init.fit(X, y)
        elif has_fit_parameter(init, "sample_weight"):
            init.fit(X, y, sample_weight=sample_weight)
        else:
            raise ValueError(
                f"The init estimator {type(init).__name__} does not accept "
                "sample_weight, but fit was given sample_weight. Use an init "
                "estimator that accepts it, init=None, or init='zero'."
            )
        self.init_ = init

    # -- prediction -----------------------------------------------------------

    def _raw_init_checked(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return X, self._raw_from_init(X)

    def _staged_raw(self, X):
        X, raw = self._raw_init_checked(X)
        for stage, steps in zip(self.estimators_, self.step_sizes_, strict=True):
            for k, (base, rho) in enumerate(zip(stage, steps, strict=True)):
                h = np.asarray(base.predict(X), dtype=np.float64).reshape(-1)
                raw[:, k] += self.learning_rate * rho * h
            yield raw.copy()

    def _raw_predict(self, X):
        X, raw = self._raw_init_checked(X)
        for stage, steps in zip(self.estimators_, self.step_sizes_, strict=True):
            for k, (base, rho) in enumerate(zip(stage, steps, strict=True)):
                h = np.asarray(base.predict(X), dtype=np.float64).reshape(-1)
                raw[:, k] += self.learning_rate * rho * h
        return raw


class GradientBoostingRegressor(RegressorMixin, _BaseGradientBoosting):
    r"""Gradient boosting of any scikit-learn regressor, for regression.

    Friedman's gradient boosting machine (Friedman 2001, Algorithm 1) with a
    generic base learner. Starting from :math:`F_0` (the ``init`` estimator),
    stage :math:`m = 1, \dots, M` computes the negative gradient
    :math:`r_i = -\partial L(y_i, F)/\partial F |_{F = F_{m-1}(x_i)}`, fits a
    clone :math:`h_m` of ``estimator`` to :math:`(x_i, r_i)` (on a random
    ``subsample`` fraction of the rows, drawn without replacement: stochastic
    gradient boosting, Friedman 2002), finds the step

    .. math::

        \rho_m = \arg\min_\rho \sum_i w_i\, L(y_i, F_{m-1}(x_i) + \rho h_m(x_i))

    and updates :math:`F_m = F_{m-1} + \nu \rho_m h_m` with
    :math:`\nu` = ``learning_rate``. Losses: ``"squared_error"``
    (:math:`(y-F)^2`, closed-form step), ``"absolute_error"`` (:math:`|y-F|`,
    step by weighted median) and ``"huber"`` (quadratic below :math:`\delta`,
    linear above, :math:`\delta` the ``alpha``-quantile of the current
    absolute residuals).

    Any regressor (linear models, MLPs, nearest neighbours, pipelines...) can
    serve as base: the line search gives one step :math:`\rho_m` per stage.
    When the base is a scikit-learn decision tree, each leaf instead gets its
    own optimal value (Friedman's TreeBoost, which is what scikit-learn's
    :class:`~sklearn.ensemble.GradientBoostingRegressor` does: leaf mean,
    weighted median, or Friedman's Huber estimate) and :math:`\rho_m = 1`.

    Parameters
    ----------
    estimator : object, default=None
        The base regressor, cloned at every stage. If None,
        ``DecisionTreeRegressor(max_depth=3)`` as in
        scikit-learn. A classifier is refused.
    loss : {"squared_error", "absolute_error", "huber"}, default="squared_error"
        Loss to minimise.
    learning_rate : float, default=0.1
        Shrinkage :math:`\nu` of each step.
    n_estimators : int, default=100
        Maximum number of stages.
    subsample : float in (0, 1], default=1.0
        Fraction of rows each base is fit on (stochastic gradient boosting
        when < 1).
    alpha : float in (0, 1), default=0.9
        Quantile of the absolute residuals used as :math:`\delta` by the Huber
        loss.
    init : estimator, "zero" or None, default=None
        Estimator giving :math:`F_0`; None uses the loss's optimal constant
        (mean for squared error, median otherwise), "zero" starts from 0.
    validation_fraction : float in (0, 1), default=0.1
        Fraction of the training data held out for early stopping; only used
        if ``n_iter_no_change`` is set.
    n_iter_no_change : int, default=None
        Stop when the validation loss has not improved by at least ``tol`` on
        any of the last ``n_iter_no_change`` stages (the rule scikit-learn
        uses). None disables early stopping.
    tol : float, default=1e-4
        Minimum improvement for early stopping.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsampling, the validation split and the bases.
    verbose : int, default=0
        Print the training loss after every stage if > 0.

    Attributes
    ----------
    estimator_ : estimator
        The validated, unfitted base estimator.
    estimators_ : ndarray of shape (n_estimators_, 1), dtype=object
        The fitted base learners.
    step_sizes_ : ndarray of shape (n_estimators_, 1)
        The line-search steps :math:`\rho_m` (before shrinkage); 1 for tree
        bases, whose leaves carry the steps.
    init_ : estimator or "zero"
        The fitted init estimator.
    n_estimators_ : int
        Number of stages actually fit (fewer than ``n_estimators`` after
        early stopping).
    train_score_ : ndarray of shape (n_estimators_,)
        Loss on the in-bag training rows after each stage (mean squared
        error, mean absolute error or mean Huber loss).
    validation_score_ : ndarray of shape (n_estimators_,)
        Loss on the validation rows after each stage; only with early
        stopping.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit`` (only if X had string names).

    See Also
    --------
    GradientBoostingClassifier : The log-loss counterpart.
    sklearn.ensemble.GradientBoostingRegressor : Tree-only, per-leaf steps.

    References
    ----------
    .. [1] J. H. Friedman, "Greedy function approximation: a gradient
       boosting machine", Annals of Statistics 29(5), 2001.
    .. [2] J. H. Friedman, "Stochastic gradient boosting", Computational
       Statistics & Data Analysis 38(4), 2002.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.linear_model import Ridge
    >>> from skoptim.ensemble import GradientBoostingRegressor
    >>> X, y = make_friedman1(n_samples=200, random_state=0)
    >>> reg = GradientBoostingRegressor(Ridge(), n_estimators=20).fit(X, y)
    >>> bool(reg.train_score_[-1] < reg.train_score_[0])
    True
    """

    _parameter_constraints: dict = {
        **_BaseGradientBoosting._parameter_constraints,
        "loss": [StrOptions({"squared_error", "absolute_error", "huber"})],
        "alpha": [Interval(Real, 0.0, 1.0, closed="neither")],
    }

    def __init__(
        self,
        estimator=None,
        *,
        loss="squared_error",
        learning_rate=0.1,
        n_estimators=100,
        subsample=1.0,
        alpha=0.9,
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
        self.alpha = alpha

    def _encode_y(self, y):
        return np.asarray(y, dtype=np.float64)

    def _make_loss(self):
        if self.loss == "squared_error":
            return _SquaredError()
        if self.loss == "absolute_error":
            return _AbsoluteError()
        return _HuberLoss(self.alpha)

    def _default_init(self):
        if self.loss == "squared_error":
            return DummyRegressor(strategy="mean")
        return DummyRegressor(strategy="quantile", quantile=0.5)

    def _raw_from_init(self, X):
        if isinstance(self.init_, str):
            return np.zeros((X.shape[0], 1))
        pred = np.asarray(self.init_.predict(X), dtype=np.float64)
        return pred.reshape(X.shape[0], 1).copy()

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predict regression targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            :math:`F_M(x)`.

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            If X does not have the ``n_features_in_`` columns seen in ``fit``
            or contains NaN or infinity.
        """
        return self._raw_predict(X)[:, 0]

    def staged_predict(self, X: ArrayLike) -> Iterator[np.ndarray]:
        """Predictions after each stage.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        y : ndarray of shape (n_samples,)
            :math:`F_m(x)` for :math:`m = 1, \\dots, M`; the last equals
            :meth:`predict`.

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            If X does not have the ``n_features_in_`` columns seen in ``fit``
            or contains NaN or infinity; raised when the first stage is requested.
        """
        for raw in self._staged_raw(X):
            yield raw[:, 0]


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
        Print the training loss after every stage if > 0.

    Attributes
    ----------
    estimator_ : estimator
        The validated, unfitted base estimator.
    estimators_ : ndarray of shape (n_estimators_, K), dtype=object
        The fitted base learners; K is 1 for binary problems, else
        ``n_classes_``.
    step_sizes_ : ndarray of shape (n_estimators_, K)
        The line-search steps (before shrinkage); 1 for tree bases.
    init_ : estimator or "zero"
        The fitted init estimator.
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    n_estimators_ : int
        Number of stages actually fit.
    train_score_ : ndarray of shape (n_estimators_,)
        Mean log-loss on the in-bag training rows after each stage.
    validation_score_ : ndarray of shape (n_estimators_,)
        Mean log-loss on the validation rows; only with early stopping.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during ``fit`` (only if X had string names).

    See Also
    --------
    GradientBoostingRegressor : The regression counterpart.
    sklearn.ensemble.GradientBoostingClassifier : Tree-only, per-leaf steps.

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
            p1 = expit(raw[:, 0])
            return np.column_stack([1.0 - p1, p1])
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
        return np.log(self.predict_proba(X))

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
