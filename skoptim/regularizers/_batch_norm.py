r"""Batch normalisation of the hidden pre-activations."""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval

from ._base import FitContext, Regularizer
from ._dropout import _buffer

__all__ = ["BatchNormalization"]


class BatchNormalization(Regularizer):
    r"""Batch normalisation (Ioffe & Szegedy 2015) of every hidden layer.

    At training time each hidden pre-activation :math:`z = h W + b` is
    standardised over the batch and given a learned scale and shift before
    the activation :math:`\phi`:

    .. math::

        \mu_B = \frac1m \sum_i z_i, \quad
        \sigma_B^2 = \frac1m \sum_i (z_i - \mu_B)^2, \quad
        \hat z_i = \frac{z_i - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}, \quad
        h_i = \phi(\gamma \odot \hat z_i + \beta).

    The gradient flows through :math:`\mu_B` and :math:`\sigma_B^2` (the
    paper's backward pass). :math:`\gamma` (initialised to 1) and
    :math:`\beta` (to 0) are extra blocks of the flat parameter buffer,
    named ``"{k}:gamma"``/``"{k}:beta"`` (``k`` this regularizer's position),
    so whichever optimizer is chosen trains them; penalties do not touch
    them. Running statistics, as ``torch.nn.BatchNorm1d`` keeps them,

    .. math::

        \bar\mu \leftarrow (1 - m)\,\bar\mu + m\,\mu_B, \qquad
        \bar\sigma^2 \leftarrow (1 - m)\,\bar\sigma^2 + m\,\tfrac{B}{B-1}
        \sigma_B^2,

    (unbiased batch variance, starting from 0 and 1) replace the batch
    statistics at predict time, so predictions do not depend on the batch.
    They are fitted state: ``regularizer_state_[k]["running_mean"]`` and
    ``["running_var"]``, one array per hidden layer. The layer bias
    :math:`b` becomes redundant (:math:`\beta` plays its role) and stays
    near its initial value. With a full-batch optimizer the running
    statistics are updated at every objective evaluation, converging to the
    training set's statistics. Sample weights do not weight the batch
    statistics.

    **Batches of one row.** One row has no batch variance: its
    :math:`\sigma_B^2` is 0 and its normalised value is 0 whatever the
    input, and folding that 0 into :math:`\bar\sigma^2` would shrink the
    running variance at every epoch (to about 0.6 of the data's with a
    one-row last batch per epoch and ``momentum=0.1``), degrading every
    prediction. So a one-row batch, such as the remainder batch when
    ``n_samples % batch_size == 1``, is normalised with the running
    statistics, exactly as at predict time (the gradient flows through the
    fixed affine map), and does not update them. A fit whose batches all
    have one row (``batch_size=1``, or a single training sample) while no
    running statistics exist yet is refused with a ``ValueError``, as
    ``torch.nn.BatchNorm1d`` refuses it; once running statistics exist
    (``partial_fit`` or ``warm_start`` after a fit on larger batches),
    one-row batches train against them.

    **State across calls.** The running statistics are fitted state: a
    ``partial_fit`` or warm-started ``fit`` continues them (and
    ``regularizer_state_[k]["n_batches"]``, the number of batches that
    updated them); a fit from scratch starts them again at 0 and 1. With
    :class:`EarlyStopping` they are restored with the best weights.

    Parameters
    ----------
    momentum : float, default=0.1
        Weight :math:`m \in (0, 1]` of the current batch in the running
        statistics.
    epsilon : float, default=1e-5
        Added to the variance for numerical stability, :math:`\epsilon > 0`.

    Raises
    ------
    ValueError
        At fit time (scikit-learn's ``InvalidParameterError``) if
        ``momentum`` is not in (0, 1] or ``epsilon`` is not positive; also
        when the first batch that would give running statistics has one row
        (see above), or with a second ``BatchNormalization`` in
        ``regularizers``.

    References
    ----------
    Ioffe, S. & Szegedy, C. (2015). Batch normalization: accelerating deep
    network training by reducing internal covariate shift. ICML.
    """

    allow_multiple = False
    inference_state = ("running_mean", "running_var")

    scratch_state = ("xhat", "scratch", "inv_std", "frozen")

    _parameter_constraints = {
        "momentum": [Interval(Real, 0, 1, closed="right")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(self, momentum=0.1, epsilon=1e-5):
        self.momentum = momentum
        self.epsilon = epsilon

    # -- parameters and state ------------------------------------------------
    @staticmethod
    def _offsets(layer_sizes) -> list[tuple[int, int]]:
        out, o = [], 0
        for h in layer_sizes[1:-1]:
            out.append((o, o + h))
            o += h
        return out

    def param_blocks(self, layer_sizes):
        total = int(sum(layer_sizes[1:-1]))
        return [("gamma", total), ("beta", total)]

    def _views(self, network, layer, grads=False):
        o0, o1 = self._offsets(network.layer_sizes)[layer]
        src = network.block_grads if grads else network.blocks
        k = self._key
        return src[f"{k}:gamma"][o0:o1], src[f"{k}:beta"][o0:o1]

    def init_params(self, network, rng) -> None:
        network.blocks[f"{self._key}:gamma"][...] = 1.0
        network.blocks[f"{self._key}:beta"][...] = 0.0

    def on_fit_start(self, ctx: FitContext) -> None:
        st = self._state(ctx)
        if "running_mean" not in st:
            net = ctx.network
            hidden = net.layer_sizes[1:-1]
            st["running_mean"] = [np.zeros(h, net.dtype) for h in hidden]
            st["running_var"] = [np.ones(h, net.dtype) for h in hidden]
            st["n_batches"] = 0
        if st["n_batches"] == 0 and self._batch_rows(ctx) < 2:
            raise ValueError(
                f"BatchNormalization needs training batches of at least 2 rows "
                f"(one row has no batch variance); this fit's batches have 1 "
                f"(n_samples={ctx.X.shape[0]}, batch_size="
                f"{ctx.estimator.batch_size!r}). Use batch_size >= 2 and at "
                "least 2 training samples."
            )
        st.setdefault("xhat", {})
        st.setdefault("scratch", {})
        st.setdefault("inv_std", {})
        st.setdefault("frozen", {})

    @staticmethod
    def _batch_rows(ctx: FitContext) -> int:
        """Rows of this fit's (full) batches, as the fit loop will cut them."""
        est, n = ctx.estimator, ctx.X.shape[0]
        if getattr(est.optimizer_, "full_batch", False):
            return n
        bs = est.batch_size
        return min(200, n) if bs == "auto" else max(1, min(int(bs), n))

    # -- training --------------------------------------------------------------
    def forward_pre(self, layer: int, Z: np.ndarray, ctx: FitContext) -> None:
        st = self._state(ctx)
        gamma, beta = self._views(ctx.network, layer)
        n = Z.shape[0]
        if n == 1:
            self._forward_one_row(layer, Z, st, gamma, beta)
            return
        st["frozen"][layer] = False
        mean = Z.mean(axis=0)
        Z -= mean
        xhat = _buffer(st["xhat"], layer, Z.shape, Z.dtype)
        np.multiply(Z, Z, out=xhat)
        var = xhat.mean(axis=0)
        inv = 1.0 / np.sqrt(var + self.epsilon)
        Z *= inv
        np.copyto(xhat, Z)
        st["inv_std"][layer] = inv
        Z *= gamma
        Z += beta
        m = float(self.momentum)
        rm, rv = st["running_mean"][layer], st["running_var"][layer]
        rm *= 1.0 - m
        rm += m * mean
        rv *= 1.0 - m
        rv += (m * n / (n - 1)) * var
        if layer == 0:
            st["n_batches"] += 1

    def _forward_one_row(self, layer, Z, st, gamma, beta) -> None:
        """A one-row batch: normalise with the running statistics, as predict.

        One row has no batch variance (it is 0, and the normalised row is 0
        whatever the input), so it neither uses nor updates batch statistics.
        """
        if st["n_batches"] == 0:
            raise ValueError(
                "BatchNormalization got a training batch of 1 row before any "
                "batch of 2 or more rows: one row has no batch variance, and "
                "there are no running statistics yet to use instead. Use "
                "batch_size >= 2 (and at least 2 training samples)."
            )
        st["frozen"][layer] = True
        Z -= st["running_mean"][layer]
        inv = 1.0 / np.sqrt(st["running_var"][layer] + self.epsilon)
        Z *= inv
        xhat = _buffer(st["xhat"], layer, Z.shape, Z.dtype)
        np.copyto(xhat, Z)
        st["inv_std"][layer] = inv
        Z *= gamma
        Z += beta

    def backward_pre(self, layer: int, dZ: np.ndarray, ctx: FitContext) -> None:
        st = self._state(ctx)
        net = ctx.network
        gamma, _ = self._views(net, layer)
        g_gamma, g_beta = self._views(net, layer, grads=True)
        n = dZ.shape[0]
        xhat = st["xhat"][layer][:n]
        scratch = _buffer(st["scratch"], layer, dZ.shape, dZ.dtype)
        np.sum(dZ, axis=0, out=g_beta)
        np.multiply(dZ, xhat, out=scratch)
        np.sum(scratch, axis=0, out=g_gamma)
        if st["frozen"].get(layer):
            # fixed statistics: z_out = gamma * (z - mean) * inv + beta
            dZ *= gamma * st["inv_std"][layer]
            return
        # d zhat = dZ * gamma; dz = inv/n (n dzhat - sum dzhat - zhat sum dzhat zhat)
        dZ *= gamma
        dZ -= gamma * g_beta / n
        np.multiply(xhat, gamma * g_gamma / n, out=scratch)
        dZ -= scratch
        dZ *= st["inv_std"][layer]

    # -- predict ---------------------------------------------------------------
    def inference_pre(self, layer: int, Z: np.ndarray, network, state) -> None:
        gamma, beta = self._views(network, layer)
        Z -= state["running_mean"][layer]
        Z *= gamma / np.sqrt(state["running_var"][layer] + self.epsilon)
        Z += beta
