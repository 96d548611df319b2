"""Helpers for the command-line tests: run ``python -m skoptim`` and make CSVs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict:
    env = dict(os.environ)
    # the tree under test, not whatever skoptim is installed
    env["PYTHONPATH"] = os.pathsep.join(
        [str(ROOT), *filter(None, [env.get("PYTHONPATH")])]
    )
    env["MPLBACKEND"] = "Agg"
    env.setdefault("OMP_NUM_THREADS", "1")
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    return env


def run_cli(*args, check: bool = True) -> subprocess.CompletedProcess:
    """Run ``python -m skoptim *args`` in a subprocess; text output."""
    proc = subprocess.run(
        [sys.executable, "-m", "skoptim", *map(str, args)],
        capture_output=True,
        text=True,
        env=_env(),
        cwd=ROOT,
    )
    if check and proc.returncode != 0:
        raise AssertionError(
            f"exit code {proc.returncode}\nstdout:\n{proc.stdout}\n"
            f"stderr:\n{proc.stderr}"
        )
    return proc


def popen_cli(*args) -> subprocess.Popen:
    """Start ``python -m skoptim *args`` without waiting."""
    return subprocess.Popen(
        [sys.executable, "-m", "skoptim", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(),
        cwd=ROOT,
    )


@pytest.fixture
def regression_csv(tmp_path) -> Path:
    """60 rows, three numeric features, a numeric target."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = X @ np.array([1.5, -2.0, 0.5]) + 0.1 * rng.normal(size=60) + 10.0
    path = tmp_path / "regression.csv"
    pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": X[:, 2], "price": y}).to_csv(
        path, index=False
    )
    return path


@pytest.fixture
def mixed_csv(tmp_path) -> Path:
    """Numeric, string and boolean features with missing values; string labels.

    Row 5's label is missing (the row is dropped).
    """
    rng = np.random.default_rng(1)
    n = 61
    income = rng.normal(50, 10, n)
    df = pd.DataFrame(
        {
            "age": rng.integers(18, 80, n).astype(float),
            "income": income,
            "city": rng.choice(["paris", "rome", "oslo"], n),
            "member": rng.choice([True, False], n),
            "label": np.where(income > 50, "high", "low"),
        }
    )
    df.loc[[1, 7, 20], "age"] = np.nan
    df.loc[[3, 9], "city"] = np.nan
    df.loc[5, "label"] = np.nan
    path = tmp_path / "mixed.csv"
    df.to_csv(path, index=False)
    return path


@pytest.fixture
def daily_csv(tmp_path) -> Path:
    """60 days (2024-01-01 .. 2024-02-29) written in shuffled order."""
    rng = np.random.default_rng(2)
    days = pd.date_range("2024-01-01", periods=60, freq="D")
    t = np.arange(60)
    x1 = np.sin(t / 5)
    x2 = rng.normal(size=60)
    df = pd.DataFrame(
        {
            "date": days.strftime("%Y-%m-%d"),
            "x1": x1,
            "x2": x2,
            "sales": 3 * x1 + x2 + 0.1 * rng.normal(size=60),
        }
    )
    path = tmp_path / "daily.csv"
    df.sample(frac=1, random_state=0).to_csv(path, index=False)
    return path


def sales_frame(n: int = 60) -> pd.DataFrame:
    """Daily sales in time order: a date, a customer ID, a store, a number."""
    rng = np.random.default_rng(3)
    t = np.arange(n)
    return pd.DataFrame(
        {
            "date": pd.date_range("2024-01-01", periods=n, freq="D").strftime(
                "%Y-%m-%d"
            ),
            "cust": [f"C{i:04d}" for i in range(n)],
            "store": rng.choice(["north", "south", "east"], n),
            "x": np.sin(t / 7),
            "sales": 10 + 3 * np.sin(t / 7) + 0.1 * rng.normal(size=n),
        }
    )


@pytest.fixture
def sales_csv(tmp_path) -> Path:
    """The user trial's file: :func:`sales_frame` written in shuffled order."""
    path = tmp_path / "sales.csv"
    sales_frame().sample(frac=1, random_state=0).to_csv(path, index=False)
    return path
