"""Dropout, GaussianNoise, WeightNoise and Mixup: training only, seeded, useful."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris, make_classification
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier, MLPRegressor
from skoptim.optimizers import Adam
from skoptim.regularizers import (
    Dropout,
    GaussianNoise,
    LabelSmoothing,
    Mixup,
    WeightNoise,
)

from ._helpers import finite_difference_check, objective, training_context

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

STOCHASTIC = [
    Dropout(0.3, input_rate=0.1),
    GaussianNoise(0.3, hidden_std=0.2),
    WeightNoise(0.05),
    Mixup(0.4),
]
IDS = ["dropout", "noise", "weight-noise", "mixup"]


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _manual_forward(est, X):
    """Clean numpy forward pass from coefs_/intercepts_ (relu, softmax/identity)."""
    h = X
    last = len(est.coefs_) - 1
    for i, (W, b) in enumerate(zip(est.coefs_, est.intercepts_, strict=True)):
        h = h @ W + b
        if i < last:
            h = np.maximum(h, 0)
    if est.out_activation_ == "softmax":
        h = np.exp(h - h.max(axis=1, keepdims=True))
        h /= h.sum(axis=1, keepdims=True)
    return h


@pytest.mark.parametrize("reg", STOCHASTIC, ids=IDS)
def test_training_only_predict_is_a_clean_forward_pass(iris, reg):
    X, y = iris
    est = MLPClassifier((16,), regularizers=[reg], max_iter=30, random_state=0)
    est.fit(X, y)
    P = est.predict_proba(X)
    np.testing.assert_array_equal(P, est.predict_proba(X))
    np.testing.assert_allclose(P, _manual_forward(est, X), rtol=1e-10, atol=1e-12)

    reg_est = MLPRegressor((16,), regularizers=[reg], max_iter=30, random_state=0)
    reg_est.fit(X[:, :3], X[:, 3])
    np.testing.assert_allclose(
        reg_est.predict(X[:, :3]), _manual_forward(reg_est, X[:, :3]).ravel()
    )


@pytest.mark.parametrize("reg", STOCHASTIC, ids=IDS)
def test_same_random_state_same_fit(iris, reg):
    X, y = iris

    def fit(seed):
        return MLPClassifier(
            (16,), regularizers=[reg], max_iter=10, batch_size=32, random_state=seed
        ).fit(X, y)

    a, b, c = fit(0), fit(0), fit(1)
    np.testing.assert_array_equal(a.params_, b.params_)
    assert a.loss_curve_ == b.loss_curve_
    assert not np.array_equal(a.params_, c.params_)
    # the randomness matters: without the regularizer the fit differs
    plain = MLPClassifier((16,), max_iter=10, batch_size=32, random_state=0)
    assert not np.array_equal(a.params_, plain.fit(X, y).params_)
    # the user's object holds no state
    assert reg.__dict__ == type(reg)(**reg.get_params()).__dict__


@pytest.mark.parametrize("reg", STOCHASTIC, ids=IDS)
def test_sparse_input_trains_like_dense(iris, reg):
    X, y = iris
    kw = dict(regularizers=[reg], max_iter=5, random_state=0, batch_size=50)
    dense = MLPClassifier((8,), **kw).fit(X, y)
    sparse = MLPClassifier((8,), **kw).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(dense.params_, sparse.params_, rtol=1e-9, atol=1e-12)


def test_dropout_mask_statistics_and_backward(iris):
    """Masks keep 1 - p of the units, scaled by 1 / (1 - p); same mask backward."""
    X, y = iris
    est = MLPClassifier(
        (200,), regularizers=[Dropout(0.25)], max_iter=1, random_state=0
    ).fit(X, y)
    ctx, Y = training_context(est, X, y)
    est._objective(ctx, X, Y, None)
    m = ctx.state[0]["masks"][0][: X.shape[0]]
    assert set(np.unique(m)) == {0.0, 1 / 0.75}
    assert abs((m > 0).mean() - 0.75) < 0.01
    # the backward pass uses the same mask: finite differences with fixed draws
    small = MLPClassifier(
        (5, 4),
        activation="tanh",
        regularizers=[Dropout(0.3, input_rate=0.2)],
        max_iter=2,
        random_state=0,
    ).fit(X[::5], y[::5])
    err, *_ = finite_difference_check(small, X[::5], y[::5], reseed=7)
    assert err < 1e-6


def test_hidden_noise_gradient_with_fixed_draws(iris):
    X, y = iris[0][::5], iris[1][::5]
    est = MLPClassifier(
        (5, 4),
        activation="tanh",
        regularizers=[GaussianNoise(0.2, hidden_std=0.3)],
        max_iter=2,
        random_state=0,
    ).fit(X, y)
    err, *_ = finite_difference_check(est, X, y, reseed=3)
    assert err < 1e-6


def test_weight_noise_restores_weights_exactly(iris):
    X, y = iris
    est = MLPClassifier(
        (8,), regularizers=[WeightNoise(0.5)], max_iter=2, random_state=0
    ).fit(X, y)
    ctx, Y = training_context(est, X, y)
    p = est.params_.copy()
    _, g_noisy = objective(est, ctx, X, Y, None, p)
    np.testing.assert_array_equal(est.params_, p)  # bit for bit
    est._hook_lists["before_forward"] = est._hook_lists["after_backward"] = []
    _, g_clean = objective(est, ctx, X, Y, None, p)
    assert not np.allclose(g_noisy, g_clean)  # gradient taken at a perturbed point


def test_mixup_batches_are_convex_combinations(iris):
    X, y = iris
    est = MLPClassifier((4,), regularizers=[Mixup(1.0)], max_iter=1, random_state=0)
    est.fit(X, y)
    ctx, Y = training_context(est, X, y)
    sw = np.linspace(1, 2, len(y))
    ctx.state[0]["generator"] = np.random.default_rng(5)
    Xm, Ym, swm = est.regularizers_[0].transform_batch(X, Y, sw, ctx)
    # the same draws by hand: one lambda ~ Beta(1, 1), one permutation
    gen = np.random.default_rng(5)
    lam = gen.beta(1.0, 1.0)
    perm = gen.permutation(len(y))
    np.testing.assert_allclose(Xm, lam * X + (1 - lam) * X[perm])
    np.testing.assert_allclose(Ym, lam * Y + (1 - lam) * Y[perm])
    np.testing.assert_allclose(swm, lam * sw + (1 - lam) * sw[perm])
    # invariants: soft labels sum to one; inputs were not modified in place
    np.testing.assert_allclose(Ym.sum(axis=1), 1.0)
    np.testing.assert_array_equal(X, iris[0])


def test_dropout_and_noise_reduce_the_train_test_gap():
    """Small noisy problem: test minus train log-loss, averaged over 3 seeds."""
    X, y = make_classification(
        n_samples=2100,
        n_features=20,
        n_informative=5,
        n_redundant=0,
        flip_y=0.15,
        random_state=0,
    )
    X = StandardScaler().fit_transform(X)
    Xtr, ytr, Xte, yte = X[:100], y[:100], X[100:], y[100:]

    def gap(regs):
        out = []
        for seed in range(3):
            est = MLPClassifier(
                (64,),
                optimizer=Adam(0.01),
                regularizers=regs,
                max_iter=200,
                batch_size=32,
                random_state=seed,
            ).fit(Xtr, ytr)
            ll = [
                -np.log(np.clip(est.predict_proba(A)[np.arange(len(b)), b], 1e-15, 1))
                for A, b in ((Xtr, ytr), (Xte, yte))
            ]
            out.append(ll[1].mean() - ll[0].mean())
        return float(np.mean(out))

    none = gap(None)
    assert none > 1.0  # it does overfit
    assert gap([Dropout(0.5, input_rate=0.2)]) < 0.7 * none
    assert gap([GaussianNoise(1.0)]) < 0.7 * none


@pytest.mark.parametrize(
    "reg, match",
    [
        (Dropout(1.0), r"'rate' parameter of Dropout.*Got 1.0"),
        (Dropout(-0.1), r"'rate' parameter of Dropout.*Got -0.1"),
        (Dropout(0.5, input_rate=1.5), r"'input_rate' parameter of Dropout.*Got 1.5"),
        (GaussianNoise(-1.0), r"'std' parameter of GaussianNoise.*Got -1.0"),
        (GaussianNoise(0.1, hidden_std=-2), r"'hidden_std' parameter of Gauss.*Got -2"),
        (WeightNoise(-0.5), r"'std' parameter of WeightNoise.*Got -0.5"),
        (Mixup(-0.1), r"'alpha' parameter of Mixup.*Got -0.1"),
    ],
)
def test_bad_parameters_name_the_regularizer_and_value(iris, reg, match):
    X, y = iris
    with pytest.raises(ValueError, match=match):
        MLPClassifier((4,), regularizers=[reg], max_iter=1).fit(X, y)


@pytest.mark.parametrize("reg", STOCHASTIC[:3], ids=IDS[:3])
def test_noisy_objective_with_a_full_batch_optimizer_warns(iris, reg):
    X, y = iris
    est = MLPClassifier((4,), optimizer="lbfgs", regularizers=[reg], max_iter=3)
    with pytest.warns(UserWarning, match=f"{type(reg).__name__}.*LBFGS"):
        est.fit(X, y)


# -- the ablation value of every hyperparameter (issue 10, point 14) ----------
ABLATIONS = [
    Dropout(0.0),
    Dropout(0.0, input_rate=0.0),
    GaussianNoise(0.0),
    WeightNoise(0.0),
    Mixup(0.0),
    LabelSmoothing(0.0),
]


@pytest.mark.parametrize("reg", ABLATIONS, ids=repr)
@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
def test_zero_strength_is_exactly_no_regularizer(iris, reg, optimizer):
    # rate/std/alpha/epsilon = 0 is the baseline of a grid: the same fit,
    # bit for bit, as without the regularizer (no random draw consumed, no
    # noisy-objective warning with L-BFGS)
    import warnings

    X, y = iris
    kw = dict(optimizer=optimizer, batch_size=32, max_iter=4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.filterwarnings("ignore", category=Warning, module="sklearn")
        warnings.filterwarnings("ignore", message=".*maximum iterations")
        a = MLPClassifier((5,), regularizers=[reg], **kw).fit(X, y)
    b = MLPClassifier((5,), **kw).fit(X, y)
    np.testing.assert_array_equal(a.params_, b.params_)
    assert a.loss_curve_ == b.loss_curve_


# -- issue 10, point 6: random streams across calls ---------------------------
@pytest.mark.parametrize("reg", STOCHASTIC, ids=IDS)
def test_warm_start_and_partial_fit_continue_the_random_stream(iris, reg):
    # shuffle=False: the only random draws are the regularizer's own, so
    # fit(3) + warm-started fit(4), and 7 partial_fits, equal fit(7) bit for
    # bit only if every call continues the stream (no replay, no reseeding)
    X, y = iris
    kw = dict(batch_size=32, shuffle=False, random_state=0, n_iter_no_change=10**6)
    one = MLPClassifier((5,), regularizers=[reg], max_iter=7, **kw).fit(X, y)
    warm = MLPClassifier((5,), regularizers=[reg], max_iter=3, warm_start=True, **kw)
    warm.fit(X, y).set_params(max_iter=4).fit(X, y)
    inc = MLPClassifier((5,), regularizers=[reg], **kw)
    for _ in range(7):
        inc.partial_fit(X, y, classes=[0, 1, 2])
    np.testing.assert_array_equal(warm.params_, one.params_)
    np.testing.assert_array_equal(inc.params_, one.params_)
    # a replayed stream would differ: reseeding the generator before the
    # second fit changes the result
    replay = MLPClassifier((5,), regularizers=[reg], max_iter=3, warm_start=True, **kw)
    replay.fit(X, y)
    replay.regularizer_state_[0]["generator"] = np.random.default_rng(0)
    replay.set_params(max_iter=4).fit(X, y)
    assert not np.array_equal(replay.params_, one.params_)
