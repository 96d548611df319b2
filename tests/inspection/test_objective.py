"""The private loss-and-gradient helper of a fitted MLP."""

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.metrics import log_loss

from skoptim import MLPClassifier
from skoptim.inspection._objective import MLPObjective
from skoptim.regularizers import Regularizer

from .conftest import quiet_fit


def finite_difference(fun, w, h=1e-6):
    g = np.empty_like(w)
    for i in range(w.size):
        e = np.zeros_like(w)
        e[i] = h
        g[i] = (fun(w + e)[0] - fun(w - e)[0]) / (2 * h)
    return g


def test_loss_matches_the_estimators_predictions(clf_data, reg_data):
    clf, X, y = clf_data
    obj = MLPObjective(clf, X, y)
    loss, _ = obj(obj.w0)
    assert loss == pytest.approx(log_loss(y, clf.predict_proba(X)), rel=1e-6)
    reg, X, y = reg_data
    obj = MLPObjective(reg, X, y)
    loss, _ = obj(obj.w0)
    assert loss == pytest.approx(0.5 * np.mean((reg.predict(X) - y) ** 2), rel=1e-9)


def test_gradient_matches_finite_differences(clf_data, reg_data):
    rng = np.random.RandomState(0)
    for est, X, y in (clf_data, reg_data):
        obj = MLPObjective(est, X, y)
        w = obj.w0 + 0.05 * rng.randn(obj.n_params)
        _, g = obj(w)
        np.testing.assert_allclose(g, finite_difference(obj, w), atol=1e-7)


def test_the_estimator_is_not_modified(clf_data):
    clf, X, y = clf_data
    params = clf.params_.copy()
    proba = clf.predict_proba(X)
    obj = MLPObjective(clf, X, y)
    obj(obj.w0 + 1.0)
    np.testing.assert_array_equal(clf.params_, params)
    np.testing.assert_array_equal(clf.predict_proba(X), proba)
    assert obj.w0 is not clf.params_


def test_float32_model_is_evaluated_in_float64():
    X, y = make_classification(60, n_features=4, random_state=0)
    clf = quiet_fit(
        MLPClassifier((5,), max_iter=50, random_state=0), X.astype(np.float32), y
    )
    obj = MLPObjective(clf, X, y)
    loss, g = obj(obj.w0)
    assert obj.w0.dtype == g.dtype == np.float64
    assert clf.params_.dtype == np.float32
    assert loss == pytest.approx(log_loss(y, clf.predict_proba(X)), rel=1e-5)


def test_sample_weight_weights_the_mean(reg_data):
    reg, X, y = reg_data
    sw = np.r_[np.ones(40), np.zeros(40)]
    full = MLPObjective(reg, X, y, sample_weight=sw)
    half = MLPObjective(reg, X[:40], y[:40])
    assert full(full.w0)[0] == pytest.approx(half(half.w0)[0], rel=1e-12)
    with pytest.raises(ValueError, match="sample_weight must have shape"):
        MLPObjective(reg, X, y, sample_weight=np.ones(3))


class HalfL2(Regularizer):
    """A test penalty 0.5 * alpha * ||W||^2 / batch_weight on the weights."""

    def __init__(self, alpha=0.1):
        self.alpha = alpha

    def penalty(self, network, batch_weight, ctx):
        total = 0.0
        for W, G in zip(network.coefs, network.coef_grads, strict=True):
            total += float((W * W).sum())
            G += self.alpha * W / batch_weight
        return 0.5 * self.alpha * total / batch_weight


def test_penalty_is_added_only_on_request():
    X, y = make_classification(60, n_features=4, random_state=0)
    clf = quiet_fit(
        MLPClassifier((5,), regularizers=[HalfL2(0.5)], max_iter=30, random_state=0),
        X,
        y,
    )
    plain = MLPObjective(clf, X, y)
    pen = MLPObjective(clf, X, y, include_penalty=True)
    w = plain.w0
    expected = 0.5 * 0.5 * sum((W**2).sum() for W in clf.coefs_) / 60
    assert pen(w)[0] - plain(w)[0] == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(pen(w)[1], finite_difference(pen, w), atol=1e-7)


class LayerLike(Regularizer):
    def forward_pre(self, i, Z, ctx):
        Z *= 2.0

    def backward_pre(self, i, delta, ctx):
        delta *= 2.0


def test_layer_type_regularizers_are_refused():
    X, y = make_classification(40, n_features=4, random_state=0)
    clf = quiet_fit(
        MLPClassifier((3,), regularizers=[LayerLike()], max_iter=5, random_state=0),
        X,
        y,
    )
    with pytest.raises(ValueError, match="layer-type regularizers \\['LayerLike'\\]"):
        MLPObjective(clf, X, y)


def test_targets_and_shapes_are_checked(clf_data):
    clf, X, y = clf_data
    with pytest.raises(ValueError, match="not seen"):
        MLPObjective(clf, X, np.full(len(y), 7))
    with pytest.raises(ValueError, match="features"):
        MLPObjective(clf, X[:, :3], y)
    with pytest.raises(ValueError, match="samples"):
        MLPObjective(clf, X, y[:-1])


class PostNoise(Regularizer):
    """Training-time noise on the hidden activations (dropout-like)."""

    def forward_post(self, i, A, ctx):
        A += ctx.rng.normal(scale=0.5, size=A.shape)

    def backward_post(self, i, delta, ctx):
        pass


def test_training_noise_is_left_out():
    X, y = make_classification(60, n_features=4, random_state=0)
    clf = quiet_fit(
        MLPClassifier((5,), regularizers=[PostNoise()], max_iter=20, random_state=0),
        X,
        y,
    )
    obj = MLPObjective(clf, X, y)
    first, second = obj(obj.w0)[0], obj(obj.w0)[0]
    assert first == second
    assert first == pytest.approx(log_loss(y, clf.predict_proba(X)), rel=1e-6)


def test_sample_weight_zero_rows_are_missing_rows_and_bad_weights_refused(
    reg_data, clf_data
):
    """Zero weights drop rows; negative, NaN and all-zero weights are refused."""
    from skoptim.inspection import loss_landscape, sharpness

    for est, X, y in (reg_data, clf_data):
        sw = np.ones(len(X))
        sw[::3] = 0.0
        keep = sw > 0
        w0 = MLPObjective(est, X, y).w0
        weighted = MLPObjective(est, X, y, sample_weight=sw)(w0)
        dropped = MLPObjective(est, X[keep], y[keep])(w0)
        assert weighted[0] == pytest.approx(dropped[0], rel=1e-12)
        np.testing.assert_allclose(weighted[1], dropped[1], rtol=1e-10, atol=1e-14)
        assert sharpness(est, X, y, sample_weight=sw, random_state=0) == pytest.approx(
            sharpness(est, X[keep], y[keep], random_state=0)
        )
        land = loss_landscape(est, X, y, sample_weight=sw, n_points=3, random_state=0)
        ref = loss_landscape(est, X[keep], y[keep], n_points=3, random_state=0)
        np.testing.assert_allclose(land.losses, ref.losses, rtol=1e-12)
    reg, X, y = reg_data
    neg = np.tile([1.0, -1.0], len(X) // 2)
    for fn in (MLPObjective, sharpness, loss_landscape):
        with pytest.raises(ValueError, match="sample_weight must be non-negative"):
            fn(reg, X, y, sample_weight=neg)
        with pytest.raises(ValueError, match="at least one non-zero"):
            fn(reg, X, y, sample_weight=np.zeros(len(X)))
        with pytest.raises(ValueError, match="NaN"):
            fn(reg, X, y, sample_weight=np.r_[np.nan, np.ones(len(X) - 1)])
