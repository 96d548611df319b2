"""Behaviour of MLPClassifier / MLPRegressor inside scikit-learn."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import (
    load_digits,
    load_iris,
    make_multilabel_classification,
    make_regression,
)
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV, cross_val_score, train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.estimator_checks import parametrize_with_checks

from skoptim import DivergenceError, MLPClassifier, MLPRegressor
from skoptim.optimizers import LBFGS, SGD, Adagrad, Adam
from skoptim.schedules import InverseScaling

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    Xtr, Xte, ytr, yte = train_test_split(X, y, random_state=0, stratify=y)
    sc = StandardScaler().fit(Xtr)
    return sc.transform(Xtr), sc.transform(Xte), ytr, yte


#: These checks fit unscaled X ~ N(100, 1) with a 100-unit ReLU layer: SGD
#: with momentum at 1e-3 (and at 1e-4) blows the squared error up by a factor
#: of several thousand within two epochs, and skoptim raises DivergenceError
#: (tested in test_faults.py) instead of returning a garbage fit.
_SGD_REGRESSOR_DIVERGES = dict.fromkeys(
    ["check_fit_idempotent", "check_fit_check_is_fitted", "check_n_features_in"],
    "SGD(1e-3, momentum=0.9) diverges on unscaled X (loc=100): DivergenceError",
)


@parametrize_with_checks(
    [
        MLPClassifier(optimizer=SGD(0.01, momentum=0.9, nesterov=True)),
        MLPRegressor(optimizer=SGD(1e-3, momentum=0.9, nesterov=True)),
        MLPClassifier(optimizer=Adagrad()),
        MLPRegressor(optimizer=Adagrad()),
        MLPClassifier(optimizer="lbfgs"),
    ],
    expected_failed_checks=lambda est: (
        _SGD_REGRESSOR_DIVERGES
        if isinstance(est, MLPRegressor) and isinstance(est.optimizer, SGD)
        else {}
    ),
)
def test_sklearn_estimator_checks_with_other_optimizers(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "optimizer, sk_params",
    [
        (Adam(1e-3), dict(solver="adam", learning_rate_init=1e-3)),
        (
            SGD(0.01, momentum=0.9, nesterov=True),
            dict(
                solver="sgd",
                learning_rate_init=0.01,
                momentum=0.9,
                nesterovs_momentum=True,
            ),
        ),
    ],
    ids=["adam", "sgd-nesterov"],
)
def test_digits_accuracy_matches_scikit_learn(digits_split, optimizer, sk_params):
    Xtr, Xte, ytr, yte = digits_split
    ours = [
        MLPClassifier((64,), optimizer=optimizer, random_state=s)
        .fit(Xtr, ytr)
        .score(Xte, yte)
        for s in range(2)
    ]
    theirs = [
        SkMLPClassifier((64,), alpha=0.0, random_state=s, **sk_params)
        .fit(Xtr, ytr)
        .score(Xte, yte)
        for s in range(2)
    ]
    assert abs(np.mean(ours) - np.mean(theirs)) <= 0.01
    assert np.mean(ours) > 0.95


def test_grid_search_over_optimizer_objects_and_nested_hyperparameters(iris):
    X, y = iris
    base = MLPClassifier((8,), max_iter=30, random_state=0)
    gs = GridSearchCV(base, {"optimizer": [SGD(0.1, momentum=0.9), Adam()]}, cv=3)
    gs.fit(X, y)
    assert len(gs.cv_results_["params"]) == 2
    assert isinstance(gs.best_params_["optimizer"], (SGD, Adam))
    gs = GridSearchCV(
        base, {"optimizer": [Adam()], "optimizer__learning_rate": [1e-3, 1e-2]}, cv=3
    )
    gs.fit(X, y)
    assert [p["optimizer__learning_rate"] for p in gs.cv_results_["params"]] == [
        1e-3,
        1e-2,
    ]
    assert gs.best_estimator_.optimizer_.learning_rate in (1e-3, 1e-2)
    # a schedule's own hyperparameters are reachable too
    base = MLPClassifier(
        (8,), optimizer=SGD(InverseScaling(0.1)), max_iter=10, random_state=0
    )
    gs = GridSearchCV(base, {"optimizer__learning_rate__power_t": [0.25, 0.5]}, cv=2)
    gs.fit(X, y)
    assert gs.best_estimator_.optimizer.learning_rate.power_t in (0.25, 0.5)


def test_cross_val_score_and_pipeline(iris):
    X, y = iris
    pipe = make_pipeline(
        StandardScaler(),
        MLPClassifier((16,), max_iter=200, batch_size=16, random_state=0),
    )
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,) and scores.mean() > 0.85


def test_fit_never_mutates_the_optimizer_and_clone_is_independent(iris):
    X, y = iris
    opt = SGD(0.05, momentum=0.9)
    est = MLPClassifier((8,), optimizer=opt, max_iter=5, random_state=0)
    before = opt.get_params()
    est.fit(X, y)
    assert est.optimizer is opt and opt.get_params() == before
    assert vars(opt).keys() == {"learning_rate", "momentum", "nesterov"}
    assert est.optimizer_ is not opt
    assert est.optimizer_state_["t"] == 5 * 1  # 150 samples, batch 150 -> 1/epoch
    c = clone(est)
    assert c.optimizer is not opt
    c.set_params(optimizer__learning_rate=0.5)
    assert opt.learning_rate == 0.05


def test_pickle_round_trip_is_exact(iris):
    X, y = iris
    est = MLPClassifier((8, 4), max_iter=20, random_state=0).fit(X, y)
    est2 = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(est.predict_proba(X), est2.predict_proba(X))
    # the unpickled views still point into the unpickled flat buffer
    assert all(np.shares_memory(c, est2.params_) for c in est2.coefs_)
    est2.partial_fit(X, y)  # training continues after unpickling


def test_coefs_and_intercepts_are_views_into_one_buffer(iris):
    X, y = iris
    est = MLPClassifier((5, 3), max_iter=2, random_state=0).fit(X, y)
    p = est.params_
    assert p.ndim == 1 and p.flags.c_contiguous
    assert [c.shape for c in est.coefs_] == [(4, 5), (5, 3), (3, 3)]
    assert p.size == sum(c.size for c in est.coefs_) + sum(
        b.size for b in est.intercepts_
    )
    for a in est.coefs_ + est.intercepts_:
        assert np.shares_memory(a, p)
    est.coefs_[0][0, 0] = 123.0
    assert 123.0 in p


def test_reproducible_with_random_state(iris):
    X, y = iris
    a = MLPClassifier((8,), max_iter=10, random_state=3).fit(X, y)
    b = MLPClassifier((8,), max_iter=10, random_state=3).fit(X, y)
    np.testing.assert_array_equal(a.params_, b.params_)
    c = MLPClassifier((8,), max_iter=10, random_state=4).fit(X, y)
    assert not np.array_equal(a.params_, c.params_)


def test_fitted_attributes(iris):
    X, y = iris
    est = MLPClassifier((8,), max_iter=7, batch_size=50, random_state=0).fit(X, y)
    assert est.n_iter_ == 7 and len(est.loss_curve_) == 7
    assert est.t_ == 7 * 150 and est.optimizer_state_["t"] == 7 * 3
    assert est.loss_ == est.loss_curve_[-1] and est.best_loss_ == min(est.loss_curve_)
    assert est.n_layers_ == 3 and est.n_outputs_ == 3
    assert est.out_activation_ == "softmax"
    assert est.n_features_in_ == 4
    np.testing.assert_array_equal(est.classes_, [0, 1, 2])


def test_partial_fit_keeps_optimizer_state(iris):
    X, y = iris
    est = MLPClassifier((8,), batch_size=50, random_state=0)
    with pytest.raises(ValueError, match="classes must be passed"):
        est.partial_fit(X, y)
    est.partial_fit(X[:75], y[:75], classes=[0, 1, 2])
    m = est.optimizer_state_["m"].copy()
    est.partial_fit(X[75:], y[75:])
    assert est.optimizer_state_["t"] == 2 + 2 and est.n_iter_ == 2
    assert not np.array_equal(m, est.optimizer_state_["m"])
    with pytest.raises(ValueError, match="not in the classes of the first partial_fit"):
        est.partial_fit(X[:5], np.array([0, 1, 2, 7, 1]))


def test_partial_fit_equals_fit_epochs_without_shuffle(iris):
    X, y = iris
    kw = dict(hidden_layer_sizes=(8,), batch_size=30, shuffle=False, random_state=0)
    a = MLPClassifier(max_iter=3, tol=0, **kw).fit(X, y)
    b = MLPClassifier(**kw)
    for _ in range(3):
        b.partial_fit(X, y, classes=np.unique(y))
    np.testing.assert_allclose(a.params_, b.params_, rtol=1e-12)


def test_warm_start_continues_from_previous_weights(iris):
    X, y = iris
    est = MLPClassifier((8,), max_iter=5, warm_start=True, random_state=0).fit(X, y)
    w = est.params_.copy()
    est.fit(X, y)
    assert est.n_iter_ == 10 and est.optimizer_state_["t"] == 10
    assert not np.array_equal(w, est.params_)


def test_binary_multilabel_and_string_labels():
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    est = MLPClassifier((8,), max_iter=300, batch_size=16, random_state=0).fit(
        X, labels
    )
    assert set(est.predict(X)) <= set(labels) and est.score(X, labels) > 0.9
    yb = (y == 2).astype(int)
    est = MLPClassifier((8,), max_iter=300, random_state=0).fit(X, yb)
    proba = est.predict_proba(X)
    assert proba.shape == (150, 2) and est.out_activation_ == "logistic"
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    Xm, Ym = make_multilabel_classification(n_samples=200, n_classes=4, random_state=0)
    est = MLPClassifier((16,), max_iter=300, random_state=0).fit(Xm, Ym)
    assert est.predict(Xm).shape == Ym.shape and est.score(Xm, Ym) > 0.3
    assert est.predict_proba(Xm).shape == (200, 4)
    np.testing.assert_allclose(
        np.exp(est.predict_log_proba(Xm)), est.predict_proba(Xm), rtol=1e-6
    )


def test_multioutput_regression_and_losses():
    X, Y = make_regression(
        n_samples=300, n_features=5, n_targets=2, noise=1, random_state=0
    )
    Y = Y / Y.std(axis=0)
    est = MLPRegressor((32,), max_iter=400, random_state=0).fit(X, Y)
    assert est.predict(X).shape == (300, 2) and est.score(X, Y) > 0.95
    est = MLPRegressor((32,), loss="huber", max_iter=400, random_state=0).fit(X, Y)
    assert est.score(X, Y) > 0.9
    rng = np.random.RandomState(0)
    Xp = rng.normal(size=(2000, 3))
    lam = np.exp(Xp[:, 0] * 0.5)
    yp = rng.poisson(lam)
    est = MLPRegressor(
        (4,), loss="poisson", optimizer=Adam(0.01), max_iter=100, random_state=0
    ).fit(Xp, yp)
    X = Xp
    assert est.out_activation_ == "exp" and (est.predict(X) > 0).all()
    assert np.corrcoef(est.predict(X), lam)[0, 1] > 0.9
    with pytest.raises(ValueError, match="non-negative targets"):
        MLPRegressor(loss="poisson").fit(X, -np.abs(yp) - 1)


def test_pandas_feature_names_recorded_and_checked(iris):
    X, y = iris
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    est = MLPClassifier((4,), max_iter=5, random_state=0).fit(df, y)
    np.testing.assert_array_equal(est.feature_names_in_, ["a", "b", "c", "d"])
    with pytest.warns(UserWarning, match="feature names"):
        est.predict(
            df[["b", "a", "c", "d"]].rename(columns={"b": "x"}).to_numpy()
            if False
            else X
        )  # numpy after DataFrame fit warns
    with pytest.raises(ValueError, match="feature names"):
        est.predict(df[["b", "a", "c", "d"]])


def test_sparse_input_matches_dense(iris):
    X, y = iris
    Xs = sp.csr_matrix(np.where(np.abs(X) > 0.5, X, 0.0))
    Xd = Xs.toarray()
    kw = dict(hidden_layer_sizes=(8,), max_iter=20, random_state=0)
    a = MLPClassifier(**kw).fit(Xd, y)
    for fmt in (sp.csr_matrix, sp.csc_matrix):
        b = MLPClassifier(**kw).fit(fmt(Xs), y)
        np.testing.assert_allclose(a.params_, b.params_, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(
            a.predict_proba(Xd), b.predict_proba(fmt(Xs)), rtol=1e-8, atol=1e-10
        )


@pytest.mark.parametrize(
    "opt",
    ["adam", "nesterov", "rmsprop", "adadelta", "nadam", "adagrad", "adamw", "lbfgs"],
)
def test_float32_end_to_end(iris, opt):
    X, y = iris
    X32 = X.astype(np.float32)
    est = MLPClassifier((8,), optimizer=opt, max_iter=20, random_state=0).fit(X32, y)
    assert est.params_.dtype == np.float32
    assert all(c.dtype == np.float32 for c in est.coefs_)
    assert est.predict_proba(X32).dtype == np.float32
    for v in est.optimizer_state_.values():
        if isinstance(v, np.ndarray):
            assert v.dtype == np.float32
    reg = MLPRegressor((8,), optimizer=opt, max_iter=5, random_state=0).fit(
        X32, X32[:, 0]
    )
    assert reg.predict(X32).dtype == np.float32


def test_lbfgs_fits_and_has_no_partial_fit(iris):
    X, y = iris
    est = MLPClassifier((8,), optimizer=LBFGS(), max_iter=100, random_state=0)
    est.fit(X, y)
    assert est.score(X, y) > 0.95 and est.n_iter_ == len(est.loss_curve_)
    assert np.all(np.diff(est.loss_curve_) <= 1e-12)  # line search: monotone
    assert not hasattr(MLPClassifier(optimizer="lbfgs"), "partial_fit")
    assert not hasattr(MLPRegressor(optimizer=LBFGS()), "partial_fit")


def test_converges_and_stops_early_with_tol(iris):
    X, y = iris
    # (tol=1e-2, n_iter_no_change=2 stopped it at epoch 4, still worse than
    # the class prior: that now warns "worse than predicting a constant")
    est = MLPClassifier(
        (8,), max_iter=5000, tol=1e-3, n_iter_no_change=5, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est.fit(X, y)
    assert est.n_iter_ < 5000


def test_warns_when_max_iter_reached(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        MLPClassifier((4,), max_iter=2, random_state=0).fit(X, y)


def test_sample_weight_zero_equals_dropping_samples_full_batch(iris):
    X, y = iris
    sw = np.ones(150)
    sw[::3] = 0
    kw = dict(hidden_layer_sizes=(6,), optimizer=LBFGS(), max_iter=30, random_state=0)
    a = MLPClassifier(**kw).fit(X, y, sample_weight=sw)
    b = MLPClassifier(**kw).fit(X[sw > 0], y[sw > 0])
    np.testing.assert_allclose(a.params_, b.params_, rtol=1e-7, atol=1e-9)


# --- bad input --------------------------------------------------------------


def test_nan_and_inf_are_rejected(iris):
    X, y = iris
    Xn = X.copy()
    Xn[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        MLPClassifier().fit(Xn, y)
    Xi = X.copy()
    Xi[3, 1] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        MLPRegressor().fit(Xi, y)
    with pytest.raises(ValueError, match="NaN"):
        MLPRegressor().fit(X, np.where(y == 1, np.nan, y))


def test_wrong_number_of_features_at_predict(iris):
    X, y = iris
    est = MLPClassifier((4,), max_iter=2, random_state=0).fit(X, y)
    with pytest.raises(
        ValueError, match="X has 3 features, but MLPClassifier is expecting 4 features"
    ):
        est.predict(X[:, :3])


def test_unknown_alias_negative_rate_and_non_optimizer(iris):
    X, y = iris
    with pytest.raises(InvalidParameterError, match="'optimizer' parameter"):
        MLPClassifier(optimizer="adamax").fit(X, y)
    with pytest.raises(InvalidParameterError, match="'learning_rate' parameter of SGD"):
        MLPClassifier(optimizer=SGD(learning_rate=-0.1)).fit(X, y)
    with pytest.raises(InvalidParameterError, match="optimizer"):
        MLPClassifier(optimizer=StandardScaler()).fit(X, y)
    with pytest.raises(TypeError, match="regularizers must be"):
        MLPClassifier(regularizers=[StandardScaler()]).fit(X, y)


def test_one_class_is_an_error(iris):
    X, _ = iris
    with pytest.raises(ValueError, match="at least 2 classes.*only one class"):
        MLPClassifier().fit(X, np.zeros(150))


def test_divergence_stops_with_a_clear_message_and_leaves_no_garbage(iris):
    X, y = iris
    est = MLPRegressor(
        (16,),
        activation="identity",
        optimizer=SGD(learning_rate=50.0),
        max_iter=50,
        random_state=0,
    )
    with pytest.raises(DivergenceError, match="smaller learning rate"):
        est.fit(X * 100, y * 1e3)
    with pytest.raises(NotFittedError):
        est.predict(X)
    # after a good fit, a diverging partial_fit restores the previous model
    est = MLPRegressor(
        (16,),
        activation="identity",
        optimizer=SGD(learning_rate=1e-3),
        max_iter=20,
        random_state=0,
    ).fit(X, y)
    before = est.predict(X)
    n_iter = est.n_iter_
    est.set_params(optimizer=SGD(learning_rate=1e6), batch_size=10)
    with pytest.raises(DivergenceError):
        est.partial_fit(X * 100, y * 1e3)
    np.testing.assert_array_equal(est.predict(X), before)
    assert est.n_iter_ == n_iter


def test_hidden_layer_sizes_validation(iris):
    X, y = iris
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        MLPClassifier(hidden_layer_sizes=(8, 0)).fit(X, y)


def test_partial_fit_keeps_state_with_nested_optimizer_config(iris):
    # a schedule inside the optimizer is compared by value, not identity
    from skoptim.schedules import CosineAnnealing

    X, y = iris
    est = MLPClassifier(
        (4,),
        optimizer=SGD(CosineAnnealing(0.1, t_max=5), momentum=0.9),
        batch_size=50,
        random_state=0,
    )
    for _ in range(3):
        est.partial_fit(X, y, classes=[0, 1, 2])
    assert est.optimizer_state_["t"] == 9 and est.optimizer_state_["epoch"] == 3


def test_optimizer_class_instead_of_object_is_explained(iris):
    X, y = iris
    with pytest.raises((TypeError, ValueError), match="optimizer"):
        MLPClassifier(optimizer=SGD).fit(X, y)


@pytest.mark.parametrize("dtype, tol", [(np.float64, 1e-12), (np.float32, 1e-5)])
def test_relu_predict_path_equals_the_plain_forward_pass(iris, dtype, tol):
    # predict folds each ReLU layer's bias into the next layer's offset; the
    # result must be the network's forward pass up to rounding
    X, y = iris
    X = X.astype(dtype)
    est = MLPClassifier((16, 8), max_iter=30, random_state=0).fit(X, y)
    a = X
    for W, b in zip(est.coefs_[:-1], est.intercepts_[:-1], strict=True):
        a = np.maximum(a @ W + b, 0)
    z = a @ est.coefs_[-1] + est.intercepts_[-1]
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(est.predict_proba(X), p, rtol=0, atol=tol)
