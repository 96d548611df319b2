"""
===============================================================
Cross-validating time series: shuffled K-fold versus time order
===============================================================

Can plain K-fold be used on a time series? With shuffling, every test month is
surrounded by training months: the model is trained on the future, and because
neighbouring observations (and here overlapping 12-month-ahead targets) are
correlated, the test fold leaks into the training set. The score is then
optimistic compared with what the model achieves when it really has to forecast.

This example forecasts the Mauna Loa CO2 concentration 12 months ahead from
the last 12 monthly values (statsmodels' ``co2`` data set, bundled, no
download). It cross-validates on the years up to 1992 and then checks each
cross-validation estimate against the truth: the error of the model, fitted
on all those years, on the five **later, unseen** years 1994-1998. The schemes are

* shuffled ``KFold`` (the mistake),
* the splitters of :mod:`skoptim.model_selection`, which respect time order:
  blocked / hv-block K-fold, purged and combinatorial purged K-fold
  (López de Prado), forward chaining over years, blocked forward splits and
  calendar windows.

:class:`skoptim.model_selection.CVSplitDisplay` then draws each splitter's
folds.

Run it as a script to save the figures (``--output DIR`` picks the folder).
"""

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import statsmodels.api as sm
from sklearn.base import clone
from sklearn.linear_model import Ridge
from sklearn.metrics import root_mean_squared_error
from sklearn.model_selection import KFold, cross_val_score
from sklearn.neighbors import KNeighborsRegressor

from skoptim.model_selection import (
    BlockedKFold,
    BlockedTimeSeriesSplit,
    CombinatorialPurgedKFold,
    CVSplitDisplay,
    GroupTimeSeriesSplit,
    PurgedKFold,
    TimeWindowSplit,
)

parser = argparse.ArgumentParser(description="Time-series cross-validation")
parser.add_argument("--output", type=Path, default=Path("."), help="figure folder")
args, _ = parser.parse_known_args()
args.output.mkdir(parents=True, exist_ok=True)

# %%
# Data: monthly CO2, 12 lags, target 12 months ahead
# --------------------------------------------------
LAGS, HORIZON = 12, 12
weekly = sm.datasets.co2.load_pandas().data["co2"].interpolate()
co2 = weekly.resample("MS").mean()
X_all = pd.concat({f"lag{k}": co2.shift(k) for k in range(LAGS)}, axis=1)
y_all = co2.shift(-HORIZON).rename("co2_in_12_months")
keep = X_all.notna().all(axis=1) & y_all.notna()
X_all, y_all = X_all[keep], y_all[keep]

# Cross-validate on the past; keep the next five years as the unseen future.
# The targets of the last HORIZON months before the future lie inside it, so
# those months are dropped: the future stays truly unseen.
SPLIT = pd.Timestamp("1994-01-01")
past = X_all.index < SPLIT - pd.DateOffset(months=HORIZON)
future = (X_all.index >= SPLIT) & (X_all.index < SPLIT + pd.DateOffset(years=5))
X, y = X_all[past], y_all[past]
X_future, y_future = X_all[future], y_all[future]
print(
    f"cross-validation on {len(X)} months ({X.index[0]:%Y-%m} to "
    f"{X.index[-1]:%Y-%m}); the unseen future is {len(X_future)} months "
    f"({X_future.index[0]:%Y-%m} to {X_future.index[-1]:%Y-%m})"
)

# Each target uses the value 12 months later, so the label of the sample at
# month t is only known at t + 12 months: these are the label end times ``t1``
# for the purged splitters (``label_end_times=t1``; not ``groups``, which
# scikit-learn tools read as group labels). ``horizon=HORIZON`` says the same
# thing in rows.
t1 = pd.Series(X.index + pd.DateOffset(months=HORIZON), index=X.index)

# %%
# Cross-validated error against the error on the unseen future
# ------------------------------------------------------------
# ``groups`` carries the group labels of the group-wise forward split (the
# calendar year); the purged splitters carry their label end times themselves.
gap = LAGS + HORIZON
splitters = {
    "shuffled KFold": (KFold(5, shuffle=True, random_state=0), None),
    "BlockedKFold": (BlockedKFold(5, gap_before=gap, gap_after=gap), None),
    "PurgedKFold (t1)": (PurgedKFold(5, embargo=LAGS, label_end_times=t1), None),
    "CombinatorialPurgedKFold": (
        CombinatorialPurgedKFold(6, 2, embargo=LAGS, horizon=HORIZON),
        None,
    ),
    "GroupTimeSeriesSplit (years)": (GroupTimeSeriesSplit(5, gap=1), X.index.year),
    "BlockedTimeSeriesSplit": (BlockedTimeSeriesSplit(5, 0.7, gap=HORIZON), None),
    "TimeWindowSplit (8y/4y)": (
        TimeWindowSplit("2920D", "1460D", gap="365D", expanding=True),
        None,
    ),
}
models = {"Ridge": Ridge(alpha=1.0), "5-NN": KNeighborsRegressor(5)}

rows = []
for name, (cv, groups) in splitters.items():
    row = {"splitter": name, "folds": cv.get_n_splits(X, y, groups)}
    for model_name, model in models.items():
        scores = cross_val_score(
            model, X, y, cv=cv, groups=groups, scoring="neg_root_mean_squared_error"
        )
        row[model_name] = -scores.mean()
    rows.append(row)
table = pd.DataFrame(rows).set_index("splitter")
truth = {
    name: root_mean_squared_error(y_future, clone(model).fit(X, y).predict(X_future))
    for name, model in models.items()
}
print("cross-validated RMSE (ppm):")
print(table.round(3).to_string())
print("RMSE on the unseen future:", {k: round(v, 3) for k, v in truth.items()})

# %%
# Each bar is one scheme's estimate of the error; the dashed line is the error
# the model really makes on the later years. Shuffled K-fold is far below the
# line for both models: it promises an error the forecast never achieves
# (for the nearest-neighbour model, which can only interpolate between
# training months, ten times too small). The schemes that respect time order
# come much closer; they are still a little optimistic because the future
# also lies further from the training years than any of their test folds.
names = list(splitters)
colors = ["tab:red"] + ["tab:blue"] * (len(names) - 1)
fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True, layout="constrained")
for ax, model_name in zip(axes, models, strict=True):
    estimates = table[model_name].to_numpy()
    ax.barh(np.arange(len(names)), estimates, color=colors, alpha=0.85)
    ax.axvline(truth[model_name], color="k", ls="--", lw=1.5)
    ax.annotate(
        f"error on the unseen\nfuture: {truth[model_name]:.2f}",
        (truth[model_name], 1.0),
        xycoords=("data", "axes fraction"),
        xytext=(4, -4),
        textcoords="offset points",
        va="top",
        fontsize=8,
    )
    xmax = 1.6 * max(estimates.max(), truth[model_name])
    for i, v in enumerate(estimates):
        inside = v > 0.15 * xmax  # short bars get their value outside
        ax.text(
            v,
            i,
            f"{v:.2f} " if inside else f" {v:.2f}",
            va="center",
            ha="right" if inside else "left",
            color="w" if inside else "k",
            fontsize=8,
        )
    ax.set_xlim(0, xmax)
    ax.set(xlabel="cross-validated RMSE (ppm)", title=model_name)
axes[0].set_yticks(np.arange(len(names)), names)
axes[0].invert_yaxis()
fig.suptitle(
    "Each scheme's CV estimate (bars) against the error on the unseen future "
    "(dashed): shuffled K-fold (red) is optimistic"
)
fig.savefig(args.output / "time_series_cv_estimates.png", dpi=90)

# %%
# What the folds look like
# ------------------------
# One panel per splitter, one legend for all.
fig, axes = plt.subplots(
    len(splitters), 1, figsize=(9, 2.0 * len(splitters)), layout="constrained"
)
for ax, (name, (cv, groups)) in zip(axes, splitters.items(), strict=True):
    disp = CVSplitDisplay.from_splitter(
        cv, X, y, groups=groups, name=name, ax=ax, legend=False
    )
    ax.set_xlabel("")
axes[-1].set_xlabel("month index")
fig.legend(
    handles=disp.legend_handles_, loc="outside upper center", ncols=3, fontsize=9
)
fig.savefig(args.output / "time_series_cv_folds.png", dpi=80)
plt.show()
