"""Every public estimator survives pickle, joblib and skops.io unchanged.

Issue 11, point 6: a fitted estimator's state is public skoptim classes,
numpy arrays and builtins, so ``skops.io.get_untrusted_types`` asks the user
to trust only classes they can name (``skoptim.MLPClassifier`` and the
optimizers and regularizers they configured), never private helpers or
``numpy.dtype``. A loaded model predicts exactly as the saved one and keeps
training (``partial_fit``, ``warm_start``) exactly as the saved one would.
"""

from __future__ import annotations

import copy
import inspect
import pickle
import warnings

import joblib
import numpy as np
import pytest
from sklearn.base import BaseEstimator, is_classifier
from sklearn.datasets import load_iris, make_regression

from skoptim.neural_network import MLPClassifier, MLPRegressor
from skoptim.optimizers import SAM, Adam, Optimizer
from skoptim.regularizers import (
    Augmentation,
    BatchNormalization,
    Dropout,
    EarlyStopping,
    RandomShift,
    Regularizer,
)
from skoptim.utils._params import ParamsObject
from tests._discovery import public_classes

skops_io = pytest.importorskip("skops.io")

PUBLIC = public_classes(abstract=True)
PUBLIC_CLASSES = set(PUBLIC.values())
ESTIMATORS = sorted(
    (
        c
        for c in PUBLIC.values()
        if issubclass(c, BaseEstimator)
        and not issubclass(c, ParamsObject)
        and not inspect.isabstract(c)
        and hasattr(c, "fit")
    ),
    key=lambda c: c.__name__,
)
OPTIMIZERS = sorted(
    (c for c in PUBLIC_CLASSES if issubclass(c, Optimizer) and c is not Optimizer),
    key=lambda c: c.__name__,
)
REGULARIZERS = sorted(
    (c for c in PUBLIC_CLASSES if issubclass(c, Regularizer) and c is not Regularizer),
    key=lambda c: c.__name__,
)

IRIS = load_iris(return_X_y=True)
REG = make_regression(80, 4, noise=0.1, random_state=0)


def _data(est):
    return IRIS if is_classifier(est) else REG


def _mlp(cls, **kw):
    kw.setdefault("max_iter", 15)
    return cls((5,), random_state=0, **kw)


def _member(cls):
    """An MLP base for an ensemble (gradient boosting takes a regressor)."""
    if "Classifier" in cls.__name__ and "Gradient" not in cls.__name__:
        return _mlp(MLPClassifier, max_iter=5)
    return _mlp(MLPRegressor, max_iter=5)


def _instances():
    """(id, unfitted estimator): every public estimator, ensembles twice."""
    out = []
    for cls in ESTIMATORS:
        if issubclass(cls, (MLPClassifier, MLPRegressor)):
            out.append((cls.__name__, _mlp(cls)))
            continue
        out.append((cls.__name__, cls(n_estimators=3, random_state=0)))
        out.append(
            (f"{cls.__name__}-mlp", cls(_member(cls), n_estimators=2, random_state=0))
        )
    full = MLPClassifier(
        (6, 4),
        optimizer=SAM(Adam(1e-2)),
        regularizers=[BatchNormalization(), Dropout(0.2), EarlyStopping(patience=3)],
        max_iter=15,
        random_state=0,
    )
    out.append(("MLPClassifier-sam-bn-dropout-es", full))
    for opt in OPTIMIZERS:
        est = _mlp(MLPClassifier, optimizer=opt())
        out.append((f"MLPClassifier-{opt.__name__}", est))
    for reg in REGULARIZERS:
        # Augmentation needs a transform: a public one, iris' 4 features as
        # a 2 x 2 "image" (skops then trusts only public classes)
        obj = reg(RandomShift((2, 2))) if reg is Augmentation else reg()
        out.append(
            (f"MLPClassifier-{reg.__name__}", _mlp(MLPClassifier, regularizers=[obj]))
        )
    return out


INSTANCES = _instances()
IDS = [i for i, _ in INSTANCES]
_FITTED = {}


def _fitted(name):
    """The fitted estimator ``name`` (fitted once per session, then copied)."""
    if name not in _FITTED:
        est = dict(INSTANCES)[name]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _FITTED[name] = est.fit(*_data(est))
    return _FITTED[name]


def _outputs(est, X):
    methods = ("predict", "predict_proba", "predict_log_proba", "decision_function")
    return {m: getattr(est, m)(X) for m in methods if hasattr(est, m)}


def _assert_same_outputs(a, b, X):
    out_a, out_b = _outputs(a, X), _outputs(b, X)
    assert out_a.keys() == out_b.keys() and "predict" in out_a
    for m in out_a:
        np.testing.assert_array_equal(out_b[m], out_a[m], err_msg=m)


def _roundtrip(est, how, tmp_path):
    if how == "pickle":
        return pickle.loads(pickle.dumps(est))
    if how == "joblib":
        joblib.dump(est, tmp_path / "model.joblib")
        return joblib.load(tmp_path / "model.joblib")
    if how == "joblib-mmap":  # read-only memory maps of the arrays
        joblib.dump(est, tmp_path / "model.joblib")
        return joblib.load(tmp_path / "model.joblib", mmap_mode="r")
    if how == "deepcopy":
        return copy.deepcopy(est)
    data = skops_io.dumps(est)
    return skops_io.loads(data, trusted=skops_io.get_untrusted_types(data=data))


HOW = ["pickle", "joblib", "joblib-mmap", "skops", "deepcopy"]


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("name", IDS)
def test_roundtrip_gives_identical_predictions(name, how, tmp_path):
    est = _fitted(name)
    loaded = _roundtrip(est, how, tmp_path)
    assert type(loaded) is type(est) and loaded is not est
    _assert_same_outputs(est, loaded, _data(est)[0])


def _is_public_skoptim(type_name):
    """``module.Class`` names a class exported by skoptim's public namespace."""
    if not type_name.startswith("skoptim."):
        return False
    cls = PUBLIC.get(type_name.rsplit(".", 1)[-1])
    return cls is not None and f"{cls.__module__}.{cls.__qualname__}" == type_name


@pytest.mark.parametrize("name", IDS)
def test_skops_asks_to_trust_only_public_classes(name):
    untrusted = skops_io.get_untrusted_types(data=skops_io.dumps(_fitted(name)))
    # scikit-learn's own types (a tree's sklearn.tree._tree.Tree) are
    # scikit-learn's business; skoptim's must all be public classes
    ours = [t for t in untrusted if not t.startswith("sklearn.")]
    assert ours and all(_is_public_skoptim(t) for t in ours), ours
    assert "numpy.dtype" not in untrusted


def _walk(obj, path="state"):
    """Yield (path, object) for every object that is not a plain container."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            assert isinstance(k, (str, int)), f"{path}: key {k!r}"
            yield from _walk(v, f"{path}[{k!r}]")
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            yield from _walk(v, f"{path}[{i}]")
    else:
        yield path, obj


_ALLOWED = (
    type(None),
    bool,
    int,
    float,
    str,
    np.generic,
    np.random.RandomState,
    np.random.Generator,
)


@pytest.mark.parametrize(
    "name", [i for i in IDS if i.startswith(("MLPClassifier", "MLPRegressor"))]
)
def test_mlp_fitted_state_is_arrays_builtins_and_public_classes(name):
    est = _fitted(name)
    for path, obj in _walk(est.__getstate__()):
        if isinstance(obj, np.ndarray):
            assert obj.dtype.kind in "biuf", f"{path}: dtype {obj.dtype}"
        elif isinstance(obj, _ALLOWED):
            pass
        elif type(obj) in PUBLIC_CLASSES:
            for sub_path, sub in _walk(vars(obj), path):
                assert isinstance(sub, (*_ALLOWED, Optimizer, Regularizer)) or (
                    type(sub) in PUBLIC_CLASSES
                ), f"{sub_path}: {type(sub)}"
        else:  # only scikit-learn's own label encoder besides
            assert type(obj).__module__.startswith("sklearn."), f"{path}: {type(obj)}"


@pytest.mark.parametrize("how", ["pickle", "skops"])
def test_loaded_mlp_parameters_are_views_of_one_buffer(how, tmp_path):
    est = _roundtrip(_fitted("MLPClassifier-sam-bn-dropout-es"), how, tmp_path)
    buf = est.params_
    assert buf.flags.writeable and buf.flags.c_contiguous
    for W, b in zip(est.coefs_, est.intercepts_, strict=True):
        assert np.shares_memory(W, buf) and np.shares_memory(b, buf)
    est.coefs_[0][0, 0] = 123.0
    assert 123.0 in buf
    # batch norm's running statistics are arrays, bound again for predict
    state = est.regularizer_state_[0]
    assert all(isinstance(a, np.ndarray) for a in state["running_mean"])


def _same_training_state(a, b):
    np.testing.assert_array_equal(a.params_, b.params_)
    assert a.n_iter_ == b.n_iter_ and a.t_ == b.t_
    assert a.optimizer_state_["t"] == b.optimizer_state_["t"]
    assert a.loss_curve_ == b.loss_curve_


@pytest.mark.parametrize("how", ["pickle", "joblib", "joblib-mmap", "skops"])
def test_partial_fit_after_loading_continues_as_before(how, tmp_path):
    X, y = IRIS
    est = MLPClassifier(
        (6,),
        optimizer=SAM(Adam(1e-2)),
        regularizers=[BatchNormalization(), Dropout(0.2)],
        batch_size=32,
        random_state=0,
    )
    for _ in range(2):
        est.partial_fit(X, y, classes=[0, 1, 2])
    loaded = _roundtrip(est, how, tmp_path)
    t_before = est.optimizer_state_["t"]
    for _ in range(2):
        est.partial_fit(X, y)
        loaded.partial_fit(X, y)
    assert loaded.optimizer_state_["t"] == t_before + 2 * 5  # 5 batches an epoch
    _same_training_state(est, loaded)
    _assert_same_outputs(est, loaded, X)


@pytest.mark.parametrize("how", ["pickle", "skops"])
def test_warm_start_after_loading_continues_as_before(how, tmp_path):
    X, y = REG
    est = MLPRegressor(
        (6,),
        regularizers=[BatchNormalization()],
        max_iter=5,
        warm_start=True,
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X, y)
        loaded = _roundtrip(est, how, tmp_path)
        est.fit(X, y)
        loaded.fit(X, y)
    assert loaded.n_iter_ == 10
    _same_training_state(est, loaded)
    _assert_same_outputs(est, loaded, X)


def test_unfitted_estimators_roundtrip():
    est = MLPClassifier((3,), optimizer=SAM(Adam()))
    for loaded in (
        pickle.loads(pickle.dumps(est)),
        skops_io.loads(
            skops_io.dumps(est),
            trusted=skops_io.get_untrusted_types(data=skops_io.dumps(est)),
        ),
    ):
        assert repr(loaded) == repr(est)
        assert "_network" not in vars(loaded)
