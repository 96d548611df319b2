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
    # ceil(0.2 n) = 20 rows held out (by class, largest remainders first);
    # t_ counts rows trained on
    n_train = 100 - 20
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


# -- issue 10, point 3: validation edge cases --------------------------------------
X8 = np.arange(8.0).reshape(-1, 1)


def test_score_on_a_one_row_validation_split_is_refused():
    est = MLPRegressor(
        (3,), regularizers=[EarlyStopping(monitor="score", patience=3)], random_state=1
    )
    with pytest.raises(ValueError, match="validation set is too small for the score"):
        est.fit(X8[:3], [1.0, 1.0, 2.0])
    # the same through validation_data, and through weights (one positive row)
    with pytest.raises(ValueError, match=r"at least 2 validation samples.*got 1"):
        est.fit(X8, X8.ravel(), validation_data=(X8[:1], [1.0]))
    with pytest.raises(ValueError, match=r"at least 2 validation samples.*got 1"):
        est.fit(X8, X8.ravel(), validation_data=(X8[:3], [1.0, 2, 3], [0, 1.0, 0]))
    # monitoring the loss on the same split is fine
    MLPRegressor(
        (3,), regularizers=[EarlyStopping(patience=3)], max_iter=5, random_state=1
    ).fit(X8[:3], [1.0, 1.0, 2.0])


def test_score_on_constant_validation_targets_is_refused():
    est = MLPRegressor((3,), regularizers=[EarlyStopping(monitor="score")])
    with pytest.raises(ValueError, match="every validation target is the same"):
        est.fit(X8, X8.ravel(), validation_data=(X8[:3], [2.0, 2.0, 2.0]))


def test_nan_score_during_training_is_an_error(noisy):
    Xtr, ytr, Xval, yval = noisy
    est = _overfitter([EarlyStopping(monitor="score")], max_iter=5)
    est._score_output = lambda out, y, sw: float("nan")
    with pytest.raises(ValueError, match="validation score is NaN at epoch 1"):
        est.fit(Xtr, ytr, validation_data=(Xval, yval))


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_non_finite_validation_loss_is_a_divergence(value):
    from types import SimpleNamespace

    from skoptim.exceptions import DivergenceError

    es = EarlyStopping()
    es._key = 0
    ctx = SimpleNamespace(
        state={0: {"active": True, "best_epoch": None, "best": np.inf, "wait": 0}},
        val_loss=value,
        val_score=0.5,
        epoch=3,
        estimator=SimpleNamespace(loss_=1.0),
    )
    with pytest.raises(DivergenceError, match=f"validation loss became {value}"):
        es.on_epoch_end(ctx, 1.0)


@pytest.mark.parametrize("seed", range(60))
def test_weighted_split_holds_out_a_positive_weight_row_for_every_seed(seed):
    est = MLPClassifier(
        (3,), regularizers=[EarlyStopping()], max_iter=3, random_state=seed
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X8[:6], [0, 0, 0, 1, 1, 1], sample_weight=[1, 0, 0, 1, 1, 0])
    # 3 positive rows: ceil(0.1 * 3) = 1 held out, from class 1 (class 0 has
    # one positive row, which stays in training); the other 5 rows train
    assert est.t_ == 5 * est.n_iter_
    assert np.isfinite(est.validation_loss_curve_).all()


def test_time_order_split_with_zero_weight_rows_at_the_end():
    sw = np.array([1.0] * 8 + [0.0] * 2)
    X, y = np.arange(10.0).reshape(-1, 1), np.arange(10.0)
    es = EarlyStopping(validation_fraction=0.2, shuffle=False, patience=2)
    est = MLPRegressor((3,), regularizers=[es], max_iter=4, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y, sample_weight=sw)
    # P = 8 positive rows, ceil(0.2 * 8) = 2 held out: rows 6, 7 (and the
    # zero-weight rows 8, 9 after them); rows 0-5 train
    assert est.t_ == 6 * est.n_iter_


def test_validation_fraction_rounding_is_exact():
    from skoptim.regularizers._early_stopping import _n_held_out

    assert _n_held_out(0.1, 30) == 3  # 0.1 * 30 = 3.0000000000000004
    assert _n_held_out(0.7, 10) == 7  # 0.7 * 10 = 7.000000000000001
    assert _n_held_out(0.1, 31) == 4
    assert _n_held_out(0.5, 1) == 0


def test_stratified_split_holds_out_ceil_of_the_fraction_not_a_sum_of_floors():
    # 10 classes of 9 rows, validation_fraction=0.1: each floor(0.9) = 0, yet
    # ceil(0.1 * 90) = 9 rows are held out, one from each of 9 classes
    X = np.random.RandomState(0).randn(90, 2)
    y = np.repeat(np.arange(10), 9)
    est = _overfitter([EarlyStopping()], max_iter=2)
    est.fit(X, y)
    assert est.t_ == 81 * 2


def _check_split(n_rows, frac, y, sw, seed):
    from skoptim.regularizers._early_stopping import _random_split

    train, val = _random_split(n_rows, frac, y, np.random.RandomState(seed), sw)
    assert np.array_equal(np.sort(np.concatenate([train, val])), np.arange(n_rows))
    pos = np.ones(n_rows, bool) if sw is None else sw > 0
    P = int(pos.sum())
    assert pos[val].all()  # only positive-weight rows are held out
    if y is None:
        assert len(val) == min(int(np.ceil(round(frac * P, 9))), P - 1)
        return
    y = np.asarray(y)
    classes = np.unique(y[pos])
    assert len(val) == min(int(np.ceil(round(frac * P, 9))), P - len(classes))
    p = {c: int(np.sum(pos & (y == c))) for c in classes}
    share = {c: int(np.floor(round(frac * p[c], 9))) for c in classes}
    # no class is capped (all could give one more than their floor): then the
    # remainder goes at most one row per class
    uncapped = all(share[c] + 1 <= p[c] - 1 for c in classes)
    for c in classes:
        # every class keeps a positive-weight row in training, and gives
        # its share: floor(frac * P_c), or one more
        assert np.any(pos[train] & (y[train] == c))
        v_c = int(np.sum(y[val] == c))
        assert v_c >= min(share[c], p[c] - 1)
        if uncapped:
            assert v_c <= share[c] + 1


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(
    labels=st.lists(st.integers(0, 3), min_size=2, max_size=60),
    zero=st.lists(st.booleans(), min_size=60, max_size=60),
    frac=st.floats(0.01, 0.99),
    seed=st.integers(0, 2**31 - 2),
    weighted=st.booleans(),
    stratified=st.booleans(),
)
def test_random_split_invariants(labels, zero, frac, seed, weighted, stratified):
    n_rows = len(labels)
    sw = None
    if weighted:
        sw = np.where(np.array(zero[:n_rows]), 0.0, 1.5)
        if not np.any(sw > 0):
            sw[0] = 1.0
    _check_split(n_rows, frac, labels if stratified else None, sw, seed)


# -- issue 10, point 6: state across fit / warm_start / partial_fit -----------------
def test_warm_start_refit_keeps_the_same_split(noisy):
    # fit(3 epochs) + warm-started fit(4 epochs) is exactly fit(7 epochs): the
    # second fit holds out the same rows (no row trained on enters validation)
    Xtr, ytr, _, _ = noisy
    es = EarlyStopping(patience=1000, restore_best_weights=False)
    kw = dict(batch_size=32, random_state=0, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        a = _overfitter([es], max_iter=3, warm_start=True, **kw).fit(Xtr, ytr)
        a.set_params(max_iter=4).fit(Xtr, ytr)
        b = _overfitter([clone(es)], max_iter=7, **kw).fit(Xtr, ytr)
    np.testing.assert_array_equal(a.params_, b.params_)
    assert a.validation_loss_curve_ == b.validation_loss_curve_
    assert a.n_iter_ == 7


def test_warm_start_with_a_new_split_warns(noisy):
    Xtr, ytr, _, _ = noisy
    est = _overfitter([EarlyStopping()], max_iter=2, warm_start=True)
    est.fit(Xtr, ytr)
    with pytest.warns(UserWarning, match="new validation split.*already trained"):
        est.fit(Xtr[:90], ytr[:90])  # other rows: a new split
    est.partial_fit(Xtr, ytr)  # trains on every row, held-out ones too
    with pytest.warns(UserWarning, match="new validation split"):
        est.fit(Xtr[:90], ytr[:90])
    # a cold fit never warns
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.set_params(warm_start=False).fit(Xtr, ytr)


def test_warm_started_fit_that_only_gets_worse_ends_where_it_started(noisy):
    Xtr, ytr, Xval, yval = noisy
    est = _overfitter([EarlyStopping(patience=3)], warm_start=True)
    est.fit(Xtr, ytr, validation_data=(Xval, yval))
    first_best, first_n = est.best_epoch_, est.n_iter_
    params = est.params_.copy()
    # a learning rate that makes every epoch of the refit worse
    est.set_params(optimizer__learning_rate=5.0)
    est.fit(Xtr, ytr, validation_data=(Xval, yval))
    assert est.n_iter_ == first_n + 3  # patience epochs, none improving
    assert min(est.validation_loss_curve_[first_n:]) > est.best_validation_loss_
    # the weights it started from are kept, attributed to their epoch
    np.testing.assert_array_equal(est.params_, params)
    assert est.best_epoch_ == first_best
    assert est.best_validation_loss_ == est.validation_loss_curve_[first_best - 1]
    # curves stay aligned with loss_curve_ (the start point is not recorded)
    assert len(est.validation_loss_curve_) == len(est.loss_curve_) == est.n_iter_


def test_warm_started_fit_that_improves_keeps_its_own_best(noisy):
    Xtr, ytr, Xval, yval = noisy
    est = _overfitter([EarlyStopping(patience=3)], warm_start=True, max_iter=3)
    est.fit(Xtr, ytr, validation_data=(Xval, yval))  # stopped by max_iter
    est.set_params(max_iter=300).fit(Xtr, ytr, validation_data=(Xval, yval))
    assert est.best_epoch_ > 3
    best = int(np.argmin(est.validation_loss_curve_))
    assert est.best_epoch_ == best + 1
    np.testing.assert_allclose(
        _log_loss(est, Xval, yval), est.validation_loss_curve_[best], rtol=1e-10
    )
