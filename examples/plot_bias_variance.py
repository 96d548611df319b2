"""
========================================
Bias–variance decomposition and U-curves
========================================

The expected test error of a learning algorithm splits into a bias term (how
far the average model is from the truth), a variance term (how much the model
changes with the training set) and noise.
:func:`skoptim.model_selection.bias_variance_decomposition` estimates them by
refitting the estimator on many training sets;
:func:`~skoptim.model_selection.bias_variance_curve` repeats this along one
complexity parameter, and :class:`~skoptim.model_selection.BiasVarianceDisplay`
draws the classic U-curve.

Because the data here are synthetic, we know the noise-free target
:math:`f(x) = \\sin(2x)` and pass it as ``y_test_true``: bias is then measured
against :math:`f`, and the noise :math:`\\sigma^2 = 0.25` is recovered
separately. The identity

.. math::

    \\text{expected\\_loss} = \\text{bias}^2 + \\text{variance} + \\text{noise}
    + \\text{cross\\_term}

holds exactly; the cross term has mean zero over the test noise and is small.

The decomposition asks how the model varies over *independent* training
sets. With synthetic data we can draw them; with one real data set we can only
bootstrap it, and this example shows what that changes.

Run it as a script to save the figures (``--output DIR`` picks the folder).
"""

import argparse
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skoptim.model_selection import (
    BiasVarianceDisplay,
    bias_variance_curve,
    bias_variance_decomposition,
)
from skoptim.neural_network import MLPRegressor

parser = argparse.ArgumentParser(description="Bias-variance decomposition")
parser.add_argument("--output", type=Path, default=Path("."), help="figure folder")
args, _ = parser.parse_known_args()
args.output.mkdir(parents=True, exist_ok=True)

rng = np.random.RandomState(0)
sigma = 0.5
N_TRAIN = 150


def make_data(n):
    X = rng.uniform(-3, 3, size=(n, 1))
    f = np.sin(2 * X[:, 0])
    return X, f, f + rng.normal(scale=sigma, size=n)


# A large pool from the same distribution: subsamples of 150 rows drawn from it
# without replacement are (nearly) independent training sets.
X_pool, _, y_pool = make_data(5000)
X_train, y_train = X_pool[:N_TRAIN], y_pool[:N_TRAIN]  # "the" data set
X_test, f_test, y_test = make_data(1000)

# %%
# One decomposition
# -----------------
# A depth-3 regression tree, 100 training sets of 150 rows.
res = bias_variance_decomposition(
    DecisionTreeRegressor(max_depth=3),
    X_pool,
    y_pool,
    X_test,
    y_test,
    y_test_true=f_test,
    max_samples=N_TRAIN,
    bootstrap=False,
    n_rounds=100,
    random_state=0,
)
print(f"expected loss {res.expected_loss:.4f}")
print(f"  = bias^2 {res.bias_squared:.4f} + variance {res.variance:.4f}")
print(f"  + noise {res.noise:.4f} (true {sigma**2}) + cross {res.cross_term:+.4f}")

# %%
# The U-curve over tree depth: independent training sets
# ------------------------------------------------------
# Shallow trees underfit (high bias), deep trees overfit (high variance). The
# same training sets are used for every depth.
depths = [1, 2, 3, 4, 6, 8, 12]
common = dict(
    param_name="max_depth",
    param_range=depths,
    y_test_true=f_test,
    n_rounds=100,
    random_state=0,
)
fresh = bias_variance_curve(
    DecisionTreeRegressor(),
    X_pool,
    y_pool,
    X_test,
    y_test,
    max_samples=N_TRAIN,
    bootstrap=False,
    **common,
)

# %%
# The same curve from bootstraps of one data set
# ----------------------------------------------
# With only one training set of 150 rows, the training sets are bootstrap
# resamples of it. Now bias² *rises* with depth. This is an artefact of the
# bootstrap, not of trees: every resample carries the same noise, that of the
# one data set. A deep tree follows that noise, so the average of the deep
# trees follows it too; their "main prediction" is then off from
# :math:`f`, and the deviation is booked as bias. Over independent training
# sets the noise differs from set to set, averages out of the main
# prediction, and shows up where it belongs, as variance (compare the variance
# of the deep trees in the two panels).
boot = bias_variance_curve(
    DecisionTreeRegressor(), X_train, y_train, X_test, y_test, **common
)

fig, axes = plt.subplots(2, 2, figsize=(11, 8), layout="constrained")
BiasVarianceDisplay.from_curve(fresh, ax=axes[0, 0])
axes[0, 0].set_title("Independent training sets of 150: the textbook U")
BiasVarianceDisplay.from_curve(boot, ax=axes[0, 1])
axes[0, 1].set_title("Bootstraps of one set of 150: bias² rises (artefact)")
ymax = max(axes[0, 0].get_ylim()[1], axes[0, 1].get_ylim()[1])
for ax in axes[0]:
    ax.set_ylim(0, ymax)

# %%
# Where the model errs
# --------------------
# The per-sample arrays show it: the average depth-1 tree (a stump) is a
# step that cannot follow the sine, so its bias² is large near the peaks; the
# deep tree's variance is spread everywhere.
order = np.argsort(X_test[:, 0])
x_sorted = X_test[order, 0]
stump, deep = fresh.results[0], fresh.results[-1]
ax = axes[1, 0]
ax.plot(x_sorted, f_test[order], "k-", lw=2, label="f(x)")
ax.plot(x_sorted, stump.main_prediction[order], label="average stump (depth 1)")
ax.plot(x_sorted, deep.main_prediction[order], label="average deep tree (depth 12)")
ax.set(xlabel="x", ylabel="prediction", title="Average models against the truth")
ax.legend(fontsize=8)
ax = axes[1, 1]
ax.plot(x_sorted, stump.bias_squared_per_sample[order], label="stump: bias²")
ax.plot(x_sorted, deep.variance_per_sample[order], label="deep tree: variance")
ax.set(
    xlabel="x",
    ylabel="squared error at x",
    title="Per-sample bias² and variance",
)
ax.legend(fontsize=8)
fig.savefig(args.output / "bias_variance_trees.png", dpi=80)

# %%
# Number of hidden units of a neural network
# ------------------------------------------
# With skoptim's MLPRegressor, ``random_state=None`` lets every refit start from
# a different (but reproducible) initialisation, so the variance includes the
# randomness of training as well as that of the data. Do not expect the tree's
# U-shape here: for neural networks the variance often *falls* as the network
# gets wider (Neal et al., 2018, "A modern take on the bias-variance tradeoff
# in neural networks"), because narrow networks land in very different
# solutions from one refit to the next.
with warnings.catch_warnings():
    # 200 iterations keep the example fast; some fits stop before converging.
    warnings.simplefilter("ignore", ConvergenceWarning)
    mlp = BiasVarianceDisplay.from_estimator(
        MLPRegressor(hidden_layer_sizes=(16,), max_iter=200, random_state=None),
        X_pool,
        y_pool,
        X_test,
        y_test,
        param_name="hidden_layer_sizes",
        param_range=[(1,), (4,), (16,), (64,)],
        y_test_true=f_test,
        max_samples=N_TRAIN,
        bootstrap=False,
        n_rounds=20,
        random_state=0,
    )
mlp.ax_.set_title("MLP, independent training sets of 150: hidden units")
mlp.figure_.savefig(args.output / "bias_variance_mlp.png", dpi=80)

# %%
# 0-1 loss with string labels (Domingos, 2000)
# --------------------------------------------
# For classifiers the main prediction is the most frequent label; the loss is
# bias + net variance, where variance on points the main prediction gets wrong
# *reduces* the error.
Xc = rng.uniform(-3, 3, size=(1200, 1))
labels = np.where(np.sin(2 * Xc[:, 0]) > 0, "up", "down")
flip = rng.uniform(size=len(Xc)) < 0.1
yc = np.where(flip, np.where(labels == "up", "down", "up"), labels)
for depth in (1, None):
    r = bias_variance_decomposition(
        DecisionTreeClassifier(max_depth=depth),
        Xc[:200],
        yc[:200],
        Xc[200:],
        yc[200:],
        loss="zero_one",
        y_test_true=labels[200:],
        n_rounds=100,
        random_state=0,
    )
    print(
        f"max_depth={depth}: loss {r.expected_loss:.3f} = net noise "
        f"{r.net_noise:.3f} + bias {r.bias:.3f} + net variance "
        f"{r.net_variance:.3f} (unbiased {r.unbiased_variance:.3f}, biased "
        f"{r.biased_variance:.3f})"
    )
plt.show()
