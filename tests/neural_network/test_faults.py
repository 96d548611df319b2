"""Regression tests for the MLP faults of issue 10 (points 1, 2, 4, 6, 10) and
the error messages of issue 11 (point 5)."""

import contextlib
import inspect
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.preprocessing import StandardScaler

from skoptim import DivergenceError, MLPClassifier, MLPRegressor
from skoptim.neural_network._losses import (
    batch_loss_and_delta,
    explosion_threshold,
    loss_limits,
)
from skoptim.optimizers import LBFGS, SGD, Adam
from skoptim.regularizers import L2, EarlyStopping

X8 = np.arange(8.0).reshape(-1, 1)


@pytest.fixture(scope="module")
def iris():
    return load_iris(return_X_y=True)


@contextlib.contextmanager
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


# -- 1. input silently accepted ----------------------------------------------
def test_first_partial_fit_refuses_a_label_outside_classes():
    with pytest.raises(ValueError, match=r"labels \[7\].*classes=\[0, 1, 2\]"):
        MLPClassifier((3,)).partial_fit(X8[:4], [0, 1, 2, 7], classes=[0, 1, 2])


@pytest.mark.parametrize("Est", [MLPRegressor, MLPClassifier])
def test_misspelt_fit_keyword_is_a_type_error_naming_it(Est):
    y = (X8.ravel() > 3).astype(int)
    with pytest.raises(TypeError, match="sample_weights"):
        Est((3,)).fit(X8, y, sample_weights=np.ones(8))
    with pytest.raises(TypeError, match="classes_"):
        Est((3,)).partial_fit(X8, y, classes_=[0, 1])


# -- 2. division by a batch's total weight -----------------------------------
def test_zero_weight_batch_is_skipped_like_missing_rows():
    # the first batch (rows 0, 1) has weight 0: the fit must equal the fit
    # without those rows (same initialisation, same batches after it)
    sw = [0, 0, 1, 1, 1, 1, 1, 1]
    kw = dict(batch_size=2, shuffle=False, max_iter=5, random_state=0)
    with _quiet():
        a = MLPRegressor((3,), **kw).fit(X8, X8.ravel(), sample_weight=sw)
        b = MLPRegressor((3,), **kw).fit(X8[2:], X8[2:].ravel())
    np.testing.assert_allclose(a.params_, b.params_, rtol=1e-12)
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=1e-12)
    # no step for the empty batch: 3 steps per epoch, not 4
    assert a.optimizer_state_["t"] == 3 * a.n_iter_


def test_zero_weight_batch_with_penalty_and_partial_fit():
    sw = np.array([0, 0, 1, 1, 1, 1, 1, 1.0])
    est = MLPRegressor((3,), regularizers=[L2(1.0)], batch_size=2, shuffle=False)
    est.partial_fit(X8, X8.ravel(), sample_weight=sw)
    assert np.isfinite(est.params_).all() and est.optimizer_state_["t"] == 3


@pytest.mark.parametrize("Est", [MLPRegressor, MLPClassifier])
def test_negative_sample_weight_is_refused(Est):
    X = np.arange(30.0).reshape(-1, 1)
    y = np.arange(30) % 2
    sw = np.tile([1.0, -1.0], 15)
    with pytest.raises(ValueError, match="sample_weight must be non-negative"):
        Est((3,), batch_size=2).fit(X, y, sample_weight=sw)
    with pytest.raises(ValueError, match="sample_weight_val must be non-negative"):
        Est((3,), max_iter=2).fit(X, y, validation_data=(X, y, sw))


def test_loss_and_penalty_of_an_all_zero_weight_batch_are_zero():
    out = np.array([[1.0], [2.0]])
    y = np.array([[0.0], [0.0]])
    delta, scratch = np.empty_like(out), np.empty_like(out)
    for loss in ("squared_error", "huber", "poisson"):
        assert batch_loss_and_delta(loss, out, y, np.zeros(2), delta, scratch) == 0
        assert not delta.any()
    est = MLPRegressor((3,), regularizers=[L2(1.0)], max_iter=1)
    with _quiet():
        est.fit(X8, X8.ravel())
    net = est._network
    net.grad[...] = 0.0
    reg = est.regularizers_[0]
    from skoptim.regularizers._base import FitContext

    ctx = FitContext(est, net, None, X8, X8, X8, None, 8, state={})
    assert reg.penalty(net, 0.0, ctx) == 0.0
    assert not net.grad.any()


# -- 4. divergence --------------------------------------------------------------
def _blowup_data(dtype):
    rng = np.random.RandomState(0)
    Xb = (rng.rand(200, 3) * 1000).astype(dtype)
    return Xb, Xb.sum(1) * 50


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_exploding_sgd_raises_divergence_error(dtype, seed):
    Xb, yb = _blowup_data(dtype)
    for regs in (None, [EarlyStopping()]):
        est = MLPRegressor(
            (20,),
            optimizer=SGD(0.1, momentum=0.9),
            regularizers=regs,
            max_iter=50,
            random_state=seed,
        )
        with pytest.raises(DivergenceError, match="smaller learning rate"):
            est.fit(Xb, yb)
        assert not hasattr(est, "coefs_")


@pytest.mark.parametrize("seed", [0, 1, 3, 4])
def test_iris_regressor_with_huge_rate_diverges(iris, seed):
    X, y = iris
    with pytest.raises(DivergenceError):
        MLPRegressor((8,), optimizer=SGD(1.0), max_iter=20, random_state=seed).fit(X, y)


def test_dead_network_after_a_spike_warns(iris):
    # seed 2: the loss spikes only 3x, then every ReLU is dead and the loss
    # is flat at the constant prediction's; not an explosion, but the user
    # is told
    X, y = iris
    est = MLPRegressor((8,), optimizer=SGD(1.0), max_iter=20, random_state=2)
    with pytest.warns(ConvergenceWarning, match="same output for every"):
        est.fit(X, y)
    assert np.ptp(est.predict(X)) == 0
    # a healthy fit does not warn
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        # (tol=1e-2 used to stop it at R^2 = -1.5, worse than the mean:
        # that now warns "worse than predicting a constant")
        MLPRegressor((8,), max_iter=1000, random_state=0).fit(
            StandardScaler().fit_transform(X), y
        )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_saturated_classifier_diverges(iris, seed):
    # the log loss is bounded by clipping: SGD(1e6) keeps it at ~24 with
    # accuracy 1/3; that is divergence, not convergence
    X, y = iris
    with pytest.raises(DivergenceError, match="3 epoch"):
        MLPClassifier((8,), optimizer=SGD(1e6), max_iter=20, random_state=seed).fit(
            X, y
        )


def test_unscaled_sgd_regressor_of_the_sklearn_checks_diverges():
    # the input of check_fit_idempotent: xfailed there, asserted here
    rng = np.random.RandomState(0)
    X = rng.normal(loc=100, size=(100, 2))
    y = rng.normal(size=100)
    est = MLPRegressor(optimizer=SGD(1e-3, momentum=0.9, nesterov=True), random_state=0)
    with pytest.raises(DivergenceError):
        est.fit(X, y)


def test_overflow_on_the_validation_set_is_divergence():
    # training is healthy; the validation inputs overflow float32 in the
    # first layer: DivergenceError, not sklearn's "Input contains NaN"
    rng = np.random.RandomState(0)
    X = rng.randn(100, 3).astype(np.float32)
    y = X.sum(1)
    Xv = np.full((5, 3), 3e38, np.float32)
    est = MLPRegressor((100,), max_iter=3, random_state=0)
    with pytest.raises(DivergenceError, match="validation set"):
        est.fit(X, y, validation_data=(Xv, y[:5]))


def test_loss_limits_by_hand():
    Y = np.array([[1.0], [3.0]])
    assert loss_limits("squared_error", Y, None, np.float64) == (0.0, 2.5, None)
    # weights 1:3 -> 0.5 * (1 * 1 + 3 * 9) / 4
    assert loss_limits("squared_error", Y, np.array([1.0, 3.0]), np.float64)[1] == (
        0.5 * 28 / 4
    )
    floor, ref, ceil = loss_limits("huber", Y, None, np.float64, huber_delta=1.0)
    assert (floor, ref, ceil) == (0.0, (0.5 + 2.5) / 2, None)
    floor, ref, _ = loss_limits("poisson", Y, None, np.float64)
    assert ref == 1.0 and floor == pytest.approx((1 + 3 - 3 * np.log(3)) / 2)
    onehot = np.eye(3)
    floor, ref, ceil = loss_limits("log_loss", onehot, None, np.float32)
    assert floor == 0 and ref == pytest.approx(np.log(3))
    assert ceil == pytest.approx(-np.log(np.finfo(np.float32).eps))
    floor, ref, ceil = loss_limits("binary_log_loss", np.full((2, 2), 0.5), None, float)
    assert floor == pytest.approx(2 * np.log(2)) and ref == pytest.approx(2 * np.log(2))
    # thresholds: 100x the excess for unbounded, the bounded rule otherwise
    assert explosion_threshold((0.0, 2.5, None), 1.0) == 250.0
    assert explosion_threshold((0.0, 2.5, None), 10.0) == 1000.0
    assert explosion_threshold((0.0, 1.0, 36.0), 1.0) == 18.0
    assert explosion_threshold((0.0, 5.0, 36.0), 1.0) == 25.0


HEALTHY = [
    (MLPClassifier, dict(optimizer="adam")),
    (MLPClassifier, dict(optimizer=SGD(0.1, momentum=0.9, nesterov=True))),
    (MLPClassifier, dict(optimizer="lbfgs")),
    (MLPClassifier, dict(optimizer=Adam(0.05), batch_size=8)),
    (MLPRegressor, dict(optimizer="adam")),
    (MLPRegressor, dict(optimizer=SGD(0.05, momentum=0.9))),
    (MLPRegressor, dict(optimizer="adam", loss="huber")),
    (MLPRegressor, dict(optimizer="adam", loss="poisson")),
]


@pytest.mark.parametrize("Est, kw", HEALTHY)
@pytest.mark.parametrize("scale", [True, False])
def test_divergence_rule_never_fires_on_healthy_fits(iris, Est, kw, scale):
    X, y = iris
    if scale:
        X = StandardScaler().fit_transform(X)
    for seed in range(3):
        with _quiet():
            est = Est((16,), max_iter=60, random_state=seed, **kw).fit(X, y)
        assert np.isfinite(est.loss_curve_).all()


# -- stop reasons ------------------------------------------------------------
def test_stop_reasons(iris):
    X, y = iris
    X = StandardScaler().fit_transform(X)
    with pytest.warns(ConvergenceWarning, match="stop_reason_='max_iter'"):
        est = MLPClassifier((4,), max_iter=2, random_state=0).fit(X, y)
    assert est.stop_reason_ == "max_iter"
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = MLPClassifier((4,), tol=1e-1, random_state=0).fit(X, y)
    assert est.stop_reason_ == "tol" and est.n_iter_ < est.max_iter
    Xd, yd = load_digits(return_X_y=True)
    Xd = StandardScaler().fit_transform(Xd)
    with _quiet():
        est = MLPClassifier(
            (32,), regularizers=[EarlyStopping(patience=2)], random_state=0
        ).fit(Xd, yd)
    assert est.stop_reason_ == "regularizer:EarlyStopping"
    est.partial_fit(Xd, yd)
    assert est.stop_reason_ == "partial_fit"
    est = MLPClassifier((4,), optimizer="lbfgs", max_iter=500, random_state=0)
    est.fit(X, y)
    assert est.stop_reason_ == "converged"
    with pytest.warns(ConvergenceWarning, match="stop_reason_='max_iter'"):
        est = MLPClassifier((4,), optimizer="lbfgs", max_iter=3, random_state=0)
        est.fit(X, y)
    assert est.stop_reason_ == "max_iter"
    with pytest.warns(ConvergenceWarning, match="max_fun"):
        est = MLPClassifier((4,), optimizer=LBFGS(max_fun=3), random_state=0)
        est.fit(X, y)
    assert est.stop_reason_ == "max_fun"


def test_line_search_failure_warns_and_is_recorded(iris):
    from types import SimpleNamespace

    X, y = iris
    est = MLPClassifier((4,), optimizer="lbfgs", max_iter=5, random_state=0)
    with _quiet():
        est.fit(X, y)
    res = SimpleNamespace(status=2, message="ABNORMAL_TERMINATION_IN_LNSRCH")
    Y = est._label_binarizer.transform(y).astype(float)
    ctx = SimpleNamespace(
        stop=False, workspace={}, network=est._network, Y=Y, sample_weight=None
    )
    with pytest.warns(ConvergenceWarning, match="line search"):
        assert est._full_batch_stop_reason(ctx, res) == "line_search_failed"


# -- 6. state across calls -----------------------------------------------------
def _five_partial_fits(X, y):
    est = MLPClassifier((5,), optimizer=Adam(1e-2), batch_size=50, random_state=0)
    for _ in range(5):
        est.partial_fit(X, y, classes=[0, 1, 2])
    return est


def test_changing_the_learning_rate_keeps_adam_state(iris):
    X, y = iris
    a = _five_partial_fits(X, y)
    assert a.optimizer_state_["t"] == 15
    m_before = a.optimizer_state_["m"].copy()
    a.set_params(optimizer__learning_rate=5e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a.partial_fit(X, y)
    assert a.optimizer_state_["t"] == 18 and a.optimizer_.learning_rate == 5e-3
    assert a.optimizer.learning_rate == 5e-3
    # the same as continuing the very same state with the new rate
    b = _five_partial_fits(X, y)
    np.testing.assert_array_equal(b.optimizer_state_["m"], m_before)
    b.optimizer_ = Adam(5e-3)
    b.set_params(optimizer=Adam(5e-3))
    b.partial_fit(X, y)
    np.testing.assert_array_equal(a.params_, b.params_)


def test_a_new_optimizer_type_starts_afresh_with_a_warning(iris):
    X, y = iris
    est = _five_partial_fits(X, y)
    est.set_params(optimizer=SGD(0.01))
    with pytest.warns(UserWarning, match="starts afresh"):
        est.partial_fit(X, y)
    assert est.optimizer_state_["t"] == 3


def test_dropped_piece_of_state_warns_and_the_rest_is_kept(iris):
    X, y = iris
    est = MLPClassifier((5,), optimizer=SGD(0.01, momentum=0.9), batch_size=50)
    est.partial_fit(X, y, classes=[0, 1, 2])
    est.set_params(optimizer__momentum=0.0)
    with pytest.warns(UserWarning, match="momentum_buffer"):
        est.partial_fit(X, y)
    assert est.optimizer_state_["t"] == 6 and "momentum_buffer" not in (
        est.optimizer_state_
    )


def test_warm_start_keeps_state_and_the_tol_rule_restarts(iris):
    X, y = iris
    X = StandardScaler().fit_transform(X)
    est = MLPRegressor((8,), warm_start=True, random_state=0, max_iter=1000)
    with _quiet():
        est.fit(X, y)
    assert est.stop_reason_ == "tol"
    t = est.optimizer_state_["t"]
    est.set_params(optimizer=Adam(learning_rate=1e-4), max_iter=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y * 10)
    # the loss on the new targets is far above the old best, yet the fit
    # runs its 5 epochs: the tol rule compares within this call only
    assert est.n_iter_ > 5 and est.stop_reason_ == "max_iter"
    assert est.optimizer_state_["t"] == t + 5


def test_warm_start_with_new_layer_sizes_warns(iris):
    X, y = iris
    est = MLPClassifier((4,), warm_start=True, max_iter=3)
    with _quiet():
        est.fit(X, y)
        est.set_params(hidden_layer_sizes=(6,))
        with pytest.warns(UserWarning, match="from scratch"):
            est.fit(X, y)
    assert est.coefs_[0].shape == (4, 6) and est.n_iter_ == 3


# -- 10. multilabel partial_fit ----------------------------------------------
def test_multilabel_partial_fit_as_in_scikit_learn():
    Y = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0], [0, 0, 1]])
    ours = MLPClassifier((3,), random_state=0).partial_fit(X8[:4], Y, classes=[0, 1, 2])
    theirs = SkMLPClassifier((3,), random_state=0).partial_fit(
        X8[:4], Y, classes=[0, 1, 2]
    )
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.predict(X8[:4]).shape == (4, 3)
    assert ours.predict_proba(X8[:4]).shape == (4, 3)
    ours.partial_fit(X8[4:], Y)  # later calls too
    with pytest.raises(ValueError, match="one class per column"):
        MLPClassifier((3,)).partial_fit(X8[:4], Y, classes=[0, 1])
    with pytest.raises(ValueError, match="label vector"):
        ours.partial_fit(X8[:4], [0, 1, 2, 0])


# -- issue 11, point 5: errors that tell the user what to do ------------------
def test_multioutput_multiclass_dataframe_is_explained(iris):
    X, y = iris
    Y = pd.DataFrame({"a": y, "b": y})
    with pytest.raises(ValueError, match="multi-output multiclass targets"):
        MLPClassifier((3,), max_iter=2).fit(X, Y)


def test_optimizer_class_suggests_an_instance(iris):
    X, y = iris
    with pytest.raises(ValueError, match=r"use Adam\(\)"):
        MLPClassifier((3,), optimizer=Adam).fit(X, y)


@pytest.mark.parametrize("Est", [MLPClassifier, MLPRegressor])
def test_public_methods_document_what_they_raise(Est):
    names = ["fit", "partial_fit", "predict", "score"]
    if Est is MLPClassifier:
        names += ["predict_proba", "predict_log_proba"]
    for name in names:
        doc = inspect.getdoc(getattr(Est, name))
        assert "Raises\n------" in doc, name
        assert "ValueError" in doc, name
    assert "DivergenceError" in inspect.getdoc(Est.fit)
    assert "NotFittedError" in inspect.getdoc(Est.predict)


def test_regularizer_hyperparameter_change_keeps_their_state(iris):
    from skoptim.regularizers import BatchNormalization, Dropout

    X, y = iris
    est = MLPClassifier(
        (6,), regularizers=[BatchNormalization(), Dropout(0.1)], random_state=0
    )
    est.partial_fit(X, y, classes=[0, 1, 2])
    running = [m.copy() for m in est.regularizer_state_[0]["running_mean"]]
    est.set_params(regularizers__batchnormalization__momentum=0.5)
    est.set_params(regularizers__dropout__rate=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.partial_fit(X[:10], y[:10])
    # before, this raised "The regularizers changed ... refit from scratch"
    assert est.regularizers_[0].momentum == 0.5
    after = est.regularizer_state_[0]["running_mean"]
    assert not np.array_equal(after[0], running[0])
    assert "generator" in est.regularizer_state_[1]


def test_regularizer_type_change_drops_state_with_a_warning(iris):
    from skoptim.regularizers import Dropout, GaussianNoise

    X, y = iris
    est = MLPClassifier((6,), regularizers=[Dropout(0.1)], random_state=0)
    est.partial_fit(X, y, classes=[0, 1, 2])
    est.set_params(regularizers=[GaussianNoise(0.1)])
    with pytest.warns(UserWarning, match="dropped"):
        est.partial_fit(X, y)


@settings(max_examples=25, deadline=None)
@given(
    empty=st.lists(st.booleans(), min_size=4, max_size=4).filter(lambda e: not all(e)),
    scale=st.floats(0.1, 10.0),
)
def test_zero_weight_batches_are_missing_batches(empty, scale):
    # with shuffle=False and batch_size=2, giving a whole batch weight 0 is
    # the same fit as deleting its rows; the other rows' weights are scaled
    # by a common factor, which the weighted mean loss ignores (up to
    # rounding, hence the tolerance)
    sw = np.repeat(np.where(empty, 0.0, scale), 2)
    keep = sw > 0
    y = np.sin(X8.ravel())
    kw = dict(batch_size=2, shuffle=False, max_iter=3, random_state=0)
    with _quiet():
        a = MLPRegressor((3,), **kw).fit(X8, y, sample_weight=sw)
        b = MLPRegressor((3,), **kw).fit(X8[keep], y[keep])
    np.testing.assert_allclose(a.params_, b.params_, rtol=1e-10, atol=1e-12)
    assert a.optimizer_state_["t"] == b.optimizer_state_["t"]


def test_schedule_state_kept_on_a_setting_change_and_reset_on_a_new_type(iris):
    from skoptim.schedules import CosineAnnealing, ReduceOnPlateau

    X, y = iris
    est = MLPClassifier(
        (5,), optimizer=SGD(ReduceOnPlateau(0.1, patience=1)), batch_size=50
    )
    for _ in range(4):
        est.partial_fit(X, y, classes=[0, 1, 2])
    sched = dict(est.optimizer_state_["schedule"])
    assert sched["best"] < np.inf
    est.set_params(optimizer__learning_rate__patience=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.partial_fit(X, y)
    assert est.optimizer_state_["t"] == 15
    assert est.optimizer_state_["schedule"]["best"] <= sched["best"]
    # a schedule of another type is a new optimizer configuration
    est.set_params(optimizer__learning_rate=CosineAnnealing(0.1, t_max=5))
    with pytest.warns(UserWarning, match="starts afresh"):
        est.partial_fit(X, y)
    assert est.optimizer_state_["t"] == 3


def test_a_refused_first_fit_leaves_the_estimator_unfitted():
    # BatchNormalization refuses a fit whose batches all have one row; the
    # refusal comes from inside training and must not leave a half-fitted model
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    from skoptim.regularizers import BatchNormalization

    X = np.arange(8.0).reshape(-1, 1)
    est = MLPRegressor((3,), regularizers=[BatchNormalization()], batch_size=1)
    with pytest.raises(ValueError):
        est.fit(X, X.ravel())
    with pytest.raises(NotFittedError):
        check_is_fitted(est)
    assert not hasattr(est, "coefs_") and not hasattr(est, "n_iter_")


@pytest.mark.filterwarnings("ignore:EarlyStopping")
def test_a_refused_warm_start_keeps_the_previous_fit():
    from skoptim.regularizers import EarlyStopping

    X = np.arange(8.0).reshape(-1, 1)
    est = MLPRegressor((3,), max_iter=5, warm_start=True, random_state=0)
    est.fit(X, X.ravel())
    before = est.params_.copy(), est.n_iter_, list(est.loss_curve_)
    # a 3-row fit with EarlyStopping(monitor="score") is refused: too small a
    # validation set for R²
    est.set_params(regularizers=[EarlyStopping(monitor="score")])
    with pytest.raises(ValueError, match="too small"):
        est.fit(X[:3], X[:3].ravel())
    np.testing.assert_array_equal(est.params_, before[0])
    assert est.n_iter_ == before[1] and est.loss_curve_ == before[2]
