r"""Early stopping on a validation set, with the best weights restored."""

from __future__ import annotations

import copy
import math
from numbers import Integral, Real

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import FitContext, Regularizer

__all__ = ["EarlyStopping"]


def _random_split(n, frac, y, rng, sample_weight=None):
    """Hold out ``floor(frac * n_c)`` random samples of every class ``c``.

    Per-class flooring never takes a class's last sample out of training
    (``frac < 1``); if that leaves no validation sample at all, one sample of
    the largest class (with at least two) is held out, one with a positive
    weight if there is one. Without ``y`` (a
    regressor, or multilabel targets) a plain random split of
    ``ceil(frac * n)`` samples, at most ``n - 1``.
    """
    if y is None:
        perm = rng.permutation(n)
        n_val = min(math.ceil(frac * n), n - 1)
        return np.sort(perm[n_val:]), np.sort(perm[:n_val])
    _, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
    val = []
    for c in range(len(counts)):
        members = np.flatnonzero(codes == c)
        rng.shuffle(members)
        val.append(members[: int(math.floor(frac * len(members)))])
    val = np.concatenate(val)
    if len(val) == 0 and counts.max() >= 2:
        if sample_weight is not None:
            counts = np.bincount(codes[sample_weight > 0], minlength=len(counts))
        val = rng.permutation(np.flatnonzero(codes == np.argmax(counts)))[:1]
    mask = np.zeros(n, dtype=bool)
    mask[val] = True
    return np.flatnonzero(~mask), np.flatnonzero(mask)


class EarlyStopping(Regularizer):
    r"""Stop training when the validation loss (or score) stops improving.

    After every epoch the estimator evaluates a validation set: the loss
    the network trains on (cross-entropy, squared error, ...) without
    penalty terms and on the original targets (no label smoothing or
    mixup), and the estimator's ``score`` (accuracy, :math:`R^2`). Both are
    recorded on the estimator as ``validation_loss_curve_`` and
    ``validation_scores_``. With :math:`v_t` the monitored quantity
    (the loss, or minus the score), an epoch *improves* when

    .. math::

        v_t < \min_{s < t} v_s - \delta,

    with :math:`\delta` = ``min_delta``; training stops after ``patience``
    consecutive epochs without improvement (Prechelt 1998; Keras'
    ``EarlyStopping``), and with ``restore_best_weights`` the parameters
    (and any running statistics, e.g. of batch normalisation) of the last
    improving epoch are put back, one copy of the flat buffer.

    The validation set is ``fit(X, y, validation_data=(X_val, y_val))`` when
    given; otherwise ``validation_fraction`` of the training data is held
    out at the start of each ``fit``: a stratified random split for a
    single-output classifier (:math:`\lfloor f n_c \rfloor` samples of each
    class :math:`c`, so no class leaves the training set), a random split
    otherwise, or, with
    ``shuffle=False``, the *last* fraction of the rows in their order (time
    series). While early stopping is in charge, the training-loss criterion
    (``tol``/``n_iter_no_change``) does not stop training; ``max_iter``
    still bounds it. ``partial_fit`` runs one epoch and ignores early
    stopping. Fitted attributes set on the estimator: ``best_epoch_`` (the
    epoch, counted from 1, whose weights are kept when restoring),
    ``best_validation_loss_``, ``best_validation_score_``.

    Parameters
    ----------
    patience : int, default=10
        Epochs without improvement before stopping (at least 1).
    min_delta : float, default=0.0
        Minimum decrease of the monitored loss (increase of the score) that
        counts as an improvement, :math:`\delta \ge 0`.
    validation_fraction : float, default=0.1
        Fraction of the training data held out, in (0, 1); unused when
        ``validation_data`` is passed to ``fit``.
    monitor : {"loss", "score"}, default="loss"
        Quantity watched: the validation loss (minimised) or score
        (maximised).
    restore_best_weights : bool, default=True
        At the end of training, return to the best epoch's parameters.
    shuffle : bool, default=True
        Hold out a random (stratified) split; False holds out the last rows
        in order.

    References
    ----------
    Prechelt, L. (1998). Early stopping - but when? In Neural Networks:
    Tricks of the Trade, LNCS 1524, 55-69.
    Goodfellow, I., Bengio, Y. & Courville, A. (2016). Deep Learning,
    section 7.8. MIT Press.
    """

    allow_multiple = False
    controls_stopping = True

    _parameter_constraints = {
        "patience": [Interval(Integral, 1, None, closed="left")],
        "min_delta": [Interval(Real, 0, None, closed="left")],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "monitor": [StrOptions({"loss", "score"})],
        "restore_best_weights": ["boolean"],
        "shuffle": ["boolean"],
    }

    def __init__(
        self,
        patience=10,
        min_delta=0.0,
        validation_fraction=0.1,
        monitor="loss",
        restore_best_weights=True,
        shuffle=True,
    ):
        self.patience = patience
        self.min_delta = min_delta
        self.validation_fraction = validation_fraction
        self.monitor = monitor
        self.restore_best_weights = restore_best_weights
        self.shuffle = shuffle

    # -- the split -------------------------------------------------------------
    def _split(self, ctx: FitContext):
        est, y = ctx.estimator, ctx.y
        sw = ctx.sample_weight
        n = ctx.X.shape[0]
        frac = float(self.validation_fraction)
        single_clf = (
            is_classifier(est)
            and est._label_binarizer.y_type_ != "multilabel-indicator"
        )
        where = f"EarlyStopping(validation_fraction={self.validation_fraction})"
        if self.shuffle:
            train, val = _random_split(n, frac, y if single_clf else None, ctx.rng, sw)
            if len(val) == 0:
                raise ValueError(
                    f"{where} holds out no sample of n_samples={n} (too few, or "
                    "every class too small to give one up); pass "
                    "validation_data=(X_val, y_val) to fit or raise "
                    "validation_fraction."
                )
        else:
            n_val = math.ceil(frac * n)
            if n_val >= n:
                raise ValueError(
                    f"{where} with {n} samples leaves no training samples; "
                    "lower validation_fraction or pass validation_data to fit."
                )
            train, val = np.arange(n - n_val), np.arange(n - n_val, n)
        if sw is not None and not np.any(sw[val] > 0):
            raise ValueError(
                f"{where}: every held-out validation sample has sample_weight 0, "
                "so the validation loss is undefined; pass validation_data to fit "
                "or raise validation_fraction."
            )
        if single_clf:
            missing = np.setdiff1d(est.classes_, np.unique(y[train]))
            if len(missing):
                raise ValueError(
                    f"{where} leaves class(es) {missing.tolist()} absent from the "
                    "training split; use a smaller validation_fraction, "
                    "shuffle=True (stratified), or pass validation_data to fit."
                )
        return train, val

    # -- hooks -------------------------------------------------------------------
    def on_fit_start(self, ctx: FitContext) -> None:
        st = self._state(ctx)
        st.clear()
        st["active"] = not ctx.incremental
        if not st["active"]:
            return
        if ctx.validation is None:
            train, val = self._split(ctx)
            sw = ctx.sample_weight
            ctx.validation = (
                ctx.X[val],
                _safe_indexing(ctx.y, val),
                ctx.Y[val],
                None if sw is None else sw[val],
            )
            ctx.X, ctx.Y = ctx.X[train], ctx.Y[train]
            ctx.y = _safe_indexing(ctx.y, train)
            ctx.sample_weight = None if sw is None else sw[train]
            ctx.n_samples = ctx.X.shape[0]
        st.update(best=math.inf, best_epoch=None, wait=0, best_params=None)

    def _monitored(self, ctx: FitContext) -> float:
        if self.monitor == "loss":
            return ctx.val_loss
        return -ctx.val_score

    def on_epoch_end(self, ctx: FitContext, loss: float) -> None:
        st = self._state(ctx)
        if not st["active"]:
            return
        value = self._monitored(ctx)
        if st["best_epoch"] is None or value < st["best"] - self.min_delta:
            st.update(best=value, best_epoch=ctx.epoch, wait=0)
            st["best_loss"], st["best_score"] = ctx.val_loss, ctx.val_score
            if self.restore_best_weights:
                self._save(ctx, st)
        else:
            st["wait"] += 1
            if st["wait"] >= self.patience:
                ctx.stop = True

    def _save(self, ctx: FitContext, st: dict) -> None:
        params = ctx.network.params
        if st["best_params"] is None:
            st["best_params"] = np.empty_like(params)
        np.copyto(st["best_params"], params)
        st["best_inference"] = {
            r._key: {
                name: copy.deepcopy(ctx.state[r._key][name])
                for name in r.inference_state
                if name in ctx.state.get(r._key, {})
            }
            for r in ctx.estimator.regularizers_
            if r.inference_state
        }

    def on_fit_end(self, ctx: FitContext) -> None:
        st = self._state(ctx)
        if not st.get("active") or st["best_epoch"] is None:
            return
        est = ctx.estimator
        if self.restore_best_weights:
            np.copyto(ctx.network.params, st["best_params"])
            for key, saved in st["best_inference"].items():
                ctx.state[key].update(saved)
        est.best_epoch_ = int(st["best_epoch"])
        est.best_validation_loss_ = float(st["best_loss"])
        est.best_validation_score_ = float(st["best_score"])
        for name in ("best_params", "best_inference"):
            st.pop(name, None)
