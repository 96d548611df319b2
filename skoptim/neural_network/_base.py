"""Shared machinery of the MLP estimators: validation, set-up, fitted state.

:class:`BaseMLP` validates hyperparameters and data, initialises the network
or continues it (warm start, ``partial_fit``), opens the fit's callback task
and runs the forward pass for predict. The epoch and batch loop (which opens
the epochs' callback tasks) is :class:`._training.TrainingLoopMixin`; the
state carried across calls, its snapshots and pickling are
:class:`._state.FittedStateMixin`; the estimators are in :mod:`._classifier`
and :mod:`._regressor`.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from sklearn.callback._callback_support import callback_management_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
)
from sklearn.utils.validation import (
    check_is_fitted,
    validate_data,
)

from ..optimizers._aliases import resolve_optimizer
from ..regularizers._aliases import get_regularizer
from ..regularizers._aliases import resolve_regularizers as _as_list_of_regularizers
from ..regularizers._base import FitContext
from ..utils._callbacks import CallbackSupportMixin
from ..utils._nested import NestedParamsMixin
from ..utils._params import same_config
from ..utils._validation import check_sample_weight
from ..utils._warnings import warn_user
from ._from_sklearn import SKLEARN_PARAM_HINTS
from ._losses import OUTPUT_ACTIVATION
from ._network import Network
from ._state import FittedStateMixin, _InferenceHook, carry_optimizer_state
from ._training import TrainingLoopMixin
from ._validation import _DTYPES, _float_dtype, _FloatDtype, check_regularizers

__all__ = ["BaseMLP"]


class BaseMLP(
    CallbackSupportMixin,
    TrainingLoopMixin,
    FittedStateMixin,
    NestedParamsMixin,
    BaseEstimator,
    metaclass=ABCMeta,
):
    """Shared machinery of :class:`MLPClassifier` and :class:`MLPRegressor`."""

    # nested parameters: aliases, named regularizers, scikit-learn's names
    # (see skoptim.utils._nested)
    _alias_params = {"optimizer": resolve_optimizer}
    _list_params = {"regularizers": get_regularizer}
    _param_hints = SKLEARN_PARAM_HINTS

    _parameter_constraints: dict = {
        "hidden_layer_sizes": [
            "array-like",
            Interval(Integral, 1, None, closed="left"),
        ],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        # validated at fit by resolve_optimizer / resolve_regularizers, whose
        # errors say what to pass (Adam() for the class Adam, L2() ...)
        "optimizer": "no_validation",
        "regularizers": "no_validation",
        "batch_size": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
        ],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "dtype": [_FloatDtype(), None],
    }

    @abstractmethod
    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        optimizer="adam",
        regularizers=None,
        batch_size="auto",
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        shuffle=True,
        random_state=None,
        warm_start=False,
        verbose=False,
        dtype=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.regularizers = regularizers
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.shuffle = shuffle
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.dtype = dtype

    # -- hooks the subclasses provide ------------------------------------------
    @abstractmethod
    def _loss_name(self) -> str:
        """Loss used by the network (depends on the targets for classifiers)."""

    @abstractmethod
    def _encode_targets(self, y, *, reset: bool, classes=None, caller="fit"):
        """Validate ``y`` and return (y, Y 2-D float) for training.

        ``caller`` (``"fit"``, ``"partial_fit"`` or ``"validation"``) says
        which call's advice an error gives."""

    # -- fitted attributes that are views into the flat buffer ------------------
    @property
    def coefs_(self) -> list[np.ndarray]:
        """Weight matrices, ``coefs_[i]`` of shape (n_in, n_out): buffer views."""
        if "_network" not in self.__dict__:
            raise AttributeError("coefs_ exists once the estimator is fitted.")
        return self._network.coefs

    @property
    def intercepts_(self) -> list[np.ndarray]:
        """Bias vectors of each layer: views into the flat buffer."""
        if "_network" not in self.__dict__:
            raise AttributeError("intercepts_ exists once the estimator is fitted.")
        return self._network.intercepts

    @property
    def params_(self) -> np.ndarray:
        """The flat parameter buffer that ``coefs_`` and ``intercepts_`` view."""
        if "_network" not in self.__dict__:
            raise AttributeError("params_ exists once the estimator is fitted.")
        return self._network.params

    # -- validation -----------------------------------------------------------
    def _hidden_sizes(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, Integral):
            sizes = [sizes]
        sizes = list(sizes)
        for s in sizes:
            if not isinstance(s, Integral | np.integer) or s < 1:
                raise ValueError(
                    "hidden_layer_sizes must contain positive integers; got "
                    f"{self.hidden_layer_sizes!r}."
                )
        return [int(s) for s in sizes]

    def _validate_hyperparameters(self):
        self._validate_params()
        opt = resolve_optimizer(self.optimizer)
        opt = clone(opt) if not isinstance(self.optimizer, str) else opt
        opt.validate()
        regs = [clone(r) for r in _as_list_of_regularizers(self.regularizers, self)]
        check_regularizers(self, opt, regs)
        return opt, regs

    def _validate_X(self, X, *, reset: bool, dtype=None):
        """Validate X and cast it to ``dtype`` (the model's, once fitted)."""
        if dtype is None:
            if not reset and "_network" in self.__dict__:
                dtype = self._network.dtype
            elif self.dtype is not None:
                dtype = _float_dtype(self.dtype)
            else:
                dtype = _DTYPES
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=dtype, reset=reset
        )
        if sp.issparse(X) and X.format != "csr":
            X = X.tocsr()
        return X

    # -- fit ------------------------------------------------------------------
    def fit(self, X, y, sample_weight=None, *, validation_data=None):
        """Fit the network to (X, y) for up to ``max_iter`` epochs.

        Training stops at the first of: ``max_iter`` epochs (a
        ``ConvergenceWarning``), the ``tol`` rule, a regularizer's decision
        (:class:`~skoptim.regularizers.EarlyStopping`), or, for L-BFGS, its
        own convergence test or a failed line search (a
        ``ConvergenceWarning``). The fitted attribute ``stop_reason_`` says
        which. It raises :class:`~skoptim.DivergenceError` as soon as the
        loss or the parameters become non-finite, the forward pass
        overflows (non-finite outputs on the validation set), or the epoch
        loss explodes: for the squared error, Huber and Poisson losses, its
        excess over the lowest reachable loss grows beyond 100 times that of
        a data-free prediction (all-zero output; 1 for Poisson) or of the
        call's first batch before any step, whichever is larger; for the
        log losses, beyond the largest of half their clipping bound
        (:math:`-\\log\\varepsilon` per output: confidently wrong on about
        half the samples), 5 times the loss of uniform probabilities and
        twice the first batch's loss (see :class:`~skoptim.DivergenceError`).

        A fit is never reported as converged while it is worse than a
        constant: when training ends (after the regularizers' last word,
        e.g. EarlyStopping's restored weights), the network's loss on the
        training data (predict mode, checked only when the last epoch's
        loss is high) is compared
        with that of the constant prediction fitted to the training targets
        (the class prior for the classifier, the targets' mean for the
        regressor), both measured above the lowest reachable loss. More than
        10 times worse with a parameter larger than 1e8 in magnitude (the
        optimizer blew the weights up and the bounded log loss hid it) is
        divergence (``DivergenceError``), whatever ended the fit. Otherwise
        more than 1.25 times worse, after a fit that ended as converged
        (``tol``, L-BFGS's own test, a regularizer's stop), gives a
        ``ConvergenceWarning`` and ``stop_reason_="worse_than_constant"``.
        ``partial_fit`` is not checked (its first epochs may well be worse).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs. With ``dtype=None``, float32 data trains in float32 and
            anything else in float64; otherwise in ``dtype``. A
            warm-started fit casts to the fitted model's dtype. Sparse
            CSR/CSC input is used batch by batch, never densified whole.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets (labels, a label-indicator matrix for multilabel, or
            real values).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-sample weights; each batch loss is the weighted
            mean. A row of weight 0 is the same as a missing row: a batch
            whose rows all have weight 0 makes no step.
        validation_data : tuple, default=None
            ``(X_val, y_val)`` or ``(X_val, y_val, sample_weight_val)``: a
            validation set evaluated after every epoch, recorded in
            ``validation_loss_curve_`` (the training loss function without
            penalties, on the original targets) and ``validation_scores_``
            (the ``score`` metric). :class:`~skoptim.regularizers.EarlyStopping`
            monitors it instead of holding out part of ``X``. Without early
            stopping it only records the curves (learning-curve plots). It
            is cast to the model's dtype.

        Returns
        -------
        self : object
            The fitted estimator.

        Raises
        ------
        DivergenceError
            If training diverges (rules above). After a fit from scratch the
            estimator is left unfitted; after a warm-started fit it is
            restored to its state before the call.
        ValueError
            If a hyperparameter is invalid (``InvalidParameterError``), X or
            y are malformed (NaN, wrong shape, fewer than 2 classes,
            multi-output multiclass targets), X and y differ in length, or
            ``sample_weight`` has a negative entry or no positive one.
        TypeError
            For an unknown keyword argument (e.g. ``sample_weights``), or a
            regularizer that is not a :mod:`skoptim.regularizers` object.
        """
        # the with block tears down the callbacks that _fit sets up (if any)
        with callback_management_context(self):
            return self._fit(
                X,
                y,
                sample_weight,
                incremental=False,
                validation_data=validation_data,
            )

    def _partial_fit(self, X, y, sample_weight=None, classes=None):
        with callback_management_context(self):
            return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def _check_validation_data(self, validation_data, dtype):
        if not isinstance(validation_data, tuple | list) or len(
            validation_data
        ) not in (2, 3):
            raise ValueError(
                "validation_data must be a tuple (X_val, y_val) or (X_val, y_val, "
                f"sample_weight_val); got {type(validation_data).__name__}."
            )
        Xv, yv, *rest = validation_data
        Xv = self._validate_X(Xv, reset=False, dtype=dtype)
        try:
            yv, Yv = self._encode_targets(yv, reset=False, caller="validation")
        except ValueError as exc:
            raise ValueError(f"validation_data: {exc}") from exc
        if Xv.shape[0] != Yv.shape[0] or Xv.shape[0] == 0:
            raise ValueError(
                f"validation_data: X_val has {Xv.shape[0]} samples and y_val "
                f"{Yv.shape[0]}; they must match and be at least 1."
            )
        swv = rest[0] if rest else None
        if swv is not None:
            swv = check_sample_weight(swv, Xv, dtype=dtype, name="sample_weight_val")
        return Xv, yv, np.ascontiguousarray(Yv, dtype=dtype), swv

    def _model_dtype(self, first, incremental):
        """The dtype of this call, or None to follow X; may turn a warm start
        into a fresh fit (returns the possibly updated ``first``)."""
        if first:
            return _float_dtype(self.dtype), first
        current = self._network.dtype
        wanted = _float_dtype(self.dtype)
        if wanted is None or wanted == current:
            return current, first
        if incremental:
            raise ValueError(
                f"dtype={wanted.name!r} differs from the fitted model's dtype "
                f"{current}; partial_fit continues the fitted model. Call fit "
                "to train afresh in the new dtype."
            )
        warn_user(
            f"dtype changed to {wanted.name!r} from the fitted model's {current}: "
            "the warm start is dropped and the network is fitted from scratch.",
            UserWarning,
        )
        return wanted, True

    def _fit(
        self,
        X,
        y,
        sample_weight,
        *,
        incremental,
        classes=None,
        validation_data=None,
    ):
        optimizer, regs = self._validate_hyperparameters()
        if incremental and optimizer.full_batch:
            raise ValueError(
                f"partial_fit is not available with the full-batch optimizer "
                f"{type(optimizer).__name__}; use a stochastic optimizer such as "
                "'adam' or 'sgd', or call fit."
            )
        stoppers = [type(r).__name__ for r in regs if r.controls_stopping]
        if incremental and stoppers:
            warn_user(
                f"{', '.join(stoppers)} has no effect in partial_fit: each call "
                "runs exactly one epoch and never holds out data or stops. Use "
                "fit for early stopping, or evaluate a validation set between "
                "partial_fit calls yourself.",
                UserWarning,
            )
        first = not (incremental or self.warm_start) or "_network" not in self.__dict__
        dtype, first = self._model_dtype(first, incremental)
        X = self._validate_X(X, reset=first, dtype=dtype)
        y, Y = self._encode_targets(
            y,
            reset=first,
            classes=classes,
            caller="partial_fit" if incremental else "fit",
        )
        if X.shape[0] != Y.shape[0]:
            raise ValueError(
                f"X has {X.shape[0]} samples but y has {Y.shape[0]}; they must match."
            )
        dtype = X.dtype
        Y = np.ascontiguousarray(Y, dtype=dtype)
        if sample_weight is not None:
            sample_weight = check_sample_weight(sample_weight, X, dtype=dtype)

        validation = None
        if validation_data is not None:
            validation = self._check_validation_data(validation_data, dtype)

        n_features = X.shape[1]
        layer_sizes = [n_features, *self._hidden_sizes(), Y.shape[1]]
        if not first and self._network.layer_sizes != layer_sizes:
            if incremental:
                raise ValueError(
                    f"partial_fit got data that does not fit the network: layer "
                    f"sizes {layer_sizes} versus {self._network.layer_sizes}. "
                    "Call fit to train a network of the new shape."
                )
            warn_user(
                f"warm_start=True, but the network's layer sizes changed from "
                f"{self._network.layer_sizes} to {layer_sizes}: the warm start "
                "is dropped and the network is fitted from scratch.",
                UserWarning,
            )
            first = True
        snapshot = None
        if first:
            self._random_state = check_random_state(self.random_state)
            self._initialize(layer_sizes, dtype, optimizer, regs)
        else:
            snapshot = self._snapshot()
            if not same_config(optimizer, self.optimizer_):
                self.optimizer_state_ = carry_optimizer_state(
                    self.optimizer_,
                    self.optimizer_state_,
                    optimizer,
                    self._network.params,
                )
                self.optimizer_ = optimizer
            self._attach_regularizers(regs)
        if not incremental:
            self._no_improvement_count = 0
        for name in ("learning_rate_curve_", "epoch_times_"):
            # a model fitted by an earlier skoptim has no such history
            self.__dict__.setdefault(name, [])

        callback_ctx = None
        if self.__dict__.get("_skl_callbacks"):
            callback_ctx = self._init_callback_context(
                max_subtasks=1 if incremental else self.max_iter
            )
            metadata = (
                None if sample_weight is None else {"sample_weight": sample_weight}
            )
            callback_ctx.call_on_fit_task_begin(
                estimator=self, X=X, y=y, metadata=metadata
            )

        ctx = FitContext(
            estimator=self,
            network=self._network,
            rng=self._random_state,
            X=X,
            Y=Y,
            y=y,
            sample_weight=sample_weight,
            n_samples=X.shape[0],
            epoch=self.n_iter_,
            state=self.regularizer_state_,
            incremental=incremental,
            validation=validation,
        )
        try:
            self._run(ctx, incremental=incremental)
        except Exception:
            # any failure (divergence, a regularizer's refusal at the start of
            # training...) leaves the estimator as it was before this call: a
            # first fit leaves it unfitted, a later call restores the snapshot
            if snapshot is None:
                self._forget_fit()
            else:
                self._restore(snapshot)
            raise
        if callback_ctx is not None:
            callback_ctx.call_on_fit_task_end(
                estimator=self,
                X=X,
                y=y,
                metadata=metadata,
                reconstruction_attributes=self._reconstruction_attributes,
            )
        return self

    def _initialize(self, layer_sizes, dtype, optimizer, regs):
        extra = []
        for k, r in enumerate(regs):
            extra += [
                (f"{k}:{name}", size) for name, size in r.param_blocks(layer_sizes)
            ]
        net = Network(
            layer_sizes,
            self.activation,
            OUTPUT_ACTIVATION[self._loss_name()],
            self._loss_name(),
            dtype,
            extra_blocks=extra,
            huber_delta=float(getattr(self, "huber_delta", 1.0)),
        )
        net.initialize(self._random_state)
        self._network = net
        self.regularizers_ = regs
        self.regularizer_state_ = {}
        for k, r in enumerate(regs):
            r._key = k
            r.init_params(net, self._random_state)
        self._register_hooks(regs)
        self.optimizer_ = optimizer
        self.optimizer_state_ = optimizer.init(net.params)
        self.n_layers_ = len(layer_sizes)
        self.n_outputs_ = layer_sizes[-1]
        self.out_activation_ = net.out_activation
        self.loss_curve_ = []
        self.n_iter_ = 0
        self.t_ = 0
        self.best_loss_ = np.inf
        self.loss_ = np.inf
        self._no_improvement_count = 0
        self.validation_loss_curve_ = []
        self.validation_scores_ = []
        self.learning_rate_curve_ = []
        self.epoch_times_ = []
        for name in ("best_epoch_", "best_validation_loss_", "best_validation_score_"):
            self.__dict__.pop(name, None)

    def _attach_regularizers(self, regs):
        """Continue with the regularizers of this call.

        Unchanged: the fitted ones are kept. Same types in the same order
        with the same parameter blocks (only hyperparameters changed, e.g.
        ``regularizers__dropout__rate``): the new configuration continues
        their fitted state (running statistics, early-stopping bests, random
        generators). Otherwise their state is dropped, with a
        ``UserWarning`` if there was any; a change that affects learned
        parameters (batch normalisation) needs a fresh fit.
        """
        old = list(getattr(self, "regularizers_", []))
        if same_config(old, list(regs)):
            return
        sizes = self._network.layer_sizes
        old_blocks = [r.param_blocks(sizes) for r in old]
        new_blocks = [r.param_blocks(sizes) for r in regs]
        same_kinds = [type(r) for r in old] == [type(r) for r in regs]
        if not (same_kinds and old_blocks == new_blocks):
            if any(old_blocks) or any(new_blocks):
                raise ValueError(
                    "The regularizers changed between fits and one of them has "
                    "learned parameters; refit from scratch (warm_start=False)."
                )
            if any(self.regularizer_state_.values()):
                warn_user(
                    f"The regularizers changed from {old!r} to {list(regs)!r}: "
                    "their fitted state (e.g. early-stopping bests, random "
                    "generators) is dropped and starts afresh.",
                    UserWarning,
                )
            self.regularizer_state_ = {}
        for k, r in enumerate(regs):
            r._key = k
        self.regularizers_ = regs
        self._register_hooks(regs)

    def _register_hooks(self, regs):
        net = self._network
        net.hooks = {
            "input": [r for r in regs if r.uses("forward_input")],
            "pre": [r for r in regs if r.uses("forward_pre") or r.uses("backward_pre")],
            "post": [
                r for r in regs if r.uses("forward_post") or r.uses("backward_post")
            ],
        }
        self._hook_lists = {
            h: [r for r in regs if r.uses(h)]
            for h in (
                "transform_targets",
                "transform_batch",
                "before_forward",
                "after_backward",
                "penalty",
                "on_fit_start",
                "on_epoch_end",
                "on_fit_end",
            )
        }
        self._stopping_by_regularizer = any(r.controls_stopping for r in regs)
        net.eval_hooks = [
            _InferenceHook(r, self.regularizer_state_)
            for r in regs
            if r.uses("inference_pre")
        ]

    # -- predict --------------------------------------------------------------
    def _forward(self, X, logits=False):
        check_is_fitted(self, "_network")
        X = self._validate_X(X, reset=False)
        if X.dtype != self._network.dtype:
            X = X.astype(self._network.dtype)
        return self._network.predict(X, logits=logits)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # sparse input works unless a regularizer refuses it (an Augmentation
        # whose transform takes dense arrays only)
        regs = self.regularizers
        if not isinstance(regs, list | tuple):
            regs = [regs]
        tags.input_tags.sparse = all(getattr(r, "accept_sparse", True) for r in regs)
        return tags
