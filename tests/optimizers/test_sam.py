"""SAM / ASAM: hand-computed steps, flat-minimum preference, protocol, estimators."""

import math
import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from skoptim import MLPClassifier, MLPRegressor
from skoptim.optimizers import (
    LBFGS,
    SAM,
    SGD,
    Adam,
    Optimizer,
    minimize,
)
from skoptim.schedules import StepDecay

W0 = [0.5, -1.5, 2.0]
A = [1.0, 3.0, 0.5]  # f(w) = 0.5 * sum_i a_i w_i^2, gradient a_i w_i


def quad(w):
    a = np.array(A)
    return 0.5 * float(a @ (w * w)), a * w


def quad_grad(w):  # Python floats, coordinate by coordinate
    return [a * x for a, x in zip(A, w, strict=True)]


def ref_sam_sgd(lr, rho, mu=0.0, adaptive=False, n_steps=2):
    """SAM(SGD(lr, momentum=mu)) on quad, written out by hand."""
    w, b, out = list(W0), [0.0] * 3, []
    for _ in range(n_steps):
        g = quad_grad(w)
        t = [abs(x) if adaptive else 1.0 for x in w]
        norm = math.sqrt(sum((ti * gi) ** 2 for ti, gi in zip(t, g, strict=True)))
        e = [rho * ti * ti * gi / (norm + 1e-12) for ti, gi in zip(t, g, strict=True)]
        g_adv = quad_grad([x + ei for x, ei in zip(w, e, strict=True)])
        for i in range(3):
            b[i] = mu * b[i] + g_adv[i]
            w[i] -= lr * (b[i] if mu else g_adv[i])
        out.append(list(w))
    return out


def run_steps(opt, n_steps=2, dtype=np.float64):
    w = np.array(W0, dtype=dtype)
    grad = np.empty_like(w)
    state = opt.init(w)
    calls = []

    def closure():
        loss, g = quad(w)
        grad[...] = g
        calls.append(w.copy())
        return loss

    out = []
    for _ in range(n_steps):
        closure()  # the caller's evaluation at w, as the MLP and minimize do
        opt.step(w, grad, state, closure)
        out.append(w.copy())
    return out, calls, state


@pytest.mark.parametrize(
    "mu, adaptive, rho",
    [(0.0, False, 0.05), (0.9, False, 0.3), (0.0, True, 0.5), (0.9, True, 0.2)],
)
def test_two_steps_match_hand_computation(mu, adaptive, rho):
    opt = SAM(SGD(0.1, momentum=mu), rho=rho, adaptive=adaptive)
    out, _, _ = run_steps(opt)
    np.testing.assert_allclose(
        out, ref_sam_sgd(0.1, rho, mu, adaptive), rtol=1e-12, atol=1e-14
    )


def test_base_optimizer_sees_the_gradient_at_the_perturbed_point():
    # SAM(Adam) equals Adam fed with the hand-computed adversarial gradients
    rho = 0.1
    sam_out, calls, state = run_steps(SAM(Adam(0.05), rho=rho), n_steps=3)
    w = np.array(W0)
    adam = Adam(0.05)
    s = adam.init(w)
    for k in range(3):
        g = np.array(quad_grad(w))
        g_adv = np.array(quad_grad(w + rho * g / np.linalg.norm(g)))
        adam.step(w, g_adv, s)
        np.testing.assert_allclose(sam_out[k], w, rtol=1e-12)
    # one extra evaluation per step, at w + e(w) with ||e|| = rho
    assert len(calls) == 6
    for k in range(3):
        at_w, at_perturbed = calls[2 * k], calls[2 * k + 1]
        np.testing.assert_allclose(np.linalg.norm(at_perturbed - at_w), rho)
    assert state["t"] == 3 and state["base"]["t"] == 3


def test_asam_perturbation_is_scale_invariant():
    # ASAM's ||T_w^-1 e|| = rho: the ball is measured relative to |w|
    rho = 0.3
    _, calls, _ = run_steps(SAM(SGD(0.1), rho=rho, adaptive=True), n_steps=1)
    w, w_adv = calls
    np.testing.assert_allclose(np.linalg.norm((w_adv - w) / np.abs(w)), rho)


def test_zero_gradient_gives_no_perturbation():
    opt = SAM(SGD(0.1), rho=0.5)
    w = np.array([1.0, 2.0])
    grad = np.zeros(2)
    state = opt.init(w)
    seen = []

    def closure():
        seen.append(w.copy())
        grad[...] = 0.0
        return 0.0

    opt.step(w, grad, state, closure)
    np.testing.assert_array_equal(seen[0], [1.0, 2.0])
    np.testing.assert_array_equal(w, [1.0, 2.0])


class Frozen(Optimizer):
    """An optimizer that never moves (to see that SAM restores w exactly)."""

    def __init__(self, learning_rate=0.1):
        self.learning_rate = learning_rate

    def update(self, params, grad, state, lr):
        pass


def test_weights_are_restored_bit_for_bit_and_no_buffer_is_reallocated():
    rng = np.random.default_rng(0)
    w = rng.normal(size=50).astype(np.float32)
    w0 = w.copy()
    grad = np.empty_like(w)
    opt = SAM(Frozen(), rho=0.37, adaptive=True)
    state = opt.init(w)
    buffers = {k: v for k, v in state.items() if isinstance(v, np.ndarray)}
    assert set(buffers) == {"w", "e_w", "t_w"}
    assert all(v.dtype == np.float32 for v in buffers.values())

    def closure():
        grad[...] = np.sin(w) + 0.1
        return 0.0

    for _ in range(5):
        closure()
        opt.step(w, grad, state, closure)
    np.testing.assert_array_equal(w, w0)
    assert w.dtype == np.float32
    for k, v in buffers.items():
        assert state[k] is v


# -- a sharp and a flat minimum -------------------------------------------------
def two_wells(dim, sharp=30.0, temperature=0.05):
    """Smooth minimum of two quadratic wells: sharp at -e_1, flat at +e_1.

    f(w) = -T log(exp(-q_1/T) + exp(-q_2/T)), q_k = 1/2 (w - c_k)^T H_k (w - c_k),
    H_1 = diag(sharp, 1, ..., 1) (curvature `sharp` along the line joining the
    minima), H_2 = I.
    """
    c1, c2 = -np.eye(dim)[0], np.eye(dim)[0]
    h1, h2 = np.ones(dim), np.ones(dim)
    h1[0] = sharp

    def fun(w):
        d1, d2 = w - c1, w - c2
        q = np.array([0.5 * d1 @ (h1 * d1), 0.5 * d2 @ (h2 * d2)])
        m = q.min()
        e = np.exp(-(q - m) / temperature)
        p = e / e.sum()
        return m - temperature * np.log(e.sum()), p[0] * h1 * d1 + p[1] * h2 * d2

    return fun, c1, c2


@pytest.mark.parametrize("dim", [1, 2, 5])
def test_sam_ends_in_the_flat_minimum_more_often_than_its_base(dim):
    """From the same 40 starts, count the runs that end at each minimum.

    Gradient descent is stable in both wells (eta * lambda = 1.8 < 2 in the
    sharp one), so it ends in whichever basin it starts in. Near a minimum of
    curvature lambda, SAM's iterates settle on a 2-cycle of amplitude
    eta lambda rho / (2 - eta lambda): 0.45 in the sharp well, more than its
    distance to the ridge between the wells (~0.31), so SAM bounces out of it;
    0.0025 in the flat well, where it stays.
    """
    fun, c1, c2 = two_wells(dim)
    lr = 1.8 / 30.0
    starts = np.random.RandomState(0).uniform(-1, 1, size=(40, dim))
    starts[:, 0] *= 2

    def ends(opt):
        x = np.array([minimize(fun, s, opt, n_iter=300).x for s in starts])
        at_flat = np.linalg.norm(x - c2, axis=1) < 0.05
        at_sharp = np.linalg.norm(x - c1, axis=1) < 0.05
        return int(at_flat.sum()), int(at_sharp.sum())

    gd_flat, gd_sharp = ends(SGD(lr))
    sam_flat, sam_sharp = ends(SAM(SGD(lr), rho=0.05))
    assert gd_flat + gd_sharp == 40  # GD converges from every start
    assert gd_sharp >= 3
    assert sam_sharp == 0
    assert sam_flat >= gd_flat + 3


# -- protocol ------------------------------------------------------------------
def test_needs_a_closure():
    opt = SAM(SGD(0.1))
    w = np.ones(3)
    state = opt.init(w)
    with pytest.raises(TypeError, match="SAM.step needs closure"):
        opt.step(w, np.ones(3), state)


@pytest.mark.parametrize("rho", [-0.1, -1e-300, float("nan"), float("-inf")])
def test_rho_must_be_non_negative(rho):
    with pytest.raises(ValueError, match="'rho' parameter of SAM"):
        SAM(SGD(), rho=rho).init(np.ones(2))


@pytest.mark.parametrize(
    "base, error",
    [(object(), TypeError), ("adamax", ValueError), (0.1, TypeError)],
)
def test_base_must_be_an_optimizer(base, error):
    with pytest.raises(error, match="SAM's base optimizer: "):
        SAM(base).init(np.ones(2))


def test_base_class_instead_of_object_is_explained():
    with pytest.raises(TypeError, match=r"not the class SGD: use SAM\(SGD\(...\)\)"):
        SAM(SGD).init(np.ones(2))


def test_full_batch_and_nested_sam_are_refused():
    with pytest.raises(ValueError, match="LBFGS is a full-batch optimizer"):
        SAM(LBFGS()).init(np.ones(2))
    with pytest.raises(ValueError, match="full-batch"):
        SAM("lbfgs").init(np.ones(2))
    with pytest.raises(ValueError, match="cannot wrap another SAM"):
        SAM(SAM(SGD())).init(np.ones(2))


def test_base_hyperparameters_are_validated():
    with pytest.raises(ValueError, match="learning_rate"):
        SAM(SGD(-1.0)).init(np.ones(2))


def test_alias_base_and_defaults():
    opt = SAM()
    assert opt.get_params(deep=False) == {
        "optimizer": "sgd",
        "rho": 0.05,
        "adaptive": False,
    }
    a = minimize(quad, np.array(W0), SAM("adam", rho=0.1), n_iter=5).path
    b = minimize(quad, np.array(W0), SAM(Adam(), rho=0.1), n_iter=5).path
    np.testing.assert_array_equal(a, b)


def test_schedule_of_the_base_advances_with_epochs():
    opt = SAM(SGD(StepDecay(1.0, step_size=2, gamma=0.5)), rho=0.01)
    res = minimize(quad, np.array(W0), opt, n_iter=5)
    assert opt.current_learning_rate(res.state) == 0.25  # 5 epochs: 1 -> .5 -> .25
    assert res.state["epoch"] == res.state["base"]["epoch"] == 5


def test_clone_and_nested_params_are_reachable():
    opt = SAM(SGD(0.1, momentum=0.9), rho=0.05)
    c = clone(opt)
    assert c.optimizer is not opt.optimizer
    c.set_params(rho=0.2, optimizer__learning_rate=0.5)
    assert (opt.rho, opt.optimizer.learning_rate) == (0.05, 0.1)
    assert c.get_params()["optimizer__learning_rate"] == 0.5
    assert vars(opt).keys() == {"optimizer", "rho", "adaptive"}


# -- in the estimators ---------------------------------------------------------
def test_mlp_with_sam_evaluates_twice_per_batch_and_keeps_optimizer():
    X, y = make_classification(120, n_features=6, random_state=0)
    opt = SAM(SGD(0.1, momentum=0.9), rho=0.05)
    before = opt.get_params(deep=True)
    clf = MLPClassifier((8,), optimizer=opt, batch_size=40, max_iter=3, random_state=0)
    calls = []
    original = MLPClassifier._objective

    def counting(self, ctx, Xb, Yb, swb, bw=None):
        calls.append(Xb.shape[0])
        return original(self, ctx, Xb, Yb, swb, bw)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        MLPClassifier._objective = counting
        try:
            clf.fit(X, y)
        finally:
            MLPClassifier._objective = original
    assert len(calls) == 2 * 3 * 3  # 3 epochs of 3 batches, 2 evaluations each
    assert opt.get_params(deep=True) == before
    assert clf.optimizer_state_["t"] == 9
    assert clf.optimizer_state_["base"]["t"] == 9
    assert clf.score(X, y) > 0.7


def test_mlp_regressor_with_sam_fits_and_partial_fits():
    X, y = make_regression(150, n_features=4, noise=1.0, random_state=0)
    y = y / y.std()
    reg = MLPRegressor(
        (16,), optimizer=SAM(Adam(0.01), rho=0.02), max_iter=200, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg.fit(X, y)
    assert reg.score(X, y) > 0.9
    score = reg.score(X, y)
    reg.partial_fit(X, y)  # one more epoch of SAM steps
    assert reg.optimizer_state_["t"] >= 1
    assert reg.score(X, y) > score - 0.05


def test_grid_search_reaches_rho_and_the_base_learning_rate():
    X, y = make_classification(90, n_features=5, random_state=1)
    est = MLPClassifier(
        (6,), optimizer=SAM(SGD(0.1)), max_iter=5, batch_size=30, random_state=0
    )
    grid = {
        "optimizer__rho": [0.01, 0.1],
        "optimizer__optimizer__learning_rate": [0.05],
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        gs = GridSearchCV(est, grid, cv=2).fit(X, y)
    assert len(gs.cv_results_["params"]) == 2
    best = gs.best_estimator_.optimizer
    assert best.rho in (0.01, 0.1) and best.optimizer.learning_rate == 0.05
    assert est.optimizer.rho == 0.05  # the searched template is untouched


def test_mlp_rejects_bad_sam_at_fit():
    X, y = make_classification(30, n_features=4, n_informative=2, random_state=0)
    with pytest.raises(ValueError, match="rho"):
        MLPClassifier((3,), optimizer=SAM(rho=-0.1)).fit(X, y)
    with pytest.raises(ValueError, match="full-batch"):
        MLPClassifier((3,), optimizer=SAM(LBFGS())).fit(X, y)


# -- rho = 0, the ablation baseline (issue 10, point 14) ----------------------
@pytest.mark.parametrize("adaptive", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("base", [SGD(0.1), SGD(0.1, momentum=0.9), Adam(0.05)])
def test_rho_zero_is_exactly_the_base_optimizer(base, dtype, adaptive):
    sam_out, calls, state = run_steps(
        SAM(clone(base), rho=0.0, adaptive=adaptive), n_steps=4, dtype=dtype
    )
    base_out, base_calls, _ = run_steps(clone(base), n_steps=4, dtype=dtype)
    for a, b in zip(sam_out, base_out, strict=True):
        assert a.dtype == dtype
        np.testing.assert_array_equal(a, b)  # bit for bit
    # no second evaluation per step: rho = 0 costs what the base costs
    assert len(calls) == len(base_calls) == 4
    assert state["t"] == 4


@pytest.mark.parametrize("est_cls", [MLPClassifier, MLPRegressor])
def test_rho_zero_mlp_fit_equals_the_base_fit(est_cls):
    from skoptim.regularizers import Dropout

    X, y = make_classification(90, n_features=5, random_state=1)
    if est_cls is MLPRegressor:
        y = X @ np.linspace(-0.2, 0.2, 5)
    kw = dict(batch_size=16, max_iter=5, random_state=3, regularizers=[Dropout(0.3)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sam = est_cls((7,), optimizer=SAM(SGD(0.1, momentum=0.9), rho=0.0), **kw)
        sam.fit(X, y)
        ref = est_cls((7,), optimizer=SGD(0.1, momentum=0.9), **kw).fit(X, y)
    # the same path, random draws (dropout masks) included
    np.testing.assert_array_equal(sam.params_, ref.params_)
    assert sam.loss_curve_ == ref.loss_curve_
    # and a grid over rho may include the baseline
    grid = GridSearchCV(
        est_cls((4,), optimizer=SAM(SGD(0.05)), max_iter=2, random_state=0),
        {"optimizer__rho": [0.0, 0.05]},
        cv=2,
        error_score="raise",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        grid.fit(X, y)
    assert len(grid.cv_results_["params"]) == 2
