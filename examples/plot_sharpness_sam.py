"""
====================================================
Sharp and flat minima: batch size, sharpness and SAM
====================================================

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
:func:`skoptim.inspection.loss_landscape` slices the loss along
filter-normalised random directions (Li et al. 2018) for one seed, drawn by
:class:`skoptim.inspection.LossLandscapeDisplay`.

The training losses are close but not equal (small batches fit a little
less): read the sharpness together with the loss column. The test
:math:`R^2` on 2000 fresh samples moves in the direction Keskar et al. report
(flatter, better), but by little at this size; the sharpness differences are
the robust part.

Run it as a script to save the figures (``--output DIR`` picks the folder).
"""

import argparse
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from skoptim import MLPRegressor
from skoptim.inspection import LossLandscapeDisplay, sharpness
from skoptim.optimizers import SAM, SGD
from skoptim.schedules import CosineAnnealing

parser = argparse.ArgumentParser(description="Sharp and flat minima")
parser.add_argument("--output", type=Path, default=Path("."), help="figure folder")
args, _ = parser.parse_known_args()
args.output.mkdir(parents=True, exist_ok=True)

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
# Left: the sharpness of each run. Middle: the training loss of the seed-0
# networks along one filter-normalised random direction
# (:class:`~skoptim.inspection.LossLandscapeDisplay`); :math:`\alpha = 1` moves
# each unit's incoming weights by their own norm. The same ``random_state``
# draws the direction for every network, and filter normalisation makes the
# slices of different networks comparable.
fig, (ax_s, ax_l) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
for k, name in enumerate(SETTINGS):
    values = per_seed[name]
    ax_s.scatter(np.full(len(values), k), values, alpha=0.7)
    ax_s.plot([k - 0.25, k + 0.25], [values.mean()] * 2, "k-")
ax_s.set_xticks(range(len(SETTINGS)), [n.replace(" + ", "\n+ ") for n in SETTINGS])
ax_s.set_ylabel("ε-sharpness (%), ε = 1e-3")
ax_s.set_title(f"Keskar et al.'s sharpness of the minimum ({len(SEEDS)} seeds)")
X, y, _, _ = make_data(0)
LossLandscapeDisplay.from_estimator(
    [models[name, 0] for name in SETTINGS],
    X,
    y,
    labels=list(SETTINGS),
    extent=0.5,
    n_points=41,
    random_state=0,
    ax=ax_l,
)
ax_l.set_title("1-D loss slice, seed 0")
fig.savefig(args.output / "sharpness_sam.png", dpi=80)

# %%
# 2-D slices: small against full batch
# ------------------------------------
# The same two directions around the small- and the full-batch minimum, with
# the same logarithmic colour levels. The coloured outlines mark where the
# loss has risen by the same amount above each network's own minimum (solid:
# this panel's network, dashed: the other one, for comparison): the basin of
# the full-batch minimum is the smaller one, the mark of a sharper minimum.
pair = ["small batch (4)", "full batch (64)"]
surface = LossLandscapeDisplay.from_estimator(
    [models[name, 0] for name in pair],
    X,
    y,
    labels=pair,
    n_directions=2,
    extent=0.5,
    n_points=21,
    random_state=1,
)
surface.figure_.savefig(args.output / "sharpness_sam_2d.png", dpi=80)
plt.show()
