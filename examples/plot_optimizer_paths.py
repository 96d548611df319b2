"""
======================================
Optimizer paths on Rosenbrock's valley
======================================

Every optimizer in :mod:`skoptim.optimizers` starts from the same point on
Rosenbrock's function :math:`f(x, y) = (1 - x)^2 + 100\\,(y - x^2)^2` and
takes the same number of steps through :func:`skoptim.optimizers.minimize`,
which records each iterate. :class:`skoptim.optimizers.OptimizerPathDisplay`
draws one panel per optimizer over the same log-spaced contours, so no path
hides another. The panels show the lecture's points: plain SGD crawls down the
valley floor; heavy-ball momentum builds speed but zig-zags across the valley;
Nesterov's look-ahead makes its first steps larger, then damps the oscillation
sooner and ends closest to the minimum of the first-order methods; the
adaptive methods rescale each coordinate (Adagrad slows down as its squared
gradients pile up, see the Adagrad example); L-BFGS's curvature model and line
search reach the minimum in a few dozen steps.

Run it as a script to save the figure (``--output DIR`` picks the folder).
"""

# %%
from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from skoptim.optimizers import (
    LBFGS,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Nadam,
    OptimizerPathDisplay,
    RMSprop,
    minimize,
)

parser = argparse.ArgumentParser(description="Optimizer paths on Rosenbrock")
parser.add_argument("--output", type=Path, default=Path("."), help="figure folder")
parser.add_argument("--n-iter", type=int, default=400, help="steps per optimizer")
args, _ = parser.parse_known_args()
args.output.mkdir(parents=True, exist_ok=True)


def rosenbrock(w):
    x, y = w
    f = (1 - x) ** 2 + 100 * (y - x**2) ** 2
    g = np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])
    return f, g


OPTIMIZERS = {
    "SGD": SGD(learning_rate=1e-3),
    "momentum": SGD(learning_rate=1e-3, momentum=0.9),
    "Nesterov": SGD(learning_rate=1e-3, momentum=0.9, nesterov=True),
    "Adagrad": Adagrad(learning_rate=0.3),
    "Adadelta": Adadelta(learning_rate=1.0),
    "RMSprop": RMSprop(learning_rate=1e-2),
    "Adam": Adam(learning_rate=5e-2),
    "Nadam": Nadam(learning_rate=5e-2),
    "L-BFGS": LBFGS(),
}
START = np.array([-1.5, 2.0])

# %%
# Run every optimizer
# -------------------
results = {
    name: minimize(rosenbrock, START, opt, n_iter=args.n_iter)
    for name, opt in OPTIMIZERS.items()
}
for name, res in results.items():
    print(f"{name:<10} f = {res.fun:10.4g} after {res.n_iter} steps")

# %%
# One panel per optimizer
# -----------------------
# The star is the minimum (1, 1), the black dot the start, the square the last
# iterate. Contour levels are log-spaced, so the valley floor is visible.
disp = OptimizerPathDisplay.from_results(
    results, rosenbrock, xlim=(-2, 2), ylim=(-1, 3), minimum=(1, 1)
)
disp.figure_.suptitle(
    f"{args.n_iter} steps from (-1.5, 2) on Rosenbrock's function", fontsize=12
)
disp.figure_.savefig(args.output / "optimizer_paths.png", dpi=90)
plt.show()
