"""``skoptim compare`` end to end, in a subprocess, on generated CSVs."""

from __future__ import annotations

import itertools
import json
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.model_selection import KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skoptim import MLPRegressor

from .conftest import run_cli

PROGRESS = re.compile(r"^\[(\d+)/(\d+)\] (\S+) \+ (\S+), fold (\d+)/(\d+): ")


def _table_rows(stdout: str) -> list[list[str]]:
    """The rows of the results table (after the dashed rule)."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("----"))
    return [line.split() for line in lines[start + 1 :] if line.strip()]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_numeric_regression_matches_the_python_api(regression_csv, tmp_path):
    out = tmp_path / "res.json"
    proc = run_cli(
        "compare",
        regression_csv,
        "--target",
        "price",
        "--optimizers",
        "adam,lbfgs",
        "--max-iter",
        "5",
        "--n-splits",
        "3",
        "--json",
        out,
    )
    assert "task: regression" in proc.stdout
    assert "scoring: r2" in proc.stdout
    assert "3 numeric column(s) [a, b, c]" in proc.stdout
    assert "60 rows x 3 feature columns" in proc.stdout
    rows = _table_rows(proc.stdout)
    assert sorted(r[1] for r in rows) == ["adam", "lbfgs"]
    assert "Traceback" not in proc.stderr

    doc = json.loads(out.read_text())
    assert doc["task"] == "regression"
    assert doc["cv"]["name"] == "kfold"
    res = {r["optimizer"]: r for r in doc["results"]}
    # the same pipeline through the public API gives the same fold scores
    data = pd.read_csv(regression_csv)
    model = TransformedTargetRegressor(
        make_pipeline(
            StandardScaler(),
            MLPRegressor((64,), optimizer="adam", max_iter=5, random_state=0),
        ),
        transformer=StandardScaler(),
    )
    expected = cross_val_score(
        model,
        data[["a", "b", "c"]],
        data["price"],
        cv=KFold(3, shuffle=True, random_state=0),
        scoring="r2",
    )
    np.testing.assert_allclose(res["adam"]["fold_scores"], expected, rtol=1e-6)


def test_mixed_types_missing_values_string_labels(mixed_csv, tmp_path):
    out = tmp_path / "res.json"
    proc = run_cli(
        "compare",
        mixed_csv,
        "--target",
        "label",
        "--optimizers",
        "adam,sgd",
        "--regularizers",
        "none,l2,label-smoothing",
        "--max-iter",
        "5",
        "--n-splits",
        "3",
        "--json",
        out,
        "--hidden",
        "8,4",
        "--dtype",
        "float32",
    )
    assert "task: classification (non-numeric target, 2 classes)" in proc.stdout
    assert "dropped 1 rows with a missing target" in proc.stdout
    assert "2 numeric column(s) [age, income]" in proc.stdout
    assert "2 categorical/string column(s) [city, member]" in proc.stdout
    assert "one-hot" in proc.stdout
    assert "60 rows x 4 feature columns" in proc.stdout
    assert "StratifiedKFold" in proc.stdout

    rows = _table_rows(proc.stdout)
    assert len(rows) == 6
    pairs = {(r[1], r[2]) for r in rows}
    assert pairs == set(
        itertools.product(["adam", "sgd"], ["none", "l2", "label-smoothing"])
    )
    means = [float(r[3]) for r in rows]
    assert means == sorted(means, reverse=True)  # best first
    assert [int(r[0]) for r in rows] == list(range(1, 7))

    # one progress line per fit, numbered 1..18
    lines = proc.stderr.splitlines()
    matches = [PROGRESS.match(line) for line in lines]
    assert all(matches), proc.stderr
    assert [int(m.group(1)) for m in matches] == list(range(1, 19))
    assert {int(m.group(2)) for m in matches} == {18}

    doc = json.loads(out.read_text())
    assert doc["cv"]["name"] == "stratified"
    assert doc["cv"]["n_splits"] == 3
    assert sum(doc["cv"]["test_sizes"]) == 60
    assert doc["model"]["dtype"] == "float32"
    assert doc["model"]["hidden_layer_sizes"] == [8, 4]
    assert [r["rank"] for r in doc["results"]] == list(range(1, 7))
    for r in doc["results"]:
        assert r["config"] == f"{r['optimizer']} + {r['regularizer']}"
        assert r["error"] is None
        assert len(r["fold_scores"]) == 3
        assert all(0.0 <= s <= 1.0 for s in r["fold_scores"])
        assert r["mean_score"] == pytest.approx(np.mean(r["fold_scores"]))
        assert r["std_score"] == pytest.approx(np.std(r["fold_scores"]))
        assert r["epochs"] == [5, 5, 5]
        assert r["mean_fit_time"] == pytest.approx(np.mean(r["fit_times"]))
    # the table shows the same numbers as the JSON file
    for row, r in zip(rows, doc["results"], strict=True):
        assert (row[1], row[2]) == (r["optimizer"], r["regularizer"])
        assert float(row[3]) == pytest.approx(r["mean_score"], abs=5e-5)


@pytest.mark.parametrize(
    ("cv", "train_sizes", "test_sizes"),
    [
        # 60 rows in 3 blocks of 20: 16 training rows, a gap of 2, 2 test rows
        ("blocked", [16, 16, 16], [2, 2, 2]),
        # test folds of 20; purge the 2 rows whose labels reach into the test
        # fold and embargo 2 rows after it: 60-20-2-2, 60-20-4-2, 60-20-2
        ("purged", [36, 34, 38], [20, 20, 20]),
    ],
)
def test_daily_time_series(daily_csv, tmp_path, cv, train_sizes, test_sizes):
    out = tmp_path / "res.json"
    proc = run_cli(
        "compare",
        daily_csv,
        "--target",
        "sales",
        "--time-column",
        "date",
        "--cv",
        cv,
        "--gap",
        "2",
        "--n-splits",
        "3",
        "--optimizers",
        "adam",
        "--max-iter",
        "5",
        "--json",
        out,
        "--quiet",
    )
    assert proc.stderr == ""  # --quiet
    assert "rows sorted by 'date' (not a feature)" in proc.stdout
    assert "2 numeric column(s) [x1, x2]" in proc.stdout
    assert f"cv: {cv}:" in proc.stdout
    doc = json.loads(out.read_text())
    assert doc["data"]["n_features"] == 2
    assert doc["data"]["time_column"] == "date"
    assert doc["cv"]["name"] == cv
    assert doc["cv"]["train_sizes"] == train_sizes
    assert doc["cv"]["test_sizes"] == test_sizes
    assert len(doc["results"][0]["fold_scores"]) == 3


def test_time_column_sorts_the_rows(daily_csv, tmp_path):
    """Scores equal those on the same file written in time order."""
    ordered = tmp_path / "ordered.csv"
    pd.read_csv(daily_csv).sort_values("date").to_csv(ordered, index=False)
    scores = []
    for path in (daily_csv, ordered):
        out = tmp_path / f"{path.stem}.json"
        run_cli(
            "compare",
            path,
            "--target",
            "sales",
            "--time-column",
            "date",
            "--cv",
            "blocked",
            "--n-splits",
            "2",
            "--optimizers",
            "sgd",
            "--max-iter",
            "3",
            "--json",
            out,
            "--quiet",
        )
        scores.append(json.loads(out.read_text())["results"][0]["fold_scores"])
    assert scores[0] == scores[1]


def test_plot_writes_a_png(mixed_csv, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "scores.png"
    run_cli(
        "compare",
        mixed_csv,
        "--target",
        "label",
        "--optimizers",
        "adam,sgd",
        "--max-iter",
        "3",
        "--n-splits",
        "2",
        "--plot",
        png,
        "--quiet",
    )
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 5_000


def test_bundled_dataset_and_task_override(tmp_path):
    out = tmp_path / "res.json"
    proc = run_cli(
        "compare",
        "--dataset",
        "iris",
        "--optimizers",
        "lbfgs",
        "--max-iter",
        "3",
        "--n-splits",
        "2",
        "--json",
        out,
        "--quiet",
    )
    assert "iris (bundled with scikit-learn): 150 rows x 4 feature columns" in (
        proc.stdout
    )
    assert "3 classes" in proc.stdout
    doc = json.loads(out.read_text())
    assert doc["task"] == "classification"
    assert doc["cv"]["test_sizes"] == [75, 75]
    # an integer target with few values is a class label unless told otherwise
    proc = run_cli(
        "compare",
        "--dataset",
        "iris",
        "--task",
        "regression",
        "--optimizers",
        "lbfgs",
        "--max-iter",
        "3",
        "--n-splits",
        "2",
        "--quiet",
    )
    assert "task: regression (--task)" in proc.stdout
    assert "r2" in proc.stdout


def test_scoring_option(regression_csv):
    proc = run_cli(
        "compare",
        regression_csv,
        "--target",
        "price",
        "--optimizers",
        "adam",
        "--max-iter",
        "2",
        "--n-splits",
        "2",
        "--scoring",
        "neg_mean_absolute_error",
        "--quiet",
    )
    assert "scoring: neg_mean_absolute_error" in proc.stdout
    assert float(_table_rows(proc.stdout)[0][3]) < 0


def test_parallel_folds_give_the_same_scores(mixed_csv, tmp_path):
    scores = []
    for n_jobs in ("1", "2"):
        out = tmp_path / f"res{n_jobs}.json"
        proc = run_cli(
            "compare",
            mixed_csv,
            "--target",
            "label",
            "--optimizers",
            "adam",
            "--max-iter",
            "3",
            "--n-splits",
            "2",
            "--n-jobs",
            n_jobs,
            "--json",
            out,
        )
        assert [
            PROGRESS.match(line) is not None for line in proc.stderr.splitlines()
        ] == [True, True]
        scores.append(json.loads(out.read_text())["results"][0]["fold_scores"])
    assert scores[0] == scores[1]


def test_n_iter_no_change_reaches_the_model_and_the_noisy_stop_is_reported(tmp_path):
    # mixup's noisy training loss stops the default rule early: the CLI says
    # so once (it hides the other ConvergenceWarnings), and the flag lets the
    # fits run longer
    common = ["compare", "--dataset", "iris", "--optimizers", "adam"]
    common += ["--regularizers", "mixup", "--max-iter", "400", "--n-splits", "3"]
    default = run_cli(*common)
    notes = [ln for ln in default.stderr.splitlines() if "default tol rule" in ln]
    assert len(notes) == 1 and "Mixup" in notes[0]
    assert "n_iter_no_change=10" in default.stdout

    out = tmp_path / "res.json"
    longer = run_cli(*common, "--n-iter-no-change", "400", "--json", out)
    assert "default tol rule" not in longer.stderr
    assert "n_iter_no_change=400" in longer.stdout
    doc = json.loads(out.read_text())
    assert doc["model"]["n_iter_no_change"] == 400
    epochs = lambda proc: [r[-1] for r in _table_rows(proc.stdout)]  # noqa: E731
    assert epochs(longer) == ["400"] and epochs(default) != ["400"]
