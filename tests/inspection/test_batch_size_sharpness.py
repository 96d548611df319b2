"""Keskar et al. (2017) at small size: large batches, sharper minima; SAM flatter.

Same network, same initialisation per seed, SGD with the same cosine-annealed
learning rate for the same number of updates; only the batch size and the SAM
wrapper change. See examples/plot_sharpness_sam.py for the full experiment.
"""

import runpy
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from skoptim import MLPRegressor
from skoptim.inspection import sharpness
from skoptim.optimizers import SAM, SGD
from skoptim.schedules import CosineAnnealing

N, STEPS = 64, 2000


def make_data(seed):
    rng = np.random.RandomState(100 + seed)  # not the example's data
    direction = rng.normal(size=5)
    X = rng.normal(size=(N, 5))
    y = np.sin(X @ (direction / np.linalg.norm(direction))) + 0.3 * rng.normal(size=N)
    return X, y


def fit(X, y, batch_size, seed, rho=None):
    epochs = STEPS * batch_size // N
    opt = SGD(CosineAnnealing(0.1, t_max=epochs))
    if rho is not None:
        opt = SAM(opt, rho=rho)
    net = MLPRegressor(
        (64,),
        activation="tanh",
        optimizer=opt,
        batch_size=batch_size,
        max_iter=epochs,
        n_iter_no_change=epochs + 1,
        random_state=seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return net.fit(X, y)


def test_large_batches_give_sharper_minima_and_sam_reduces_it():
    small, large, large_sam = [], [], []
    for seed in range(3):
        X, y = make_data(seed)
        for out, (bs, rho) in (
            (small, (4, None)),
            (large, (N, None)),
            (large_sam, (N, 0.05)),
        ):
            out.append(sharpness(fit(X, y, bs, seed, rho), X, y, random_state=0))
    small, large, large_sam = map(np.array, (small, large, large_sam))
    # every seed: full batch sharper than batches of 4, SAM flatter than plain
    assert np.all(large > small)
    assert np.all(large_sam < large)
    # and by a clear margin on average (measured: 1.5x and 0.72x)
    assert np.mean(large / small) > 1.3
    assert np.mean(large_sam / large) < 0.9


def test_example_reproduces_the_claim(monkeypatch, capsys):
    plt = pytest.importorskip("matplotlib.pyplot")
    pytest.importorskip("pandas")
    monkeypatch.setattr(plt, "show", lambda *a, **k: None)
    path = Path(__file__).parents[2] / "examples" / "plot_sharpness_sam.py"
    namespace = runpy.run_path(str(path), run_name="__main__")
    plt.close("all")
    per_seed = namespace["per_seed"]
    assert np.all(per_seed["full batch (64)"] > per_seed["small batch (4)"])
    assert np.all(per_seed["full batch + SAM"] < per_seed["full batch (64)"])
    assert "sharpness (%)" in capsys.readouterr().out
