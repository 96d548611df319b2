"""examples/plot_bagging_boosting.py runs and shows what it claims."""

import runpy
from pathlib import Path

import pytest

matplotlib = pytest.importorskip("matplotlib", reason="the example needs matplotlib")

EXAMPLE = Path(__file__).parents[2] / "examples" / "plot_bagging_boosting.py"


def test_example_runs_and_its_claims_hold(tmp_path, monkeypatch):
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    result = runpy.run_path(str(EXAMPLE), run_name="__main__")
    matplotlib.pyplot.close("all")
    assert (tmp_path / "plot_bagging_boosting.png").exists()
    assert abs(result["jab_cov"] - 0.9) < 0.04
    assert result["pct_cov"] < result["jab_cov"] - 0.2
    assert result["std"][-1] > 3 * result["std"][200]  # wider off the data
    assert result["gb_errors"][-1] < 0.5 * result["single_error"]
