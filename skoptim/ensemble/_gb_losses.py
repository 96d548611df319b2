"""Losses of the generic gradient boosting (private).

``raw`` is always a 2-D array (n_samples, K) of additive scores. Each loss
gives its value, its negative gradient, a line search along a base's
predictions and, for tree bases, the TreeBoost value of one leaf.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import expit, logsumexp

_EPS = np.finfo(np.float64).eps


def _weighted_quantile(values, weights, q):
    """Weighted ``q``-quantile: the smallest value whose weight CDF >= q."""
    order = np.argsort(values, kind="stable")
    cdf = np.cumsum(weights[order])
    if cdf[-1] <= 0:
        return float(np.median(values))
    idx = int(np.searchsorted(cdf, q * cdf[-1], side="left"))
    return float(values[order[min(idx, len(values) - 1)]])


# --------------------------------------------------------------------------
# Losses. ``raw`` is always a 2-D array (n_samples, K) of additive scores.
# --------------------------------------------------------------------------


class _Loss:
    """Interface of a boosting loss (private)."""

    K = 1

    def __call__(self, y, raw, w):  # pragma: no cover - interface
        raise NotImplementedError

    def negative_gradient(self, y, raw, w):  # pragma: no cover - interface
        raise NotImplementedError

    def line_search(self, y, raw, h, w, k):  # pragma: no cover - interface
        raise NotImplementedError

    def leaf_value(self, y, raw, w, k):
        """Optimal constant update for the rows of one tree leaf (or None)."""
        return None


class _SquaredError(_Loss):
    """:math:`L = (y - F)^2`; reported as the weighted mean squared error."""

    def __call__(self, y, raw, w):
        return float(np.average((y - raw[:, 0]) ** 2, weights=w))

    def negative_gradient(self, y, raw, w):
        return y - raw[:, 0]

    def line_search(self, y, raw, h, w, k):
        den = np.sum(w * h * h)
        if den <= _EPS:
            return 0.0
        return float(np.sum(w * h * (y - raw[:, 0])) / den)


class _AbsoluteError(_Loss):
    """:math:`L = |y - F|`; negative gradient ``sign(y - F)``."""

    def __call__(self, y, raw, w):
        return float(np.average(np.abs(y - raw[:, 0]), weights=w))

    def negative_gradient(self, y, raw, w):
        return np.sign(y - raw[:, 0])

    def line_search(self, y, raw, h, w, k):
        # argmin_rho sum w |r - rho h| = weighted median of r / h, weights w|h|
        nz = np.abs(h) > _EPS
        if not np.any(nz & (w > 0)):
            return 0.0
        r = y[nz] - raw[nz, 0]
        return _weighted_quantile(r / h[nz], w[nz] * np.abs(h[nz]), 0.5)

    def leaf_value(self, y, raw, w, k):
        return _weighted_quantile(y - raw[:, 0], w, 0.5)


class _HuberLoss(_Loss):
    r"""Huber loss, :math:`\delta` the ``alpha``-quantile of :math:`|y-F|`.

    :math:`\delta` is re-estimated at each stage from the current training
    residuals (Friedman 2001, Algorithm 4).
    """

    def __init__(self, alpha):
        self.alpha = alpha
        self.delta = None

    def _values(self, u):
        delta = self.delta
        a = np.abs(u)
        return np.where(a <= delta, 0.5 * u * u, delta * (a - 0.5 * delta))

    def __call__(self, y, raw, w):
        u = y - raw[:, 0]
        if self.delta is None:
            self.delta = _weighted_quantile(np.abs(u), w, self.alpha)
        return float(np.average(self._values(u), weights=w))

    def negative_gradient(self, y, raw, w):
        u = y - raw[:, 0]
        self.delta = max(_weighted_quantile(np.abs(u), w, self.alpha), _EPS)
        return np.clip(u, -self.delta, self.delta)

    def line_search(self, y, raw, h, w, k):
        if np.sum(w * h * h) <= _EPS:
            return 0.0
        u = y - raw[:, 0]
        res = minimize_scalar(
            lambda rho: np.sum(w * self._values(u - rho * h)), bracket=(0.0, 1.0)
        )
        return float(res.x) if np.isfinite(res.x) else 0.0

    def leaf_value(self, y, raw, w, k):
        # Friedman (2001), Algorithm 4: median plus a clipped mean correction
        diff = y - raw[:, 0]
        median = _weighted_quantile(diff, w, 0.5)
        dev = diff - median
        if np.sum(w) <= 0:
            return median
        clipped = np.sign(dev) * np.minimum(np.abs(dev), self.delta)
        return median + float(np.average(clipped, weights=w))


class _BinomialLogLoss(_Loss):
    """Log-loss of a binary problem, ``raw`` the log-odds of class 1."""

    def __call__(self, y, raw, w):
        f = raw[:, 0]
        # log(1 + exp(f)) - y f, computed stably
        return float(np.average(np.logaddexp(0.0, f) - y * f, weights=w))

    def negative_gradient(self, y, raw, w):
        return y - expit(raw[:, 0])

    def line_search(self, y, raw, h, w, k):
        f = raw[:, 0]
        return _newton_line_search(
            lambda rho: float(
                np.sum(w * (np.logaddexp(0.0, f + rho * h) - y * (f + rho * h)))
            ),
            lambda rho: _binomial_derivatives(y, f + rho * h, h, w),
        )

    def leaf_value(self, y, raw, w, k):
        p = expit(raw[:, 0])
        return _safe_divide(np.sum(w * (y - p)), np.sum(w * p * (1.0 - p)))


def _binomial_derivatives(y, f, h, w):
    p = expit(f)
    return -np.sum(w * h * (y - p)), np.sum(w * h * h * p * (1.0 - p))


class _MultinomialLogLoss(_Loss):
    """Log-loss of a K-class problem, ``raw`` the K class scores (softmax)."""

    def __init__(self, n_classes):
        self.K = n_classes

    def _onehot(self, y):
        return np.eye(self.K)[y.astype(int)]

    def __call__(self, y, raw, w):
        yi = y.astype(int)
        nll = logsumexp(raw, axis=1) - raw[np.arange(len(yi)), yi]
        return float(np.average(nll, weights=w))

    def negative_gradient(self, y, raw, w):
        p = np.exp(raw - logsumexp(raw, axis=1, keepdims=True))
        return self._onehot(y) - p

    def line_search(self, y, raw, h, w, k):
        yk = (y.astype(int) == k).astype(float)

        def loss(rho):
            shifted = raw.copy()
            shifted[:, k] += rho * h
            return self(y, shifted, w) * np.sum(w)

        def derivatives(rho):
            shifted = raw.copy()
            shifted[:, k] += rho * h
            pk = np.exp(shifted[:, k] - logsumexp(shifted, axis=1))
            return -np.sum(w * h * (yk - pk)), np.sum(w * h * h * pk * (1.0 - pk))

        return _newton_line_search(loss, derivatives)

    def leaf_value(self, y, raw, w, k):
        # Friedman (2001), Algorithm 6: (K-1)/K times a diagonal Newton step
        pk = np.exp(raw[:, k] - logsumexp(raw, axis=1))
        yk = (y.astype(int) == k).astype(float)
        num = (self.K - 1) / self.K * np.sum(w * (yk - pk))
        return _safe_divide(num, np.sum(w * pk * (1.0 - pk)))


def _safe_divide(num, den):
    return 0.0 if abs(den) < 1e-150 else float(num) / float(den)


def _newton_line_search(loss, derivatives, max_iter=1):
    """Newton step(s) on a convex 1-D ``loss``, halved until the loss decreases.

    One step by default, as Friedman's TreeBoost takes one Newton step per
    leaf; iterating to the exact minimiser overfits the log-loss (huge steps
    along nearly-separating directions).
    """
    rho, current = 0.0, loss(0.0)
    for _ in range(max_iter):
        grad, hess = derivatives(rho)
        if hess <= _EPS or abs(grad) <= 1e-12:
            break
        step = -grad / hess
        for _ in range(30):
            candidate = loss(rho + step)
            if candidate <= current:
                break
            step *= 0.5
        else:
            break
        rho, improvement = rho + step, current - candidate
        current = candidate
        if improvement <= 1e-12 * max(1.0, abs(current)):
            break
    return float(rho)
