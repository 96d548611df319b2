"""EarlyStopping, validation_data and validation curves."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_moons, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier, MLPRegressor
from skoptim.optimizers import LBFGS, Adam
from skoptim.regularizers import EarlyStopping, LabelSmoothing, Mixup

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def noisy():
    """A small noisy problem that a wide network overfits after ~20 epochs."""
    rng = np.random.RandomState(0)
    X, y = make_moons(n_samples=400, noise=0.3, random_state=0)
    X = StandardScaler().fit_transform(np.hstack([X, rng.randn(400, 6)]))
    return X[:100], y[:100], X[100:], y[100:]


def _overfitter(regs, **kw):
    params = dict(
        optimizer=Adam(0.003), batch_size=32, max_iter=300, random_state=0, tol=0.0
    )
    params.update(kw)
    return MLPClassifier((64,), regularizers=regs, **params)


def _log_loss(est, X, y):
    P = est.predict_proba(X)
    Y = np.eye(P.shape[1])[np.searchsorted(est.classes_, y)]
    return float(-(Y * np.log(np.clip(P, 1e-15, 1))).sum(axis=1).mean())


def test_stops_early_and_restores_best_epoch(noisy):
    Xtr, ytr, Xval, yval = noisy
    est = _overfitter([EarlyStopping(patience=10)])
    est.fit(Xtr, ytr, validation_data=(Xval, yval))
    curve = est.validation_loss_curve_
    assert est.n_iter_ < 300
    assert len(curve) == len(est.loss_curve_) == len(est.validation_scores_)
    best = int(np.argmin(curve))
    assert est.best_epoch_ == best + 1
    assert est.n_iter_ == est.best_epoch_ + 10  # patience epochs after the best
    # the weights kept are the best epoch's: same validation loss as recorded
    np.testing.assert_allclose(_log_loss(est, Xval, yval), curve[best], rtol=1e-10)
    assert est.best_validation_loss_ == curve[best]
    np.testing.assert_allclose(
        est.score(Xval, yval), est.validation_scores_[best], rtol=1e-12
    )
    # the problem does overfit: validation loss rose after the best epoch,
    # which is neither the first nor the last
    assert curve[-1] > curve[best]
    assert 5 < est.best_epoch_ < est.n_iter_


def test_without_restore_keeps_last_weights(noisy):
    Xtr, ytr, Xval, yval = noisy
    est = _overfitter([EarlyStopping(patience=5, restore_best_weights=False)])
    est.fit(Xtr, ytr, validation_data=(Xval, yval))
    np.testing.assert_allclose(
        _log_loss(est, Xval, yval), est.validation_loss_curve_[-1], rtol=1e-10
    )


def test_monitor_score_and_min_delta(noisy):
    Xtr, ytr, Xval, yval = noisy
    est = _overfitter([EarlyStopping(patience=3, monitor="score", min_delta=0.05)])
    est.fit(Xtr, ytr, validation_data=(Xval, yval))
    scores = np.array(est.validation_scores_)
    # after the kept epoch no later epoch beat it by more than min_delta
    kept = est.best_epoch_ - 1
    assert np.all(scores[kept + 1 :] <= scores[kept] + 0.05)
    assert len(scores) == kept + 1 + 3
    assert est.score(Xval, yval) == pytest.approx(scores[kept])


def test_validation_data_without_early_stopping_records_curves(noisy):
    Xtr, ytr, Xval, yval = noisy
    est = _overfitter(None, max_iter=20).fit(Xtr, ytr, validation_data=(Xval, yval))
    assert est.n_iter_ == 20
    assert len(est.validation_loss_curve_) == 20
    np.testing.assert_allclose(
        _log_loss(est, Xval, yval), est.validation_loss_curve_[-1], rtol=1e-10
    )
    assert est.validation_scores_[-1] == pytest.approx(est.score(Xval, yval))
    assert not hasattr(est, "best_epoch_")


def test_validation_loss_ignores_label_smoothing(noisy):
    Xtr, ytr, Xval, yval = noisy
    est = _overfitter([LabelSmoothing(0.3)], max_iter=5)
    est.fit(Xtr, ytr, validation_data=(Xval, yval))
    np.testing.assert_allclose(
        _log_loss(est, Xval, yval), est.validation_loss_curve_[-1], rtol=1e-10
    )


def test_internal_split_is_stratified_and_reproducible(noisy):
    Xtr, ytr, _, _ = noisy
    est = _overfitter([EarlyStopping(validation_fraction=0.2)], max_iter=30)
    est.fit(Xtr, ytr)
    again = clone(est).fit(Xtr, ytr)
    np.testing.assert_array_equal(est.params_, again.params_)
    assert est.validation_loss_curve_ == again.validation_loss_curve_
    # floor(0.2 n_c) rows of each class held out; t_ counts rows trained on
    n_train = 100 - sum(int(0.2 * c) for c in np.bincount(ytr))
    assert est.t_ == n_train * est.n_iter_


def test_time_order_split_holds_out_the_last_rows(noisy):
    Xtr, ytr, _, _ = noisy
    es = EarlyStopping(validation_fraction=0.2, shuffle=False, patience=5)
    a = _overfitter([es]).fit(Xtr, ytr)
    b = _overfitter([clone(es)]).fit(
        Xtr[:80], ytr[:80], validation_data=(Xtr[80:], ytr[80:])
    )
    np.testing.assert_array_equal(a.params_, b.params_)
    assert a.validation_loss_curve_ == b.validation_loss_curve_


def test_regressor_split_and_sample_weight():
    X, y = make_regression(n_samples=120, n_features=5, noise=5.0, random_state=0)
    y = y / 100
    sw = np.linspace(0.5, 1.5, 120)
    est = MLPRegressor(
        (16,), optimizer=Adam(0.01), regularizers=[EarlyStopping()], random_state=0
    ).fit(X, y, sample_weight=sw)
    assert len(est.validation_loss_curve_) == est.n_iter_
    assert est.best_validation_score_ == pytest.approx(max(est.validation_scores_))


def test_training_loss_tol_does_not_preempt_early_stopping(noisy):
    Xtr, ytr, Xval, yval = noisy
    kw = dict(tol=1e3, n_iter_no_change=2, max_iter=40)
    alone = _overfitter(None, **kw).fit(Xtr, ytr)
    assert alone.n_iter_ <= 4  # tol this large stops as soon as it may
    es = _overfitter([EarlyStopping(patience=1000)], **kw)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        es.fit(Xtr, ytr, validation_data=(Xval, yval))
    assert es.n_iter_ == 40
    assert any(issubclass(x.category, ConvergenceWarning) for x in w)


def test_works_with_lbfgs(noisy):
    Xtr, ytr, Xval, yval = noisy
    est = MLPClassifier(
        (64,),
        optimizer=LBFGS(),
        regularizers=[EarlyStopping(patience=5)],
        max_iter=300,
        random_state=0,
    ).fit(Xtr, ytr, validation_data=(Xval, yval))
    assert est.n_iter_ < 300
    best = int(np.argmin(est.validation_loss_curve_))
    np.testing.assert_allclose(
        _log_loss(est, Xval, yval), est.validation_loss_curve_[best], rtol=1e-8
    )


def test_partial_fit_ignores_early_stopping(noisy):
    Xtr, ytr, _, _ = noisy
    est = _overfitter([EarlyStopping()])
    for _ in range(3):
        est.partial_fit(Xtr, ytr, classes=[0, 1])
    assert est.n_iter_ == 3
    assert est.t_ == 3 * 100
    assert est.validation_loss_curve_ == []


def test_cross_val_score_matches_fitting_each_fold_by_hand(noisy):
    Xtr, ytr, Xval, yval = noisy
    X, y = np.vstack([Xtr, Xval]), np.concatenate([ytr, yval])
    est = MLPClassifier(
        (16,),
        optimizer=Adam(0.01),
        regularizers=[EarlyStopping(patience=3), Mixup(0.3)],
        max_iter=50,
        random_state=0,
    )
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    scores = cross_val_score(est, X, y, cv=cv)
    by_hand = [
        clone(est).fit(X[tr], y[tr]).score(X[te], y[te]) for tr, te in cv.split(X, y)
    ]
    np.testing.assert_array_equal(scores, by_hand)
    # and the user's regularizer objects were never fitted
    assert not hasattr(est, "validation_loss_curve_")
    assert est.regularizers[0].get_params() == EarlyStopping(patience=3).get_params()


def test_regressor_cross_val_with_mixup_and_early_stopping():
    X, y = make_regression(n_samples=90, n_features=4, noise=1.0, random_state=1)
    y = y / 50
    est = MLPRegressor(
        (8,),
        optimizer=Adam(0.01),
        regularizers=[Mixup(0.2), EarlyStopping(patience=3)],
        max_iter=40,
        random_state=0,
    )
    cv = KFold(3)
    scores = cross_val_score(est, X, y, cv=cv)
    by_hand = [
        clone(est).fit(X[tr], y[tr]).score(X[te], y[te]) for tr, te in cv.split(X)
    ]
    np.testing.assert_array_equal(scores, by_hand)


# -- bad input ---------------------------------------------------------------------
def test_two_early_stoppings_is_an_error(noisy):
    Xtr, ytr, _, _ = noisy
    with pytest.raises(ValueError, match="EarlyStopping twice"):
        _overfitter([EarlyStopping(), EarlyStopping(patience=2)]).fit(Xtr, ytr)


def test_split_leaving_a_class_out_of_training_is_an_error():
    X = np.random.RandomState(0).randn(40, 3)
    y = np.repeat([0, 1, 2], [18, 18, 4])  # class 2 only in the last rows
    es = EarlyStopping(validation_fraction=0.1, shuffle=False)
    with pytest.raises(
        ValueError, match=r"EarlyStopping\(validation_fraction=0.1\).*class\(es\) \[2\]"
    ):
        _overfitter([es]).fit(X, y)


def test_split_too_small_is_an_error():
    X, y = np.arange(6.0).reshape(3, 2), np.array([0, 1, 2])
    with pytest.raises(ValueError, match=r"validation_fraction=0.5.*n_samples=3"):
        _overfitter([EarlyStopping(validation_fraction=0.5)]).fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(validation_fraction=1.0), "validation_fraction"),
        (dict(validation_fraction=0.0), "validation_fraction"),
        (dict(patience=0), "patience"),
        (dict(min_delta=-1.0), "min_delta"),
        (dict(monitor="accuracy"), "monitor"),
    ],
)
def test_bad_parameters(noisy, params, match):
    Xtr, ytr, _, _ = noisy
    with pytest.raises(ValueError, match=rf"'{match}' parameter of EarlyStopping"):
        _overfitter([EarlyStopping(**params)]).fit(Xtr, ytr)


def test_bad_validation_data(noisy):
    Xtr, ytr, Xval, yval = noisy
    est = _overfitter(None, max_iter=2)
    with pytest.raises(ValueError, match="validation_data must be a tuple"):
        est.fit(Xtr, ytr, validation_data=Xval)
    with pytest.raises(ValueError, match="validation_data:.*labels"):
        est.fit(Xtr, ytr, validation_data=(Xval, yval + 5))
    with pytest.raises(ValueError, match="features"):
        est.fit(Xtr, ytr, validation_data=(Xval[:, :3], yval))
    with pytest.raises(ValueError, match="validation_data: X_val has"):
        est.fit(Xtr, ytr, validation_data=(Xval, yval[:10]))
