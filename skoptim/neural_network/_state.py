"""Fitted state of the MLPs carried across calls, saved and restored.

:class:`FittedStateMixin` (a mixin of :class:`._base.BaseMLP`) snapshots the
state a warm-started fit or ``partial_fit`` may change and restores it when
the call diverges, forgets a failed first fit, builds the copy a callback's
``fitted_estimator`` predicts with, and pickles the network as its flat
buffer plus a layout of builtins. :func:`carry_optimizer_state` decides
what of the optimizer's state a warm start keeps when its settings changed.
"""

from __future__ import annotations

import copy

import numpy as np

from ..utils._warnings import warn_user
from ._network import Network, writeable

__all__ = ["FittedStateMixin", "carry_optimizer_state"]


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


class FittedStateMixin:
    """Snapshot/restore, callback copies and pickling of a fitted MLP."""

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
            "learning_rate_curve_",
            "epoch_times_",
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

    def _reconstruction_attributes(self):
        """Attributes that make a shallow copy predict as of now.

        The copy gets its own network on a copy of the parameter buffer (the
        live buffer keeps training) and a copy of the state its predict
        reads (batch normalisation's running statistics); the training data
        is never copied.
        """
        net = self._network
        frozen = Network.from_layout(net.layout(), net.params.copy())
        states = dict(self.regularizer_state_)
        for hook in net.eval_hooks:
            key = hook.regularizer._key
            states[key] = copy.deepcopy(states.get(key))
        frozen.eval_hooks = [
            _InferenceHook(h.regularizer, states) for h in net.eval_hooks
        ]
        return {
            "_network": frozen,
            "regularizer_state_": states,
            "n_iter_": self.n_iter_,
            "loss_": self.loss_,
            "loss_curve_": list(self.loss_curve_),
        }

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


def _type_signature(obj):
    """The types of a configuration object and of the ones nested in it
    (SAM's base optimizer, a learning-rate schedule), by parameter name."""
    if not hasattr(obj, "get_params") or isinstance(obj, type):
        return None
    return (
        type(obj),
        tuple(
            (k, _type_signature(v))
            for k, v in sorted(obj.get_params(deep=False).items())
        ),
    )


def _merge_state(old, new, path, dropped):
    """``new``'s layout filled with ``old``'s values where they fit.

    A value is kept when both are dicts (merged key by key), arrays of the
    same shape and dtype, or scalars of the same kind; anything of ``old``
    that is not kept is named in ``dropped``.
    """
    if isinstance(new, dict) and isinstance(old, dict):
        out = {}
        for key, value in new.items():
            if key in old:
                out[key] = _merge_state(old[key], value, f"{path}{key}.", dropped)
            else:
                out[key] = value
        dropped.extend(f"{path}{key}" for key in old if key not in new)
        return out
    if isinstance(new, np.ndarray) or isinstance(old, np.ndarray):
        if (
            isinstance(new, np.ndarray)
            and isinstance(old, np.ndarray)
            and old.shape == new.shape
            and old.dtype == new.dtype
        ):
            return old
        dropped.append(path.rstrip("."))
        return new
    if isinstance(old, bool | int | float | np.number) and isinstance(
        new, bool | int | float | np.number
    ):
        return old
    if type(old) is type(new):
        return old
    dropped.append(path.rstrip("."))
    return new


def carry_optimizer_state(old_opt, old_state, new_opt, params):
    """The state to continue with when the optimizer's settings changed.

    Changing a hyperparameter of the same optimizer (learning rate, betas,
    momentum...) keeps its state: moments, step count, schedule state, as
    ``torch.optim`` and skorch do when a parameter group's ``lr`` is set.
    A different optimizer type, or a different type nested in it (SAM's base
    optimizer, a learning-rate schedule in place of a float or another
    schedule), starts from a fresh state; so does any piece of state whose
    shape or dtype changed. Whatever state is dropped is named in a
    ``UserWarning``.
    """
    fresh = new_opt.init(params)
    if old_state is None:
        return fresh
    progressed = bool(old_state.get("t", 0) or old_state.get("epoch", 0))
    if _type_signature(old_opt) != _type_signature(new_opt):
        if progressed:
            warn_user(
                f"The optimizer changed from {old_opt!r} to {new_opt!r} (a "
                "different type): its state (moments, step count t="
                f"{old_state.get('t', 0)}, schedule) starts afresh.",
                UserWarning,
            )
        return fresh
    dropped = []
    state = _merge_state(old_state, fresh, "", dropped)
    if dropped and progressed:
        warn_user(
            f"The optimizer's settings changed ({old_opt!r} to {new_opt!r}); "
            f"the state that no longer fits is dropped and starts afresh: "
            f"{', '.join(sorted(dropped))}. The rest (step count t="
            f"{state.get('t', 0)}) is kept.",
            UserWarning,
        )
    return state
