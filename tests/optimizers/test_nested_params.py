"""Optimizers as grid-search parameter objects: aliases, schedules, advice."""

import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.utils._param_validation import InvalidParameterError

from skoptim.optimizers import (
    LBFGS,
    SAM,
    SGD,
    Adagrad,
    Adam,
    AdamW,
    Nadam,
    RMSprop,
    get_optimizer,
    minimize,
)
from skoptim.optimizers._aliases import OPTIMIZER_ALIASES
from skoptim.schedules import (
    Constant,
    CosineAnnealing,
    ExponentialDecay,
    InverseScaling,
    ReduceOnPlateau,
    Schedule,
    StepDecay,
)
from skoptim.utils._nested import InvalidNestedParameter

SCHEDULES = [
    Constant,
    InverseScaling,
    StepDecay,
    ExponentialDecay,
    CosineAnnealing,
    ReduceOnPlateau,
]
WITH_RATE = [SGD, Adagrad, RMSprop, Adam, AdamW, Nadam]


@pytest.mark.parametrize("alias", sorted(OPTIMIZER_ALIASES))
def test_get_optimizer_returns_a_new_object_each_time(alias):
    a, b = get_optimizer(alias), get_optimizer(alias.upper())
    assert a is not b and type(a) is type(b)
    assert a.get_params() == b.get_params()


def test_unknown_alias_names_the_choices():
    with pytest.raises(InvalidParameterError, match="'adam'.*'sgd'"):
        get_optimizer("adamax")
    with pytest.raises(InvalidParameterError, match="alias"):
        get_optimizer(3)


# -- a float over a schedule sets its base rate ----------------------------------
@pytest.mark.parametrize("opt_cls", WITH_RATE)
@pytest.mark.parametrize("sched_cls", SCHEDULES)
def test_float_over_a_schedule_sets_the_schedule_base_rate(opt_cls, sched_cls):
    sched = sched_cls()
    before = sched.get_params()
    opt = opt_cls(learning_rate=sched)
    out = opt.set_params(learning_rate=0.37)
    assert out is opt
    lr = opt.learning_rate
    assert type(lr) is sched_cls and lr is not sched
    assert lr.learning_rate == 0.37
    assert {k: v for k, v in lr.get_params().items() if k != "learning_rate"} == {
        k: v for k, v in before.items() if k != "learning_rate"
    }
    assert sched.get_params() == before  # the user's schedule is not mutated


def test_float_over_a_float_and_schedule_over_anything_replace():
    opt = SGD(0.1)
    opt.set_params(learning_rate=0.2)
    assert opt.learning_rate == 0.2
    cos = CosineAnnealing(0.5)
    opt.set_params(learning_rate=cos)
    assert opt.learning_rate is cos
    opt.set_params(learning_rate=Constant(0.3))
    assert isinstance(opt.learning_rate, Constant)
    # both at once: the base rate, then the schedule's own parameter
    opt = SGD(CosineAnnealing(0.5, t_max=10))
    opt.set_params(learning_rate=0.1, learning_rate__t_max=20)
    assert opt.learning_rate.get_params()["learning_rate"] == 0.1
    assert opt.learning_rate.t_max == 20


def test_schedule_base_rate_changes_the_steps_as_the_formula_says():
    """SGD(CosineAnnealing(0.05)) with learning_rate=0.01 steps by the cosine
    from 0.01: eta_0 = 0.01, eta_1 = 0.01 * (1 + cos(pi / 4)) / 2 (t_max=4)."""
    opt = SGD(CosineAnnealing(0.05, t_max=4, unit="step")).set_params(
        learning_rate=0.01
    )
    res = minimize(
        lambda x: (float(x @ x) / 2, x.copy()), np.array([1.0]), opt, n_iter=2
    )
    eta1 = 0.01 * (1 + np.cos(np.pi / 4)) / 2
    np.testing.assert_allclose(res.x, [(1 - 0.01) * (1 - eta1)])


def test_float_over_a_schedule_without_a_learning_rate_is_explained():
    class Halving(Schedule):
        def __init__(self, start=0.1):
            self.start = start

        def value(self, step, epoch, state):
            return self.start / 2**epoch

    opt = SGD(Halving())
    with pytest.raises(ValueError, match="learning_rate__<param>"):
        opt.set_params(learning_rate=0.1)
    opt.set_params(learning_rate__start=0.3)
    assert opt.learning_rate.start == 0.3


def test_bool_over_a_schedule_is_not_a_rate():
    opt = SGD(CosineAnnealing(0.5)).set_params(learning_rate=True)
    assert opt.learning_rate is True  # replaces, as any non-float value does


# -- SAM's alias-valued base optimizer --------------------------------------------
@pytest.mark.parametrize("alias", ["sgd", "momentum", "adam", "rmsprop"])
def test_sam_alias_base_optimizer_shows_and_takes_nested_names(alias):
    sam = SAM(alias)
    deep = sam.get_params(deep=True)
    base = get_optimizer(alias)
    for k, v in base.get_params().items():
        assert deep[f"optimizer__{k}"] == v
    sam.set_params(optimizer__learning_rate=0.3)
    assert type(sam.optimizer) is type(base)
    assert sam.optimizer.learning_rate == 0.3
    assert SAM(alias).optimizer == alias
    assert get_optimizer(alias).learning_rate != 0.3
    c = clone(sam)
    assert c.optimizer is not sam.optimizer
    assert pickle.loads(pickle.dumps(sam)).optimizer.learning_rate == 0.3


def test_sam_alias_and_object_take_the_same_steps():
    fun = lambda w: (0.5 * float(w @ w), w.copy())  # noqa: E731
    a = minimize(
        fun,
        np.array([3.0, 4.0]),
        SAM("sgd").set_params(optimizer__learning_rate=0.1, rho=0.5),
        n_iter=3,
    )
    b = minimize(fun, np.array([3.0, 4.0]), SAM(SGD(0.1), rho=0.5), n_iter=3)
    np.testing.assert_array_equal(a.x, b.x)


def test_sam_invalid_alias_is_reported_with_sam():
    with pytest.raises(InvalidParameterError, match="SAM's base optimizer"):
        SAM("adamax").validate()
    # get_params does not raise on a bad alias (fit reports it)
    assert SAM("adamax").get_params(deep=True)["optimizer"] == "adamax"


# -- advice for unknown names -------------------------------------------------------
def test_lbfgs_has_no_learning_rate_and_says_so():
    with pytest.raises(InvalidNestedParameter, match=r"LBFGS.*valid parameters"):
        LBFGS().set_params(learning_rate=0.1)


@pytest.mark.parametrize(
    "name, advice",
    [
        ("lr", "learning_rate="),
        ("betas", "beta_1"),
        ("eps", "epsilon"),
        ("learning_rate_init", "learning_rate="),
        ("nesterovs_momentum", "nesterov=True"),
    ],
)
def test_torch_and_sklearn_names_get_advice(name, advice):
    with pytest.raises(TypeError, match=advice):
        Adam(**{name: 0.1})
    with pytest.raises(ValueError, match=advice):
        SGD().set_params(**{name: 0.1})


def test_invalid_nested_parameter_survives_pickling():
    """GridSearchCV(n_jobs>1) sends a worker's exception back pickled."""
    with pytest.raises(InvalidNestedParameter) as info:
        SGD().set_params(lr=0.1)
    back = pickle.loads(pickle.dumps(info.value))
    assert isinstance(back, ValueError) and str(back) == str(info.value)


# -- invariants over any alias, rate and schedule -------------------------------------
_RATES = st.floats(min_value=1e-8, max_value=10.0, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    alias=st.sampled_from(sorted(set(OPTIMIZER_ALIASES) - {"lbfgs"})),
    rate=_RATES,
    wrap=st.booleans(),
)
def test_alias_round_trip_and_no_shared_state(alias, rate, wrap):
    from skoptim import MLPClassifier

    est = MLPClassifier(optimizer=SAM(alias) if wrap else alias)
    key = "optimizer__optimizer__learning_rate" if wrap else "optimizer__learning_rate"
    default = est.get_params()[key]
    est.set_params(**{key: rate})
    assert est.get_params()[key] == rate
    fresh = MLPClassifier(optimizer=SAM(alias) if wrap else alias)
    assert fresh.get_params()[key] == default
    assert get_optimizer(alias).learning_rate == default
    assert clone(est).get_params()[key] == rate


@settings(max_examples=60, deadline=None)
@given(sched_cls=st.sampled_from(SCHEDULES), rate=_RATES, base=_RATES)
def test_float_over_any_schedule_changes_only_its_base_rate(sched_cls, rate, base):
    sched = sched_cls(learning_rate=base)
    opt = SGD(sched).set_params(learning_rate=rate)
    new, old = opt.learning_rate.get_params(), sched.get_params()
    assert new.pop("learning_rate") == rate and old.pop("learning_rate") == base
    assert new == old
    # the schedule's rate at any time scales with its base rate (all of
    # skoptim's schedules are proportional to it when eta_min = min_lr = 0)
    for step, epoch in [(1, 0), (5, 2), (50, 30)]:
        a = opt.learning_rate.value(step, epoch, opt.learning_rate.init_state())
        b = sched.value(step, epoch, sched.init_state())
        np.testing.assert_allclose(a * base, b * rate, rtol=1e-12)
