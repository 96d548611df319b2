"""
=================================================
Bagged MLPs with a 90% band, and boosting by stage
=================================================

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
"""

# %%
# Data: a noisy 1-D regression, observed on [-3, 3]
# -------------------------------------------------

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import mean_squared_error

from skoptim.ensemble import (
    AdaBoostRegressor,
    BaggingRegressor,
    GradientBoostingRegressor,
)
from skoptim.neural_network import MLPRegressor
from skoptim.optimizers import Adam

warnings.filterwarnings("ignore", category=ConvergenceWarning)

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

bagging = BaggingRegressor(
    MLPRegressor(
        hidden_layer_sizes=(32, 32), optimizer=Adam(learning_rate=0.01), max_iter=300
    ),
    n_estimators=20,
    max_samples=0.8,
    random_state=0,
).fit(X_train, y_train)

mean, std = bagging.predict(grid, return_std=True)
band = bagging.predict_interval(grid, confidence=0.9)
spread = bagging.predict_interval(grid, confidence=0.9, method="percentile")


def coverage(interval, y):
    return np.mean((y >= interval[:, 0]) & (y <= interval[:, 1]))


jab_cov = coverage(bagging.predict_interval(X_test, confidence=0.9), y_test)
pct_cov = coverage(
    bagging.predict_interval(X_test, confidence=0.9, method="percentile"), y_test
)
print(f"held-out coverage of the 90% jackknife+ band:    {jab_cov:.3f}")
print(f"held-out coverage of the 90% member-percentiles: {pct_cov:.3f}")
print(f"members' std at x=0: {std[200]:.3f}, at x=4.5: {std[-1]:.3f}")

# %%
# The jackknife+ band covers close to 90% of held-out targets drawn like the
# training data; the members' percentile range covers far less, because the
# MLPs agree with each other much more than the data agree with them. Outside
# [-3, 3] (grey in the figure) the exchangeability behind the jackknife+
# guarantee no longer holds and neither band can be trusted, but the members'
# spread widens sharply there, which is what makes it a useful warning sign.

# %%
# Boosting small MLPs: test error by stage
# ----------------------------------------


def weak_mlp():
    return MLPRegressor(
        hidden_layer_sizes=(4,), optimizer="adam", max_iter=100, random_state=0
    )


single_error = mean_squared_error(
    y_test, weak_mlp().fit(X_train, y_train).predict(X_test)
)
gradient_boosting = GradientBoostingRegressor(
    weak_mlp(), n_estimators=30, learning_rate=0.5, random_state=0
).fit(X_train, y_train)
adaboost = AdaBoostRegressor(weak_mlp(), n_estimators=30, random_state=0).fit(
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
# The figure
# ----------

fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.8))
left.fill_between(
    grid[:, 0],
    band[:, 0],
    band[:, 1],
    color="tab:blue",
    alpha=0.2,
    label=f"90% jackknife+ band (held-out coverage {jab_cov:.2f})",
)
left.fill_between(
    grid[:, 0],
    spread[:, 0],
    spread[:, 1],
    color="tab:orange",
    alpha=0.4,
    label=f"members' 5-95% range (coverage {pct_cov:.2f}, not calibrated)",
)
left.scatter(X_train[:, 0], y_train, s=6, color="0.4", label="training data")
left.plot(grid[:, 0], target(grid[:, 0]), "k--", lw=1, label="true function")
left.plot(grid[:, 0], mean, color="tab:blue", lw=2, label="bagged MLPs' mean")
left.axvspan(-4.5, -3, color="0.9", zorder=-1)
left.axvspan(3, 4.5, color="0.9", zorder=-1)
left.set(xlabel="x", ylabel="y", title="Bagging 20 MLPs (grey: no training data)")
left.legend(loc="upper left", fontsize=8)

stages = np.arange(1, 31)
right.plot(stages[: len(gb_errors)], gb_errors, "o-", ms=3, label="gradient boosting")
right.plot(stages[: len(ada_errors)], ada_errors, "s-", ms=3, label="AdaBoost.R2")
right.axhline(single_error, color="tab:red", ls="--", label="one weak MLP")
right.axhline(noise**2, color="0.5", ls=":", label="noise variance")
right.set(
    xlabel="boosting stage",
    ylabel="test MSE",
    title="Boosting MLPs with 4 hidden units",
    yscale="log",
)
right.legend(fontsize=8)
fig.tight_layout()
fig.savefig("plot_bagging_boosting.png", dpi=100)
plt.show()
