"""
===========================================================
Sharp and flat minima: batch size, sharpness and SAM
===========================================================

Keskar et al. (2017) observed that networks trained with large batches end in
*sharper* minima of the training loss than those trained with small batches,
and generalise worse. Sharpness-aware minimization (SAM, Foret et al. 2021)
was designed to seek flat minima on purpose.

This example reproduces both claims at a size that runs in seconds. The same
network (one hidden layer of 64 tanh units, the same initialisation per seed)
is trained on 64 noisy samples of a non-linear function of 5 features, always
with SGD whose learning rate is annealed from 0.1 to 0 by a cosine schedule
over the **same number of updates** (2000), so only the batch size and the
optimizer wrapper differ:

* small batches of 4 (125 epochs),
* the full batch of 64 (2000 epochs),
* each with and without ``SAM(rho=0.05)`` around the same SGD.

:func:`skoptim.inspection.sharpness` measures Keskar et al.'s
:math:`\\epsilon`-sharpness of each minimum (:math:`\\epsilon = 10^{-3}`, the
largest relative rise of the training loss in the box
:math:`|z_i| \\le \\epsilon(|w_i| + 1)`, in percent), and
:func:`skoptim.inspection.loss_landscape` draws 1-D slices of the loss along a
filter-normalised random directions (Li et al. 2018) for one seed.

The training losses are close but not equal (small batches fit a little
less): read the sharpness together with the loss column. The test
:math:`R^2` on 2000 fresh samples moves in the direction Keskar et al. report
(flatter, better), but by little at this size; the sharpness differences are
the robust part.
"""

import warnings

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from skoptim import MLPRegressor
from skoptim.inspection import loss_landscape, sharpness
from skoptim.optimizers import SAM, SGD
from skoptim.schedules import CosineAnnealing

N_TRAIN, N_FEATURES, N_STEPS, LEARNING_RATE = 64, 5, 2000, 0.1
SEEDS = range(5)
SETTINGS = {  # name: (batch size, SAM radius or None)
    "small batch (4)": (4, None),
    "full batch (64)": (N_TRAIN, None),
    "full batch + SAM": (N_TRAIN, 0.05),
    "small batch + SAM": (4, 0.05),
}


def make_data(seed, n_test=2000):
    rng = np.random.RandomState(seed)
    direction = rng.normal(size=N_FEATURES)
    direction /= np.linalg.norm(direction)
    X = rng.normal(size=(N_TRAIN + n_test, N_FEATURES))
    y = np.sin(X @ direction) + 0.3 * rng.normal(size=len(X))
    return X[:N_TRAIN], y[:N_TRAIN], X[N_TRAIN:], y[N_TRAIN:]


def train(X, y, batch_size, rho, seed):
    """SGD, cosine-annealed over N_STEPS updates, optionally wrapped in SAM."""
    epochs = N_STEPS * batch_size // len(X)
    optimizer = SGD(CosineAnnealing(LEARNING_RATE, t_max=epochs))
    if rho is not None:
        optimizer = SAM(optimizer, rho=rho)
    net = MLPRegressor(
        (64,),
        activation="tanh",
        optimizer=optimizer,
        batch_size=batch_size,
        max_iter=epochs,
        n_iter_no_change=epochs + 1,  # train for exactly `epochs` epochs
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return net.fit(X, y)


# %%
# Train and measure
# -----------------
rows, models = [], {}
for seed in SEEDS:
    X, y, X_test, y_test = make_data(seed)
    for name, (batch_size, rho) in SETTINGS.items():
        net = train(X, y, batch_size, rho, seed)
        models[name, seed] = net
        rows.append(
            {
                "setting": name,
                "seed": seed,
                "sharpness (%)": sharpness(net, X, y, epsilon=1e-3, random_state=0),
                "train loss": 0.5 * np.mean((net.predict(X) - y) ** 2),
                "test R2": net.score(X_test, y_test),
            }
        )
results = pd.DataFrame(rows)
table = results.groupby("setting", sort=False)[
    ["sharpness (%)", "train loss", "test R2"]
].mean()
per_seed = results.pivot(index="seed", columns="setting", values="sharpness (%)")
print(table.round(4).to_string())
print("\nSharpness per seed:")
print(per_seed[list(SETTINGS)].round(4).to_string())

# %%
# Every seed tells the same story: the full-batch minimum is sharper than the
# small-batch one, and SAM around the same full-batch SGD ends flatter.
ratio_batch = per_seed["full batch (64)"] / per_seed["small batch (4)"]
ratio_sam = per_seed["full batch + SAM"] / per_seed["full batch (64)"]
print(
    f"\nfull/small batch sharpness: {ratio_batch.min():.2f} to "
    f"{ratio_batch.max():.2f}; SAM/plain at full batch: {ratio_sam.min():.2f} "
    f"to {ratio_sam.max():.2f}"
)

# %%
# Plot
# ----
# Top left: the sharpness of each run. Top right: the training loss of the
# seed-0 networks along one filter-normalised random direction;
# :math:`\alpha = 1` moves each unit's incoming weights by their own norm. The
# same ``random_state`` draws the direction for every network, and filter
# normalisation makes the slices of different networks comparable. Bottom: 2-D
# slices along two such directions for the small- and full-batch networks, with
# the same (logarithmic) contour levels: around the full-batch minimum the
# loss rises faster, its contours are closer together.
X, y, _, _ = make_data(0)
fig, axes = plt.subplots(2, 2, figsize=(12, 9), layout="constrained")
(ax_s, ax_l), (ax_small, ax_full) = axes
for k, name in enumerate(SETTINGS):
    values = per_seed[name]
    ax_s.scatter(np.full(len(values), k), values, alpha=0.7)
    ax_s.plot([k - 0.25, k + 0.25], [values.mean()] * 2, "k-")
    land = loss_landscape(
        models[name, 0], X, y, extent=0.5, n_points=41, random_state=0
    )
    ax_l.plot(land.alphas, land.losses, label=name)
ax_s.set_xticks(range(len(SETTINGS)), [n.replace(" + ", "\n+ ") for n in SETTINGS])
ax_s.set_ylabel("ε-sharpness (%), ε = 1e-3")
ax_s.set_title(f"Keskar et al.'s sharpness of the minimum ({len(SEEDS)} seeds)")
ax_l.set_xlabel("α (filter-normalised direction)")
ax_l.set_ylabel("training loss")
ax_l.set_title("1-D loss slice, seed 0")
ax_l.legend()

levels = np.geomspace(0.015, 0.3, 14)
for ax, name in ((ax_small, "small batch (4)"), (ax_full, "full batch (64)")):
    surface = loss_landscape(
        models[name, 0], X, y, n_directions=2, extent=0.5, n_points=21, random_state=1
    )
    cs = ax.contourf(
        surface.alphas, surface.betas, surface.losses.T, levels=levels, extend="max"
    )
    ax.plot(0, 0, "w+", markersize=12)
    ax.set_xlabel("α")
    ax.set_ylabel("β")
    ax.set_title(f"2-D loss slice, {name}, seed 0")
fig.colorbar(cs, ax=[ax_small, ax_full], label="training loss", format="%.3f")
plt.show()
