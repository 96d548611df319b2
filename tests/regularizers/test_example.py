"""examples/plot_regularization.py runs and shows what it claims."""

import runpy
from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib", reason="the example needs matplotlib")

EXAMPLE = Path(__file__).parents[2] / "examples" / "plot_regularization.py"


def test_example_runs_and_its_claims_hold(tmp_path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    result = runpy.run_path(str(EXAMPLE), run_name="__main__")
    matplotlib.pyplot.close("all")
    assert (tmp_path / "plot_regularization.png").exists()
    fitted = result["fitted"]
    none = fitted.pop("none").validation_loss_curve_
    assert none[-1] > 1.5 * min(none)  # the unregularised network overfits
    for name, est in fitted.items():
        final = getattr(est, "best_validation_loss_", est.validation_loss_curve_[-1])
        assert final < 0.8 * none[-1], name
    assert fitted["EarlyStopping(10)"].n_iter_ < 200
