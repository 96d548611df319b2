"""
==================================================
Bagged MLPs with a 90% band, and boosting by stage
==================================================

Two ways of combining models, with skoptim's own MLP as the base learner.

**Bagging** (:class:`skoptim.ensemble.BaggingRegressor`) fits 20 MLPs, each on
a bootstrap sample of 80% of the rows, and averages them. Two kinds of
uncertainty come with it:

* the *jackknife+-after-bootstrap* interval (Kim, Xu & Barber 2020), built
  from the out-of-bag residuals, which is calibrated: about 90% of new targets
  fall inside the 90% band;
* the spread of the members (``predict(X, return_std=True)`` or the
  percentile interval), which only says how much the MLPs disagree. It is not
  calibrated (it ignores the noise in the target) but it grows away from the
  training data, which flags extrapolation.

**Boosting** fits small, deliberately weak MLPs one after the other, each
focusing on what the previous ones got wrong:
:class:`skoptim.ensemble.GradientBoostingRegressor` fits each MLP to the
residuals of the current ensemble; :class:`skoptim.ensemble.AdaBoostRegressor`
(AdaBoost.R2) reweights the samples. Their test error after each stage is
drawn beside the error of one such MLP alone.

Run it as a script to save the figures (``--output DIR`` picks the folder).
"""

# %%
# Data: a noisy 1-D regression, observed on [-3, 3]
# -------------------------------------------------

import argparse
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import mean_squared_error

from skoptim.ensemble import (
    AdaBoostRegressor,
    BaggingRegressor,
    GradientBoostingRegressor,
    PredictionIntervalDisplay,
)
from skoptim.neural_network import MLPRegressor
from skoptim.optimizers import Adam

warnings.filterwarnings("ignore", category=ConvergenceWarning)
parser = argparse.ArgumentParser(description="Bagging and boosting MLPs")
parser.add_argument("--output", type=Path, default=Path("."), help="figure folder")
args, _ = parser.parse_known_args()
args.output.mkdir(parents=True, exist_ok=True)

rng = np.random.RandomState(0)
noise = 0.3


def target(x):
    return np.sin(2 * x) + 0.5 * x


X_train = rng.uniform(-3, 3, size=(300, 1))
y_train = target(X_train[:, 0]) + noise * rng.standard_normal(300)
X_test = rng.uniform(-3, 3, size=(2000, 1))
y_test = target(X_test[:, 0]) + noise * rng.standard_normal(2000)
grid = np.linspace(-4.5, 4.5, 400)[:, np.newaxis]

# %%
# Bagged MLPs and their 90% bands
# -------------------------------
# :class:`~skoptim.ensemble.PredictionIntervalDisplay` draws the bagged mean,
# the members' spread (mean ± 2 standard deviations of the 20 MLPs) and the
# jackknife+ interval, and reports in the legend how many held-out targets
# fall inside each band.

bagging = BaggingRegressor(
    MLPRegressor(
        hidden_layer_sizes=(32, 32), optimizer=Adam(learning_rate=0.01), max_iter=300
    ),
    n_estimators=20,
    max_samples=0.8,
    random_state=0,
).fit(X_train, y_train)

fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8), layout="constrained")
held_out = PredictionIntervalDisplay.from_estimator(
    bagging, X_test, y_test, confidence=0.9, ax=left
)
left.plot(grid[100:300, 0], target(grid[100:300, 0]), "k--", lw=1, label="f(x)")
left.legend(loc="upper left", fontsize=8)
left.set_title("Held-out data: the jackknife+ band is calibrated")
print(f"held-out coverage: {held_out.coverage_}")

# %%
# Away from the data, only the members' spread warns
# --------------------------------------------------
# Outside [-3, 3] (grey) there are no training rows: the exchangeability
# behind the jackknife+ guarantee no longer holds and neither band can be
# trusted, but the members' spread widens sharply there, which is what makes
# it a useful warning sign.
wide = PredictionIntervalDisplay.from_estimator(bagging, grid, confidence=0.9, ax=right)
right.scatter(X_train[:, 0], y_train, s=5, color="0.4", label="training data")
right.plot(grid[:, 0], target(grid[:, 0]), "k--", lw=1, label="f(x)")
right.axvspan(-4.5, -3, color="0.9", zorder=-1)
right.axvspan(3, 4.5, color="0.9", zorder=-1)
right.legend(loc="upper left", fontsize=8)
right.set_title("Extrapolation (grey: no training data)")
std = wide.y_std
print(f"members' std at x=0: {std[200]:.3f}, at x=4.5: {std[-1]:.3f}")
fig.savefig(args.output / "bagging_intervals.png", dpi=80)

# %%
# Boosting small MLPs: test error by stage
# ----------------------------------------


def weak_mlp():
    return MLPRegressor(
        hidden_layer_sizes=(4,), optimizer="adam", max_iter=100, random_state=0
    )


N_STAGES = 30
single_error = mean_squared_error(
    y_test, weak_mlp().fit(X_train, y_train).predict(X_test)
)
gradient_boosting = GradientBoostingRegressor(
    weak_mlp(), n_estimators=N_STAGES, learning_rate=0.5, random_state=0
).fit(X_train, y_train)
adaboost = AdaBoostRegressor(weak_mlp(), n_estimators=N_STAGES, random_state=0).fit(
    X_train, y_train
)
gb_errors = [
    mean_squared_error(y_test, p) for p in gradient_boosting.staged_predict(X_test)
]
ada_errors = [mean_squared_error(y_test, p) for p in adaboost.staged_predict(X_test)]
print(f"one weak MLP: test MSE {single_error:.3f}")
print(f"gradient boosting, {len(gb_errors)} stages: test MSE {gb_errors[-1]:.3f}")
print(f"AdaBoost.R2, {len(ada_errors)} stages: test MSE {ada_errors[-1]:.3f}")
print(f"noise variance (the floor): {noise**2:.3f}")

# %%
# Why AdaBoost stops early
# ------------------------
# AdaBoost.R2 gives each round the weight :math:`\log(1/\beta_m)` with
# :math:`\beta_m = \bar L_m / (1 - \bar L_m)`, where :math:`\bar L_m` is the
# round's weighted average loss (``estimator_errors_``). Each round moves the
# sample weights onto the rows the ensemble gets wrong, so the next weak MLP
# faces a harder weighted problem and :math:`\bar L_m` climbs. Once a round
# is no better than chance, :math:`\bar L_m \ge 0.5`, its weight would be
# zero or negative, and boosting stops there, with fewer than the
# ``n_estimators`` asked for. Gradient boosting has no such rule: it keeps
# fitting residuals until ``n_estimators``.
n_ada = len(ada_errors)
fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.5), layout="constrained")
stages = np.arange(1, N_STAGES + 1)
left.plot(stages[: len(gb_errors)], gb_errors, "o-", ms=3, label="gradient boosting")
left.plot(stages[:n_ada], ada_errors, "s-", ms=3, label="AdaBoost.R2")
left.axvline(n_ada, color="C1", ls=":", lw=1)
left.annotate(
    f"AdaBoost stops\nafter {n_ada} rounds",
    (n_ada, 0.13),
    xytext=(5, 0),
    textcoords="offset points",
    fontsize=8,
    color="C1",
)
left.axhline(single_error, color="tab:red", ls="--", label="one weak MLP")
left.axhline(noise**2, color="0.5", ls=":", label="noise variance (the floor)")
left.set_yscale("log")
ticks = [0.1, 0.2, 0.3, 0.5, 0.8]
left.set_yticks(ticks, [f"{t:g}" for t in ticks])
left.minorticks_off()
left.set_ylim(0.07, 0.9)
left.set(
    xlabel="boosting stage",
    ylabel="test MSE (log scale)",
    title="Boosting MLPs with 4 hidden units",
    xlim=(0, N_STAGES + 1),
)
left.legend(fontsize=8, loc="upper right")

# ``estimator_errors_`` holds the kept rounds; the round that reached 0.5 is
# discarded (and recorded as 1, "not run").
run = adaboost.estimator_errors_[:n_ada]
right.plot(np.arange(1, n_ada + 1), run, "s-", ms=4, color="C1", label="kept rounds")
if n_ada < N_STAGES:
    right.annotate(
        f"round {n_ada + 1}: $\\bar L \\geq 0.5$,\ndiscarded; boosting stops",
        (n_ada + 1, 0.5),
        xytext=(n_ada + 2, 0.3),
        arrowprops={"arrowstyle": "->"},
        fontsize=8,
    )
    right.plot(n_ada + 1, 0.5, "x", color="C3", ms=10, mew=2)
right.axhline(0.5, color="k", ls="--", label="0.5: no better than chance")
right.set(
    xlabel="AdaBoost round m",
    ylabel="weighted average loss $\\bar L_m$",
    title="AdaBoost.R2 stops when a round reaches $\\bar L_m \\geq 0.5$",
    xlim=(0, N_STAGES + 1),
    ylim=(0, 0.6),
)
right.legend(fontsize=8, loc="lower right")
fig.savefig(args.output / "boosting_stages.png", dpi=80)
plt.show()
