"""Tests for skoptim.model_selection.bias_variance_decomposition & friends."""

import joblib
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import (
    DecisionTreeClassifier,
    DecisionTreeRegressor,
    ExtraTreeRegressor,
)

from skoptim.model_selection import (
    SquaredErrorDecomposition,
    ZeroOneDecomposition,
    bias_variance_decomposition,
    bias_variance_from_predictions,
)

# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

SIGMA = 0.5


def _regression_data(n, rng, sigma=SIGMA):
    X = rng.uniform(-3, 3, size=(n, 1))
    f = np.sin(2 * X[:, 0])
    return X, f, f + rng.normal(scale=sigma, size=n)


@pytest.fixture(scope="module")
def reg_data():
    rng = np.random.RandomState(0)
    X_tr, f_tr, y_tr = _regression_data(200, rng)
    X_te, f_te, y_te = _regression_data(4000, rng)
    return X_tr, y_tr, X_te, y_te, f_te


@pytest.fixture(scope="module")
def clf_data():
    """Two string classes, Bayes labels known, 10% of the labels flipped.

    The Bayes rule ("pos" for x > 0 or x < -2) has one dominant threshold, so a
    stump is stable (low variance) but wrong on x < -2 (bias about 1/6).
    """
    rng = np.random.RandomState(1)
    X = rng.uniform(-3, 3, size=(2300, 1))
    bayes = np.where((X[:, 0] > 0) | (X[:, 0] < -2), "pos", "neg")
    flip = rng.uniform(size=len(X)) < 0.1
    y = np.where(flip, np.where(bayes == "pos", "neg", "pos"), bayes)
    return X[:300], y[:300], X[300:], y[300:], bayes[300:]


# --------------------------------------------------------------------------
# Hand-worked tables
# --------------------------------------------------------------------------

# Squared error, R = 4 rounds, n = 2 test points.
#   point 0: predictions 1, 3, 2, 2 -> mean 2, variance (1 + 1 + 0 + 0)/4 = 0.5
#            y = 4: loss (9 + 1 + 4 + 4)/4 = 4.5, bias^2 (4 - 2)^2 = 4
#   point 1: predictions 0, 0, 4, 0 -> mean 1, variance (1 + 1 + 9 + 1)/4 = 3
#            y = 0: loss 16/4 = 4, bias^2 1
#   with y_true = (3, 1): bias^2 = (1, 0), noise = (1, 1),
#            cross = 2 (y - f)(f - mean) = (2 * 1 * 1, 2 * -1 * 0) = (2, 0)
SQ_PRED = np.array([[1.0, 0.0], [3.0, 0.0], [2.0, 4.0], [2.0, 0.0]])
SQ_Y = np.array([4.0, 0.0])
SQ_Y_TRUE = np.array([3.0, 1.0])


def test_squared_error_hand_table():
    res = bias_variance_from_predictions(SQ_PRED, SQ_Y)
    assert isinstance(res, SquaredErrorDecomposition)
    assert res.n_rounds == 4
    np.testing.assert_allclose(res.main_prediction, [2.0, 1.0])
    np.testing.assert_allclose(res.expected_loss_per_sample, [4.5, 4.0])
    np.testing.assert_allclose(res.bias_squared_per_sample, [4.0, 1.0])
    np.testing.assert_allclose(res.variance_per_sample, [0.5, 3.0])
    assert res.expected_loss == pytest.approx(4.25)
    assert res.bias_squared == pytest.approx(2.5)
    assert res.variance == pytest.approx(1.75)
    assert res.noise is None and res.cross_term is None
    assert res.noise_term is None


def test_squared_error_hand_table_with_true_targets():
    res = bias_variance_from_predictions(SQ_PRED, SQ_Y, y_test_true=SQ_Y_TRUE)
    np.testing.assert_allclose(res.bias_squared_per_sample, [1.0, 0.0])
    np.testing.assert_allclose(res.noise_per_sample, [1.0, 1.0])
    np.testing.assert_allclose(res.cross_term_per_sample, [2.0, 0.0])
    assert res.expected_loss == pytest.approx(4.25)  # still against observed y
    assert res.bias_squared == pytest.approx(0.5)
    assert res.variance == pytest.approx(1.75)
    assert res.noise == pytest.approx(1.0)
    assert res.cross_term == pytest.approx(1.0)
    assert res.noise_term == pytest.approx(2.0)


# 0-1 loss, three string classes, R = 5 rounds, n = 4 test points.
# Columns are test points A, B, C, D; observed y = cat, cat, cat, eel.
ZO_PRED = np.array(
    [
        ["cat", "dog", "eel", "eel"],
        ["cat", "dog", "eel", "eel"],
        ["cat", "dog", "cat", "eel"],
        ["dog", "cat", "dog", "eel"],
        ["eel", "cat", "dog", "eel"],
    ]
)
ZO_Y = np.array(["cat", "cat", "cat", "eel"])
# A: 3 cat -> main cat = y: B=0, V=2/5, loss 2/5, c2 V = +2/5
# B: 3 dog, 2 cat -> main dog != cat: B=1, V=2/5, P(cat)=2/5, loss 3/5,
#    c2 = -P(cat | not dog) = -1, c2 V = -2/5
# C: 1 cat, 2 dog, 2 eel -> tie, smallest label "dog" wins: B=1, V=3/5,
#    P(cat)=1/5, loss 4/5, c2 = -(1/5)/(3/5) = -1/3, c2 V = -1/5
# D: all eel = y: B=0, V=0, loss 0
# means: loss 9/20, bias 1/2, variance 7/20, V_u = (2/5)/4 = 1/10,
#        V_b = (2/5 + 3/5)/4 = 1/4, net = (2/5 - 2/5 - 1/5)/4 = -1/20


def test_zero_one_hand_table_string_labels():
    res = bias_variance_from_predictions(ZO_PRED, ZO_Y, loss="zero_one")
    assert isinstance(res, ZeroOneDecomposition)
    assert res.main_prediction.tolist() == ["cat", "dog", "dog", "eel"]
    np.testing.assert_allclose(res.expected_loss_per_sample, [0.4, 0.6, 0.8, 0.0])
    np.testing.assert_allclose(res.bias_per_sample, [0, 1, 1, 0])
    np.testing.assert_allclose(res.variance_per_sample, [0.4, 0.4, 0.6, 0.0])
    np.testing.assert_allclose(res.net_variance_per_sample, [0.4, -0.4, -0.2, 0.0])
    assert res.expected_loss == pytest.approx(9 / 20)
    assert res.bias == pytest.approx(1 / 2)
    assert res.variance == pytest.approx(7 / 20)
    assert res.unbiased_variance == pytest.approx(1 / 10)
    assert res.biased_variance == pytest.approx(1 / 4)
    assert res.net_variance == pytest.approx(-1 / 20)
    assert res.noise is None and res.net_noise is None


def test_zero_one_hand_table_with_bayes_labels():
    # Only B changes: y* = dog while the observed label is cat (noise N=1).
    #   main dog = y*: B=0, V=2/5, c2 V = +2/5; loss vs observed cat = 3/5;
    #   c1 N = P(dog) - P(cat) = 3/5 - 2/5 = 1/5
    # means: bias 1/4, noise 1/4, net_noise 1/20, V_u = (2/5 + 2/5)/4 = 1/5,
    #        V_b = (3/5)/4 = 3/20, net = (2/5 + 2/5 - 1/5)/4 = 3/20, loss 9/20
    y_true = np.array(["cat", "dog", "cat", "eel"])
    res = bias_variance_from_predictions(
        ZO_PRED, ZO_Y, loss="zero_one", y_test_true=y_true
    )
    np.testing.assert_allclose(res.bias_per_sample, [0, 0, 1, 0])
    np.testing.assert_allclose(res.noise_per_sample, [0, 1, 0, 0])
    np.testing.assert_allclose(res.net_noise_per_sample, [0, 0.2, 0, 0])
    np.testing.assert_allclose(res.net_variance_per_sample, [0.4, 0.4, -0.2, 0.0])
    assert res.expected_loss == pytest.approx(9 / 20)
    assert res.bias == pytest.approx(1 / 4)
    assert res.noise == pytest.approx(1 / 4)
    assert res.net_noise == pytest.approx(1 / 20)
    assert res.unbiased_variance == pytest.approx(1 / 5)
    assert res.biased_variance == pytest.approx(3 / 20)
    assert res.net_variance == pytest.approx(3 / 20)


def test_zero_one_labels_of_other_types_give_same_numbers():
    """Relabelling the classes (negative ints, floats, object strings) keeps
    every number, as long as the sorted order (tie-breaking) is kept."""
    ref = bias_variance_from_predictions(ZO_PRED, ZO_Y, loss="zero_one")
    for mapping, dtype in (
        ({"cat": -5, "dog": 0, "eel": 7}, np.int64),
        ({"cat": 0.5, "dog": 1.5, "eel": 2.5}, np.float64),
        ({"cat": "Ant", "dog": "Bee", "eel": "Cow"}, object),
    ):
        to = np.vectorize(mapping.get, otypes=[dtype])
        res = bias_variance_from_predictions(to(ZO_PRED), to(ZO_Y), loss="zero_one")
        assert res.main_prediction.dtype == np.dtype(dtype)
        assert res.main_prediction.tolist() == [
            mapping[k] for k in ["cat", "dog", "dog", "eel"]
        ]
        for field in ("expected_loss", "bias", "variance", "net_variance"):
            assert getattr(res, field) == pytest.approx(getattr(ref, field))


def test_zero_one_int_and_str_labels_are_not_conflated():
    with pytest.raises(TypeError, match="mutually comparable"):
        bias_variance_from_predictions(
            np.array([[1, 2], [1, 1]]), np.array(["1", "2"]), loss="zero_one"
        )


def test_result_arrays_are_read_only():
    res = bias_variance_from_predictions(SQ_PRED, SQ_Y)
    with pytest.raises(ValueError):
        res.variance_per_sample[0] = 0.0
    with pytest.raises(AttributeError):
        res.variance = 0.0


# --------------------------------------------------------------------------
# Exact identities on arbitrary prediction matrices (property-based)
# --------------------------------------------------------------------------

_finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@pytest.mark.filterwarnings("ignore:predictions has a single round")
@given(data=st.data())
def test_squared_error_identities_hold_exactly(data):
    n_rounds = data.draw(st.integers(1, 8))
    n_test = data.draw(st.integers(1, 8))
    pred = data.draw(arrays(np.float64, (n_rounds, n_test), elements=_finite))
    y = data.draw(arrays(np.float64, n_test, elements=_finite))
    f = data.draw(arrays(np.float64, n_test, elements=_finite))
    scale = 1.0 + np.max(np.abs(np.concatenate([pred.ravel(), y, f]))) ** 2

    res = bias_variance_from_predictions(pred, y)
    np.testing.assert_allclose(
        res.expected_loss_per_sample,
        res.bias_squared_per_sample + res.variance_per_sample,
        rtol=1e-9,
        atol=1e-12 * scale,
    )
    assert res.expected_loss == pytest.approx(
        res.bias_squared + res.variance, rel=1e-9, abs=1e-12 * scale
    )
    res = bias_variance_from_predictions(pred, y, y_test_true=f)
    total = res.bias_squared + res.variance + res.noise + res.cross_term
    assert res.expected_loss == pytest.approx(total, rel=1e-9, abs=1e-9 * scale)
    assert min(res.variance, res.bias_squared, res.noise) >= 0.0


@settings(max_examples=80, deadline=None)
@pytest.mark.filterwarnings("ignore:predictions has a single round")
@given(data=st.data())
def test_zero_one_identities_hold_exactly(data):
    n_classes = data.draw(st.integers(1, 4))
    n_rounds = data.draw(st.integers(1, 9))
    n_test = data.draw(st.integers(1, 8))
    labels = np.array(["b", "a", "d", "c"][:n_classes])
    draw = arrays(np.int64, (n_rounds, n_test), elements=st.integers(0, n_classes - 1))
    pred = labels[data.draw(draw)]
    y = labels[
        data.draw(arrays(np.int64, n_test, elements=st.integers(0, n_classes - 1)))
    ]
    y_star = labels[
        data.draw(arrays(np.int64, n_test, elements=st.integers(0, n_classes - 1)))
    ]

    res = bias_variance_from_predictions(pred, y, loss="zero_one")
    np.testing.assert_allclose(
        res.expected_loss_per_sample,
        res.bias_per_sample + res.net_variance_per_sample,
        atol=1e-12,
    )
    assert res.variance == pytest.approx(res.unbiased_variance + res.biased_variance)
    if n_classes <= 2:  # Domingos: net variance = V_u - V_b for two classes
        assert res.net_variance == pytest.approx(
            res.unbiased_variance - res.biased_variance
        )
    assert res.net_variance >= res.unbiased_variance - res.biased_variance - 1e-12

    res = bias_variance_from_predictions(pred, y, loss="zero_one", y_test_true=y_star)
    np.testing.assert_allclose(
        res.expected_loss_per_sample,
        res.net_noise_per_sample + res.bias_per_sample + res.net_variance_per_sample,
        atol=1e-12,
    )
    if n_classes <= 2:  # Domingos: c1 = 2 P(y_hat = y*) - 1 for two classes
        p_star = (pred == y_star[None, :]).mean(axis=0)
        np.testing.assert_allclose(
            res.net_noise_per_sample, (2 * p_star - 1) * res.noise_per_sample
        )


# --------------------------------------------------------------------------
# Independent brute-force computations
# --------------------------------------------------------------------------


def test_stored_predictions_match_brute_force_loops(reg_data, clf_data):
    """Recompute every field from the stored predictions with plain loops."""
    X_tr, y_tr, X_te, y_te, f_te = reg_data
    res = bias_variance_decomposition(
        DecisionTreeRegressor(max_depth=3),
        X_tr,
        y_tr,
        X_te[:50],
        y_te[:50],
        y_test_true=f_te[:50],
        n_rounds=15,
        random_state=0,
    )
    P = res.predictions
    R, n = P.shape
    loss = bias2 = var = noise = 0.0
    for i in range(n):
        m = sum(P[r, i] for r in range(R)) / R
        loss += sum((y_te[i] - P[r, i]) ** 2 for r in range(R)) / R / n
        var += sum((P[r, i] - m) ** 2 for r in range(R)) / R / n
        bias2 += (f_te[i] - m) ** 2 / n
        noise += (y_te[i] - f_te[i]) ** 2 / n
    assert res.expected_loss == pytest.approx(loss, rel=1e-10)
    assert res.variance == pytest.approx(var, rel=1e-10)
    assert res.bias_squared == pytest.approx(bias2, rel=1e-10)
    assert res.noise == pytest.approx(noise, rel=1e-10)

    # 0-1 loss: mlxtend-style definitions (loss, bias, plain variance).
    X_tr, y_tr, X_te, y_te, _ = clf_data
    res = bias_variance_decomposition(
        DecisionTreeClassifier(max_depth=2),
        X_tr,
        y_tr,
        X_te[:40],
        y_te[:40],
        loss="zero_one",
        n_rounds=15,
        random_state=0,
    )
    P = res.predictions
    loss = bias = var = 0.0
    for i in range(P.shape[1]):
        col = list(P[:, i])
        main = max(sorted(set(col)), key=col.count)  # mode, smallest on ties
        assert res.main_prediction[i] == main
        loss += sum(p != y_te[i] for p in col) / len(col) / P.shape[1]
        var += sum(p != main for p in col) / len(col) / P.shape[1]
        bias += (main != y_te[i]) / P.shape[1]
    assert res.expected_loss == pytest.approx(loss)
    assert res.bias == pytest.approx(bias)
    assert res.variance == pytest.approx(var)


def test_agrees_with_independent_bootstrap_within_monte_carlo_error(reg_data):
    """An independent bootstrap of least squares (numpy lstsq, own RNG) gives
    the same expected loss, variance and main prediction up to MC error."""
    X_tr, y_tr, X_te, y_te, f_te = reg_data
    X_te, y_te, f_te = X_te[:500], y_te[:500], f_te[:500]
    R = 300
    res = bias_variance_decomposition(
        LinearRegression(),
        X_tr,
        y_tr,
        X_te,
        y_te,
        y_test_true=f_te,
        n_rounds=R,
        random_state=0,
    )

    rng = np.random.default_rng(12345)
    A_tr = np.column_stack([np.ones(len(X_tr)), X_tr])
    A_te = np.column_stack([np.ones(len(X_te)), X_te])
    P = np.empty((R, len(X_te)))
    for r in range(R):
        idx = rng.integers(0, len(X_tr), size=len(X_tr))
        coef = np.linalg.lstsq(A_tr[idx], y_tr[idx], rcond=None)[0]
        P[r] = A_te @ coef
    main = P.mean(axis=0)
    loss_r = ((y_te - P) ** 2).mean(axis=1)  # per-round statistics
    var_r = ((P - main) ** 2).mean(axis=1)

    def close(a, b, sd_a_rounds, sd_b_rounds):
        se = np.sqrt(sd_a_rounds**2 + sd_b_rounds**2) / np.sqrt(R)
        return np.abs(a - b) <= 4 * se + 1e-12

    ours_loss_r = ((y_te - res.predictions) ** 2).mean(axis=1)
    ours_var_r = ((res.predictions - res.main_prediction) ** 2).mean(axis=1)
    assert close(res.expected_loss, loss_r.mean(), ours_loss_r.std(), loss_r.std())
    assert close(res.variance, var_r.mean(), ours_var_r.std(), var_r.std())
    assert np.all(
        close(res.main_prediction, main, res.predictions.std(axis=0), P.std(axis=0))
    )
    # The two estimates differ (independent draws) -- this is not a tautology.
    assert res.variance != var_r.mean()


def test_fresh_training_sets_match_analytic_textbook_values():
    """Predicting the training mean from fresh samples of size m drawn from
    y = sin(2x) + eps, x ~ U(-3, 3): Var = Var(y)/m and, since E[y] = 0,
    bias^2(x) = sin(2x)^2 -- closed forms, no estimator involved."""
    rng = np.random.RandomState(7)
    m, R = 20, 2000
    X_te, f_te, y_te = _regression_data(300, rng)
    preds = np.empty((R, len(X_te)))
    for r in range(R):
        _, _, y_fresh = _regression_data(m, rng)
        preds[r] = y_fresh.mean()
    res = bias_variance_from_predictions(preds, y_te, y_test_true=f_te)
    var_y = 0.5 - np.sin(12) / 24 + SIGMA**2
    expected_var = var_y / m
    assert abs(res.variance - expected_var) < 4 * expected_var * np.sqrt(2 / R)
    # the mean prediction is within MC error of E[y] = 0
    assert abs(res.main_prediction[0]) < 4 * np.sqrt(expected_var / R)
    np.testing.assert_allclose(
        res.bias_squared,
        np.mean(f_te**2),
        atol=2 * np.abs(f_te).mean() * 4 * np.sqrt(expected_var / R) + 1e-3,
    )


# --------------------------------------------------------------------------
# Behaviour on synthetic problems
# --------------------------------------------------------------------------


def test_noise_recovered_on_known_problem(reg_data):
    X_tr, y_tr, X_te, y_te, f_te = reg_data
    res = bias_variance_decomposition(
        DecisionTreeRegressor(max_depth=4),
        X_tr,
        y_tr,
        X_te,
        y_te,
        y_test_true=f_te,
        n_rounds=30,
        random_state=0,
    )
    n = len(y_te)
    # sd of the mean of eps^2 for Gaussian eps is sigma^2 sqrt(2/n)
    assert abs(res.noise - SIGMA**2) < 4 * SIGMA**2 * np.sqrt(2 / n)
    assert abs(res.cross_term) < 4 * res.cross_term_per_sample.std() / np.sqrt(n)
    total = res.bias_squared + res.variance + res.noise + res.cross_term
    assert res.expected_loss == pytest.approx(total, rel=1e-12)
    # Without y_test_true, the noise is folded into the bias term.
    res0 = bias_variance_decomposition(
        DecisionTreeRegressor(max_depth=4),
        X_tr,
        y_tr,
        X_te,
        y_te,
        n_rounds=30,
        random_state=0,
    )
    assert res0.noise is None
    assert res0.expected_loss == pytest.approx(res.expected_loss, rel=1e-12)
    assert res0.variance == pytest.approx(res.variance, rel=1e-12)
    assert res0.expected_loss == pytest.approx(
        res0.bias_squared + res0.variance, rel=1e-12
    )
    assert res0.bias_squared == pytest.approx(
        res.bias_squared + res.noise + res.cross_term, rel=1e-12
    )


def test_label_noise_recovered_for_classifier(clf_data):
    X_tr, y_tr, X_te, y_te, bayes = clf_data
    res = bias_variance_decomposition(
        DecisionTreeClassifier(max_depth=3),
        X_tr,
        y_tr,
        X_te,
        y_te,
        loss="zero_one",
        y_test_true=bayes,
        n_rounds=20,
        random_state=0,
    )
    n = len(y_te)
    assert abs(res.noise - 0.1) < 4 * np.sqrt(0.1 * 0.9 / n)
    assert res.expected_loss == pytest.approx(
        res.net_noise + res.bias + res.net_variance, abs=1e-12
    )
    assert res.main_prediction.dtype.kind == "U"
    assert set(res.main_prediction) <= {"neg", "pos"}


def test_deep_tree_has_more_variance_and_less_bias_than_stump(reg_data):
    X_tr, y_tr, X_te, y_te, f_te = reg_data
    kw = dict(y_test_true=f_te, n_rounds=30, random_state=0)
    stump = bias_variance_decomposition(
        DecisionTreeRegressor(max_depth=1), X_tr, y_tr, X_te, y_te, **kw
    )
    deep = bias_variance_decomposition(
        DecisionTreeRegressor(max_depth=None), X_tr, y_tr, X_te, y_te, **kw
    )
    assert deep.variance > 2 * stump.variance
    assert deep.bias_squared < 0.5 * stump.bias_squared


def test_deep_tree_vs_stump_zero_one(clf_data):
    X_tr, y_tr, X_te, y_te, bayes = clf_data
    kw = dict(loss="zero_one", y_test_true=bayes, n_rounds=20, random_state=0)
    stump = bias_variance_decomposition(
        DecisionTreeClassifier(max_depth=1), X_tr, y_tr, X_te, y_te, **kw
    )
    deep = bias_variance_decomposition(
        DecisionTreeClassifier(max_depth=None), X_tr, y_tr, X_te, y_te, **kw
    )
    assert deep.bias < stump.bias
    assert deep.variance > stump.variance
    assert deep.unbiased_variance > stump.unbiased_variance


# --------------------------------------------------------------------------
# Resampling, reproducibility, parallelism
# --------------------------------------------------------------------------


class _Untyped(BaseEstimator):
    """Has fit/predict but is neither a classifier nor a regressor."""

    def fit(self, X, y):
        self.value_ = y[0]
        return self

    def predict(self, X):
        return np.full(len(X), self.value_)


class _DistinctRowCounter(RegressorMixin, BaseEstimator):
    """Predicts the number of distinct training rows it was fitted on."""

    def fit(self, X, y):
        self.n_distinct_ = len(np.unique(np.asarray(X), axis=0))
        self.n_rows_ = len(X)
        return self

    def predict(self, X):
        return np.full(len(X), float(self.n_distinct_))


def test_subsampling_without_replacement_and_bootstrap():
    X = np.arange(40.0).reshape(-1, 1)
    y = np.arange(40.0)
    res = bias_variance_decomposition(
        _DistinctRowCounter(), X, y, X[:3], y[:3],
        max_samples=25, bootstrap=False, n_rounds=5, random_state=0,
    )  # fmt: skip
    np.testing.assert_array_equal(res.predictions, 25.0)
    res = bias_variance_decomposition(
        _DistinctRowCounter(), X, y, X[:3], y[:3],
        max_samples=0.5, bootstrap=True, n_rounds=20, random_state=0,
    )  # fmt: skip
    assert np.all(res.predictions <= 20) and np.any(res.predictions < 20)
    with pytest.warns(UserWarning, match="same data"):
        bias_variance_decomposition(
            _DistinctRowCounter(), X, y, X[:3], y[:3],
            bootstrap=False, n_rounds=2, random_state=0,
        )  # fmt: skip


def test_reproducible_and_seed_sensitive(reg_data):
    X_tr, y_tr, X_te, y_te, _ = reg_data
    est = ExtraTreeRegressor(random_state=None)  # randomness in the estimator too
    args = (est, X_tr, y_tr, X_te[:100], y_te[:100])
    a = bias_variance_decomposition(*args, n_rounds=10, random_state=3)
    b = bias_variance_decomposition(*args, n_rounds=10, random_state=3)
    c = bias_variance_decomposition(*args, n_rounds=10, random_state=4)
    np.testing.assert_array_equal(a.predictions, b.predictions)
    assert a.variance == b.variance
    assert not np.array_equal(a.predictions, c.predictions)
    assert est.random_state is None  # the estimator itself is never modified
    assert not hasattr(est, "tree_")


def test_fixed_estimator_seed_is_kept():
    """With bootstrap=False, max_samples=1.0 every round sees the same data:
    a fixed estimator seed gives zero variance, an unset one does not."""
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(60, 3)), rng.normal(size=60)
    kw = dict(bootstrap=False, n_rounds=6, random_state=0)
    with pytest.warns(UserWarning):
        fixed = bias_variance_decomposition(
            ExtraTreeRegressor(random_state=7), X, y, X[:10], y[:10], **kw
        )
    with pytest.warns(UserWarning):
        unset = bias_variance_decomposition(
            ExtraTreeRegressor(random_state=None), X, y, X[:10], y[:10], **kw
        )
    np.testing.assert_array_equal(fixed.predictions, fixed.predictions[[0] * 6])
    assert fixed.variance == pytest.approx(0.0, abs=1e-20)
    assert unset.variance > 0.0


def test_same_result_with_one_and_two_jobs(clf_data):
    X_tr, y_tr, X_te, y_te, _ = clf_data
    kw = dict(loss="zero_one", n_rounds=8, random_state=0)
    est = DecisionTreeClassifier(max_features=1)  # random_state=None -> seeded
    one = bias_variance_decomposition(est, X_tr, y_tr, X_te, y_te, n_jobs=1, **kw)
    two = bias_variance_decomposition(est, X_tr, y_tr, X_te, y_te, n_jobs=2, **kw)
    np.testing.assert_array_equal(one.predictions, two.predictions)
    assert one.expected_loss == two.expected_loss
    assert one.net_variance == two.net_variance


def test_dask_backend_gives_same_result(reg_data):
    distributed = pytest.importorskip("distributed")
    X_tr, y_tr, X_te, y_te, _ = reg_data
    kw = dict(n_rounds=6, random_state=0)
    args = (ExtraTreeRegressor(), X_tr, y_tr, X_te[:200], y_te[:200])
    ref = bias_variance_decomposition(*args, **kw)
    with distributed.Client(
        processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None
    ):
        with joblib.parallel_backend("dask"):
            res = bias_variance_decomposition(*args, **kw)
    np.testing.assert_array_equal(ref.predictions, res.predictions)


def test_pandas_inputs_and_pipeline(reg_data):
    X_tr, y_tr, X_te, y_te, _ = reg_data
    cols = ["x"]
    est = make_pipeline(StandardScaler(), DecisionTreeRegressor(max_depth=2))
    kw = dict(n_rounds=5, random_state=0)
    res_df = bias_variance_decomposition(
        est,
        pd.DataFrame(X_tr, columns=cols),
        pd.Series(y_tr),
        pd.DataFrame(X_te[:50], columns=cols),
        pd.Series(y_te[:50]),
        **kw,
    )
    res_np = bias_variance_decomposition(est, X_tr, y_tr, X_te[:50], y_te[:50], **kw)
    np.testing.assert_allclose(res_df.predictions, res_np.predictions)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


def _small():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(20, 2))
    return X, X[:, 0] + rng.normal(size=20), np.where(X[:, 0] > 0, "a", "b")


@pytest.mark.parametrize("n_rounds", [0, 1, -3])
def test_n_rounds_too_small(n_rounds):
    X, y, _ = _small()
    with pytest.raises(ValueError, match=f"n_rounds={n_rounds} is too small"):
        bias_variance_decomposition(LinearRegression(), X, y, X, y, n_rounds=n_rounds)


def test_n_rounds_not_integer():
    X, y, _ = _small()
    with pytest.raises(TypeError, match="n_rounds must be an integer"):
        bias_variance_decomposition(LinearRegression(), X, y, X, y, n_rounds=2.5)


@pytest.mark.parametrize("loss", ["mse", "0-1_loss", "log_loss", None])
def test_unknown_loss(loss):
    X, y, _ = _small()
    with pytest.raises(ValueError, match="is not supported; use one of"):
        bias_variance_decomposition(LinearRegression(), X, y, X, y, loss=loss)


def test_zero_one_with_regressor():
    X, y, _ = _small()
    with pytest.raises(ValueError, match="needs a classifier.*regressor"):
        bias_variance_decomposition(
            LinearRegression(), X, y, X, y, loss="zero_one", n_rounds=2
        )


def test_zero_one_with_continuous_targets_and_unknown_estimator():
    X, y, _ = _small()
    with pytest.raises(ValueError, match="y_train is continuous"):
        bias_variance_decomposition(_Untyped(), X, y, X, y, loss="zero_one")


def test_squared_error_with_string_classifier():
    X, _, labels = _small()
    with pytest.raises(ValueError, match="numeric class labels.*zero_one"):
        bias_variance_decomposition(
            DecisionTreeClassifier(), X, labels, X, labels, loss="squared_error"
        )


def test_squared_error_with_numeric_classifier_is_allowed():
    """Documented choice: numeric labels -> squared error of the hard labels.
    For 0/1 labels this equals the 0-1 loss."""
    X, _, labels = _small()
    y01 = (labels == "a").astype(int)
    kw = dict(n_rounds=6, random_state=0)
    est = LogisticRegression()
    sq = bias_variance_decomposition(est, X, y01, X, y01, loss="squared_error", **kw)
    zo = bias_variance_decomposition(est, X, y01, X, y01, loss="zero_one", **kw)
    assert sq.expected_loss == pytest.approx(zo.expected_loss)


@pytest.mark.parametrize(
    "slices, match",
    [
        ((slice(None), slice(0, 15), slice(None), slice(None)), "X_train has 20"),
        ((slice(None), slice(None), slice(None), slice(0, 5)), "X_test has 20"),
    ],
)
def test_mismatched_sample_counts(slices, match):
    X, y, _ = _small()
    s1, s2, s3, s4 = slices
    with pytest.raises(ValueError, match=match):
        bias_variance_decomposition(LinearRegression(), X[s1], y[s2], X[s3], y[s4])


def test_mismatched_features_and_true_targets():
    X, y, _ = _small()
    with pytest.raises(ValueError, match="2 features but X_test has 1"):
        bias_variance_decomposition(LinearRegression(), X, y, X[:, :1], y)
    with pytest.raises(ValueError, match="y_test_true has 3 samples"):
        bias_variance_decomposition(LinearRegression(), X, y, X, y, y_test_true=y[:3])
    with pytest.raises(ValueError, match="y_test must be 1-D"):
        bias_variance_decomposition(LinearRegression(), X, y, X, y[:, None])
    with pytest.raises(ValueError, match="predictions has 3 columns"):
        bias_variance_from_predictions(np.zeros((4, 3)), np.zeros(2))
    with pytest.raises(ValueError, match="predictions must be 2-D"):
        bias_variance_from_predictions(np.zeros(3), np.zeros(3))


@pytest.mark.parametrize("max_samples", [0.0, -0.5, 1.5, 0, 21, -1])
def test_max_samples_out_of_range(max_samples):
    X, y, _ = _small()
    with pytest.raises(ValueError, match=f"max_samples={max_samples} is out of"):
        bias_variance_decomposition(
            LinearRegression(), X, y, X, y, max_samples=max_samples
        )


@pytest.mark.parametrize("max_samples", ["half", None, True])
def test_max_samples_wrong_type(max_samples):
    X, y, _ = _small()
    with pytest.raises(TypeError, match="max_samples must be an int or a float"):
        bias_variance_decomposition(
            LinearRegression(), X, y, X, y, max_samples=max_samples
        )


def test_max_samples_too_small_fraction():
    X, y, _ = _small()
    with pytest.raises(ValueError, match="increase it"):
        bias_variance_decomposition(LinearRegression(), X, y, X, y, max_samples=0.01)


def test_non_estimator_and_non_finite_inputs():
    X, y, _ = _small()
    with pytest.raises(TypeError, match="must implement fit and predict"):
        bias_variance_decomposition(object(), X, y, X, y)
    y_bad = y.copy()
    y_bad[0] = np.nan
    with pytest.raises(ValueError, match="y_test contains NaN"):
        bias_variance_decomposition(LinearRegression(), X, y, X, y_bad)


def test_single_class_draws_still_work_for_dummy():
    """Labels of bool dtype and a classifier that tolerates any draw."""
    X, _, labels = _small()
    yb = labels == "a"
    res = bias_variance_decomposition(
        DummyClassifier(strategy="most_frequent"),
        X,
        yb,
        X,
        yb,
        loss="zero_one",
        n_rounds=10,
        random_state=0,
    )
    assert res.main_prediction.dtype == bool
    assert res.expected_loss == pytest.approx(res.bias + res.net_variance)


class _BadRegressor(RegressorMixin, BaseEstimator):
    def __init__(self, output="nan"):
        self.output = output

    def fit(self, X, y):
        return self

    def predict(self, X):
        if self.output == "nan":
            return np.full(len(X), np.nan)
        return np.zeros((len(X), 2))


def test_bad_predictions_are_reported():
    X, y, _ = _small()
    with pytest.raises(ValueError, match="non-finite values in round 0"):
        bias_variance_decomposition(_BadRegressor("nan"), X, y, X, y, n_rounds=2)
    with pytest.raises(ValueError, match=r"returned shape \(20, 2\) in round 0"):
        bias_variance_decomposition(_BadRegressor("2d"), X, y, X, y, n_rounds=2)


def test_empty_test_set_and_single_round():
    """Means over no test point are refused; one round warns (variance 0)."""
    X = np.arange(20.0).reshape(-1, 2)
    y = X.sum(1)
    for loss in ("squared_error", "zero_one"):
        with pytest.raises(ValueError, match="no test point"):
            bias_variance_from_predictions(np.empty((3, 0)), [], loss=loss)
    with pytest.raises(ValueError, match="X_test has no samples"):
        bias_variance_decomposition(LinearRegression(), X, y, X[:0], y[:0], n_rounds=3)
    with pytest.raises(ValueError, match="X_train has no samples"):
        bias_variance_decomposition(LinearRegression(), X[:0], y[:0], X, y, n_rounds=3)
    with pytest.warns(UserWarning, match="single round: the variance is 0"):
        res = bias_variance_from_predictions([[1.0, 2.0, 4.0]], [1.0, 2.0, 3.0])
    assert res.variance == 0.0
    assert res.expected_loss == res.bias_squared == pytest.approx(1 / 3)
