r"""Early stopping on a validation set, with the best weights restored."""

from __future__ import annotations

import copy
import math
from numbers import Integral, Real

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import Interval, StrOptions

from ..exceptions import DivergenceError
from ..utils._warnings import warn_user
from ._base import FitContext, Regularizer

__all__ = ["EarlyStopping"]


def _n_held_out(frac: float, n: int) -> int:
    """``ceil(frac * n)`` without floating-point noise, at most ``n - 1``.

    ``0.1 * 30`` is ``3.0000000000000004`` in floating point; a plain ceil
    would hold out 4 rows instead of 3.
    """
    return max(0, min(math.ceil(round(frac * n, 9)), n - 1))


def _stratified_counts(frac: float, counts: np.ndarray) -> np.ndarray:
    """Rows of each class to hold out: ``ceil(frac * n)`` in all, by class.

    Each class gets ``floor(frac * n_c)``; the rows still missing to reach
    ``ceil(frac * n)`` go one at a time to the classes with the largest
    remainders ``frac * n_c - floor(frac * n_c)`` (then the larger class,
    then the first), the largest-remainder rule. No class gives up its last
    row, so every class stays in training.
    """
    counts = np.asarray(counts, dtype=np.int64)
    present = counts > 0
    total = int(counts.sum())
    n_val = min(math.ceil(round(frac * total, 9)), total - int(present.sum()))
    exact = frac * counts
    alloc = np.minimum(np.floor(np.round(exact, 9)), np.maximum(counts - 1, 0))
    alloc = alloc.astype(np.int64)
    order = np.lexsort((np.arange(len(counts)), -counts, -(exact - alloc)))
    missing = n_val - int(alloc.sum())
    while missing > 0:
        for c in order:
            if missing > 0 and alloc[c] < counts[c] - 1:
                alloc[c] += 1
                missing -= 1
    return alloc


def _random_split(n, frac, y, rng, sample_weight=None):
    """Train and validation indices of a random hold-out.

    Only rows with a positive weight are held out (a zero-weight row is a
    missing row; it stays in the training part, where it counts for
    nothing), ``ceil(frac * P)`` of the ``P`` positive-weight rows and at
    most ``P - 1``. With ``y`` (a single-output classifier) the split is
    stratified by :func:`_stratified_counts`, so no class with a positive
    weight leaves the training part; without ``y`` (a regressor, or
    multilabel targets) it is a plain random draw. Without weights the draws
    are those of the unweighted split.
    """
    positive = None if sample_weight is None else sample_weight > 0
    if y is None:
        if positive is None:
            perm = rng.permutation(n)
        else:
            perm = rng.permutation(np.flatnonzero(positive))
        val = perm[: _n_held_out(frac, len(perm))]
    else:
        _, codes = np.unique(y, return_inverse=True)
        codes = codes.ravel()
        n_classes = int(codes.max()) + 1
        pool = codes if positive is None else np.where(positive, codes, -1)
        counts = np.bincount(pool[pool >= 0], minlength=n_classes)
        alloc = _stratified_counts(frac, counts)
        val = []
        for c in range(n_classes):
            members = np.flatnonzero(pool == c)
            rng.shuffle(members)
            val.append(members[: alloc[c]])
        val = np.concatenate(val)
    mask = np.zeros(n, dtype=bool)
    mask[val] = True
    return np.flatnonzero(~mask), np.flatnonzero(mask)


def _ordered_split(n, frac, sample_weight=None):
    """The last rows in order, holding ``ceil(frac * P)`` positive-weight rows.

    ``P`` counts rows with a positive weight (all rows without weights);
    zero-weight rows before the first held-out positive one stay in
    training. At most ``P - 1`` positive rows are held out.
    """
    pos = np.arange(n) if sample_weight is None else np.flatnonzero(sample_weight > 0)
    n_val = _n_held_out(frac, len(pos))
    if n_val == 0:
        return np.arange(n), np.arange(0)
    cut = int(pos[len(pos) - n_val])
    return np.arange(cut), np.arange(cut, n)


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
    given; otherwise ``validation_fraction`` :math:`f` of the training data
    is held out at the start of each ``fit``. Only rows with a positive
    ``sample_weight`` are held out (a zero-weight row counts as a missing
    row and stays in training, where it contributes nothing): of the
    :math:`P` positive-weight rows, :math:`\lceil f P \rceil` (at most
    :math:`P - 1`) go to validation, so at least one positive-weight row is
    always held out and one always trained on. For a single-output
    classifier the split is stratified: class :math:`c` with :math:`P_c`
    positive-weight rows gives :math:`\lfloor f P_c \rfloor`, and the rows
    still missing to reach :math:`\lceil f P \rceil` come from the classes
    with the largest remainders :math:`f P_c - \lfloor f P_c \rfloor`; no
    class gives up its last row, so no class leaves the training set. Other
    targets (regression, multilabel) get a plain random split. With
    ``shuffle=False`` the *last* rows in their order are held out (time
    series), as many as hold :math:`\lceil f P \rceil` positive-weight rows.
    A split that holds out nothing, or (``shuffle=False``) leaves a class
    without a positive-weight training row, is an error.

    While early stopping is in charge, the training-loss criterion
    (``tol``/``n_iter_no_change``) does not stop training; ``max_iter``
    still bounds it. Fitted attributes set on the estimator: ``best_epoch_``
    (the epoch, counted from 1 on the estimator's ``n_iter_`` clock, whose
    weights are kept when restoring), ``best_validation_loss_``,
    ``best_validation_score_``.

    The monitored value must be defined at every epoch. With
    ``monitor="score"`` a regressor's :math:`R^2` needs at least two
    validation rows with a positive weight and targets that vary: ``fit``
    refuses other validation sets up front. A NaN monitored value during
    training raises: a ``DivergenceError`` when the validation loss is not
    finite (training diverged), a ``ValueError`` when only the score is NaN.
    ``min_delta`` is an absolute margin, so the rule is the same for a loss
    of any sign.

    **State across calls.** Each ``fit`` is one early-stopping run: the
    patience count starts afresh, and the weights restored are the best of
    that run. With ``warm_start=True``:

    - a refit on as many rows as before holds out the *same* rows as the
      previous fit (the split's seed is kept in ``regularizer_state_``), so
      rows trained on never enter the validation set; when that cannot be
      guaranteed (a different number of rows, a previous fit without this
      split, or ``partial_fit`` calls since, which train on every row) a
      ``UserWarning`` says the new split may hold rows already trained on;
    - the weights the refit starts from are evaluated on its validation set
      (same split, or ``validation_data``) and are the first candidate for
      the best, attributed to the epoch they come from (the previous fit's
      ``best_epoch_`` when it restored). A refit that only makes things
      worse therefore ends where it started, not at its least bad epoch.

    Restoring puts back the parameters and running statistics, not the
    optimizer's state (moments, step count, a schedule's plateau counter),
    which continue from the last epoch trained, as in Keras.
    ``partial_fit`` runs one epoch and ignores early stopping;
    ``best_epoch_`` and the other attributes then still describe the last
    ``fit``.

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

    Raises
    ------
    ValueError
        At fit time (scikit-learn's ``InvalidParameterError``) for a
        parameter outside its range (``patience < 1``, ``min_delta < 0``,
        ``validation_fraction`` outside (0, 1), an unknown ``monitor``). At
        fit time also when the split holds out no row, leaves a class out
        of training (``shuffle=False``), or ``monitor="score"`` is undefined
        on the validation set (a regressor's :math:`R^2` with fewer than two
        positive-weight rows or constant targets), or when the monitored
        score becomes NaN during training.
    skoptim.exceptions.DivergenceError
        When the validation loss becomes NaN or infinite during training.

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
    def _split(self, ctx: FitContext, rng):
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
            train, val = _random_split(n, frac, y if single_clf else None, rng, sw)
        else:
            train, val = _ordered_split(n, frac, sw)
        if len(val) == 0:
            n_pos = n if sw is None else int(np.count_nonzero(sw > 0))
            raise ValueError(
                f"{where} holds out no sample of n_samples={n} ({n_pos} with a "
                "positive sample_weight): too few, or every class too small to "
                "give one up. Pass validation_data=(X_val, y_val) to fit or raise "
                "validation_fraction."
            )
        if single_clf:
            yy = np.asarray(y)
            pos = np.ones(n, bool) if sw is None else sw > 0
            missing = np.setdiff1d(np.unique(yy[pos]), np.unique(yy[train[pos[train]]]))
            if len(missing):
                raise ValueError(
                    f"{where} leaves class(es) {missing.tolist()} absent from the "
                    "training split (no row with a positive weight left); use a "
                    "smaller validation_fraction, shuffle=True (stratified), or "
                    "pass validation_data to fit."
                )
        return train, val

    def _check_score_defined(self, ctx: FitContext) -> None:
        """Refuse a validation set on which the monitored score is undefined.

        A regressor's score is :math:`R^2`, which needs at least two
        validation rows with a positive weight and targets that vary:
        otherwise it is NaN (or 0 whatever the predictions) at every epoch
        and early stopping would silently keep the first epoch.
        """
        if self.monitor != "score" or not is_regressor(ctx.estimator):
            return
        _, _, Yv, swv = ctx.validation
        Yv = np.asarray(Yv)
        if Yv.ndim == 1:
            Yv = Yv.reshape(-1, 1)
        pos = np.ones(Yv.shape[0], bool) if swv is None else np.asarray(swv) > 0
        n_pos = int(np.count_nonzero(pos))
        where = "EarlyStopping(monitor='score')"
        if n_pos < 2:
            raise ValueError(
                f"{where}: the validation set is too small for the score: R^2 "
                f"needs at least 2 validation samples with a positive weight, "
                f"got {n_pos}, so it would be NaN at every epoch. Use "
                "monitor='loss', raise validation_fraction, or pass a larger "
                "validation_data to fit."
            )
        Yp = Yv[pos]
        if np.all(Yp == Yp[0]):
            raise ValueError(
                f"{where}: every validation target is the same value, so R^2 is "
                "undefined (0 whatever the predictions) and cannot tell epochs "
                "apart. Use monitor='loss' or a validation set whose targets vary."
            )

    # -- hooks -------------------------------------------------------------------
    def on_fit_start(self, ctx: FitContext) -> None:
        st = self._state(ctx)
        memory = {
            k: st[k] for k in ("split_seed", "split_n", "weights_epoch") if k in st
        }
        st.clear()
        st["active"] = not ctx.incremental
        if not st["active"]:
            # partial_fit trains on every row it is given, held-out ones too:
            # a later warm-started fit cannot rely on them being unseen
            return
        fresh_split = False
        if ctx.validation is None:
            n = ctx.X.shape[0]
            reuse = memory.get("split_n") == n and ctx.epoch > 0
            fresh_split = ctx.epoch > 0 and not reuse
            if ctx.epoch > 0 and not reuse:
                warn_user(
                    f"{self!r} holds out a new validation split of a network "
                    f"already trained for {ctx.epoch} epochs (warm_start), which "
                    "may have trained on those rows: the validation loss is then "
                    "optimistic. Pass validation_data to fit to keep a held-out "
                    "set apart across fits.",
                    UserWarning,
                )
            rng = None
            if self.shuffle:
                seed = (
                    memory["split_seed"]
                    if reuse
                    else int(ctx.rng.randint(np.iinfo(np.int32).max))
                )
                st["split_seed"] = seed
                rng = np.random.RandomState(seed)
            st["split_n"] = n
            train, val = self._split(ctx, rng)
            sw = ctx.sample_weight
            ctx.validation = (
                _safe_indexing(ctx.X, val),
                _safe_indexing(ctx.y, val),
                ctx.Y[val],
                None if sw is None else sw[val],
            )
            ctx.X, ctx.Y = _safe_indexing(ctx.X, train), ctx.Y[train]
            ctx.y = _safe_indexing(ctx.y, train)
            ctx.sample_weight = None if sw is None else sw[train]
            ctx.n_samples = ctx.X.shape[0]
        self._check_score_defined(ctx)
        st.update(best=math.inf, best_epoch=None, wait=0, best_params=None)
        if ctx.epoch > 0 and not fresh_split:
            self._start_from_current(ctx, st, memory.get("weights_epoch", ctx.epoch))

    def _start_from_current(self, ctx: FitContext, st: dict, epoch: int) -> None:
        """A warm-started fit: the weights it starts from are a candidate.

        They are evaluated on the validation set (not recorded in the
        curves, which stay aligned with ``loss_curve_``) and count as the
        best so far, attributed to ``epoch`` (the epoch they come from: the
        best epoch restored by the previous fit, else the last one). So a
        warm-started fit that only makes things worse ends where it started
        instead of at its own least bad epoch.
        """
        est = ctx.estimator
        n0 = len(est.validation_loss_curve_)
        est._evaluate_validation(ctx)
        del est.validation_loss_curve_[n0:]
        del est.validation_scores_[n0:]
        value = self._monitored(ctx)
        if math.isnan(value):
            return
        st.update(best=value, best_epoch=int(epoch))
        st["best_loss"], st["best_score"] = ctx.val_loss, ctx.val_score
        if self.restore_best_weights:
            self._save(ctx, st)

    def _monitored(self, ctx: FitContext) -> float:
        if self.monitor == "loss":
            return ctx.val_loss
        return -ctx.val_score

    def on_epoch_end(self, ctx: FitContext, loss: float) -> None:
        st = self._state(ctx)
        if not st["active"]:
            return
        value = self._monitored(ctx)
        if math.isnan(value) or (self.monitor == "loss" and math.isinf(value)):
            self._undefined(ctx, value)
        if st["best_epoch"] is None or value < st["best"] - self.min_delta:
            st.update(best=value, best_epoch=ctx.epoch, wait=0)
            st["best_loss"], st["best_score"] = ctx.val_loss, ctx.val_score
            if self.restore_best_weights:
                self._save(ctx, st)
        else:
            st["wait"] += 1
            if st["wait"] >= self.patience:
                ctx.stop = True

    def _undefined(self, ctx: FitContext, value: float) -> None:
        """Raise: the monitored quantity is NaN (or the loss infinite)."""
        if self.monitor == "loss" or not math.isfinite(ctx.val_loss):
            raise DivergenceError(
                f"{self!r}: the validation loss became {ctx.val_loss} at epoch "
                f"{ctx.epoch}: training diverged (the training loss was "
                f"{ctx.estimator.loss_}). Use a smaller learning rate or scale "
                "the inputs (StandardScaler)."
            )
        raise ValueError(
            f"{self!r}: the validation score is NaN at epoch {ctx.epoch} while "
            f"the validation loss is {ctx.val_loss}: the score is undefined on "
            "this validation set (too small for the score, or degenerate "
            "targets). Use monitor='loss' or pass a larger validation_data."
        )

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
        st["weights_epoch"] = ctx.epoch
        if self.restore_best_weights:
            np.copyto(ctx.network.params, st["best_params"])
            for key, saved in st["best_inference"].items():
                ctx.state[key].update(saved)
            st["weights_epoch"] = st["best_epoch"]
        est.best_epoch_ = int(st["best_epoch"])
        est.best_validation_loss_ = float(st["best_loss"])
        est.best_validation_score_ = float(st["best_score"])
        for name in ("best_params", "best_inference"):
            st.pop(name, None)
