"""
=========================================
Bias–variance decomposition and U-curves
=========================================

The expected test error of a learning algorithm splits into a bias term (how
far the average model is from the truth), a variance term (how much the model
changes with the training set) and noise. :func:`skoptim.model_selection.
bias_variance_decomposition` estimates them by refitting the estimator on
bootstrap resamples of the training set; :func:`~skoptim.model_selection.
bias_variance_curve` repeats this along one complexity parameter and draws the
classic U-curve.

Because the data here are synthetic, we know the noise-free target
:math:`f(x) = \\sin(2x)` and pass it as ``y_test_true``: bias is then measured
against :math:`f`, and the noise :math:`\\sigma^2 = 0.25` is recovered
separately. The identity

.. math::

    \\text{expected\\_loss} = \\text{bias}^2 + \\text{variance} + \\text{noise}
    + \\text{cross\\_term}

holds exactly; the cross term has mean zero over the test noise and is small.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skoptim.model_selection import (
    bias_variance_curve,
    bias_variance_decomposition,
)
from skoptim.neural_network import MLPRegressor

rng = np.random.RandomState(0)
sigma = 0.5


def make_data(n):
    X = rng.uniform(-3, 3, size=(n, 1))
    f = np.sin(2 * X[:, 0])
    return X, f, f + rng.normal(scale=sigma, size=n)


X_train, _, y_train = make_data(150)
X_test, f_test, y_test = make_data(2000)

# %%
# One decomposition
# -----------------
# A depth-3 regression tree, 100 bootstrap refits.
res = bias_variance_decomposition(
    DecisionTreeRegressor(max_depth=3),
    X_train,
    y_train,
    X_test,
    y_test,
    y_test_true=f_test,
    n_rounds=100,
    random_state=0,
)
print(f"expected loss {res.expected_loss:.4f}")
print(f"  = bias^2 {res.bias_squared:.4f} + variance {res.variance:.4f}")
print(f"  + noise {res.noise:.4f} (true {sigma**2}) + cross {res.cross_term:+.4f}")

# %%
# The U-curve over tree depth
# ---------------------------
# Shallow trees underfit (high bias), deep trees overfit (high variance). The
# same bootstrap draws are used for every depth.
curve = bias_variance_curve(
    DecisionTreeRegressor(),
    X_train,
    y_train,
    X_test,
    y_test,
    param_name="max_depth",
    param_range=[1, 2, 3, 4, 6, 8, 12],
    y_test_true=f_test,
    n_rounds=100,
    random_state=0,
)
fig, axes = plt.subplots(1, 3, figsize=(15, 4))
curve.plot(ax=axes[0])
axes[0].set_title("Regression tree: squared error")

# Per-sample arrays show where the model errs: bias is largest near the peaks
# of the sine that a shallow tree cannot follow.
order = np.argsort(X_test[:, 0])
shallow = curve.results[0]
axes[1].plot(X_test[order, 0], f_test[order], "k-", label="f(x)")
axes[1].plot(X_test[order, 0], shallow.main_prediction[order], label="mean stump")
axes[1].plot(
    X_test[order, 0], shallow.bias_squared_per_sample[order], label="stump bias²"
)
axes[1].plot(
    X_test[order, 0],
    curve.results[-1].variance_per_sample[order],
    label="deep tree variance",
)
axes[1].set_xlabel("x")
axes[1].legend()
axes[1].set_title("Per-sample terms")

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
    mlp_curve = bias_variance_curve(
        MLPRegressor(hidden_layer_sizes=(16,), max_iter=200, random_state=None),
        X_train,
        y_train,
        X_test,
        y_test,
        param_name="hidden_layer_sizes",
        param_range=[(1,), (4,), (16,), (64,)],
        y_test_true=f_test,
        n_rounds=20,
        random_state=0,
    )
mlp_curve.plot(ax=axes[2])
axes[2].set_title("MLP: hidden units")

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

fig.tight_layout()
plt.show()
