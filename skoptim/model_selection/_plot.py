"""Draw the folds of any cross-validation splitter."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils import indexable

from ._split import _n_samples

__all__ = ["plot_splits"]

_COLORS = {"train": "#1f77b4", "test": "#ff7f0e", "unused": "#d9d9d9"}


def plot_splits(
    cv: Any,
    X: Any,
    y: Any = None,
    groups: Any = None,
    ax: Any = None,
    show_groups: bool | str = "auto",
) -> Any:
    """Draw each fold of ``cv`` as a row of train / test / left-out samples.

    Each fold is one horizontal band; a sample is coloured as training (blue),
    test (orange) or left out (grey: gaps, purged or embargoed rows, rows
    outside a rolling window). If ``groups`` holds group labels, an extra band
    at the bottom shows the group of each sample. This is scikit-learn's
    ``plot_cv_indices`` example as a reusable function.

    Parameters
    ----------
    cv : cross-validation splitter
        Any object with ``split(X, y, groups)``, e.g. the splitters of
        :mod:`skoptim.model_selection` or scikit-learn's.
    X : array-like of shape (n_samples, n_features)
        Data passed to ``cv.split``.
    y : array-like of shape (n_samples,), default=None
        Target passed to ``cv.split``.
    groups : array-like of shape (n_samples,), default=None
        Group labels passed to ``cv.split`` (read by
        :class:`GroupTimeSeriesSplit`; the purged splitters take their label
        end times as ``label_end_times`` instead); also drawn as a band.
    ax : matplotlib.axes.Axes, default=None
        Axes to draw on; a new figure is created if None.
    show_groups : bool or "auto", default="auto"
        Whether to draw the ``groups`` band. ``"auto"`` draws it when
        ``groups`` is given, except for :class:`PurgedKFold` and
        :class:`CombinatorialPurgedKFold`, whose ``groups`` are label end
        times rather than group labels.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The axes with the picture.

    Raises
    ------
    ImportError
        If matplotlib is not installed.
    ValueError
        If ``show_groups`` is not True, False or "auto" (or is True without
        ``groups``), ``cv.split`` yields no
        folds, or ``cv.split`` itself refuses the data (see the splitter).

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.model_selection import BlockedKFold, plot_splits
    >>> ax = plot_splits(BlockedKFold(n_splits=3, gap_before=2), np.zeros((30, 1)))
    >>> ax.get_ylabel()
    'CV iteration'
    """
    try:
        import matplotlib.pyplot as plt
        from matplotlib.colors import ListedColormap
        from matplotlib.patches import Patch
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "plot_splits requires matplotlib; install it with "
            "'pip install matplotlib' (or skoptim[plots])."
        ) from exc

    X, y, groups = indexable(X, y, groups)
    n_samples = _n_samples(X)
    rows = []
    for train, test in cv.split(X, y, groups):
        row = np.zeros(n_samples)
        row[np.asarray(train)] = 1
        row[np.asarray(test)] = 2
        rows.append(row)
    if not rows:
        raise ValueError("plot_splits: cv.split yielded no folds.")
    image = np.vstack(rows)

    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.35 * len(rows) + 1.5))
    cmap = ListedColormap([_COLORS["unused"], _COLORS["train"], _COLORS["test"]])
    ax.imshow(
        image,
        aspect="auto",
        cmap=cmap,
        vmin=0,
        vmax=2,
        interpolation="nearest",
        extent=(-0.5, n_samples - 0.5, len(rows) - 0.5, -0.5),
    )
    yticks = list(range(len(rows)))
    ylabels = [str(i) for i in yticks]
    handles = [
        Patch(color=_COLORS["train"], label="train"),
        Patch(color=_COLORS["test"], label="test"),
        Patch(color=_COLORS["unused"], label="left out (gap/purge/embargo)"),
    ]
    if show_groups == "auto":
        from ._split_purged import CombinatorialPurgedKFold, PurgedKFold

        show_groups = not isinstance(cv, PurgedKFold | CombinatorialPurgedKFold)
    elif not isinstance(show_groups, bool):
        raise ValueError(
            f"plot_splits: show_groups must be True, False or 'auto', got "
            f"{show_groups!r}."
        )
    elif show_groups and groups is None:
        raise ValueError(
            "plot_splits: show_groups=True draws the groups band, but groups is "
            "None; pass groups or leave show_groups='auto'."
        )
    if groups is not None and show_groups:
        codes = np.unique(np.asarray(groups), return_inverse=True)[1].reshape(-1)
        ax.imshow(
            codes[np.newaxis, :],
            aspect="auto",
            cmap="tab20",
            interpolation="nearest",
            extent=(-0.5, n_samples - 0.5, len(rows) + 0.5, len(rows) - 0.5),
        )
        yticks.append(len(rows))
        ylabels.append("groups")
        ax.set_ylim(len(rows) + 0.5, -0.5)
    ax.set_yticks(yticks)
    ax.set_yticklabels(ylabels)
    ax.set_xlabel("Sample index")
    ax.set_ylabel("CV iteration")
    ax.set_title(type(cv).__name__)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax
