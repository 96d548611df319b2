"""LabelSmoothing: capped confidence, proper probabilities, classifier only."""

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from skoptim import MLPClassifier, MLPRegressor
from skoptim.optimizers import LBFGS
from skoptim.regularizers import LabelSmoothing

from ._helpers import training_context

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _fit(X, y, regs):
    # full batch and converged, so the predicted probabilities sit at the optimum
    return MLPClassifier(
        (32,),
        activation="tanh",
        optimizer=LBFGS(),
        regularizers=regs,
        max_iter=300,
        random_state=0,
    ).fit(X, y)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_label_smoothing_caps_the_maximum_probability(n_classes):
    X, y = make_blobs(n_samples=150, centers=n_classes, cluster_std=0.5, random_state=0)
    eps = 0.2
    cap = 1 - eps + eps / n_classes  # the minimiser of the smoothed loss
    plain = _fit(X, y, None).predict_proba(X)
    smooth_est = _fit(X, y, [LabelSmoothing(eps)])
    smooth = smooth_est.predict_proba(X)
    # separable: without smoothing it becomes (nearly) certain everywhere
    assert plain.max(axis=1).mean() > 0.99
    assert smooth.max() < cap + 0.01
    assert smooth.max(axis=1).mean() == pytest.approx(cap, abs=0.01)
    np.testing.assert_allclose(smooth.sum(axis=1), 1.0)
    assert np.all(smooth > 0)
    assert smooth_est.score(X, y) == 1.0


def test_targets_become_smoothed():
    X, y = make_blobs(n_samples=30, centers=3, random_state=0)
    est = MLPClassifier((4,), regularizers=[LabelSmoothing(0.3)], max_iter=1).fit(X, y)
    ctx, Y = training_context(est, X, y)
    T = est.regularizers_[0].transform_targets(Y, ctx)
    np.testing.assert_allclose(T, 0.7 * Y + 0.1)
    np.testing.assert_allclose(T.sum(axis=1), 1.0)
    assert ctx.Y is Y  # the encoded targets were not modified in place


def test_multilabel_smooths_each_label_as_binary():
    rng = np.random.RandomState(0)
    X = rng.randn(40, 3)
    Y = (X[:, :2] > 0).astype(int)
    est = MLPClassifier((4,), regularizers=[LabelSmoothing(0.2)], max_iter=2)
    est.fit(X, Y)
    ctx, Yenc = training_context(est, X, Y)
    T = est.regularizers_[0].transform_targets(Yenc, ctx)
    np.testing.assert_allclose(T, 0.8 * Yenc + 0.1)


def test_label_smoothing_on_the_regressor_is_an_error():
    X = np.arange(20.0).reshape(10, 2)
    with pytest.raises(
        ValueError, match=r"LabelSmoothing\(epsilon=0.2\) cannot be used with MLPReg"
    ):
        MLPRegressor(regularizers=[LabelSmoothing(0.2)]).fit(X, X[:, 0])


@pytest.mark.parametrize("eps", [1.0, -0.1])
def test_bad_epsilon(eps):
    X, y = make_blobs(n_samples=20, centers=2, random_state=0)
    with pytest.raises(
        ValueError, match=rf"'epsilon' parameter of LabelSmoothing.*Got {eps}"
    ):
        MLPClassifier(regularizers=[LabelSmoothing(eps)]).fit(X, y)
