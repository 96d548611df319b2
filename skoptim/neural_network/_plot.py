"""Training curves of fitted networks: loss, validation score, learning rate."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils.validation import check_is_fitted

__all__ = ["TrainingCurveDisplay"]

_PANELS = ("loss", "score", "learning_rate")


def _final_mlp(estimator: Any) -> Any:
    """The network itself, or the last step of a pipeline ending in one."""
    est = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
    if not hasattr(est, "loss_curve_"):
        check_is_fitted(est)  # raises NotFittedError for an unfitted network
        raise TypeError(
            "TrainingCurveDisplay needs fitted skoptim MLPs (an estimator with "
            f"loss_curve_); got {type(est).__name__}."
        )
    return est


class TrainingCurveDisplay:
    """Loss, validation score and learning rate per epoch of fitted networks.

    Draws the training loss (solid) and validation loss (dashed) per epoch,
    the validation score, and the learning rate when the network recorded it
    (``learning_rate_curve_``), one panel each. The best epoch chosen by
    :class:`~skoptim.regularizers.EarlyStopping` is marked with a dotted
    vertical line and a dot on the validation loss; the last epoch run (the
    stop) with a cross. Several networks are overlaid, one colour each.

    Use :meth:`from_estimator` to build it from fitted networks. The
    constructor only stores the curves.

    Parameters
    ----------
    loss_curves : list of ndarray
        Training loss per epoch (``loss_curve_``), one array per network.
    validation_loss_curves : list of ndarray, default=None
        Validation loss per epoch (``validation_loss_curve_``); an empty array
        for a network fitted without validation data.
    validation_scores : list of ndarray, default=None
        Validation score per epoch (``validation_scores_``).
    learning_rates : list of ndarray or None, default=None
        Learning rate per epoch (``learning_rate_curve_``), or None for a
        network that did not record it.
    best_epochs : list of int or None, default=None
        Best epoch (from 1) per network (``best_epoch_``), or None.
    labels : list of str, default=None
        Legend label per network.
    score_name : str, default="score"
        Label of the score axis.

    Attributes
    ----------
    axes_ : dict of str to matplotlib Axes
        The panels drawn: keys among ``"loss"``, ``"score"``,
        ``"learning_rate"``.
    ax_ : matplotlib Axes
        The loss panel.
    figure_ : matplotlib Figure
    lines_ : dict of str to list of Line2D
        The curves of each panel (for ``"loss"``: the training curve of each
        network, then its validation curve when it has one).
    best_markers_ : list of Artist
        The best-epoch lines and dots.
    stop_markers_ : list of Line2D
        One cross per network at its last epoch.
    legend_ : Legend or None
        The legend of the loss panel (beside the panels for several networks
        on a figure of the display's own).

    Examples
    --------
    >>> from sklearn.datasets import make_moons
    >>> from skoptim import MLPClassifier
    >>> from skoptim.neural_network import TrainingCurveDisplay
    >>> X, y = make_moons(200, noise=0.2, random_state=0)
    >>> clf = MLPClassifier((8,), max_iter=20, random_state=0)
    >>> clf = clf.fit(X[:150], y[:150], validation_data=(X[150:], y[150:]))
    >>> disp = TrainingCurveDisplay.from_estimator(clf)
    >>> sorted(disp.axes_), len(disp.lines_["loss"])
    (['learning_rate', 'loss', 'score'], 2)
    """

    def __init__(
        self,
        *,
        loss_curves: Sequence[Any],
        validation_loss_curves: Sequence[Any] | None = None,
        validation_scores: Sequence[Any] | None = None,
        learning_rates: Sequence[Any] | None = None,
        best_epochs: Sequence[int | None] | None = None,
        labels: Sequence[str] | None = None,
        score_name: str = "score",
    ) -> None:
        self.loss_curves = loss_curves
        self.validation_loss_curves = validation_loss_curves
        self.validation_scores = validation_scores
        self.learning_rates = learning_rates
        self.best_epochs = best_epochs
        self.labels = labels
        self.score_name = score_name

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        *,
        labels: Sequence[str] | None = None,
        ax: Any = None,
        panels: Sequence[str] | None = None,
    ) -> TrainingCurveDisplay:
        """Draw the training curves of one or several fitted networks.

        Parameters
        ----------
        estimator : MLPClassifier, MLPRegressor, Pipeline ending in one, or list
            Fitted network(s); a list overlays them (e.g. the candidates of a
            search, refitted).
        labels : list of str, default=None
            Legend label per network; default ``"model 0"``, ``"model 1"`` ...
            (no label for a single network).
        ax : matplotlib Axes or sequence of Axes, default=None
            See :meth:`plot`.
        panels : sequence of str, default=None
            See :meth:`plot`.

        Returns
        -------
        display : TrainingCurveDisplay

        Raises
        ------
        TypeError
            If an estimator is not a skoptim network.
        sklearn.exceptions.NotFittedError
            If an estimator is not fitted.
        ValueError
            If ``labels`` does not have one entry per network.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        single = not isinstance(estimator, list | tuple)
        estimators = [estimator] if single else list(estimator)
        if not estimators:
            raise ValueError("from_estimator needs at least one fitted network.")
        mlps = [_final_mlp(e) for e in estimators]
        if labels is None:
            labels = [None] if single else [f"model {i}" for i in range(len(mlps))]
        if len(labels) != len(mlps):
            raise ValueError(
                f"labels has {len(labels)} entries for {len(mlps)} networks; "
                "give one label per network."
            )
        classifier = [is_classifier(m) for m in mlps]
        score_name = (
            "validation accuracy"
            if all(classifier)
            else "validation R²"
            if not any(classifier)
            else "validation score"
        )
        lr = [getattr(m, "learning_rate_curve_", None) for m in mlps]
        disp = cls(
            loss_curves=[np.asarray(m.loss_curve_, dtype=float) for m in mlps],
            validation_loss_curves=[
                np.asarray(m.validation_loss_curve_, dtype=float) for m in mlps
            ],
            validation_scores=[
                np.asarray(m.validation_scores_, dtype=float) for m in mlps
            ],
            learning_rates=[None if c is None else np.asarray(c, float) for c in lr],
            best_epochs=[getattr(m, "best_epoch_", None) for m in mlps],
            labels=list(labels),
            score_name=score_name,
        )
        return disp.plot(ax=ax, panels=panels)

    def _available_panels(self) -> list[str]:
        out = ["loss"]
        if any(len(s) for s in self.validation_scores or []):
            out.append("score")
        if any(c is not None and len(c) for c in self.learning_rates or []):
            out.append("learning_rate")
        return out

    def plot(
        self, ax: Any = None, *, panels: Sequence[str] | None = None
    ) -> TrainingCurveDisplay:
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes or sequence of Axes, default=None
            One Axes per panel. A single Axes draws the loss panel only
            (unless ``panels`` names one other panel). None creates a figure
            with one panel per available curve kind, side by side.
        panels : sequence of {"loss", "score", "learning_rate"}, default=None
            Panels to draw. None draws every panel for which data exist (the
            score needs validation data, the learning rate a network that
            records ``learning_rate_curve_``).

        Returns
        -------
        display : TrainingCurveDisplay
            With ``axes_``, ``ax_``, ``figure_``, ``lines_``,
            ``best_markers_`` and ``stop_markers_`` set.

        Raises
        ------
        ValueError
            If a panel name is unknown or has no data, or the number of axes
            differs from the number of panels.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        available = self._available_panels()
        single_ax = ax is not None and not isinstance(ax, Sequence | np.ndarray)
        if panels is None:
            panels = ["loss"] if single_ax else available
        panels = list(panels)
        for p in panels:
            if p not in _PANELS:
                raise ValueError(f"Unknown panel {p!r}; choose from {_PANELS}.")
            if p not in available:
                raise ValueError(
                    f"No data for the {p!r} panel: it needs validation data "
                    "(score) or a network with learning_rate_curve_ (learning_rate)."
                )
        own_figure = ax is None
        self.legend_ = None
        if ax is None:
            fig, axs = plt.subplots(
                1,
                len(panels),
                figsize=(4.2 * len(panels), 3.6),
                squeeze=False,
                layout="constrained",
            )
            axs = list(axs[0])
        else:
            axs = [ax] if single_ax else list(np.ravel(ax))
            if len(axs) != len(panels):
                raise ValueError(
                    f"Got {len(axs)} axes for {len(panels)} panels {panels}; "
                    "pass one Axes per panel."
                )
        self.axes_ = dict(zip(panels, axs, strict=True))
        self.ax_ = self.axes_.get("loss", axs[0])
        self.figure_ = axs[0].figure
        self.lines_ = {p: [] for p in panels}
        self.best_markers_, self.stop_markers_ = [], []
        n = len(self.loss_curves)
        labels = self.labels or [None] * n
        best = self.best_epochs or [None] * n
        val = self.validation_loss_curves or [np.empty(0)] * n
        scores = self.validation_scores or [np.empty(0)] * n
        rates = self.learning_rates or [None] * n
        for i in range(n):
            color = f"C{i % 10}"
            name = labels[i]
            train = np.asarray(self.loss_curves[i], dtype=float)
            epochs = np.arange(1, len(train) + 1)
            if "loss" in panels:
                a = self.axes_["loss"]
                tlabel = "training" if name is None else f"{name}: training"
                self.lines_["loss"] += a.plot(epochs, train, color=color, label=tlabel)
                (stop,) = a.plot(epochs[-1:], train[-1:], "x", color=color, ms=8)
                self.stop_markers_.append(stop)
                v = np.asarray(val[i], dtype=float)
                if len(v):
                    vlabel = "validation" if name is None else f"{name}: validation"
                    self.lines_["loss"] += a.plot(
                        np.arange(1, len(v) + 1), v, "--", color=color, label=vlabel
                    )
                    if best[i] is not None and 1 <= best[i] <= len(v):
                        self.best_markers_ += a.plot(
                            [best[i]], [v[best[i] - 1]], "o", color=color, ms=7
                        )
            if "score" in panels and len(scores[i]):
                s = np.asarray(scores[i], dtype=float)
                self.lines_["score"] += self.axes_["score"].plot(
                    np.arange(1, len(s) + 1), s, color=color, label=name
                )
            if "learning_rate" in panels and rates[i] is not None:
                r = np.asarray(rates[i], dtype=float)
                self.lines_["learning_rate"] += self.axes_["learning_rate"].plot(
                    np.arange(1, len(r) + 1), r, color=color, label=name
                )
            if best[i] is not None:
                for a in self.axes_.values():
                    self.best_markers_.append(
                        a.axvline(best[i], color=color, ls=":", lw=1)
                    )
        titles = {
            "loss": ("loss", "Loss per epoch"),
            "score": (self.score_name, "Validation score"),
            "learning_rate": ("learning rate", "Learning rate"),
        }
        for p, a in self.axes_.items():
            ylabel, title = titles[p]
            a.set(xlabel="epoch", ylabel=ylabel, title=title)
        if "learning_rate" in self.axes_:
            self.axes_["learning_rate"].set_yscale("log")
        loss_ax = self.axes_.get("loss")
        if loss_ax is not None:
            from matplotlib.lines import Line2D

            handles, _ = loss_ax.get_legend_handles_labels()
            extra = [Line2D([], [], marker="x", ls="", color="0.3", label="stop")]
            if self.best_markers_:
                extra.append(
                    Line2D([], [], marker="o", ls=":", color="0.3", label="best epoch")
                )
            if own_figure and n > 1:  # many entries: beside the panels
                self.legend_ = self.figure_.legend(
                    handles=handles + extra, loc="outside right upper", fontsize=8
                )
            else:
                self.legend_ = loss_ax.legend(handles=handles + extra, fontsize=8)
        return self
