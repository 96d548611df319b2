"""The examples run end to end, headless, and write their figures.

Every ``examples/plot_*.py`` is a sphinx-gallery script: a title docstring,
``# %%`` cells, and figures saved into the current folder or ``--output DIR``.
"""

import ast
import importlib.util
import runpy
import sys
import warnings
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
GALLERY = sorted(p.name for p in EXAMPLES.glob("plot_*.py"))

# The figures each example must write.
FIGURES = {
    "plot_adagrad_step_size.py": ["adagrad_step_size.png"],
    "plot_adam_bias_correction.py": ["adam_bias_correction.png"],
    "plot_bagging_boosting.py": ["bagging_intervals.png", "boosting_stages.png"],
    "plot_bias_variance.py": ["bias_variance_trees.png", "bias_variance_mlp.png"],
    "plot_optimizer_paths.py": ["optimizer_paths.png"],
    "plot_regularization.py": [
        "regularization_curves.png",
        "regularization_overlay.png",
    ],
    "plot_sharpness_sam.py": ["sharpness_sam.png", "sharpness_sam_2d.png"],
    "plot_time_series_cv.py": [
        "time_series_cv_estimates.png",
        "time_series_cv_folds.png",
    ],
}
# Extra arguments that keep a run short where the example offers them.
QUICK = {"plot_optimizer_paths.py": ["--n-iter", "60"]}


def _load(name):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _run(name, argv, monkeypatch, cwd):
    """Run an example as ``python examples/<name> <argv>`` from ``cwd``."""
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt
    from threadpoolctl import threadpool_limits

    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "argv", [str(EXAMPLES / name), *argv])
    try:
        with warnings.catch_warnings(), threadpool_limits(1):
            warnings.filterwarnings("ignore", message=".*non-interactive.*")
            return runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    finally:
        plt.close("all")


def test_every_gallery_example_is_listed():
    assert sorted(FIGURES) == GALLERY


@pytest.mark.parametrize("name", GALLERY)
def test_example_is_a_gallery_script(name):
    """A title docstring (title underlined) and ``# %%`` cells."""
    source = (EXAMPLES / name).read_text(encoding="utf-8")
    doc = ast.get_docstring(ast.parse(source))
    assert doc, f"{name} has no docstring"
    lines = [line for line in doc.splitlines() if line.strip()]
    title_at = 1 if set(lines[0]) == {"="} else 0
    assert set(lines[title_at + 1]) == {"="}, f"{name}: the title is not underlined"
    assert len(lines[title_at + 1]) >= len(lines[title_at])
    if title_at:  # an overline must match the underline
        assert lines[0] == lines[2]
    assert "\n# %%\n" in source
    assert "plt.show()" in source  # sphinx-gallery collects the figures there


@pytest.mark.parametrize("name", GALLERY)
def test_example_writes_its_figures(name, tmp_path, monkeypatch):
    out, cwd = tmp_path / "figures", tmp_path / "cwd"
    cwd.mkdir()
    _run(name, ["--output", str(out), *QUICK.get(name, [])], monkeypatch, cwd)
    for figure in FIGURES[name]:
        path = out / figure
        assert path.exists(), f"{name} did not write {figure}"
        assert path.stat().st_size > 10_000  # a real picture, not an empty canvas
    assert list(cwd.iterdir()) == []  # nothing written beside it


def test_example_saves_into_the_current_folder_by_default(tmp_path, monkeypatch):
    namespace = _run(
        "plot_optimizer_paths.py", ["--n-iter", "30"], monkeypatch, tmp_path
    )
    assert (tmp_path / "optimizer_paths.png").stat().st_size > 10_000
    results = namespace["results"]
    assert set(results) == set(namespace["OPTIMIZERS"])
    for res in results.values():
        assert res.path.shape[1] == 2
        assert res.losses[-1] < res.losses[0]


def test_quickstart_compares_every_optimizer(capsys):
    mod = _load("quickstart")
    rows = mod.main(["--quick"])
    names = {r[0] for r in rows}
    assert names == set(mod.OPTIMIZERS)
    out = capsys.readouterr().out
    assert "optimizer" in out and "Adam" in out and "±" in out
    # every optimizer learns digits well beyond chance even in the quick run
    assert all(mean > 0.8 for _, mean, _, _ in rows)
