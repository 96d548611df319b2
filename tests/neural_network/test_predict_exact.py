"""predict equals the network's plain forward pass, for any finite weights.

Issue 10, point 5: a ReLU predict path carried each layer's bias into the
next layer's offset, and cancelled catastrophically when a bias was large.
These tests set adversarial weights (huge biases) by hand and compare every
prediction method with a forward pass written here in plain numpy, within a
rounding-error bound computed alongside it.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.special import expit, log_expit, logsumexp

from skoptim.neural_network import MLPClassifier, MLPRegressor

X8 = np.arange(8.0).reshape(-1, 1)
DTYPES = [np.float64, np.float32]


def _fitted(est, X, y, dtype):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(X.astype(dtype), y)


def _set_weights(est, coefs, intercepts):
    """Write the weights in place (coefs_ and intercepts_ are views of params_)."""
    for W, b, W_new, b_new in zip(
        est.coefs_, est.intercepts_, coefs, intercepts, strict=True
    ):
        W[...] = W_new
        b[...] = b_new


def _plain_forward(est, X):
    """Logits of the plain forward pass in the model's dtype, and an error bound.

    ``relu(A @ W + b)`` layer by layer. The bound ``B`` on the rounding error
    of each logit is propagated alongside: a layer adds ``gamma * (|A| @ |W| +
    |b|)`` (a dot product's rounding error, gamma = (fan_in + 2) * eps) to the
    incoming error ``B @ |W|``; ReLU passes the error of a unit that may be
    active and zeroes that of a unit surely inactive (``Z < -B``).
    """
    dtype = est.coefs_[0].dtype
    eps = float(np.finfo(dtype).eps)
    A = np.asarray(X, dtype=dtype)
    B = np.zeros(A.shape)
    last = len(est.coefs_) - 1
    for i, (W, b) in enumerate(zip(est.coefs_, est.intercepts_, strict=True)):
        Z = A @ W + b
        absW = np.abs(W).astype(np.float64)
        gamma = (W.shape[0] + 2) * eps
        B = B @ absW + gamma * (np.abs(A).astype(np.float64) @ absW + np.abs(b))
        if i < last:
            B = np.where(Z > -B, B, 0.0)
            A = np.maximum(Z, 0)
        else:
            A = Z
    return A, B


def _reference_log_proba(z, out_activation, binary):
    """Exact log-probabilities, floored at log(tiny) as documented."""
    floor = np.log(np.finfo(z.dtype).tiny)
    z = z.astype(np.float64)
    if out_activation == "softmax":
        return np.maximum(z - logsumexp(z, axis=1, keepdims=True), floor)
    if binary:
        z = np.hstack([-z, z])
    return np.maximum(log_expit(z), floor)


# -- the reported inputs ----------------------------------------------------


def _toy(est, dtype, bias, w_out):
    """Hidden (2, 2): W1 = [[1, 0]], b1 = [0, bias], W2 = I, W3 = w_out."""
    _set_weights(
        est,
        [[[1.0, 0.0]], np.eye(2), w_out],
        [[0.0, bias], [0.0, 0.0], [0.0]],
    )
    return est


@pytest.mark.parametrize(
    "dtype, bias", [(np.float64, -1e18), (np.float32, -1e8), (np.float32, -1e18)]
)
def test_regressor_toy_network_with_a_huge_bias(dtype, bias):
    est = _fitted(MLPRegressor((2, 2), max_iter=1), X8, X8.ravel(), dtype)
    _toy(est, dtype, bias, [[3.0], [1.0]])
    # x -> relu([x, x + bias]) = [x, 0] -> [x, 0] -> 3 x
    np.testing.assert_array_equal(est.predict(np.array([[1.0], [2.0]])), [3.0, 6.0])


@pytest.mark.parametrize(
    "dtype, bias", [(np.float64, -1e18), (np.float32, -1e8), (np.float32, -1e18)]
)
def test_classifier_toy_network_with_a_huge_bias(dtype, bias):
    # binary: one logistic output; W3 = [[-3], [1]] and x = 0.5 give the
    # logit -1.5, so P(class 1) = expit(-1.5) = 0.182
    y = [0, 0, 0, 0, 1, 1, 1, 1]
    est = _fitted(MLPClassifier((2, 2), max_iter=1), X8, y, dtype)
    _toy(est, dtype, bias, [[-3.0], [1.0]])
    x = np.array([[0.5]])
    rtol = 10 * np.finfo(dtype).eps
    np.testing.assert_allclose(
        est.predict_proba(x), [[expit(1.5), expit(-1.5)]], rtol=rtol
    )
    np.testing.assert_allclose(est.predict_proba(x), [[0.818, 0.182]], atol=5e-4)
    np.testing.assert_allclose(
        est.predict_log_proba(x), [[log_expit(1.5), log_expit(-1.5)]], rtol=rtol
    )
    assert est.predict(x).tolist() == [0]


# -- probabilities far in the tails ----------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_binary_probability_of_a_confident_row_keeps_its_small_class(dtype):
    # 1 - expit(40) rounds to 0; the class-0 probability is expit(-40)
    y = [0, 0, 0, 0, 1, 1, 1, 1]
    est = _fitted(MLPClassifier((1,), max_iter=1), X8, y, dtype)
    _set_weights(est, [[[1.0]], [[1.0]]], [[0.0], [0.0]])
    x = np.array([[40.0], [400.0]])
    p = est.predict_proba(x)
    if dtype == np.float64:
        np.testing.assert_allclose(p[0, 0], expit(-40.0), rtol=1e-12)
    else:  # expit(-40) = 4e-18 is a normal float32
        np.testing.assert_allclose(p[0, 0], expit(-40.0), rtol=1e-5)
    assert np.all(p > 0) and np.all(p < 1)
    logp = est.predict_log_proba(x)
    # exact down to log(tiny), where predict_proba's floor tiny is reached
    floor = np.log(np.finfo(dtype).tiny)
    exact = np.maximum([-40.0, -400.0], floor)
    np.testing.assert_allclose(logp[:, 0], exact, rtol=1e-6)
    np.testing.assert_allclose(np.log(p), logp, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_log_proba_is_finite_where_the_probability_underflows(dtype):
    y = np.repeat([0, 1, 2], [3, 3, 2])
    est = _fitted(MLPClassifier((1,), max_iter=1), X8, y, dtype)
    # logits (0, -x, -2x) for the hidden unit relu(x)
    _set_weights(est, [[[1.0]], [[0.0, -1.0, -2.0]]], [[0.0], [0.0, 0.0, 0.0]])
    # logits 0, -x, -2x: far below 0 the probability underflows; the
    # log-probability is exact down to log(tiny), where both are floored
    x = np.array([[1.0], [40.0], [600.0]])
    z = np.array([[0.0, -1.0, -2.0], [0.0, -40.0, -80.0], [0.0, -600.0, -1200.0]])
    logp = est.predict_log_proba(x)
    info = np.finfo(dtype)
    ref = np.maximum(z - logsumexp(z, axis=1, keepdims=True), np.log(info.tiny))
    np.testing.assert_allclose(logp, ref, rtol=1e-6, atol=info.tiny)
    p = est.predict_proba(x)
    assert np.all(np.isfinite(logp)) and np.all(p >= info.tiny)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    # log of a rounded probability loses what lies below eps near 1
    np.testing.assert_allclose(np.log(p), logp, rtol=1e-6, atol=1e-6)


# -- adversarial weights ---------------------------------------------------------


def _weights(draw, sizes, max_exp):
    """Weights in [-4, 4]; biases with magnitudes up to 10**max_exp."""
    coefs, intercepts = [], []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:], strict=False):
        W = draw(
            st.lists(
                st.floats(-4, 4, allow_nan=False, width=32),
                min_size=fan_in * fan_out,
                max_size=fan_in * fan_out,
            )
        )
        b = [
            draw(st.sampled_from([-1.0, 1.0, 0.0]))
            * 10.0 ** draw(st.integers(-3, max_exp))
            * draw(st.floats(1, 9.99))
            for _ in range(fan_out)
        ]
        coefs.append(np.reshape(W, (fan_in, fan_out)))
        intercepts.append(np.array(b))
    return coefs, intercepts


@st.composite
def networks(draw, max_exp):
    n_features = draw(st.integers(1, 3))
    hidden = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    X = np.array(
        draw(
            st.lists(
                st.floats(-10, 10, allow_nan=False, width=32),
                min_size=4 * n_features,
                max_size=4 * n_features,
            )
        )
    ).reshape(4, n_features)
    return n_features, hidden, X, draw


SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
MAX_EXP = {np.float64: 150, np.float32: 20}


def _check_regression(est, X):
    ref, bound = _plain_forward(est, X)
    assume(np.all(np.isfinite(ref)) and np.all(np.isfinite(bound)))
    pred = est.predict(X).reshape(ref.shape)
    assert pred.dtype == ref.dtype
    err = np.abs(pred.astype(np.float64) - ref)
    assert np.all(err <= 2 * bound + np.finfo(ref.dtype).tiny), (pred, ref, bound)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_outputs", [1, 2])
@SETTINGS
@given(data=st.data())
def test_regressor_predict_is_the_plain_forward_pass(dtype, n_outputs, data):
    n_features, hidden, X, draw = data.draw(networks(MAX_EXP[dtype]))
    rng = np.random.RandomState(0)
    Xf, y = rng.rand(8, n_features), rng.rand(8, n_outputs)
    est = _fitted(MLPRegressor(hidden, max_iter=1), Xf, y.squeeze(), dtype)
    sizes = [n_features, *hidden, n_outputs]
    _set_weights(est, *_weights(draw, sizes, MAX_EXP[dtype]))
    _check_regression(est, X.astype(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_classes", [2, 3])
@SETTINGS
@given(data=st.data())
def test_classifier_predictions_are_the_plain_forward_pass(dtype, n_classes, data):
    n_features, hidden, X, draw = data.draw(networks(MAX_EXP[dtype]))
    rng = np.random.RandomState(0)
    Xf, y = rng.rand(8, n_features), np.arange(8) % n_classes
    est = _fitted(MLPClassifier(hidden, max_iter=1), Xf, y, dtype)
    n_out = 1 if n_classes == 2 else n_classes
    _set_weights(est, *_weights(draw, [n_features, *hidden, n_out], MAX_EXP[dtype]))
    X = X.astype(dtype)
    z, bound = _plain_forward(est, X)
    assume(np.all(np.isfinite(z)) and np.all(np.isfinite(bound)))
    binary = n_classes == 2
    delta = 2 * bound.max(axis=1, keepdims=True)  # logit error, per row
    eps = np.finfo(dtype).eps
    ref_log = _reference_log_proba(z, est.out_activation_, binary)
    # log-softmax and log-expit are 2- and 1-Lipschitz in the logits (max norm)
    log_p = est.predict_log_proba(X)
    assert log_p.dtype == dtype and np.all(np.isfinite(log_p))
    tol = 2 * delta + 8 * eps * (1 + np.abs(ref_log))
    assert np.all(np.abs(log_p - ref_log) <= tol), (log_p, ref_log, tol)
    # probabilities: softmax and expit are 1/2- and 1/4-Lipschitz
    p = est.predict_proba(X)
    ref_p = np.exp(ref_log)
    tiny = np.finfo(dtype).tiny
    assert np.all(np.abs(p - ref_p) <= delta + 8 * eps * ref_p + tiny), (p, ref_p)
    # labels, where the logits decide them beyond rounding
    sure = np.sort(ref_log, axis=1)
    clear = (sure[:, -1] - sure[:, -2]) > 4 * delta[:, 0] + 1e-3
    labels = est.classes_[np.argmax(ref_log, axis=1)]
    np.testing.assert_array_equal(est.predict(X)[clear], labels[clear])


def test_chunked_predict_equals_one_chunk():
    # rows are independent: the chunk size does not change a prediction
    rng = np.random.RandomState(0)
    X, y = rng.randn(300, 5), rng.randint(0, 3, 300)
    est = _fitted(MLPClassifier((7, 6), max_iter=5, random_state=0), X, y, np.float64)
    net = est._network
    whole = net.predict(X, chunk_size=300)
    for chunk in (1, 7, 64, 299):
        np.testing.assert_allclose(net.predict(X, chunk_size=chunk), whole, rtol=1e-12)


# -- the training softmax's batch-global shift ---------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.floats(-1e30, 1e30, allow_nan=False),  # the row's offset
            st.lists(st.floats(-200, 200, allow_nan=False), min_size=2, max_size=5),
        ),
        min_size=1,
        max_size=6,
    ),
    k=st.integers(2, 5),
)
def test_training_softmax_global_shift_is_the_rowwise_softmax(dtype, rows, k):
    # softmax_inplace with ``work`` (training) shifts the whole batch by its
    # global maximum and falls back to the exact row-wise shift when a row's
    # sum underflows. What it may lose lies below exp(-27) (float32) or
    # exp(-108) (float64) of a row's largest probability; and exp(z - zmax)
    # rounds its argument at |z - zmax| (not |z - rowmax|), a relative error
    # of up to |z - zmax| * eps / 2: at most ~75 ulp in float32, ~375 in
    # float64, on rows lying below the batch maximum. Never a NaN or inf.
    from skoptim.neural_network._activations import softmax_inplace

    z = np.array([[off + v for v in (vals * k)[:k]] for off, vals in rows], dtype)
    assume(np.all(np.isfinite(z)))
    n = z.shape[0]
    got = softmax_inplace(
        z.copy(), np.empty((n, 1), dtype), np.empty((n, k), dtype), np.ones(k, dtype)
    )
    zf = z.astype(np.float64)
    zf -= zf.max(axis=1, keepdims=True)  # exact: the row's own shift
    exact = np.exp(zf) / np.exp(zf).sum(axis=1, keepdims=True)
    eps = np.finfo(dtype).eps
    lost = np.exp(-27.0) if dtype == np.float32 else np.exp(-108.0)
    assert np.all(np.isfinite(got))
    shift = np.abs(z.astype(np.float64) - z.max())
    tol = (8 + shift) * eps * exact + lost
    assert np.all(np.abs(got - exact) <= tol), (got, exact)
