"""
=====================================================
Data augmentation: random shifts on small digit sets
=====================================================

"If the dataset is small, make more of it": a digit shifted by one pixel is
still the same digit, so training on randomly shifted copies of each image
adds plausible samples for free. :class:`~skoptim.regularizers.Augmentation`
applies such a transform to every training batch, a fresh draw each time,
and never at prediction.

The same :class:`~skoptim.MLPClassifier` (64 ReLU units, Adam, minibatches of
32, 200 epochs, five seeds) is trained on 100 to 800 images of scikit-learn's
8 x 8 digits, three ways: without a regularizer, with
``Augmentation(RandomShift((8, 8), max_shift=1), p=0.5)`` (half the rows of
each batch shifted by up to one pixel in each direction), and with the same
augmentation plus ``L2(0.1)``. Each model is scored on its training images,
on the held-out half of the dataset, and on that half with every image
shifted at random by up to one pixel.

What this run measured (the mean over five seeds; the gap is training minus
test accuracy):

==========  =====================  =====================  =====================
train size  gap: none              gap: shift             gap: shift + L2
==========  =====================  =====================  =====================
100         0.108                  0.111                  0.114
200         0.079                  0.072                  0.067
400         0.046                  0.040                  0.037
800         0.028                  0.026                  0.019
==========  =====================  =====================  =====================

On the shifted test digits the unregularized model scores 0.37-0.39 at every
size, the augmented one 0.68 (100 images) to 0.95 (800).

Read the numbers with care. Without L2 the training accuracy is 1.000 at
every size, so the gap is simply the test error and the left and middle
panels tell one story. The same five subsets serve every model, so the second
printed table compares them subset by subset: from 200 images on, the shifts
raise test accuracy by 0.7, 0.6 and 0.2 points (200, 400, 800 images; better
on four of five subsets at 200 and 400, within the spread of 0.4 points at
800), and at 100 images (10 per class) they do not help (-0.3 +- 1.1). L2 on
top narrows the gap further, but mostly by fitting the training images less
(training accuracy 0.990-0.999): its test gain over no regularizer is 1.1,
0.8 and 0.3 points, and it costs invariance (0.88 against 0.95 on shifted
digits at 800 images).

The gain on the test set is small because the digits in scikit-learn's
dataset are already centred: the test images hardly vary in the way the
augmentation prepares for. What augmentation buys is the invariance itself,
the right panel: the plain network has learned pixel positions, and shifting
a test digit by one pixel drops its accuracy below 40%. Augmentation helps
exactly as much as the data you will meet vary in the way the transform
encodes.

Note the fixed number of epochs (``n_iter_no_change=max_iter``): on the
noisier augmented batches the default ``tol`` rule would stop the augmented
fits after 40 to 155 epochs (median 98 with shifts, 68 with shifts and L2,
against 137 without), and warn that it did.

Run it as a script to save the figures (``--output DIR`` picks the folder).
"""

# %%
# Data: the digits scaled by one global factor (``X / 16``), so that the
# background stays 0 and a shifted image is still an image; a per-pixel
# ``StandardScaler`` would give every pixel its own background. Half the
# dataset is held out, and a copy of it has every image shifted.
import argparse
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split

from skoptim import MLPClassifier
from skoptim.optimizers import Adam
from skoptim.regularizers import L2, Augmentation, RandomShift

parser = argparse.ArgumentParser(description="Data augmentation on digits")
parser.add_argument("--output", type=Path, default=Path("."), help="figure folder")
args, _ = parser.parse_known_args()
args.output.mkdir(parents=True, exist_ok=True)

X, y = load_digits(return_X_y=True)
X = X / 16.0
X_pool, X_test, y_pool, y_test = train_test_split(
    X, y, test_size=0.5, stratify=y, random_state=0
)
shift = RandomShift((8, 8), max_shift=1)
X_test_shifted = shift(X_test, rng=123)


# %%
# What the network sees: one training digit and eight random shifts of it
# (no shift is one of the nine equally likely outcomes). The offsets in the
# titles are read back by comparing with every possible shift.
def offset(shifted, image):
    """The (down, right) pixel offset that turns ``image`` into ``shifted``."""
    padded = np.pad(image.reshape(8, 8), 1)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            if np.array_equal(
                padded[1 - dy : 9 - dy, 1 - dx : 9 - dx].ravel(), shifted
            ):
                return dy, dx


digit = X_pool[:1]
variants = np.vstack([digit, shift(np.repeat(digit, 8, axis=0), rng=0)])
fig, axes = plt.subplots(1, 9, figsize=(9, 1.6))
for k, (ax, img) in enumerate(zip(axes, variants, strict=True)):
    ax.imshow(img.reshape(8, 8), cmap="gray_r", vmin=0, vmax=1)
    dy, dx = offset(img, digit) if k else (0, 0)
    ax.set_title("original" if k == 0 else f"{dy:+d}, {dx:+d}", fontsize=8)
    ax.set_xticks([])
    ax.set_yticks([])
fig.suptitle(
    f"RandomShift((8, 8), max_shift=1) on the digit {y_pool[0]}: (down, right) offsets",
    fontsize=10,
)
fig.tight_layout()
fig.savefig(args.output / "data_augmentation_samples.png", dpi=110)

# %%
# Three models at four training-set sizes, five random subsets each.
EPOCHS = 200
SIZES = [100, 200, 400, 800]
SEEDS = range(5)
MODELS = {
    "none": lambda: [],
    "shift": lambda: [Augmentation(RandomShift((8, 8), max_shift=1), p=0.5)],
    "shift + L2": lambda: [
        Augmentation(RandomShift((8, 8), max_shift=1), p=0.5),
        L2(0.1),
    ],
}

results = {name: np.zeros((len(SIZES), len(SEEDS), 3)) for name in MODELS}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    for i, n in enumerate(SIZES):
        for j, seed in enumerate(SEEDS):
            rows = np.random.RandomState(seed).choice(len(y_pool), n, replace=False)
            X_train, y_train = X_pool[rows], y_pool[rows]
            for name, regularizers in MODELS.items():
                clf = MLPClassifier(
                    (64,),
                    optimizer=Adam(3e-3),
                    regularizers=regularizers(),
                    batch_size=32,
                    max_iter=EPOCHS,
                    n_iter_no_change=EPOCHS,
                    random_state=seed,
                ).fit(X_train, y_train)
                results[name][i, j] = (
                    clf.score(X_train, y_train),
                    clf.score(X_test, y_test),
                    clf.score(X_test_shifted, y_test),
                )

gap = {name: r[:, :, 0] - r[:, :, 1] for name, r in results.items()}
print("train size  " + "  ".join(f"{name:>26}" for name in MODELS))
for i, n in enumerate(SIZES):
    cells = [
        f"gap {gap[m][i].mean():.3f} test {results[m][i, :, 1].mean():.3f} "
        f"sh {results[m][i, :, 2].mean():.3f}"
        for m in MODELS
    ]
    print(f"{n:>10}  " + "  ".join(f"{c:>26}" for c in cells))

# %%
# Are the differences larger than the spread over the training subsets? The
# same five subsets serve every model, so compare them pairwise: the change
# in test accuracy against the unregularized model, subset by subset, and
# the training accuracy (where the gap comes from).
print("\ntrain size  model        train acc.  test acc. - none (mean, sd, per subset)")
for i, n in enumerate(SIZES):
    for m in ("shift", "shift + L2"):
        diff = results[m][i, :, 1] - results["none"][i, :, 1]
        print(
            f"{n:>10}  {m:<11}  {results[m][i, :, 0].mean():.3f}      "
            f"{diff.mean():+.4f}  {diff.std():.4f}  "
            + " ".join(f"{d:+.3f}" for d in diff)
        )

# %%
# The figure: the gap (left), accuracy on the held-out digits (middle) and
# on the same digits shifted by up to one pixel (right); mean and the range
# of one standard deviation over the five subsets.
COLORS = {"none": "0.35", "shift": "tab:blue", "shift + L2": "tab:orange"}
fig, axes = plt.subplots(1, 3, figsize=(13, 4), sharex=True)
panels = [
    (
        gap,
        "train - test accuracy (gap)",
        "gap: closes with data; shifts narrow it a little",
    ),
    (
        {m: r[:, :, 1] for m, r in results.items()},
        "test accuracy",
        "held-out digits (centred, as trained)",
    ),
    (
        {m: r[:, :, 2] for m, r in results.items()},
        "test accuracy",
        "held-out digits shifted by up to 1 pixel",
    ),
]
for ax, (values, ylabel, title) in zip(axes, panels, strict=True):
    for name, v in values.items():
        mean, sd = v.mean(axis=1), v.std(axis=1)
        ax.plot(SIZES, mean, "o-", color=COLORS[name], label=name)
        ax.fill_between(SIZES, mean - sd, mean + sd, color=COLORS[name], alpha=0.15)
    ax.set_xscale("log", base=2)
    ax.set_xticks(SIZES, [str(n) for n in SIZES])
    ax.set_xlabel("training images")
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=10)
    ax.grid(alpha=0.3)
axes[0].legend(title="regularizers", fontsize=9)
axes[2].set_ylim(0, 1)
fig.suptitle(
    "Random shifts on 8 x 8 digits: a slightly smaller gap, a much more "
    "shift-invariant network",
    fontsize=11,
)
fig.tight_layout()
fig.savefig(args.output / "data_augmentation.png", dpi=110)
plt.show()
