r"""Losses at the output layer and their gradient with respect to the logits.

Every output activation is the canonical link of its loss, so the gradient of
the per-sample loss with respect to the output pre-activation :math:`z` is
simply :math:`\hat y - y` (clipped for Huber). For a batch of :math:`n`
samples with weights :math:`s_i` (all ones by default) the batch loss is the
weighted mean :math:`L = \sum_i s_i \ell_i / \sum_i s_i` and the output delta
is :math:`(\hat y_i - y_i)\, s_i / \sum_j s_j`.

==============  =========  ===================================================
loss            output     per-sample loss :math:`\ell_i`
==============  =========  ===================================================
squared_error   identity   :math:`\tfrac12 \sum_k (\hat y_{ik} - y_{ik})^2`
huber           identity   :math:`\sum_k h_\delta(\hat y_{ik} - y_{ik})`
poisson         exp        :math:`\sum_k \hat y_{ik} - y_{ik} \log \hat y_{ik}`
log_loss        softmax    :math:`-\sum_k y_{ik} \log \hat y_{ik}`
binary_log_loss logistic   :math:`-\sum_k y_{ik}\log\hat y_{ik} +
                           (1 - y_{ik})\log(1 - \hat y_{ik})`
==============  =========  ===================================================

The squared error is halved as in scikit-learn's MLP; with several outputs it
sums over outputs (scikit-learn reports the mean over outputs but follows the
gradient of the sum). Label smoothing acts on :math:`y` before these losses.
"""

from __future__ import annotations

import numpy as np

__all__ = ["OUTPUT_ACTIVATION", "batch_loss_and_delta"]

OUTPUT_ACTIVATION = {
    "squared_error": "identity",
    "huber": "identity",
    "poisson": "exp",
    "log_loss": "softmax",
    "binary_log_loss": "logistic",
}


def batch_loss_and_delta(loss, out, y, sw, delta, scratch, huber_delta=1.0):
    """Weighted mean batch loss; writes the output-layer delta in place.

    Parameters
    ----------
    loss : str
        A key of :data:`OUTPUT_ACTIVATION`.
    out : ndarray of shape (n, k)
        Output activations (predictions) of the batch.
    y : ndarray of shape (n, k)
        Targets, same dtype as ``out``.
    sw : ndarray of shape (n,) or None
        Sample weights; None for equal weights.
    delta, scratch : ndarray of shape (n, k)
        Buffers; ``delta`` receives :math:`\\partial L / \\partial z`.

    Notes
    -----
    The per-element losses are summed over the whole (n, k) block at once
    (pairwise summation; ``sw @ scratch`` with weights) rather than per row
    first: a reduction along the short output axis costs numpy a call per
    row.
    """
    n = out.shape[0]
    np.subtract(out, y, out=delta)
    if loss == "squared_error":
        np.multiply(delta, delta, out=scratch)
        total = 0.5 * _weighted_sum(scratch, sw)
    elif loss == "huber":
        # sum h(r) = sum c^2 / 2 + delta * sum(|r| - |c|), c = clip(r, -delta,
        # delta): three sums over the buffers, no temporaries
        np.abs(delta, out=scratch)
        total = huber_delta * _weighted_sum(scratch, sw)
        np.clip(delta, -huber_delta, huber_delta, out=delta)
        np.abs(delta, out=scratch)
        total -= huber_delta * _weighted_sum(scratch, sw)
        np.multiply(delta, delta, out=scratch)
        total += 0.5 * _weighted_sum(scratch, sw)
    elif loss == "poisson":
        tiny = np.finfo(out.dtype).tiny
        np.maximum(out, tiny, out=scratch)
        np.log(scratch, out=scratch)
        scratch *= y
        np.subtract(out, scratch, out=scratch)
        total = _weighted_sum(scratch, sw)
    elif loss == "log_loss":
        _clip_probabilities(out, scratch)
        np.log(scratch, out=scratch)
        if sw is None and scratch.size <= _DOT_MAX:
            total = -float(np.vdot(scratch, y))
        else:
            scratch *= y
            total = -_weighted_sum(scratch, sw)
    elif loss == "binary_log_loss":
        # sum y log p + sum (1 - y) log(1 - p), each in the scratch buffer
        _clip_probabilities(out, scratch)
        np.log(scratch, out=scratch)
        scratch *= y
        total = _weighted_sum(scratch, sw)
        _clip_probabilities(out, scratch)
        np.negative(scratch, out=scratch)
        np.log1p(scratch, out=scratch)
        total += _weighted_sum(scratch, sw)
        scratch *= y
        total = -(total - _weighted_sum(scratch, sw))
    else:  # pragma: no cover - guarded by the estimators
        raise ValueError(f"unknown loss {loss!r}")
    if sw is None:
        delta *= 1.0 / n
        return total / n
    sw_total = float(sw.sum())
    np.multiply(delta, sw[:, None], out=delta)
    delta *= 1.0 / sw_total
    return total / sw_total


#: Largest block summed by a dot product (one call, but accumulated in the
#: working precision); larger ones (validation sets) use pairwise summation.
_DOT_MAX = 1 << 16

#: (eps, 1 - eps) per dtype, as Python floats (``np.finfo`` costs a microsecond)
_EPS = {
    np.dtype(t).char: (float(np.finfo(t).eps), float(1 - np.finfo(t).eps))
    for t in (np.float32, np.float64)
}


def _clip_probabilities(p, out):
    """``np.clip(p, eps, 1 - eps, out=out)`` as two ufunc calls (np.clip's
    Python wrapper costs more than the arithmetic on a batch)."""
    lo, hi = _EPS.get(p.dtype.char) or (
        float(np.finfo(p.dtype).eps),
        float(1 - np.finfo(p.dtype).eps),
    )
    np.maximum(p, lo, out=out)
    np.minimum(out, hi, out=out)


def _weighted_sum(values, sw):
    """``sum_i sw_i * sum_k values_ik`` (plain sum without weights)."""
    if sw is None:
        return float(values.sum())
    return float(np.dot(sw, values).sum())
