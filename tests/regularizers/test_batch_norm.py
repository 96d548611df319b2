"""BatchNormalization: gradients, running statistics, predict-time behaviour."""

import pickle

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_classification
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier, MLPRegressor
from skoptim.optimizers import SGD, Adam
from skoptim.regularizers import L2, BatchNormalization, EarlyStopping

from ._helpers import finite_difference_check

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("extra", [[], [L2(0.3)]], ids=["bn", "bn+l2"])
def test_finite_difference_gradient_with_batch_norm(iris, weighted, extra):
    X, y = iris[0][::5], iris[1][::5]
    sw = np.linspace(0.5, 2.0, len(y)) if weighted else None
    est = MLPClassifier(
        (5, 4),
        activation="tanh",
        regularizers=[*extra, BatchNormalization()],
        max_iter=5,
        random_state=0,
    ).fit(X, y)
    # gamma and beta moved away from their initial 1 and 0: a generic point
    key = len(extra)
    assert not np.allclose(est._network.blocks[f"{key}:gamma"], 1.0)
    err, grad, _ = finite_difference_check(est, X, y, sample_weight=sw)
    assert err < 1e-6
    # beta and gamma get gradients
    n = est._network.n_layer_params
    assert np.abs(grad[n:]).max() > 0


def test_running_statistics_converge_to_the_data(iris):
    """Full batch, weights kept fixed: running stats -> the layer's mean/var."""
    X, y = iris
    est = MLPClassifier(
        (6, 5),
        optimizer=SGD(1e-12),
        regularizers=[BatchNormalization(momentum=0.1)],
        batch_size=len(y),
        max_iter=300,
        n_iter_no_change=10**6,  # the loss is flat by design: never stop early
        random_state=0,
    ).fit(X, y)
    st = est.regularizer_state_[0]
    net = est._network
    gamma, beta = net.blocks["0:gamma"], net.blocks["0:beta"]
    h, o = X, 0
    for layer, (W, b) in enumerate(
        zip(est.coefs_[:-1], est.intercepts_[:-1], strict=True)
    ):
        Z = h @ W + b
        np.testing.assert_allclose(st["running_mean"][layer], Z.mean(axis=0), atol=1e-8)
        np.testing.assert_allclose(
            st["running_var"][layer], Z.var(axis=0, ddof=1), rtol=1e-8
        )
        k = Z.shape[1]
        Zn = (Z - Z.mean(axis=0)) / np.sqrt(Z.var(axis=0) + 1e-5)
        h = np.maximum(gamma[o : o + k] * Zn + beta[o : o + k], 0)
        o += k


def test_running_statistics_with_minibatches_track_the_data():
    X, y = make_classification(n_samples=2000, n_features=6, random_state=0)
    X = X * 3 + 5  # far from the running stats' starting point (0, 1)
    est = MLPClassifier(
        (8,),
        optimizer=SGD(1e-12),
        regularizers=[BatchNormalization(momentum=0.05)],
        batch_size=100,
        max_iter=20,
        random_state=0,
    ).fit(X, y)
    Z = X @ est.coefs_[0] + est.intercepts_[0]
    st = est.regularizer_state_[0]
    sd = Z.std(axis=0)
    assert np.all(np.abs(st["running_mean"][0] - Z.mean(axis=0)) < 0.1 * sd)
    np.testing.assert_allclose(st["running_var"][0], Z.var(axis=0), rtol=0.15)


def _manual_bn_forward(est, X):
    st = est.regularizer_state_[0]
    net = est._network
    gamma, beta = net.blocks["0:gamma"], net.blocks["0:beta"]
    h, o = X, 0
    last = len(est.coefs_) - 1
    for i, (W, b) in enumerate(zip(est.coefs_, est.intercepts_, strict=True)):
        Z = h @ W + b
        if i < last:
            k = Z.shape[1]
            Z = (Z - st["running_mean"][i]) / np.sqrt(st["running_var"][i] + 1e-5)
            h = np.maximum(gamma[o : o + k] * Z + beta[o : o + k], 0)
            o += k
        else:
            h = Z
    return h


def test_predict_uses_running_statistics(iris):
    X, y = iris
    est = MLPRegressor(
        (8, 6),
        optimizer=Adam(0.01),
        regularizers=[BatchNormalization()],
        max_iter=50,
        random_state=0,
    ).fit(X[:, :3], X[:, 3])
    pred = est.predict(X[:, :3])
    np.testing.assert_allclose(pred, _manual_bn_forward(est, X[:, :3]).ravel())
    # a prediction does not depend on which other rows are in the batch
    np.testing.assert_allclose(est.predict(X[:1, :3]), pred[:1])
    # the running statistics are fitted state that pickling keeps
    clone_ = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(clone_.predict(X[:, :3]), pred)


def test_batch_norm_trains_well_with_a_large_learning_rate(iris):
    X, y = iris
    est = MLPClassifier(
        (16, 16),
        optimizer=SGD(0.5, momentum=0.9),
        regularizers=[BatchNormalization()],
        batch_size=32,
        max_iter=60,
        random_state=0,
    ).fit(X, y)
    assert est.score(X, y) > 0.95
    assert np.isfinite(est.params_).all()


def test_early_stopping_restores_running_statistics_too(iris):
    X, y = iris
    rng = np.random.RandomState(0)
    idx = rng.permutation(len(y))
    tr, va = idx[:60], idx[60:]
    est = MLPClassifier(
        (32,),
        optimizer=Adam(0.03),
        regularizers=[BatchNormalization(), EarlyStopping(patience=3)],
        batch_size=10,
        max_iter=200,
        random_state=0,
    ).fit(X[tr], y[tr], validation_data=(X[va], y[va]))
    P = est.predict_proba(X[va])
    loss = -np.log(P[np.arange(len(va)), y[va]]).mean()
    np.testing.assert_allclose(loss, min(est.validation_loss_curve_), rtol=1e-10)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(momentum=0.0), r"'momentum' parameter of BatchNormalization.*Got 0.0"),
        (dict(momentum=1.5), r"'momentum' parameter of BatchNormalization.*Got 1.5"),
        (dict(epsilon=0.0), r"'epsilon' parameter of BatchNormalization.*Got 0.0"),
    ],
)
def test_bad_parameters(iris, params, match):
    X, y = iris
    with pytest.raises(ValueError, match=match):
        MLPClassifier((4,), regularizers=[BatchNormalization(**params)]).fit(X, y)


def test_two_batch_norms_is_an_error(iris):
    X, y = iris
    with pytest.raises(ValueError, match="BatchNormalization twice"):
        MLPClassifier(
            (4,), regularizers=[BatchNormalization(), BatchNormalization()]
        ).fit(X, y)


# -- issue 10, point 9: batches of one row ------------------------------------
def _one_row_remainder_fits():
    from sklearn.datasets import make_regression

    X, y = make_regression(n_samples=401, n_features=5, noise=20, random_state=0)
    y = y / y.std()
    kw = dict(batch_size=200, shuffle=False, max_iter=400, random_state=0)
    fits = [
        MLPRegressor((16,), regularizers=[BatchNormalization()], **kw).fit(X[:n], y[:n])
        for n in (400, 401)  # 401 rows: the last batch of every epoch has 1 row
    ]
    return X, y, fits


def test_a_one_row_last_batch_does_not_shrink_the_running_variance():
    X, y, (even, odd) = _one_row_remainder_fits()
    Z = X[:400] @ odd.coefs_[0] + odd.intercepts_[0]
    ratio = odd.regularizer_state_[0]["running_var"][0] / Z.var(axis=0, ddof=1)
    # was ~0.63 when the one-row batch's zero variance entered the average
    np.testing.assert_allclose(ratio, 1.0, rtol=0.1)
    # and the extra row does not degrade the fit (R^2 0.95 versus 0.42 before)
    assert odd.score(X[:400], y[:400]) > even.score(X[:400], y[:400]) - 0.02
    # 2 batches of >= 2 rows per epoch updated the statistics; the 1-row did not
    assert odd.regularizer_state_[0]["n_batches"] == 2 * odd.n_iter_


def test_a_one_row_batch_is_normalised_like_predict(iris):
    from ._helpers import training_context

    X, y = iris
    est = MLPRegressor(
        (6, 5),
        regularizers=[BatchNormalization()],
        max_iter=20,
        random_state=0,
    ).fit(X, y)
    st = est.regularizer_state_[0]
    before = [a.copy() for a in st["running_var"]], st["n_batches"]
    ctx, _ = training_context(est, X[:1], y[:1])
    out = est._network.forward(X[:1], training=True, ctx=ctx)
    np.testing.assert_allclose(out.ravel(), est.predict(X[:1]), rtol=1e-12)
    for a, b in zip(st["running_var"], before[0], strict=True):
        np.testing.assert_array_equal(a, b)  # not updated
    assert st["n_batches"] == before[1]


def test_finite_difference_gradient_on_a_one_row_batch(iris):
    X, y = iris
    est = MLPClassifier(
        (5, 4),
        activation="tanh",
        regularizers=[BatchNormalization()],
        max_iter=5,
        random_state=0,
    ).fit(X, y)
    err, grad, _ = finite_difference_check(est, X[3:4], y[3:4])
    assert err < 1e-6
    assert np.abs(grad[est._network.n_layer_params :]).max() > 0


@pytest.mark.parametrize(
    "kw, n", [(dict(batch_size=1), 20), (dict(), 1), (dict(optimizer="lbfgs"), 1)]
)
def test_only_one_row_batches_and_no_running_statistics_is_an_error(iris, kw, n):
    X, y = iris
    est = MLPRegressor((4,), regularizers=[BatchNormalization()], max_iter=2, **kw)
    with pytest.raises(ValueError, match="BatchNormalization needs training batches"):
        est.fit(X[:n], y[:n])


def test_one_row_partial_fit_after_running_statistics_exist(iris):
    X, y = iris
    est = MLPRegressor((4,), regularizers=[BatchNormalization()], random_state=0)
    with pytest.raises(ValueError, match="at least 2 rows"):
        est.partial_fit(X[:1], y[:1])
    est = MLPRegressor((4,), regularizers=[BatchNormalization()], random_state=0)
    est.partial_fit(X, y)
    rv = [a.copy() for a in est.regularizer_state_[0]["running_var"]]
    est.partial_fit(X[:1], y[:1])  # trains against the running statistics
    np.testing.assert_array_equal(est.regularizer_state_[0]["running_var"][0], rv[0])
    assert np.isfinite(est.predict(X)).all()
