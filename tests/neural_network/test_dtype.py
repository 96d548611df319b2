"""The model's dtype: the ``dtype`` parameter (issue 11, point 4) and dtype
across calls (issue 10, point 7)."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from skoptim import MLPClassifier, MLPRegressor
from skoptim.regularizers import EarlyStopping

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


@pytest.mark.parametrize("Est", [MLPClassifier, MLPRegressor])
@pytest.mark.parametrize("later", [np.float64, np.int64])
def test_partial_fit_casts_to_the_models_dtype(iris, Est, later):
    # fit in float32, then partial_fit with float64 or integer X
    X, y = iris
    est = Est((4,), max_iter=3, random_state=0).fit(X.astype(np.float32), y)
    est.partial_fit((X * 10).astype(later), y)
    assert est.params_.dtype == np.float32
    assert est.predict(X).dtype == (np.float32 if Est is MLPRegressor else y.dtype)


@pytest.mark.parametrize("Est", [MLPClassifier, MLPRegressor])
def test_dtype_float32_trains_in_float32_from_float64_input(iris, Est):
    X, y = iris
    assert X.dtype == np.float64
    est = Est((4,), max_iter=5, random_state=0, dtype="float32").fit(X, y)
    assert est.params_.dtype == np.float32
    assert all(W.dtype == np.float32 for W in est.coefs_)
    # the same model as fitting the float32 cast with dtype=None
    ref = Est((4,), max_iter=5, random_state=0).fit(X.astype(np.float32), y)
    np.testing.assert_array_equal(est.params_, ref.params_)
    out = est.predict_proba(X) if Est is MLPClassifier else est.predict(X)
    assert out.dtype == np.float32


@pytest.mark.parametrize("Est", [MLPClassifier, MLPRegressor])
def test_dtype_float64_trains_in_float64_from_float32_input(iris, Est):
    X, y = iris
    est = Est((4,), max_iter=5, random_state=0, dtype="float64")
    est.fit(X.astype(np.float32), y)
    assert est.params_.dtype == np.float64
    est.partial_fit(X.astype(np.float32), y)
    assert est.params_.dtype == np.float64


def test_dtype_with_sparse_and_integer_input(iris):
    X, y = iris
    Xi = np.round(X * 10).astype(np.int64)
    est = MLPRegressor((4,), max_iter=3, dtype="float32").fit(sp.csr_matrix(Xi), y)
    assert est.params_.dtype == np.float32
    assert est.predict(sp.csc_matrix(Xi)).dtype == np.float32
    est = MLPRegressor((4,), max_iter=3).fit(Xi, y)  # None: integers -> float64
    assert est.params_.dtype == np.float64


def test_validation_data_follows_the_models_dtype(iris):
    X, y = iris
    est = MLPClassifier((4,), max_iter=3, random_state=0, dtype="float32")
    est.fit(X, y, validation_data=(X, y, np.ones(len(y))))
    assert est.params_.dtype == np.float32 and len(est.validation_scores_) == 3
    est = MLPClassifier(
        (4,), regularizers=[EarlyStopping()], max_iter=3, dtype="float32"
    ).fit(X, y)
    assert est.params_.dtype == np.float32


def test_warm_start_follows_the_models_dtype(iris):
    X, y = iris
    est = MLPRegressor((4,), max_iter=3, warm_start=True, random_state=0)
    est.fit(X.astype(np.float32), y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)  # float64 input continues the float32 model
    assert est.params_.dtype == np.float32 and est.n_iter_ == 6


def test_changing_dtype_between_calls(iris):
    X, y = iris
    est = MLPRegressor((4,), max_iter=3, warm_start=True, dtype="float32").fit(X, y)
    est.set_params(dtype="float64")
    with pytest.raises(ValueError, match="dtype='float64' differs"):
        est.partial_fit(X, y)
    assert est.params_.dtype == np.float32
    with pytest.warns(UserWarning, match="from scratch"):
        est.fit(X, y)
    assert est.params_.dtype == np.float64 and est.n_iter_ == 3


# np.float32 (the numpy type) is accepted since the user trial: see
# test_user_trial.py::test_numpy_dtypes_are_accepted_and_stored_verbatim
@pytest.mark.parametrize("bad", ["float16", "double", "f4", np.float16, 32])
def test_invalid_dtype(iris, bad):
    X, y = iris
    with pytest.raises(InvalidParameterError, match="'dtype' parameter"):
        MLPRegressor((4,), dtype=bad).fit(X, y)


def test_dtype_is_a_plain_parameter():
    est = MLPClassifier(dtype="float32")
    assert est.get_params()["dtype"] == "float32"
    assert clone(est).dtype == "float32"
    assert MLPRegressor().dtype is None
