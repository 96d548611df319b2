"""The README's main job and the optimizer-path example run end to end."""

import importlib.util
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_quickstart_compares_every_optimizer(capsys):
    mod = _load("quickstart")
    rows = mod.main(["--quick"])
    names = {r[0] for r in rows}
    assert names == set(mod.OPTIMIZERS)
    out = capsys.readouterr().out
    assert "optimizer" in out and "Adam" in out and "±" in out
    # every optimizer learns digits well beyond chance even in the quick run
    assert all(mean > 0.8 for _, mean, _, _ in rows)


def test_optimizer_paths_example(tmp_path):
    pytest.importorskip("matplotlib")
    mod = _load("plot_optimizer_paths")
    out = tmp_path / "paths.png"
    results = mod.main(["--n-iter", "60", "--output", str(out)])
    assert out.stat().st_size > 10_000
    assert set(results) == set(mod.OPTIMIZERS)
    for res in results.values():
        assert res.path.shape[1] == 2
        assert res.losses[-1] < res.losses[0]


def test_bias_variance_example_runs(capsys):
    pytest.importorskip("matplotlib")
    import runpy
    import warnings

    import matplotlib.pyplot as plt

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # plt.show() under Agg
        runpy.run_path(str(EXAMPLES / "plot_bias_variance.py"), run_name="__main__")
    plt.close("all")
    out = capsys.readouterr().out
    assert "bias" in out and "variance" in out
