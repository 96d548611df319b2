"""The numpy network: one flat parameter buffer, forward and backward passes.

All weights and biases are views into one contiguous 1-D array ``params`` and
their gradients views into ``grad`` of the same layout, so an optimizer step
is a few vectorised in-place operations over the whole model. Activation,
delta and derivative buffers are allocated once per batch size and reused
(the last, smaller batch uses leading rows of the same buffers).

Regularizers reach into the passes through *layer hooks* (see
:class:`skoptim.regularizers.Regularizer`):

- ``input`` hooks see the batch of inputs before the first layer;
- ``pre`` hooks see a hidden layer's pre-activation ``Z`` (batch
  normalisation) and must undo themselves in the backward pass;
- ``post`` hooks see a hidden layer's activation ``A`` (dropout, noise).

The derivative of a hidden activation is taken at forward time, before the
post hooks change ``A``, so a hook only has to propagate gradients through
itself.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ._activations import ACTIVATIONS, DERIVATIVES, softmax_inplace
from ._losses import batch_loss_and_delta

__all__ = ["Network"]


class Network:
    """A multilayer perceptron on a flat parameter buffer.

    Parameters
    ----------
    layer_sizes : list of int
        ``[n_features, h_1, ..., h_k, n_outputs]``.
    activation : str
        Hidden activation (``identity``, ``logistic``, ``tanh``, ``relu``).
    out_activation : str
        Output activation (``identity``, ``logistic``, ``softmax``, ``exp``).
    loss : str
        Loss name, see :mod:`skoptim.neural_network._losses`.
    dtype : numpy dtype
        float32 or float64; every buffer has this dtype.
    extra_blocks : list of (name, size), optional
        Additional parameter blocks appended to the buffer (for regularizers
        with learned parameters); their views are in ``self.blocks``.
    """

    def __init__(
        self,
        layer_sizes,
        activation,
        out_activation,
        loss,
        dtype,
        extra_blocks=(),
        huber_delta=1.0,
    ):
        self.layer_sizes = [int(s) for s in layer_sizes]
        self.activation = activation
        self.out_activation = out_activation
        self.loss = loss
        self.dtype = np.dtype(dtype)
        self.extra_blocks = [(str(n), int(s)) for n, s in extra_blocks]
        self.huber_delta = float(huber_delta)
        sizes = []
        for fan_in, fan_out in zip(
            self.layer_sizes[:-1], self.layer_sizes[1:], strict=False
        ):
            sizes += [fan_in * fan_out, fan_out]
        sizes += [s for _, s in self.extra_blocks]
        self.n_params = int(sum(sizes))
        self._build(np.zeros(self.n_params, dtype=self.dtype))
        self.hooks = {"input": [], "pre": [], "post": []}

    # -- layout --------------------------------------------------------------
    def _build(self, params):
        """Create the views of ``params`` and a matching ``grad`` buffer."""
        self.params = params
        self.grad = np.zeros_like(params)
        self.coefs, self.intercepts = [], []
        self.coef_grads, self.intercept_grads = [], []
        offset = 0
        for fan_in, fan_out in zip(
            self.layer_sizes[:-1], self.layer_sizes[1:], strict=False
        ):
            for store, gstore, shape in (
                (self.coefs, self.coef_grads, (fan_in, fan_out)),
                (self.intercepts, self.intercept_grads, (fan_out,)),
            ):
                size = int(np.prod(shape))
                store.append(params[offset : offset + size].reshape(shape))
                gstore.append(self.grad[offset : offset + size].reshape(shape))
                offset += size
        self.n_layer_params = offset
        self.blocks, self.block_grads = {}, {}
        for name, size in self.extra_blocks:
            self.blocks[name] = params[offset : offset + size]
            self.block_grads[name] = self.grad[offset : offset + size]
            offset += size
        self._ws = {}

    def __getstate__(self):
        state = self.__dict__.copy()
        for key in (
            "coefs",
            "intercepts",
            "coef_grads",
            "intercept_grads",
            "blocks",
            "block_grads",
            "grad",
            "_ws",
            "_last_input",
        ):
            state.pop(key, None)
        return state

    def __setstate__(self, state):
        hooks = state.pop("hooks", {"input": [], "pre": [], "post": []})
        params = state.pop("params")
        self.__dict__.update(state)
        self._build(params)
        self.hooks = hooks

    @property
    def n_layers(self) -> int:
        return len(self.layer_sizes)

    def initialize(self, rng: np.random.RandomState) -> None:
        """Glorot-uniform initialisation, as scikit-learn's MLP.

        For each layer, weights and biases are drawn from
        :math:`U(-b, b)` with :math:`b = \\sqrt{f / (n_{in} + n_{out})}`, where
        :math:`f = 2` for a logistic activation and :math:`f = 6` otherwise
        (Glorot & Bengio 2010).
        """
        factor = 2.0 if self.activation == "logistic" else 6.0
        for i, (fan_in, fan_out) in enumerate(
            zip(self.layer_sizes[:-1], self.layer_sizes[1:], strict=False)
        ):
            bound = np.sqrt(factor / (fan_in + fan_out))
            self.coefs[i][...] = rng.uniform(-bound, bound, (fan_in, fan_out))
            self.intercepts[i][...] = rng.uniform(-bound, bound, fan_out)

    # -- workspace -----------------------------------------------------------
    def _workspace(self, batch_size: int, training: bool):
        """Buffers for batches of up to ``batch_size`` rows (grown on demand).

        Training and prediction keep separate workspaces, so scoring a
        validation set between epochs does not reallocate the training one.
        """
        key = "train" if training else "eval"
        ws = self._ws.get(key)
        if ws is None or ws["batch_size"] < batch_size:
            dt = self.dtype
            sizes = self.layer_sizes
            ws = {
                "batch_size": batch_size,
                "A": [None] + [np.empty((batch_size, s), dt) for s in sizes[1:]],
                "row": np.empty((batch_size, 1), dt),
            }
            if training:
                ws["D"] = [None] + [np.empty((batch_size, s), dt) for s in sizes[1:]]
                ws["S"] = [None] + [np.empty((batch_size, s), dt) for s in sizes[1:-1]]
                ws["scratch"] = np.empty((batch_size, sizes[-1]), dt)
                ws["X"] = np.empty((batch_size, sizes[0]), dt)
                ws["Y"] = np.empty((batch_size, sizes[-1]), dt)
                ws["sw"] = np.empty(batch_size, dt)
            self._ws[key] = ws
        return ws

    def batch_buffers(self, batch_size: int):
        """Preallocated (X, Y, sw) gather buffers for dense training batches."""
        ws = self._workspace(batch_size, training=True)
        return ws["X"], ws["Y"], ws["sw"]

    # -- passes --------------------------------------------------------------
    def forward(self, X, training: bool = False, ctx=None):
        """Forward pass of a batch; returns the output activations (a view).

        With ``training=True`` the hidden activations' derivatives are stored
        for :meth:`backward`, and the layer hooks run.
        """
        n = X.shape[0]
        ws = self._workspace(n, training)
        A, act, last = ws["A"], ACTIVATIONS[self.activation], len(self.coefs) - 1
        hooks = self.hooks if training else None
        if hooks and hooks["input"]:
            for h in hooks["input"]:
                X = h.forward_input(X, ctx)
        inp = X
        for i, (W, b) in enumerate(zip(self.coefs, self.intercepts, strict=False)):
            Z = A[i + 1][:n]
            if sp.issparse(inp):
                Z[...] = inp @ W
            else:
                np.matmul(inp, W, out=Z)
            Z += b
            if i < last:
                if hooks and hooks["pre"]:
                    for h in hooks["pre"]:
                        h.forward_pre(i, Z, ctx)
                act(Z)
                if training:
                    DERIVATIVES[self.activation](Z, ws["S"][i + 1][:n])
                if hooks and hooks["post"]:
                    for h in hooks["post"]:
                        h.forward_post(i, Z, ctx)
            elif self.out_activation == "softmax":
                softmax_inplace(Z, ws["row"][:n])
            else:
                ACTIVATIONS[self.out_activation](Z)
            inp = Z
        self._last_input = X
        return A[-1][:n]

    def backward(self, X, Y, sw=None, ctx=None) -> float:
        """Loss of the last forward pass on (X, Y); gradients into ``self.grad``.

        Must follow ``forward(X, training=True)`` on the same batch.
        """
        n = X.shape[0]
        ws = self._ws["train"]
        A, D, S = ws["A"], ws["D"], ws["S"]
        X = self._last_input
        loss = batch_loss_and_delta(
            self.loss, A[-1][:n], Y, sw, D[-1][:n], ws["scratch"][:n], self.huber_delta
        )
        hooks = self.hooks
        for i in range(len(self.coefs) - 1, -1, -1):
            delta = D[i + 1][:n]
            inp = X if i == 0 else A[i][:n]
            if sp.issparse(inp):
                self.coef_grads[i][...] = inp.T @ delta
            else:
                np.matmul(inp.T, delta, out=self.coef_grads[i])
            np.sum(delta, axis=0, out=self.intercept_grads[i])
            if i > 0:
                prev = D[i][:n]
                np.matmul(delta, self.coefs[i].T, out=prev)
                if hooks["post"]:
                    for h in reversed(hooks["post"]):
                        h.backward_post(i - 1, prev, ctx)
                prev *= S[i][:n]
                if hooks["pre"]:
                    for h in reversed(hooks["pre"]):
                        h.backward_pre(i - 1, prev, ctx)
        return loss

    def predict(self, X, chunk_size: int = 4096) -> np.ndarray:
        """Output activations for all rows of ``X``, in chunks of reused buffers."""
        n = X.shape[0]
        out = np.empty((n, self.layer_sizes[-1]), dtype=self.dtype)
        step = min(max(n, 1), chunk_size)
        for start in range(0, n, step):
            stop = min(start + step, n)
            out[start:stop] = self.forward(X[start:stop], training=False)
        return out
