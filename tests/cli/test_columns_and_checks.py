"""Dates, IDs, time order and scorers: what ``compare`` drops, warns about, refuses."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import get_scorer_names
from sklearn.model_selection import KFold, StratifiedKFold, cross_validate

from skoptim.cli._columns import parse_dates, screen_features
from skoptim.cli._errors import UsageError
from skoptim.cli._pipeline import make_model
from skoptim.cli._scoring import check_scoring

from .conftest import run_cli, sales_frame

FAST = ["--optimizers", "adam", "--max-iter", "3", "--n-splits", "3"]


def test_date_and_id_columns_are_dropped_with_a_warning(sales_csv, tmp_path):
    out = tmp_path / "r.json"
    proc = run_cli("compare", sales_csv, "--target", "sales", *FAST, "--json", out)
    err = proc.stderr.splitlines()
    assert err[0] == (
        "warning: column 'date' holds dates; dropped from the features (one-hot "
        "encoded dates only memorize rows); --time-column date sorts the rows by one"
    )
    assert err[1] == (
        "warning: column 'cust' has a distinct value in every row (an ID?); "
        "dropped from the features (one-hot encoded IDs only memorize rows)"
    )
    assert len(err) == 2 + 3  # then one progress line per fit
    assert "60 rows x 2 feature columns" in proc.stdout
    assert "note: dropped date-like column(s) [date]" in proc.stdout
    assert "note: dropped ID-like column(s) [cust]" in proc.stdout
    assert "1 numeric column(s) [x]:" in proc.stdout
    assert "1 categorical/string column(s) [store]:" in proc.stdout
    doc = json.loads(out.read_text())
    assert doc["data"]["n_features"] == 2
    assert any("cust" in note for note in doc["data"]["notes"])
    assert [f"warning: {w}" for w in doc["data"]["warnings"]] == err[:2]


def test_time_series_cv_in_file_order_sorted_by_a_date_warns(tmp_path):
    """Rows already in date order: a warning, and the folds of --time-column."""
    path = tmp_path / "ordered.csv"
    sales_frame().to_csv(path, index=False)
    scores = []
    for extra in ([], ["--time-column", "date"]):
        out = tmp_path / f"r{len(extra)}.json"
        proc = run_cli(
            "compare", path, "--target", "sales", "--cv", "purged", "--gap", "2",
            *FAST, *extra, "--json", out, "--quiet",
        )  # fmt: skip
        scores.append(json.loads(out.read_text())["results"][0]["fold_scores"])
        warned = (
            "warning: --cv purged without --time-column splits the rows in file "
            "order, which is sorted by 'date'; make sure that is time order, or "
            "use --time-column date"
        )
        assert (warned in proc.stderr.splitlines()) == (not extra)
    assert scores[0] == scores[1]


def test_time_series_cv_without_any_date_column_warns(regression_csv):
    proc = run_cli(
        "compare", regression_csv, "--target", "price", "--cv", "blocked", *FAST,
        "--quiet",
    )  # fmt: skip
    assert proc.stderr.splitlines() == [
        "warning: --cv blocked without --time-column splits the rows in file "
        "order; make sure that is time order, or use --time-column COL"
    ]
    assert "note: no --time-column: the folds follow the file's row order" in (
        proc.stdout
    )


@pytest.mark.parametrize(
    "values, first",
    [
        (["2024-01-05", "2024-01-03", None], pd.Timestamp("2024-01-05")),
        (["2024-01-05 10:30", "2024-01-06 11:00"], pd.Timestamp("2024-01-05 10:30")),
        # day first, found from 13/02 (month first fails on it)
        (["01/02/2024", "13/02/2024"], pd.Timestamp("2024-02-01")),
    ],
)
def test_parse_dates_reads_dates(values, first):
    parsed = parse_dates(pd.Series(values, dtype=object))
    assert parsed is not None
    assert parsed.iloc[0] == first
    assert parsed.isna().sum() == sum(v is None for v in values)


@pytest.mark.parametrize(
    "values",
    [
        ["Jan", "Feb", "Mar"],  # months as categories: no digit, not a date
        ["C0001", "C0002"],
        ["yes", "no"],
        ["2024-01-01", "later"],
        [1.5, 2.5],
        [20240101, 20240102],  # numbers are not dates here
        [None, None],
    ],
)
def test_parse_dates_refuses_non_dates(values):
    assert parse_dates(pd.Series(values)) is None


def test_screen_features_keeps_categories_and_leaves_the_input_alone():
    X = pd.DataFrame(
        {
            "when": pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-03"]),
            "id": ["a", "b", "c"],
            "city": ["x", "y", "x"],  # repeats: a category
            "code": ["k", None, "m"],  # distinct where present: an ID
            "n": [1.0, 2.0, 3.0],  # distinct numbers are features
        }
    )
    before = X.copy()
    out = screen_features(X)
    assert list(out.X.columns) == ["city", "n"]
    assert out.dates == {"when": False}  # not in date order
    assert out.ids == ["id", "code"]
    pd.testing.assert_frame_equal(X, before)


def _targets():
    rng = np.random.default_rng(0)
    return {
        "binary strings": ("classification", pd.Series(rng.choice(["a", "b"], 40))),
        "three classes": ("classification", pd.Series(rng.integers(0, 3, 40))),
        "signed numbers": ("regression", pd.Series(rng.normal(size=40))),
        "positive numbers": ("regression", pd.Series(rng.gamma(2.0, size=40))),
    }


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("target", list(_targets()))
def test_an_accepted_scorer_scores_every_fold(target):
    """What ``check_scoring`` lets through does not fail in the run."""
    task, y = _targets()[target]
    X = pd.DataFrame({"x": np.linspace(0, 1, len(y))})
    model = make_model(
        X, task, optimizer="adam", regularizers=None, hidden=(2,), max_iter=1,
        batch_size="auto", dtype="float64", random_state=0,
    )  # fmt: skip
    cv = (StratifiedKFold if task == "classification" else KFold)(2)
    accepted = 0
    for name in get_scorer_names():
        try:
            check_scoring(name, task, y)
        except UsageError:
            continue
        accepted += 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cross_validate(model, X, y, cv=cv, scoring=name, error_score="raise")
    assert accepted >= 5  # e.g. r2, neg_mean_squared_error, or accuracy, f1_macro


@pytest.mark.parametrize(
    "name, target, words",
    [
        ("accuracy", "signed numbers", "is a classification scorer"),
        ("roc_auc", "signed numbers", "is a classification scorer"),
        ("adjusted_rand_score", "signed numbers", "is a classification scorer"),
        ("neg_mean_squared_error", "three classes", "is a regression scorer"),
        ("f1", "three classes", "average='binary'"),
        ("roc_auc", "three classes", "cannot score this target"),
        ("neg_mean_squared_log_error", "signed numbers", "cannot score this target"),
        ("f1_samples", "binary strings", "cannot score this target"),
    ],
)
def test_a_scorer_that_cannot_work_is_refused(name, target, words):
    task, y = _targets()[target]
    with pytest.raises(UsageError, match=words):
        check_scoring(name, task, y)


def test_default_scorers():
    y = pd.Series([0, 1, 0, 1])
    assert check_scoring(None, "classification", y) == "accuracy"
    assert check_scoring(None, "regression", y) == "r2"


def test_shuffled_cv_with_a_time_column_warns(sales_csv, capsys):
    from skoptim.cli import main

    code = main(
        ["compare", str(sales_csv), "--target", "sales", "--time-column", "date",
         "--cv", "kfold", *FAST, "--quiet"]
    )  # fmt: skip
    assert code == 0
    assert capsys.readouterr().err.splitlines() == [
        "warning: column 'cust' has a distinct value in every row (an ID?); "
        "dropped from the features (one-hot encoded IDs only memorize rows)",
        "warning: --cv kfold shuffles the rows: its training folds hold rows from "
        "after the test rows, whatever --time-column says; for time series use "
        "--cv blocked, hv-blocked, purged or time-window",
    ]
