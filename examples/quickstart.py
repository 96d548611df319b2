"""
Compare optimizers on handwritten digits
========================================

The main job of skoptim in one script: every optimizer in
:mod:`skoptim.optimizers`, each training the same one-hidden-layer network on
scikit-learn's bundled digits data, scored by 5-fold cross-validation inside
a ``Pipeline(StandardScaler(), MLPClassifier(...))``. It prints mean ± std
accuracy and fit time per optimizer.

Run it with ``python examples/quickstart.py`` (``--quick`` for a 2-fold,
short run).
"""

# %%
from __future__ import annotations

import argparse
import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier
from skoptim.optimizers import (
    LBFGS,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    AdamW,
    Nadam,
    RMSprop,
)

# Each optimizer with the learning rate one would start from in practice.
OPTIMIZERS = {
    "SGD": SGD(learning_rate=0.05),
    "SGD + momentum": SGD(learning_rate=0.01, momentum=0.9),
    "SGD + Nesterov": SGD(learning_rate=0.01, momentum=0.9, nesterov=True),
    "Adagrad": Adagrad(learning_rate=0.05),
    "Adadelta": Adadelta(learning_rate=1.0),
    "RMSprop": RMSprop(learning_rate=1e-3),
    "Adam": Adam(learning_rate=1e-3),
    "AdamW": AdamW(learning_rate=1e-3, weight_decay=1e-2),
    "Nadam": Nadam(learning_rate=2e-3),
    "L-BFGS": LBFGS(),
}


def compare(n_splits: int = 5, max_iter: int = 100, random_state: int = 0):
    """Cross-validate every optimizer; return rows of (name, acc, std, time)."""
    X, y = load_digits(return_X_y=True)
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    rows = []
    for name, optimizer in OPTIMIZERS.items():
        model = make_pipeline(
            StandardScaler(),
            MLPClassifier(
                hidden_layer_sizes=(64,),
                optimizer=optimizer,
                max_iter=max_iter,
                random_state=random_state,
            ),
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            res = cross_validate(model, X, y, cv=cv)
        rows.append(
            (
                name,
                res["test_score"].mean(),
                res["test_score"].std(),
                res["fit_time"].mean(),
            )
        )
    return rows


def format_table(rows) -> str:
    lines = [
        f"{'optimizer':<16} {'accuracy':>17} {'fit time (s)':>13}",
        "-" * 48,
    ]
    for name, mean, std, t in sorted(rows, key=lambda r: -r[1]):
        lines.append(f"{name:<16} {mean:>9.4f} ± {std:.4f} {t:>13.3f}")
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="2 folds and 20 epochs, for a smoke test"
    )
    args = parser.parse_args(argv)
    n_splits, max_iter = (2, 20) if args.quick else (5, 100)
    print(
        f"Digits (1797 samples, 64 features), MLP (64,), {n_splits}-fold CV, "
        f"up to {max_iter} epochs\n"
    )
    rows = compare(n_splits=n_splits, max_iter=max_iter)
    print(format_table(rows))
    return rows


if __name__ == "__main__":
    np.set_printoptions(precision=4)
    main()
