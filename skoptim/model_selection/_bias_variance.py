"""Bias–variance decomposition of the expected test loss by bootstrap refitting.

The public entry points are :func:`bias_variance_decomposition`, which refits
clones of an estimator on resampled training sets, and
:func:`bias_variance_from_predictions`, which decomposes an already computed
``(n_rounds, n_test)`` matrix of predictions. The arithmetic lives in the
latter so that it can be checked on hand-written tables.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from joblib import Parallel, delayed
from sklearn.base import clone, is_classifier, is_regressor
from sklearn.utils import _safe_indexing, check_random_state, indexable
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import _num_samples

from ..utils._warnings import warn_user
from ._bias_variance_results import (
    SquaredErrorDecomposition,
    ZeroOneDecomposition,
    _readonly,
)

__all__ = [
    "SquaredErrorDecomposition",
    "ZeroOneDecomposition",
    "bias_variance_decomposition",
    "bias_variance_from_predictions",
]

_LOSSES = ("squared_error", "zero_one")
_SEED_MAX = np.iinfo(np.int32).max


# --------------------------------------------------------------------------
# Validation helpers
# --------------------------------------------------------------------------


def _check_loss(loss: Any, estimator: Any = None) -> str:
    """Validate ``loss``; with an estimator, resolve ``"auto"`` from its kind.

    ``"auto"`` is ``"zero_one"`` (Domingos) for a classifier and
    ``"squared_error"`` otherwise: class numbers are labels, not quantities.
    """
    allowed = _LOSSES if estimator is None else ("auto", *_LOSSES)
    if not isinstance(loss, str) or loss not in allowed:
        raise ValueError(
            f"loss={loss!r} is not supported; use one of {list(allowed)} "
            "('squared_error' for regression, 'zero_one' for classification)."
        )
    if loss == "auto":
        try:
            classifier = is_classifier(estimator)
        except (AttributeError, TypeError):  # not an estimator: refused later
            classifier = False
        return "zero_one" if classifier else "squared_error"
    return loss


def _check_1d(y: Any, name: str) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D (one target per sample), got an array of shape "
            f"{y.shape}; multi-output targets are not supported. Pass a 1-D "
            "array (e.g. y.ravel() for a single column)."
        )
    return y


def _check_numeric_targets(y: np.ndarray, name: str) -> np.ndarray:
    if y.dtype.kind not in "biuf":
        raise ValueError(
            f"loss='squared_error' needs numeric {name}, got dtype {y.dtype}. "
            "Use loss='zero_one' for categorical labels."
        )
    y = y.astype(np.float64)
    if not np.all(np.isfinite(y)):
        raise ValueError(
            f"{name} contains NaN or infinite values; remove or impute them first."
        )
    return y


def _encode_labels(*arrays: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """Map labels of any comparable type to codes 0..K-1 (sorted order)."""
    arrays = tuple(np.asarray(a) for a in arrays)
    kinds = {"n" if a.dtype.kind in "biuf" else a.dtype.kind for a in arrays}
    if kinds in ({"n"}, {"U"}, {"S"}):
        flat = np.concatenate([a.ravel() for a in arrays])
    else:
        # Object or mixed dtypes: compare the Python objects themselves, so that
        # 1 and "1" stay different labels instead of being cast to strings.
        flat = np.concatenate([a.astype(object).ravel() for a in arrays])
    try:
        classes, codes = np.unique(flat, return_inverse=True)
    except TypeError as exc:
        raise TypeError(
            "The labels in y_test, y_test_true and the predictions must be "
            "mutually comparable (e.g. all strings or all numbers); got mixed "
            f"types: {sorted({type(v).__name__ for v in flat})}."
        ) from exc
    out = []
    start = 0
    for a in arrays:
        size = np.asarray(a).size
        out.append(codes[start : start + size].reshape(np.shape(a)))
        start += size
    return classes, out


# --------------------------------------------------------------------------
# Core arithmetic on a predictions matrix
# --------------------------------------------------------------------------


def _decompose_squared_error(
    predictions: np.ndarray, y: np.ndarray, y_true: np.ndarray | None
) -> SquaredErrorDecomposition:
    pred = _check_numeric_targets(predictions, "predictions")
    y = _check_numeric_targets(y, "y_test")
    main = pred.mean(axis=0)
    loss_i = ((y[None, :] - pred) ** 2).mean(axis=0)
    var_i = ((pred - main[None, :]) ** 2).mean(axis=0)
    if y_true is None:
        bias2_i = (y - main) ** 2
        noise_i = cross_i = None
    else:
        f = _check_numeric_targets(y_true, "y_test_true")
        bias2_i = (f - main) ** 2
        noise_i = (y - f) ** 2
        cross_i = 2.0 * (y - f) * (f - main)
    return SquaredErrorDecomposition(
        loss="squared_error",
        n_rounds=pred.shape[0],
        expected_loss=float(loss_i.mean()),
        bias_squared=float(bias2_i.mean()),
        variance=float(var_i.mean()),
        noise=None if noise_i is None else float(noise_i.mean()),
        cross_term=None if cross_i is None else float(cross_i.mean()),
        main_prediction=_readonly(main),
        expected_loss_per_sample=_readonly(loss_i),
        bias_squared_per_sample=_readonly(bias2_i),
        variance_per_sample=_readonly(var_i),
        noise_per_sample=None if noise_i is None else _readonly(noise_i),
        cross_term_per_sample=None if cross_i is None else _readonly(cross_i),
        predictions=_readonly(pred),
    )


def _decompose_zero_one(
    predictions: np.ndarray, y: np.ndarray, y_true: np.ndarray | None
) -> ZeroOneDecomposition:
    n_rounds, n_test = predictions.shape
    arrays = [predictions, y] if y_true is None else [predictions, y, y_true]
    classes, codes = _encode_labels(*arrays)
    pred_c, y_c = codes[0], codes[1]
    star_c = y_c if y_true is None else codes[2]
    n_classes = len(classes)

    # counts[i, k] = number of rounds predicting class k for test point i.
    cols = np.broadcast_to(np.arange(n_test), pred_c.shape)
    counts = np.bincount(
        (cols * n_classes + pred_c).ravel(), minlength=n_test * n_classes
    ).reshape(n_test, n_classes)
    freq = counts / n_rounds
    rows = np.arange(n_test)

    main_c = np.argmax(counts, axis=1)  # first maximum = smallest label
    p_main = freq[rows, main_c]
    p_star = freq[rows, star_c]
    p_obs = freq[rows, y_c]

    loss_i = 1.0 - p_obs
    bias_i = (main_c != star_c).astype(np.float64)
    var_i = 1.0 - p_main
    # c2 * V: V when unbiased; -P(y_hat = y*) = -P(y_hat = y* | y_hat != y_m) V
    # when biased (y* != y_m implies {y_hat = y*} is inside {y_hat != y_m}).
    net_var_i = np.where(bias_i == 0.0, var_i, -p_star)
    if y_true is None:
        noise_i = net_noise_i = None
    else:
        noise_i = (y_c != star_c).astype(np.float64)
        net_noise_i = noise_i * (p_star - p_obs)

    # Take the main prediction from the predictions themselves (keeps dtype).
    first_round = np.argmax(pred_c == main_c[None, :], axis=0)
    main_pred = predictions[first_round, rows]
    return ZeroOneDecomposition(
        loss="zero_one",
        n_rounds=n_rounds,
        expected_loss=float(loss_i.mean()),
        bias=float(bias_i.mean()),
        variance=float(var_i.mean()),
        unbiased_variance=float(((1.0 - bias_i) * var_i).mean()),
        biased_variance=float((bias_i * var_i).mean()),
        net_variance=float(net_var_i.mean()),
        noise=None if noise_i is None else float(noise_i.mean()),
        net_noise=None if net_noise_i is None else float(net_noise_i.mean()),
        main_prediction=_readonly(main_pred),
        expected_loss_per_sample=_readonly(loss_i),
        bias_per_sample=_readonly(bias_i),
        variance_per_sample=_readonly(var_i),
        net_variance_per_sample=_readonly(net_var_i),
        noise_per_sample=None if noise_i is None else _readonly(noise_i),
        net_noise_per_sample=None if net_noise_i is None else _readonly(net_noise_i),
        predictions=_readonly(np.array(predictions)),
    )


def bias_variance_from_predictions(
    predictions: Any,
    y_test: Any,
    *,
    loss: str = "squared_error",
    y_test_true: Any = None,
) -> SquaredErrorDecomposition | ZeroOneDecomposition:
    r"""Decompose the loss of a matrix of predictions into bias and variance.

    This is the arithmetic behind :func:`bias_variance_decomposition`, exposed
    for predictions obtained some other way (e.g. members of an ensemble or
    models trained on independently drawn data sets).

    Parameters
    ----------
    predictions : array-like of shape (n_rounds, n_test)
        ``predictions[r, i]`` is the prediction of model ``r`` for test point
        ``i``. Numbers for ``loss="squared_error"``; labels of any mutually
        comparable type (strings, integers, booleans, ...) for
        ``loss="zero_one"``.
    y_test : array-like of shape (n_test,)
        Observed test targets.
    loss : {"squared_error", "zero_one"}, default="squared_error"
        The loss to decompose.
    y_test_true : array-like of shape (n_test,), default=None
        Noise-free targets (regression function values, or Bayes-optimal
        labels), e.g. from a known generating process. When given, bias is
        measured against them and the noise is reported separately.

    Returns
    -------
    result : SquaredErrorDecomposition or ZeroOneDecomposition
        See those classes for the exact definitions and identities.

    Raises
    ------
    ValueError
        For an unknown ``loss``, ``predictions`` that is not 2-D or has no
        row or no column, ``y_test`` or ``y_test_true`` that is not 1-D or
        does not match the number of columns, or (``"squared_error"``)
        non-numeric or non-finite predictions or targets.
    TypeError
        For ``"zero_one"`` labels of mutually incomparable types.

    Warns
    -----
    UserWarning
        When ``predictions`` has a single round (the variance is then 0).

    See Also
    --------
    bias_variance_decomposition : Computes the predictions by bootstrap refits.

    References
    ----------
    .. [1] S. Geman, E. Bienenstock and R. Doursat, "Neural networks and the
       bias/variance dilemma", Neural Computation 4(1), 1992.
    .. [2] P. Domingos, "A unified bias-variance decomposition and its
       applications", ICML 2000, pp. 231-238.

    Examples
    --------
    >>> from skoptim.model_selection import bias_variance_from_predictions
    >>> res = bias_variance_from_predictions(
    ...     [["a", "b"], ["a", "a"], ["b", "a"]], ["a", "b"], loss="zero_one")
    >>> res.main_prediction.tolist(), round(res.expected_loss, 4)
    (['a', 'a'], 0.5)
    >>> res.bias, round(res.net_variance, 4)
    (0.5, 0.0)
    """
    loss = _check_loss(loss)
    pred = np.asarray(predictions)
    if pred.ndim != 2:
        raise ValueError(
            "predictions must be 2-D of shape (n_rounds, n_test), got shape "
            f"{pred.shape}."
        )
    y = _check_1d(y_test, "y_test")
    if pred.shape[1] != y.shape[0]:
        raise ValueError(
            f"predictions has {pred.shape[1]} columns but y_test has "
            f"{y.shape[0]} samples; they must match (one column per test point)."
        )
    if pred.shape[0] < 1:
        raise ValueError("predictions must contain at least one row (round).")
    if pred.shape[1] < 1:
        raise ValueError(
            "predictions and y_test have no test point (n_test=0); every quantity "
            "is a mean over test points, so at least one is needed."
        )
    if pred.shape[0] == 1:
        warn_user(
            "predictions has a single round: the variance is 0 by construction "
            "and the loss is all bias. Give the predictions of several models "
            "(rounds) to estimate a variance.",
            UserWarning,
        )
    y_true = None
    if y_test_true is not None:
        y_true = _check_1d(y_test_true, "y_test_true")
        if y_true.shape[0] != y.shape[0]:
            raise ValueError(
                f"y_test_true has {y_true.shape[0]} samples but y_test has "
                f"{y.shape[0]}; they must have the same length."
            )
    if loss == "squared_error":
        return _decompose_squared_error(pred, y, y_true)
    return _decompose_zero_one(pred, y, y_true)


# --------------------------------------------------------------------------
# Refitting
# --------------------------------------------------------------------------


def _resolve_n_draw(max_samples: Any, n_train: int, bootstrap: bool) -> int:
    if isinstance(max_samples, numbers.Integral) and not isinstance(max_samples, bool):
        if not 1 <= max_samples <= n_train:
            raise ValueError(
                f"max_samples={max_samples} is out of range: an integer must be "
                f"between 1 and the number of training samples ({n_train})."
            )
        n_draw = int(max_samples)
    elif isinstance(max_samples, numbers.Real) and not isinstance(max_samples, bool):
        if not 0.0 < max_samples <= 1.0:
            raise ValueError(
                f"max_samples={max_samples} is out of range: a float must be a "
                "fraction of the training set in (0, 1]."
            )
        n_draw = int(max_samples * n_train)
        if n_draw < 1:
            raise ValueError(
                f"max_samples={max_samples} draws {n_draw} of {n_train} training "
                "samples; increase it so that at least one sample is drawn."
            )
    else:
        raise TypeError(
            f"max_samples must be an int or a float, got {max_samples!r} "
            f"({type(max_samples).__name__})."
        )
    if not bootstrap and n_draw == n_train:
        warn_user(
            "bootstrap=False with max_samples covering the whole training set: "
            "every round trains on the same data, so the variance only reflects "
            "the estimator's own randomness. Use bootstrap=True or "
            "max_samples < 1.0 to vary the training set.",
            UserWarning,
        )
    return n_draw


def _check_estimator_and_loss(estimator: Any, loss: str, y_train: np.ndarray) -> None:
    for method in ("fit", "predict"):
        if not callable(getattr(estimator, method, None)):
            raise TypeError(
                f"estimator must implement fit and predict; {estimator!r} has no "
                f"'{method}' method."
            )
    if loss == "zero_one":
        if is_regressor(estimator):
            raise ValueError(
                f"loss='zero_one' needs a classifier, but {estimator!r} is a "
                "regressor. Use loss='squared_error'."
            )
        if type_of_target(y_train) == "continuous":
            raise ValueError(
                "loss='zero_one' needs class labels, but y_train is continuous. "
                "Use loss='squared_error' for regression targets."
            )
    else:
        if is_classifier(estimator) and y_train.dtype.kind not in "biuf":
            raise ValueError(
                f"loss='squared_error' with the classifier {estimator!r} needs "
                f"numeric class labels, got dtype {y_train.dtype}. Use "
                "loss='zero_one' for classifiers."
            )
        if y_train.dtype.kind not in "biuf":
            raise ValueError(
                f"loss='squared_error' needs numeric y_train, got dtype "
                f"{y_train.dtype}. Use loss='zero_one' for class labels."
            )


def _seed_unset_random_states(estimator: Any, rng: np.random.RandomState) -> Any:
    """Give every ``random_state`` parameter left at None a fixed seed."""
    params = estimator.get_params(deep=True)
    to_set = {
        key: int(rng.randint(_SEED_MAX))
        for key in sorted(params)
        if (key == "random_state" or key.endswith("__random_state"))
        and params[key] is None
    }
    if to_set:
        estimator.set_params(**to_set)
    return estimator


def _fit_predict_round(
    estimator: Any,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    indices: np.ndarray,
) -> np.ndarray:
    estimator.fit(_safe_indexing(X_train, indices), _safe_indexing(y_train, indices))
    return np.asarray(estimator.predict(X_test))


def bias_variance_decomposition(
    estimator: Any,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    *,
    loss: str = "auto",
    n_rounds: int = 200,
    max_samples: int | float = 1.0,
    bootstrap: bool = True,
    y_test_true: Any = None,
    n_jobs: int | None = None,
    random_state: int | np.random.RandomState | None = None,
) -> SquaredErrorDecomposition | ZeroOneDecomposition:
    r"""Estimate the bias–variance decomposition of an estimator's test loss.

    A clone of ``estimator`` is fitted on each of ``n_rounds`` resampled
    training sets (bootstrap draws by default) and predicts ``X_test``; the
    resulting ``(n_rounds, n_test)`` prediction matrix is decomposed by
    :func:`bias_variance_from_predictions`. The resampling stands in for the
    unknown distribution of training sets, as in [3]_.

    For squared error (:class:`SquaredErrorDecomposition`), with
    :math:`\bar f` the mean prediction over rounds and :math:`f` the
    noise-free target:

    .. math::

        \underbrace{\tfrac1n\sum_i \tfrac1R\sum_r (y_i - \hat f_r(x_i))^2}
        _{\text{expected\_loss}}
        = \underbrace{\tfrac1n\sum_i (f(x_i) - \bar f(x_i))^2}
          _{\text{bias\_squared}}
        + \underbrace{\tfrac1n\sum_i \tfrac1R\sum_r
          (\hat f_r(x_i) - \bar f(x_i))^2}_{\text{variance}}
        + \underbrace{\tfrac1n\sum_i (y_i - f(x_i))^2}_{\text{noise}}
        + \text{cross\_term},

    exactly, with :math:`\text{cross\_term} = \frac2n\sum_i (y_i -
    f(x_i))(f(x_i) - \bar f(x_i))`, which has zero mean over the test noise.
    Without ``y_test_true``, :math:`f` is replaced by :math:`y` and the
    identity reduces to ``expected_loss = bias_squared + variance``.

    For the 0-1 loss (:class:`ZeroOneDecomposition`), Domingos' [2]_
    decomposition with main prediction = most frequent label:

    .. math::

        \text{expected\_loss} = \text{net\_noise} + \text{bias}
        + \text{net\_variance},
        \qquad
        \text{net\_variance} = \tfrac1n \sum_i c_{2,i} V_i,

    exactly, with ``net_noise`` absent without ``y_test_true``.

    Parameters
    ----------
    estimator : estimator object
        Any object with ``fit`` and ``predict`` (scikit-learn API). It is
        cloned for each round and never modified. Parameters named
        ``random_state`` (also nested ones, e.g. in a pipeline) that are
        ``None`` get a different seed drawn from ``random_state`` in each round,
        so the estimator's own randomness counts as variance and results are
        reproducible; integer seeds you set are kept, so the estimator's own
        randomness is then the same in every round.
    X_train : array-like or sparse matrix of shape (n_train, n_features)
        Training data from which rounds are drawn. Anything indexable by rows
        (numpy, pandas, lists) works.
    y_train : array-like of shape (n_train,)
        Training targets: numbers for ``"squared_error"``, labels of any type
        for ``"zero_one"``.
    X_test : array-like or sparse matrix of shape (n_test, n_features)
        Test data at which the decomposition is evaluated.
    y_test : array-like of shape (n_test,)
        Observed test targets.
    loss : {"auto", "squared_error", "zero_one"}, default="auto"
        ``"auto"`` is ``"zero_one"`` for a classifier (``is_classifier``)
        and ``"squared_error"`` otherwise: class numbers are labels, and the
        squared error of, say, iris' classes 0, 1, 2 is not a meaningful
        loss. ``"zero_one"`` requires a classifier (or at least non-continuous
        ``y_train``) and raises for regressors. ``"squared_error"`` requires
        numeric targets; with a classifier it is accepted only for numeric
        labels (the decomposition is then that of the squared error of hard
        labels, e.g. ordinal classes) and raises otherwise.
    n_rounds : int, default=200
        Number of refits :math:`R`; at least 2. Monte-Carlo error of the
        estimates decreases like :math:`R^{-1/2}`.
    max_samples : int or float, default=1.0
        Size of each training draw: a fraction in (0, 1] of ``n_train`` or a
        count in ``[1, n_train]``.
    bootstrap : bool, default=True
        Draw with replacement (bootstrap) if True, otherwise draw a subsample
        without replacement (then use ``max_samples < 1``).
    y_test_true : array-like of shape (n_test,), default=None
        Noise-free targets at ``X_test`` (e.g. the known generating function
        or Bayes-optimal labels). When given, bias is measured against them
        and ``noise`` is reported.
    n_jobs : int, default=None
        Number of parallel jobs for the refits, via :class:`joblib.Parallel`
        (``None`` means 1 unless in a :func:`joblib.parallel_backend`
        context, e.g. ``"dask"``; ``-1`` means all processors). Results do not
        depend on ``n_jobs`` or the backend.
    random_state : int, RandomState instance or None, default=None
        Controls the training draws and the seeds given to unset
        ``random_state`` parameters of the estimator. Pass an int for
        reproducible results.

    Returns
    -------
    result : SquaredErrorDecomposition or ZeroOneDecomposition
        Scalars (``expected_loss``, ``bias_squared`` / ``bias``, ``variance``,
        ``noise``, ...) and per-test-point arrays, see those classes.

    Raises
    ------
    ValueError
        For ``n_rounds < 2``, an unknown ``loss`` or one that does not match
        the estimator or targets, an empty training or test set, inconsistent
        numbers of samples or features, ``max_samples`` out of range, or
        non-finite regression predictions.
    TypeError
        For an estimator without ``fit``/``predict``, a non-integer
        ``n_rounds``, a ``max_samples`` that is not a number, or class labels
        of mutually incomparable types.

    See Also
    --------
    bias_variance_from_predictions : The decomposition of a prediction matrix.
    bias_variance_curve : Sweep one hyperparameter and decompose at each value.

    Notes
    -----
    The resamples all come from one training set, so they are a proxy for
    independent training sets from the data distribution: bootstrap draws
    contain about 63% distinct points (which tends to inflate the variance of
    the learner), and the noise of the one training set is shared by every
    resample, so the part of an over-fitting model's error that would average
    out over independent training sets shows up as bias instead. When the data
    come from a known generating process, drawing fresh training sets and
    passing their predictions to :func:`bias_variance_from_predictions` gives
    the textbook quantities.

    References
    ----------
    .. [1] S. Geman, E. Bienenstock and R. Doursat, "Neural networks and the
       bias/variance dilemma", Neural Computation 4(1), 1-58, 1992.
    .. [2] P. Domingos, "A unified bias-variance decomposition and its
       applications", ICML 2000, pp. 231-238.
    .. [3] S. Raschka, ``mlxtend.evaluate.bias_variance_decomp``,
       https://rasbt.github.io/mlxtend/ (whose 0-1 variant needs non-negative
       integer labels and reports the plain variance).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skoptim.model_selection import bias_variance_decomposition
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-3, 3, size=(200, 1))
    >>> f = np.sin(X[:, 0])
    >>> y = f + rng.normal(scale=0.3, size=200)
    >>> res = bias_variance_decomposition(
    ...     DecisionTreeRegressor(max_depth=2), X[:100], y[:100], X[100:], y[100:],
    ...     y_test_true=f[100:], n_rounds=20, random_state=0)
    >>> total = res.bias_squared + res.variance + res.noise + res.cross_term
    >>> bool(np.isclose(res.expected_loss, total))
    True
    """
    loss = _check_loss(loss, estimator)
    if not isinstance(n_rounds, numbers.Integral) or isinstance(n_rounds, bool):
        raise TypeError(f"n_rounds must be an integer, got {n_rounds!r}.")
    if n_rounds < 2:
        raise ValueError(
            f"n_rounds={n_rounds} is too small: at least 2 refits are needed to "
            "estimate a variance (200 is a reasonable default)."
        )
    if not isinstance(bootstrap, bool | np.bool_):
        raise TypeError(f"bootstrap must be True or False, got {bootstrap!r}.")

    y_train_arr = _check_1d(y_train, "y_train")
    n_train = _num_samples(X_train)
    if n_train != y_train_arr.shape[0]:
        raise ValueError(
            f"X_train has {n_train} samples but y_train has {y_train_arr.shape[0]}; "
            "they must have the same number of rows."
        )
    X_train, y_train = indexable(X_train, y_train)
    y = _check_1d(y_test, "y_test")
    n_test = _num_samples(X_test)
    if n_test != y.shape[0]:
        raise ValueError(
            f"X_test has {n_test} samples but y_test has {y.shape[0]}; they must "
            "have the same number of rows."
        )
    for name, size in (("X_train", n_train), ("X_test", n_test)):
        if size == 0:
            raise ValueError(
                f"{name} has no samples; the decomposition needs at least one "
                "training and one test sample."
            )
    shape_train, shape_test = (
        getattr(X_train, "shape", None),
        getattr(X_test, "shape", None),
    )
    if (
        shape_train is not None
        and shape_test is not None
        and len(shape_train) == 2
        and len(shape_test) == 2
        and shape_train[1] != shape_test[1]
    ):
        raise ValueError(
            f"X_train has {shape_train[1]} features but X_test has "
            f"{shape_test[1]}; they must have the same columns."
        )
    if y_test_true is not None:
        y_true = _check_1d(y_test_true, "y_test_true")
        if y_true.shape[0] != y.shape[0]:
            raise ValueError(
                f"y_test_true has {y_true.shape[0]} samples but y_test has "
                f"{y.shape[0]}; they must have the same length."
            )
    _check_estimator_and_loss(estimator, loss, y_train_arr)
    if loss == "squared_error":
        _check_numeric_targets(y, "y_test")
    n_draw = _resolve_n_draw(max_samples, n_train, bootstrap)

    # All randomness is drawn here, in the calling process and in round order,
    # so results depend neither on n_jobs nor on the joblib backend.
    rng = check_random_state(random_state)
    jobs = []
    for _ in range(n_rounds):
        if bootstrap:
            indices = rng.randint(0, n_train, size=n_draw)
        else:
            indices = rng.permutation(n_train)[:n_draw]
        est = _seed_unset_random_states(clone(estimator), rng)
        jobs.append(delayed(_fit_predict_round)(est, X_train, y_train, X_test, indices))
    outputs = Parallel(n_jobs=n_jobs)(jobs)

    rows = []
    for r, out in enumerate(outputs):
        if out.ndim == 2 and out.shape[1] == 1:
            out = out[:, 0]
        if out.shape != (n_test,):
            raise ValueError(
                f"estimator.predict returned shape {out.shape} in round {r}; "
                f"expected ({n_test},). Multi-output estimators are not supported."
            )
        if loss == "squared_error" and (
            out.dtype.kind not in "biuf" or not np.all(np.isfinite(out))
        ):
            raise ValueError(
                f"estimator.predict returned non-numeric or non-finite values in "
                f"round {r}; the squared-error decomposition needs finite numbers. "
                "Check the estimator's convergence or its input scaling."
            )
        rows.append(out)
    if loss == "zero_one":
        predictions = np.empty((n_rounds, n_test), dtype=np.result_type(*rows))
    else:
        predictions = np.empty((n_rounds, n_test), dtype=np.float64)
    for r, out in enumerate(rows):
        predictions[r] = out
    return bias_variance_from_predictions(
        predictions, y, loss=loss, y_test_true=y_test_true
    )
