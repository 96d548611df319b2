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
    """
    n = out.shape[0]
    np.subtract(out, y, out=delta)
    if loss == "squared_error":
        np.multiply(delta, delta, out=scratch)
        per = 0.5 * scratch.sum(axis=1)
    elif loss == "huber":
        a = np.abs(delta)
        quad = np.minimum(a, huber_delta)
        per = (quad * (a - 0.5 * quad)).sum(axis=1)
        np.clip(delta, -huber_delta, huber_delta, out=delta)
    elif loss == "poisson":
        tiny = np.finfo(out.dtype).tiny
        np.maximum(out, tiny, out=scratch)
        np.log(scratch, out=scratch)
        scratch *= y
        np.subtract(out, scratch, out=scratch)
        per = scratch.sum(axis=1)
    elif loss == "log_loss":
        eps = np.finfo(out.dtype).eps
        np.clip(out, eps, 1 - eps, out=scratch)
        np.log(scratch, out=scratch)
        scratch *= y
        per = -scratch.sum(axis=1)
    elif loss == "binary_log_loss":
        eps = np.finfo(out.dtype).eps
        np.clip(out, eps, 1 - eps, out=scratch)
        # y log p + (1 - y) log(1 - p) = y (log p - log(1-p)) + log(1 - p)
        q = np.log1p(-scratch)
        np.log(scratch, out=scratch)
        scratch -= q
        scratch *= y
        scratch += q
        per = -scratch.sum(axis=1)
    else:  # pragma: no cover - guarded by the estimators
        raise ValueError(f"unknown loss {loss!r}")
    if sw is None:
        delta *= 1.0 / n
        return float(per.sum()) / n
    total = float(sw.sum())
    delta *= (sw / total)[:, None]
    return float(per @ sw) / total
