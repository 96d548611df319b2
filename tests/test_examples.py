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
    "plot_data_augmentation.py": [
        "data_augmentation.png",
        "data_augmentation_samples.png",
    ],
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


# -- what each example claims, checked on the namespace of its run ----------
def _claims_adagrad(ns):
    runs, jump = ns["runs"], ns["JUMP"]
    adagrad, rmsprop = runs["Adagrad"][0][:, 0], runs["RMSprop"][0][:, 0]
    assert adagrad[-1] < 0.2 * adagrad[9]  # dies out ...
    assert rmsprop[-1] > 0.5 * rmsprop[9]  # ... where the moving average does not
    assert runs["Adadelta"][0][-1, 0] > 0.5 * runs["Adadelta"][0][9, 0]
    # after the jump, Adagrad is the slowest back to the new minimum
    after = {name: run[1][jump + 50] for name, run in runs.items()}
    assert after["Adagrad"] > 2 * max(after["RMSprop"], after["Adadelta"])


def _claims_adam(ns):
    import numpy as np

    assert np.allclose(ns["mine"].path, ns["ref"].path)  # the protocol Adam is Adam
    steps, fine = ns["steps"], ns["fine_tuning"]
    corrected, none, half = (steps[k] for k in ns["VARIANTS"])
    np.testing.assert_allclose(corrected, 1.0, rtol=1e-6)
    np.testing.assert_allclose(none[0], 0.1 / np.sqrt(1 - 0.999), rtol=1e-6)
    np.testing.assert_allclose(half[0], 1 / np.sqrt(1 - 0.999), rtol=1e-6)
    start = fine["Adam (bias-corrected)"][0]
    assert fine["Adam (bias-corrected)"].max() <= start * (1 + 1e-9)
    assert fine["no correction"].max() > 3 * start
    assert fine["m corrected, v not"].max() > 100 * start


def _claims_bagging(ns):
    coverage = ns["held_out"].coverage_
    assert abs(coverage["interval"] - 0.9) < 0.04  # jackknife+ is calibrated
    assert coverage["spread"] < coverage["interval"] - 0.2  # the spread is not
    std = ns["wide"].y_std
    assert std[-1] > 3 * std[200]  # wider off the data
    assert ns["gb_errors"][-1] < 0.5 * ns["single_error"]
    # AdaBoost stopped early, on a round no better than chance
    assert ns["n_ada"] < ns["N_STAGES"]
    assert (ns["adaboost"].estimator_errors_[: ns["n_ada"]] < 0.5).all()


def _claims_bias_variance(ns):
    fresh, boot = ns["fresh"], ns["boot"]
    # independent training sets: bias falls and variance rises with depth
    assert fresh.bias_term[-1] < 0.1 * fresh.bias_term[0]
    assert fresh.variance_term[-1] > 2 * fresh.variance_term[3]
    # bootstraps of one set: bias² rises again for deep trees (the artefact),
    # and the deep trees' variance is smaller than over independent sets
    assert boot.bias_term[-1] > 2 * boot.bias_term[3]
    assert boot.variance_term[-1] < fresh.variance_term[-1]


def _claims_data_augmentation(ns):
    import numpy as np

    gap, results, sizes = ns["gap"], ns["results"], ns["SIZES"]
    none = gap["none"].mean(axis=1)
    assert (np.diff(none) < 0).all()  # the gap closes with more data
    # from 200 images on, augmentation with L2 narrows it
    narrowed = none[1:] - gap["shift + L2"].mean(axis=1)[1:]
    assert (narrowed > 0).all() and sizes[1] == 200
    # the invariance: shifted test digits, far better with augmentation
    shifted = {m: r[:, :, 2].mean(axis=1) for m, r in results.items()}
    assert (shifted["shift"] > shifted["none"] + 0.25).all()
    assert (shifted["none"] < 0.5).all()


def _claims_optimizer_paths(ns):
    for res in ns["results"].values():
        assert res.path.shape[1] == 2
        assert res.losses[-1] < res.losses[0]
    assert len(ns["disp"].axes_) == len(ns["OPTIMIZERS"])  # small multiples


def _claims_regularization(ns):
    fitted = dict(ns["fitted"])
    none = fitted.pop("none").validation_loss_curve_
    assert none[-1] > 1.5 * min(none)  # the unregularised network overfits
    for name, est in fitted.items():
        final = getattr(est, "best_validation_loss_", est.validation_loss_curve_[-1])
        assert final < 0.8 * none[-1], name
    assert fitted["EarlyStopping(10)"].n_iter_ < 200


def _claims_sharpness(ns):
    assert ns["ratio_batch"].min() > 1  # full batch sharper, every seed
    assert ns["ratio_sam"].max() < 1  # SAM flatter, every seed


def _claims_time_series(ns):
    table, truth = ns["table"], ns["truth"]
    for model in ns["models"]:
        estimates = table[model]
        assert estimates.idxmin() == "shuffled KFold"
        # every scheme is below the truth, shuffled K-fold furthest
        gaps = truth[model] - estimates
        assert gaps.idxmax() == "shuffled KFold"
    assert table["5-NN"]["shuffled KFold"] < 0.2 * truth["5-NN"]


CLAIMS = {
    "plot_adagrad_step_size.py": _claims_adagrad,
    "plot_adam_bias_correction.py": _claims_adam,
    "plot_bagging_boosting.py": _claims_bagging,
    "plot_bias_variance.py": _claims_bias_variance,
    "plot_data_augmentation.py": _claims_data_augmentation,
    "plot_optimizer_paths.py": _claims_optimizer_paths,
    "plot_regularization.py": _claims_regularization,
    "plot_sharpness_sam.py": _claims_sharpness,
    "plot_time_series_cv.py": _claims_time_series,
}


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
    assert sorted(CLAIMS) == GALLERY


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
def test_example_writes_its_figures_and_its_claims_hold(name, tmp_path, monkeypatch):
    out, cwd = tmp_path / "figures", tmp_path / "cwd"
    cwd.mkdir()
    ns = _run(name, ["--output", str(out), *QUICK.get(name, [])], monkeypatch, cwd)
    CLAIMS[name](ns)
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
