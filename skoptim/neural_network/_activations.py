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

import numpy as np
from scipy.special import expit

__all__ = ["ACTIVATIONS", "DERIVATIVES", "softmax_inplace"]


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


def softmax_inplace(z, rowbuf):
    """Row-wise softmax of ``z`` in place; ``rowbuf`` has shape (n, 1)."""
    np.max(z, axis=1, keepdims=True, out=rowbuf)
    z -= rowbuf
    np.exp(z, out=z)
    np.sum(z, axis=1, keepdims=True, out=rowbuf)
    z /= rowbuf
    return z


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
