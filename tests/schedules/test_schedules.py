import math

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
