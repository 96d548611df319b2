"""
=================================================
Regularizers: training and validation loss curves
=================================================

A wide network trained on 100 noisy samples memorises them: its training loss
goes to zero while the loss on held-out data, after falling for some twenty
epochs, climbs. Each
regularizer in :mod:`skoptim.regularizers` fights this in its own way, and
the clearest way to see it is the pair of curves a lecture would draw:
training loss and validation loss per epoch.

Every model below is the same :class:`~skoptim.MLPClassifier` (one hidden
layer of 64 ReLU units, Adam, minibatches of 32, 200 epochs, the same seed)
with one regularizer. ``fit(X, y, validation_data=(X_val, y_val))`` records
``validation_loss_curve_`` after each epoch: the cross-entropy on the
validation set, without penalty terms and on the true labels. The training
curve ``loss_curve_`` is the objective actually minimised, so it includes the
penalty, the noise, the dropped units or the mixed labels; that is why it
stays higher with a regularizer. Early stopping ends training
``patience`` epochs after the best validation loss and restores that epoch's
weights (the dot).

Run it as a script to save the figures (``--output DIR`` picks the folder).
"""

# %%
# Data: two interleaved half moons with noise, plus 6 irrelevant noise
# features; 100 samples to train on, 1000 to validate.
import argparse
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier
from skoptim.neural_network import TrainingCurveDisplay
from skoptim.optimizers import Adam
from skoptim.regularizers import (
    L1,
    L2,
    BatchNormalization,
    Dropout,
    EarlyStopping,
    GaussianNoise,
    LabelSmoothing,
    Mixup,
    WeightNoise,
)

parser = argparse.ArgumentParser(description="Regularizers' loss curves")
parser.add_argument("--output", type=Path, default=Path("."), help="figure folder")
args, _ = parser.parse_known_args()
args.output.mkdir(parents=True, exist_ok=True)

rng = np.random.RandomState(0)
X, y = make_moons(n_samples=1100, noise=0.3, random_state=0)
X = StandardScaler().fit_transform(np.hstack([X, rng.randn(1100, 6)]))
X_train, y_train, X_val, y_val = X[:100], y[:100], X[100:], y[100:]

# %%
# One model per regularizer.
candidates = {
    "none": None,
    "L2(alpha=1)": [L2(1.0)],
    "L1(alpha=0.3)": [L1(0.3)],
    "Dropout(0.5, input 0.2)": [Dropout(0.5, input_rate=0.2)],
    "GaussianNoise(0.5)": [GaussianNoise(0.5)],
    "WeightNoise(0.3)": [WeightNoise(0.3)],
    "LabelSmoothing(0.2)": [LabelSmoothing(0.2)],
    "BatchNormalization()": [BatchNormalization()],
    "Mixup(1.0)": [Mixup(1.0)],
    "EarlyStopping(10)": [EarlyStopping(patience=10)],
}

fitted = {}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    for name, regs in candidates.items():
        fitted[name] = MLPClassifier(
            (64,),
            optimizer=Adam(0.003),
            regularizers=regs,
            batch_size=32,
            max_iter=200,
            tol=0.0,
            n_iter_no_change=200,
            random_state=0,
        ).fit(X_train, y_train, validation_data=(X_val, y_val))

# %%
# The curves, one panel per model, drawn by
# :class:`~skoptim.neural_network.TrainingCurveDisplay` (solid: training loss,
# dashed: validation loss, cross: last epoch, dot: the epoch early stopping
# restored). The grey line repeats the unregularised validation loss.
fig, axes = plt.subplots(
    2, 5, figsize=(17, 6.5), sharex=True, sharey=True, layout="constrained"
)
reference = fitted["none"].validation_loss_curve_
for ax, (name, est) in zip(axes.ravel(), fitted.items(), strict=True):
    disp = TrainingCurveDisplay.from_estimator(est, ax=ax)
    if name != "none":
        ax.plot(
            np.arange(1, len(reference) + 1),
            reference,
            color="0.6",
            lw=0.8,
            ls="--",
            label="validation, none",
        )
    ax.set_title(f"{name}\nval. accuracy {est.score(X_val, y_val):.2f}", fontsize=10)
    ax.set_ylim(0, 1.0)
    if name == "EarlyStopping(10)":  # its legend has every kind of mark
        handles = list(disp.legend_.legend_handles)
    ax.get_legend().remove()
    ax.label_outer()
handles += axes[0, 1].get_legend_handles_labels()[0][-1:]  # "validation, none"
fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
fig.savefig(args.output / "regularization_curves.png", dpi=70)

# %%
# Several models overlaid, with the validation accuracy: the unregularised
# network's validation loss climbs while its accuracy barely moves (it
# becomes over-confident, not much more wrong); L2 and early stopping keep
# the loss down.
overlay = TrainingCurveDisplay.from_estimator(
    [fitted[k] for k in ("none", "L2(alpha=1)", "EarlyStopping(10)")],
    labels=["none", "L2", "early stopping"],
)
overlay.axes_["loss"].set_ylim(0, 1.0)
overlay.figure_.savefig(
    args.output / "regularization_overlay.png", dpi=80, bbox_inches="tight"
)

# %%
# Summary: final validation loss and accuracy of each model (for early
# stopping, at the restored best epoch). Every regularizer keeps the final
# validation loss well below the unregularised network's (0.72), most of
# them close to the best it reached before it began to overfit (0.36).
for name, est in fitted.items():
    val_loss = getattr(est, "best_validation_loss_", est.validation_loss_curve_[-1])
    print(
        f"{name:26s} epochs {est.n_iter_:3d}  validation loss {val_loss:.3f}  "
        f"accuracy {est.score(X_val, y_val):.3f}"
    )
plt.show()
