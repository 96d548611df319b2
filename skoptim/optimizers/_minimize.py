"""Run any optimizer on a plain objective and keep its path."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral

import numpy as np

from ._aliases import resolve_optimizer

__all__ = ["minimize", "MinimizeResult"]


@dataclass
class MinimizeResult:
    """What :func:`minimize` returns.

    Attributes
    ----------
    x : ndarray of shape (n_params,)
        Final point.
    fun : float
        Objective at ``x``.
    path : ndarray of shape (n_steps + 1, n_params)
        Every iterate, ``path[0]`` being ``x0`` and ``path[-1]`` being ``x``.
    losses : ndarray of shape (n_steps + 1,)
        Objective at each row of ``path``.
    n_iter : int
        Number of steps taken (``n_iter`` for first-order optimizers; fewer for
        L-BFGS when it converges early).
    state : dict
        The optimizer's final state.
    """

    x: np.ndarray
    fun: float
    path: np.ndarray
    losses: np.ndarray
    n_iter: int
    state: dict

    def __repr__(self) -> str:
        x = np.asarray(self.x)
        if x.size <= 6:
            x_text = np.array2string(x, precision=6, separator=", ")
        else:
            x_text = f"array of shape {x.shape}"
        keys = ", ".join(sorted(map(str, self.state)))
        start = self.losses[0] if len(self.losses) else float("nan")
        return "\n".join(
            [
                f"MinimizeResult(n_iter={self.n_iter}, n_params={x.size}, "
                f"dtype={x.dtype})",
                f"  fun        = {self.fun:.6g}",
                f"  start loss = {start:.6g}",
                f"  x          = {x_text}",
                f"  arrays: path {np.shape(self.path)}, losses {np.shape(self.losses)}",
                f"  state keys: {keys}",
            ]
        )


def minimize(
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]],
    x0,
    optimizer,
    *,
    n_iter: int = 100,
) -> MinimizeResult:
    r"""Minimise ``fun`` from ``x0`` with ``optimizer`` and record the path.

    Each iteration evaluates ``loss, grad = fun(x)`` and takes one optimizer
    step, so every optimizer (and schedule, counted one epoch per step) can be
    compared on the same objective, e.g. Rosenbrock's
    :math:`f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2`.

    Parameters
    ----------
    fun : callable
        ``fun(x) -> (loss, grad)`` with ``grad`` of the same shape as ``x``.
        It must not keep a reference to ``x`` (the array is updated in place).
    x0 : array-like of shape (n_params,)
        Starting point; its floating dtype is kept (float32 stays float32).
    optimizer : Optimizer or str
        An optimizer object or alias (see :func:`skoptim.optimizers.get_optimizer`).
    n_iter : int, default=100
        Number of steps.

    Returns
    -------
    result : MinimizeResult

    Raises
    ------
    FloatingPointError
        If the objective or gradient becomes non-finite (the step size is
        too large for this objective).
    ValueError
        If ``n_iter`` is not a positive integer, ``x0`` is not 1-D, ``fun``
        returns a gradient of another shape, or ``optimizer`` is an unknown
        alias.
    TypeError
        If ``fun`` is not callable or ``optimizer`` is neither an optimizer
        nor an alias.

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.optimizers import SGD, minimize
    >>> res = minimize(lambda x: (0.5 * x @ x, x.copy()), np.array([1.0, 2.0]),
    ...                SGD(learning_rate=0.5), n_iter=3)
    >>> res.path
    array([[1.   , 2.   ],
           [0.5  , 1.   ],
           [0.25 , 0.5  ],
           [0.125, 0.25 ]])
    """
    if not isinstance(n_iter, Integral) or isinstance(n_iter, bool) or n_iter < 1:
        raise ValueError(f"n_iter must be a positive integer; got {n_iter!r}.")
    if not callable(fun):
        raise TypeError(f"fun must be callable as fun(x) -> (loss, grad); got {fun!r}.")
    opt = resolve_optimizer(optimizer)
    x = np.array(x0, copy=True)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    if x.ndim != 1:
        raise ValueError(f"x0 must be a 1-D array; got shape {x.shape}.")
    grad = np.empty_like(x)
    state = opt.init(x)
    n_eval = [0]

    def closure() -> float:
        loss, g = fun(x)
        g = np.asarray(g)
        if g.shape != x.shape:
            raise ValueError(
                f"fun returned a gradient of shape {g.shape}; expected {x.shape}."
            )
        grad[...] = g
        loss = float(loss)
        if not (np.isfinite(loss) and np.isfinite(grad).all()):
            lr = opt.current_learning_rate(state)
            if n_eval[0] == 0:  # the first evaluation is at x0
                raise FloatingPointError(
                    f"The objective is not finite at x0 (loss={loss}); start "
                    "from a point where fun(x0) is finite."
                )
            advice = (
                "the step size is too large for this objective: try a smaller "
                "learning_rate."
                if lr is not None and np.isfinite(lr)
                else f"{type(opt).__name__} has no learning rate: rescale the "
                "objective or its variables, or start closer to a minimum (x0)."
            )
            steps = int(state["t"])
            raise FloatingPointError(
                f"The objective became non-finite after {steps} "
                f"step{'' if steps == 1 else 's'} of {type(opt).__name__} "
                f"(loss={loss}); {advice}"
            )
        n_eval[0] += 1
        return loss

    path = [x.copy()]
    losses = []
    if opt.full_batch:
        losses.append(closure())

        def record(params, loss):
            path.append(params.copy())
            losses.append(loss)

        opt.run(x, grad, closure, state, n_iter=n_iter, callback=record)
        final = closure()
        if not np.array_equal(path[-1], x):
            path.append(x.copy())
            losses.append(final)
    else:
        for _ in range(n_iter):
            loss = closure()
            losses.append(loss)
            opt.step(x, grad, state, closure)
            opt.on_epoch_end(state, loss)
            path.append(x.copy())
        losses.append(closure())
    return MinimizeResult(
        x=x,
        fun=losses[-1],
        path=np.asarray(path),
        losses=np.asarray(losses),
        n_iter=len(path) - 1,
        state=state,
    )
