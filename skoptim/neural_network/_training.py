"""The training loop of the MLP estimators: epochs, batches, stopping.

A mixin of :class:`~skoptim.neural_network._base.BaseMLP`. It runs the epochs
(stochastic minibatches, or a full-batch optimizer's own loop), calls the
regularizers' hooks at their named points, records the loss curves, stops on
convergence, on a regularizer's request or on divergence, and reports each
epoch. The estimator's validation, initialisation and predict live in
:mod:`skoptim.neural_network._base`; the numerics in
:mod:`skoptim.neural_network._network`.
"""

from __future__ import annotations

import math
import sys
from time import perf_counter

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ..utils._training_log import TrainingLog
from ..utils._warnings import warn_user
from ._fit_report import FitReportMixin
from ._losses import (
    BOUNDED_PATIENCE,
    batch_loss_and_delta,
    explosion_threshold,
    loss_limits,
)

__all__ = ["TrainingLoopMixin"]


class TrainingLoopMixin(FitReportMixin):
    """Epochs and batches of an MLP fit; see the module docstring."""

    def _batch_size(self, n):
        if self.batch_size == "auto":
            return min(200, n)
        if self.batch_size > n:
            warn_user(
                f"Got batch_size={self.batch_size} > n_samples={n}; using {n}.",
                UserWarning,
            )
        return max(1, min(int(self.batch_size), n))

    def _run(self, ctx, *, incremental):
        hooks = self._hook_lists
        if any(r.uses_random_draws for r in self.regularizers_):
            # one seed for all regularizers' generators, drawn first so their
            # streams do not depend on the list order or on other draws
            ctx.workspace["seed"] = int(ctx.rng.randint(np.iinfo(np.int32).max))
        for r in hooks["on_fit_start"]:
            r.on_fit_start(ctx)
        for r in hooks["transform_targets"]:
            ctx.Y = np.ascontiguousarray(
                r.transform_targets(ctx.Y, ctx), dtype=ctx.network.dtype
            )
        ctx.n_samples = ctx.X.shape[0]
        if self.verbose:
            ctx.workspace["log"] = self._training_log(ctx, incremental)
        try:
            if self.optimizer_.full_batch:
                self._run_full_batch(ctx)
            else:
                self._run_stochastic(ctx, incremental=incremental)
            for r in hooks["on_fit_end"]:
                r.on_fit_end(ctx)
            if not incremental:
                # the final parameters (EarlyStopping may have restored
                # its best ones): no "converged" while worse than a constant
                if self._check_against_constant(ctx, self.stop_reason_):
                    self.stop_reason_ = "worse_than_constant"
                self._warn_if_constant_output(ctx)
        finally:
            for r in self.regularizers_:
                st = ctx.state.get(r._key)
                for key in r.scratch_state if st is not None else ():
                    st.pop(key, None)

    def _training_log(self, ctx, incremental):
        """The verbose table of this call (see :class:`TrainingLog`)."""
        columns = ["train_loss"]
        if ctx.validation is not None:
            columns += ["valid_loss", "valid_score"]
        lr = self.optimizer_.current_learning_rate(self.optimizer_state_)
        if not self.optimizer_.full_batch and lr is not None and math.isfinite(lr):
            columns.append("lr")
        best = "valid_loss" if ctx.validation is not None else "train_loss"
        return TrainingLog(
            columns,
            step_name="iter" if self.optimizer_.full_batch else "epoch",
            max_steps=None if incremental else self.max_iter,
            best=(best, "min"),
        )

    def _epoch_task(self, ctx):
        """Open the callback task of the next epoch (callbacks set only)."""
        task = ctx.workspace["callbacks"].subcontext(task_name="epoch")
        task.call_on_fit_task_begin(
            estimator=self, X=ctx.X, y=ctx.y, metadata=_metadata(ctx)
        )
        return task

    def _end_epoch_task(self, ctx, task):
        """Close an epoch's callback task; a callback may stop training."""
        stop = task.call_on_fit_task_end(
            estimator=self,
            X=ctx.X,
            y=ctx.y,
            metadata=_metadata(ctx),
            reconstruction_attributes=self._reconstruction_attributes,
        )
        if stop and not ctx.stop:
            ctx.stop = True
            ctx.workspace["stop_reason"] = "callback"

    def _objective(self, ctx, Xb, Yb, swb, bw=None):
        """Loss and gradient (into ``network.grad``) at the current parameters.

        ``bw`` is the batch's total sample weight (computed if not given).
        """
        net, hooks = ctx.network, self._hook_lists
        for r in hooks["before_forward"]:
            r.before_forward(ctx)
        net.forward(Xb, training=True, ctx=ctx)
        loss = net.backward(Xb, Yb, swb, ctx=ctx)
        for r in hooks["after_backward"]:
            r.after_backward(ctx)
        if hooks["penalty"]:
            if bw is None:
                bw = Xb.shape[0] if swb is None else float(swb.sum())
            for r in hooks["penalty"]:
                loss += r.penalty(net, bw, ctx)
        return loss

    def _run_stochastic(self, ctx, *, incremental):
        net, opt, state = ctx.network, self.optimizer_, self.optimizer_state_
        hooks = self._hook_lists
        X, Y, sw = ctx.X, ctx.Y, ctx.sample_weight
        n = X.shape[0]
        bs = self._batch_size(n)
        sparse = sp.issparse(X)
        Xbuf, Ybuf, swbuf = net.batch_buffers(bs)
        rng = self._random_state
        params, grad = net.params, net.grad
        # the explosion rule (see DivergenceError): reference values of this
        # call's data; the threshold also needs the first batch's loss
        limits = loss_limits(net.loss, Y, sw, net.dtype, net.huber_delta)
        threshold = None
        # a bounded (log) loss cannot blow up: it diverges by staying
        # saturated, so it must stay above the threshold for a few epochs
        above, patience = 0, (1 if limits[2] is None else BOUNDED_PATIENCE)
        max_epochs = 1 if incremental else self.max_iter
        reason = "partial_fit" if incremental else "max_iter"
        callbacks = self.__dict__.get("_callback_fit_ctx")
        ctx.workspace["callbacks"] = callbacks
        task = None
        for _ in range(max_epochs):
            t0 = perf_counter()
            if callbacks is not None:
                task = self._epoch_task(ctx)
            lr = _first_step_learning_rate(opt, state)
            order = rng.permutation(n) if self.shuffle else None
            acc = 0.0
            weight_seen = 0.0
            for start in range(0, n, bs):
                stop = min(start + bs, n)
                nb = stop - start
                if order is None:
                    Xb, Yb = X[start:stop], Y[start:stop]
                    swb = sw[start:stop] if sw is not None else None
                else:
                    idx = order[start:stop]
                    if sparse:
                        Xb = X[idx]
                    else:
                        # mode="clip" (idx is a permutation, always in range):
                        # the default mode="raise" buffers ``out`` (a copy)
                        Xb = X.take(idx, axis=0, out=Xbuf[:nb], mode="clip")
                    Yb = Y.take(idx, axis=0, out=Ybuf[:nb], mode="clip")
                    swb = None if sw is None else np.take(sw, idx, out=swbuf[:nb])
                for r in hooks["transform_batch"]:
                    Xb, Yb, swb = r.transform_batch(Xb, Yb, swb, ctx)

                bw = Xb.shape[0] if swb is None else float(swb.sum())
                if not bw > 0.0:
                    # every row has weight 0: an empty batch, no step
                    continue

                def closure(Xb=Xb, Yb=Yb, swb=swb, bw=bw):
                    return self._objective(ctx, Xb, Yb, swb, bw)

                loss = closure()
                if not math.isfinite(loss):
                    self._diverged(
                        f"the loss became {loss:.6g} at samples {start}:{stop}"
                    )
                if threshold is None:
                    threshold = explosion_threshold(limits, loss)
                opt.step(params, grad, state, closure)
                acc += loss * bw
                weight_seen += bw
            self.n_iter_ += 1
            self.t_ += n
            epoch_loss = acc / weight_seen if weight_seen > 0 else 0.0
            if not math.isfinite(epoch_loss):
                self._diverged(
                    f"the loss became {epoch_loss:.6g} over the epoch",
                    epoch=self.n_iter_,
                )
            if not np.isfinite(params).all():
                self._diverged(
                    "the parameters became non-finite at the end of the epoch "
                    f"(loss {epoch_loss:.6g})",
                    epoch=self.n_iter_,
                )
            if threshold is not None and epoch_loss > threshold:
                above += 1
            else:
                above = 0
            if above >= patience:
                streak = f" for {above} epochs in a row" if above > 1 else ""
                self._diverged(
                    f"the loss rose to {epoch_loss:.6g} over the epoch, above "
                    f"the divergence threshold {threshold:.6g}{streak}",
                    epoch=self.n_iter_,
                )
            self._end_epoch(ctx, epoch_loss, lr, t0, task)
            if ctx.stop:
                reason = ctx.workspace.get("stop_reason", "regularizer")
                break
            if (
                not incremental
                and not self._stopping_by_regularizer
                and self._converged()
            ):
                reason = "tol"
                if self.verbose:
                    print(
                        f"Stopping: the training loss did not improve by more "
                        f"than tol={self.tol} for {self.n_iter_no_change} "
                        "consecutive epochs."
                    )
                    sys.stdout.flush()
                break
        if reason == "tol":
            self._warn_if_noisy_tol_stop()
        if reason == "max_iter" and not incremental:
            warn_user(
                f"Stochastic optimizer: maximum iterations ({self.max_iter}) "
                "reached and the optimization hasn't converged yet; "
                "stop_reason_='max_iter'. Increase max_iter, or raise the "
                "learning rate.",
                ConvergenceWarning,
            )
        self.stop_reason_ = reason

    def _end_epoch(self, ctx, epoch_loss, lr, t0, task):
        """Record the epoch (curves, history, validation), run the
        regularizers' epoch hooks, print its row, close its callback task.

        ``lr`` is the learning rate the epoch started with (None for an
        optimizer without one), ``t0`` its start (``perf_counter``), ``task``
        its callback task (None without callbacks).
        """
        self.loss_ = epoch_loss
        self.loss_curve_.append(epoch_loss)
        # the tol rule compares with the best loss of this call only: a
        # warm-started fit on new data is not judged against old losses
        ws = ctx.workspace
        if epoch_loss < ws.get("tol_best", math.inf) - self.tol:
            self._no_improvement_count = 0
        else:
            self._no_improvement_count += 1
        ws["tol_best"] = min(ws.get("tol_best", math.inf), epoch_loss)
        self.best_loss_ = min(self.best_loss_, epoch_loss)
        self.optimizer_.on_epoch_end(self.optimizer_state_, epoch_loss)
        ctx.epoch = self.n_iter_
        if ctx.validation is not None:
            self._evaluate_validation(ctx)
        for r in self._hook_lists["on_epoch_end"]:
            stopped = ctx.stop
            r.on_epoch_end(ctx, epoch_loss)
            if ctx.stop and not stopped:
                ws["stop_reason"] = f"regularizer:{type(r).__name__}"
        elapsed = perf_counter() - t0
        self.epoch_times_.append(elapsed)
        if lr is not None and math.isfinite(lr):
            self.learning_rate_curve_.append(float(lr))
        log = ws.get("log")
        if log is not None:
            values = {"train_loss": epoch_loss}
            if ctx.validation is not None:
                values.update(valid_loss=ctx.val_loss, valid_score=ctx.val_score)
            if "lr" in log.columns:
                values["lr"] = lr
            step = self.n_iter_ if log.max_steps is None else ws.get("step", 0) + 1
            ws["step"] = step
            log.row(step, time=elapsed, **values)
        if task is not None:
            self._end_epoch_task(ctx, task)

    def _evaluate_validation(self, ctx):
        """Validation loss and score at the current parameters (predict mode)."""
        Xv, yv, Yv, swv = ctx.validation
        net = ctx.network
        out = net.predict(Xv)
        ws = ctx.workspace.get("validation")
        if ws is None or ws.shape != (2, *out.shape):
            ws = ctx.workspace["validation"] = np.empty((2, *out.shape), out.dtype)
        ctx.val_loss = batch_loss_and_delta(
            net.loss, out, Yv, swv, ws[0], ws[1], net.huber_delta
        )
        if not math.isfinite(ctx.val_loss) or not np.isfinite(out).all():
            # an overflow in the forward pass (typically float32): the
            # network's outputs on the validation set are not finite
            self._diverged(
                f"the validation loss became {ctx.val_loss:.6g} (non-finite "
                "network outputs on the validation set)",
                epoch=self.n_iter_,
            )
        ctx.val_score = float(self._score_output(out, yv, swv))
        self.validation_loss_curve_.append(ctx.val_loss)
        self.validation_scores_.append(ctx.val_score)

    def _converged(self):
        return self._no_improvement_count > self.n_iter_no_change

    def _run_full_batch(self, ctx):
        net, opt, state = ctx.network, self.optimizer_, self.optimizer_state_
        X, Y, sw = ctx.X, ctx.Y, ctx.sample_weight
        for r in self._hook_lists["transform_batch"]:
            X, Y, sw = r.transform_batch(X, Y, sw, ctx)

        def closure():
            loss = self._objective(ctx, X, Y, sw)
            if not math.isfinite(loss):
                self._diverged(
                    f"the loss became {loss:.6g} in a line search evaluation"
                )
            return loss

        callbacks = self.__dict__.get("_callback_fit_ctx")
        ctx.workspace["callbacks"] = callbacks
        # an iteration's task opens before it runs; ``clock`` holds its start
        # and its task (each L-BFGS iteration is an epoch of the history)
        clock = {"t0": perf_counter(), "n": 0}
        clock["task"] = None if callbacks is None else self._epoch_task(ctx)

        def callback(params, loss):
            self.n_iter_ += 1
            self.t_ += X.shape[0]
            clock["n"] += 1
            task, clock["task"] = clock["task"], None
            self._end_epoch(ctx, loss, None, clock["t0"], task)
            clock["t0"] = perf_counter()
            if callbacks is not None and not ctx.stop and clock["n"] < self.max_iter:
                clock["task"] = self._epoch_task(ctx)
            return ctx.stop

        res = opt.run(
            net.params,
            net.grad,
            closure,
            state,
            n_iter=self.max_iter,
            callback=callback,
        )
        if clock["task"] is not None:
            # the iteration L-BFGS began but did not finish (converged, or
            # the line search failed): an empty task
            clock["task"].call_on_fit_task_end(estimator=self)
        if not np.isfinite(net.params).all():
            self._diverged(
                f"the parameters became non-finite after iteration {self.n_iter_}",
                epoch=self.n_iter_,
            )
        self.stop_reason_ = self._full_batch_stop_reason(ctx, res)


def _first_step_learning_rate(opt, state):
    """The learning rate of the epoch's first update.

    ``step`` counts the update (``state["t"] += 1``) before reading the rate,
    so a schedule on the step clock is read one step ahead of
    ``current_learning_rate``'s clock.
    """
    if "t" not in state:  # an optimizer written without a step count
        return opt.current_learning_rate(state)
    state["t"] += 1
    try:
        return opt.current_learning_rate(state)
    finally:
        state["t"] -= 1


def _metadata(ctx):
    """The callbacks' ``metadata`` of the fit's training data."""
    sw = ctx.sample_weight
    return None if sw is None else {"sample_weight": sw}
