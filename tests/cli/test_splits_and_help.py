"""``skoptim splits``, ``--help`` and the entry points."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from .conftest import ROOT, run_cli


def _folds(stdout: str) -> list[list[str]]:
    """``[train, test]`` per fold line of the output table."""
    lines = [line for line in stdout.splitlines() if re.match(r"^\s*\d+\s", line)]
    return [re.split(r"\s{2,}", line.strip())[1:] for line in lines]


def test_splits_prints_time_ranges(daily_csv):
    proc = run_cli(
        "splits",
        daily_csv,
        "--time-column",
        "date",
        "--cv",
        "hv-blocked",
        "--n-splits",
        "3",
        "--gap",
        "2",
    )
    assert "daily.csv: 60 rows, date 2024-01-01..2024-02-29\n" in proc.stdout
    assert "BlockedKFold(gap_after=2, gap_before=2, n_splits=3)" in proc.stdout
    # blocks of 20 days; 2 days left out on each side of the test block
    assert _folds(proc.stdout) == [
        ["2024-01-23..2024-02-29 (38 rows)", "2024-01-01..2024-01-20 (20 rows)"],
        [
            "2024-01-01..2024-01-18, 2024-02-12..2024-02-29 (36 rows)",
            "2024-01-21..2024-02-09 (20 rows)",
        ],
        ["2024-01-01..2024-02-07 (38 rows)", "2024-02-10..2024-02-29 (20 rows)"],
    ]


def test_splits_default_is_blocked_and_time_window(daily_csv):
    proc = run_cli("splits", daily_csv, "--time-column", "date", "--n-splits", "2")
    assert "cv: blocked: BlockedTimeSeriesSplit" in proc.stdout
    # two blocks of 30 days, 80 % training
    assert _folds(proc.stdout) == [
        ["2024-01-01..2024-01-24 (24 rows)", "2024-01-25..2024-01-30 (6 rows)"],
        ["2024-01-31..2024-02-23 (24 rows)", "2024-02-24..2024-02-29 (6 rows)"],
    ]
    proc = run_cli(
        "splits",
        daily_csv,
        "--time-column",
        "date",
        "--cv",
        "time-window",
        "--n-splits",
        "3",
    )
    # 60 days: a first training window of 15 days, then three test windows of
    # 15 days (windows of floor(59 days / 4) + 1 day), expanding training
    assert _folds(proc.stdout) == [
        ["2024-01-01..2024-01-15 (15 rows)", "2024-01-16..2024-01-30 (15 rows)"],
        ["2024-01-01..2024-01-30 (30 rows)", "2024-01-31..2024-02-14 (15 rows)"],
        ["2024-01-01..2024-02-14 (45 rows)", "2024-02-15..2024-02-29 (15 rows)"],
    ]


def test_splits_plot(daily_csv, tmp_path):
    pytest.importorskip("matplotlib")
    png = tmp_path / "folds.png"
    run_cli(
        "splits",
        daily_csv,
        "--time-column",
        "date",
        "--cv",
        "purged",
        "--gap",
        "3",
        "--n-splits",
        "4",
        "--plot",
        png,
    )
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 5_000


def test_python_m_skoptim_help():
    proc = run_cli("--help")
    assert proc.stdout.startswith("usage: skoptim")
    assert "compare" in proc.stdout and "splits" in proc.stdout
    proc = run_cli("compare", "--help")
    for option in (
        "--target",
        "--dataset",
        "--optimizers",
        "--regularizers",
        "--cv",
        "--time-column",
        "--json",
        "--plot",
        "--quiet",
    ):
        assert option in proc.stdout
    assert "(default: 50)" in proc.stdout  # --max-iter
    proc = run_cli("splits", "--help")
    assert "--time-column" in proc.stdout


def test_console_script_is_declared():
    tomllib = pytest.importorskip("tomllib")
    meta = tomllib.loads(Path(ROOT, "pyproject.toml").read_text())
    assert meta["project"]["scripts"]["skoptim"] == "skoptim.cli:main"
    from skoptim.cli import main

    assert callable(main)


def test_main_module_runs_main(monkeypatch, capsys):
    """``python -m skoptim`` is ``sys.exit(skoptim.cli.main())``."""
    import runpy

    monkeypatch.setattr(sys, "argv", ["skoptim", "--help"])
    with pytest.raises(SystemExit) as exc:
        runpy.run_module("skoptim", run_name="__main__")
    assert exc.value.code == 0
    assert "usage: skoptim" in capsys.readouterr().out
