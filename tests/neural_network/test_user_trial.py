"""Regressions from a user trial of the MLP (third wave, points 1-10)."""

import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.base import clone
from sklearn.datasets import load_diabetes, load_digits, load_iris
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skoptim import DivergenceError, MLPClassifier, MLPRegressor
from skoptim.neural_network._fit_report import _divergence_advice
from skoptim.neural_network._losses import constant_loss
from skoptim.optimizers import LBFGS, SAM, SGD, Adam, RMSprop, minimize
from skoptim.regularizers import L1, L2, Dropout, EarlyStopping, GaussianNoise, Mixup

ROOT = Path(__file__).resolve().parents[2]
WORSE = "worse than predicting a constant"


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return StandardScaler().fit_transform(X[:600]), y[:600]


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return StandardScaler().fit_transform(X), (y - y.mean()) / y.std()


# -- 1. a fit does not end "converged" while worse than a constant -------------
def test_saturated_fit_from_a_huge_first_loss_raises(iris):
    # loss 24.5 -> 36 -> 35.8 flat, |params| 5e71, accuracy 0.02: it used to
    # end with stop_reason_='tol' and no warning
    X, y = iris
    est = MLPClassifier((8,), optimizer=SGD(1e4), max_iter=20, random_state=0)
    with pytest.raises(DivergenceError, match=WORSE) as info:
        est.fit(X * 100, y)
    assert "learning_rate=10000" in str(info.value)
    with pytest.raises(NotFittedError):
        est.predict(X)


def test_saturated_fit_fails_loudly_in_a_grid_search(iris):
    X, y = iris
    est = MLPClassifier((8,), optimizer=SGD(1e4), max_iter=20, random_state=0)
    search = GridSearchCV(est, {"tol": [1e-4]}, cv=2, error_score="raise")
    with pytest.raises(DivergenceError, match=WORSE):
        search.fit(X * 100, y)


def test_tol_stop_worse_than_the_mean_warns(iris):
    # tol=1e-2 stopped this regressor at R^2 = -1.5 as if converged
    X, y = iris
    est = MLPRegressor((8,), tol=1e-2, random_state=0)
    with pytest.warns(ConvergenceWarning, match=WORSE) as record:
        est.fit(X, y)
    assert est.stop_reason_ == "worse_than_constant"
    assert est.score(X, y) < 0  # the warning is right: worse than the mean
    assert any("lower tol" in str(w.message) for w in record)


def test_constant_loss_hand_computed():
    # class prior (1/2, 1/4, 1/4): its entropy
    Y = np.eye(3)[[0, 0, 1, 2]]
    expected = -(0.5 * np.log(0.5) + 2 * 0.25 * np.log(0.25))
    assert constant_loss("log_loss", Y, None) == pytest.approx(expected)
    # weights count rows: weight 2 on row 2 makes the prior (2/5, 2/5, 1/5)
    sw = np.array([1.0, 1.0, 2.0, 1.0])
    p = np.array([0.4, 0.4, 0.2])
    assert constant_loss("log_loss", Y, sw) == pytest.approx(-(p @ np.log(p)))
    y = np.array([[1.0], [2.0], [3.0], [6.0]])
    assert constant_loss("squared_error", y, None) == pytest.approx(0.5 * 3.5)
    # Poisson at the mean m = 3: m - mean(y) log m
    assert constant_loss("poisson", y, None) == pytest.approx(3 - 3 * np.log(3))
    b = np.array([[1.0], [0.0], [0.0], [0.0]])
    expected = -(0.25 * np.log(0.25) + 0.75 * np.log(0.75))
    assert constant_loss("binary_log_loss", b, None) == pytest.approx(expected)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=30),
    st.floats(-1e3, 1e3),
)
def test_constant_loss_is_the_best_constant(values, c):
    y = np.array(values)[:, None]
    best = constant_loss("squared_error", y, None)
    assert best <= 0.5 * np.mean((y - c) ** 2) + 1e-9 * (1 + best)


HEALTHY_OPTIMIZERS = [
    "adam",
    SGD(0.05, momentum=0.9),
    RMSprop(1e-3),
    "lbfgs",
]


@pytest.mark.parametrize("optimizer", HEALTHY_OPTIMIZERS, ids=repr)
@pytest.mark.parametrize("data", ["iris", "digits", "diabetes"])
def test_healthy_fits_are_never_worse_than_constant(request, data, optimizer, recwarn):
    X, y = request.getfixturevalue(data)
    Est = MLPRegressor if data == "diabetes" else MLPClassifier
    est = Est((32,), optimizer=optimizer, max_iter=100, random_state=0).fit(X, y)
    assert not [w for w in recwarn if WORSE in str(w.message)]
    assert est.stop_reason_ != "worse_than_constant"
    # a fit that claims convergence beats the constant prediction
    if est.stop_reason_ in ("tol", "converged"):
        assert est.score(X, y) > (0.0 if Est is MLPRegressor else 0.5)


@pytest.mark.parametrize(
    "regularizers",
    [
        [Dropout(0.7)],
        [Mixup(1.0)],
        [GaussianNoise(1.0)],
        [L2(1.0)],
        [EarlyStopping(patience=2)],
    ],
    ids=repr,
)
def test_noisy_or_strongly_regularized_fits_are_not_flagged(regularizers, recwarn):
    # their training loss (under dropout, mixup, noise, a large penalty) may
    # be high; the fitted network itself beats the constant prediction
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    y = (y == 2).astype(int)  # binary: prior entropy 0.64, a low bar
    est = MLPClassifier(
        (16,), regularizers=regularizers, tol=1e-2, max_iter=300, random_state=0
    ).fit(X, y)
    assert not [w for w in recwarn if WORSE in str(w.message)]
    assert est.stop_reason_ != "worse_than_constant"


# -- 2. divergence advice fits the optimizer -----------------------------------
def test_lbfgs_divergence_advice_has_no_learning_rate():
    X, y = load_diabetes(return_X_y=True)
    with pytest.raises(DivergenceError) as info:
        MLPRegressor(optimizer="lbfgs").fit(X * 1e150, y)
    msg = str(info.value)
    assert "learning_rate=" not in msg
    assert "no learning rate" in msg and "StandardScaler" in msg


def test_huge_rate_advice_is_the_default_rate_and_small_rate_a_tenth():
    sgd = SGD(1e4)
    msg = _divergence_advice(sgd, sgd.init(np.zeros(3)))
    assert "optimizer__learning_rate=0.01)" in msg  # SGD's default
    sgd = SGD(0.05)
    assert "optimizer__learning_rate=0.005)" in _divergence_advice(
        sgd, sgd.init(np.zeros(3))
    )
    sam = SAM(SGD(1e4))
    msg = _divergence_advice(sam, sam.init(np.zeros(3)))
    assert "optimizer__optimizer__learning_rate=0.01)" in msg


def test_explosion_message_wording():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(DivergenceError) as info:
        MLPClassifier((8,), optimizer=SGD(1e6), max_iter=20, random_state=0).fit(X, y)
    msg = str(info.value)
    assert "epoch(s)" not in msg and ", (" not in msg
    assert "for 3 epochs in a row (epoch" in msg


def _exploding(w):
    e = np.exp(w @ w)
    return float(e), 2 * w * e


def test_minimize_advice_fits_the_optimizer():
    with pytest.raises(FloatingPointError, match="after 1 step of SGD") as info:
        minimize(_exploding, [1.0, 2.0], SGD(100.0), n_iter=5)
    assert "smaller learning_rate" in str(info.value)
    with pytest.raises(FloatingPointError, match="not finite at x0") as info:
        minimize(_exploding, [30.0, 30.0], LBFGS(), n_iter=5)
    assert "learning_rate" not in str(info.value)


def test_dead_network_warning_gives_no_rate_advice_to_lbfgs():
    # the L-BFGS path of the "same output" warning: no learning rate to lower
    from skoptim.neural_network._fit_report import _has_rate_advice

    est = MLPClassifier(optimizer="lbfgs", max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(*load_iris(return_X_y=True))
    assert _has_rate_advice(est) == ""
    est = MLPClassifier(max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(*load_iris(return_X_y=True))
    assert _has_rate_advice(est) == "Use a smaller learning rate. "


# -- 3. unseen labels: advice per call site ------------------------------------
def test_unseen_validation_labels_advise_a_stratified_split():
    X, y = load_iris(return_X_y=True)
    with pytest.raises(ValueError, match="stratify=y") as info:
        MLPClassifier(max_iter=2).fit(
            X[:100], y[:100], validation_data=(X[100:], y[100:])
        )
    assert "partial_fit" not in str(info.value)
    assert "[2]" in str(info.value)


def test_unseen_labels_in_warm_started_fit_and_partial_fit(iris):
    X, y = iris
    est = MLPClassifier(max_iter=2, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X[:100], y[:100])
    with pytest.raises(ValueError, match="warm_start=False") as info:
        est.fit(X, y)
    assert "partial_fit" not in str(info.value)
    inc = MLPClassifier().partial_fit(X[:100], y[:100], classes=[0, 1])
    with pytest.raises(ValueError, match=r"partial_fit\(\.\.\., classes=\.\.\.\)"):
        inc.partial_fit(X, y)


# -- 4. partial_fit with L-BFGS ------------------------------------------------
@pytest.mark.parametrize("Est", [MLPClassifier, MLPRegressor])
def test_partial_fit_with_lbfgs_says_why(Est):
    est = Est(optimizer="lbfgs")
    assert not hasattr(est, "partial_fit")  # as scikit-learn's solver='lbfgs'
    with pytest.raises(AttributeError, match="stochastic optimizers") as info:
        est.partial_fit  # noqa: B018
    assert "'lbfgs' is a full-batch optimizer" in str(info.value)
    assert hasattr(Est(), "partial_fit")
    assert "One epoch" in Est.partial_fit.__doc__


# -- 5. numpy dtypes -----------------------------------------------------------
@pytest.mark.parametrize(
    "dtype, expected",
    [
        (np.float32, np.float32),
        (np.dtype("float32"), np.float32),
        ("float32", np.float32),
        (np.float64, np.float64),
        (np.dtype("float64"), np.float64),
    ],
)
def test_numpy_dtypes_are_accepted_and_stored_verbatim(iris, dtype, expected):
    X, y = iris
    est = MLPClassifier((4,), max_iter=3, dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    assert est.params_.dtype == expected
    assert est.get_params()["dtype"] is dtype
    assert clone(est).dtype == dtype


@pytest.mark.parametrize("bad", [np.float16, "float16", np.int32, True, "f8x"])
def test_other_dtypes_are_refused(iris, bad):
    X, y = iris
    with pytest.raises(InvalidParameterError, match="'float32' or 'float64'"):
        MLPClassifier(dtype=bad).fit(X, y)


# -- 6. EarlyStopping in partial_fit -------------------------------------------
def test_early_stopping_in_partial_fit_warns(iris):
    X, y = iris
    est = MLPClassifier(regularizers=[EarlyStopping()])
    with pytest.warns(UserWarning, match="EarlyStopping has no effect in partial_fit"):
        est.partial_fit(X, y, classes=[0, 1, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        MLPClassifier().partial_fit(X, y, classes=[0, 1, 2])


# -- 7. nested names: point at the right one -----------------------------------
def test_sam_base_optimizer_name_points_at_optimizer_optimizer():
    est = MLPClassifier(optimizer=SAM("sgd"))
    with pytest.raises(ValueError) as info:
        est.set_params(optimizer__base_optimizer__learning_rate=0.1)
    msg = str(info.value)
    assert "Did you mean 'optimizer__optimizer__learning_rate'?" in msg
    assert "one dict per family" not in msg
    grid = {"optimizer__base_optimizer__learning_rate": [0.1]}
    with pytest.raises(ValueError, match="optimizer__optimizer__learning_rate"):
        GridSearchCV(est, grid, cv=2).fit(*load_iris(return_X_y=True))


@pytest.mark.parametrize(
    "est, key, suggestion",
    [
        (MLPClassifier(), "max_iters", "max_iter"),
        (MLPClassifier(), "optimizer__learning_rat", "optimizer__learning_rate"),
        (
            MLPClassifier(regularizers=[L2(), Dropout()]),
            "regularizers__l2__alhpa",
            "regularizers__l2__alpha",
        ),
        (
            MLPClassifier(regularizers=[L2(), Dropout()]),
            "regularizers__dropuot__rate",
            "regularizers__dropout__rate",
        ),
    ],
)
def test_typos_get_a_close_name(est, key, suggestion):
    with pytest.raises(ValueError, match=f"Did you mean '{suggestion}'"):
        est.set_params(**{key: 1})
    est.set_params(**{suggestion: 1})  # and the suggestion works


def test_constructor_typos_get_a_close_name():
    with pytest.raises(TypeError, match="'max_iters'. Did you mean 'max_iter'"):
        MLPClassifier(max_iters=3)
    with pytest.raises(TypeError, match="Did you mean 'learning_rate'"):
        Adam(learning_rat=0.1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'zzz'$"):
        MLPClassifier(zzz=1)  # nothing close: Python's own message


# -- 8. nested name into no regularizers ---------------------------------------
def test_nested_regularizer_name_without_regularizers():
    est = MLPClassifier()
    with pytest.raises(ValueError, match="regularizers=None holds no regularizer") as i:
        est.set_params(regularizers__l2__alpha=1)
    assert "valid names are []" not in str(i.value)
    assert "set_params(regularizers=['l2'], regularizers__l2__alpha=...)" in str(
        i.value
    )
    est.set_params(regularizers=["l2"], regularizers__l2__alpha=1)
    assert est.regularizers[0].alpha == 1
    with pytest.raises(ValueError, match=r"regularizers=\[\] holds no"):
        MLPClassifier(regularizers=[]).set_params(regularizers__0__alpha=1)


# -- 9. a penalty twice --------------------------------------------------------
def test_the_same_penalty_twice_is_refused(iris):
    X, y = iris
    with pytest.raises(ValueError, match="penalty L2 twice"):
        MLPClassifier(regularizers=["l2", L2(1e-3)]).fit(X, y)
    # different penalties, or a non-penalty twice, are fine
    for regs in ([L1(), L2()], [Dropout(0.1), Dropout(0.2)]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            MLPClassifier((4,), max_iter=2, regularizers=regs).fit(X, y)


# -- 10. warnings point at the user's line; plain ints in messages -------------
def test_convergence_warning_points_at_the_callers_line(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match="maximum iterations") as record:
        MLPClassifier((4,), max_iter=2).fit(X, y)
    assert {w.filename for w in record} == {__file__}
    pipe = make_pipeline(StandardScaler(), MLPClassifier((4,), max_iter=2))
    with pytest.warns(ConvergenceWarning, match="maximum iterations") as record:
        pipe.fit(X, y)
    assert {w.filename for w in record} == {__file__}


def test_warm_start_warning_points_at_the_callers_line(iris):
    X, y = iris
    est = MLPClassifier((4,), max_iter=2, warm_start=True, optimizer=Adam())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
        est.set_params(optimizer=SGD())
        with pytest.warns(UserWarning, match="starts afresh") as record:
            est.fit(X, y)
    assert {w.filename for w in record if w.category is UserWarning} == {__file__}


def test_single_class_message_shows_a_plain_label():
    with pytest.raises(ValueError, match=r"only one class: 0\.$"):
        MLPClassifier().fit(np.ones((3, 2)), np.zeros(3, dtype=np.int64))


def test_adam_bias_correction_example_raises_no_user_warning(tmp_path):
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}
    script = ROOT / "examples" / "plot_adam_bias_correction.py"
    run = subprocess.run(
        [
            sys.executable,
            "-W",
            "error::UserWarning",
            str(script),
            "--output",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert "Warning" not in run.stderr
