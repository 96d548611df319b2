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

from ._activations import ACTIVATIONS, DERIVATIVES, FUSED, softmax_inplace
from ._losses import batch_loss_and_delta

__all__ = ["Network"]


def _is_sparse(X) -> bool:
    """``scipy.sparse.issparse`` without its cost (an ABC check, ~1 µs) for
    the ndarrays of every dense batch."""
    return type(X) is not np.ndarray and sp.issparse(X)


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
        #: Objects with ``inference_pre(layer, Z, network)`` applied to hidden
        #: pre-activations when not training (batch norm's running statistics).
        self.eval_hooks = []

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
        self.coefs_T = [W.T for W in self.coefs]
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
            "coefs_T",
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
                # softmax in training: its exponentials (the logits stay for
                # the exact fallback) and ones(k) for the row sums as one
                # matrix-vector product
                "work": np.empty((batch_size, sizes[-1]), dt),
                "ones_k": np.ones(sizes[-1], dt),
            }
            if training:
                ws["D"] = [None] + [np.empty((batch_size, s), dt) for s in sizes[1:]]
                ws["S"] = [None] + [np.empty((batch_size, s), dt) for s in sizes[1:-1]]
                ws["scratch"] = np.empty((batch_size, sizes[-1]), dt)
                ws["X"] = np.empty((batch_size, sizes[0]), dt)
                ws["Y"] = np.empty((batch_size, sizes[-1]), dt)
                ws["sw"] = np.empty(batch_size, dt)
                # bias gradients as ones(n) @ delta: one BLAS call, several
                # times faster than numpy's column sum
                ws["ones"] = np.ones(batch_size, dt)
            self._ws[key] = ws
        return ws

    def batch_buffers(self, batch_size: int):
        """Preallocated (X, Y, sw) gather buffers for dense training batches."""
        ws = self._workspace(batch_size, training=True)
        return ws["X"], ws["Y"], ws["sw"]

    # -- passes --------------------------------------------------------------
    def _plan(self, ws, n: int, training: bool):
        """Views of the workspace ``ws`` for batches of exactly ``n`` rows.

        Slicing a dozen buffers costs more than the arithmetic on a small
        batch, so the views are made once per batch size and kept with the
        workspace (a fit sees one or two sizes: the batch and the remainder).
        """
        plans = ws.setdefault("plans", {})
        plan = plans.get(n)
        if plan is not None:
            return plan
        if len(plans) >= 8:  # many sizes (predict on varied inputs): start over
            plans.clear()
        A = [a[:n] for a in ws["A"][1:]]
        plan = {
            "A": A,
            "AT": [a.T for a in A],
            "row": ws["row"][:n],
            "work": ws["work"][:n],
            "ones_k": ws["ones_k"],
        }
        if training:
            plan["D"] = [d[:n] for d in ws["D"][1:]]
            plan["S"] = [s[:n] for s in ws["S"][1:]]
            plan["scratch"] = ws["scratch"][:n]
            plan["ones"] = ws["ones"][:n]
        plans[n] = plan
        return plan

    def forward(self, X, training: bool = False, ctx=None):
        """Forward pass of a batch; returns the output activations (a view).

        With ``training=True`` the hidden activations' derivatives are stored
        for :meth:`backward`, and the layer hooks run.
        """
        n = X.shape[0]
        ws = self._workspace(n, training)
        plan = self._plan(ws, n, training)
        A, last = plan["A"], len(self.coefs) - 1
        act = ACTIVATIONS[self.activation]
        if training:
            hooks = self.hooks
            pre, post = hooks["pre"], hooks["post"]
            if hooks["input"]:
                for h in hooks["input"]:
                    X = h.forward_input(X, ctx)
            deriv = (
                None if self.activation == "identity" else DERIVATIVES[self.activation]
            )
            fused = FUSED.get(self.activation)
            S = plan["S"]
            eval_hooks = None
        else:
            pre = post = deriv = fused = None
            eval_hooks = self.eval_hooks
        coefs, intercepts = self.coefs, self.intercepts
        inp = X
        for i in range(last + 1):
            Z = A[i]
            if i == 0 and _is_sparse(inp):
                Z[...] = inp @ coefs[0]
            else:
                np.matmul(inp, coefs[i], out=Z)
            Z += intercepts[i]
            if i < last:
                if pre:
                    for h in pre:
                        h.forward_pre(i, Z, ctx)
                elif eval_hooks:
                    for h in eval_hooks:
                        h.inference_pre(i, Z, self)
                if fused is not None:
                    fused(Z, S[i])
                else:
                    act(Z)
                    if deriv is not None:
                        deriv(Z, S[i])
                if post:
                    for h in post:
                        h.forward_post(i, Z, ctx)
            elif self.out_activation == "softmax":
                if training:
                    softmax_inplace(Z, plan["row"], plan["work"], plan["ones_k"])
                else:  # predictions: the exact row-wise shift
                    softmax_inplace(Z, plan["row"], None, plan["ones_k"])
            else:
                ACTIVATIONS[self.out_activation](Z)
            inp = Z
        self._last_input = X
        return A[last]

    def backward(self, X, Y, sw=None, ctx=None) -> float:
        """Loss of the last forward pass on (X, Y); gradients into ``self.grad``.

        Must follow ``forward(X, training=True)`` on the same batch.
        """
        n = X.shape[0]
        plan = self._ws["train"]["plans"][n]
        A, AT, D, S = plan["A"], plan["AT"], plan["D"], plan["S"]
        X = self._last_input
        loss = batch_loss_and_delta(
            self.loss, A[-1], Y, sw, D[-1], plan["scratch"], self.huber_delta
        )
        hooks = self.hooks
        pre, post = hooks["pre"], hooks["post"]
        ones, identity = plan["ones"], self.activation == "identity"
        coef_grads, intercept_grads = self.coef_grads, self.intercept_grads
        for i in range(len(self.coefs) - 1, -1, -1):
            delta = D[i]
            if i == 0:
                if _is_sparse(X):
                    coef_grads[0][...] = X.T @ delta
                else:
                    np.matmul(X.T, delta, out=coef_grads[0])
            else:
                np.matmul(AT[i - 1], delta, out=coef_grads[i])
            # bias gradient as ones(n) @ delta: one BLAS call, several times
            # faster than numpy's column sum
            np.dot(ones, delta, out=intercept_grads[i])
            if i > 0:
                prev = D[i - 1]
                np.matmul(delta, self.coefs_T[i], out=prev)
                if post:
                    for h in reversed(post):
                        h.backward_post(i - 1, prev, ctx)
                if not identity:
                    prev *= S[i - 1]
                if pre:
                    for h in reversed(pre):
                        h.backward_pre(i - 1, prev, ctx)
        return loss

    def predict(self, X, chunk_size: int | None = None) -> np.ndarray:
        """Output activations for all rows of ``X``, in chunks of reused buffers.

        The default chunk keeps the widest layer's activations of a chunk
        within about 1 MiB, so the element-wise work between the matrix
        products runs in cache.
        """
        n = X.shape[0]
        out = np.empty((n, self.layer_sizes[-1]), dtype=self.dtype)
        if chunk_size is None:
            width = max(self.layer_sizes[1:]) * self.dtype.itemsize
            chunk_size = min(4096, max(256, (1 << 20) // width))
        step = min(max(n, 1), chunk_size)
        fast = self.activation == "relu" and not self.eval_hooks and not sp.issparse(X)
        if fast:
            offsets = self._relu_offsets()
        for start in range(0, n, step):
            stop = min(start + step, n)
            if fast:
                out[start:stop] = self._forward_relu_offsets(X[start:stop], offsets)
            else:
                out[start:stop] = self.forward(X[start:stop], training=False)
        return out

    def _relu_offsets(self):
        r"""Biases for :meth:`_forward_relu_offsets`, one per layer.

        With :math:`\beta_0 = b_0` and :math:`\beta_i = \beta_{i-1} W_i + b_i`,
        the activations :math:`A'_i = \max(A'_{i-1} W_i, -\beta_i)` satisfy
        :math:`\mathrm{relu}(A_{i-1} W_i + b_i) = A'_i + \beta_i` (with
        :math:`A'_{-1} = X`): the bias of a layer moves into the next layer's
        offset, and each hidden layer costs one element-wise pass (the
        maximum) instead of two (bias, then ReLU).
        """
        betas, beta = [], None
        for W, b in zip(self.coefs, self.intercepts, strict=True):
            beta = b.copy() if beta is None else beta @ W + b
            betas.append(beta)
        return betas, [-beta for beta in betas[:-1]]

    def _forward_relu_offsets(self, X, offsets):
        """Prediction forward pass of a ReLU network (see :meth:`_relu_offsets`)."""
        betas, neg = offsets
        n = X.shape[0]
        ws = self._workspace(n, False)
        plan = self._plan(ws, n, False)
        A, last = plan["A"], len(self.coefs) - 1
        inp = X
        for i in range(last):
            Z = A[i]
            np.matmul(inp, self.coefs[i], out=Z)
            np.maximum(Z, neg[i], out=Z)
            inp = Z
        Z = A[last]
        np.matmul(inp, self.coefs[last], out=Z)
        Z += betas[last]
        if self.out_activation == "softmax":
            softmax_inplace(Z, plan["row"], None, plan["ones_k"])
        else:
            ACTIVATIONS[self.out_activation](Z)
        return Z
