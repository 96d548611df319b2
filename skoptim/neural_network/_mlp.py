"""The scikit-learn-facing MLP estimators: validation, set-up, predict.

The epoch and batch loop is :class:`._training.TrainingLoopMixin`.
"""

from __future__ import annotations

import copy
import warnings
from abc import ABCMeta, abstractmethod
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state
from sklearn.utils._available_if import available_if
from sklearn.utils._param_validation import (
    Interval,
    StrOptions,
)
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ..exceptions import DivergenceError
from ..optimizers._aliases import resolve_optimizer
from ..regularizers._aliases import get_regularizer
from ..regularizers._aliases import resolve_regularizers as _as_list_of_regularizers
from ..regularizers._base import FitContext
from ..utils._nested import NestedParamsMixin
from ..utils._params import same_config
from ._from_sklearn import SKLEARN_PARAM_HINTS
from ._losses import OUTPUT_ACTIVATION
from ._network import Network, class_probabilities, writeable
from ._training import TrainingLoopMixin, carry_optimizer_state

__all__ = ["MLPClassifier", "MLPRegressor"]

_DTYPES = (np.float64, np.float32)


class _InferenceHook:
    """Binds a regularizer's ``inference_pre`` to its fitted state.

    The network calls ``inference_pre(layer, Z, network)`` at predict time;
    the state is looked up in the estimator's ``regularizer_state_`` dict at
    call time, so restoring or replacing the state needs no re-binding.
    """

    def __init__(self, regularizer, states):
        self.regularizer = regularizer
        self.states = states

    def inference_pre(self, layer, Z, network):
        r = self.regularizer
        r.inference_pre(layer, Z, network, self.states[r._key])


def _checked_sample_weight(sample_weight, X, dtype, name):
    """Validated weights: finite, non-negative, at least one positive."""
    sw = _check_sample_weight(sample_weight, X, dtype=dtype)
    if np.any(sw < 0):
        raise ValueError(
            f"{name} must be non-negative; got {int(np.sum(sw < 0))} negative "
            "entries. A row of weight 0 counts as absent; negative weights are "
            "not supported."
        )
    if not np.any(sw > 0):
        raise ValueError(f"{name} must have at least one positive entry.")
    return sw


def _stochastic_optimizer(est) -> bool:
    """partial_fit exists only for optimizers that take single steps."""
    opt = est.optimizer
    if isinstance(opt, str):
        return opt.lower() != "lbfgs"
    return not getattr(opt, "full_batch", False)


class BaseMLP(
    TrainingLoopMixin, NestedParamsMixin, BaseEstimator, metaclass=ABCMeta
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
        "dtype": [StrOptions({"float32", "float64"}), None],
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
    def _encode_targets(self, y, *, reset: bool, classes=None):
        """Validate ``y`` and return (y, Y 2-D float) for training."""

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
        is_clf = isinstance(self, ClassifierMixin)
        seen = {}
        for r in regs:
            kind = type(r).__name__
            if not (r.supports_classifier if is_clf else r.supports_regressor):
                raise ValueError(
                    f"{r!r} cannot be used with {type(self).__name__}; remove "
                    f"{kind} from regularizers."
                )
            if not r.allow_multiple and kind in seen:
                raise ValueError(
                    f"regularizers contains {kind} twice; keep one {kind} "
                    "(combine their settings into it)."
                )
            seen[kind] = True
            r.validate(self)
            if opt.full_batch and r.noisy_objective:
                warnings.warn(
                    f"{r!r} draws new noise at every evaluation of the objective, "
                    f"so the line search of the full-batch optimizer "
                    f"{type(opt).__name__} sees a different function each time; "
                    "use a stochastic optimizer (e.g. 'adam') with it.",
                    UserWarning,
                    stacklevel=4,
                )
        return opt, regs

    def _validate_X(self, X, *, reset: bool, dtype=None):
        """Validate X and cast it to ``dtype`` (the model's, once fitted)."""
        if dtype is None:
            if not reset and "_network" in self.__dict__:
                dtype = self._network.dtype
            elif self.dtype is not None:
                dtype = np.dtype(self.dtype)
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
            If training diverges (rule above). After a fit from scratch the
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
        return self._fit(
            X,
            y,
            sample_weight,
            incremental=False,
            validation_data=validation_data,
        )

    def _partial_fit(self, X, y, sample_weight=None, classes=None):
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
            yv, Yv = self._encode_targets(yv, reset=False)
        except ValueError as exc:
            raise ValueError(f"validation_data: {exc}") from exc
        if Xv.shape[0] != Yv.shape[0] or Xv.shape[0] == 0:
            raise ValueError(
                f"validation_data: X_val has {Xv.shape[0]} samples and y_val "
                f"{Yv.shape[0]}; they must match and be at least 1."
            )
        swv = rest[0] if rest else None
        if swv is not None:
            swv = _checked_sample_weight(swv, Xv, dtype, "sample_weight_val")
        return Xv, yv, np.ascontiguousarray(Yv, dtype=dtype), swv

    def _model_dtype(self, first, incremental):
        """The dtype of this call, or None to follow X; may turn a warm start
        into a fresh fit (returns the possibly updated ``first``)."""
        if first:
            return (None if self.dtype is None else np.dtype(self.dtype)), first
        current = self._network.dtype
        if self.dtype is None or np.dtype(self.dtype) == current:
            return current, first
        if incremental:
            raise ValueError(
                f"dtype={self.dtype!r} differs from the fitted model's dtype "
                f"{current}; partial_fit continues the fitted model. Call fit "
                "to train afresh in the new dtype."
            )
        warnings.warn(
            f"dtype changed to {self.dtype!r} from the fitted model's {current}: "
            "the warm start is dropped and the network is fitted from scratch.",
            UserWarning,
            stacklevel=4,
        )
        return np.dtype(self.dtype), True

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
        first = not (incremental or self.warm_start) or "_network" not in self.__dict__
        dtype, first = self._model_dtype(first, incremental)
        X = self._validate_X(X, reset=first, dtype=dtype)
        y, Y = self._encode_targets(y, reset=first, classes=classes)
        if X.shape[0] != Y.shape[0]:
            raise ValueError(
                f"X has {X.shape[0]} samples but y has {Y.shape[0]}; they must match."
            )
        dtype = X.dtype
        Y = np.ascontiguousarray(Y, dtype=dtype)
        if sample_weight is not None:
            sample_weight = _checked_sample_weight(
                sample_weight, X, dtype, "sample_weight"
            )

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
            warnings.warn(
                f"warm_start=True, but the network's layer sizes changed from "
                f"{self._network.layer_sizes} to {layer_sizes}: the warm start "
                "is dropped and the network is fitted from scratch.",
                UserWarning,
                stacklevel=3,
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
        except DivergenceError:
            if snapshot is None:
                self._forget_fit()
            else:
                self._restore(snapshot)
            raise
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
                warnings.warn(
                    f"The regularizers changed from {old!r} to {list(regs)!r}: "
                    "their fitted state (e.g. early-stopping bests, random "
                    "generators) is dropped and starts afresh.",
                    UserWarning,
                    stacklevel=4,
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

    def _snapshot(self):
        keep = (
            "optimizer_",
            "optimizer_state_",
            "loss_curve_",
            "n_iter_",
            "t_",
            "best_loss_",
            "loss_",
            "_no_improvement_count",
            "regularizer_state_",
            "regularizers_",
            "validation_loss_curve_",
            "validation_scores_",
            "stop_reason_",
        )
        snap = {k: copy.deepcopy(self.__dict__[k]) for k in keep if k in self.__dict__}
        snap["params"] = self._network.params.copy()
        return snap

    def _restore(self, snap):
        self._network.params[...] = snap.pop("params")
        self.__dict__.update(snap)
        self._register_hooks(self.regularizers_)

    def _forget_fit(self):
        for k in list(self.__dict__):
            if (
                k.endswith("_")
                and not k.startswith("__")
                or k
                in (
                    "_network",
                    "_hook_lists",
                    "_no_improvement_count",
                    "_stopping_by_regularizer",
                )
            ):
                del self.__dict__[k]

    # -- predict --------------------------------------------------------------
    def _forward(self, X, logits=False):
        check_is_fitted(self, "_network")
        X = self._validate_X(X, reset=False)
        if X.dtype != self._network.dtype:
            X = X.astype(self._network.dtype)
        return self._network.predict(X, logits=logits)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    # -- persistence -------------------------------------------------------------
    def __getstate__(self):
        """Fitted state as public skoptim objects, numpy arrays and builtins.

        The private network is stored as its flat parameter buffer and a
        layout dict of builtins; the hook lists, which only point at the
        regularizers in ``regularizers_``, are rebuilt on loading. So
        ``skops.io`` asks to trust nothing but the public classes.
        """
        state = dict(super().__getstate__())
        net = state.pop("_network", None)
        if net is not None:
            state["_network_params"] = net.params
            state["_network_layout"] = net.layout()
        state.pop("_hook_lists", None)
        return state

    def __setstate__(self, state):
        state = dict(state)
        params = state.pop("_network_params", None)
        layout = state.pop("_network_layout", None)
        super().__setstate__(state)
        if layout is not None:
            self._network = Network.from_layout(layout, params)
            for name in ("optimizer_state_", "regularizer_state_"):
                writeable(self.__dict__.get(name))
            self._register_hooks(self.regularizers_)


class MLPClassifier(ClassifierMixin, BaseMLP):
    r"""Multilayer perceptron classifier with a pluggable optimizer.

    A feed-forward network :math:`h_0 = x`, :math:`h_l = \phi(h_{l-1} W_l +
    b_l)` trained by minimising the (weighted) mean cross-entropy: softmax
    output for several classes, logistic output for two classes or for
    multilabel indicator targets. Its shape follows
    :class:`sklearn.neural_network.MLPClassifier`, but the optimizer is an
    object (``optimizer=SGD(0.1, momentum=0.9, nesterov=True)``) and so are
    the regularizers; no ``solver``/``learning_rate_init``/``alpha`` flags.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        Units of each hidden layer.
    activation : {"identity", "logistic", "tanh", "relu"}, default="relu"
        Hidden activation.
    optimizer : Optimizer or str, default="adam"
        An object from :mod:`skoptim.optimizers` or an alias: ``"sgd"``,
        ``"momentum"``, ``"nesterov"`` (SGD with lr 0.01 and momentum 0.9),
        ``"adagrad"``, ``"adadelta"``, ``"rmsprop"``, ``"adam"``,
        ``"adamw"``, ``"nadam"``, ``"lbfgs"``. It is cloned at fit time, never
        mutated; its state is the fitted attribute ``optimizer_state_``. Its
        hyperparameters are nested parameters, ``optimizer__learning_rate``,
        for an alias too: ``set_params(optimizer__learning_rate=0.01)`` on
        ``"adam"`` sets a new ``Adam(learning_rate=0.01)``. A float set over
        a schedule sets the schedule's base rate (see
        :class:`~skoptim.optimizers.Optimizer`).
    regularizers : list of Regularizer or str, default=None
        Objects from :mod:`skoptim.regularizers` (penalties, dropout, noise,
        label smoothing, batch normalisation, mixup, early stopping). Each
        acts at its own point of the fit loop, so their combined effect does
        not depend on the list order except among regularizers acting at
        the same point (see :mod:`skoptim.regularizers`). They are cloned at
        fit time and never mutated. Their hyperparameters are nested
        parameters, ``regularizers__<name>__<param>`` with ``<name>`` the
        lower-cased class name (if unique) or the position, e.g.
        ``param_grid={"regularizers__dropout__rate": [0.1, 0.3],
        "regularizers__l2__alpha": [1e-4, 1e-2]}``. An alias, the lower-cased
        class name (``"l2"``, ``"dropout"``, ``["l2", "dropout"]``), stands
        for the object with default hyperparameters and has the same nested
        names.
    batch_size : int or "auto", default="auto"
        Minibatch size; ``"auto"`` is ``min(200, n_samples)``. Ignored by
        full-batch optimizers (L-BFGS).
    max_iter : int, default=200
        Maximum number of epochs (iterations for L-BFGS).
    tol : float, default=1e-4
        Training stops when the epoch loss has not improved by at least
        ``tol`` for more than ``n_iter_no_change`` consecutive epochs. Not
        used while :class:`~skoptim.regularizers.EarlyStopping` decides when
        to stop (its ``patience``/``min_delta`` on the validation set do).
    n_iter_no_change : int, default=10
        See ``tol``.
    shuffle : bool, default=True
        Shuffle the samples every epoch.
    random_state : int, RandomState instance or None, default=None
        Fixes initialisation, shuffling and every random draw of the
        regularizers: the same seed gives the same model. It is read when
        the network is initialised; ``partial_fit`` and warm-started fits
        continue that random stream (so the same sequence of calls gives
        the same model).
    warm_start : bool, default=False
        Continue from the previous fit's weights, optimizer state and random
        stream. If only the optimizer's hyperparameters changed (e.g.
        ``set_params(optimizer__learning_rate=...)``) its state (moments,
        step count) is kept; a different optimizer type, or state whose
        shape changed, starts afresh with a ``UserWarning``. If the layer
        sizes (or an explicit ``dtype``) changed, the network is fitted from
        scratch with a ``UserWarning``. The ``tol`` rule starts afresh at
        every ``fit``.
    verbose : bool, default=False
        Print the loss after every epoch.
    dtype : {"float32", "float64"} or None, default=None
        Precision of training and prediction. None follows the input of the
        first fit: float32 X trains in float32, anything else in float64.
        ``"float32"`` trains in float32 from any input (about twice as fast
        as float64 on large problems, with half the memory). Once fitted,
        validation data, ``partial_fit``, warm-started ``fit`` and
        ``predict`` cast their input to the model's dtype (``params_.dtype``).

    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        Class labels.
    coefs_, intercepts_ : list of ndarray
        Weights and biases per layer: views into the flat buffer ``params_``.
    loss_ : float
        Loss of the last epoch.
    best_loss_ : float
        Lowest epoch loss.
    loss_curve_ : list of float
        Loss of each epoch.
    n_iter_ : int
        Epochs run (iterations for L-BFGS).
    stop_reason_ : str
        Why the last ``fit``/``partial_fit`` call stopped:

        - ``"tol"``: the training loss did not improve by ``tol`` for more
          than ``n_iter_no_change`` epochs (converged);
        - ``"max_iter"``: ``max_iter`` epochs or iterations ran without
          convergence (with a ``ConvergenceWarning``);
        - ``"regularizer:<Class>"``: a regularizer ended training, e.g.
          ``"regularizer:EarlyStopping"`` (see ``best_epoch_``);
        - ``"converged"``: L-BFGS met its own tolerance;
        - ``"max_fun"``, ``"line_search_failed"``: L-BFGS ran out of loss
          evaluations, or its line search found no lower loss (with a
          ``ConvergenceWarning``);
        - ``"partial_fit"``: the single epoch of ``partial_fit`` ran.

        A diverging fit does not stop quietly: it raises
        :class:`~skoptim.DivergenceError`.
    t_ : int
        Training samples seen.
    n_layers_ : int
        Layers including input and output.
    n_outputs_ : int
        Output units.
    out_activation_ : str
        ``"softmax"`` or ``"logistic"``.
    optimizer_ : Optimizer
        The optimizer used (a clone of ``optimizer``, or the alias resolved).
    optimizer_state_ : dict
        The optimizer's state (moments, step count ``"t"``).
    regularizers_ : list of Regularizer
        The regularizers used (clones).
    regularizer_state_ : dict
        Their fitted state by position, e.g. batch normalisation's running
        statistics ``regularizer_state_[k]["running_mean"]``.
    validation_loss_curve_ : list of float
        With ``fit(..., validation_data=...)`` or
        :class:`~skoptim.regularizers.EarlyStopping`: the loss on the
        validation set after each epoch (training loss function, no penalty
        terms, original targets). Empty otherwise.
    validation_scores_ : list of float
        The ``score`` (accuracy, or :math:`R^2` for the regressor) on the
        validation set after each epoch.
    best_epoch_, best_validation_loss_, best_validation_score_ : int, float
        Set by :class:`~skoptim.regularizers.EarlyStopping`: the epoch
        (from 1) it judged best (whose weights are restored with
        ``restore_best_weights=True``) and its validation loss and score.
    n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of str
        Feature names, when X was a DataFrame with string column names.

    See Also
    --------
    MLPRegressor : The regression counterpart.
    skoptim.optimizers.Optimizer : The optimizer protocol.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import SGD
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(
    ...     StandardScaler(),
    ...     MLPClassifier((16,), optimizer=SGD(0.05, momentum=0.9, nesterov=True),
    ...                   max_iter=300, random_state=0),
    ... ).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    """

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
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            optimizer=optimizer,
            regularizers=regularizers,
            batch_size=batch_size,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            shuffle=shuffle,
            random_state=random_state,
            warm_start=warm_start,
            verbose=verbose,
            dtype=dtype,
        )

    def _loss_name(self):
        return (
            "log_loss"
            if self._label_binarizer.y_type_ == "multiclass"
            else ("binary_log_loss")
        )

    def _encode_targets(self, y, *, reset, classes=None):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        y_type = type_of_target(y, input_name="y")
        if y_type == "multiclass-multioutput":
            shape = getattr(y, "shape", None) or np.shape(y)
            raise ValueError(
                f"{type(self).__name__} does not support multi-output multiclass "
                f"targets (y of shape {tuple(shape)} whose columns hold labels "
                "other than 0/1). It supports one column of labels (binary or "
                "multiclass) and multilabel 0/1 indicator matrices; for several "
                "label columns fit one classifier per column, e.g. with "
                "sklearn.multioutput.MultiOutputClassifier."
            )
        multilabel = y_type == "multilabel-indicator"
        if not multilabel:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if reset:
            lb = LabelBinarizer()
            if multilabel:
                lb.fit(y)
                if classes is not None and len(np.asarray(classes)) != len(lb.classes_):
                    raise ValueError(
                        f"classes={np.asarray(classes).tolist()} names "
                        f"{len(np.asarray(classes))} labels but the multilabel "
                        f"indicator y has {len(lb.classes_)} columns; pass one "
                        "class per column."
                    )
            elif classes is not None:
                lb.fit(classes)
                unseen = np.setdiff1d(unique_labels(y), lb.classes_)
                if len(unseen):
                    raise ValueError(
                        f"y contains labels {unseen.tolist()} that are not in "
                        f"classes={lb.classes_.tolist()}; pass every label that "
                        "will ever appear in classes."
                    )
            else:
                lb.fit(y)
            if not multilabel and len(lb.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes in "
                    f"the data, but the data contains only one class: "
                    f"{lb.classes_[0]!r}."
                )
            self._label_binarizer = lb
            self.classes_ = lb.classes_
        else:
            lb = self._label_binarizer
            fitted_multilabel = lb.y_type_ == "multilabel-indicator"
            if multilabel != fitted_multilabel:
                kind = {True: "a multilabel indicator", False: "a label vector"}
                raise ValueError(
                    f"y is {kind[multilabel]} but the model was fitted on "
                    f"{kind[fitted_multilabel]}; use the same kind of target "
                    "in every call."
                )
            if multilabel:
                if y.shape[1] != len(self.classes_):
                    raise ValueError(
                        f"y has {y.shape[1]} label columns but the model was "
                        f"fitted on {len(self.classes_)}."
                    )
            else:
                unseen = np.setdiff1d(unique_labels(y), self.classes_)
                if len(unseen):
                    raise ValueError(
                        f"y contains labels {unseen.tolist()} not seen in the "
                        f"first fit (classes_={self.classes_.tolist()}); pass "
                        "all classes with partial_fit(..., classes=...) on the "
                        "first call."
                    )
        Y = lb.transform(y)
        if sp.issparse(Y):
            Y = Y.toarray()
        return y, Y

    @available_if(_stochastic_optimizer)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One epoch over (X, y), continuing from the current state.

        The first call initialises the network (as ``fit`` does); later
        calls continue its weights, optimizer state and random stream, and
        cast X to the model's dtype. Changing the optimizer's
        hyperparameters between calls keeps its state (see ``warm_start``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Labels, or a multilabel 0/1 indicator matrix.
        classes : array-like of shape (n_classes,), default=None
            Every label that will ever appear; required on the first call.
            For a multilabel indicator ``y``, one entry per column.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-sample weights (a row of weight 0 is absent).

        Returns
        -------
        self : object
            The updated estimator.

        Raises
        ------
        DivergenceError
            If the epoch diverges (see :meth:`fit`); the estimator is then
            restored to its state before the call.
        ValueError
            If ``classes`` is missing on the first call or differs from the
            first call's, ``y`` holds a label not in ``classes`` (on any
            call), the kind of target (labels or indicator) changed, X's
            features differ from the first call's, ``sample_weight`` is
            negative, or the optimizer is full-batch (L-BFGS has no
            ``partial_fit``: it raises ``AttributeError``).
        """
        first = "_network" not in self.__dict__
        if first and classes is None:
            raise ValueError(
                "classes must be passed on the first call to partial_fit: all the "
                "labels that will ever appear, e.g. classes=np.unique(y_all)."
            )
        if (
            not first
            and classes is not None
            and not np.array_equal(
                np.asarray(classes), self.classes_[np.argsort(self.classes_)]
            )
            and not np.array_equal(np.sort(np.asarray(classes)), self.classes_)
        ):
            raise ValueError(
                f"classes={np.asarray(classes).tolist()} differs from the classes of "
                f"the first call ({self.classes_.tolist()})."
            )
        return self._partial_fit(
            X, y, sample_weight=sample_weight, classes=classes if first else None
        )

    def predict_proba(self, X):
        """Class probabilities.

        For multilabel targets, the independent probability of each label.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs; cast to the model's dtype.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``, in the model's dtype.

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.
        ValueError
            If X has NaN/inf values or a different number of features than
            in ``fit``.
        """
        return self._proba(X, log=False)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities in the order of ``classes_``.

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.
        ValueError
            If X is malformed (see :meth:`predict_proba`).
        """
        # from the logits: finite even where the probability rounds to 0
        return self._proba(X, log=True)

    def _proba(self, X, log):
        z = self._forward(X, logits=True)
        binary = self.n_outputs_ == 1 and self._label_binarizer.y_type_ == "binary"
        return class_probabilities(z, self.out_activation_, binary, log=log)

    def predict(self, X):
        """Predicted labels (or label indicator matrix for multilabel).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Labels from ``classes_``, or a 0/1 indicator matrix.

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.
        ValueError
            If X is malformed (see :meth:`predict_proba`).
        """
        return self._decode(self._forward(X))

    def score(self, X, y, sample_weight=None):
        """Accuracy of :meth:`predict` on (X, y).

        For multilabel targets, the subset accuracy (every label right).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Mean accuracy.

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.
        ValueError
            If X is malformed, or X and y differ in length.
        """
        return super().score(X, y, sample_weight=sample_weight)

    def _score_output(self, out, y, sample_weight):
        return accuracy_score(y, self._decode(out), sample_weight=sample_weight)

    def _decode(self, out):
        lb = self._label_binarizer
        if lb.y_type_ == "multiclass":
            return self.classes_[np.argmax(out, axis=1)]
        if lb.y_type_ == "binary":
            return self.classes_[(out.ravel() > 0.5).astype(int)]
        return (out > 0.5).astype(int)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, BaseMLP):
    r"""Multilayer perceptron regressor with a pluggable optimizer.

    Same network and training loop as :class:`MLPClassifier` with an
    identity output and (half) squared error by default; Huber and Poisson
    (exponential output, log link) losses are available. Multi-output
    targets are supported.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        Units of each hidden layer.
    activation : {"identity", "logistic", "tanh", "relu"}, default="relu"
        Hidden activation.
    loss : {"squared_error", "huber", "poisson"}, default="squared_error"
        Training loss; see :mod:`skoptim.neural_network._losses`.
    huber_delta : float, default=1.0
        Threshold of the Huber loss.
    optimizer, regularizers, batch_size, max_iter, tol, n_iter_no_change, \
shuffle, random_state, warm_start, verbose, dtype
        As in :class:`MLPClassifier`.

    Attributes
    ----------
    coefs_, intercepts_, params_, loss_, best_loss_, loss_curve_, n_iter_, \
stop_reason_, t_, n_layers_, n_outputs_, out_activation_, optimizer_, \
optimizer_state_, regularizers_, regularizer_state_, validation_loss_curve_, \
validation_scores_, n_features_in_, feature_names_in_
        As in :class:`MLPClassifier`; ``out_activation_`` is ``"identity"``
        (``"exp"`` for the Poisson loss).

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skoptim import MLPRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=1, random_state=0)
    >>> reg = MLPRegressor((32,), optimizer="adam", max_iter=500,
    ...                    random_state=0).fit(X, y / 100)
    >>> reg.score(X, y / 100) > 0.95
    True
    """

    _parameter_constraints = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "huber", "poisson"})],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        loss="squared_error",
        huber_delta=1.0,
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
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            optimizer=optimizer,
            regularizers=regularizers,
            batch_size=batch_size,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            shuffle=shuffle,
            random_state=random_state,
            warm_start=warm_start,
            verbose=verbose,
            dtype=dtype,
        )
        self.loss = loss
        self.huber_delta = huber_delta

    def _loss_name(self):
        return self.loss

    def _encode_targets(self, y, *, reset, classes=None):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        from sklearn.utils import check_array

        y = check_array(y, ensure_2d=False, dtype=_DTYPES, input_name="y")
        if y.ndim > 2:
            raise ValueError(f"y must be 1-D or 2-D; got shape {y.shape}.")
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                "loss='poisson' needs non-negative targets; y has negative values. "
                "Use loss='squared_error' or shift y."
            )
        if reset:
            self._y_ndim = y.ndim
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        return y, Y

    @available_if(_stochastic_optimizer)
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over (X, y), continuing from the current state.

        The first call initialises the network (as ``fit`` does); later
        calls continue its weights, optimizer state and random stream, and
        cast X to the model's dtype. Changing the optimizer's
        hyperparameters between calls keeps its state (see ``warm_start``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-sample weights (a row of weight 0 is absent).

        Returns
        -------
        self : object
            The updated estimator.

        Raises
        ------
        DivergenceError
            If the epoch diverges (see :meth:`fit`); the estimator is then
            restored to its state before the call.
        ValueError
            If X's features or y's outputs differ from the first call's, y
            has NaN, ``sample_weight`` is negative, or (Poisson loss) y is
            negative.
        """
        return self._partial_fit(X, y, sample_weight=sample_weight)

    def predict(self, X):
        """Predicted values.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs; cast to the model's dtype.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, in the model's dtype.

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.
        ValueError
            If X has NaN/inf values or a different number of features than
            in ``fit``.
        """
        return self._decode(self._forward(X))

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination :math:`R^2` of :meth:`predict`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            :math:`R^2` (uniform average over outputs).

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.
        ValueError
            If X is malformed, or X and y differ in length.
        """
        return super().score(X, y, sample_weight=sample_weight)

    def _score_output(self, out, y, sample_weight):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            return r2_score(y, self._decode(out), sample_weight=sample_weight)

    def _decode(self, out):
        if self._y_ndim == 1:
            return out.ravel()
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        if self.loss == "poisson":
            tags.target_tags.positive_only = True
        return tags
