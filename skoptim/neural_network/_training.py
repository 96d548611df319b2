"""The training loop of the MLP estimators: epochs, batches, stopping.

A mixin of :class:`~skoptim.neural_network._mlp.BaseMLP`. It runs the epochs
(stochastic minibatches, or a full-batch optimizer's own loop), calls the
regularizers' hooks at their named points, records the loss curves, stops on
convergence, on a regularizer's request or on divergence, and reports each
epoch. The estimator's validation, initialisation and predict live in
:mod:`skoptim.neural_network._mlp`; the numerics in
:mod:`skoptim.neural_network._network`.
"""

from __future__ import annotations

import math
import sys
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ..exceptions import DivergenceError
from ._losses import batch_loss_and_delta

__all__ = ["TrainingLoopMixin"]


class TrainingLoopMixin:
    """Epochs and batches of an MLP fit; see the module docstring."""

    def _batch_size(self, n):
        if self.batch_size == "auto":
            return min(200, n)
        if self.batch_size > n:
            warnings.warn(
                f"Got batch_size={self.batch_size} > n_samples={n}; using {n}.",
                UserWarning,
                stacklevel=3,
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
        try:
            if self.optimizer_.full_batch:
                self._run_full_batch(ctx)
            else:
                self._run_stochastic(ctx, incremental=incremental)
            for r in hooks["on_fit_end"]:
                r.on_fit_end(ctx)
        finally:
            for r in self.regularizers_:
                st = ctx.state.get(r._key)
                for key in r.scratch_state if st is not None else ():
                    st.pop(key, None)

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

    def _diverged(self, loss, where):
        lr = self.optimizer_.current_learning_rate(self.optimizer_state_)
        lr = float("nan") if lr is None else lr
        raise DivergenceError(
            f"Training diverged: the loss became {loss} {where} (epoch "
            f"{self.n_iter_ + 1}) with {type(self.optimizer_).__name__} at "
            f"learning_rate={lr:g}. Use a smaller learning rate (e.g. "
            f"optimizer=...(learning_rate={lr / 10:g})), scale the inputs "
            "(StandardScaler), or add a schedule."
        )

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
        sw_total = float(sw.sum()) if sw is not None else float(n)
        max_epochs = 1 if incremental else self.max_iter
        for _ in range(max_epochs):
            order = rng.permutation(n) if self.shuffle else None
            acc = 0.0
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

                def closure(Xb=Xb, Yb=Yb, swb=swb, bw=bw):
                    return self._objective(ctx, Xb, Yb, swb, bw)

                loss = closure()
                if not math.isfinite(loss):
                    self._diverged(loss, f"at samples {start}:{stop}")
                opt.step(params, grad, state, closure)
                acc += loss * bw
            self.n_iter_ += 1
            self.t_ += n
            epoch_loss = acc / sw_total
            if not math.isfinite(epoch_loss) or not np.isfinite(params).all():
                self._diverged(epoch_loss, "at the end of the epoch")
            self._end_epoch(ctx, epoch_loss)
            if ctx.stop:
                break
            if (
                not incremental
                and not self._stopping_by_regularizer
                and self._converged()
            ):
                if self.verbose:
                    print(
                        f"Training loss did not improve more than tol={self.tol} for "
                        f"{self.n_iter_no_change} consecutive epochs. Stopping."
                    )
                break
        else:
            if not incremental and not ctx.stop:
                warnings.warn(
                    f"Stochastic optimizer: maximum iterations ({self.max_iter}) "
                    "reached and the optimization hasn't converged yet.",
                    ConvergenceWarning,
                    stacklevel=5,
                )

    def _end_epoch(self, ctx, epoch_loss):
        self.loss_ = epoch_loss
        self.loss_curve_.append(epoch_loss)
        if epoch_loss < self.best_loss_ - self.tol:
            self._no_improvement_count = 0
        else:
            self._no_improvement_count += 1
        self.best_loss_ = min(self.best_loss_, epoch_loss)
        self.optimizer_.on_epoch_end(self.optimizer_state_, epoch_loss)
        ctx.epoch = self.n_iter_
        if ctx.validation is not None:
            self._evaluate_validation(ctx)
        for r in self._hook_lists["on_epoch_end"]:
            r.on_epoch_end(ctx, epoch_loss)
        if self.verbose:
            val = (
                ""
                if ctx.validation is None
                else f", validation loss = {ctx.val_loss:.8f}, "
                f"validation score = {ctx.val_score:.6f}"
            )
            print(f"Iteration {self.n_iter_}, loss = {epoch_loss:.8f}{val}")
            sys.stdout.flush()

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
                self._diverged(loss, "in a line search evaluation")
            return loss

        def callback(params, loss):
            self.n_iter_ += 1
            self.t_ += X.shape[0]
            self._end_epoch(ctx, loss)
            return ctx.stop

        start = self.n_iter_
        res = opt.run(
            net.params,
            net.grad,
            closure,
            state,
            n_iter=self.max_iter,
            callback=callback,
        )
        if not np.isfinite(net.params).all():
            self._diverged(float("nan"), "after L-BFGS")
        if self.n_iter_ - start >= self.max_iter and not ctx.stop:
            warnings.warn(
                f"L-BFGS: maximum iterations ({self.max_iter}) reached and the "
                f"optimization hasn't converged yet ({res.message}).",
                ConvergenceWarning,
                stacklevel=5,
            )
