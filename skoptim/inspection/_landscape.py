"""1-D and 2-D slices of a fitted network's loss along random directions."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils import Bunch, check_random_state

from ._objective import MLPObjective, _float64_network_like, resolve_mlp

__all__ = ["LossLandscape", "loss_landscape", "random_directions"]

_NORMALIZATIONS = ("filter", "layer", None)


class LossLandscape(Bunch):
    """What :func:`loss_landscape` returns: a :class:`~sklearn.utils.Bunch`.

    Keys (also attributes): ``alphas``, ``betas`` (2-D only), ``losses``,
    ``directions``, ``loss`` and ``params``, see :func:`loss_landscape`. Its
    ``repr`` is a short summary; the arrays stay behind the attributes.
    """

    def __repr__(self) -> str:
        losses = np.asarray(self["losses"])
        alphas = np.asarray(self["alphas"])
        dims = "surface" if losses.ndim == 2 else "curve"
        finite = losses[np.isfinite(losses)]
        lo = f"{finite.min():.6g}" if finite.size else "nan"
        hi = f"{finite.max():.6g}" if finite.size else "nan"
        arrays = ", ".join(
            f"{k} {np.shape(self[k])}"
            for k in ("alphas", "betas", "losses", "directions", "params")
            if k in self
        )
        return "\n".join(
            [
                f"LossLandscape({dims}, n_points={alphas.shape[0]}, "
                f"extent={alphas[-1]:.6g}, n_params={np.shape(self['params'])[0]})",
                f"  loss at fitted weights = {self['loss']:.6g}",
                f"  min loss on the grid   = {lo}",
                f"  max loss on the grid   = {hi}",
                f"  arrays: {arrays}",
            ]
        )


def random_directions(
    estimator,
    n_directions: int = 1,
    *,
    normalization: str | None = "filter",
    ignore_biases: bool = True,
    random_state=None,
) -> np.ndarray:
    r"""Random directions in a fitted MLP's parameter space, filter-normalised.

    Each direction :math:`d` starts as standard normal noise with the shape
    of the parameters. With ``normalization="filter"`` (Li et al. 2018), every
    filter of :math:`d` is rescaled to the norm of the same filter of the
    weights :math:`\theta`; for a fully connected layer a filter is one
    unit's incoming weights, the column :math:`j` of ``coefs_[i]``:

    .. math::

        d_{i,j} \leftarrow \frac{d_{i,j}}{\|d_{i,j}\|}\,\|\theta_{i,j}\|.

    ``"layer"`` rescales each weight matrix as a whole,
    :math:`d_i \leftarrow d_i \|\theta_i\| / \|d_i\|`; ``None`` keeps the raw
    noise. As in Li et al.'s code (``ignore="biasbn"``), the biases' entries
    are set to 0 when ``ignore_biases`` (the default); otherwise they are a copy
    of the biases. Extra parameter blocks of regularizers get 0.

    Parameters
    ----------
    estimator : MLPClassifier, MLPRegressor or Pipeline ending in one
        A fitted network.
    n_directions : int, default=1
        Number of directions.
    normalization : {"filter", "layer"} or None, default="filter"
    ignore_biases : bool, default=True
    random_state : int, RandomState instance or None, default=None

    Returns
    -------
    directions : ndarray of shape (n_directions, n_params)
        In the layout of ``estimator.params_``.

    Raises
    ------
    TypeError
        If ``estimator`` is not (a pipeline ending in) an skoptim MLP.
    sklearn.exceptions.NotFittedError
        If it is not fitted.
    ValueError
        If ``normalization`` is unknown or ``n_directions`` is not a positive
        integer.

    References
    ----------
    Li, H., Xu, Z., Taylor, G., Studer, C. & Goldstein, T. (2018). Visualizing
    the loss landscape of neural nets. NeurIPS.
    """
    if normalization not in _NORMALIZATIONS:
        raise ValueError(
            f"normalization must be one of {_NORMALIZATIONS}; got {normalization!r}."
        )
    if (
        not isinstance(n_directions, Integral)
        or isinstance(n_directions, bool)
        or n_directions < 1
    ):
        raise ValueError(
            f"n_directions must be a positive integer; got {n_directions!r}."
        )
    mlp, _ = resolve_mlp(estimator, None, caller="random_directions")
    return _directions(
        mlp._network, n_directions, normalization, ignore_biases, random_state
    )


def _directions(net, n_directions, normalization, ignore_biases, random_state):
    rng = check_random_state(random_state)
    theta = _float64_network_like(net)
    theta.params[...] = net.params
    out = np.zeros((n_directions, theta.n_params))
    for k in range(n_directions):
        d = _float64_network_like(net)
        for W, b, dW, db in zip(
            theta.coefs, theta.intercepts, d.coefs, d.intercepts, strict=True
        ):
            dW[...] = rng.standard_normal(dW.shape)
            if normalization == "filter":
                dW *= np.linalg.norm(W, axis=0) / (np.linalg.norm(dW, axis=0) + 1e-10)
            elif normalization == "layer":
                dW *= np.linalg.norm(W) / (np.linalg.norm(dW) + 1e-10)
            db[...] = 0.0 if ignore_biases else b
        out[k] = d.params
    return out


def loss_landscape(
    estimator,
    X,
    y,
    *,
    n_directions: int = 1,
    extent: float = 1.0,
    n_points: int = 21,
    normalization: str | None = "filter",
    ignore_biases: bool = True,
    directions=None,
    sample_weight=None,
    include_penalty: bool = False,
    random_state=None,
) -> Bunch:
    r"""The training loss of a fitted MLP along 1 or 2 random directions.

    With the fitted weights :math:`\theta^\star` and filter-normalised random
    directions :math:`\delta, \eta` (Li et al. 2018, see
    :func:`random_directions`), evaluate

    .. math::

        f(\alpha) = L(\theta^\star + \alpha\delta) \quad\text{(1-D)}, \qquad
        f(\alpha, \beta) = L(\theta^\star + \alpha\delta + \beta\eta)
        \quad\text{(2-D)}

    on a grid of ``n_points`` values of :math:`\alpha` (and :math:`\beta`)
    in ``[-extent, extent]``. Filter normalisation makes the step
    :math:`\alpha = 1` as large as the weights themselves, filter by filter,
    so that slices of different networks (different scales of weights) can be
    compared. :math:`L` is the deterministic mean data loss on ``(X, y)``
    (see :func:`sharpness`), computed in float64 on a copy of the
    parameters; the estimator is not modified.

    Parameters
    ----------
    estimator : MLPClassifier, MLPRegressor or Pipeline ending in one
        A fitted network.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
    n_directions : {1, 2}, default=1
        A 1-D curve or a 2-D surface.
    extent : float, default=1.0
        The grid spans ``[-extent, extent]`` in units of the directions.
    n_points : int, default=21
        Grid points per axis (odd numbers include 0, the fitted weights).
    normalization : {"filter", "layer"} or None, default="filter"
        How the random directions are scaled (see :func:`random_directions`).
    ignore_biases : bool, default=True
        Do not move the biases (Li et al.'s default).
    directions : ndarray of shape (n_directions, n_params), default=None
        Use these directions (in the layout of ``params_``) instead of random
        ones, e.g. the directions of an earlier call, or one from
        :func:`random_directions` with other settings. ``normalization``,
        ``ignore_biases`` and ``random_state`` only shape random directions,
        so giving them a non-default value together with ``directions`` is
        an error rather than silently ignored.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights of the mean loss (a zero weight drops the row).
    include_penalty : bool, default=False
        Add the fitted regularizers' parameter penalties.
    random_state : int, RandomState instance or None, default=None
        Fixes the directions.

    Returns
    -------
    landscape : LossLandscape
        A :class:`~sklearn.utils.Bunch` with a short ``repr``: ``alphas``
        (n_points,), ``betas`` (n_points,, 2-D only), ``losses`` of shape
        (n_points,) or (n_points, n_points) with ``losses[i, j]`` at
        ``(alphas[i], betas[j])``, ``directions`` (n_directions, n_params),
        ``loss`` (the loss at the fitted weights) and ``params`` (the fitted
        weights, float64). For a contour plot
        of the surface, ``plt.contour(alphas, betas, losses.T)``.

    Raises
    ------
    TypeError
        If ``estimator`` is not (a pipeline ending in) an skoptim MLP, or
        ``directions`` is given together with a non-default
        ``normalization``, ``ignore_biases`` or ``random_state``.
    sklearn.exceptions.NotFittedError
        If it is not fitted.
    ValueError
        If ``n_directions``, ``extent``, ``n_points`` or ``normalization`` is
        out of range, ``directions`` has the wrong shape, ``X``/``y`` do not
        fit the network, ``sample_weight`` is negative, not finite, all zero
        or of the wrong shape, or the network has layer-type regularizers.

    References
    ----------
    Li, H., Xu, Z., Taylor, G., Studer, C. & Goldstein, T. (2018). Visualizing
    the loss landscape of neural nets. NeurIPS.

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from skoptim import MLPClassifier
    >>> from skoptim.inspection import loss_landscape
    >>> X, y = make_moons(200, noise=0.2, random_state=0)
    >>> clf = MLPClassifier((16,), max_iter=1000, random_state=0).fit(X, y)
    >>> land = loss_landscape(clf, X, y, n_directions=2, n_points=5,
    ...                       random_state=0)
    >>> land.losses.shape
    (5, 5)
    >>> bool(land.losses[2, 2] == land.loss)
    True
    """
    if n_directions not in (1, 2) or isinstance(n_directions, bool):
        raise ValueError(
            f"n_directions must be 1 (a curve) or 2 (a surface); got {n_directions!r}."
        )
    if (
        not isinstance(extent, Real)
        or isinstance(extent, bool)
        or not np.isfinite(extent)
        or extent <= 0
    ):
        raise ValueError(f"extent must be a positive float; got {extent!r}.")
    if not isinstance(n_points, Integral) or isinstance(n_points, bool) or n_points < 2:
        raise ValueError(f"n_points must be an integer >= 2; got {n_points!r}.")
    if normalization not in _NORMALIZATIONS:
        raise ValueError(
            f"normalization must be one of {_NORMALIZATIONS}; got {normalization!r}."
        )
    if directions is not None:
        unused = {
            "normalization": normalization != "filter",
            "ignore_biases": ignore_biases is not True,
            "random_state": random_state is not None,
        }
        named = [k for k, v in unused.items() if v]
        if named:
            raise TypeError(
                f"loss_landscape: {', '.join(named)} only shape random directions "
                "and would be ignored, since directions are given; drop "
                f"{'it' if len(named) == 1 else 'them'} or pass directions=None."
            )
    objective = MLPObjective(
        estimator,
        X,
        y,
        sample_weight=sample_weight,
        include_penalty=include_penalty,
        caller="loss_landscape",
    )
    w0 = objective.w0
    if directions is None:
        directions = _directions(
            objective.network,
            n_directions,
            normalization,
            ignore_biases,
            random_state,
        )
    else:
        directions = np.array(directions, dtype=np.float64, ndmin=2)
        if directions.shape != (n_directions, w0.shape[0]):
            raise ValueError(
                f"directions must have shape ({n_directions}, {w0.shape[0]}) "
                f"(n_directions, n_params); got {directions.shape}."
            )
    alphas = np.linspace(-extent, extent, int(n_points))
    w, step = np.empty_like(w0), np.empty_like(w0)
    if n_directions == 1:
        losses = np.empty(len(alphas))
        for i, a in enumerate(alphas):
            np.multiply(directions[0], a, out=w)
            w += w0
            losses[i] = objective(w)[0]
        extra = {}
    else:
        losses = np.empty((len(alphas), len(alphas)))
        for i, a in enumerate(alphas):
            for j, b in enumerate(alphas):
                np.multiply(directions[0], a, out=w)
                np.multiply(directions[1], b, out=step)
                w += step
                w += w0
                losses[i, j] = objective(w)[0]
        extra = {"betas": alphas.copy()}
    return LossLandscape(
        alphas=alphas,
        losses=losses,
        directions=directions,
        loss=objective(w0)[0],
        params=w0,
        **extra,
    )
