r"""Activation functions, applied in place, and their derivatives.

Each hidden activation :math:`a = \phi(z)` is written so that its derivative
can be computed from the activation :math:`a` alone, which lets the network
overwrite :math:`z` with :math:`a` and keep one buffer per layer:

=========  =============================  ===============================
name       :math:`\phi(z)`                 :math:`\phi'(z)` from :math:`a`
=========  =============================  ===============================
identity   :math:`z`                       :math:`1`
logistic   :math:`1 / (1 + e^{-z})`        :math:`a (1 - a)`
tanh       :math:`\tanh z`                 :math:`1 - a^2`
relu       :math:`\max(z, 0)`              :math:`[a > 0]`
=========  =============================  ===============================
"""

from __future__ import annotations

import math

import numpy as np
from scipy.special import expit

__all__ = ["ACTIVATIONS", "DERIVATIVES", "FUSED", "softmax_inplace"]


def _identity(z):
    return z


def _logistic(z):
    expit(z, out=z)
    return z


def _tanh(z):
    np.tanh(z, out=z)
    return z


def _relu(z):
    np.maximum(z, 0, out=z)
    return z


def _exp(z):
    np.exp(z, out=z)
    return z


ACTIVATIONS = {
    "identity": _identity,
    "logistic": _logistic,
    "tanh": _tanh,
    "relu": _relu,
    "softmax": None,  # filled below; needs a row buffer
    "exp": _exp,
}


def softmax_inplace(z, rowbuf, work=None, ones=None):
    """Row-wise softmax of ``z`` in place; ``rowbuf`` has shape (n, 1).

    Without ``work`` each row is shifted by its own maximum (exact; used
    for predictions; the maxima are taken column by column for up to 32
    classes, the sums as ``z @ ones``). With ``work`` (shape (n, k), used in
    training) the whole batch is shifted by its global maximum instead and
    the row sums
    come from one matrix-vector product with ``ones`` (shape (k,)): a
    reduction along the short class axis costs numpy a call per row, which
    dominates a small batch. Softmax is invariant to the shift, so the two
    agree except where exponentials underflow: a row lying ``d`` below the
    global maximum loses the probabilities below ``exp(d - max_exp)`` that
    the row-wise shift would keep. A batch with a row sum under
    :data:`MIN_ROWSUM` (``d`` above 60 in float32, 600 in float64) is
    therefore done row-wise (the exponentials go to ``work``, so ``z`` is
    still there); what is lost otherwise lies below ``exp(-25)`` in float32,
    under the ``eps`` at which the log-loss clips probabilities anyway.
    """
    n, k = z.shape
    if work is None or k == 1 or n == 0:
        return _softmax_rowwise(z, rowbuf, ones)
    zmax = z.max()
    if not math.isfinite(zmax):
        return _softmax_rowwise(z, rowbuf, ones)
    np.subtract(z, zmax, out=work)
    np.exp(work, out=work)
    s = rowbuf[:, 0]
    np.dot(work, np.ones(k, z.dtype) if ones is None else ones, out=s)
    if s.min() < MIN_ROWSUM.get(z.dtype.char, 1.0):
        return _softmax_rowwise(z, rowbuf, ones)
    np.divide(work, rowbuf, out=z)
    return z


#: Smallest row sum of exponentials after the global shift that
#: :func:`softmax_inplace` accepts, per dtype: exp(-60) in float32 (whose
#: exponentials underflow below exp(-87.3)), exp(-600) in float64 (below
#: exp(-708)).
MIN_ROWSUM = {"f": math.exp(-60.0), "d": math.exp(-600.0)}


def _softmax_rowwise(z, rowbuf, ones=None):
    """Softmax with each row shifted by its own maximum (exact)."""
    k = z.shape[1]
    s = rowbuf[:, 0]
    if 2 <= k <= _COLUMN_LOOP_MAX:
        # numpy reduces along a short last axis row by row (a call per row);
        # k - 1 maxima of whole columns are several times faster
        np.maximum(z[:, 0], z[:, 1], out=s)
        for j in range(2, k):
            np.maximum(s, z[:, j], out=s)
    else:
        np.max(z, axis=1, keepdims=True, out=rowbuf)
    z -= rowbuf
    np.exp(z, out=z)
    if ones is None:
        np.sum(z, axis=1, keepdims=True, out=rowbuf)
    else:
        np.dot(z, ones, out=s)
    z /= rowbuf
    return z


#: Up to this many classes the row maxima are taken column by column.
_COLUMN_LOOP_MAX = 32


def _d_identity(a, out):
    out.fill(1)


def _d_logistic(a, out):
    np.subtract(1, a, out=out)
    out *= a


def _d_tanh(a, out):
    np.multiply(a, a, out=out)
    np.subtract(1, out, out=out)


def _d_relu(a, out):
    np.greater(a, 0, out=out)


#: derivative(a, out): write phi'(z) into ``out`` given a = phi(z).
DERIVATIVES = {
    "identity": _d_identity,
    "logistic": _d_logistic,
    "tanh": _d_tanh,
    "relu": _d_relu,
}


def _relu_with_derivative(z, out):
    """ReLU of ``z`` in place and its derivative into ``out``, in two passes.

    The mask ``z > 0`` is needed anyway; multiplying by it is cheaper than
    ``np.maximum`` (whose NaN handling makes it about twice as slow as a
    multiply). The results equal ``maximum(z, 0)`` except that negative
    inputs give ``-0.0`` (equal to 0) and ``-inf`` gives NaN: a pre-activation
    of ``-inf`` only arises from infinite weights, after training diverged.
    """
    np.greater(z, 0, out=out)
    z *= out
    return z


#: activation_with_derivative(z, out): phi(z) in place and phi'(z) into
#: ``out`` (the training forward pass); activations not listed here use
#: ``ACTIVATIONS`` then ``DERIVATIVES``.
FUSED = {"relu": _relu_with_derivative}
