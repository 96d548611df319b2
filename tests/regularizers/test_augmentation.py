"""Augmentation: a user's transform of the training batches, and nowhere else."""

import copy
import pickle

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import BaseEstimator, clone
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import GridSearchCV

from skoptim import MLPClassifier, MLPRegressor
from skoptim.optimizers import LBFGS, Adam
from skoptim.regularizers import (
    L2,
    Augmentation,
    EarlyStopping,
    Mixup,
    RandomShift,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def jitter(X, rng):
    """A module-level transform (picklable): small Gaussian noise."""
    return X + 0.01 * rng.standard_normal(X.shape)


class Recorder:
    """Identity transform that records the row ids (column 0) it sees."""

    def __init__(self, calls):
        self.calls = calls

    def __call__(self, X, rng):
        self.calls.append(X[:, 0].astype(int).copy())
        return X

    def __deepcopy__(self, memo):  # clone keeps the same record
        return self


def _data(n=60, seed=0):
    X, y = make_classification(
        n_samples=n, n_features=4, n_informative=3, n_redundant=0, random_state=seed
    )
    X[:, 0] = np.arange(n)  # a row id the recorder can read
    return X, y


def _three_classes():
    return make_classification(
        n_samples=60,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        n_classes=3,
        random_state=0,
    )


def _clf(regs, **kw):
    kw = {"optimizer": Adam(1e-3), "max_iter": 3, "batch_size": 16} | kw
    return MLPClassifier((5,), regularizers=regs, random_state=0, **kw)


# -- where the transform runs ----------------------------------------------------


def test_p1_passes_every_training_row_once_per_epoch():
    X, y = _data()
    calls = []
    est = _clf([Augmentation(Recorder(calls), p=1.0)], max_iter=4).fit(X, y)
    seen = np.concatenate(calls)
    assert est.n_iter_ == 4
    np.testing.assert_array_equal(np.bincount(seen, minlength=len(y)), 4)
    # one call per batch: ceil(60 / 16) = 4 batches per epoch
    assert len(calls) == 4 * 4


def test_p0_never_calls_the_transform_and_equals_no_augmentation():
    X, y = _data()
    calls = []
    with_p0 = _clf([Augmentation(Recorder(calls), p=0.0)]).fit(X, y)
    plain = _clf([]).fit(X, y)
    assert calls == []
    np.testing.assert_array_equal(with_p0.coefs_[0], plain.coefs_[0])


def test_p_is_the_fraction_of_rows_transformed():
    X, y = _data(n=400)
    calls = []
    _clf([Augmentation(Recorder(calls), p=0.3)], max_iter=5, batch_size=50).fit(X, y)
    fraction = sum(len(c) for c in calls) / (5 * 400)
    # binomial(2000, 0.3): standard deviation 0.01
    assert 0.25 < fraction < 0.35


def test_predict_and_score_never_call_the_transform():
    X, y = _data()
    calls = []
    est = _clf([Augmentation(Recorder(calls))]).fit(X, y)
    n_calls = len(calls)
    proba = est.predict_proba(X)
    est.predict(X), est.score(X, y)
    assert len(calls) == n_calls
    # and prediction is the plain network: an identity augmentation with the
    # same random draws gives the same model as a transform that is skipped
    np.testing.assert_array_equal(est.predict_proba(X), proba)


def test_validation_rows_are_never_transformed():
    X, y = _data(n=100)
    calls = []
    est = _clf(
        [
            EarlyStopping(validation_fraction=0.2, patience=50),
            Augmentation(Recorder(calls)),
        ],
        max_iter=3,
    ).fit(X, y)
    seen = np.unique(np.concatenate(calls))
    assert len(seen) == 80  # only the training part of the split
    # the explicit validation_data are untouched too
    calls.clear()
    Xv, yv = _data(n=30, seed=1)
    Xv[:, 0] += 1000
    _clf([Augmentation(Recorder(calls))]).fit(X, y, validation_data=(Xv, yv))
    assert np.concatenate(calls).max() < 100
    assert len(est.validation_loss_curve_) == est.n_iter_


def test_user_data_are_not_mutated_by_an_in_place_transform():
    X, y = _data()
    X_before = X.copy()

    def in_place(X, rng):
        X += 1.0
        return X

    for shuffle in (False, True):
        _clf([Augmentation(in_place)], shuffle=shuffle).fit(X, y)
        np.testing.assert_array_equal(X, X_before)


def test_the_transformed_rows_are_what_the_network_trains_on():
    # a transform that replaces every input by zeros leaves the first layer's
    # weights without gradient: only the biases move
    X, y = _data()

    def zeros(X, rng):
        return np.zeros_like(X)

    one = _clf([Augmentation(zeros)], max_iter=1).fit(X, y)
    three = _clf([Augmentation(zeros)], max_iter=3).fit(X, y)
    np.testing.assert_array_equal(three.coefs_[0], one.coefs_[0])
    assert not np.array_equal(three.intercepts_[0], one.intercepts_[0])
    # without the transform the same fits do move the first layer
    plain_one = _clf([], max_iter=1).fit(X, y)
    plain_three = _clf([], max_iter=3).fit(X, y)
    assert not np.array_equal(plain_three.coefs_[0], plain_one.coefs_[0])


def test_full_batch_optimizer_transforms_the_training_set_once():
    X, y = _data()
    calls = []
    with pytest.warns(UserWarning, match="one fixed copy"):
        _clf([Augmentation(Recorder(calls))], optimizer=LBFGS(), max_iter=20).fit(X, y)
    assert len(calls) == 1 and len(calls[0]) == len(y)


def test_partial_fit_transforms_each_call():
    X, y = _data()
    calls = []
    est = _clf([Augmentation(Recorder(calls))])
    est.partial_fit(X, y, classes=np.unique(y))
    est.partial_fit(X, y)
    assert sum(len(c) for c in calls) == 2 * len(y)


# -- randomness ------------------------------------------------------------------


def test_random_state_fixes_the_draws():
    X, y = _data()
    aug = [Augmentation(jitter, p=0.5)]
    a = _clf(aug).set_params(random_state=3).fit(X, y)
    b = _clf(aug).set_params(random_state=3).fit(X, y)
    c = _clf(aug).set_params(random_state=4).fit(X, y)
    # the same network start, only the augmentation's draws differ
    d = _clf([Augmentation(jitter, p=0.5)]).fit(X, y)
    np.testing.assert_array_equal(a.coefs_[0], b.coefs_[0])
    assert not np.array_equal(d.coefs_[0], _clf([]).fit(X, y).coefs_[0])
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])


def test_the_transform_gets_a_numpy_generator():
    X, y = _data()
    kinds = []

    def spy(X, rng):
        kinds.append(type(rng))
        return X

    _clf([Augmentation(spy)], max_iter=1).fit(X, y)
    assert set(kinds) == {np.random.Generator}


# -- targets ---------------------------------------------------------------------


def test_target_form_changes_the_regression_targets():
    X, y = make_regression(n_samples=80, n_features=3, random_state=0)
    shapes = []

    def constant_target(X, Y, rng):
        shapes.append(Y.shape)
        return X, np.full_like(Y, 5.0)

    est = MLPRegressor(
        (8,),
        optimizer=Adam(0.05),
        regularizers=[Augmentation(constant_target)],
        max_iter=200,
        random_state=0,
    ).fit(X, y)
    assert shapes[0] == (min(80, 200), 1)
    # trained on the transform's targets only: a constant near 5
    assert np.mean(est.predict(X)) == pytest.approx(5.0, abs=0.1)
    assert np.std(est.predict(X)) < 0.2 < np.std(y)


def test_target_form_sees_one_hot_rows_for_a_multiclass_classifier():
    X, y = _three_classes()
    seen = []

    def spy(X, Y, rng):
        seen.append(Y.copy())
        return X, Y

    _clf([Augmentation(spy)], max_iter=1).fit(X, y)
    Y = np.concatenate(seen)
    assert Y.shape[1] == 3
    np.testing.assert_array_equal(Y.sum(axis=1), 1.0)


def test_combines_with_mixup_and_l2():
    X, y = _data()
    est = _clf([Augmentation(jitter), Mixup(0.2), L2(1e-3)]).fit(X, y)
    assert est.score(X, y) > 0.3


# -- bad input -------------------------------------------------------------------


@pytest.mark.parametrize("p", [-0.1, 1.5, "half"])
def test_p_outside_unit_interval_is_refused(p):
    X, y = _data()
    with pytest.raises(ValueError, match="'p' parameter"):
        _clf([Augmentation(jitter, p=p)]).fit(X, y)


def test_wrong_shape_from_the_transform_is_refused():
    X, y = _data()

    def drops_a_column(X, rng):
        return X[:, 1:]

    with pytest.raises(ValueError, match=r"returned X of shape \(16, 3\).*\(16, 4\)"):
        _clf([Augmentation(drops_a_column)]).fit(X, y)


def test_transform_that_returns_none_is_refused():
    X, y = _data()

    def forgets_return(X, rng):
        X += 1.0

    with pytest.raises(TypeError, match="returned None.*forget"):
        _clf([Augmentation(forgets_return)]).fit(X, y)


def test_non_finite_output_is_refused():
    X, y = _data()

    def nan(X, rng):
        return X * np.nan

    with pytest.raises(ValueError, match="NaN or infinite"):
        _clf([Augmentation(nan)]).fit(X, y)


@pytest.mark.parametrize(
    "transform, match",
    [
        ("shift", "'transform' parameter"),
        (lambda X: X, "neither form"),
        (lambda X, a, b, c: X, "neither form"),
    ],
)
def test_transform_of_the_wrong_kind_is_refused(transform, match):
    X, y = _data()
    with pytest.raises((TypeError, ValueError), match=match):
        _clf([Augmentation(transform)]).fit(X, y)


def test_a_failed_fit_leaves_the_estimator_unfitted():
    X, y = _data()

    def bad(X, rng):
        return X[:1]

    est = _clf([Augmentation(bad)])
    with pytest.raises(ValueError):
        est.fit(X, y)
    assert not hasattr(est, "coefs_")


def test_image_shape_that_does_not_match_the_features_is_refused():
    X, y = _data()  # 4 features
    with pytest.raises(ValueError, match=r"image_shape=\(3, 3\).*9 pixels.*4 features"):
        _clf([Augmentation(RandomShift((3, 3)))]).fit(X, y)


def test_sparse_input_is_refused_unless_the_transform_accepts_it():
    X, y = _data()
    Xs = sp.csr_matrix(X)
    est = _clf([Augmentation(jitter)])
    assert not est.__sklearn_tags__().input_tags.sparse
    with pytest.raises(TypeError, match="sparse.*toarray.*accept_sparse = True"):
        est.fit(Xs, y)

    calls = []

    def scale(X, rng):
        calls.append(X.format)
        return X * 1.01

    scale.accept_sparse = True
    est = _clf([Augmentation(scale, p=0.5)])
    assert est.__sklearn_tags__().input_tags.sparse
    est.fit(Xs, y)
    assert calls and set(calls) == {"csr"}
    assert _clf([]).__sklearn_tags__().input_tags.sparse


def test_sparse_rows_are_put_back_in_place():
    # a sparse-aware transform that zeroes its rows: the others keep theirs
    X = sp.csr_matrix(np.arange(1, 13, dtype=float).reshape(6, 2))

    def zero(X, rng):
        return X * 0.0

    zero.accept_sparse = True
    aug = Augmentation(zero, p=0.5)
    rows = np.array([1, 4])
    merged = aug._merge(X, sp.csr_matrix((2, 2)), rows, {}, "X")
    expected = X.toarray()
    expected[rows] = 0.0
    np.testing.assert_array_equal(merged.toarray(), expected)


def test_alias_string_explains_that_a_transform_is_needed():
    X, y = _data()
    with pytest.raises(ValueError, match="needs the transform"):
        _clf(["augmentation"]).fit(X, y)


# -- scikit-learn integration ------------------------------------------------------


def test_grid_search_reaches_p_and_the_transform_parameters():
    rng = np.random.RandomState(0)
    X = rng.rand(60, 9)
    y = (X[:, 4] > 0.5).astype(int)
    est = _clf([Augmentation(RandomShift((3, 3)))], max_iter=2)
    grid = {
        "regularizers__augmentation__p": [0.5, 1.0],
        "regularizers__augmentation__transform__max_shift": [0, 1],
    }
    search = GridSearchCV(est, grid, cv=2).fit(X, y)
    assert set(search.best_params_) == set(grid)
    best = search.best_estimator_.regularizers[0]
    assert best.p == search.best_params_["regularizers__augmentation__p"]
    assert (
        best.transform.max_shift
        == search.best_params_["regularizers__augmentation__transform__max_shift"]
    )
    # the estimator the user passed is untouched
    assert est.regularizers[0].p == 1.0 and est.regularizers[0].transform.max_shift == 1


def test_clone_copies_the_transform_object():
    aug = Augmentation(RandomShift((8, 8), max_shift=2), p=0.4)
    c = clone(aug)
    assert c.transform is not aug.transform
    assert c.transform.get_params() == aug.transform.get_params()
    assert c.p == 0.4


def test_module_level_transform_pickles_with_the_fitted_model():
    X, y = _data()
    est = _clf([Augmentation(jitter)]).fit(X, y)
    again = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(again.predict_proba(X), est.predict_proba(X))
    assert again.regularizers_[0].transform is jitter


def test_lambda_transform_fails_to_pickle_with_a_clear_message():
    X, y = _data()
    est = _clf([Augmentation(lambda X, rng: X)]).fit(X, y)
    with pytest.raises(pickle.PicklingError, match="module level"):
        pickle.dumps(est)
    # copying, cloning and cloudpickle (joblib's workers) still work
    copy.deepcopy(est)
    clone(est)
    cloudpickle = pytest.importorskip("cloudpickle")

    again = pickle.loads(cloudpickle.dumps(est))
    np.testing.assert_array_equal(again.predict(X), est.predict(X))


def test_float32_fit_casts_the_transform_output():
    X, y = _data()

    def to_float64(X, rng):
        return X.astype(np.float64)

    est = _clf([Augmentation(to_float64)], dtype=np.float32).fit(X, y)
    assert est.coefs_[0].dtype == np.float32


def test_a_transform_class_instead_of_an_instance_is_explained():
    X, y = _data()
    with pytest.raises(TypeError, match=r"the class RandomShift; pass an instance"):
        _clf([Augmentation(RandomShift)]).fit(X, y)


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")  # np.matrix
@pytest.mark.parametrize(
    "returned, match",
    [
        (lambda X: X.tolist(), "returned list; it must return X as a numpy array"),
        (lambda X: np.asmatrix(X), "returned matrix"),
        (lambda X: sp.csr_matrix(X), "scipy.sparse X for a dense input"),
    ],
)
def test_a_transform_must_return_a_numpy_array(returned, match):
    X, y = _data()

    def transform(X, rng):
        return returned(X)

    with pytest.raises(TypeError, match=match):
        _clf([Augmentation(transform)]).fit(X, y)


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda Y: -Y, r"outside \[0, 1\]"),
        (lambda Y: 0.5 * Y, "sum to 1"),
    ],
)
def test_classifier_targets_must_stay_probabilities(change, match):
    X, y = _three_classes()

    def transform(X, Y, rng):
        return X, change(Y)

    with pytest.raises(ValueError, match=match):
        _clf([Augmentation(transform)]).fit(X, y)
    # soft labels that are still distributions are fine (e.g. a mix)
    ok = _clf([Augmentation(lambda X, Y, rng: (X, 0.9 * Y + 0.1 / 3))])
    ok.fit(X, y)


class NoiseEstimator(BaseEstimator):
    """A scikit-learn-style transform: searchable, without constraints."""

    def __init__(self, scale=0.1):
        self.scale = scale

    def __call__(self, X, rng):
        return X + self.scale * rng.standard_normal(X.shape)


def test_a_scikit_learn_style_transform_is_fitted_and_searched():
    X, y = _data()
    est = _clf([Augmentation(NoiseEstimator())], max_iter=2)
    est.fit(X, y)
    search = GridSearchCV(
        est, {"regularizers__augmentation__transform__scale": [0.0, 0.2]}, cv=2
    ).fit(X, y)
    assert search.best_params_["regularizers__augmentation__transform__scale"] in (
        0.0,
        0.2,
    )


def test_the_target_form_is_read_from_the_parameter_names():
    X, y = _three_classes()
    calls = []

    def with_default_rng(X, Y, rng=None):
        calls.append(Y.shape)
        return X, Y

    _clf([Augmentation(with_default_rng)], max_iter=1).fit(X, y)
    assert calls and all(shape[1] == 3 for shape in calls)


def test_a_tuple_from_the_label_preserving_form_names_the_form_it_was_read_as():
    X, y = _data()

    def reads_as_x_form(X, labels, rng=None):  # not named Y: taken as (X, rng)
        return X, labels

    with pytest.raises(TypeError, match=r"reads as the form transform\(X, rng\)"):
        _clf([Augmentation(reads_as_x_form)]).fit(X, y)


def test_predict_is_the_plain_network_at_the_fitted_weights():
    # a model trained with augmentation predicts exactly as a model without
    # it that holds the same weights: nothing of the transform is in predict
    X, y = _data()
    augmented = _clf([Augmentation(jitter)]).fit(X, y)
    plain = _clf([], max_iter=1).fit(X, y)
    plain.params_[...] = augmented.params_
    np.testing.assert_array_equal(plain.predict_proba(X), augmented.predict_proba(X))
    np.testing.assert_array_equal(plain.predict(X), augmented.predict(X))
