"""L2, L1 and ElasticNet: scaling, gradients and their effect on the weights."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier, MLPRegressor
from skoptim.optimizers import LBFGS, SGD
from skoptim.regularizers import L1, L2, ElasticNet

from ._helpers import finite_difference_check, objective, training_context

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _fitted(regs, X, y, **kw):
    return MLPClassifier(
        (5, 4), activation="tanh", regularizers=regs, max_iter=3, random_state=0, **kw
    ).fit(X, y)


@pytest.mark.parametrize(
    "regs",
    [
        [L2(0.5)],
        [L2(0.5, include_bias=True)],
        [L1(0.3)],
        [ElasticNet(0.4, l1_ratio=0.3)],
        [L1(0.2), L2(0.3)],
    ],
    ids=["l2", "l2-bias", "l1", "elasticnet", "l1+l2"],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_finite_difference_gradient_with_penalty(iris, regs, weighted):
    X, y = iris[0][::5], iris[1][::5]
    sw = np.linspace(0.5, 2.0, len(y)) if weighted else None
    est = _fitted(regs, X, y)
    err, grad, num = finite_difference_check(est, X, y, sample_weight=sw)
    assert err < 1e-6


def test_penalty_value_and_scaling_by_batch_weight(iris):
    """Loss with L2 minus loss without equals alpha/2 ||W||^2 / B, biases excluded."""
    X, y = iris[0][::5], iris[1][::5]
    est = _fitted([L2(2.0)], X, y)
    ctx, Y = training_context(est, X, y)
    p = est._network.params.copy()
    with_pen, g_pen = objective(est, ctx, X, Y, None, p)
    est._hook_lists["penalty"] = []
    without, g = objective(est, ctx, X, Y, None, p)
    sq = sum(float((W**2).sum()) for W in est.coefs_)
    np.testing.assert_allclose(with_pen - without, 0.5 * 2.0 * sq / 30, rtol=1e-12)
    diff = g_pen - g
    net = est._network
    offset = 0
    for W, b in zip(net.coefs, net.intercepts, strict=True):
        np.testing.assert_allclose(
            diff[offset : offset + W.size].reshape(W.shape), 2.0 * W / 30, rtol=1e-10
        )
        offset += W.size
        np.testing.assert_array_equal(diff[offset : offset + b.size], 0.0)
        offset += b.size


def test_l2_with_plain_sgd_is_weight_decay():
    """One SGD step with L2: w <- (1 - lr alpha / B) w - lr grad(loss)."""
    rng = np.random.RandomState(0)
    X, y = rng.randn(20, 3), rng.randn(20)
    lr, alpha = 0.1, 0.5
    kw = dict(optimizer=SGD(lr), batch_size=20, max_iter=1, shuffle=False)
    base = MLPRegressor((4,), random_state=0, **kw)
    plain = base.fit(X, y).params_.copy()
    reg = MLPRegressor((4,), regularizers=[L2(alpha)], random_state=0, **kw).fit(X, y)
    # the common starting point: a step of negligible size from the same seed
    init = MLPRegressor((4,), random_state=0, **{**kw, "optimizer": SGD(1e-300)})
    w0 = init.fit(X, y).params_.copy()
    expected = plain.copy()
    net = reg._network
    offset = 0
    for W, b in zip(net.coefs, net.intercepts, strict=True):
        sl = slice(offset, offset + W.size)
        expected[sl] -= lr * alpha / 20 * w0[sl]
        offset += W.size + b.size
    np.testing.assert_allclose(reg.params_, expected, rtol=1e-12, atol=1e-14)


def test_l2_shrinks_weight_norm_as_alpha_grows():
    rng = np.random.RandomState(0)
    X = rng.randn(200, 5)
    y = X[:, 0] + np.sin(2 * X[:, 1]) + 0.3 * rng.randn(200)
    norms = []
    for alpha in [0.0, 1.0, 10.0, 100.0]:
        est = MLPRegressor(
            (16,),
            activation="tanh",
            optimizer=LBFGS(),
            regularizers=[L2(alpha)],
            max_iter=300,
            random_state=0,
        ).fit(X, y)
        norms.append(np.sqrt(sum(float((W**2).sum()) for W in est.coefs_)))
    assert all(a > b for a, b in zip(norms, norms[1:], strict=False)), norms
    assert norms[-1] < 0.5 * norms[0]


@pytest.mark.parametrize("penalty", [L1(0.1), ElasticNet(0.1, l1_ratio=0.9)])
def test_l1_drives_irrelevant_input_weights_toward_zero(penalty):
    rng = np.random.RandomState(0)
    X = rng.randn(300, 10)
    y = X[:, 0] - 2 * X[:, 1] + 0.1 * rng.randn(300)

    def input_weights(regs):
        est = MLPRegressor(
            (16,),
            activation="tanh",
            optimizer=SGD(0.01, momentum=0.9),
            regularizers=regs,
            max_iter=300,
            batch_size=50,
            random_state=0,
        ).fit(X, y)
        assert est.score(X, y) > 0.95
        W = np.abs(est.coefs_[0])
        return W[:2].mean(), W[2:].mean()

    rel0, irr0 = input_weights(None)
    rel1, irr1 = input_weights([penalty])
    # the 8 irrelevant inputs' weights shrink >10x; the relevant ones much less
    assert irr1 < 0.1 * irr0
    assert irr1 / rel1 < 0.2 * (irr0 / rel0)


@pytest.mark.parametrize(
    "reg, match",
    [
        (L2(-1.0), r"'alpha' parameter of L2.*Got -1.0"),
        (L1(-0.5), r"'alpha' parameter of L1.*Got -0.5"),
        (ElasticNet(-1.0), r"'alpha' parameter of ElasticNet.*Got -1.0"),
        (ElasticNet(0.1, l1_ratio=1.5), r"'l1_ratio' parameter of ElasticNet.*1.5"),
        (L2(0.1, include_bias="yes"), r"'include_bias' parameter of L2"),
    ],
)
def test_bad_parameters_name_the_regularizer_and_value(iris, reg, match):
    X, y = iris
    with pytest.raises(ValueError, match=match):
        MLPClassifier((4,), regularizers=[reg], max_iter=1).fit(X, y)
