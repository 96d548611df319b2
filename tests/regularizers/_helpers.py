"""Shared helpers for the regularizer tests."""

import numpy as np

from skoptim.regularizers import FitContext


def training_context(est, X, y, sample_weight=None):
    """A FitContext on a fitted estimator, ready for ``est._objective``."""
    if hasattr(est, "_label_binarizer"):
        Y = est._label_binarizer.transform(y).astype(float)
    else:
        Y = np.asarray(y, dtype=float).reshape(len(y), -1)
    ctx = FitContext(
        estimator=est,
        network=est._network,
        rng=np.random.RandomState(0),
        X=X,
        Y=Y,
        y=y,
        sample_weight=sample_weight,
        n_samples=X.shape[0],
        state=est.regularizer_state_,
    )
    for r in est.regularizers_:
        if r.uses("on_fit_start"):
            r.on_fit_start(ctx)
    return ctx, Y


def objective(est, ctx, X, Y, sample_weight, params, reseed=None):
    """Loss and a copy of the gradient at ``params`` (random draws reseeded)."""
    net = est._network
    net.params[...] = params
    if reseed is not None:
        for r in est.regularizers_:
            ctx.state.setdefault(r._key, {})["generator"] = np.random.default_rng(
                reseed
            )
    loss = est._objective(ctx, X, Y, sample_weight)
    return loss, net.grad.copy()


def finite_difference_check(est, X, y, sample_weight=None, reseed=None, h=1e-6):
    """Max relative error between backprop and central differences."""
    ctx, Y = training_context(est, X, y, sample_weight)
    p0 = est._network.params.copy()
    _, grad = objective(est, ctx, X, Y, sample_weight, p0, reseed)
    num = np.empty_like(p0)
    for j in range(p0.size):
        e = np.zeros_like(p0)
        e[j] = h
        fp, _ = objective(est, ctx, X, Y, sample_weight, p0 + e, reseed)
        fm, _ = objective(est, ctx, X, Y, sample_weight, p0 - e, reseed)
        num[j] = (fp - fm) / (2 * h)
    est._network.params[...] = p0
    return np.max(np.abs(grad - num)) / max(np.max(np.abs(num)), 1e-12), grad, num
