"""Loss-landscape slices of fitted networks, several overlaid."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support

from ._landscape import loss_landscape

__all__ = ["LossLandscapeDisplay"]

_BASIN_COLORS = ("#ff7f0e", "#e377c2", "#17becf", "#d62728", "#ffffff")


class LossLandscapeDisplay:
    r"""1-D or 2-D filter-normalised slices of the loss around fitted minima.

    A 1-D display draws the loss along one direction for each network, all on
    one Axes. A 2-D display draws one filled-contour panel per network of the
    loss's rise above that network's own minimum, with the same log-spaced
    levels for all, and overlays on every panel the outline of each
    network's basin (where the loss has risen by ``basin_rise``), so a sharp
    minimum's small basin stands out against a flat one's.
    :func:`~skoptim.inspection.loss_landscape` computes the slices; use
    :meth:`from_estimator`. The constructor only stores them.

    Parameters
    ----------
    alphas : ndarray of shape (n_points,)
        Grid along the first direction.
    losses : list of ndarray
        One slice per network, of shape (n_points,) or (n_points, n_points)
        with ``losses[k][i, j]`` at ``(alphas[i], betas[j])``.
    betas : ndarray of shape (n_points,) or None, default=None
        Grid along the second direction (2-D only).
    minima : list of float, default=None
        Loss at each fitted minimum (the centre of the slice).
    labels : list of str, default=None

    Attributes
    ----------
    axes_ : ndarray of matplotlib Axes
    ax_ : matplotlib Axes
        The first Axes.
    figure_ : matplotlib Figure
    lines_ : list of Line2D
        The 1-D curves.
    contours_ : list of QuadContourSet
        The 2-D filled contours, one per network.
    basins_ : list of QuadContourSet
        The basin outlines drawn on the 2-D panels.
    legend_ : Legend or None
        The figure legend of the basin outlines (2-D).

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from skoptim import MLPClassifier
    >>> from skoptim.inspection import LossLandscapeDisplay
    >>> X, y = make_moons(100, noise=0.2, random_state=0)
    >>> clf = MLPClassifier((8,), max_iter=50, random_state=0).fit(X, y)
    >>> disp = LossLandscapeDisplay.from_estimator(clf, X, y, n_points=5)
    >>> len(disp.lines_), disp.losses[0].shape
    (1, (5,))
    """

    def __init__(
        self,
        *,
        alphas: Any,
        losses: Sequence[Any],
        betas: Any = None,
        minima: Sequence[float] | None = None,
        labels: Sequence[str] | None = None,
    ) -> None:
        self.alphas = alphas
        self.losses = losses
        self.betas = betas
        self.minima = minima
        self.labels = labels

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        X: Any,
        y: Any,
        *,
        labels: Sequence[str] | None = None,
        n_directions: int = 1,
        extent: float = 1.0,
        n_points: int = 21,
        random_state: Any = 0,
        ax: Any = None,
        plot_kwargs: dict | None = None,
        **landscape_kwargs: Any,
    ) -> LossLandscapeDisplay:
        """Slice the loss of one or several fitted networks and draw it.

        Every network is sliced with :func:`~skoptim.inspection.loss_landscape`
        with the same ``random_state`` (so networks of the same architecture
        get the same random directions before filter normalisation).

        Parameters
        ----------
        estimator : MLPClassifier, MLPRegressor, Pipeline ending in one, or list
            Fitted network(s).
        X, y : array-like
            The data whose loss is sliced (usually the training set).
        labels : list of str, default=None
            One per network; default ``"model 0"``, ``"model 1"`` ...
        n_directions : {1, 2}, default=1
        extent : float, default=1.0
        n_points : int, default=21
        random_state : int, RandomState instance or None, default=0
            Seed of the directions. An int gives every network the same draw.
        ax : matplotlib Axes or array of Axes, default=None
            See :meth:`plot`.
        plot_kwargs : dict, default=None
            Passed to :meth:`plot`.
        **landscape_kwargs
            Passed to :func:`loss_landscape` (``normalization``,
            ``ignore_biases``, ``sample_weight``, ``include_penalty``).

        Returns
        -------
        display : LossLandscapeDisplay

        Raises
        ------
        ValueError
            As :func:`loss_landscape`, or if ``labels`` does not have one
            entry per network.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        estimators = (
            list(estimator) if isinstance(estimator, list | tuple) else [estimator]
        )
        if labels is None:
            labels = [f"model {i}" for i in range(len(estimators))]
        if len(labels) != len(estimators):
            raise ValueError(
                f"labels has {len(labels)} entries for {len(estimators)} networks."
            )
        slices = [
            loss_landscape(
                est,
                X,
                y,
                n_directions=n_directions,
                extent=extent,
                n_points=n_points,
                random_state=random_state,
                **landscape_kwargs,
            )
            for est in estimators
        ]
        disp = cls(
            alphas=slices[0].alphas,
            losses=[s.losses for s in slices],
            betas=slices[0].get("betas"),
            minima=[float(s.loss) for s in slices],
            labels=list(labels),
        )
        return disp.plot(ax=ax, **(plot_kwargs or {}))

    def plot(
        self,
        ax: Any = None,
        *,
        n_levels: int = 12,
        basin_rise: float | None = None,
        logy: bool = False,
    ) -> LossLandscapeDisplay:
        """Draw the slices.

        Parameters
        ----------
        ax : matplotlib Axes or array of Axes, default=None
            1-D: one Axes (None creates it). 2-D: one Axes per network (None
            creates a row of panels).
        n_levels : int, default=12
            Number of log-spaced filled-contour levels (2-D).
        basin_rise : float, default=None
            The basin outline (2-D) is the contour where the loss equals the
            network's minimum plus ``basin_rise``. None uses the median over
            networks of (largest loss in the slice − minimum) / 8.
        logy : bool, default=False
            Log-scale the loss axis (1-D).

        Returns
        -------
        display : LossLandscapeDisplay

        Raises
        ------
        ValueError
            If the number of Axes does not match (2-D), or ``basin_rise`` is
            not positive.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        losses = [np.asarray(s, dtype=float) for s in self.losses]
        n = len(losses)
        labels = self.labels or [f"model {i}" for i in range(n)]
        alphas = np.asarray(self.alphas, dtype=float)
        self.lines_, self.contours_, self.basins_ = [], [], []
        self.legend_ = None
        if losses[0].ndim == 1:
            if ax is None:
                _, ax = plt.subplots(figsize=(6, 4.2), layout="constrained")
            self.axes_ = np.array([ax], dtype=object)
            for k, (loss, lab) in enumerate(zip(losses, labels, strict=True)):
                self.lines_ += ax.plot(alphas, loss, color=f"C{k % 10}", label=lab)
            ax.set(xlabel="α (filter-normalised direction)", ylabel="loss")
            if logy:
                ax.set_yscale("log")
            ax.legend(fontsize=8)
        else:
            betas = alphas if self.betas is None else np.asarray(self.betas, float)
            if ax is None:
                _, axs = plt.subplots(
                    1,
                    n,
                    figsize=(4.2 * n + 1, 3.8),
                    squeeze=False,
                    sharex=True,
                    sharey=True,
                    layout="constrained",
                )
                axs = axs[0]
            else:
                axs = np.ravel(np.asarray(ax, dtype=object))
                if len(axs) != n:
                    raise ValueError(
                        f"Got {len(axs)} axes for {n} 2-D slices; pass one Axes "
                        "per network."
                    )
            self.axes_ = axs
            minima = [float(s.min()) for s in losses]
            rises = [s - m for s, m in zip(losses, minima, strict=True)]
            top = max(float(r.max()) for r in rises)
            if basin_rise is None:
                basin_rise = float(np.median([r.max() for r in rises])) / 8
            if not basin_rise > 0:
                raise ValueError(f"basin_rise must be positive; got {basin_rise!r}.")
            if top <= 0:
                top = basin_rise
            levels = np.concatenate(
                [[0.0], np.geomspace(max(top * 1e-3, 1e-15), top, n_levels)]
            )
            from matplotlib.colors import BoundaryNorm
            from matplotlib.lines import Line2D

            norm = BoundaryNorm(levels, 256)
            for k, (a, rise, lab) in enumerate(zip(axs, rises, labels, strict=True)):
                cs = a.contourf(
                    alphas, betas, rise.T, levels=levels, cmap="viridis", norm=norm
                )
                self.contours_.append(cs)
                a.plot(0, 0, "w+", ms=10, mew=2)
                a.set_xlabel("α")
                a.set_title(lab, color=_BASIN_COLORS[k % len(_BASIN_COLORS)])
                if k == 0:
                    a.set_ylabel("β")
                for j, other in enumerate(rises):
                    self.basins_.append(
                        a.contour(
                            alphas,
                            betas,
                            other.T,
                            levels=[basin_rise],
                            colors=[_BASIN_COLORS[j % len(_BASIN_COLORS)]],
                            linewidths=2.5 if j == k else 1.5,
                            linestyles="-" if j == k else "--",
                        )
                    )
            handles = [
                Line2D(
                    [],
                    [],
                    color=_BASIN_COLORS[j % len(_BASIN_COLORS)],
                    lw=2,
                    label=f"{lab}: loss = its minimum + {basin_rise:.3g}",
                )
                for j, lab in enumerate(labels)
            ]
            fig = axs[0].figure
            fig.colorbar(
                self.contours_[0],
                ax=list(axs),
                label="loss − the network's minimum",
                format="%.2g",
            )
            self.legend_ = fig.legend(
                handles=handles,
                loc="outside lower center",
                ncols=min(n, 3),
                fontsize=8,
            )
        self.ax_ = self.axes_[0]
        self.figure_ = self.ax_.figure
        return self
