"""Regressions from the third user trial (sharpness)."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import make_moons
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression
from sklearn.neural_network import MLPClassifier as SklearnMLPClassifier
from sklearn.neural_network import MLPRegressor as SklearnMLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skoptim.inspection import loss_landscape, sharpness
from skoptim.neural_network import from_sklearn


@pytest.fixture(scope="module")
def moons():
    return make_moons(100, noise=0.2, random_state=0)


@pytest.mark.parametrize("cls", [SklearnMLPClassifier, SklearnMLPRegressor])
def test_sklearn_mlp_error_names_the_full_class_and_the_conversion(moons, cls):
    X, y = moons
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = cls(hidden_layer_sizes=(4,), max_iter=20, random_state=0).fit(X, y)
    for func in (sharpness, loss_landscape):
        with pytest.raises(TypeError) as info:
            func(est, X, y)
        msg = str(info.value)
        assert f"got sklearn.neural_network.{cls.__name__}." in msg
        assert "skoptim.neural_network.from_sklearn" in msg
    with pytest.raises(TypeError, match=r"Pipeline ending in sklearn\.neural_network"):
        sharpness(make_pipeline(StandardScaler(), est), X, y)


def test_other_estimator_error_has_no_conversion_hint(moons):
    X, y = moons
    with pytest.raises(TypeError) as info:
        sharpness(LinearRegression().fit(X, y), X, y)
    assert "got sklearn.linear_model.LinearRegression." in str(info.value)
    assert "from_sklearn" not in str(info.value)


def test_converted_mlp_is_accepted(moons):
    X, y = moons
    sk = SklearnMLPClassifier((4,), max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        net = from_sklearn(sk).fit(X, y)
    value = sharpness(net, X, y, random_state=0)
    assert np.isfinite(value) and value >= 0


def test_sharpness_reproducible_with_an_int_seed(moons):
    """random_state=None varies between calls (documented); an int does not."""
    X, y = moons
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        net = from_sklearn(SklearnMLPClassifier((8,), max_iter=200, random_state=0))
        net.fit(X, y)
    first = sharpness(net, X, y, n_directions=5, random_state=3)
    assert sharpness(net, X, y, n_directions=5, random_state=3) == first
    seeds = {sharpness(net, X, y, n_directions=5, random_state=s) for s in range(4)}
    assert len(seeds) > 1  # the subspace really is random: seeds matter
    doc = sharpness.__doc__
    assert "repeated calls differ" in doc
    assert "random_state=0)" in doc


def test_full_space_result_repr_has_no_none():
    from skoptim.inspection import epsilon_sharpness

    h = np.array([1.0, 4.0])
    res = epsilon_sharpness(
        lambda w: (0.5 * h @ w**2, h * w), np.zeros(2), epsilon=0.1, random_state=0
    )
    text = repr(res)
    assert "None" not in text
    assert "full space" in text
    assert "perturbation (2,)" in text
