"""Optimizer paths over the contours of a 2-D objective."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support

from ._minimize import MinimizeResult, minimize

__all__ = ["OptimizerPathDisplay"]


def _contour_grid(fun, xlim, ylim, n_grid):
    xs = np.linspace(*xlim, n_grid)
    ys = np.linspace(*ylim, n_grid)
    zs = np.empty((n_grid, n_grid))
    w = np.empty(2)
    for i, yv in enumerate(ys):
        for j, xv in enumerate(xs):
            w[0], w[1] = xv, yv
            zs[i, j] = float(fun(w)[0])
    return xs, ys, zs


def _log_levels(zs, n_levels):
    """``n_levels`` log-spaced levels above the grid's minimum."""
    finite = zs[np.isfinite(zs)]
    lo = finite.min()
    rise = finite - lo
    top = rise.max()
    if top <= 0:
        return np.array([lo])
    bottom = max(np.quantile(rise, 0.002), top * 1e-6)
    bottom = min(bottom, top / 10)
    return lo + np.geomspace(bottom, top, n_levels)


class OptimizerPathDisplay:
    """Paths of several optimizers over the contours of a 2-D objective.

    By default each optimizer gets its own panel (small multiples) over the
    same contours, so that no path hides another; ``plot(ax=...)`` with a
    single Axes overlays them instead. Contour levels are log-spaced above
    the minimum of the grid, so the floor of a valley stays visible.

    Use :meth:`from_results` (results of :func:`~skoptim.optimizers.minimize`)
    or :meth:`from_optimizers`. The constructor only stores what to draw.

    Parameters
    ----------
    paths : dict of str to ndarray of shape (n_steps + 1, 2)
        The iterates of each optimizer.
    losses : dict of str to ndarray of shape (n_steps + 1,)
        The objective along each path.
    contour : tuple (xs, ys, zs) or None, default=None
        Grid coordinates (``xs`` of shape (n,), ``ys`` of shape (m,)) and the
        objective ``zs`` of shape (m, n) on it.
    minimum : array-like of shape (2,) or None, default=None
        A known minimiser, marked with a star.

    Attributes
    ----------
    axes_ : ndarray of matplotlib Axes
        One Axes per optimizer (small multiples) or a single one (overlay).
    ax_ : matplotlib Axes
        The first Axes.
    figure_ : matplotlib Figure
    lines_ : dict of str to Line2D
        The path of each optimizer.
    contours_ : list of QuadContourSet
        The contour lines of each Axes.

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.optimizers import SGD, Adam, OptimizerPathDisplay
    >>> def bowl(w):
    ...     return 0.5 * (w[0] ** 2 + 10 * w[1] ** 2), np.array([w[0], 10 * w[1]])
    >>> disp = OptimizerPathDisplay.from_optimizers(
    ...     bowl, [2.0, 1.0], {"SGD": SGD(0.05), "Adam": Adam(0.1)}, n_iter=30)
    >>> len(disp.lines_), disp.axes_.shape
    (2, (2,))
    """

    def __init__(
        self,
        *,
        paths: Mapping[str, Any],
        losses: Mapping[str, Any],
        contour: tuple[Any, Any, Any] | None = None,
        minimum: Any = None,
    ) -> None:
        self.paths = paths
        self.losses = losses
        self.contour = contour
        self.minimum = minimum

    @classmethod
    def from_results(
        cls,
        results: Mapping[str, MinimizeResult],
        fun: Callable | None = None,
        *,
        xlim: tuple[float, float] | None = None,
        ylim: tuple[float, float] | None = None,
        n_grid: int = 200,
        minimum: Any = None,
        ax: Any = None,
        **plot_kwargs: Any,
    ) -> OptimizerPathDisplay:
        """Draw the paths of :func:`~skoptim.optimizers.minimize` results.

        Parameters
        ----------
        results : dict of str to MinimizeResult
            Named results on a 2-parameter objective.
        fun : callable, default=None
            ``fun(w) -> (loss, grad)``, evaluated on a grid for the contours;
            no contours if None.
        xlim, ylim : tuple of float, default=None
            The window; None spans all paths with a 10% margin.
        n_grid : int, default=200
            Grid points per axis for the contours.
        minimum : array-like of shape (2,), default=None
            A known minimiser to mark.
        ax : matplotlib Axes or array of Axes, default=None
            See :meth:`plot`.
        **plot_kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : OptimizerPathDisplay

        Raises
        ------
        ValueError
            If ``results`` is empty or a path is not 2-D.
        """
        check_matplotlib_support(f"{cls.__name__}.from_results")
        if not results:
            raise ValueError("results is empty; give at least one named result.")
        paths = {k: np.asarray(r.path, dtype=float) for k, r in results.items()}
        for name, p in paths.items():
            if p.ndim != 2 or p.shape[1] != 2:
                raise ValueError(
                    f"The path of {name!r} has shape {p.shape}; paths can only be "
                    "drawn for objectives of exactly 2 parameters."
                )
        stacked = np.vstack(list(paths.values()))
        if minimum is not None:
            stacked = np.vstack([stacked, np.asarray(minimum, float)[None]])
        lo, hi = stacked.min(axis=0), stacked.max(axis=0)
        margin = 0.1 * np.maximum(hi - lo, 1e-3)
        xlim = xlim or (lo[0] - margin[0], hi[0] + margin[0])
        ylim = ylim or (lo[1] - margin[1], hi[1] + margin[1])
        contour = None if fun is None else _contour_grid(fun, xlim, ylim, n_grid)
        disp = cls(
            paths=paths,
            losses={k: np.asarray(r.losses, dtype=float) for k, r in results.items()},
            contour=contour,
            minimum=minimum,
        )
        return disp.plot(ax=ax, xlim=xlim, ylim=ylim, **plot_kwargs)

    @classmethod
    def from_optimizers(
        cls,
        fun: Callable,
        x0: Any,
        optimizers: Mapping[str, Any],
        n_iter: int = 100,
        **kwargs: Any,
    ) -> OptimizerPathDisplay:
        """Run each optimizer with :func:`~skoptim.optimizers.minimize`, draw the paths.

        Parameters
        ----------
        fun : callable
            ``fun(w) -> (loss, grad)`` for ``w`` of shape (2,).
        x0 : array-like of shape (2,)
            Common starting point.
        optimizers : dict of str to Optimizer or alias
            The optimizers, by display name.
        n_iter : int, default=100
            Steps per optimizer.
        **kwargs
            Passed to :meth:`from_results`.

        Returns
        -------
        display : OptimizerPathDisplay

        Raises
        ------
        ValueError
            As :func:`~skoptim.optimizers.minimize` and :meth:`from_results`.
        """
        check_matplotlib_support(f"{cls.__name__}.from_optimizers")
        results = {
            name: minimize(fun, x0, opt, n_iter=n_iter)
            for name, opt in optimizers.items()
        }
        return cls.from_results(results, fun, **kwargs)

    def plot(
        self,
        ax: Any = None,
        *,
        n_levels: int = 14,
        ncols: int | None = None,
        xlim: tuple[float, float] | None = None,
        ylim: tuple[float, float] | None = None,
        **line_kwargs: Any,
    ) -> OptimizerPathDisplay:
        """Draw the contours and the paths.

        Parameters
        ----------
        ax : matplotlib Axes or array of Axes, default=None
            None creates one panel per optimizer (small multiples, sharing
            axes); an array of as many Axes does the same on them; a single
            Axes overlays every path on it.
        n_levels : int, default=14
            Number of log-spaced contour levels.
        ncols : int, default=None
            Columns of the small multiples (default: up to 3).
        xlim, ylim : tuple of float, default=None
            The window; None keeps matplotlib's.
        **line_kwargs
            Passed to ``Axes.plot`` for the paths.

        Returns
        -------
        display : OptimizerPathDisplay
            With ``axes_``, ``ax_``, ``figure_``, ``lines_`` and ``contours_``.

        Raises
        ------
        ValueError
            If an array of Axes does not have one Axes per optimizer.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        names = list(self.paths)
        if ax is None:
            ncols = ncols or min(3, len(names))
            nrows = -(-len(names) // ncols)
            fig, axs = plt.subplots(
                nrows,
                ncols,
                figsize=(3.6 * ncols, 3.2 * nrows),
                sharex=True,
                sharey=True,
                squeeze=False,
                layout="constrained",
            )
            for extra in axs.ravel()[len(names) :]:
                extra.set_visible(False)
            axs = axs.ravel()[: len(names)]
            overlay = False
        elif isinstance(ax, np.ndarray | list | tuple):
            axs = np.ravel(np.asarray(ax, dtype=object))
            if len(axs) != len(names):
                raise ValueError(
                    f"Got {len(axs)} axes for {len(names)} optimizers; pass one "
                    "Axes per optimizer, or a single Axes to overlay them."
                )
            overlay = False
        else:
            axs = np.array([ax], dtype=object)
            overlay = True
        self.axes_ = axs
        self.ax_ = axs[0]
        self.figure_ = axs[0].figure
        self.contours_, self.lines_ = [], {}
        levels = None
        if self.contour is not None:
            xs, ys, zs = self.contour
            levels = _log_levels(np.asarray(zs, dtype=float), n_levels)
            # one colour per level (not per value): log-spaced levels would
            # otherwise all get the bottom colour of the map
            colors = plt.get_cmap("viridis")(np.linspace(0.0, 0.85, len(levels)))
        for a in axs:
            if levels is not None:
                self.contours_.append(
                    a.contour(
                        xs,
                        ys,
                        zs,
                        levels=levels,
                        colors=colors,
                        linewidths=0.8,
                        alpha=0.9,
                    )
                )
            if self.minimum is not None:
                a.plot(
                    *np.asarray(self.minimum, float), "*", color="k", ms=12, zorder=5
                )
        style = {"lw": 1.4, "marker": ".", "ms": 3}
        style.update(line_kwargs)
        for k, name in enumerate(names):
            a = axs[0] if overlay else axs[k]
            path = np.asarray(self.paths[name], dtype=float)
            loss = np.asarray(self.losses[name], dtype=float)
            color = f"C{k % 10}" if overlay else "C3"
            label = f"{name} (f={loss[-1]:.2g}, {len(path) - 1} steps)"
            (self.lines_[name],) = a.plot(
                path[:, 0], path[:, 1], color=color, label=label, **style
            )
            a.plot(*path[0], "o", color="k", ms=5, zorder=5)
            a.plot(*path[-1], "s", color=color, ms=6, mec="k", zorder=6)
            if not overlay:
                a.set_title(label, fontsize=10)
        for a in axs:
            if xlim is not None:
                a.set_xlim(xlim)
            if ylim is not None:
                a.set_ylim(ylim)
        if overlay:
            axs[0].legend(fontsize=8)
            axs[0].set(xlabel="$w_1$", ylabel="$w_2$")
        else:
            for a in axs:
                if a.get_subplotspec() is not None:
                    ss = a.get_subplotspec()
                    if ss.is_last_row() or ax is not None:
                        a.set_xlabel("$w_1$")
                    if ss.is_first_col() or ax is not None:
                        a.set_ylabel("$w_2$")
        return self
