"""Cost of data augmentation per epoch, against scikit-learn's MLP (issue 15).

W3's shape (``load_digits`` scaled by 1/16, hidden (64,) relu, Adam 1e-3,
batch 32, float64, 80/20 split, fixed epochs, no early stopping): seconds
per epoch of scikit-learn's ``MLPClassifier`` (which has no augmentation)
and of skoptim's without a regularizer, with
``Augmentation(RandomShift((8, 8)))`` at ``p=1`` and ``p=0.5``, and with
``Augmentation(RandomRotation((8, 8), 15))``, interleaved round by round
so that every system sees the same load; the median of ``--repeats``
rounds. The ratio is scikit-learn / skoptim (above 1: skoptim is faster).

Run ``python benchmarks/bench_augmentation.py`` (about a minute); the
markdown table goes to ``benchmarks/results/issue15-augmentation.md``. Use
``--threads 1 --clock cpu`` for numbers that do not depend on the load of a
shared machine (see benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from threadpoolctl import threadpool_limits

from skoptim import MLPClassifier
from skoptim.optimizers import Adam
from skoptim.regularizers import Augmentation, RandomRotation, RandomShift

OUT = Path(__file__).parent / "results" / "issue15-augmentation.md"
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def systems(epochs: int) -> dict:
    """name -> a function making a fresh estimator."""
    common = dict(batch_size=32, max_iter=epochs, shuffle=True, random_state=0)

    def sk():
        return SkMLPClassifier(
            (64,),
            solver="adam",
            learning_rate_init=1e-3,
            alpha=0.0,
            tol=0.0,
            n_iter_no_change=epochs + 1,
            **common,
        )

    def so(*regs):
        return lambda: MLPClassifier(
            (64,),
            optimizer=Adam(1e-3),
            regularizers=list(regs),
            tol=0.0,
            n_iter_no_change=10**6,
            **common,
        )

    return {
        "scikit-learn (no augmentation)": sk,
        "skoptim, no regularizer": so(),
        "skoptim, RandomShift p=1": so(Augmentation(RandomShift((8, 8)))),
        "skoptim, RandomShift p=0.5": so(Augmentation(RandomShift((8, 8)), p=0.5)),
        "skoptim, RandomRotation p=1": so(Augmentation(RandomRotation((8, 8), 15.0))),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None, help="BLAS threads")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    clock = CLOCKS[args.clock]

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(
        X / 16.0, y, test_size=0.2, random_state=0
    )
    makers = systems(args.epochs)
    times = {name: [] for name in makers}
    scores = {}
    with threadpool_limits(args.threads), warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        for make in makers.values():  # warm-up
            make().fit(X_train[:100], y_train[:100])
        for r in range(args.repeats):
            order = list(makers) if r % 2 == 0 else list(reversed(makers))
            for name in order:
                est = makers[name]()
                t0 = clock()
                est.fit(X_train, y_train)
                times[name].append((clock() - t0) / est.n_iter_)
                scores[name] = est.score(X_test, y_test)

    sk_time = np.median(times["scikit-learn (no augmentation)"])
    plain = np.median(times["skoptim, no regularizer"])
    lines = [
        "# Issue 15: cost of data augmentation per epoch",
        "",
        f"Run {time.strftime('%Y-%m-%d')} with "
        "`python benchmarks/bench_augmentation.py "
        + " ".join(sys.argv[1:] if argv is None else argv)
        + f"` ({args.epochs} epochs, median of {args.repeats} interleaved rounds, "
        f"{args.clock} clock, BLAS threads: {args.threads or 'default'}).",
        "digits / 16, 1437 training rows, hidden (64,), Adam 1e-3, batch 32, float64.",
        "",
        "| system | ms / epoch | sklearn / this | this / skoptim plain "
        "| test accuracy |",
        "|---|---|---|---|---|",
    ]
    for name in makers:
        t = np.median(times[name])
        lines.append(
            f"| {name} | {1e3 * t:.2f} | {sk_time / t:.2f}x | {t / plain:.2f}x "
            f"| {scores[name]:.3f} |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)


if __name__ == "__main__":
    main()
