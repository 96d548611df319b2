"""
=============================================================
Adagrad's step size dies out; RMSprop's and Adadelta's do not
=============================================================

Adagrad divides each coordinate's step by the square root of the **sum** of
all its past squared gradients,

.. math::

    G_t = G_{t-1} + g_t^2, \\qquad
    w_{t+1} = w_t - \\frac{\\eta}{\\sqrt{G_t} + \\epsilon}\\, g_t .

With gradients that do not vanish (noisy minibatch gradients always keep
some size), :math:`G_t` grows like :math:`t`, so the effective step
:math:`\\eta / \\sqrt{G_t}` shrinks like :math:`1/\\sqrt{t}` and training
slows to a crawl. RMSprop replaces the sum by an exponential moving average
:math:`v_t = \\alpha v_{t-1} + (1 - \\alpha) g_t^2`, which forgets old
gradients, so its effective step :math:`\\eta / \\sqrt{v_t}` levels off;
Adadelta does the same and also rescales by a moving average of its own past
updates.

The objective here is a 2-D quadratic whose gradients carry noise (as a
minibatch gradient does), and whose minimum **moves** after 2,000 steps, as
the best weights do when the data drift. Every optimizer runs through
:func:`skoptim.optimizers.minimize`. The effective step of each coordinate is
read off the path: the step taken divided by the gradient it came from,
:math:`|w_{t+1} - w_t| / |g_t|`.

Run it as a script to save the figure (``--output DIR`` picks the folder).
"""

# %%
import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from skoptim.optimizers import Adadelta, Adagrad, RMSprop, minimize

parser = argparse.ArgumentParser(description="Adagrad's effective step size")
parser.add_argument("--output", type=Path, default=Path("."), help="figure folder")
args, _ = parser.parse_known_args()
args.output.mkdir(parents=True, exist_ok=True)

N_STEPS, JUMP, NOISE = 3000, 2000, 1.0
CURVATURE = np.array([1.0, 10.0])
CENTRES = (np.array([0.0, 0.0]), np.array([3.0, -2.0]))


class DriftingQuadratic:
    """Noisy gradient of 0.5 * sum(c * (w - centre)**2); the centre jumps once.

    It also records the gradients it hands out, to read the effective step.
    """

    def __init__(self, seed=0):
        self.rng = np.random.RandomState(seed)
        self.calls = 0
        self.grads = []

    def centre(self, t):
        return CENTRES[0] if t < JUMP else CENTRES[1]

    def __call__(self, w):
        c = self.centre(self.calls)
        self.calls += 1
        loss = 0.5 * float(CURVATURE @ (w - c) ** 2)
        grad = CURVATURE * (w - c) + NOISE * self.rng.normal(size=2)
        self.grads.append(grad)
        return loss, grad


OPTIMIZERS = {
    "Adagrad": Adagrad(learning_rate=0.5),
    "RMSprop": RMSprop(learning_rate=0.05, alpha=0.99),
    "Adadelta": Adadelta(learning_rate=1.0, rho=0.95, epsilon=1e-3),
}

# %%
# Run and read the effective step off the path
# --------------------------------------------
runs = {}
for name, opt in OPTIMIZERS.items():
    fun = DriftingQuadratic(seed=0)
    res = minimize(fun, [2.0, 2.0], opt, n_iter=N_STEPS)
    grads = np.array(fun.grads[:N_STEPS])  # the gradient of each step
    steps = np.diff(res.path, axis=0)
    effective = np.abs(steps) / np.maximum(np.abs(grads), 1e-12)
    centres = np.array([fun.centre(t) for t in range(N_STEPS + 1)])
    distance = np.linalg.norm(res.path - centres, axis=1)
    runs[name] = effective, distance
    print(
        f"{name:9s} effective step of w1: step 10 {effective[9, 0]:.3f}, "
        f"step {JUMP} {effective[JUMP - 1, 0]:.4f}, "
        f"step {N_STEPS} {effective[-1, 0]:.4f}; "
        f"distance to the minimum 200 steps after the jump {distance[JUMP + 200]:.2f}"
    )

# %%
# The effective step and what it does
# ------------------------------------
# Left: the effective step of the first coordinate (a running median over
# 25 steps smooths the noise). Adagrad's falls like :math:`1/\sqrt{t}`
# (dotted) and never recovers; RMSprop's and Adadelta's level off. Right: the
# distance to the current minimum (same smoothing) just after the jump:
# RMSprop and Adadelta walk to the new minimum within a few dozen steps,
# while Adagrad's shrunken steps cover the distance slowly.


def running_median(x, k=25):
    pad = np.pad(x, (k // 2, k - 1 - k // 2), mode="edge")
    return np.median(np.lib.stride_tricks.sliding_window_view(pad, k), axis=1)


t = np.arange(1, N_STEPS + 1)
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
after = np.arange(JUMP - 50, JUMP + 600)
for k, (name, (effective, distance)) in enumerate(runs.items()):
    left.plot(t, running_median(effective[:, 0]), color=f"C{k}", label=name)
    # smooth each side of the jump on its own, so the jump stays sharp
    smooth = np.concatenate(
        [running_median(distance[:JUMP]), running_median(distance[JUMP:])]
    )
    right.plot(after, smooth[after], color=f"C{k}", label=name)
adagrad = runs["Adagrad"][0][:, 0]
left.plot(t, adagrad[JUMP - 1] * np.sqrt(JUMP / t), "k:", lw=1, label="∝ 1/√t")
left.axvline(JUMP, color="0.5", ls="--", lw=1)
left.set(
    xscale="log",
    yscale="log",
    xlabel="step t",
    ylabel="effective step |Δw₁| / |g₁|",
    title="Effective step size of coordinate w₁",
)
left.legend(fontsize=8)
right.axvline(JUMP, color="0.5", ls="--", lw=1)
right.annotate(
    "the minimum moves",
    (JUMP, 3.0),
    xytext=(8, 0),
    textcoords="offset points",
    fontsize=8,
)
right.set(
    xlabel="step t",
    ylabel="distance to the current minimum",
    title=f"After the minimum moves at step {JUMP}",
)
right.legend(fontsize=8)
fig.savefig(args.output / "adagrad_step_size.png", dpi=80)
plt.show()
