"""The command line's small parts, in-process: task rule, names, failures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import KFold

from skoptim.cli._data import MAX_CLASSES_AUTO, infer_task
from skoptim.cli._errors import UsageError
from skoptim.cli._names import OPTIMIZERS, make_regularizers, parse_names
from skoptim.cli._report import format_table, sort_results
from skoptim.cli._run import Config, run_all
from skoptim.optimizers._aliases import OPTIMIZER_ALIASES
from skoptim.regularizers import L2, LabelSmoothing


@pytest.mark.parametrize(
    ("values", "task"),
    [
        (["a", "b", "a"], "classification"),
        ([True, False, True], "classification"),
        ([0, 1, 2, 1], "classification"),
        ([0.0, 1.0, 1.0], "classification"),  # integers read as floats (NaN rows)
        (list(range(MAX_CLASSES_AUTO)), "classification"),
        (list(range(MAX_CLASSES_AUTO + 1)), "regression"),
        ([0.5, 1.0, 2.0], "regression"),
    ],
)
def test_task_rule(values, task):
    assert infer_task(pd.Series(values))[0] == task


def test_category_dtype_is_classification():
    assert infer_task(pd.Series(["x", "y"], dtype="category"))[0] == "classification"


def test_parse_names():
    assert parse_names("all", OPTIMIZERS, "optimizer", True) == list(OPTIMIZER_ALIASES)
    assert parse_names(" Adam, sgd ,adam", OPTIMIZERS, "optimizer", True) == [
        "adam",
        "sgd",
    ]
    with pytest.raises(UsageError, match="unknown optimizer 'adamx'"):
        parse_names("adam,adamx", OPTIMIZERS, "optimizer", True)
    with pytest.raises(UsageError, match="no optimizer given"):
        parse_names(",", OPTIMIZERS, "optimizer", True)


def test_regularizer_names_map_to_classes():
    assert make_regularizers("none", "regression") is None
    (reg,) = make_regularizers("l2", "regression")
    assert type(reg) is L2
    (reg,) = make_regularizers("label-smoothing", "classification")
    assert type(reg) is LabelSmoothing
    with pytest.raises(UsageError, match="only for classification"):
        make_regularizers("label-smoothing", "regression")


class _Broken(ClassifierMixin, BaseEstimator):
    """Fails to fit: stands for a configuration that diverges."""

    def fit(self, X, y):
        raise FloatingPointError("loss is nan\nat epoch 3")


def test_a_failing_configuration_is_reported_and_the_others_run(capsys):
    from skoptim.cli._pipeline import make_model

    X = pd.DataFrame({"a": np.arange(20.0), "b": np.arange(20.0) % 3})
    y = pd.Series(np.arange(20) % 2)
    folds = list(KFold(2).split(X))
    good = make_model(
        X,
        "classification",
        optimizer="lbfgs",
        regularizers=None,
        hidden=(4,),
        max_iter=3,
        batch_size="auto",
        dtype="float64",
        random_state=0,
    )
    configs = [Config("bad", "none", _Broken()), Config("lbfgs", "none", good)]
    results = run_all(configs, X, y, folds, scoring="accuracy", n_jobs=1, progress=True)
    bad, ok = results
    assert bad.error == "FloatingPointError: loss is nan at epoch 3"
    assert np.isnan(bad.mean)
    assert ok.error is None and len(ok.scores) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith("[2/4] bad + none: failed after")
    assert err[1].startswith("[3/4] lbfgs + none, fold 1/2:")
    ranked = sort_results(results)
    assert ranked[0] is ok and ranked[1] is bad
    table = format_table(ranked, "accuracy").splitlines()
    assert "failed: FloatingPointError" in table[-1]


class _Warns(ClassifierMixin, BaseEstimator):
    """Warns (over two lines) at every fit, then predicts the first class."""

    def fit(self, X, y):
        import warnings

        warnings.warn("this setting is odd;\nconsider another", UserWarning)
        self.classes_ = np.unique(y)
        self.n_iter_ = 1
        return self

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


def test_warnings_from_fits_are_one_line_each_and_shown_once(capsys):
    X = pd.DataFrame({"a": np.arange(12.0)})
    y = pd.Series(np.arange(12) % 2)
    folds = list(KFold(3).split(X))
    configs = [Config("x", "none", _Warns()), Config("y", "none", _Warns())]
    results = run_all(
        configs, X, y, folds, scoring="accuracy", n_jobs=1, progress=False
    )
    assert [r.scores for r in results] == [[0.5, 0.5, 0.5]] * 2
    assert capsys.readouterr().err == (
        "warning: this setting is odd; consider another\n"
    )


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dtype_reaches_the_mlp(dtype):
    from skoptim.cli._pipeline import final_mlp, make_model

    X = pd.DataFrame({"a": np.arange(10.0), "c": list("xyxyxyxyxy")})
    y = pd.Series(np.arange(10) % 2)
    model = make_model(
        X,
        "classification",
        optimizer="adam",
        regularizers=None,
        hidden=(3,),
        max_iter=2,
        batch_size="auto",
        dtype=dtype,
        random_state=0,
    )
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    mlp = final_mlp(model)
    assert [name for name, _ in model.steps] == ["preprocess", "mlp"]
    assert mlp.dtype == dtype  # the MLP's own parameter, no cast step
    assert mlp.coefs_[0].dtype == np.dtype(dtype)
    assert mlp.coefs_[0].shape == (3, 3)  # a, and c one-hot encoded in two columns


@given(st.sets(st.integers(0, 60), min_size=1))
def test_row_runs_cover_exactly_the_rows(rows):
    from skoptim.cli._cv import _runs

    runs = _runs(np.array(sorted(rows)))
    covered = [i for a, b in runs for i in range(a, b + 1)]
    assert covered == sorted(rows)
    # maximal runs: consecutive runs are separated by at least one missing row
    assert all(b + 1 < a2 for (_, b), (a2, _) in zip(runs, runs[1:], strict=False))


@settings(deadline=None, max_examples=40)
@given(
    n_splits=st.integers(1, 8),
    n_days=st.integers(2, 400),
    freq=st.sampled_from(["D", "h", "7D", "min"]),
)
def test_time_window_gives_n_splits_folds_covering_the_end(n_splits, n_days, freq):
    from skoptim.cli._cv import compute_folds, make_cv

    assume(n_days >= 2 * (n_splits + 1))
    times = pd.date_range("2024-01-01", periods=n_days, freq=freq)
    cv = make_cv(
        "time-window", n_splits=n_splits, gap=0, times=times, task=None, random_state=0
    )
    folds = compute_folds(cv, pd.DataFrame({"x": np.zeros(n_days)}), None, times)
    assert len(folds) == n_splits
    assert folds[-1][1][-1] == n_days - 1  # the last time stamp is tested
    tests = np.concatenate([te for _, te in folds])
    assert len(np.unique(tests)) == len(tests)  # test windows do not overlap
    for train, test in folds:
        assert train.max() < test.min()  # train on the past only


class _CountsThreads(_Warns):
    """Records the BLAS threads it fits with."""

    seen: list = []

    def fit(self, X, y):
        from threadpoolctl import threadpool_info

        _CountsThreads.seen.append(
            [d["num_threads"] for d in threadpool_info() if d["user_api"] == "blas"]
        )
        self.classes_ = np.unique(y)
        self.n_iter_ = 1
        return self


@pytest.mark.parametrize("env", [None, "3"])
def test_fits_use_one_blas_thread_unless_the_environment_says(env, monkeypatch):
    from threadpoolctl import threadpool_info, threadpool_limits

    from skoptim.cli._run import THREAD_VARIABLES

    if not [d for d in threadpool_info() if d["user_api"] == "blas"]:
        pytest.skip("threadpoolctl finds no BLAS")
    for var in THREAD_VARIABLES:
        monkeypatch.delenv(var, raising=False)
    if env is not None:
        monkeypatch.setenv("OPENBLAS_NUM_THREADS", env)
    X = pd.DataFrame({"a": np.arange(8.0)})
    y = pd.Series(np.arange(8) % 2)
    _CountsThreads.seen = []
    with threadpool_limits(limits=2, user_api="blas"):  # as on a 2-core machine
        outside = [
            d["num_threads"] for d in threadpool_info() if d["user_api"] == "blas"
        ]
        if outside != [2] * len(outside):
            pytest.skip("BLAS cannot run two threads here")
        run_all(
            [Config("t", "none", _CountsThreads())],
            X,
            y,
            list(KFold(2).split(X)),
            scoring="accuracy",
            n_jobs=1,
            progress=False,
        )
    expected = 1 if env is None else 2  # the user's setting is left alone
    assert _CountsThreads.seen and all(
        n == [expected] * len(n) and n for n in _CountsThreads.seen
    )
