"""from_sklearn: a scikit-learn MLP becomes the equivalent skoptim estimator."""

import itertools
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier, MLPRegressor
from skoptim.neural_network import from_sklearn
from skoptim.optimizers import LBFGS, SGD, Adam
from skoptim.regularizers import L2, EarlyStopping
from skoptim.schedules import InverseScaling, ReduceOnPlateau

SHARED = dict(
    hidden_layer_sizes=(7, 3),
    activation="tanh",
    batch_size=17,
    max_iter=33,
    tol=1e-3,
    n_iter_no_change=4,
    shuffle=False,
    random_state=5,
    warm_start=True,
    verbose=False,
)


@pytest.mark.parametrize("cls", [SkMLPClassifier, SkMLPRegressor])
def test_shared_parameters_are_copied(cls):
    est = from_sklearn(cls(**SHARED))
    assert type(est) is (MLPClassifier if cls is SkMLPClassifier else MLPRegressor)
    params = est.get_params(deep=False)
    for k, v in SHARED.items():
        assert params[k] == v, k


def test_adam():
    est = from_sklearn(
        SkMLPClassifier(
            solver="adam",
            learning_rate_init=0.02,
            beta_1=0.8,
            beta_2=0.99,
            epsilon=1e-7,
            alpha=0.3,
        )
    )
    opt = est.optimizer
    assert type(opt) is Adam
    assert opt.get_params() == Adam(0.02, 0.8, 0.99, 1e-7).get_params()
    assert [type(r) for r in est.regularizers] == [L2]
    assert est.regularizers[0].alpha == 0.3


@pytest.mark.parametrize(
    "momentum, nesterov", list(itertools.product([0.0, 0.5, 0.9], [True, False]))
)
def test_sgd_constant_momentum_and_nesterov(momentum, nesterov):
    est = from_sklearn(
        SkMLPClassifier(
            solver="sgd",
            learning_rate_init=0.07,
            momentum=momentum,
            nesterovs_momentum=nesterov,
        )
    )
    opt = est.optimizer
    assert type(opt) is SGD and opt.learning_rate == 0.07
    assert opt.momentum == momentum
    assert opt.nesterov == (nesterov and momentum > 0)
    opt.validate()  # nesterov never without momentum


def test_sgd_invscaling_warns_and_keeps_the_power():
    with pytest.warns(UserWarning, match="batch_size \\*\\* power_t"):
        est = from_sklearn(
            SkMLPClassifier(
                solver="sgd",
                learning_rate="invscaling",
                learning_rate_init=0.1,
                power_t=0.25,
            )
        )
    lr = est.optimizer.learning_rate
    assert type(lr) is InverseScaling
    assert (lr.learning_rate, lr.power_t, lr.unit) == (0.1, 0.25, "step")


def test_sgd_adaptive_reduces_by_five_and_waits_for_all_reductions():
    est = from_sklearn(
        SkMLPClassifier(
            solver="sgd",
            learning_rate="adaptive",
            learning_rate_init=1e-3,
            n_iter_no_change=10,
            tol=1e-4,
        )
    )
    lr = est.optimizer.learning_rate
    assert type(lr) is ReduceOnPlateau
    assert lr.factor == 0.2 and lr.patience == 10 and lr.threshold == 1e-4
    assert lr.learning_rate == 1e-3
    # 1e-3 / 5**k <= 1e-6 first at k = 5; scikit-learn stops at the 6th
    # trigger, after 6 * 11 epochs without improvement
    assert 1e-3 / 5**4 > 1e-6 >= 1e-3 / 5**5
    assert est.n_iter_no_change == 6 * 11 - 1


def test_lbfgs():
    est = from_sklearn(
        SkMLPClassifier(solver="lbfgs", tol=1e-6, max_fun=123, early_stopping=True)
    )
    assert type(est.optimizer) is LBFGS
    assert est.optimizer.tol == 1e-6 and est.optimizer.max_fun == 123
    # scikit-learn ignores early_stopping with lbfgs; so does the conversion
    assert [type(r) for r in est.regularizers] == [L2]


@pytest.mark.parametrize("solver", ["adam", "sgd"])
def test_early_stopping(solver):
    est = from_sklearn(
        SkMLPClassifier(
            solver=solver,
            early_stopping=True,
            validation_fraction=0.2,
            n_iter_no_change=7,
            tol=1e-3,
            alpha=0.0,
        )
    )
    (es,) = est.regularizers
    assert type(es) is EarlyStopping
    assert es.validation_fraction == 0.2 and es.patience == 8
    assert es.min_delta == 1e-3 and es.monitor == "score"
    assert es.restore_best_weights


def test_no_alpha_no_penalty():
    assert from_sklearn(SkMLPClassifier(alpha=0.0)).regularizers is None


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_regressor_loss(loss):
    sk = SkMLPRegressor()
    if "loss" not in sk.get_params():
        pytest.skip("this scikit-learn's MLPRegressor has no loss parameter")
    assert from_sklearn(sk.set_params(loss=loss)).loss == loss


@pytest.mark.parametrize(
    "solver, schedule, early_stopping",
    list(
        itertools.product(
            ["adam", "sgd", "lbfgs"],
            ["constant", "invscaling", "adaptive"],
            [False, True],
        )
    ),
)
def test_every_solver_setting_converts_and_fits(solver, schedule, early_stopping):
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X[:200])
    sk = SkMLPClassifier(
        (8,),
        solver=solver,
        learning_rate=schedule,
        early_stopping=early_stopping,
        max_iter=3,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est = from_sklearn(sk)
        est.fit(X, y[:200])
    assert est.n_iter_ >= 1
    if solver == "sgd" and schedule == "invscaling":
        with pytest.warns(UserWarning):
            from_sklearn(sk)


def test_errors_say_what_cannot_be_mapped():
    with pytest.raises(TypeError, match="MLPClassifier or MLPRegressor"):
        from_sklearn(LogisticRegression())
    with pytest.raises(TypeError, match="MLPClassifier or MLPRegressor"):
        from_sklearn(MLPClassifier())
    with pytest.raises(ValueError, match="solver='newton'"):
        from_sklearn(SkMLPClassifier().set_params(solver="newton"))
    with pytest.raises(ValueError, match="learning_rate='cyclic'"):
        from_sklearn(SkMLPClassifier(solver="sgd").set_params(learning_rate="cyclic"))

    class Future(SkMLPClassifier):
        def __init__(self, hidden_layer_sizes=(100,), *, dropout=0.5):
            super().__init__(hidden_layer_sizes)
            self.dropout = dropout

    with pytest.raises(ValueError, match=r"\['dropout'\]"):
        from_sklearn(Future())


def test_fitted_estimator_converts_to_an_unfitted_one():
    X, y = load_digits(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk = SkMLPClassifier((4,), max_iter=2).fit(X, y)
    est = from_sklearn(sk)
    assert not hasattr(est, "coefs_")


@pytest.fixture(scope="module")
def digits_split():
    X, y = load_digits(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    return train_test_split(X, y, test_size=0.5, random_state=0, stratify=y)


@pytest.mark.parametrize(
    "config",
    [
        dict(solver="adam"),
        dict(solver="sgd", learning_rate_init=0.05),
        dict(solver="sgd", momentum=0.0, learning_rate_init=0.1),
        dict(solver="sgd", learning_rate="adaptive", learning_rate_init=0.05),
        dict(solver="lbfgs", max_iter=25),
    ],
    ids=lambda c: "-".join(f"{v}" for v in c.values()),
)
@pytest.mark.parametrize("seed", [0, 1])
def test_converted_model_scores_within_one_point_on_digits(digits_split, config, seed):
    Xtr, Xte, ytr, yte = digits_split
    params = dict(hidden_layer_sizes=(32,), max_iter=40, random_state=seed)
    params.update(config)
    sk = SkMLPClassifier(**params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        sk_score = sk.fit(Xtr, ytr).score(Xte, yte)
        est = from_sklearn(sk)
        score = est.fit(Xtr, ytr).score(Xte, yte)
    assert sk_score > 0.85
    assert abs(score - sk_score) <= 0.01
    assert np.isfinite(est.loss_)
