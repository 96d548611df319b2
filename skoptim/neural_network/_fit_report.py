"""What the training loop reports about a fit: divergence, stops, warnings.

A mixin of the training loop (:mod:`skoptim.neural_network._training`): the
:class:`~skoptim.DivergenceError` with advice that fits the optimizer, the
check of a finished fit against a constant predictor, the reason a
full-batch run stopped, and the warnings about a constant output and about
the ``tol`` rule stopping a fit whose training loss is noisy.
"""

from __future__ import annotations

import inspect
import math

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ..exceptions import DivergenceError
from ..utils._warnings import warn_user
from ._losses import (
    EXPLODED_PARAMETER,
    FAR_WORSE_THAN_CONSTANT_FACTOR,
    WORSE_THAN_CONSTANT_FACTOR,
    batch_loss_and_delta,
    constant_loss,
    loss_limits,
)

__all__ = ["FitReportMixin"]


class FitReportMixin:
    """Divergence, stop reasons and warnings of a fit; see the module docstring."""

    def _warn_if_constant_output(self, ctx, n_rows=32):
        """Warn when the fitted network ignores its input.

        If every unit of a hidden layer is inactive on the training data
        (dead ReLUs, typically after too large a step), the output is the
        same for every sample and no gradient can revive it: the loss is
        finite and flat, so the ``tol`` rule "converges". Checked once per
        ``fit`` on ``n_rows`` evenly spaced training rows.
        """
        n = ctx.X.shape[0]
        rows = np.unique(np.linspace(0, n - 1, min(n, n_rows)).astype(np.intp))
        X, Y = ctx.X[rows], ctx.Y[rows]
        if X.shape[0] < 2 or not np.ptp(Y, axis=0).any():
            return
        dense = X.toarray() if sp.issparse(X) else X
        if not np.ptp(dense, axis=0).any():
            return
        out = ctx.network.predict(X)
        if np.ptp(out, axis=0).any():
            return
        warn_user(
            "The fitted network gives the same output for every training "
            "sample: every unit of a hidden layer is inactive (dead ReLUs, "
            "usually after too large a step), and no gradient can revive "
            f"them. {_has_rate_advice(self)}Scale the inputs "
            "(StandardScaler), or use another activation.",
            ConvergenceWarning,
        )

    def _diverged(self, what, epoch=None):
        """Raise :class:`DivergenceError`: ``what`` happened (a clause
        without the epoch), with advice that fits the optimizer."""
        epoch = self.n_iter_ + 1 if epoch is None else epoch
        unit = "iteration" if self.optimizer_.full_batch else "epoch"
        raise DivergenceError(
            f"Training diverged: {what} ({unit} {int(epoch)}) with "
            f"{_divergence_advice(self.optimizer_, self.optimizer_state_)}"
        )

    def _check_against_constant(self, ctx, reason):
        """After a fit: is its training loss worse than a constant's?

        Compares the last epoch's loss (iteration's, for L-BFGS) with the
        loss of the constant prediction fitted to the training targets (the
        class prior, the targets' mean; :func:`constant_loss`), both
        measured above the lowest reachable loss. Only if it is above, the
        fitted network's own loss on the training data (predict mode: no
        dropout, noise, mixup or penalty; one forward pass) is measured and
        judged instead. Far worse (:data:`FAR_WORSE_THAN_CONSTANT_FACTOR`)
        with exploded parameters raises :class:`DivergenceError` whatever
        ended the fit; worse (:data:`WORSE_THAN_CONSTANT_FACTOR`) after a
        fit that ended as converged (``reason`` ``"tol"``, ``"converged"``
        or a regularizer's stop) warns and returns True. The other endings
        (``"max_iter"``...) already warn that the fit did not converge.
        """
        net = ctx.network
        sw = ctx.sample_weight
        floor = loss_limits(net.loss, ctx.Y, sw, net.dtype, net.huber_delta)[0]
        ref = constant_loss(net.loss, ctx.Y, sw, net.huber_delta)
        ref_excess = ref - floor
        limit = WORSE_THAN_CONSTANT_FACTOR * ref_excess
        if not (ref_excess > 0 and float(self.loss_) - floor > limit):
            return False
        loss = _clean_loss(net, ctx.X, ctx.Y, sw)
        if not loss - floor > limit:
            return False
        largest = float(np.max(np.abs(net.params), initial=0.0))
        constant = "log" in net.loss and "the class prior" or "the targets' mean"
        if (
            loss - floor > FAR_WORSE_THAN_CONSTANT_FACTOR * ref_excess
            and largest > EXPLODED_PARAMETER
        ):
            self._diverged(
                f"the fitted network's loss on the training data is "
                f"{loss:.6g}, far worse than "
                f"predicting a constant ({constant}: {ref:.6g}), and "
                f"parameters as large as {largest:.3g}",
                epoch=self.n_iter_,
            )
        if reason not in ("tol", "converged") and not reason.startswith("regularizer"):
            return False
        advice = "lower tol or raise n_iter_no_change, " if reason == "tol" else ""
        warn_user(
            f"The fitted model is worse than predicting a constant: its "
            f"loss on the training data {loss:.6g} (after epoch "
            f"{int(self.n_iter_)}) is above "
            f"{ref:.6g}, the loss of predicting {constant} for every sample; "
            f"training ended as {reason!r} but stop_reason_ is "
            f"'worse_than_constant'. {_has_rate_advice(self)}Scale the "
            f"inputs (StandardScaler), {advice}or train longer.",
            ConvergenceWarning,
        )
        return True

    def _warn_if_noisy_tol_stop(self):
        """Warn after a ``tol`` stop with the default rule if a regularizer
        draws new random numbers per batch: its training loss is noisy, and
        the lowest noisy value sets a bar the next epochs rarely pass, so the
        rule tends to stop while the model still improves. "Default" means
        ``tol`` and ``n_iter_no_change`` equal to their defaults (a value the
        user passed that equals the default counts as the default)."""
        noisy = [r for r in self.regularizers_ if r.uses_random_draws]
        defaults = inspect.signature(type(self).__init__).parameters
        if not noisy or any(
            getattr(self, k) != defaults[k].default for k in ("tol", "n_iter_no_change")
        ):
            return
        names = sorted({type(r).__name__ for r in noisy})
        who = (
            f"{names[0]} draws"
            if len(names) == 1
            else f"{', '.join(names[:-1])} and {names[-1]} draw"
        )
        # a fixed text (no epoch count, no parameter values): one filter by
        # message silences it for every fit of a search
        warn_user(
            f"Training stopped by the default tol rule, but {who} new random "
            "numbers at every batch: on the noisy training loss the rule can "
            "stop while the model still improves. Raise n_iter_no_change (e.g. "
            "50), or set tol=0 with the max_iter you want, or use EarlyStopping.",
            ConvergenceWarning,
        )

    def _full_batch_stop_reason(self, ctx, res):
        """``stop_reason_`` of a full-batch run, with a warning if the user
        should act (iteration or evaluation budget spent, line search
        failed)."""
        if ctx.stop:
            return ctx.workspace.get("stop_reason", "regularizer")
        message = str(getattr(res, "message", ""))
        status = getattr(res, "status", 0)
        name = type(self.optimizer_).__name__
        if status == 0:
            return "converged"
        upper = message.upper()
        if "ITERATIONS" in upper or "MAXITER" in upper:
            reason, advice = "max_iter", "Increase max_iter or scale the inputs."
            head = f"{name}: maximum iterations ({self.max_iter}) reached and the "
            head += "optimization hasn't converged yet"
        elif "EVALUATIONS" in upper or "MAXFUN" in upper:
            reason = "max_fun"
            advice = "Increase the optimizer's max_fun or scale the inputs."
            head = f"{name}: maximum number of loss evaluations reached"
        else:
            reason = "line_search_failed"
            advice = (
                "The line search found no lower loss along the search "
                "direction: scale the inputs (StandardScaler), loosen the "
                "optimizer's tol, or use a stochastic optimizer such as Adam."
            )
            head = f"{name} stopped before converging"
        warn_user(
            f"{head} ({message}); stop_reason_={reason!r}. {advice}",
            ConvergenceWarning,
        )
        return reason


def _clean_loss(net, X, Y, sw, chunk=4096):
    """The network's mean loss on (X, Y) in predict mode, in row chunks."""
    total, weight = 0.0, 0.0
    for start in range(0, X.shape[0], chunk):
        out = net.predict(X[start : start + chunk])
        Yc = Y[start : start + chunk]
        swc = None if sw is None else sw[start : start + chunk]
        w = float(out.shape[0] if swc is None else swc.sum())
        if not w > 0:
            continue
        loss = batch_loss_and_delta(
            net.loss,
            out,
            Yc,
            swc,
            np.empty_like(out),
            np.empty_like(out),
            net.huber_delta,
        )
        total += loss * w
        weight += w
    return total / weight if weight > 0 else 0.0


def _has_rate_advice(est):
    """ "Use a smaller learning rate. " for an optimizer that has one."""
    lr = est.optimizer_.current_learning_rate(est.optimizer_state_)
    if lr is None or not math.isfinite(lr):
        return ""
    return "Use a smaller learning rate. "


def _rate_owner(opt):
    """The optimizer whose ``learning_rate`` sets the step, and the
    ``set_params`` path to it (SAM's is its base optimizer's)."""
    if "learning_rate" in opt.get_params(deep=False):
        return opt, "optimizer__"
    base = getattr(opt, "_base", None)
    if callable(base):
        inner = base()
        if "learning_rate" in inner.get_params(deep=False):
            return inner, "optimizer__optimizer__"
    return None, None


def _divergence_advice(opt, state):
    """The end of a divergence message: the optimizer, its rate, and what to
    change, fitting the optimizer (an L-BFGS has no learning rate)."""
    name = type(opt).__name__
    lr = opt.current_learning_rate(state)
    scale = "scale the inputs (StandardScaler)"
    if lr is None or not math.isfinite(lr):
        return (
            f"{name}, which has no learning rate. Scale the inputs "
            "(StandardScaler) and, "
            "for regression, the targets (TransformedTargetRegressor); add "
            "an L2 penalty (regularizers=[L2(1e-3)]); or use a stochastic "
            "optimizer such as 'adam'."
        )
    owner, path = _rate_owner(opt)
    default = None
    if owner is not None:
        param = inspect.signature(type(owner).__init__).parameters.get("learning_rate")
        if param is not None and isinstance(param.default, int | float):
            default = float(param.default)
    if default is not None and lr > 10 * default:
        # far above the usual range: a tenth would still diverge
        suggestion = default
    else:
        suggestion = lr / 10
    where = (
        f"set_params({path}learning_rate={suggestion:g})"
        if path is not None
        else f"learning_rate={suggestion:g}"
    )
    return (
        f"{name} at learning_rate={lr:g}. Use a smaller learning rate (e.g. "
        f"{where}), {scale}, or add a schedule."
    )
