"""skoptim's MLP against scikit-learn's: seconds per epoch, accuracy, memory.

Trains both libraries on the same data in the same process, interleaved (a
warm-up fit each, then ``--repeats`` rounds of one fit per system, the order
alternating), and reports the median seconds per epoch, the ratio
scikit-learn / skoptim, the test score of each and the peak extra memory
during fit (tracemalloc, in a separate untimed fit: numpy reports its
buffers to it). The same run times the matrix products alone at the
workload's shapes (the GEMM-only bound: forward products, weight gradients
and hidden-layer deltas of every batch of an epoch) and gives each system's
time as a multiple of it.

Workloads (issue 7): StandardScaler fitted on the training part of an 80/20
split, fixed seeds, no early stopping, matched architecture, optimizer, batch
size and epochs, L2 ``alpha=1e-4`` on the weights (scikit-learn's ``alpha``,
skoptim's ``regularizers=[L2(1e-4)]``).

- W1: make_classification(20000 x 100, 10 classes); (256, 128) relu; Adam
  1e-3; batch 256; 20 epochs. Also every stochastic optimizer's epoch time.
- W2: make_regression(50000 x 50), y standardised; (128, 64) relu; SGD 0.01,
  momentum 0.9, Nesterov; batch 128; 20 epochs.
- W3: load_digits; (64,) relu; Adam 1e-3; batch 32; 50 epochs.
- W4: W1's generator at 200k and 1M rows, float32, one epoch: time per sample
  and peak extra memory against X's own size.
- PRED: ``predict`` on 100k rows with the W1 model.

Run ``python benchmarks/bench_mlp.py`` (several minutes on 2 cores) or with
``--quick`` while iterating. The markdown table goes to
``benchmarks/results/latest.md``. Timings on a shared machine are noisy:
the load average at start and end is recorded with the table.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import os
import platform
import statistics
import sys
import time
import tracemalloc
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import sklearn
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.preprocessing import StandardScaler

import skoptim
from skoptim.neural_network import MLPClassifier, MLPRegressor
from skoptim.optimizers import SGD, Adadelta, Adagrad, Adam, AdamW, Nadam, RMSprop

try:
    from skoptim.regularizers import L2
except ImportError:  # the L2 penalty (issue 3) not there yet
    L2 = None

ALPHA = 1e-4
HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "results" / "latest.md"


# -- workloads ----------------------------------------------------------------
@dataclass
class Workload:
    name: str
    task: str  # "clf" or "reg"
    hidden: tuple
    batch_size: int
    epochs: int
    optimizer: str  # "adam" or "nesterov"
    data: tuple = field(default=None, repr=False)  # X_tr, X_te, y_tr, y_te (f64)

    def describe(self):
        X_tr, X_te = self.data[0], self.data[1]
        opt = "Adam 1e-3" if self.optimizer == "adam" else "SGD 0.01 Nesterov 0.9"
        return (
            f"{self.name}: {X_tr.shape[0]} train / {X_te.shape[0]} test rows, "
            f"{X_tr.shape[1]} features, hidden {self.hidden}, relu, {opt}, "
            f"batch {self.batch_size}, {self.epochs} epochs"
        )


def _split_scale(X, y, *, standardise_y=False):
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.2, random_state=0)
    sc = StandardScaler().fit(X_tr)
    X_tr, X_te = sc.transform(X_tr), sc.transform(X_te)
    if standardise_y:
        mu, sd = y_tr.mean(), y_tr.std()
        y_tr, y_te = (y_tr - mu) / sd, (y_te - mu) / sd
    return X_tr, X_te, y_tr, y_te


def _w1_data(n_samples=20000):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=100,
        n_informative=50,
        n_redundant=10,
        n_classes=10,
        n_clusters_per_class=2,
        random_state=0,
    )
    return X, y


def make_workload(name, quick):
    if name == "W1":
        w = Workload("W1", "clf", (256, 128), 256, 20, "adam")
        w.data = _split_scale(*_w1_data())
    elif name == "W2":
        w = Workload("W2", "reg", (128, 64), 128, 20, "nesterov")
        X, y = make_regression(
            n_samples=50000, n_features=50, n_informative=30, noise=10, random_state=0
        )
        w.data = _split_scale(X, y, standardise_y=True)
    elif name == "W3":
        w = Workload("W3", "clf", (64,), 32, 50, "adam")
        w.data = _split_scale(*load_digits(return_X_y=True))
    else:  # pragma: no cover
        raise ValueError(name)
    if quick:
        w.epochs = max(2, w.epochs // 5)
    return w


# -- the two systems ----------------------------------------------------------
def sk_estimator(w, max_iter=None):
    max_iter = w.epochs if max_iter is None else max_iter
    common = dict(
        hidden_layer_sizes=w.hidden,
        activation="relu",
        alpha=ALPHA,
        batch_size=w.batch_size,
        max_iter=max_iter,
        shuffle=True,
        tol=0.0,
        n_iter_no_change=max_iter + 1,
        early_stopping=False,
        random_state=0,
    )
    if w.optimizer == "adam":
        common.update(solver="adam", learning_rate_init=1e-3)
    else:
        common.update(
            solver="sgd",
            learning_rate="constant",
            learning_rate_init=0.01,
            momentum=0.9,
            nesterovs_momentum=True,
        )
    cls = SkMLPClassifier if w.task == "clf" else SkMLPRegressor
    return cls(**common)


def so_optimizer(kind):
    return {
        "adam": lambda: Adam(1e-3),
        "nesterov": lambda: SGD(0.01, momentum=0.9, nesterov=True),
    }[kind]()


def so_estimator(w, max_iter=None, optimizer=None):
    max_iter = w.epochs if max_iter is None else max_iter
    cls = MLPClassifier if w.task == "clf" else MLPRegressor
    return cls(
        hidden_layer_sizes=w.hidden,
        activation="relu",
        optimizer=so_optimizer(w.optimizer) if optimizer is None else optimizer,
        regularizers=[L2(ALPHA)] if L2 is not None else None,
        batch_size=w.batch_size,
        max_iter=max_iter,
        tol=0.0,
        n_iter_no_change=10**6,
        shuffle=True,
        random_state=0,
    )


# -- measurement helpers ------------------------------------------------------
#: the clock the tables use: "wall" (time.perf_counter) or "cpu"
#: (time.process_time: this process's CPU time, all threads; robust to other
#: processes on the machine when BLAS runs one thread, see --threads)
CLOCK = {"wall": time.perf_counter, "cpu": time.process_time}
clock = time.perf_counter


def timed_fit(est, X, y):
    gc.collect()
    t0 = clock()
    est.fit(X, y)
    return clock() - t0


def peak_extra_bytes(fn):
    """Peak memory allocated (tracemalloc) while ``fn()`` runs, beyond the start."""
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return max(0, peak - base)


def gemm_epoch(layer_sizes, n, batch_size, dtype, rng):
    """A closure timing one epoch of the matrix products alone."""
    dt = np.dtype(dtype)
    Ws = [
        rng.standard_normal((a, b)).astype(dt)
        for a, b in zip(layer_sizes[:-1], layer_sizes[1:], strict=True)
    ]
    As = [rng.standard_normal((batch_size, s)).astype(dt) for s in layer_sizes]
    Ds = [rng.standard_normal((batch_size, s)).astype(dt) for s in layer_sizes]
    Gs = [np.empty_like(W) for W in Ws]
    L = len(Ws)
    sizes = [min(batch_size, n - s) for s in range(0, n, batch_size)]

    def run():
        for nb in sizes:
            for i in range(L):
                np.matmul(As[i][:nb], Ws[i], out=As[i + 1][:nb])
            for i in range(L - 1, -1, -1):
                np.matmul(As[i][:nb].T, Ds[i + 1][:nb], out=Gs[i])
                if i:
                    np.matmul(Ds[i + 1][:nb], Ws[i].T, out=Ds[i][:nb])

    return run


def time_call(fn):
    gc.collect()
    t0 = clock()
    fn()
    return clock() - t0


def score(est, X, y, task):
    if task == "clf":
        return float(np.mean(est.predict(X) == y))
    from sklearn.metrics import r2_score

    return float(r2_score(y, est.predict(X)))


def n_epochs_run(est):
    return int(est.n_iter_)


# -- benchmark pieces ---------------------------------------------------------
def bench_workload(w, dtypes, repeats, log):
    """Rows of (dtype, system) -> dict with timings, score, memory."""
    X_tr, X_te, y_tr, y_te = w.data
    rows = {}
    layer = [X_tr.shape[1], *w.hidden, 1 if w.task == "reg" else len(set(y_tr))]
    rng = np.random.default_rng(0)
    for dt in dtypes:
        Xtr = np.ascontiguousarray(X_tr, dtype=dt)
        Xte = np.ascontiguousarray(X_te, dtype=dt)
        ytr = y_tr.astype(dt) if w.task == "reg" else y_tr
        gemm = gemm_epoch(layer, Xtr.shape[0], w.batch_size, dt, rng)
        systems = {
            "skoptim": lambda: so_estimator(w),
            "sklearn": lambda: sk_estimator(w),
        }
        # warm-up: one short fit each, and the GEMM loop once
        for make in systems.values():
            timed_fit(make().set_params(max_iter=1), Xtr, ytr)
        gemm()
        times = {k: [] for k in systems}
        times["gemm"] = []
        last = {}
        for r in range(repeats):
            order = list(systems) if r % 2 == 0 else list(systems)[::-1]
            for name in order:
                est = systems[name]()
                t = timed_fit(est, Xtr, ytr)
                times[name].append(t / n_epochs_run(est))
                last[name] = est
            times["gemm"].append(time_call(gemm))
            log(
                f"  {w.name} {np.dtype(dt).name} round {r + 1}: "
                + ", ".join(f"{k} {v[-1]:.4f}s/ep" for k, v in times.items())
            )
        for name in systems:
            est = last[name]
            mem = peak_extra_bytes(
                lambda make=systems[name], X=Xtr, y=ytr: (
                    make().set_params(max_iter=min(2, w.epochs)).fit(X, y)
                )
            )
            rows[(np.dtype(dt).name, name)] = {
                "sec": statistics.median(times[name]),
                "all": times[name],
                "score": score(est, Xte, y_te, w.task),
                "mem": mem,
                "dtype_out": str(est.coefs_[0].dtype),
            }
        rows[(np.dtype(dt).name, "gemm")] = {"sec": statistics.median(times["gemm"])}
    return rows


OPTIMIZERS = {
    "SGD": lambda: SGD(0.01),
    "SGD (Nesterov 0.9)": lambda: SGD(0.01, momentum=0.9, nesterov=True),
    "Adagrad": lambda: Adagrad(0.01),
    "Adadelta": lambda: Adadelta(1.0),
    "RMSprop": lambda: RMSprop(1e-3),
    "Adam": lambda: Adam(1e-3),
    "AdamW": lambda: AdamW(1e-3),
    "Nadam": lambda: Nadam(2e-3),
}


def bench_optimizers(w, dtype, repeats, epochs, log):
    X_tr, X_te, y_tr, y_te = w.data
    Xtr = np.ascontiguousarray(X_tr, dtype=dtype)
    Xte = np.ascontiguousarray(X_te, dtype=dtype)

    def make(name):
        return so_estimator(w, max_iter=epochs, optimizer=OPTIMIZERS[name]())

    for name in OPTIMIZERS:  # warm-up
        timed_fit(make(name).set_params(max_iter=1), Xtr, y_tr)
    times = {k: [] for k in OPTIMIZERS}
    last = {}
    for r in range(repeats):
        names = list(OPTIMIZERS) if r % 2 == 0 else list(OPTIMIZERS)[::-1]
        for name in names:
            est = make(name)
            times[name].append(timed_fit(est, Xtr, y_tr) / n_epochs_run(est))
            last[name] = est
        log(f"  optimizers round {r + 1} done")
    return {
        name: {
            "sec": statistics.median(times[name]),
            "score": score(last[name], Xte, y_te, "clf"),
        }
        for name in OPTIMIZERS
    }


def bench_predict(dtypes, n_rows, repeats, epochs, log):
    X, y = _w1_data(20000)
    X_tr, _, y_tr, _ = train_test_split(X, y, test_size=0.2, random_state=0)
    sc = StandardScaler().fit(X_tr)
    Xbig, _ = make_classification(
        n_samples=n_rows,
        n_features=100,
        n_informative=50,
        n_redundant=10,
        n_classes=10,
        n_clusters_per_class=2,
        random_state=1,
    )
    Xbig = sc.transform(Xbig)
    w = Workload("W1", "clf", (256, 128), 256, epochs, "adam")
    out = {}
    for dt in dtypes:
        Xtr = np.ascontiguousarray(sc.transform(X_tr), dtype=dt)
        Xp = np.ascontiguousarray(Xbig, dtype=dt)
        models = {
            "skoptim": so_estimator(w).fit(Xtr, y_tr),
            "sklearn": sk_estimator(w).fit(Xtr, y_tr),
        }
        for m in models.values():
            m.predict(Xp[:1000])
        times = {k: [] for k in models}
        for r in range(repeats):
            names = list(models) if r % 2 == 0 else list(models)[::-1]
            for name in names:
                times[name].append(time_call(lambda m=models[name], X=Xp: m.predict(X)))
        mem = {
            name: peak_extra_bytes(lambda m=m, X=Xp: m.predict(X))
            for name, m in models.items()
        }
        for name in models:
            out[(np.dtype(dt).name, name)] = {
                "sec": statistics.median(times[name]),
                "mem": mem[name],
            }
        log(
            f"  predict {np.dtype(dt).name}: "
            + ", ".join(f"{k} {statistics.median(v):.4f}s" for k, v in times.items())
        )
    return out


def bench_scale(sizes, repeats, log):
    """W4: one float32 epoch of W1's model at growing n (skoptim and sklearn)."""
    out = {}
    w = Workload("W4", "clf", (256, 128), 256, 1, "adam")
    for n in sizes:
        X, y = _w1_data(n)
        X = StandardScaler().fit_transform(X).astype(np.float32)
        gc.collect()
        row = {"n": n, "X_bytes": X.nbytes}
        for name, make in (
            ("skoptim", lambda: so_estimator(w, max_iter=1)),
            ("sklearn", lambda: sk_estimator(w, max_iter=1)),
        ):
            ts = [timed_fit(make(), X, y) for _ in range(repeats)]
            row[name] = {
                "sec": statistics.median(ts),
                "per_sample_us": statistics.median(ts) / n * 1e6,
                "mem": peak_extra_bytes(lambda make=make, X=X, y=y: make().fit(X, y)),
            }
            log(
                f"  W4 n={n} {name}: {row[name]['sec']:.2f}s, peak extra "
                f"{row[name]['mem'] / 2**20:.0f} MiB (X is {X.nbytes / 2**20:.0f} MiB)"
            )
        out[n] = row
        del X, y
    return out


# -- machine and report -------------------------------------------------------
def machine_info():
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    blas = "unknown"
    try:
        from threadpoolctl import threadpool_info

        infos = [i for i in threadpool_info() if i.get("user_api") == "blas"]
        blas = "; ".join(
            f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')}, "
            f"{i.get('num_threads')} threads)"
            for i in infos
        )
    except Exception:  # noqa: BLE001 - informational only
        pass
    env = {
        k: os.environ[k]
        for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS")
        if k in os.environ
    }
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "sklearn": sklearn.__version__,
        "skoptim": skoptim.__version__ if hasattr(skoptim, "__version__") else "dev",
        "blas": blas,
        "env": env or "none set",
    }


def fmt_s(x):
    return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s"


def mib(b):
    return f"{b / 2**20:.1f}"


def ok(flag):
    return "met" if flag else "**not met**"


def render(results, info, args, load_start, load_end, started, wall):
    L = []
    add = L.append
    add("# skoptim vs scikit-learn MLP: training speed, accuracy, memory")
    add("")
    cmd = " ".join(["python benchmarks/bench_mlp.py", *args.argv])
    add(f"Measured {started:%Y-%m-%d %H:%M} UTC by `{cmd}` in {wall / 60:.1f} min.")
    add("")
    add(
        f"- Machine: {info['cpu']}, {info['cores']} cores; Python {info['python']}, "
        f"numpy {info['numpy']}, scikit-learn {info['sklearn']}"
    )
    add(f"- BLAS (threadpoolctl): {info['blas']}; OpenBLAS env vars: {info['env']}")
    add(
        f"- Clock: {info['clock']} time"
        + (
            " (process CPU time: robust to other processes when BLAS runs one thread)"
            if info["clock"] == "cpu"
            else ""
        )
    )
    add(
        f"- Load average (1 min) at start / end: {load_start:.2f} / {load_end:.2f} "
        "(other processes share the cores: ratios come from interleaved fits)"
    )
    penalty = (
        "skoptim `regularizers=[L2(1e-4)]`, scikit-learn `alpha=1e-4`"
        if L2 is not None
        else "**skoptim without L2** (skoptim.regularizers.L2 not importable), "
        "scikit-learn `alpha=1e-4`"
    )
    add(f"- Penalty: {penalty}")
    add(
        f"- Median of {args.repeats} interleaved fits after a warm-up; seconds per "
        "epoch = fit time / epochs run. GEMM = the matrix products alone at the "
        "workload's shapes over one epoch (same dtype). Memory = tracemalloc peak "
        "during a separate fit (allocations beyond the data)."
    )
    add("")
    wls = [k for k in results if k in ("W1", "W2", "W3")]
    if wls:
        add("## Seconds per epoch (W1–W3)")
        add("")
        add(
            "| workload | dtype | skoptim | scikit-learn | sk / skoptim | "
            "sk float64 / skoptim | GEMM-only | skoptim / GEMM | sk / GEMM | "
            "score skoptim | score sklearn | peak MiB skoptim | peak MiB sklearn |"
        )
        add("|" + "---|" * 13)
        for wl in wls:
            rows = results[wl]["rows"]
            sk64 = rows.get(("float64", "sklearn"), {}).get("sec")
            for dt in ("float32", "float64"):
                if (dt, "skoptim") not in rows:
                    continue
                so, sk, g = rows[dt, "skoptim"], rows[dt, "sklearn"], rows[dt, "gemm"]
                r64 = f"{sk64 / so['sec']:.2f}x" if sk64 else "–"
                add(
                    f"| {wl} | {dt} | {fmt_s(so['sec'])} | {fmt_s(sk['sec'])} | "
                    f"{sk['sec'] / so['sec']:.2f}x | {r64} | {fmt_s(g['sec'])} | "
                    f"{so['sec'] / g['sec']:.2f} | {sk['sec'] / g['sec']:.2f} | "
                    f"{so['score']:.4f} | {sk['score']:.4f} | {mib(so['mem'])} | "
                    f"{mib(sk['mem'])} |"
                )
        add("")
        for wl in wls:
            add(f"- {results[wl]['describe']}")
        add("")
    if "OPT" in results:
        o = results["OPT"]
        sgd = o["rows"]["SGD"]["sec"]
        add(
            f"## Every optimizer on W1 ({o['dtype']}, {o['epochs']} epochs, "
            "seconds per epoch)"
        )
        add("")
        add("| optimizer | s / epoch | vs SGD | test accuracy |")
        add("|---|---|---|---|")
        for name, r in o["rows"].items():
            add(
                f"| {name} | {fmt_s(r['sec'])} | {r['sec'] / sgd:.2f}x | "
                f"{r['score']:.4f} |"
            )
        add("")
    if "PRED" in results:
        p = results["PRED"]
        add(f"## predict on {p['n']} rows (W1 model)")
        add("")
        add(
            "| dtype | skoptim | scikit-learn | sk / skoptim | peak MiB skoptim | "
            "peak MiB sklearn |"
        )
        add("|---|---|---|---|---|---|")
        for dt in ("float32", "float64"):
            if (dt, "skoptim") not in p["rows"]:
                continue
            so, sk = p["rows"][dt, "skoptim"], p["rows"][dt, "sklearn"]
            add(
                f"| {dt} | {fmt_s(so['sec'])} | {fmt_s(sk['sec'])} | "
                f"{sk['sec'] / so['sec']:.2f}x | {mib(so['mem'])} | {mib(sk['mem'])} |"
            )
        add("")
    if "W4" in results:
        add("## W4: scale (float32, one epoch of W1's model)")
        add("")
        add(
            "| rows | X MiB | skoptim s | skoptim µs/sample | skoptim peak extra "
            "MiB | sklearn s | sklearn µs/sample | sklearn peak extra MiB |"
        )
        add("|---|---|---|---|---|---|---|---|")
        for n, r in results["W4"].items():
            so, sk = r["skoptim"], r["sklearn"]
            add(
                f"| {n:,} | {mib(r['X_bytes'])} | {so['sec']:.2f} | "
                f"{so['per_sample_us']:.2f} | {mib(so['mem'])} | {sk['sec']:.2f} | "
                f"{sk['per_sample_us']:.2f} | {mib(sk['mem'])} |"
            )
        add("")
    add("## Targets (issue 7)")
    add("")
    for line in targets(results):
        add(f"- {line}")
    add("")
    return "\n".join(L)


def targets(results):
    out = []

    def ratio(wl, dt, ref_dt):
        rows = results[wl]["rows"]
        if (dt, "skoptim") not in rows or (ref_dt, "sklearn") not in rows:
            return None
        return rows[ref_dt, "sklearn"]["sec"] / rows[dt, "skoptim"]["sec"]

    def check(label, value, bound, higher=True):
        if value is None:
            return
        good = value >= bound if higher else value <= bound
        out.append(
            f"{label}: {value:.2f} (target {'≥' if higher else '≤'} {bound}) "
            f"— {ok(good)}"
        )

    if "W1" in results:
        rows = results["W1"]["rows"]
        check("W1 float32 vs sklearn float64", ratio("W1", "float32", "float64"), 3.0)
        check("W1 float32 vs sklearn float32", ratio("W1", "float32", "float32"), 2.2)
        check("W1 float64 vs sklearn float64", ratio("W1", "float64", "float64"), 1.6)
        if ("float32", "gemm") in rows:
            check(
                "W1 float32 / GEMM-only bound",
                rows["float32", "skoptim"]["sec"] / rows["float32", "gemm"]["sec"],
                1.6,
                higher=False,
            )
    if "W2" in results:
        check("W2 float32 vs sklearn float64", ratio("W2", "float32", "float64"), 3.0)
    if "W3" in results:
        for dt in ("float32", "float64"):
            check(f"W3 {dt} vs sklearn {dt}", ratio("W3", dt, dt), 3.5)
    for wl in ("W1", "W2", "W3"):
        if wl not in results:
            continue
        rows = results[wl]["rows"]
        for dt in ("float32", "float64"):
            if (dt, "skoptim") in rows:
                d = 100 * (rows[dt, "skoptim"]["score"] - rows[dt, "sklearn"]["score"])
                out.append(
                    f"{wl} {dt} score skoptim − sklearn: {d:+.2f} points "
                    f"(target ≥ −0.5) — {ok(d >= -0.5)}"
                )
    if "OPT" in results:
        o = results["OPT"]["rows"]
        worst = max(o, key=lambda k: o[k]["sec"])
        check(
            f"slowest optimizer ({worst}) / SGD",
            o[worst]["sec"] / o["SGD"]["sec"],
            1.15,
            higher=False,
        )
    if "PRED" in results:
        for dt in ("float32", "float64"):
            r = results["PRED"]["rows"]
            if (dt, "skoptim") in r:
                check(
                    f"predict {dt} vs sklearn",
                    r[dt, "sklearn"]["sec"] / r[dt, "skoptim"]["sec"],
                    1.5,
                )
    if "W4" in results and len(results["W4"]) >= 2:
        ns = sorted(results["W4"])
        a, b = results["W4"][ns[0]], results["W4"][ns[-1]]
        growth = b["skoptim"]["per_sample_us"] / a["skoptim"]["per_sample_us"]
        out.append(
            f"W4 time per sample {ns[-1]:,} / {ns[0]:,} rows: {growth:.2f} "
            f"(flat ≈ 1) — {ok(growth <= 1.15)}"
        )
        extra = b["skoptim"]["mem"] / b["X_bytes"]
        out.append(
            f"W4 peak extra memory at {ns[-1]:,} rows: {extra:.2f} × X "
            f"(target ≤ 1 × X + small constant, no copy of X) — {ok(extra <= 1.0)}"
        )
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer epochs and rows, for iterating"
    )
    parser.add_argument(
        "--workloads",
        default="W1,W2,W3,OPT,PRED,W4",
        help="comma-separated subset of W1,W2,W3,OPT,PRED,W4",
    )
    parser.add_argument(
        "--dtype", default="float32,float64", help="float32, float64 or both"
    )
    parser.add_argument("--repeats", type=int, default=None, help="timed fits (≥3)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="markdown output")
    parser.add_argument(
        "--threads",
        type=int,
        default=None,
        help="limit BLAS threads (threadpoolctl); default: the library's own",
    )
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCK),
        default="wall",
        help="wall time, or this process's CPU time (meaningful with --threads 1 "
        "on a machine other processes share)",
    )
    args = parser.parse_args(argv)
    args.argv = sys.argv[1:] if argv is None else list(argv)
    if args.repeats is None:
        args.repeats = 1 if args.quick else 3
    dtypes = [np.dtype(d.strip()).type for d in args.dtype.split(",") if d.strip()]
    wanted = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    global clock
    clock = CLOCK[args.clock]
    if args.threads is not None:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=args.threads, user_api="blas"):
            return _run(args, dtypes, wanted)
    return _run(args, dtypes, wanted)


def _run(args, dtypes, wanted):
    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = os.getloadavg()[0]
    t_start = time.perf_counter()
    info = machine_info()
    info["clock"] = args.clock
    results = {}
    for name in ("W1", "W2", "W3"):
        if name in wanted:
            w = make_workload(name, args.quick)
            log(w.describe())
            results[name] = {
                "rows": bench_workload(w, dtypes, args.repeats, log),
                "describe": w.describe(),
            }
    if "OPT" in wanted:
        w = make_workload("W1", args.quick)
        epochs = 2 if args.quick else 5
        log(f"every optimizer on W1, float32, {epochs} epochs")
        results["OPT"] = {
            "rows": bench_optimizers(w, np.float32, args.repeats, epochs, log),
            "dtype": "float32",
            "epochs": epochs,
        }
    if "PRED" in wanted:
        n = 100_000
        log(f"predict on {n} rows")
        results["PRED"] = {
            "rows": bench_predict(dtypes, n, max(args.repeats, 5), 2, log),
            "n": f"{n:,}",
        }
    if "W4" in wanted:
        sizes = (50_000, 200_000) if args.quick else (200_000, 1_000_000)
        log(f"W4 scale: {sizes}")
        results["W4"] = bench_scale(sizes, 1 if args.quick else 2, log)
    wall = time.perf_counter() - t_start
    text = render(results, info, args, load_start, os.getloadavg()[0], started, wall)
    print(text)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n")
    log(f"wrote {out}")


if __name__ == "__main__":
    main()
