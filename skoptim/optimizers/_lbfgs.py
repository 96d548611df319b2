"""Full-batch L-BFGS through scipy.optimize."""

from __future__ import annotations

from collections.abc import Callable
from numbers import Integral, Real

import numpy as np
import scipy.optimize
from sklearn.utils._param_validation import Interval

from ._base import Optimizer

__all__ = ["LBFGS"]


class LBFGS(Optimizer):
    r"""Limited-memory BFGS (Liu & Nocedal 1989), full batch, via SciPy.

    Each iteration builds a quasi-Newton direction
    :math:`d_k = -H_k g_k` from the last ``history_size`` pairs
    :math:`(s_i, y_i) = (w_{i+1} - w_i, g_{i+1} - g_i)` by the two-loop
    recursion and takes a step :math:`w_{k+1} = w_k + \alpha_k d_k` whose
    length :math:`\alpha_k` a line search satisfying the strong Wolfe
    conditions chooses. The work is done by
    :func:`scipy.optimize.minimize` with ``method="L-BFGS-B"`` (no bounds),
    as scikit-learn's ``solver="lbfgs"`` does. Because the line search
    re-evaluates the objective several times per iteration, L-BFGS is a
    *full-batch* optimizer: in an MLP, ``max_iter`` counts its iterations and
    ``batch_size`` is ignored; it has no ``partial_fit``.

    Parameters
    ----------
    history_size : int, default=10
        Number of correction pairs kept (SciPy's ``maxcor``).
    tol : float, default=1e-5
        Stop when the largest gradient component falls below ``tol``
        (SciPy's ``gtol``); the relative decrease of the objective is
        also checked against ``ftol``.
    ftol : float, default=2.220446049250313e-09
        Relative reduction of the loss below which iterations stop.
    max_fun : int, default=15000
        Maximum number of objective evaluations.

    Raises
    ------
    ValueError
        From :meth:`init`/:meth:`~Optimizer.validate` (at fit time):
        scikit-learn's ``InvalidParameterError`` (also a TypeError) when a
        hyperparameter is out of range or of the wrong type.
    TypeError
        From :meth:`step`: L-BFGS takes no single steps (no ``partial_fit``);
        :meth:`run` does the work.

    References
    ----------
    Liu, D. C. & Nocedal, J. (1989). On the limited memory BFGS method for
    large scale optimization. Mathematical Programming 45, 503-528.
    Byrd, R. H., Lu, P., Nocedal, J. & Zhu, C. (1995). A limited memory
    algorithm for bound constrained optimization. SIAM J. Sci. Comput. 16.
    """

    full_batch = True

    _parameter_constraints = {
        "history_size": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "ftol": [Interval(Real, 0, None, closed="left")],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self, history_size=10, tol=1e-5, ftol=2.220446049250313e-09, max_fun=15000
    ):
        self.history_size = history_size
        self.tol = tol
        self.ftol = ftol
        self.max_fun = max_fun

    def init(self, params):
        self.validate()
        return {"t": 0, "epoch": 0, "schedule": {}, "n_fun": 0}

    def step(self, params, grad, state, closure=None):
        raise TypeError(
            "LBFGS is a full-batch optimizer and does not take single steps; "
            "use LBFGS.run (MLP.fit and skoptim.optimizers.minimize call it), "
            "or choose a stochastic optimizer such as Adam for partial_fit."
        )

    def current_learning_rate(self, state):
        return float("nan")

    def run(
        self,
        params: np.ndarray,
        grad: np.ndarray,
        closure: Callable[[], float],
        state: dict,
        *,
        n_iter: int,
        callback: Callable[[np.ndarray, float], bool | None] | None = None,
    ):
        """Minimise in place, starting from ``params``.

        Parameters
        ----------
        params, grad : ndarray
            Flat parameter and gradient buffers; ``closure()`` evaluates the
            loss at ``params`` and writes the gradient into ``grad``.
        closure : callable
            ``closure() -> loss``.
        state : dict
            From :meth:`init`; ``t`` (iterations) and ``n_fun`` are updated.
        n_iter : int
            Maximum number of iterations.
        callback : callable, optional
            Called as ``callback(params, loss)`` after each iteration; returning
            True stops the run.

        Returns
        -------
        result : scipy.optimize.OptimizeResult
        """
        dtype = params.dtype

        def fun(x):
            params[...] = x
            state["n_fun"] += 1
            loss = closure()
            return loss, grad.astype(np.float64)

        def cb(intermediate_result):
            state["t"] += 1
            params[...] = intermediate_result.x
            if callback is not None and callback(
                params, float(intermediate_result.fun)
            ):
                raise StopIteration

        res = scipy.optimize.minimize(
            fun,
            params.astype(np.float64),
            method="L-BFGS-B",
            jac=True,
            callback=cb,
            options={
                "maxiter": int(n_iter),
                "maxfun": int(self.max_fun),
                "maxcor": int(self.history_size),
                "gtol": float(self.tol),
                "ftol": float(self.ftol),
            },
        )
        params[...] = res.x.astype(dtype, copy=False)
        return res
