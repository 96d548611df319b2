"""Regressions from the third user trial (bias-variance decomposition)."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skoptim.model_selection import (
    BiasVarianceDisplay,
    SquaredErrorDecomposition,
    ZeroOneDecomposition,
    bias_variance_curve,
    bias_variance_decomposition,
    bias_variance_from_predictions,
)


@pytest.fixture(scope="module")
def iris_split():
    X, y = load_iris(return_X_y=True)
    return train_test_split(X, y, test_size=0.3, random_state=0, stratify=y)


def test_classifier_default_loss_is_zero_one(iris_split):
    X_tr, X_te, y_tr, y_te = iris_split
    res = bias_variance_decomposition(
        DecisionTreeClassifier(), X_tr, y_tr, X_te, y_te, n_rounds=10, random_state=0
    )
    assert isinstance(res, ZeroOneDecomposition)
    assert res.loss == "zero_one"
    # the default is the same as asking for the 0-1 loss explicitly
    explicit = bias_variance_decomposition(
        DecisionTreeClassifier(),
        X_tr,
        y_tr,
        X_te,
        y_te,
        loss="zero_one",
        n_rounds=10,
        random_state=0,
    )
    np.testing.assert_array_equal(res.predictions, explicit.predictions)
    assert res.expected_loss == explicit.expected_loss
    # expected_loss is an error rate: the mean disagreement with y_test
    assert res.expected_loss == pytest.approx(
        np.mean(res.predictions != np.asarray(y_te)[None, :])
    )


def test_classifier_with_string_labels_works_by_default(iris_split):
    X_tr, X_te, y_tr, y_te = iris_split
    names = np.array(["setosa", "versicolor", "virginica"])
    res = bias_variance_decomposition(
        DecisionTreeClassifier(max_depth=2),
        X_tr,
        names[y_tr],
        X_te,
        names[y_te],
        n_rounds=5,
        random_state=0,
    )
    assert isinstance(res, ZeroOneDecomposition)
    assert set(res.main_prediction) <= set(names)


def test_regressor_default_loss_is_squared_error():
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(80, 1))
    y = np.sin(X[:, 0]) + 0.3 * rng.randn(80)
    res = bias_variance_decomposition(
        DecisionTreeRegressor(max_depth=3),
        X[:40],
        y[:40],
        X[40:],
        y[40:],
        n_rounds=5,
        random_state=0,
    )
    assert isinstance(res, SquaredErrorDecomposition)
    assert res.expected_loss == pytest.approx(
        np.mean((res.predictions - y[40:][None, :]) ** 2)
    )


def test_explicit_squared_error_still_allowed_for_numeric_classes(iris_split):
    X_tr, X_te, y_tr, y_te = iris_split
    res = bias_variance_decomposition(
        DecisionTreeClassifier(),
        X_tr,
        y_tr,
        X_te,
        y_te,
        loss="squared_error",
        n_rounds=5,
        random_state=0,
    )
    assert isinstance(res, SquaredErrorDecomposition)


def test_curve_and_display_follow_auto(iris_split):
    X_tr, X_te, y_tr, y_te = iris_split
    curve = bias_variance_curve(
        DecisionTreeClassifier(),
        X_tr,
        y_tr,
        X_te,
        y_te,
        param_name="max_depth",
        param_range=[1, 3],
        n_rounds=5,
        random_state=0,
    )
    assert curve.loss == "zero_one"
    assert all(isinstance(r, ZeroOneDecomposition) for r in curve.results)
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    disp = BiasVarianceDisplay.from_estimator(
        DecisionTreeClassifier(),
        X_tr,
        y_tr,
        X_te,
        y_te,
        param_name="max_depth",
        param_range=[1, 3],
        n_rounds=5,
        random_state=0,
    )
    assert disp.loss == "zero_one"
    assert disp.ax_.get_ylabel() == "0-1 loss"
    plt.close("all")


def test_auto_is_not_a_loss_for_predictions():
    with pytest.raises(ValueError, match="not supported"):
        bias_variance_from_predictions(
            [[0.0, 1.0], [1.0, 0.0]], [0.0, 1.0], loss="auto"
        )


@pytest.mark.parametrize("loss", ["squared_error", "zero_one"])
def test_repr_omits_none_fields(loss):
    if loss == "squared_error":
        preds, y = [[0.0, 1.0], [1.0, 1.0]], [0.0, 1.0]
    else:
        preds, y = [["a", "b"], ["a", "a"]], ["a", "b"]
    res = bias_variance_from_predictions(preds, y, loss=loss)
    text = repr(res)
    assert "None" not in text
    assert "noise" not in text
    assert "cross_term" not in text
    assert "expected_loss" in text
    with_truth = bias_variance_from_predictions(preds, y, loss=loss, y_test_true=y)
    assert "noise" in repr(with_truth)
