"""Gradient boosting of any scikit-learn regressor: the boosting loop.

scikit-learn's gradient boosting only boosts its own trees (its RFC #33412
asks for arbitrary base learners). This module implements Friedman's
gradient boosting machine with a generic base learner: each stage fits a
clone of ``estimator`` to the negative gradient of the loss and takes a
line-searched, shrunk step along it.
"""

from __future__ import annotations

import time
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import (
    BaseEstimator,
    _fit_context,
    clone,
    is_classifier,
)
from sklearn.ensemble._base import _set_random_states
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeRegressor
from sklearn.tree._classes import BaseDecisionTree
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    has_fit_parameter,
    validate_data,
)

from skoptim.utils._callbacks import CallbackSupportMixin, has_callbacks, propagate_into
from skoptim.utils._training_log import TrainingLog

from ..utils._warnings import warn_user

# --------------------------------------------------------------------------
# Estimators
# --------------------------------------------------------------------------


class _BaseGradientBoosting(CallbackSupportMixin, BaseEstimator, metaclass=ABCMeta):
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

    def __getstate__(self):
        # the loss object is scratch of the fit (rebuilt by every fit); keeping
        # it out of the saved state means skops.io asks to trust only public
        # classes. A copy: object.__getstate__ returns the live __dict__.
        state = dict(super().__getstate__())
        state.pop("_loss", None)
        return state

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
            warn_user(
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

        metadata = {"sample_weight": sample_weight} if weighted else None
        root = self._init_callback_context(max_subtasks=self.n_estimators)
        root.call_on_fit_task_begin(
            estimator=self, X=X, y=self._labels(y), metadata=metadata
        )
        tracked = has_callbacks(self)
        stage_metadata = {"sample_weight": w_tr} if weighted else None
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
        log = self._stage_log(loss_history is not None) if self.verbose else None
        stopped_by = "n_estimators"
        for i in range(self.n_estimators):
            if log is not None:
                start = time.perf_counter()
            if tracked:
                stage_ctx = root.subcontext(task_name="stage")
                if K > 1:
                    stage_ctx.call_on_fit_task_begin(
                        estimator=self,
                        X=X_tr,
                        y=self._labels(y_tr),
                        metadata=stage_metadata,
                    )
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
                if tracked and K == 1:  # the base's own tasks beneath the stage
                    with propagate_into(stage_ctx, base):
                        stage_ctx.call_on_fit_task_begin(
                            estimator=self,
                            X=X_tr,
                            y=self._labels(y_tr),
                            metadata=stage_metadata,
                        )
                        base.fit(X_tr[inbag], residuals[inbag, k], **fit_kw)
                else:
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
                warn_user(
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
            stop_reason = val_loss = None
            if loss_history is not None:
                val_loss = loss(y_val, raw_val, w_val)
                val_score.append(val_loss)
                if np.any(val_loss + self.tol < loss_history):
                    loss_history[i % len(loss_history)] = val_loss
                else:
                    stop_reason = "early_stopping"
            if log is not None:
                values = {"train_loss": train_score[-1]}
                if val_loss is not None:
                    values["valid_loss"] = val_loss
                log.row(i + 1, time=time.perf_counter() - start, **values)
            if tracked and stage_ctx.call_on_fit_task_end(
                estimator=self,
                X=X_tr,
                y=self._labels(y_tr),
                metadata=stage_metadata,
                reconstruction_attributes=lambda: self._fitted_stages(
                    estimators, steps, train_score, val_score, K
                ),
            ):
                stop_reason = stop_reason or "callback"
            if stop_reason is not None:
                stopped_by = stop_reason
                break

        for name, value in self._fitted_stages(
            estimators, steps, train_score, val_score, K
        ).items():
            setattr(self, name, value)
        self.stop_reason_ = stopped_by
        root.call_on_fit_task_end(
            estimator=self, X=X, y=self._labels(y), metadata=metadata
        )
        return self

    def _fitted_stages(self, estimators, steps, train_score, val_score, K):
        """The fitted attributes of the stages in ``estimators`` so far."""
        stages = np.empty((len(estimators), K), dtype=object)
        for i, stage in enumerate(estimators):
            for k, base in enumerate(stage):
                stages[i, k] = base
        fitted = {
            "estimators_": stages,
            "step_sizes_": np.asarray(steps, dtype=np.float64).reshape(-1, K),
            "n_estimators_": len(estimators),
            "train_score_": np.asarray(train_score),
        }
        if self.n_iter_no_change is not None:
            fitted["validation_score_"] = np.asarray(val_score)
        return fitted

    def _labels(self, y):
        """y as the user gave it, lazily (class labels for classifiers)."""
        return y

    def _stage_log(self, validation):
        """The ``verbose`` table: one line per stage."""
        columns = ["train_loss", "valid_loss"] if validation else ["train_loss"]
        return TrainingLog(
            columns,
            step_name="stage",
            max_steps=self.n_estimators,
            best=(columns[-1], "min"),
        )

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
