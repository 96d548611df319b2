"""Tests for skoptim.model_selection.bias_variance_curve and its plot."""

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skoptim.model_selection import (
    BiasVarianceCurve,
    bias_variance_curve,
    bias_variance_decomposition,
)


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(1100, 1))
    f = np.sin(2 * X[:, 0])
    y = f + rng.normal(scale=0.5, size=len(X))
    return X[:100], y[:100], X[100:], y[100:], f[100:]


def test_curve_matches_individual_decompositions(data):
    X_tr, y_tr, X_te, y_te, f_te = data
    depths = [1, 3, None]
    kw = dict(y_test_true=f_te, n_rounds=10, random_state=0)
    curve = bias_variance_curve(
        DecisionTreeRegressor(),
        X_tr,
        y_tr,
        X_te,
        y_te,
        param_name="max_depth",
        param_range=depths,
        **kw,
    )
    assert isinstance(curve, BiasVarianceCurve)
    assert curve.param_range == depths and len(curve.results) == 3
    for k, depth in enumerate(depths):
        single = bias_variance_decomposition(
            DecisionTreeRegressor(max_depth=depth), X_tr, y_tr, X_te, y_te, **kw
        )
        np.testing.assert_array_equal(curve.results[k].predictions, single.predictions)
        assert curve.bias_term[k] == single.bias_squared
        assert curve.variance_term[k] == single.variance
        assert curve.noise_term[k] == pytest.approx(single.noise + single.cross_term)
    # exact additive identity for every value
    np.testing.assert_allclose(
        curve.expected_loss,
        curve.bias_term + curve.variance_term + curve.noise_term,
        rtol=1e-12,
    )


def test_complexity_sweep_trades_bias_for_variance(data):
    """Polynomial ridge of growing degree: bias falls and variance rises."""
    X_tr, y_tr, X_te, y_te, f_te = data
    est = make_pipeline(PolynomialFeatures(), StandardScaler(), Ridge(alpha=1e-6))
    curve = bias_variance_curve(
        est,
        X_tr / 3,
        y_tr,
        X_te / 3,
        y_te,
        param_name="polynomialfeatures__degree",
        param_range=[1, 5, 15],
        y_test_true=f_te,
        n_rounds=20,
        random_state=0,
    )
    assert curve.bias_term[0] > curve.bias_term[1]
    assert curve.variance_term[0] < curve.variance_term[1] < curve.variance_term[2]
    # the loss is U-shaped: the middle degree beats both ends
    assert curve.expected_loss[1] < min(curve.expected_loss[0], curve.expected_loss[2])


def test_zero_one_curve_uses_net_variance():
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(400, 1))
    y = np.where(np.sin(2 * X[:, 0]) > 0, "up", "down")
    curve = bias_variance_curve(
        DecisionTreeClassifier(),
        X[:100],
        y[:100],
        X[100:],
        y[100:],
        param_name="max_depth",
        param_range=[1, 4],
        loss="zero_one",
        n_rounds=8,
        random_state=0,
    )
    assert curve.noise_term is None
    for k, res in enumerate(curve.results):
        assert curve.bias_term[k] == res.bias
        assert curve.variance_term[k] == res.net_variance
    np.testing.assert_allclose(
        curve.expected_loss, curve.bias_term + curve.variance_term, atol=1e-12
    )


def test_plot_draws_the_curves(data):
    plt = pytest.importorskip("matplotlib.pyplot")
    X_tr, y_tr, X_te, y_te, f_te = data
    curve = bias_variance_curve(
        DecisionTreeRegressor(),
        X_tr,
        y_tr,
        X_te[:200],
        y_te[:200],
        param_name="max_depth",
        param_range=[1, 2, None],  # None is not numeric: categorical axis
        y_test_true=f_te[:200],
        n_rounds=4,
        random_state=0,
    )
    ax = curve.plot()
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels == ["expected loss", "bias²", "variance", "noise"]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), curve.expected_loss)
    np.testing.assert_allclose(ax.get_lines()[2].get_ydata(), curve.variance_term)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["1", "2", "None"]
    assert ax.get_xlabel() == "max_depth"
    plt.close("all")

    fig, ax2 = plt.subplots()
    assert curve.plot(ax=ax2, show_noise=False) is ax2
    assert len(ax2.get_lines()) == 3
    with pytest.raises(ValueError, match="xscale='cubic'"):
        curve.plot(xscale="cubic")
    plt.close("all")


def test_plot_log_scale_chosen_for_wide_numeric_range(data):
    plt = pytest.importorskip("matplotlib.pyplot")
    X_tr, y_tr, X_te, y_te, _ = data
    curve = bias_variance_curve(
        Ridge(),
        X_tr,
        y_tr,
        X_te[:100],
        y_te[:100],
        param_name="alpha",
        param_range=[1e-3, 1.0, 1e3],
        n_rounds=3,
        random_state=0,
    )
    ax = curve.plot()
    assert ax.get_xscale() == "log"
    assert [line.get_label() for line in ax.get_lines()] == [
        "expected loss",
        "bias²",
        "variance",
    ]
    plt.close("all")


def test_curve_bad_input(data):
    X_tr, y_tr, X_te, y_te, _ = data
    args = (DecisionTreeRegressor(), X_tr, y_tr, X_te, y_te)
    with pytest.raises(ValueError, match="param_name='depth' is not a parameter"):
        bias_variance_curve(*args, param_name="depth", param_range=[1])
    with pytest.raises(ValueError, match="param_range is empty"):
        bias_variance_curve(*args, param_name="max_depth", param_range=[])
    with pytest.raises(ValueError, match="n_rounds=1 is too small"):
        bias_variance_curve(*args, param_name="max_depth", param_range=[1], n_rounds=1)
    with pytest.raises(ValueError, match="loss='hinge' is not supported"):
        bias_variance_curve(
            *args, param_name="max_depth", param_range=[1], loss="hinge"
        )


def test_results_print_short_summaries():
    """print() of a decomposition or curve is a summary, not 12,700 characters."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(600, 1))
    f = np.sin(X[:, 0])
    y = f + rng.normal(scale=0.3, size=600)
    res = bias_variance_decomposition(
        DecisionTreeRegressor(max_depth=2),
        X[:100],
        y[:100],
        X[100:],
        y[100:],
        y_test_true=f[100:],
        n_rounds=30,
        random_state=0,
    )
    text = repr(res)
    assert len(text.splitlines()) <= 15 and len(text) < 800
    assert "n_rounds=30, n_test=500" in text
    for name in ("expected_loss", "bias_squared", "variance", "noise", "cross_term"):
        assert f"{getattr(res, name):.6g}" in text, name
    assert "predictions (30, 500)" in text
    zo = bias_variance_decomposition(
        DecisionTreeClassifier(max_depth=3),
        X[:100],
        y[:100] > 0,
        X[100:],
        y[100:] > 0,
        loss="zero_one",
        n_rounds=10,
        random_state=0,
    )
    text = repr(zo)
    assert len(text.splitlines()) <= 15 and len(text) < 800
    for name in ("expected_loss", "bias", "net_variance", "biased_variance"):
        assert f"{getattr(zo, name):.6g}" in text, name
    assert "None" not in text and "noise" not in text
    curve = bias_variance_curve(
        DecisionTreeRegressor(),
        X[:100],
        y[:100],
        X[100:],
        y[100:],
        param_name="max_depth",
        param_range=list(range(1, 15)),
        n_rounds=3,
        random_state=0,
    )
    lines = repr(curve).splitlines()
    assert len(lines) <= 15
    assert lines[0] == (
        "BiasVarianceCurve(param_name='max_depth', loss='squared_error', "
        "n_values=14, n_rounds=3)"
    )
    assert "  ..." in lines
    assert lines[2].split()[0] == "1"
    assert float(lines[2].split()[1]) == float(f"{curve.expected_loss[0]:.6g}")
    assert lines[-2].split()[0] == "14"
