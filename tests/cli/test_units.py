"""The command line's small parts, in-process: task rule, names, failures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
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
    assert mlp.coefs_[0].dtype == np.dtype(dtype)
    assert mlp.coefs_[0].shape == (3, 3)  # a, and c one-hot encoded in two columns
