"""Keskar et al. (2017)'s epsilon-sharpness of a minimum."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import scipy.optimize
from sklearn.utils import check_random_state

from ._objective import MLPObjective

__all__ = ["sharpness", "epsilon_sharpness", "SharpnessResult"]


@dataclass
class SharpnessResult:
    """What :func:`epsilon_sharpness` returns.

    Attributes
    ----------
    sharpness : float
        :math:`100\\,(f_{\\max} - f(w)) / (1 + f(w))`, in percent.
    loss : float
        :math:`f(w)`, the loss at the minimum.
    max_loss : float
        :math:`f_{\\max}`, the largest loss found in the box.
    perturbation : ndarray of shape (n_params,)
        The maximising perturbation :math:`z^\\star` (``A @ y*`` in a subspace).
    n_evaluations : int
        Number of objective evaluations, the one at :math:`w` included.
    subspace : ndarray of shape (n_params, n_directions) or None
        The random matrix :math:`A` (None for the full space).
    """

    sharpness: float
    loss: float
    max_loss: float
    perturbation: np.ndarray
    n_evaluations: int
    subspace: np.ndarray | None = None

    def __repr__(self) -> str:
        space = (
            "full space"
            if self.subspace is None
            else f"random subspace of {self.subspace.shape[1]} directions"
        )
        z = np.asarray(self.perturbation)
        return "\n".join(
            [
                f"SharpnessResult({space}, n_params={z.shape[0]})",
                f"  sharpness     = {self.sharpness:.6g} %",
                f"  loss          = {self.loss:.6g}",
                f"  max_loss      = {self.max_loss:.6g}",
                f"  n_evaluations = {self.n_evaluations}",
                f"  arrays: perturbation {z.shape} (max |z| = "
                f"{(np.abs(z).max() if z.size else 0.0):.3g})"
                # no "subspace None" line in the full space
                + (
                    "" if self.subspace is None else f", subspace {self.subspace.shape}"
                ),
            ]
        )


def _check_positive(name, value, kind=Real):
    if (
        not isinstance(value, kind)
        or isinstance(value, bool)
        or not np.isfinite(value)
        or value <= 0
    ):
        what = "a positive integer" if kind is Integral else "a positive float"
        raise ValueError(f"{name} must be {what}; got {value!r}.")


def epsilon_sharpness(
    fun: Callable[[np.ndarray], tuple[float, np.ndarray]],
    w0,
    *,
    epsilon: float = 1e-3,
    n_directions: int | None = None,
    max_iter: int = 10,
    random_state=None,
) -> SharpnessResult:
    r"""Keskar et al.'s :math:`\epsilon`-sharpness of ``fun`` at ``w0``.

    The largest relative increase of :math:`f` within a box around :math:`w`
    whose half-width grows with each weight's magnitude (Keskar et al. 2017,
    Metric 2.1):

    .. math::

        \phi_{w,f}(\epsilon, A) = 100 \times
        \frac{\max_{y \in \mathcal{C}_\epsilon} f(w + A y) - f(w)}{1 + f(w)},
        \qquad
        \mathcal{C}_\epsilon = \{ y \in \mathbb{R}^p :
        |y_i| \le \epsilon\,(|(A^{+} w)_i| + 1) \}.

    - **Full space** (``n_directions=None``, the paper's :math:`A = I_n`): the
      box is :math:`|z_i| \le \epsilon(|w_i| + 1)` on every parameter.
    - **Random subspace** (``n_directions=p``, for large models): :math:`A` is
      an :math:`n \times p` matrix of independent standard normal entries
      drawn from ``random_state`` and :math:`A^{+}` its Moore–Penrose
      pseudo-inverse.

    The maximum is searched with L-BFGS-B (:func:`scipy.optimize.minimize`
    on :math:`-f` with the box as bounds) for ``max_iter`` iterations, 10 as
    in the paper, so the value is a lower bound of the true maximum (exact
    when :math:`f` is separable and convex along each coordinate in the box,
    e.g. a quadratic with diagonal Hessian at its minimum). Because the
    gradient vanishes at a minimum, the search starts from a point drawn
    uniformly in the box (from ``random_state``) rather than from :math:`y = 0`;
    the largest loss over all evaluations, :math:`f(w)` included, is kept,
    so the result is never negative.

    Parameters
    ----------
    fun : callable
        ``fun(w) -> (loss, grad)`` with ``loss >= 0`` (a training loss).
    w0 : array-like of shape (n_params,)
        The minimum :math:`w`.
    epsilon : float, default=1e-3
        Relative size :math:`\epsilon` of the box (the paper uses 1e-3 and 5e-4).
    n_directions : int, default=None
        Dimension :math:`p` of the random subspace; None searches the full
        space.
    max_iter : int, default=10
        L-BFGS-B iterations.
    random_state : int, RandomState instance or None, default=None
        Fixes the start (and :math:`A`). None (the default) draws them afresh
        on each call, so repeated calls give different lower bounds, far
        apart when ``n_directions`` is small; pass an int to reproduce.

    Returns
    -------
    result : SharpnessResult

    Raises
    ------
    ValueError
        If ``epsilon``, ``max_iter`` or ``n_directions`` is not positive,
        ``w0`` is not 1-D, or ``fun(w0)`` is not finite or is <= -1 (the
        measure divides by ``1 + f(w0)``).
    TypeError
        If ``fun`` is not callable.

    References
    ----------
    Keskar, N. S., Mudigere, D., Nocedal, J., Smelyanskiy, M. & Tang, P. T. P.
    (2017). On large-batch training for deep learning: generalization gap and
    sharp minima. ICLR.

    Examples
    --------
    At the minimum of :math:`f(w) = \tfrac12 \sum_i h_i w_i^2` the maximum is
    at a corner of the box, :math:`\tfrac12 \sum_i h_i \epsilon^2 (|w_i| + 1)^2`:

    >>> import numpy as np
    >>> from skoptim.inspection import epsilon_sharpness
    >>> h = np.array([1.0, 4.0])
    >>> res = epsilon_sharpness(lambda w: (0.5 * h @ w**2, h * w), np.zeros(2),
    ...                         epsilon=0.1, random_state=0)
    >>> round(res.sharpness, 6)    # 100 * 0.5 * (1 + 4) * 0.1**2
    2.5
    """
    _check_positive("epsilon", epsilon)
    _check_positive("max_iter", max_iter, Integral)
    if n_directions is not None:
        _check_positive("n_directions", n_directions, Integral)
    if not callable(fun):
        raise TypeError(f"fun must be callable as fun(w) -> (loss, grad); got {fun!r}.")
    w0 = np.array(w0, dtype=np.float64)
    if w0.ndim != 1:
        raise ValueError(f"w0 must be a 1-D array; got shape {w0.shape}.")
    rng = check_random_state(random_state)
    f0, _ = fun(w0)
    f0 = float(f0)
    if not np.isfinite(f0) or f0 <= -1.0:
        raise ValueError(
            f"The loss at w0 is {f0}; epsilon-sharpness divides by 1 + f(w0) and "
            "is defined for finite losses f >= 0 (training losses)."
        )
    n = w0.shape[0]
    if n_directions is None:
        A = None
        radius = epsilon * (np.abs(w0) + 1.0)
    else:
        A = rng.standard_normal((n, int(n_directions)))
        # A^+ w as the least-squares solution of A y = w (no explicit pinv)
        coef = np.linalg.lstsq(A, w0, rcond=None)[0]
        radius = epsilon * (np.abs(coef) + 1.0)
    y0 = rng.uniform(-radius, radius)
    best = {"f": f0, "z": np.zeros(n), "n": 1}

    def negative(y):
        z = y if A is None else A @ y
        f, g = fun(w0 + z)
        f = float(f)
        g = np.asarray(g, dtype=np.float64)
        best["n"] += 1
        if f > best["f"]:
            best["f"], best["z"] = f, np.array(z, copy=True)
        return -f, -(g if A is None else A.T @ g)

    scipy.optimize.minimize(
        negative,
        y0,
        jac=True,
        method="L-BFGS-B",
        bounds=scipy.optimize.Bounds(-radius, radius),
        options={"maxiter": int(max_iter)},
    )
    return SharpnessResult(
        sharpness=100.0 * (best["f"] - f0) / (1.0 + f0),
        loss=f0,
        max_loss=best["f"],
        perturbation=best["z"],
        n_evaluations=best["n"],
        subspace=A,
    )


def sharpness(
    estimator,
    X,
    y,
    *,
    epsilon: float = 1e-3,
    n_directions: int | None = None,
    max_iter: int = 10,
    sample_weight=None,
    include_penalty: bool = False,
    random_state=None,
) -> float:
    r""":math:`\epsilon`-sharpness (Keskar et al. 2017) of a fitted MLP's minimum.

    The largest relative increase of the training loss :math:`f` on
    ``(X, y)`` when the weights :math:`w` (every weight and bias, the flat
    ``params_``) move within the box
    :math:`\mathcal{C}_\epsilon = \{z : |z_i| \le \epsilon(|w_i| + 1)\}`,
    in percent:

    .. math::

        \text{sharpness} = 100 \times
        \frac{\max_{z \in \mathcal{C}_\epsilon} f(w + z) - f(w)}{1 + f(w)}.

    The variant computed: by default the full-space metric (the paper's
    :math:`A = I_n`), maximised by L-BFGS-B on :math:`-f` with the box as
    bounds, ``max_iter=10`` iterations as in the paper, started from a point
    drawn uniformly in the box; with ``n_directions=p`` the maximisation runs
    over :math:`z = A y` in a random :math:`p`-dimensional subspace, the box
    being on :math:`y` with half-widths :math:`\epsilon(|(A^{+}w)_i| + 1)`
    (see :func:`epsilon_sharpness`). The result is a lower bound of the exact
    maximum, reproducible with ``random_state``.

    :math:`f` is the deterministic mean data loss of the network (the loss
    ``fit`` minimises, without the noise of dropout-like regularizers and
    with ``y`` as given), evaluated in float64 on a copy of the parameters:
    the estimator is not modified. Add the parameter penalties with
    ``include_penalty=True``.

    Parameters
    ----------
    estimator : MLPClassifier, MLPRegressor or Pipeline ending in one
        A fitted skoptim network.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Training inputs.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Training targets.
    epsilon : float, default=1e-3
        Relative size of the box (Keskar et al. report 1e-3 and 5e-4).
    n_directions : int, default=None
        Search a random subspace of this dimension instead of the full space.
    max_iter : int, default=10
        L-BFGS-B iterations.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights of the mean loss; a zero-weight row counts as a
        missing row.
    include_penalty : bool, default=False
        Add the fitted regularizers' parameter penalties (L1, L2) to :math:`f`.
    random_state : int, RandomState instance or None, default=None
        Fixes the start of the search and the subspace. None (the default, as
        for scikit-learn's randomized estimators) draws them afresh on each
        call, so **repeated calls differ**: the result is a lower bound found
        by a short random search. The spread is small in the full space
        (0.03399-0.03405 over 10 seeds for the example below) but large with
        a small subspace (0.013-0.031 with ``n_directions=5``, 20 seeds).
        Pass an int to get the same value every time, and compare models
        with the same int, or take the maximum over several seeds.

    Returns
    -------
    sharpness : float
        In percent of :math:`1 + f(w)`; 0 for a loss that is flat in the box.

    Raises
    ------
    TypeError
        If ``estimator`` is not an skoptim MLP (or a pipeline ending in one).
    sklearn.exceptions.NotFittedError
        If it is not fitted.
    ValueError
        If ``epsilon``, ``max_iter`` or ``n_directions`` is not positive,
        ``X``/``y`` do not fit the network, ``sample_weight`` is negative, not
        finite, all zero or of the wrong shape, the network has layer-type
        regularizers (batch normalisation), or the loss at the fitted weights
        is not finite.

    See Also
    --------
    epsilon_sharpness : The same measure for any ``fun(w) -> (loss, grad)``.
    loss_landscape : Slices of the loss along random directions.
    skoptim.optimizers.SAM : An optimizer that seeks flat minima.

    References
    ----------
    Keskar, N. S., Mudigere, D., Nocedal, J., Smelyanskiy, M. & Tang, P. T. P.
    (2017). On large-batch training for deep learning: generalization gap and
    sharp minima. ICLR.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from skoptim import MLPClassifier
    >>> from skoptim.inspection import sharpness
    >>> X, y = make_moons(200, noise=0.2, random_state=0)
    >>> clf = MLPClassifier((16,), max_iter=1000, random_state=0).fit(X, y)
    >>> s = sharpness(clf, X, y, epsilon=1e-3, random_state=0)
    >>> s > 0
    True

    The same ``random_state`` gives the same value; without one, repeated
    calls differ (see ``random_state``):

    >>> s == sharpness(clf, X, y, epsilon=1e-3, random_state=0)
    True
    """
    objective = MLPObjective(
        estimator,
        X,
        y,
        sample_weight=sample_weight,
        include_penalty=include_penalty,
        caller="sharpness",
    )
    res = epsilon_sharpness(
        objective,
        objective.w0,
        epsilon=epsilon,
        n_directions=n_directions,
        max_iter=max_iter,
        random_state=random_state,
    )
    return res.sharpness
