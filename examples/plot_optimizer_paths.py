"""
Optimizer paths on Rosenbrock's valley
======================================

Every optimizer in :mod:`skoptim.optimizers` starts from the same point on
Rosenbrock's function :math:`f(x, y) = (1 - x)^2 + 100\\,(y - x^2)^2` and
takes the same number of steps through :func:`skoptim.optimizers.minimize`,
which records each iterate. The contours show the long curved valley; the
paths show the lecture's points: plain SGD crawls along the valley floor;
heavy-ball momentum builds speed but zig-zags across the valley; Nesterov's
look-ahead (the step uses :math:`g + \\mu b`) makes its first steps larger,
then damps the oscillation sooner and ends closest to the minimum of the
first-order methods; the adaptive methods rescale each coordinate; L-BFGS's
curvature model and line search reach the minimum in a few dozen steps.
"""

# %%
from __future__ import annotations

import argparse

import numpy as np

from skoptim.optimizers import (
    LBFGS,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Nadam,
    RMSprop,
    minimize,
)


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


def run(n_iter: int = 400):
    """Paths of every optimizer from ``START``; returns {name: MinimizeResult}."""
    return {
        name: minimize(rosenbrock, START, opt, n_iter=n_iter)
        for name, opt in OPTIMIZERS.items()
    }


def plot(results, ax=None, title="Optimizer paths on Rosenbrock's function"):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(9, 6))
    xs, ys = np.meshgrid(np.linspace(-2, 2, 300), np.linspace(-1, 3, 300))
    zs = (1 - xs) ** 2 + 100 * (ys - xs**2) ** 2
    ax.contour(
        xs, ys, zs, levels=np.logspace(-1, 3.5, 18), cmap="Greys", linewidths=0.6
    )
    for name, res in results.items():
        ax.plot(
            res.path[:, 0],
            res.path[:, 1],
            lw=1.2,
            marker=".",
            ms=2,
            label=f"{name} (f={res.fun:.2g})",
        )
    ax.plot(*START, "ko")
    ax.plot(1, 1, "r*", ms=14)
    ax.set(xlim=(-2, 2), ylim=(-1, 3), xlabel="x", ylabel="y", title=title)
    ax.legend(fontsize=8, loc="lower right")
    return ax


def main(argv=None):
    parser = argparse.ArgumentParser(description="Optimizer paths on Rosenbrock")
    parser.add_argument("--n-iter", type=int, default=400)
    parser.add_argument(
        "--output", default="optimizer_paths.png", help="where to save the figure"
    )
    args = parser.parse_args(argv)
    results = run(args.n_iter)
    for name, res in results.items():
        print(f"{name:<10} f = {res.fun:10.4g} after {res.n_iter} steps")
    import matplotlib

    matplotlib.use("Agg") if args.output else None
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(15, 6))
    first_order = ("SGD", "momentum", "Nesterov")
    plot(
        {k: results[k] for k in first_order},
        left,
        title="SGD, heavy-ball momentum, Nesterov",
    )
    plot(
        {k: v for k, v in results.items() if k not in first_order},
        right,
        title="Adaptive methods and L-BFGS",
    )
    fig.savefig(args.output, dpi=110, bbox_inches="tight")
    print(f"saved {args.output}")
    return results


if __name__ == "__main__":
    main()
