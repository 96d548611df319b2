"""Prediction intervals of a bagging regressor."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils.validation import check_is_fitted

__all__ = ["PredictionIntervalDisplay"]


class PredictionIntervalDisplay:
    """Bagging's mean, the members' spread and the jackknife+ interval.

    Two views:

    * ``against="feature"``: the mean prediction, the band of the members'
      spread (mean ± ``n_std`` standard deviations of the members'
      predictions, not calibrated) and the jackknife+ interval against one
      input feature, with the observed targets as dots;
    * ``against="observed"``: each prediction's interval against the observed
      target, with the diagonal; targets outside their interval are red.

    When targets are given, the legend reports the empirical coverage of
    each band (the fraction of targets inside it). Use :meth:`from_estimator`;
    the constructor only stores the arrays.

    Parameters
    ----------
    x : ndarray of shape (n_samples,)
        The values on the horizontal axis: a feature, or the observed target.
    y_mean : ndarray of shape (n_samples,)
        Mean prediction (``predict(X)``).
    y_std : ndarray of shape (n_samples,)
        Members' standard deviation (``predict(X, return_std=True)[1]``).
    interval : ndarray of shape (n_samples, 2)
        Jackknife+ interval (``predict_interval(X)``).
    y_true : ndarray of shape (n_samples,) or None, default=None
        Observed targets.
    confidence : float, default=0.9
        Nominal level of ``interval``.
    n_std : float, default=2.0
        Width of the spread band in standard deviations.
    against : {"feature", "observed"}, default="feature"
    xlabel : str, default="x"

    Attributes
    ----------
    ax_ : matplotlib Axes
    figure_ : matplotlib Figure
    mean_line_ : Line2D or None
        The mean prediction (feature view).
    interval_ : PolyCollection or LineCollection
        The jackknife+ band (feature view) or the interval bars (observed view).
    spread_ : PolyCollection or None
        The members' band (feature view).
    scatter_ : PathCollection or list of PathCollection or None
        The observed targets.
    coverage_ : dict of str to float
        Empirical coverage of ``"interval"`` and ``"spread"`` (empty without
        targets).

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.ensemble import BaggingRegressor, PredictionIntervalDisplay
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-3, 3, size=(200, 1))
    >>> y = np.sin(X[:, 0]) + 0.3 * rng.randn(200)
    >>> bag = BaggingRegressor(n_estimators=20, random_state=0).fit(X, y)
    >>> disp = PredictionIntervalDisplay.from_estimator(bag, X, y)
    >>> sorted(disp.coverage_)
    ['interval', 'spread']
    """

    def __init__(
        self,
        *,
        x: Any,
        y_mean: Any,
        y_std: Any,
        interval: Any,
        y_true: Any = None,
        confidence: float = 0.9,
        n_std: float = 2.0,
        against: str = "feature",
        xlabel: str = "x",
    ) -> None:
        self.x = x
        self.y_mean = y_mean
        self.y_std = y_std
        self.interval = interval
        self.y_true = y_true
        self.confidence = confidence
        self.n_std = n_std
        self.against = against
        self.xlabel = xlabel

    @classmethod
    def from_estimator(
        cls,
        estimator: Any,
        X: Any,
        y: Any = None,
        *,
        against: str = "auto",
        feature: int | str = 0,
        confidence: float = 0.9,
        n_std: float = 2.0,
        ax: Any = None,
    ) -> PredictionIntervalDisplay:
        """Predict with a fitted bagging regressor and draw its bands.

        Parameters
        ----------
        estimator : BaggingRegressor
            Fitted, single-output, with ``predict(X, return_std=True)`` and
            ``predict_interval``.
        X : array-like of shape (n_samples, n_features)
            Where to predict (a grid, or held-out rows).
        y : array-like of shape (n_samples,), default=None
            Observed targets at ``X``: drawn, and used for the coverage.
        against : {"auto", "feature", "observed"}, default="auto"
            "auto" is "feature" for one-feature ``X``, else "observed"
            (which needs ``y``).
        feature : int or str, default=0
            Column of ``X`` (index, or name for a DataFrame) for the
            feature view.
        confidence : float, default=0.9
            Level of the jackknife+ interval.
        n_std : float, default=2.0
            Width of the members' band in standard deviations.
        ax : matplotlib Axes, default=None

        Returns
        -------
        display : PredictionIntervalDisplay

        Raises
        ------
        TypeError
            If ``estimator`` has no ``predict_interval``.
        ValueError
            If ``against`` is invalid, ``"observed"`` is asked without ``y``,
            ``y`` does not match ``X``, or the estimator has several outputs.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        if not hasattr(estimator, "predict_interval"):
            hint = (
                " scikit-learn's ensembles have no predict_interval: use "
                "skoptim.ensemble.BaggingRegressor."
                if type(estimator).__module__.startswith("sklearn.")
                else ""
            )
            raise TypeError(
                "PredictionIntervalDisplay needs a fitted skoptim BaggingRegressor "
                f"(with predict_interval); got {_qualname(estimator)}.{hint}"
            )
        check_is_fitted(estimator)
        if against not in ("auto", "feature", "observed"):
            raise ValueError(
                f"against must be 'auto', 'feature' or 'observed'; got {against!r}."
            )
        n_features = np.shape(X)[1] if np.ndim(X) == 2 else 1
        if against == "auto":
            against = "feature" if n_features == 1 else "observed"
        if against == "observed" and y is None:
            raise ValueError("against='observed' needs the observed targets y.")
        mean, std = estimator.predict(X, return_std=True)
        interval = estimator.predict_interval(X, confidence=confidence)
        if np.ndim(mean) != 1:
            raise ValueError(
                "PredictionIntervalDisplay draws single-output regressors; the "
                f"predictions have shape {np.shape(mean)}."
            )
        if y is not None:
            y = np.asarray(y, dtype=float).reshape(-1)
            if y.shape != mean.shape:
                raise ValueError(
                    f"y has {y.shape[0]} values for {mean.shape[0]} rows of X."
                )
        if against == "feature":
            if hasattr(X, "iloc"):
                col = X[feature] if isinstance(feature, str) else X.iloc[:, feature]
                x, xlabel = np.asarray(col, dtype=float), str(col.name)
            else:
                x = np.asarray(X, dtype=float).reshape(len(mean), -1)[:, feature]
                xlabel = f"feature {feature}" if n_features > 1 else "x"
        else:
            x, xlabel = y, "observed y"
        disp = cls(
            x=x,
            y_mean=mean,
            y_std=std,
            interval=interval,
            y_true=y,
            confidence=confidence,
            n_std=n_std,
            against=against,
            xlabel=xlabel,
        )
        return disp.plot(ax=ax)

    def plot(self, ax: Any = None) -> PredictionIntervalDisplay:
        """Draw the bands.

        Parameters
        ----------
        ax : matplotlib Axes, default=None

        Returns
        -------
        display : PredictionIntervalDisplay

        Raises
        ------
        ValueError
            If ``against`` is neither "feature" nor "observed".
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        if self.against not in ("feature", "observed"):
            raise ValueError(
                f"against must be 'feature' or 'observed'; got {self.against!r}."
            )
        if ax is None:
            _, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
        self.ax_, self.figure_ = ax, ax.figure
        x = np.asarray(self.x, dtype=float)
        mean = np.asarray(self.y_mean, dtype=float)
        std = np.asarray(self.y_std, dtype=float)
        lo, hi = np.asarray(self.interval, dtype=float).T
        spread_lo, spread_hi = mean - self.n_std * std, mean + self.n_std * std
        y = None if self.y_true is None else np.asarray(self.y_true, dtype=float)
        self.coverage_ = {}
        cov_i = cov_s = ""
        if y is not None:
            inside = (y >= lo) & (y <= hi)
            self.coverage_ = {
                "interval": float(inside.mean()),
                "spread": float(((y >= spread_lo) & (y <= spread_hi)).mean()),
            }
            cov_i = f", coverage {self.coverage_['interval']:.2f}"
            cov_s = f", coverage {self.coverage_['spread']:.2f}"
        level = f"{100 * self.confidence:g}%"
        self.mean_line_ = self.spread_ = self.scatter_ = None
        if self.against == "feature":
            order = np.argsort(x, kind="stable")
            xs = x[order]
            self.interval_ = ax.fill_between(
                xs,
                lo[order],
                hi[order],
                color="C0",
                alpha=0.2,
                lw=0,
                label=f"{level} jackknife+ interval{cov_i}",
            )
            self.spread_ = ax.fill_between(
                xs,
                spread_lo[order],
                spread_hi[order],
                color="C1",
                alpha=0.45,
                lw=0,
                label=f"members' mean ± {self.n_std:g} std (not calibrated{cov_s})",
            )
            (self.mean_line_,) = ax.plot(
                xs, mean[order], color="C0", lw=2, label="bagged mean"
            )
            if y is not None:
                many = len(y) > 500  # keep the bands visible under many dots
                self.scatter_ = ax.scatter(
                    x,
                    y,
                    s=3 if many else 6,
                    alpha=0.4 if many else 0.8,
                    color="0.2",
                    zorder=3,
                    label="observed",
                )
            ax.set(xlabel=self.xlabel, ylabel="y")
        else:
            inside = (y >= lo) & (y <= hi)
            self.interval_ = ax.vlines(
                y,
                lo,
                hi,
                color="C0",
                alpha=0.35,
                lw=1,
                label=f"{level} jackknife+ interval{cov_i}",
            )
            self.scatter_ = [
                ax.scatter(
                    y[inside],
                    mean[inside],
                    s=8,
                    color="C0",
                    label="prediction, target inside",
                ),
                ax.scatter(
                    y[~inside],
                    mean[~inside],
                    s=10,
                    color="C3",
                    label="prediction, target outside",
                ),
            ]
            bounds = [min(y.min(), lo.min()), max(y.max(), hi.max())]
            ax.plot(bounds, bounds, "k--", lw=1, label="prediction = observed")
            ax.set(xlabel=self.xlabel, ylabel="predicted y")
        ax.legend(fontsize=8, loc="best")
        return self


def _qualname(obj) -> str:
    """``module.Class`` of an object, without private module parts."""
    parts = type(obj).__module__.split(".")
    while len(parts) > 1 and parts[-1].startswith("_"):
        parts.pop()
    return ".".join([*parts, type(obj).__qualname__])
