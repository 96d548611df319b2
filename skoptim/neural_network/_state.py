"""Fitted state of the MLPs carried across calls, saved and restored.

:class:`FittedStateMixin` (a mixin of :class:`._base.BaseMLP`) snapshots the
state a warm-started fit or ``partial_fit`` may change and restores it when
the call diverges, forgets a failed first fit, builds the copy a callback's
``fitted_estimator`` predicts with, and pickles the network as its flat
buffer plus a layout of builtins.
"""

from __future__ import annotations

import copy

from ._network import Network, writeable

__all__ = ["FittedStateMixin"]


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
