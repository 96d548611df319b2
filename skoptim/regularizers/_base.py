"""The regularizer protocol: objects that hook into training at named points."""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..utils._params import ParamsObject

__all__ = ["Regularizer", "FitContext", "HOOKS"]

#: Hook names a regularizer may override, in the order the fit loop calls them.
HOOKS = (
    "on_fit_start",
    "param_blocks",
    "init_params",
    "transform_targets",
    "transform_batch",
    "forward_input",
    "forward_pre",
    "backward_pre",
    "forward_post",
    "backward_post",
    "inference_pre",
    "before_forward",
    "after_backward",
    "penalty",
    "on_epoch_end",
    "on_fit_end",
)


@dataclass
class FitContext:
    """What the fit loop shares with the regularizers during one fit.

    Attributes
    ----------
    estimator : MLPClassifier or MLPRegressor
        The estimator being fitted (its fitted attributes exist already).
    network : Network
        The network, with flat ``params``/``grad`` buffers and their views.
    rng : numpy.random.RandomState
        The fit's random state: every random draw of a regularizer uses it, so
        ``random_state`` fixes the whole fit.
    X, Y, sample_weight : arrays
        Training inputs, encoded targets (float, 2-D) and weights (or None).
        ``on_fit_start`` may replace them (early stopping holds some out).
    y : array
        The original targets (labels for a classifier), aligned with X.
    n_samples : int
        Rows of training data (after any hold-out).
    epoch : int
        Epochs completed so far in this estimator's life.
    training : bool
        True inside a training forward pass.
    state : dict
        Per-regularizer mutable state, keyed by the regularizer's position in
        ``estimator.regularizers``; persisted on the estimator as
        ``regularizer_state_`` so ``partial_fit`` and ``warm_start`` continue.
    stop : bool
        Set to True by ``on_epoch_end`` to end training.
    incremental : bool
        True inside ``partial_fit`` (one epoch; early stopping is inactive).
    validation : tuple or None
        ``(X_val, y_val, Y_val, sample_weight_val)`` when the fit monitors a
        validation set (``fit(..., validation_data=...)`` or a split held out
        by :class:`~skoptim.regularizers.EarlyStopping`); ``on_fit_start`` may
        set it.
    val_loss, val_score : float
        The last epoch's validation loss (the training loss function, without
        penalty terms, on the original targets) and score (``score``'s
        metric); NaN without a validation set. Set before ``on_epoch_end``.
    workspace : dict
        Scratch buffers of the fit loop for this call (not persisted).
    """

    estimator: Any
    network: Any
    rng: np.random.RandomState
    X: Any
    Y: np.ndarray
    y: Any
    sample_weight: np.ndarray | None
    n_samples: int
    epoch: int = 0
    training: bool = True
    state: dict = field(default_factory=dict)
    fit_params: dict = field(default_factory=dict)
    stop: bool = False
    incremental: bool = False
    validation: tuple | None = None
    val_loss: float = float("nan")
    val_score: float = float("nan")
    workspace: dict = field(default_factory=dict)


class Regularizer(ParamsObject):
    """Base class of regularizers: every hook is a no-op.

    A regularizer overrides only the hooks it needs (as a skorch callback
    does). It is configuration: hyperparameters on the object, anything that
    changes during training in ``ctx.state[key]`` (its own ``key`` is
    ``self._key`` during a fit). The hook points, by kind of regularizer:

    ========================  =============================================
    kind                      hooks
    ========================  =============================================
    penalty on parameters     ``penalty(network, batch_weight, ctx) -> float``
                              adds its gradient to ``network.grad`` in place
    noise/masking in forward  ``forward_input``, ``forward_post`` /
                              ``backward_post`` (training only)
    weight perturbation       ``before_forward`` / ``after_backward``
    change of targets         ``transform_targets(Y, ctx) -> Y``
    change of each batch      ``transform_batch(X, Y, sw, ctx) -> (X, Y, sw)``
    layer with own state      ``param_blocks``, ``init_params``,
                              ``forward_pre`` / ``backward_pre`` (training),
                              ``inference_pre`` (predict)
    control of the loop       ``on_fit_start``, ``on_epoch_end``, ``on_fit_end``
    ========================  =============================================

    Several regularizers apply in the order given in ``regularizers``, each
    hook in turn (backward hooks in reverse); hooks at different points apply
    in the order of :data:`HOOKS` (see :mod:`skoptim.regularizers`).
    """

    #: Keys of this regularizer's ``ctx.state`` entry that predictions depend
    #: on (e.g. running statistics); early stopping restores them with the
    #: best weights.
    inference_state: tuple = ()
    #: Keys of ``ctx.state[key]`` that are only workspace (masks, noise
    #: buffers): the fit loop drops them when training ends, so they are not
    #: stored (or pickled) with the fitted model.
    scratch_state: tuple = ()

    #: May appear several times in one estimator's ``regularizers``.
    allow_multiple = True
    #: Draws random numbers (via :meth:`_generator`): the fit loop then draws
    #: the regularizers' base seed before anything else.
    uses_random_draws = False
    #: Its random draws change the objective at every evaluation (noise,
    #: masks): a full-batch optimizer's line search would be misled, so the
    #: estimator warns when combining the two.
    noisy_objective = False
    #: Takes over the decision to stop (the training-loss ``tol`` criterion
    #: is then not used).
    controls_stopping = False
    #: Usable with MLPClassifier / MLPRegressor.
    supports_classifier = True
    supports_regressor = True

    def validate(self, estimator) -> None:
        """Check hyperparameters against this estimator; clear errors.

        Raises
        ------
        ValueError
            scikit-learn's ``InvalidParameterError`` for a hyperparameter
            outside ``_parameter_constraints`` (naming it and its value).
        """
        self._validate_params()

    def uses(self, hook: str) -> bool:
        """Whether this regularizer overrides ``hook``.

        The fit loop asks once per fit and calls only the hooks in use, so a
        subclass may also answer False for a hook its settings switch off
        (e.g. ``Dropout(input_rate=0)`` does not need ``forward_input``).
        """
        return getattr(type(self), hook) is not getattr(Regularizer, hook)

    # -- helpers for subclasses ------------------------------------------------
    def _state(self, ctx: FitContext) -> dict:
        """This regularizer's entry of ``ctx.state`` (created empty)."""
        return ctx.state.setdefault(self._key, {})

    def _generator(self, ctx: FitContext) -> np.random.Generator:
        """This regularizer's random generator, kept in its state.

        ``Generator`` methods fill preallocated buffers (``out=``), so masks
        and noise are drawn without allocating per batch. It is seeded from
        one seed the fit loop draws from the estimator's random state before
        any other draw of the fit (:attr:`uses_random_draws`), combined with
        the class name and its occurrence, so ``random_state`` fixes every
        draw and the list order of regularizers does not change them.
        """
        st = self._state(ctx)
        gen = st.get("generator")
        if gen is None:
            base = ctx.workspace.get("seed")
            if base is None:
                base = ctx.workspace["seed"] = int(
                    ctx.rng.randint(np.iinfo(np.int32).max)
                )
            name = type(self).__name__
            regs = getattr(ctx.estimator, "regularizers_", [self])
            occurrence = (
                sum(type(r).__name__ == name for r in regs[: regs.index(self)])
                if self in regs
                else 0
            )
            gen = st["generator"] = np.random.default_rng(
                [base, zlib.crc32(name.encode()), occurrence]
            )
        return gen

    def _name(self) -> str:
        return type(self).__name__

    # -- loop control --------------------------------------------------------
    def on_fit_start(self, ctx: FitContext) -> None:
        """Called once per fit/partial_fit call before the first epoch."""

    def on_epoch_end(self, ctx: FitContext, loss: float) -> None:
        """Called after each epoch with its mean training loss."""

    def on_fit_end(self, ctx: FitContext) -> None:
        """Called once when training ends (converged, stopped or max_iter)."""

    # -- learned parameters --------------------------------------------------
    def param_blocks(self, layer_sizes: list[int]) -> list[tuple[str, int]]:
        """Named sizes of extra parameter blocks for the flat buffer."""
        return []

    def init_params(self, network, rng) -> None:
        """Initialise this regularizer's blocks in ``network.blocks``."""

    # -- data ----------------------------------------------------------------
    def transform_targets(self, Y: np.ndarray, ctx: FitContext) -> np.ndarray:
        """Return the (encoded, 2-D) training targets to fit."""
        return Y

    def transform_batch(self, X, Y, sample_weight, ctx: FitContext):
        """Return the batch to train on (may modify the gathered copy in place)."""
        return X, Y, sample_weight

    # -- forward/backward ----------------------------------------------------
    def forward_input(self, X, ctx: FitContext):
        """Return the batch input the first layer sees (training only)."""
        return X

    def forward_pre(self, layer: int, Z: np.ndarray, ctx: FitContext) -> None:
        """Modify hidden layer ``layer``'s pre-activation ``Z`` in place."""

    def backward_pre(self, layer: int, dZ: np.ndarray, ctx: FitContext) -> None:
        """Back-propagate through :meth:`forward_pre`, in place."""

    def forward_post(self, layer: int, A: np.ndarray, ctx: FitContext) -> None:
        """Modify hidden layer ``layer``'s activation ``A`` in place."""

    def backward_post(self, layer: int, dA: np.ndarray, ctx: FitContext) -> None:
        """Back-propagate through :meth:`forward_post`, in place."""

    def inference_pre(self, layer: int, Z: np.ndarray, network, state) -> None:
        """At predict time, modify hidden layer ``layer``'s pre-activation.

        ``state`` is this regularizer's fitted state (``ctx.state[key]``).
        Only layers with their own state (batch normalisation) need it.
        """

    def before_forward(self, ctx: FitContext) -> None:
        """Called before each training forward pass (e.g. perturb weights)."""

    def after_backward(self, ctx: FitContext) -> None:
        """Called after each backward pass (e.g. restore weights)."""

    # -- penalty -------------------------------------------------------------
    def penalty(self, network, batch_weight: float, ctx: FitContext) -> float:
        """Add this penalty's gradient to ``network.grad``; return its value."""
        return 0.0
