"""Keskar et al.'s epsilon-sharpness: closed forms, monotonicity, estimators, errors."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier as SklearnMLP
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier, MLPRegressor
from skoptim.inspection import epsilon_sharpness, sharpness

from .conftest import quiet_fit


def diagonal_quadratic(h, c):
    """f(w) = 1/2 sum_i h_i (w_i - c_i)^2: minimum 0 at c, Hessian diag(h)."""
    h, c = np.asarray(h, float), np.asarray(c, float)
    return lambda w: (0.5 * float(h @ (w - c) ** 2), h * (w - c))


def box_maximum(h, c, w0, eps):
    """max over |z_i| <= eps (|w0_i| + 1) of the separable convex quadratic.

    Each coordinate is maximised at the end of its interval farther from c_i:
    1/2 h_i (|w0_i - c_i| + r_i)^2.
    """
    h, c, w0 = (np.asarray(a, float) for a in (h, c, w0))
    r = eps * (np.abs(w0) + 1)
    return 0.5 * float(h @ (np.abs(w0 - c) + r) ** 2)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("eps", [1e-3, 1e-2, 0.1])
def test_matches_closed_form_at_the_minimum_of_a_quadratic(seed, eps):
    rng = np.random.RandomState(seed)
    n = 30
    h, c = rng.uniform(0.1, 10, n), rng.normal(0, 2, n)
    res = epsilon_sharpness(diagonal_quadratic(h, c), c, epsilon=eps, random_state=0)
    expected = 100 * box_maximum(h, c, c, eps) / (1 + 0.0)
    assert res.sharpness == pytest.approx(expected, rel=1e-9)
    assert res.loss == 0.0
    # the maximiser is a corner of the box
    np.testing.assert_allclose(np.abs(res.perturbation), eps * (np.abs(c) + 1))


def test_matches_closed_form_away_from_the_minimum():
    # f increases monotonically along each coordinate across the whole box, so
    # its maximum is the corner on the side away from c; relative to 1 + f(w0)
    rng = np.random.RandomState(1)
    h, c = rng.uniform(0.5, 5, 10), np.zeros(10)
    w0 = rng.choice([-1, 1], 10) * rng.uniform(0.5, 2, 10)
    f = diagonal_quadratic(h, c)
    res = epsilon_sharpness(f, w0, epsilon=0.05, random_state=0)
    f0 = f(w0)[0]
    expected = 100 * (box_maximum(h, c, w0, 0.05) - f0) / (1 + f0)
    assert res.sharpness == pytest.approx(expected, rel=1e-9)


def test_zero_curvature_directions_contribute_nothing():
    rng = np.random.RandomState(0)
    c = rng.normal(size=8)
    h = np.r_[rng.uniform(1, 3, 3), np.zeros(5)]  # flat in the last 5
    res = epsilon_sharpness(diagonal_quadratic(h, c), c, epsilon=0.01, random_state=0)
    assert res.sharpness == pytest.approx(
        100 * box_maximum(h[:3], c[:3], c[:3], 0.01), rel=1e-9
    )
    flat = epsilon_sharpness(
        lambda w: (0.3, np.zeros_like(w)), c, epsilon=0.1, random_state=0
    )
    assert flat.sharpness == 0.0


def test_larger_epsilon_larger_sharpness_on_a_quadratic():
    rng = np.random.RandomState(0)
    h, c = rng.uniform(0.1, 10, 20), rng.normal(size=20)
    f = diagonal_quadratic(h, c)
    values = [
        epsilon_sharpness(f, c, epsilon=e, random_state=0).sharpness
        for e in (1e-4, 1e-3, 1e-2)
    ]
    # at a minimum of a quadratic the sharpness scales as epsilon^2
    np.testing.assert_allclose(np.diff(np.log10(values)), 2.0, rtol=1e-9)


def vertex_maximum(fun, w0, A, eps):
    """Exact max of a convex function over the y-box: at one of its 2^p corners."""
    r = eps * (np.abs(np.linalg.lstsq(A, w0, rcond=None)[0]) + 1)
    corners = itertools.product([-1.0, 1.0], repeat=A.shape[1])
    return max(fun(w0 + A @ (np.array(s) * r))[0] for s in corners)


def test_random_subspace_variant():
    rng = np.random.RandomState(1)
    h, c = rng.uniform(0.5, 3, 12), rng.normal(size=12)
    f = diagonal_quadratic(h, c)
    for seed in range(5):
        # one direction: both corners are equal at the minimum, so exact
        res = epsilon_sharpness(f, c, epsilon=0.1, n_directions=1, random_state=seed)
        assert res.subspace.shape == (12, 1)
        assert res.sharpness == pytest.approx(
            100 * vertex_maximum(f, c, res.subspace, 0.1), rel=1e-9
        )
        # more directions: a lower bound of the exact maximum over the y-box
        res = epsilon_sharpness(f, c, epsilon=0.1, n_directions=3, random_state=seed)
        exact = 100 * vertex_maximum(f, c, res.subspace, 0.1)
        assert 0 < res.sharpness <= exact * (1 + 1e-12)
        np.testing.assert_allclose(
            res.perturbation,
            res.subspace
            @ np.linalg.lstsq(res.subspace, res.perturbation, rcond=None)[0],
            atol=1e-12,
        )
    again = epsilon_sharpness(f, c, epsilon=0.1, n_directions=3, random_state=4)
    assert again.sharpness == res.sharpness


def test_generic_function_input_errors():
    f = diagonal_quadratic([1.0], [0.0])
    for bad in (0, -1e-3, float("nan"), "1e-3"):
        with pytest.raises(ValueError, match="epsilon must be a positive float"):
            epsilon_sharpness(f, [0.0], epsilon=bad)
    with pytest.raises(ValueError, match="n_directions must be a positive integer"):
        epsilon_sharpness(f, [0.0], n_directions=0)
    with pytest.raises(ValueError, match="max_iter"):
        epsilon_sharpness(f, [0.0], max_iter=1.5)
    with pytest.raises(ValueError, match="1-D"):
        epsilon_sharpness(f, [[0.0]])
    with pytest.raises(TypeError, match="callable"):
        epsilon_sharpness(None, [0.0])
    for loss in (-1.0, float("inf")):
        with pytest.raises(ValueError, match="defined for finite losses f >= 0"):
            epsilon_sharpness(lambda w, v=loss: (v, np.zeros(1)), [0.0])


# -- fitted networks -----------------------------------------------------------
def test_mlp_sharpness_is_positive_reproducible_and_leaves_the_model(clf_data):
    clf, X, y = clf_data
    params = clf.params_.copy()
    state = {k: np.copy(v) for k, v in clf.optimizer_state_.items()}
    a = sharpness(clf, X, y, random_state=0)
    b = sharpness(clf, X, y, random_state=0)
    assert a == b > 0
    np.testing.assert_array_equal(clf.params_, params)
    for k, v in state.items():
        np.testing.assert_array_equal(clf.optimizer_state_[k], v)


def test_mlp_larger_epsilon_larger_sharpness(clf_data, reg_data):
    for est, X, y in (clf_data, reg_data):
        values = [
            sharpness(est, X, y, epsilon=e, random_state=0) for e in (2e-4, 1e-3, 5e-3)
        ]
        assert values[0] < values[1] < values[2]


def test_mlp_subspace_variant(reg_data):
    reg, X, y = reg_data
    s = sharpness(reg, X, y, epsilon=1e-2, n_directions=5, random_state=0)
    assert s > 0
    assert s == sharpness(reg, X, y, epsilon=1e-2, n_directions=5, random_state=0)


def test_pipeline_and_float32_models(reg_data):
    _, X, y = reg_data
    pipe = quiet_fit(
        make_pipeline(
            StandardScaler(),
            MLPRegressor((6,), activation="tanh", max_iter=100, random_state=0),
        ),
        X * 10,
        y,
    )
    direct = sharpness(pipe[-1], pipe[0].transform(X * 10), y, random_state=0)
    assert sharpness(pipe, X * 10, y, random_state=0) == pytest.approx(direct)
    reg32 = quiet_fit(
        MLPRegressor((6,), max_iter=50, random_state=0), X.astype(np.float32), y
    )
    assert sharpness(reg32, X, y, random_state=0) > 0


def test_sparse_input_gives_the_dense_answer(clf_data):
    clf, X, y = clf_data
    X_sparse = sp.csr_matrix(np.where(np.abs(X) > 1, X, 0.0))
    dense = sharpness(clf, X_sparse.toarray(), y, random_state=0)
    assert sharpness(clf, X_sparse, y, random_state=0) == pytest.approx(dense)


def test_unfitted_and_unsupported_estimators():
    X, y = np.random.RandomState(0).randn(20, 3), np.r_[[0] * 10, [1] * 10]
    with pytest.raises(NotFittedError):
        sharpness(MLPClassifier(), X, y)
    with pytest.raises(NotFittedError):
        sharpness(make_pipeline(StandardScaler(), MLPClassifier()), X, y)
    for est in (LogisticRegression().fit(X, y), SklearnMLP(max_iter=5)):
        with pytest.raises(TypeError, match="supports skoptim.MLPClassifier"):
            sharpness(est, X, y)
    pipe = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    with pytest.raises(
        TypeError, match="Pipeline ending in sklearn.linear_model.Logistic"
    ):
        sharpness(pipe, X, y)


def test_bad_epsilon_for_a_network(clf_data):
    clf, X, y = clf_data
    with pytest.raises(ValueError, match="epsilon"):
        sharpness(clf, X, y, epsilon=0)
