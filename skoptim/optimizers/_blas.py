"""``y += a * x`` in one pass, for the optimizers' in-place updates.

numpy has no fused multiply-add between arrays: ``y += a * x`` is a multiply
into a buffer and an add, two passes over memory. BLAS ``axpy`` does it in
one, and the update of an adaptive optimizer is a handful of such passes
over the whole flat parameter buffer, so this is where its time goes.
"""

from __future__ import annotations

import numpy as np
from scipy.linalg import blas

__all__ = ["axpy", "axpy_fn", "axpy_unchecked"]

_AXPY = {np.dtype(np.float32): blas.saxpy, np.dtype(np.float64): blas.daxpy}


def _check_in_place():
    """scipy's wrappers update ``y`` in place when it is contiguous and of the
    routine's dtype; verify once, so a wrapper that copies is never trusted."""
    for dt, f in _AXPY.items():
        y = np.zeros(3, dt)
        r = f(np.ones(3, dt), y, a=2.0)
        if not (np.shares_memory(r, y) and np.array_equal(y, [2.0, 2.0, 2.0])):
            return {}
    return _AXPY


_AXPY = _check_in_place()

#: Calls cover at most this many elements. OpenBLAS runs axpy on one thread
#: up to 10000 elements and wakes its thread pool above; scipy's BLAS is a
#: different library instance from numpy's, and two OpenBLAS pools whose
#: idle workers spin for a while after each call take the cores from each
#: other (measured: a W1 epoch 20x slower on 2 cores). Single-threaded
#: chunks never wake scipy's pool.
_CHUNK = 8192


def axpy(a: float, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``y += a * x`` in place and return ``y``.

    One BLAS pass for contiguous float32/float64 arrays of the same dtype and
    shape; numpy otherwise.
    """
    f = _AXPY.get(y.dtype)
    if (
        f is None
        or x.dtype != y.dtype
        or x.shape != y.shape
        or not (x.flags.c_contiguous and y.flags.c_contiguous and y.flags.writeable)
    ):
        y += a * x
        return y
    xs, ys = (x, y) if y.ndim == 1 else (x.reshape(-1), y.reshape(-1))
    n = ys.shape[0]
    if n <= _CHUNK:
        if n:
            f(xs, ys, a=a)
    else:
        for start in range(0, n, _CHUNK):
            f(xs[start : start + _CHUNK], ys[start : start + _CHUNK], a=a)
    return y


def axpy_fn(x: np.ndarray, *ys: np.ndarray):
    """The BLAS axpy for repeated ``y += a * x`` calls on these arrays, or None.

    Returns the routine when ``x`` and every ``y`` are 1-D, C-contiguous, of
    one float dtype and length, and every ``y`` is writeable; the caller then
    skips :func:`axpy`'s checks with :func:`axpy_unchecked` (half a
    microsecond a call, which matters on small models).
    """
    f = _AXPY.get(x.dtype)
    if f is None or x.ndim != 1 or not x.flags.c_contiguous:
        return None
    for y in ys:
        if (
            y.dtype != x.dtype
            or y.shape != x.shape
            or not (y.flags.c_contiguous and y.flags.writeable)
        ):
            return None
    return f


def axpy_unchecked(f, a: float, x: np.ndarray, y: np.ndarray) -> None:
    """``y += a * x`` with the routine ``f`` from :func:`axpy_fn` (no checks)."""
    n = y.shape[0]
    if n <= _CHUNK:
        if n:
            f(x, y, a=a)
    else:
        for start in range(0, n, _CHUNK):
            f(x[start : start + _CHUNK], y[start : start + _CHUNK], a=a)
