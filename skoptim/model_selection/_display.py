"""Displays for splitters (folds) and bias-variance curves."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.utils import indexable
from sklearn.utils._optional_dependencies import check_matplotlib_support

from ._bias_variance_curve import BiasVarianceCurve, bias_variance_curve
from ._split_purged import CombinatorialPurgedKFold, PurgedKFold

__all__ = ["CVSplitDisplay", "BiasVarianceDisplay"]

_COLORS = ("#d9d9d9", "#1f77b4", "#ff7f0e")  # left out, train, test
_LABELS = ("left out (gap/purge/embargo)", "train", "test")


class CVSplitDisplay:
    """The folds of a cross-validation splitter, one band per split.

    Each split is a row of samples coloured as training (blue), test (orange)
    or left out (grey: gaps, purged or embargoed rows, rows outside a rolling
    window). An extra band can show the group of each sample. Use
    :meth:`from_splitter`; the constructor only stores the masks.

    Parameters
    ----------
    masks : ndarray of shape (n_splits, n_samples)
        0 for a left-out sample, 1 for training, 2 for test.
    group_codes : ndarray of shape (n_samples,) or None, default=None
        Integer code of each sample's group, drawn as an extra band.
    name : str, default=None
        Title (e.g. the splitter's class name).

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    image_ : AxesImage
        The folds.
    groups_image_ : AxesImage or None
        The group band.
    legend_ : Legend or None
    legend_handles_ : list of Patch
        Train, test and left-out patches, for a figure legend.

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.model_selection import BlockedKFold, CVSplitDisplay
    >>> disp = CVSplitDisplay.from_splitter(BlockedKFold(3, gap_before=2),
    ...                                     np.zeros((30, 1)))
    >>> disp.masks.shape
    (3, 30)
    >>> int((disp.masks[1] == 0).sum())  # the gap before the second test fold
    2
    """

    def __init__(
        self, *, masks: Any, group_codes: Any = None, name: str | None = None
    ) -> None:
        self.masks = masks
        self.group_codes = group_codes
        self.name = name

    @classmethod
    def from_splitter(
        cls,
        cv: Any,
        X: Any,
        y: Any = None,
        groups: Any = None,
        *,
        show_groups: bool | str = "auto",
        name: str | None = None,
        ax: Any = None,
        legend: bool = True,
    ) -> CVSplitDisplay:
        """Draw the folds that ``cv.split(X, y, groups)`` yields.

        Parameters
        ----------
        cv : cross-validation splitter
            Any object with ``split(X, y, groups)`` (skoptim's or
            scikit-learn's splitters).
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
        groups : array-like of shape (n_samples,), default=None
            Passed to ``cv.split``; also drawn as a band of group labels.
        show_groups : bool or "auto", default="auto"
            Draw the ``groups`` band. ``"auto"`` draws it when ``groups`` is
            given, except for :class:`PurgedKFold` and
            :class:`CombinatorialPurgedKFold`, whose ``groups`` are label end
            times.
        name : str, default=None
            Title; default the splitter's class name.
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure if None.
        legend : bool, default=True
            Draw the legend (turn off when drawing many splitters, and use
            ``display.legend_handles_`` for one figure legend).

        Returns
        -------
        display : CVSplitDisplay

        Raises
        ------
        ValueError
            If ``cv.split`` yields no split or ``show_groups`` is invalid.
        """
        check_matplotlib_support(f"{cls.__name__}.from_splitter")
        if show_groups not in ("auto", True, False):
            raise ValueError(
                f"show_groups must be True, False or 'auto'; got {show_groups!r}."
            )
        X, y, groups = indexable(X, y, groups)
        n_samples = X.shape[0] if hasattr(X, "shape") else len(X)
        rows = []
        for train, test in cv.split(X, y, groups):
            row = np.zeros(n_samples, dtype=np.int8)
            row[np.asarray(train)] = 1
            row[np.asarray(test)] = 2
            rows.append(row)
        if not rows:
            raise ValueError(f"{type(cv).__name__}.split yielded no split to draw.")
        if show_groups == "auto":
            show_groups = not isinstance(cv, PurgedKFold | CombinatorialPurgedKFold)
        codes = None
        if groups is not None and show_groups:
            codes = np.unique(np.asarray(groups), return_inverse=True)[1].reshape(-1)
        disp = cls(
            masks=np.vstack(rows), group_codes=codes, name=name or type(cv).__name__
        )
        return disp.plot(ax=ax, legend=legend)

    def plot(
        self, ax: Any = None, *, max_ticks: int | None = None, legend: bool = True
    ) -> CVSplitDisplay:
        """Draw the folds.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure, sized to the number of splits, if
            None.
        max_ticks : int, default=None
            Most split numbers to label on the y axis; None fits as many as
            the Axes' height holds without overlap.
        legend : bool, default=True
            Draw the legend beside the Axes.

        Returns
        -------
        display : CVSplitDisplay
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt
        from matplotlib.colors import ListedColormap
        from matplotlib.patches import Patch

        masks = np.asarray(self.masks)
        n_splits, n_samples = masks.shape
        if ax is None:
            _, ax = plt.subplots(
                figsize=(8, 0.25 * n_splits + 1.5), layout="constrained"
            )
        self.ax_, self.figure_ = ax, ax.figure
        self.image_ = ax.imshow(
            masks,
            aspect="auto",
            cmap=ListedColormap(_COLORS),
            vmin=0,
            vmax=2,
            interpolation="nearest",
            extent=(-0.5, n_samples - 0.5, n_splits - 0.5, -0.5),
        )
        self.groups_image_ = None
        bottom = n_splits - 0.5
        if self.group_codes is not None:
            self.groups_image_ = ax.imshow(
                np.asarray(self.group_codes)[np.newaxis, :],
                aspect="auto",
                cmap="tab20",
                interpolation="nearest",
                extent=(-0.5, n_samples - 0.5, n_splits + 0.5, n_splits - 0.5),
            )
            bottom = n_splits + 0.5
        ax.set_ylim(bottom, -0.5)
        if max_ticks is None:  # labels ~1.6 font sizes apart fit without overlap
            from matplotlib.font_manager import FontProperties

            size = FontProperties(
                size=plt.rcParams["ytick.labelsize"]
            ).get_size_in_points()
            height_pt = ax.get_position().height * ax.figure.get_figheight() * 72
            max_ticks = max(2, int(height_pt / (1.6 * size)))
        step = max(1, int(np.ceil(n_splits / max_ticks)))
        ticks = list(range(0, n_splits, step))
        labels = [str(t) for t in ticks]
        if self.group_codes is not None:
            ticks.append(n_splits)
            labels.append("groups")
        ax.set_yticks(ticks, labels)
        ax.set_xlabel("sample index")
        ax.set_ylabel("split")
        if self.name:
            ax.set_title(self.name)
        handles = [
            Patch(color=c, label=lab) for c, lab in zip(_COLORS, _LABELS, strict=True)
        ]
        self.legend_handles_ = handles[1:] + handles[:1]
        self.legend_ = None
        if not legend:
            return self
        self.legend_ = ax.legend(
            handles=self.legend_handles_,
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=8,
        )
        return self


class BiasVarianceDisplay:
    r"""Bias², variance, noise and expected loss against a complexity parameter.

    Use :meth:`from_estimator` (which runs
    :func:`~skoptim.model_selection.bias_variance_curve`) or :meth:`from_curve`
    (a :class:`~skoptim.model_selection.BiasVarianceCurve` already computed).
    The constructor only stores the curves.

    Parameters
    ----------
    param_name : str
        The swept parameter.
    param_range : list
        Its values.
    expected_loss, bias_term, variance_term : ndarray of shape (n_values,)
        The additive terms (``expected_loss = bias_term + variance_term
        [+ noise_term]``).
    noise_term : ndarray of shape (n_values,) or None, default=None
    loss : {"squared_error", "zero_one"}, default="squared_error"

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    lines_ : dict of str to Line2D
        ``"expected_loss"``, ``"bias"``, ``"variance"`` and (when drawn)
        ``"noise"``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skoptim.model_selection import BiasVarianceDisplay
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-3, 3, size=(200, 1))
    >>> y = np.sin(X[:, 0]) + rng.normal(scale=0.3, size=200)
    >>> disp = BiasVarianceDisplay.from_estimator(
    ...     DecisionTreeRegressor(), X[:100], y[:100], X[100:], y[100:],
    ...     param_name="max_depth", param_range=[1, 3, 10], n_rounds=10,
    ...     random_state=0)
    >>> sorted(disp.lines_)
    ['bias', 'expected_loss', 'variance']
    """

    def __init__(
        self,
        *,
        param_name: str,
        param_range: Sequence[Any],
        expected_loss: Any,
        bias_term: Any,
        variance_term: Any,
        noise_term: Any = None,
        loss: str = "squared_error",
    ) -> None:
        self.param_name = param_name
        self.param_range = param_range
        self.expected_loss = expected_loss
        self.bias_term = bias_term
        self.variance_term = variance_term
        self.noise_term = noise_term
        self.loss = loss

    @classmethod
    def from_curve(
        cls, curve: BiasVarianceCurve, *, ax: Any = None, **plot_kwargs: Any
    ) -> BiasVarianceDisplay:
        """Draw a computed :class:`~skoptim.model_selection.BiasVarianceCurve`.

        Parameters
        ----------
        curve : BiasVarianceCurve
        ax : matplotlib Axes, default=None
        **plot_kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : BiasVarianceDisplay

        Raises
        ------
        TypeError
            If ``curve`` is not a BiasVarianceCurve.
        """
        check_matplotlib_support(f"{cls.__name__}.from_curve")
        if not isinstance(curve, BiasVarianceCurve):
            raise TypeError(
                "from_curve needs the BiasVarianceCurve returned by "
                f"bias_variance_curve; got {type(curve).__name__}."
            )
        disp = cls(
            param_name=curve.param_name,
            param_range=list(curve.param_range),
            expected_loss=curve.expected_loss,
            bias_term=curve.bias_term,
            variance_term=curve.variance_term,
            noise_term=curve.noise_term,
            loss=curve.loss,
        )
        disp.curve_ = curve
        return disp.plot(ax=ax, **plot_kwargs)

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        X_train: Any,
        y_train: Any,
        X_test: Any,
        y_test: Any,
        *,
        param_name: str,
        param_range: Sequence[Any],
        ax: Any = None,
        xscale: str | None = None,
        show_noise: bool = True,
        **curve_kwargs: Any,
    ) -> BiasVarianceDisplay:
        """Run :func:`~skoptim.model_selection.bias_variance_curve` and draw it.

        Parameters
        ----------
        estimator : estimator object
        X_train, y_train, X_test, y_test : array-like
        param_name : str
        param_range : sequence
        ax : matplotlib Axes, default=None
        xscale, show_noise :
            Passed to :meth:`plot`.
        **curve_kwargs
            Passed to :func:`bias_variance_curve` (``loss``, ``n_rounds``,
            ``y_test_true``, ``random_state`` ...). ``loss`` defaults to
            ``"auto"``: ``"zero_one"`` for a classifier, ``"squared_error"``
            otherwise.

        Returns
        -------
        display : BiasVarianceDisplay
            Its ``curve_`` attribute holds the full result.

        Raises
        ------
        ValueError
            As :func:`bias_variance_curve`.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        curve = bias_variance_curve(
            estimator,
            X_train,
            y_train,
            X_test,
            y_test,
            param_name=param_name,
            param_range=param_range,
            **curve_kwargs,
        )
        return cls.from_curve(curve, ax=ax, xscale=xscale, show_noise=show_noise)

    def plot(
        self, ax: Any = None, *, xscale: str | None = None, show_noise: bool = True
    ) -> BiasVarianceDisplay:
        """Draw expected loss, bias, variance (and noise) against the parameter.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
        xscale : {"linear", "log"}, default=None
            None picks "log" for positive numbers spanning more than two
            decades.
        show_noise : bool, default=True
            Draw the noise term when known.

        Returns
        -------
        display : BiasVarianceDisplay

        Raises
        ------
        ValueError
            If ``xscale`` is not "linear", "log" or None.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        if xscale not in (None, "linear", "log"):
            raise ValueError(f"xscale={xscale!r} must be 'linear', 'log' or None.")
        if ax is None:
            _, ax = plt.subplots(figsize=(5.5, 4), layout="constrained")
        self.ax_, self.figure_ = ax, ax.figure
        values = list(self.param_range)
        numeric = all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values
        )
        x = (
            np.asarray(values, float)
            if numeric
            else np.arange(len(values), dtype=float)
        )
        if xscale is None:
            xscale = "linear"
            if numeric and np.all(x > 0) and x.max() / x.min() > 100:
                xscale = "log"
        ax.set_xscale(xscale)
        squared = self.loss == "squared_error"
        self.lines_ = {}
        (self.lines_["expected_loss"],) = ax.plot(
            x, self.expected_loss, "o-", color="k", label="expected loss"
        )
        (self.lines_["bias"],) = ax.plot(
            x, self.bias_term, "s--", color="C0", label="bias²" if squared else "bias"
        )
        (self.lines_["variance"],) = ax.plot(
            x,
            self.variance_term,
            "^--",
            color="C3",
            label="variance" if squared else "net variance",
        )
        if show_noise and self.noise_term is not None:
            (self.lines_["noise"],) = ax.plot(
                x,
                self.noise_term,
                ":",
                color="0.4",
                label="noise (+ cross term)" if squared else "net noise",
            )
        if not numeric:
            ax.set_xticks(x, [str(v) for v in values])
        ax.set_xlabel(self.param_name)
        ax.set_ylabel("squared error" if squared else "0-1 loss")
        ax.legend(fontsize=8)
        return self
