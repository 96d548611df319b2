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

__all__ = [
    "BOUNDED_PATIENCE",
    "OUTPUT_ACTIVATION",
    "batch_loss_and_delta",
    "constant_loss",
    "explosion_threshold",
    "loss_limits",
]

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
        Sample weights (non-negative); None for equal weights. If they sum
        to 0 the batch counts as empty: the loss is 0 and ``delta`` is 0.
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
    if sw_total <= 0.0:
        # a batch whose rows all have weight 0 is an empty batch: no loss,
        # no gradient (negative weights are refused by the estimators)
        delta[...] = 0.0
        return 0.0
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


#: A stochastic fit has diverged when its epoch loss exceeds the reference
#: by these factors (see :func:`explosion_threshold` and
#: :class:`skoptim.DivergenceError`).
EXPLOSION_FACTOR = 100.0
BOUNDED_REFERENCE_FACTOR = 5.0
BOUNDED_INITIAL_FACTOR = 2.0
#: Consecutive epochs a bounded (log) loss must stay above its threshold.
BOUNDED_PATIENCE = 3


def loss_limits(loss, Y, sw, dtype, huber_delta=1.0):
    """Lower bound, reference value and upper bound of a mean loss on ``Y``.

    Used once per ``fit``/``partial_fit`` call to tell an exploding loss
    from a large one (not in the batch loop).

    Returns
    -------
    floor : float
        The lowest mean loss any prediction can reach on ``Y``
        (0, or the targets' entropy for soft labels, or
        :math:`\\sum y - y\\log y` for Poisson).
    reference : float
        The mean loss of a fixed, data-free prediction: all-zero output
        (squared error, Huber), output 1 (Poisson), uniform probabilities
        (log losses).
    ceiling : float or None
        For the log losses, the largest mean loss that the clipped
        probabilities allow (:math:`-\\log\\varepsilon` per output,
        :math:`\\varepsilon` the dtype's machine epsilon); None for the
        unbounded losses.
    """
    n, k = Y.shape
    total = float(np.sum(sw)) if sw is not None else float(n)
    if not total > 0:
        total = 1.0

    def mean(per_element):
        """Weighted mean over rows of the row sums of ``per_element(Yc)``,
        in chunks of rows (a few small temporaries, not copies of Y)."""
        acc = 0.0
        for start in range(0, n, _LIMITS_CHUNK):
            Yc = np.asarray(Y[start : start + _LIMITS_CHUNK], dtype=np.float64)
            rows = per_element(Yc).sum(axis=1)
            acc += float(
                rows.sum() if sw is None else sw[start : start + len(Yc)] @ rows
            )
        return acc / total

    def xlogx(a):
        return a * np.log(np.where(a > 0, a, 1.0))

    if loss == "squared_error":
        return 0.0, 0.5 * mean(np.square), None
    if loss == "huber":
        d = huber_delta

        def huber(Yc):
            a = np.abs(Yc)
            return np.where(a <= d, 0.5 * a * a, d * (a - 0.5 * d))

        return 0.0, mean(huber), None
    if loss == "poisson":
        return mean(lambda Yc: Yc - xlogx(Yc)), float(k), None
    log_eps = -float(np.log(np.finfo(dtype).eps))
    if loss == "log_loss":
        return mean(lambda Yc: -xlogx(Yc)), float(np.log(k)), log_eps
    # binary_log_loss, per output
    floor = mean(lambda Yc: -(xlogx(Yc) + xlogx(1.0 - Yc)))
    return floor, k * float(np.log(2.0)), k * log_eps


#: Rows per chunk in :func:`loss_limits`.
_LIMITS_CHUNK = 2048


def explosion_threshold(limits, initial_loss) -> float:
    """The epoch loss above which a stochastic fit counts as diverged.

    ``limits`` is :func:`loss_limits`'s result, ``initial_loss`` the loss of
    the call's first batch before any step. Unbounded losses: the excess
    over the floor may grow to :data:`EXPLOSION_FACTOR` times the larger of
    the reference's and the initial loss's excess. Bounded (log) losses:
    the largest of half the ceiling, :data:`BOUNDED_REFERENCE_FACTOR` times
    the reference and :data:`BOUNDED_INITIAL_FACTOR` times the initial loss.
    """
    floor, reference, ceiling = limits
    if ceiling is None:
        start = max(reference, initial_loss) - floor
        return floor + EXPLOSION_FACTOR * max(start, 1e-300)
    return max(
        0.5 * ceiling,
        BOUNDED_REFERENCE_FACTOR * reference,
        BOUNDED_INITIAL_FACTOR * initial_loss,
    )


#: A fit whose final loss exceeds the floor by more than these factors times
#: the excess of the best constant prediction is worse than a constant
#: (a ``ConvergenceWarning``), or diverged if its parameters also exceed
#: :data:`EXPLODED_PARAMETER` in magnitude (see :class:`~skoptim.DivergenceError`).
WORSE_THAN_CONSTANT_FACTOR = 1.25
FAR_WORSE_THAN_CONSTANT_FACTOR = 10.0
EXPLODED_PARAMETER = 1e8


def constant_loss(loss, Y, sw, huber_delta=1.0) -> float:
    """Mean loss of the constant prediction fitted to ``Y``.

    The (weighted) mean of the targets, as probabilities for the log losses
    (the class prior): the best constant for the squared error, log and
    Poisson losses, an upper bound of the best constant's loss for Huber.
    Computed once per fit, not in the batch loop.
    """
    Yd = np.asarray(Y, dtype=np.float64)
    w = None if sw is None else np.asarray(sw, dtype=np.float64)
    total = float(Yd.shape[0] if w is None else w.sum())
    if not total > 0:
        return 0.0
    m = (Yd.sum(axis=0) if w is None else w @ Yd) / total

    def wmean(rows):
        return float(rows.sum() if w is None else w @ rows) / total

    if loss == "squared_error":
        return 0.5 * wmean(np.square(Yd - m).sum(axis=1))
    if loss == "huber":
        a = np.abs(Yd - m)
        d = huber_delta
        return wmean(np.where(a <= d, 0.5 * a * a, d * (a - 0.5 * d)).sum(axis=1))
    tiny = np.finfo(np.float64).tiny
    if loss == "poisson":
        return float(np.sum(m) - np.sum(m * np.log(np.maximum(m, tiny))))
    eps = np.finfo(np.float64).eps
    p = np.clip(m, eps, 1.0 - eps)
    if loss == "log_loss":
        return float(-np.sum(m * np.log(p)))
    return float(-np.sum(m * np.log(p) + (1.0 - m) * np.log(1.0 - p)))
