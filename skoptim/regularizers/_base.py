"""The regularizer protocol: objects that hook into training at named points."""

from __future__ import annotations

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
                              ``forward_pre`` / ``backward_pre``
    control of the loop       ``on_fit_start``, ``on_epoch_end``, ``on_fit_end``
    ========================  =============================================

    Several regularizers apply in the order given in ``regularizers``, each
    hook in turn (backward hooks in reverse).
    """

    #: May appear several times in one estimator's ``regularizers``.
    allow_multiple = True
    #: Usable with MLPClassifier / MLPRegressor.
    supports_classifier = True
    supports_regressor = True

    def validate(self, estimator) -> None:
        """Check hyperparameters against this estimator; clear errors."""
        self._validate_params()

    def uses(self, hook: str) -> bool:
        """Whether this regularizer overrides ``hook``."""
        return getattr(type(self), hook) is not getattr(Regularizer, hook)

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

    def before_forward(self, ctx: FitContext) -> None:
        """Called before each training forward pass (e.g. perturb weights)."""

    def after_backward(self, ctx: FitContext) -> None:
        """Called after each backward pass (e.g. restore weights)."""

    # -- penalty -------------------------------------------------------------
    def penalty(self, network, batch_weight: float, ctx: FitContext) -> float:
        """Add this penalty's gradient to ``network.grad``; return its value."""
        return 0.0
