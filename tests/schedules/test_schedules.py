import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from skoptim.optimizers import SGD
from skoptim.schedules import (
    Constant,
    CosineAnnealing,
    ExponentialDecay,
    InverseScaling,
    ReduceOnPlateau,
    StepDecay,
)


def test_known_values():
    assert InverseScaling(1.0, power_t=0.5).value(4, 0, {}) == pytest.approx(0.5)
    assert InverseScaling(1.0, power_t=1, unit="epoch").value(9, 3, {}) == 0.25
    assert StepDecay(1.0, step_size=3, gamma=0.5).value(0, 7, {}) == 0.25
    assert ExponentialDecay(2.0, gamma=0.5).value(0, 3, {}) == 0.25
    c = CosineAnnealing(1.0, t_max=10, eta_min=0.0, warmup=2)
    assert [c.value(0, e, {}) for e in (0, 1)] == [0.5, 1.0]
    assert c.value(0, 7, {}) == pytest.approx(0.5)
    assert c.value(0, 12, {}) == pytest.approx(0.0)
    assert c.value(0, 50, {}) == pytest.approx(0.0)


@settings(max_examples=50, deadline=None)
@given(lr=st.floats(1e-5, 10), t=st.integers(1, 10_000), e=st.integers(0, 500))
def test_schedules_are_positive_and_bounded_by_their_peak(lr, t, e):
    for s in (
        InverseScaling(lr),
        StepDecay(lr),
        ExponentialDecay(lr),
        CosineAnnealing(lr, warmup=3),
        Constant(lr),
    ):
        v = s.value(t, e, s.init_state())
        assert 0 <= v <= lr * (1 + 1e-12)


def test_schedule_drives_sgd_step_size():
    # SGD on f(x) = x with a step decay: each step moves by exactly the rate
    sched = StepDecay(1.0, step_size=1, gamma=0.5, unit="step")
    opt = SGD(learning_rate=sched)
    w = np.zeros(1)
    state = opt.init(w)
    for _ in range(3):
        opt.step(w, np.ones(1), state)
    assert w[0] == pytest.approx(-(1 + 0.5 + 0.25))


def test_reduce_on_plateau():
    s = ReduceOnPlateau(1.0, factor=0.1, patience=0, threshold=0.0)
    st_ = s.init_state()
    for loss in (3.0, 2.0, 2.0):
        s.on_epoch_end(st_, loss)
    assert s.value(0, 0, st_) == pytest.approx(0.1)
    assert math.isinf(ReduceOnPlateau().init_state()["best"])
    assert clone(s).get_params() == s.get_params()


# -- ReduceOnPlateau and the sign of the loss (issue 10, point 8) -------------
def _feed(sched, losses):
    state = sched.init_state()
    rates = []
    for loss in losses:
        sched.on_epoch_end(state, loss)
        rates.append(sched.value(0, 0, state))
    return rates, state


@pytest.mark.parametrize("c", [-1.0, 1.0, -1e-3, 0.0, -250.0])
def test_reduce_on_plateau_constant_loss_reduces_for_any_sign(c):
    # epoch 1 sets the best; epochs 2-4 are bad; patience=2 -> reduction at 4,
    # again at 7 (count restarts after a reduction)
    rates, _ = _feed(ReduceOnPlateau(1.0, factor=0.5, patience=2), [c] * 8)
    assert rates == [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]


def test_reduce_on_plateau_worsening_negative_loss_is_not_an_improvement():
    losses = [-10 + 0.0005 * e for e in range(8)]
    rates, state = _feed(ReduceOnPlateau(1.0, factor=0.5, patience=2), losses)
    assert state["best"] == -10.0
    assert rates == [1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25]


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_reduce_on_plateau_relative_threshold_uses_abs_best(sign):
    s = ReduceOnPlateau(1.0, patience=0, threshold=0.1)
    best = sign * 10.0
    # improvement needs loss < best - 0.1 * |best| = best - 1
    assert s.improves(best - 1.01, best)
    assert not s.improves(best - 0.99, best)
    assert not s.improves(best, best)
    assert s.improves(best, math.inf)
    assert not s.improves(math.nan, best) and not s.improves(math.nan, math.inf)


@settings(max_examples=100, deadline=None)
@given(
    shift=st.floats(-1e6, 1e6),
    scale=st.floats(1e-3, 1e3),
    steps=st.lists(st.floats(0, 1), min_size=1, max_size=10),
)
def test_reduce_on_plateau_never_counts_a_worse_loss_as_best(shift, scale, steps):
    # a non-decreasing sequence, of any sign: only its first value is a best
    losses = shift + scale * np.cumsum([0.0, *steps])
    _, state = _feed(ReduceOnPlateau(1.0, patience=100, threshold=1e-4), losses)
    assert state["best"] == losses[0]
    assert state["bad_epochs"] == len(steps)


def test_reduce_on_plateau_in_a_fit_with_a_negative_poisson_loss():
    # y > e makes skoptim's Poisson loss negative; once the loss plateaus the
    # rate must come down (it never did with best * (1 - threshold))
    from skoptim import MLPRegressor
    from skoptim.optimizers import SGD

    rng = np.random.RandomState(0)
    X = rng.rand(64, 2)
    y = np.full(64, 5.0)
    sched = ReduceOnPlateau(3e-2, factor=0.5, patience=1, threshold=1e-2)
    est = MLPRegressor(
        (4,),
        loss="poisson",
        optimizer=SGD(sched),
        max_iter=40,
        n_iter_no_change=1000,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
    assert est.loss_curve_[-1] < -2.8  # the minimum is 5 - 5 log 5 = -3.05
    # the last 20 epochs improve by less than 1% of |loss|: several halvings
    assert est.optimizer_.current_learning_rate(est.optimizer_state_) < 1e-4


def test_cosine_annealing_eta_min_above_learning_rate_is_an_error():
    with pytest.raises(ValueError, match="eta_min is the final rate"):
        CosineAnnealing(0.1, eta_min=0.5).validate()
    CosineAnnealing(0.1, eta_min=0.1).validate()


def test_reduce_on_plateau_factor_one_is_the_constant_baseline():
    rates, _ = _feed(ReduceOnPlateau(0.3, factor=1.0, patience=0), [1.0] * 6)
    assert rates == [0.3] * 6
    for bad in (0.0, 1.5, -0.5):
        with pytest.raises(ValueError, match="'factor' parameter of ReduceOnPlateau"):
            ReduceOnPlateau(factor=bad).validate()
