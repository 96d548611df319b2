"""Cross-validate each optimizer x regularizer configuration, reporting progress."""

from __future__ import annotations

import contextlib
import os
import sys
import time
import warnings
from dataclasses import dataclass, field

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_validate
from threadpoolctl import threadpool_limits

from ._pipeline import final_mlp

__all__ = ["Config", "Result", "run_all"]


@dataclass
class Config:
    """One configuration: names and the estimator to cross-validate."""

    optimizer: str
    regularizer: str
    estimator: object

    @property
    def label(self) -> str:
        return f"{self.optimizer} + {self.regularizer}"


@dataclass
class Result:
    """Cross-validation results of one configuration (per fold)."""

    config: Config
    scores: list[float] = field(default_factory=list)
    fit_times: list[float] = field(default_factory=list)
    epochs: list[int] = field(default_factory=list)
    error: str | None = None

    @property
    def mean(self) -> float:
        return float(np.mean(self.scores)) if self.scores and not self.error else np.nan

    @property
    def std(self) -> float:
        return float(np.std(self.scores)) if self.scores and not self.error else np.nan


def _cross_validate(estimator, X, y, folds, scoring, n_jobs, warned: set):
    """``cross_validate`` on ``folds``; new warnings go to stderr as one line each.

    Warnings raised in parallel workers are not seen here.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # the table's epochs column shows when --max-iter was reached
        warnings.simplefilter("ignore", ConvergenceWarning)
        # ... but not why a noisy regularizer stopped early (once per text;
        # --n-iter-no-change is the remedy)
        warnings.filterwarnings(
            "always", "Training stopped by the default tol rule", ConvergenceWarning
        )
        # the header says that unseen categories are ignored
        warnings.filterwarnings("ignore", "Found unknown categories", UserWarning)
        try:
            return cross_validate(
                estimator,
                X,
                y,
                cv=folds,
                scoring=scoring,
                n_jobs=n_jobs,
                return_estimator=True,
                error_score="raise",
            )
        finally:
            for w in caught:
                text = " ".join(str(w.message).split())
                if text not in warned:
                    warned.add(text)
                    print(f"warning: {text}", file=sys.stderr, flush=True)


def _record(result: Result, cv_out: dict) -> None:
    """Append the folds of one ``cross_validate`` call (all lists or none)."""
    epochs = [int(final_mlp(est).n_iter_) for est in cv_out["estimator"]]
    result.scores.extend(float(s) for s in cv_out["test_score"])
    result.fit_times.extend(float(t) for t in cv_out["fit_time"])
    result.epochs.extend(epochs)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


#: Environment variables that set the number of BLAS threads (the user wins).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def blas_limit():
    """One BLAS thread per fit, unless the environment sets a number.

    An MLP's products are small (a minibatch times a layer): threaded BLAS
    gains nothing on them and, on a busy machine, its waiting threads made
    the README's digits run ten times slower (69 s instead of 7 s on two
    shared cores). ``--n-jobs`` is the way to use more cores.
    """
    if any(os.environ.get(v) for v in THREAD_VARIABLES):
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def run_all(
    configs, X, y, folds, *, scoring: str, n_jobs: int | None, progress: bool
) -> list[Result]:
    """Cross-validate every configuration on the same folds.

    BLAS runs with one thread (see :func:`blas_limit`).

    With ``n_jobs=1`` each fold is one :func:`~sklearn.model_selection.cross_validate`
    call, so a progress line follows every fit; otherwise the folds of one
    configuration run in parallel and their lines follow together. A
    configuration whose fit raises is recorded with its error and the others
    go on.
    """
    n_folds = len(folds)
    total = len(configs) * n_folds
    results = []
    warned: set[str] = set()  # each warning message is shown once
    done = 0

    def report(res: Result, k: int) -> None:
        nonlocal done
        done += 1
        if progress:
            print(
                f"[{done}/{total}] {res.config.label}, fold {k + 1}/{n_folds}: "
                f"{res.scores[k]:.3f} in {res.fit_times[k]:.1f}s "
                f"({res.epochs[k]} epochs)",
                file=sys.stderr,
                flush=True,
            )

    with blas_limit():
        for config in configs:
            res = Result(config)
            results.append(res)
            chunks = [[f] for f in folds] if n_jobs in (None, 1) else [folds]
            start = time.perf_counter()
            try:
                for chunk in chunks:
                    first = len(res.scores)
                    _record(
                        res,
                        _cross_validate(
                            config.estimator, X, y, chunk, scoring, n_jobs, warned
                        ),
                    )
                    for k in range(first, len(res.scores)):
                        report(res, k)
            except (KeyboardInterrupt, MemoryError):
                raise
            except Exception as exc:  # noqa: BLE001 - reported, the others go on
                res.error = _one_line(exc)
                skipped = n_folds - len(res.scores)
                done += skipped
                if progress:
                    print(
                        f"[{done}/{total}] {config.label}: failed after "
                        f"{time.perf_counter() - start:.1f}s: {res.error}",
                        file=sys.stderr,
                        flush=True,
                    )
    return results
