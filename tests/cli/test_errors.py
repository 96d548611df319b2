"""Every usage error: one line on stderr naming the problem, exit code 2."""

from __future__ import annotations

import importlib.util
import signal
import sys
from types import SimpleNamespace

import pandas as pd
import pytest

from skoptim.cli import main

from .conftest import popen_cli, run_cli, sales_frame


def _assert_usage_error(proc, *words):
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    for word in words:
        assert word in lines[0], lines[0]
    assert proc.stdout == ""


CASES = {
    "missing file": (
        ["compare", "{dir}/nope.csv", "--target", "y"],
        ["nope.csv", "does not exist"],
    ),
    "missing target": (
        ["compare", "{mixed}", "--target", "price"],
        ["target column 'price'", "age, income, city, member"],
    ),
    "missing time column": (
        ["compare", "{daily}", "--target", "sales", "--time-column", "day"],
        ["time column 'day'"],
    ),
    "unknown optimizer": (
        ["compare", "{mixed}", "--target", "label", "--optimizers", "adam,adamax"],
        ["unknown optimizer 'adamax'", "nadam"],
    ),
    "unknown regularizer": (
        ["compare", "{mixed}", "--target", "label", "--regularizers", "l2,l3"],
        ["unknown regularizer 'l3'", "dropout"],
    ),
    "unknown cv": (
        ["compare", "{mixed}", "--target", "label", "--cv", "loo"],
        ["--cv", "'loo'", "hv-blocked"],
    ),
    "non-numeric regression target": (
        ["compare", "{mixed}", "--target", "label", "--task", "regression"],
        ["'label' is not numeric", "regression"],
    ),
    "too few rows": (
        ["compare", "{tiny}", "--target", "y", "--n-splits", "5"],
        ["cannot split 3 rows", "n_splits=5"],
    ),
    "too few rows, time series": (
        [
            "compare",
            "{tiny}",
            "--target",
            "y",
            "--time-column",
            "t",
            "--cv",
            "purged",
            "--n-splits",
            "4",
        ],
        ["cannot split 3 rows", "PurgedKFold"],
    ),
    "label smoothing for regression": (
        [
            "compare",
            "{daily}",
            "--target",
            "sales",
            "--regularizers",
            "label-smoothing",
        ],
        ["'label-smoothing' works only for classification"],
    ),
    "stratified for regression": (
        ["compare", "{daily}", "--target", "sales", "--cv", "stratified"],
        ["stratified needs a classification target"],
    ),
    "time-window without time column": (
        ["compare", "{daily}", "--target", "sales", "--cv", "time-window"],
        ["time-window needs --time-column", "--time-column date"],
    ),
    "time-series cv on shuffled rows": (
        ["compare", "{sales}", "--target", "sales", "--cv", "purged", "--gap", "3"],
        ["--cv purged", "not in time order", "'date'", "use --time-column date"],
    ),
    "classification scorer for regression": (
        ["compare", "{sales}", "--target", "sales", "--scoring", "accuracy"],
        [
            "--scoring accuracy is a classification scorer",
            "task is regression (numeric target with fractional values)",
            "r2",
        ],
    ),
    "probability scorer for regression": (
        ["compare", "{sales}", "--target", "sales", "--scoring", "neg_log_loss"],
        ["--scoring neg_log_loss is a classification scorer"],
    ),
    "regression scorer for classification": (
        ["compare", "{mixed}", "--target", "label", "--scoring", "r2"],
        ["--scoring r2 is a regression scorer", "classification", "accuracy"],
    ),
    "binary scorer on string labels": (
        ["compare", "{mixed}", "--target", "label", "--scoring", "f1"],
        ["--scoring f1 cannot score this target", "pos_label=1"],
    ),
    "binary scorer on three classes": (
        ["compare", "--dataset", "iris", "--scoring", "precision"],
        ["--scoring precision cannot score this target", "multiclass"],
    ),
    "classification of a continuous target": (
        ["compare", "{sales}", "--target", "sales", "--task", "classification"],
        ["target 'sales' has 60 distinct float values", "use --task regression"],
    ),
    "json path is a folder": (
        ["compare", "{mixed}", "--target", "label", "--json", "{dir}"],
        ["--json", "is a folder"],
    ),
    "only date and ID columns": (
        ["compare", "{only_ids}", "--target", "x", "--time-column", "date"],
        ["no feature columns left", "'cust'"],
    ),
    "unknown scoring": (
        ["compare", "{mixed}", "--target", "label", "--scoring", "acc"],
        ["--scoring 'acc'"],
    ),
    "no target nor dataset": (["compare", "{mixed}"], ["--target", "--dataset"]),
    "target without a file": (["compare", "--target", "y"], ["DATA"]),
    "file and dataset": (["compare", "{mixed}", "--dataset", "iris"], ["not both"]),
    "bad hidden sizes": (
        ["compare", "{mixed}", "--target", "label", "--hidden", "64,x"],
        ["--hidden", "64,x"],
    ),
    "bad time column values": (
        ["compare", "{mixed}", "--target", "label", "--time-column", "city"],
        ["time column 'city'"],
    ),
    "splits: missing file": (
        ["splits", "{dir}/nope.csv", "--time-column", "t"],
        ["does not exist"],
    ),
    "splits: missing time column": (
        ["splits", "{daily}", "--time-column", "when"],
        ["time column 'when'"],
    ),
    "splits: unknown cv": (
        ["splits", "{daily}", "--time-column", "date", "--cv", "walk-forward"],
        ["walk-forward"],
    ),
    "splits: too few rows": (
        ["splits", "{tiny}", "--time-column", "t", "--n-splits", "4"],
        ["cannot split 3 rows"],
    ),
    "one fold of k-fold": (
        ["compare", "{mixed}", "--target", "label", "--cv", "kfold", "--n-splits", "1"],
        ["--cv kfold", "n_splits=2"],
    ),
    "splits: one fold of hv-blocked": (
        [
            "splits",
            "{daily}",
            "--time-column",
            "date",
            "--cv",
            "hv-blocked",
            "--n-splits",
            "1",
        ],
        ["n_splits must be >= 2"],
    ),
    "json in a missing folder": (
        ["compare", "{mixed}", "--target", "label", "--json", "{dir}/no/r.json"],
        ["--json", "does not exist"],
    ),
    "plot in a missing folder": (
        ["splits", "{daily}", "--time-column", "date", "--plot", "{dir}/no/f.png"],
        ["--plot", "does not exist"],
    ),
    "no command": ([], ["compare,splits"]),
    "zero jobs": (
        ["compare", "{mixed}", "--target", "label", "--n-jobs", "0"],
        ["--n-jobs", "-1 for all cores"],
    ),
    "negative seed": (
        ["compare", "{mixed}", "--target", "label", "--random-state", "-1"],
        ["--random-state", "'-1' is not in 0 .. 2**32 - 1"],
    ),
    "splits: seed too large": (
        ["splits", "{daily}", "--time-column", "date", "--random-state", "4294967296"],
        ["--random-state", "2**32"],
    ),
}


@pytest.fixture
def paths(tmp_path, mixed_csv, daily_csv, sales_csv):
    tiny = tmp_path / "tiny.csv"
    pd.DataFrame({"t": [3, 1, 2], "x": [1.0, 2.0, 3.0], "y": [0.5, 1.5, 2.5]}).to_csv(
        tiny, index=False
    )
    only_ids = tmp_path / "only_ids.csv"
    sales_frame()[["date", "cust", "x"]].to_csv(only_ids, index=False)
    return {
        "dir": tmp_path,
        "mixed": mixed_csv,
        "daily": daily_csv,
        "tiny": tiny,
        "sales": sales_csv,
        "only_ids": only_ids,
    }


#: The errors the issue names, run as a user would (the others run in-process).
SUBPROCESS = [
    "missing file",
    "missing target",
    "missing time column",
    "unknown optimizer",
    "unknown regularizer",
    "unknown cv",
    "non-numeric regression target",
    "too few rows",
    # the user trial
    "time-series cv on shuffled rows",
    "classification scorer for regression",
    "classification of a continuous target",
]


@pytest.mark.parametrize("case", SUBPROCESS)
def test_usage_error_subprocess(case, paths):
    args, words = CASES[case]
    proc = run_cli(*[a.format(**paths) for a in args], check=False)
    _assert_usage_error(proc, *words)


@pytest.mark.parametrize("case", list(CASES))
def test_usage_error_in_process(case, paths, capsys):
    args, words = CASES[case]
    code = main([a.format(**paths) for a in args])
    captured = capsys.readouterr()
    _assert_usage_error(
        SimpleNamespace(returncode=code, stdout=captured.out, stderr=captured.err),
        *words,
    )


@pytest.mark.skipif(
    importlib.util.find_spec("pyarrow") is not None
    or importlib.util.find_spec("fastparquet") is not None,
    reason="a Parquet engine is installed",
)
def test_parquet_without_engine_names_the_package(tmp_path):
    path = tmp_path / "data.parquet"
    path.write_bytes(b"PAR1")
    proc = run_cli("compare", path, "--target", "y", check=False)
    _assert_usage_error(proc, "pip install pyarrow")


def test_parquet_file_is_read(tmp_path, regression_csv):
    pytest.importorskip("pyarrow")
    path = tmp_path / "data.parquet"
    pd.read_csv(regression_csv).to_parquet(path)
    proc = run_cli(
        "compare",
        path,
        "--target",
        "price",
        "--optimizers",
        "sgd",
        "--max-iter",
        "2",
        "--n-splits",
        "2",
        "--quiet",
    )
    assert "60 rows x 3 feature columns" in proc.stdout


def test_ctrl_c_stops_cleanly(regression_csv):
    proc = popen_cli(
        "compare",
        regression_csv,
        "--target",
        "price",
        "--max-iter",
        "200",
        "--n-splits",
        "5",
    )
    # wait for the first fit to finish, then interrupt
    first = proc.stderr.readline()
    assert first.startswith("[1/50]"), first
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate()
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert err.splitlines()[-1] == "skoptim compare: interrupted"


def test_plot_without_matplotlib_names_the_extra(paths, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import fails
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    code = main(
        [
            "compare",
            str(paths["mixed"]),
            "--target",
            "label",
            "--plot",
            str(paths["dir"] / "p.png"),
        ]
    )
    captured = capsys.readouterr()
    _assert_usage_error(
        SimpleNamespace(returncode=code, stdout=captured.out, stderr=captured.err),
        "matplotlib",
        "skoptim[plots]",
    )


@pytest.mark.parametrize("cv", ["blocked", "hv-blocked", "purged"])
def test_time_series_cv_refuses_rows_out_of_date_order(cv, paths, capsys):
    code = main(["compare", str(paths["sales"]), "--target", "sales", "--cv", cv])
    captured = capsys.readouterr()
    _assert_usage_error(
        SimpleNamespace(returncode=code, stdout=captured.out, stderr=captured.err),
        f"--cv {cv} splits the rows in file order",
        "use --time-column date",
    )


@pytest.mark.parametrize("command", ["compare", "splits"])
@pytest.mark.parametrize("name", ["r.xyz", "r"])
def test_plot_format_is_refused_before_any_work(command, name, paths, capsys):
    pytest.importorskip("matplotlib")
    out = paths["dir"] / "r.json"
    args = {
        "compare": ["--target", "label", "--json", str(out)],
        "splits": ["--time-column", "date"],
    }[command]
    data = paths["mixed"] if command == "compare" else paths["daily"]
    code = main([command, str(data), *args, "--plot", str(paths["dir"] / name)])
    captured = capsys.readouterr()
    _assert_usage_error(
        SimpleNamespace(returncode=code, stdout=captured.out, stderr=captured.err),
        "--plot",
        "xyz" if name == "r.xyz" else "no extension",
        ".png",
        ".svg",
    )
    assert not out.exists()  # refused before the run, not after it
