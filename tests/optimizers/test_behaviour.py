"""Convergence, equivalences, dtype and protocol behaviour of every optimizer."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from skoptim.optimizers import (
    LBFGS,
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    AdamW,
    Nadam,
    Optimizer,
    RMSprop,
    get_optimizer,
    minimize,
)
from skoptim.schedules import Constant, CosineAnnealing, ReduceOnPlateau

A = np.diag([1.0, 10.0])  # convex quadratic, condition number 10
B = np.array([1.0, -2.0])
X_STAR = np.linalg.solve(A, B)


def quadratic(x):
    return 0.5 * x @ A @ x - B @ x, A @ x - B


def rosenbrock(x):
    a, b = x
    f = (1 - a) ** 2 + 100 * (b - a**2) ** 2
    g = np.array([-2 * (1 - a) - 400 * a * (b - a**2), 200 * (b - a**2)])
    return f, g


# settings tuned once for each optimizer (as a user would), not per test
QUAD = [
    (SGD(0.1), 300),
    (SGD(0.05, momentum=0.9), 300),
    (SGD(0.05, momentum=0.9, nesterov=True), 300),
    (Adagrad(0.5), 2000),
    (Adadelta(1.0), 3000),
    (RMSprop(0.01), 2000),
    (RMSprop(0.01, centered=True, momentum=0.5), 2000),
    (Adam(0.05), 2000),
    (Adam(0.05, amsgrad=True), 2000),
    (AdamW(0.05, weight_decay=0.0), 2000),
    (Nadam(0.05), 2000),
    (LBFGS(), 100),
]


@pytest.mark.parametrize("opt, n_iter", QUAD, ids=lambda x: repr(x)[:50])
def test_converges_on_convex_quadratic(opt, n_iter):
    res = minimize(quadratic, np.array([3.0, 3.0]), opt, n_iter=n_iter)
    np.testing.assert_allclose(res.x, X_STAR, atol=2e-2)
    assert res.fun < quadratic(np.array([3.0, 3.0]))[0]


ROSEN = [
    SGD(1e-3),
    SGD(1e-3, momentum=0.9),
    SGD(1e-3, momentum=0.9, nesterov=True),
    Adagrad(0.1),
    Adadelta(1.0),
    RMSprop(1e-2),
    Adam(1e-2),
    AdamW(1e-2),
    Nadam(1e-2),
    LBFGS(),
]


@pytest.mark.parametrize("opt", ROSEN, ids=lambda x: repr(x)[:50])
def test_makes_progress_on_rosenbrock(opt):
    x0 = np.array([-1.5, 2.0])
    f0 = rosenbrock(x0)[0]
    res = minimize(rosenbrock, x0, opt, n_iter=1000)
    assert res.fun < 0.25 * f0
    # the path is recorded: first row the start, last row the answer
    np.testing.assert_array_equal(res.path[0], x0)
    np.testing.assert_array_equal(res.path[-1], res.x)
    assert res.losses.shape == (res.path.shape[0],)


def test_path_has_n_iter_plus_one_rows():
    res = minimize(quadratic, np.array([1.0, 1.0]), Adam(), n_iter=17)
    assert res.path.shape == (18, 2)
    assert res.n_iter == 17


def test_sgd_momentum_zero_equals_plain_sgd():
    a = minimize(rosenbrock, np.array([-1.0, 1.0]), SGD(1e-3), n_iter=50).path
    b = minimize(
        rosenbrock, np.array([-1.0, 1.0]), SGD(1e-3, momentum=0.0), n_iter=50
    ).path
    np.testing.assert_array_equal(a, b)


def test_constant_schedule_equals_float():
    for opt in (SGD, Adam, RMSprop, Adagrad):
        a = minimize(
            rosenbrock, np.array([-1.0, 1.0]), opt(learning_rate=1e-3), n_iter=30
        ).path
        b = minimize(
            rosenbrock,
            np.array([-1.0, 1.0]),
            opt(learning_rate=Constant(1e-3)),
            n_iter=30,
        ).path
        np.testing.assert_array_equal(a, b)


def test_rmsprop_equals_adam_without_first_moment_up_to_bias_correction():
    # Adam(beta_1=0) divides by sqrt(v / (1 - b2^t)); RMSprop by sqrt(v).
    # With the same rate scaled by the correction, the steps coincide.
    b2, lr = 0.9, 0.01
    w1, w2 = np.array(W := [0.3, -0.7]), np.array(W)
    r, a = (
        RMSprop(lr, alpha=b2, epsilon=0.0),
        Adam(lr, beta_1=0.0, beta_2=b2, epsilon=0.0),
    )
    sr, sa = r.init(w1), a.init(w2)
    rng = np.random.default_rng(0)
    for t in range(1, 6):
        g = rng.normal(size=2)
        w_before = w2.copy()
        a.step(w2, g, sa)
        adam_step = w2 - w_before
        w_before = w1.copy()
        r.step(w1, g, sr)
        rms_step = w1 - w_before
        np.testing.assert_allclose(adam_step / np.sqrt(1 - b2**t), rms_step, rtol=1e-12)


def test_adamw_without_decay_equals_adam():
    a = minimize(rosenbrock, np.array([-1.0, 1.0]), Adam(1e-2), n_iter=40).path
    b = minimize(
        rosenbrock, np.array([-1.0, 1.0]), AdamW(1e-2, weight_decay=0), n_iter=40
    ).path
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize(
    "opt", [o for o, _ in QUAD if not o.full_batch], ids=lambda x: repr(x)[:50]
)
def test_float32_stays_float32_and_step_allocates_state_once(opt):
    w = np.array([1.0, -2.0, 0.5], dtype=np.float32)
    state = opt.init(w)
    for v in state.values():
        if isinstance(v, np.ndarray):
            assert v.dtype == np.float32
    buffers = {k: v for k, v in state.items() if isinstance(v, np.ndarray)}
    g = np.array([0.1, 0.2, -0.3], dtype=np.float32)
    for _ in range(3):
        opt.step(w, g, state)
    assert w.dtype == np.float32
    for k, v in buffers.items():  # the same arrays, updated in place
        assert state[k] is v


def test_minimize_keeps_float32():
    res = minimize(quadratic, np.array([1.0, 1.0], dtype=np.float32), Adam(), n_iter=5)
    assert res.x.dtype == np.float32 and res.path.dtype == np.float32


def test_stepping_never_mutates_the_optimizer():
    opt = Adam(learning_rate=CosineAnnealing(0.1, t_max=5))
    before = repr(opt), opt.get_params(deep=True)
    minimize(rosenbrock, np.array([0.0, 0.0]), opt, n_iter=20)
    assert (repr(opt), opt.get_params(deep=True)) == before
    assert vars(opt).keys() == {
        "learning_rate",
        "beta_1",
        "beta_2",
        "epsilon",
        "amsgrad",
    }


def test_clone_and_nested_params():
    opt = SGD(learning_rate=CosineAnnealing(0.1, warmup=2), momentum=0.9)
    c = clone(opt)
    assert c is not opt and c.learning_rate is not opt.learning_rate
    assert c.get_params()["learning_rate__warmup"] == 2
    c.set_params(learning_rate__warmup=5)
    assert opt.learning_rate.warmup == 2


def test_aliases():
    assert (
        get_optimizer("momentum").get_params() == SGD(0.01, momentum=0.9).get_params()
    )
    assert get_optimizer("Nesterov").nesterov
    assert isinstance(get_optimizer("lbfgs"), LBFGS)
    with pytest.raises(ValueError, match="unknown alias 'adamax'"):
        get_optimizer("adamax")


@pytest.mark.parametrize(
    "opt, match",
    [
        (SGD(learning_rate=-0.1), "learning_rate"),
        (Adam(beta_1=1.0), "beta_1"),
        (RMSprop(alpha=2.0), "alpha"),
        (Adagrad(epsilon=-1), "epsilon"),
    ],
)
def test_bad_hyperparameters_raise_clear_errors(opt, match):
    with pytest.raises(InvalidParameterError, match=match):
        opt.init(np.zeros(2))


def test_nesterov_without_momentum_is_an_error():
    with pytest.raises(ValueError, match=r"nesterov=True\) needs momentum > 0"):
        SGD(0.1, nesterov=True).init(np.zeros(2))


def test_minimize_reports_divergence():
    with pytest.raises(FloatingPointError, match="smaller learning_rate"):
        minimize(rosenbrock, np.array([-1.5, 2.0]), SGD(0.1), n_iter=100)


def test_minimize_rejects_bad_input():
    with pytest.raises(ValueError, match="n_iter"):
        minimize(quadratic, np.zeros(2), SGD(), n_iter=0)
    with pytest.raises(TypeError, match="optimizer must be"):
        minimize(quadratic, np.zeros(2), object())
    with pytest.raises(ValueError, match="gradient of shape"):
        minimize(lambda x: (0.0, np.zeros(3)), np.zeros(2), SGD())


def test_lbfgs_refuses_single_steps():
    w = np.zeros(2)
    with pytest.raises(TypeError, match="full-batch"):
        LBFGS().step(w, w, LBFGS().init(w))


def test_reduce_on_plateau_drives_the_rate_through_the_state():
    opt = SGD(learning_rate=ReduceOnPlateau(0.1, factor=0.5, patience=1))
    state = opt.init(np.zeros(1))
    for loss in [1.0, 1.0, 1.0, 1.0, 1.0]:
        opt.on_epoch_end(state, loss)
    # best=1 at epoch 1; bad epochs 2,3 -> reduce; 4,5 -> reduce again
    assert opt.current_learning_rate(state) == pytest.approx(0.025)
    assert opt.learning_rate.learning_rate == 0.1


def test_user_defined_optimizer_follows_protocol():
    class SignSGD(Optimizer):
        def __init__(self, learning_rate=0.1):
            self.learning_rate = learning_rate

        def update(self, params, grad, state, lr):
            params -= lr * np.sign(grad)

    res = minimize(quadratic, np.array([1.2, 0.25]), SignSGD(0.05), n_iter=3)
    np.testing.assert_allclose(res.x, [1.05, 0.1])
    assert clone(SignSGD(0.3)).learning_rate == 0.3


def test_optimizer_without_learning_rate():
    class HalfStep(Optimizer):
        """w <- w - g / 2, no learning rate at all."""

        def update(self, params, grad, state, lr):
            assert lr is None
            params -= 0.5 * grad

    res = minimize(
        lambda x: (0.5 * float(x @ x), x.copy()), np.array([4.0]), HalfStep(), n_iter=2
    )
    np.testing.assert_allclose(res.x, [1.0])


def test_resolve_optimizer_explains_a_class_passed_for_an_object():
    from skoptim.optimizers._aliases import resolve_optimizer

    with pytest.raises(TypeError, match=r"use Adam\(\)"):
        resolve_optimizer(Adam)
