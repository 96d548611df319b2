"""Coming from scikit-learn's MLP: its parameter names, and a converter.

:data:`SKLEARN_PARAM_HINTS` tells a user who writes scikit-learn's names
(``alpha=``, ``solver=``, ...) in ``set_params``, a grid or the constructor
what skoptim calls them; :func:`from_sklearn` converts a whole estimator.
"""

from __future__ import annotations

import math
from typing import Any

from ..utils._warnings import warn_user

__all__ = ["from_sklearn", "SKLEARN_PARAM_HINTS"]

_CONVERT = " skoptim.neural_network.from_sklearn(est) converts a scikit-learn MLP."

#: scikit-learn MLP parameter -> what to write in skoptim
SKLEARN_PARAM_HINTS: dict[str, str] = {
    "solver": "skoptim has no solver flag: pass the optimizer itself, "
    "optimizer='adam', 'sgd' or 'lbfgs', or an object such as "
    "optimizer=SGD(0.01, momentum=0.9, nesterov=True)." + _CONVERT,
    "learning_rate_init": "learning_rate_init: use optimizer=Adam(learning_rate="
    "...) (or SGD(learning_rate=...)); in a grid, optimizer__learning_rate.",
    "learning_rate": "learning_rate: the rate and its schedule belong to the "
    "optimizer: optimizer=SGD(0.01) for 'constant', "
    "SGD(InverseScaling(0.01, power_t=0.5)) for 'invscaling', "
    "SGD(ReduceOnPlateau(0.01, factor=0.2, patience=10)) for 'adaptive' "
    "(skoptim.schedules); in a grid, optimizer__learning_rate.",
    "alpha": "alpha: use regularizers=[L2(alpha)] (skoptim.regularizers.L2, the "
    "same penalty); in a grid, regularizers__l2__alpha with regularizers=[L2()] "
    "or ['l2'].",
    "early_stopping": "early_stopping: use regularizers=[EarlyStopping("
    "validation_fraction=0.1, patience=10, monitor='score')] "
    "(skoptim.regularizers.EarlyStopping).",
    "validation_fraction": "validation_fraction: use regularizers=[EarlyStopping("
    "validation_fraction=...)]; in a grid, "
    "regularizers__earlystopping__validation_fraction.",
    "momentum": "momentum: use optimizer=SGD(learning_rate, momentum=0.9); in a "
    "grid, optimizer__momentum.",
    "nesterovs_momentum": "nesterovs_momentum: use optimizer=SGD(learning_rate, "
    "momentum=0.9, nesterov=True); in a grid, optimizer__nesterov.",
    "beta_1": "beta_1: use optimizer=Adam(beta_1=...); in a grid, optimizer__beta_1.",
    "beta_2": "beta_2: use optimizer=Adam(beta_2=...); in a grid, optimizer__beta_2.",
    "epsilon": "epsilon: use optimizer=Adam(epsilon=...); in a grid, "
    "optimizer__epsilon.",
    "power_t": "power_t: use optimizer=SGD(InverseScaling(learning_rate, "
    "power_t=...)); in a grid, optimizer__learning_rate__power_t.",
    "max_fun": "max_fun: use optimizer=LBFGS(max_fun=...); in a grid, "
    "optimizer__max_fun.",
}

#: floor of scikit-learn's "adaptive" rate: it stops instead of going below
_ADAPTIVE_FLOOR = 1e-6
_ADAPTIVE_FACTOR = 0.2

_SHARED = (
    "hidden_layer_sizes",
    "activation",
    "batch_size",
    "max_iter",
    "tol",
    "n_iter_no_change",
    "shuffle",
    "random_state",
    "warm_start",
    "verbose",
)
_MAPPED = {
    "solver",
    "alpha",
    "learning_rate",
    "learning_rate_init",
    "power_t",
    "momentum",
    "nesterovs_momentum",
    "beta_1",
    "beta_2",
    "epsilon",
    "early_stopping",
    "validation_fraction",
    "max_fun",
    "loss",
}


def _adaptive_reductions(lr0: float) -> int:
    """How many divisions by 5 scikit-learn's "adaptive" makes before stopping."""
    if lr0 <= _ADAPTIVE_FLOOR:
        return 0
    return math.ceil(math.log(lr0 / _ADAPTIVE_FLOOR) / math.log(1 / _ADAPTIVE_FACTOR))


def _optimizer(p: dict[str, Any]):
    from ..optimizers import LBFGS, SGD, Adam
    from ..schedules import InverseScaling, ReduceOnPlateau

    solver = p["solver"]
    lr0 = p["learning_rate_init"]
    if solver == "adam":
        return Adam(
            learning_rate=lr0,
            beta_1=p["beta_1"],
            beta_2=p["beta_2"],
            epsilon=p["epsilon"],
        )
    if solver == "lbfgs":
        return LBFGS(tol=p["tol"], max_fun=p["max_fun"])
    if solver != "sgd":
        raise ValueError(
            f"Cannot convert solver={solver!r}: skoptim maps 'adam', 'sgd' and "
            "'lbfgs'; pick the optimizer yourself from skoptim.optimizers."
        )
    schedule = p["learning_rate"]
    if schedule == "constant":
        lr = lr0
    elif schedule == "invscaling":
        warn_user(
            "learning_rate='invscaling' converts to InverseScaling(unit='step'), "
            "which counts updates; scikit-learn counts samples and updates the "
            "rate once per epoch, so from the second epoch on skoptim's rate is "
            "about batch_size ** power_t times larger. Choose the schedule "
            "yourself if the exact decay matters.",
            UserWarning,
        )
        lr = InverseScaling(lr0, power_t=p["power_t"], unit="step")
    elif schedule == "adaptive":
        lr = ReduceOnPlateau(
            lr0,
            factor=_ADAPTIVE_FACTOR,
            patience=p["n_iter_no_change"],
            threshold=p["tol"],
        )
    else:
        raise ValueError(
            f"Cannot convert learning_rate={schedule!r}: skoptim maps 'constant', "
            "'invscaling' and 'adaptive'; pick a schedule from skoptim.schedules."
        )
    momentum = p["momentum"]
    nesterov = bool(p["nesterovs_momentum"]) and momentum > 0
    return SGD(lr, momentum=momentum, nesterov=nesterov)


def from_sklearn(estimator):
    r"""The skoptim estimator equivalent to a scikit-learn MLP, unfitted.

    Takes a :class:`sklearn.neural_network.MLPClassifier` or
    :class:`~sklearn.neural_network.MLPRegressor` (fitted or not; only its
    parameters are read) and returns an unfitted
    :class:`~skoptim.MLPClassifier` or :class:`~skoptim.MLPRegressor` that
    trains the same network with the same optimizer, schedule, penalty and
    stopping rule:

    +---------------------------------------------+-------------------------------------------------+
    | scikit-learn                                | skoptim                                         |
    +=============================================+=================================================+
    | ``solver="adam"``, ``learning_rate_init``,  | ``optimizer=Adam(learning_rate_init,            |
    | ``beta_1``, ``beta_2``, ``epsilon``         | beta_1, beta_2, epsilon)``                      |
    +---------------------------------------------+-------------------------------------------------+
    | ``solver="sgd"``, ``momentum``,             | ``optimizer=SGD(lr, momentum, nesterov=         |
    | ``nesterovs_momentum``                      | nesterovs_momentum and momentum > 0)``          |
    +---------------------------------------------+-------------------------------------------------+
    | ``learning_rate="constant"``                | ``lr = learning_rate_init``                     |
    +---------------------------------------------+-------------------------------------------------+
    | ``learning_rate="invscaling"``, ``power_t`` | ``lr = InverseScaling(learning_rate_init,       |
    |                                             | power_t, unit="step")`` (approximate)           |
    +---------------------------------------------+-------------------------------------------------+
    | ``learning_rate="adaptive"``                | ``lr = ReduceOnPlateau(learning_rate_init,      |
    |                                             | factor=0.2, patience=n_iter_no_change,          |
    |                                             | threshold=tol)`` and a longer                   |
    |                                             | ``n_iter_no_change`` (approximate)              |
    +---------------------------------------------+-------------------------------------------------+
    | ``solver="lbfgs"``, ``max_fun``, ``tol``    | ``optimizer=LBFGS(tol=tol, max_fun=max_fun)``   |
    +---------------------------------------------+-------------------------------------------------+
    | ``alpha``                                   | ``regularizers=[L2(alpha)]`` (if ``alpha > 0``) |
    +---------------------------------------------+-------------------------------------------------+
    | ``early_stopping=True``,                    | ``EarlyStopping(validation_fraction,            |
    | ``validation_fraction``,                    | patience=n_iter_no_change + 1,                  |
    | ``n_iter_no_change``, ``tol``               | min_delta=tol, monitor="score")``               |
    +---------------------------------------------+-------------------------------------------------+
    | ``loss`` (regressor)                        | ``loss``                                        |
    +---------------------------------------------+-------------------------------------------------+
    | ``hidden_layer_sizes``, ``activation``,     | the same name and meaning                       |
    | ``batch_size``, ``max_iter``, ``tol``,      |                                                 |
    | ``n_iter_no_change``, ``shuffle``,          |                                                 |
    | ``random_state``, ``warm_start``,           |                                                 |
    | ``verbose``                                 |                                                 |
    +---------------------------------------------+-------------------------------------------------+

    Parameters
    ----------
    estimator : sklearn.neural_network.MLPClassifier or MLPRegressor
        The scikit-learn estimator.

    Returns
    -------
    skoptim_estimator : MLPClassifier or MLPRegressor
        Unfitted, with the parameters above.

    Raises
    ------
    TypeError
        If ``estimator`` is not a scikit-learn MLP.
    ValueError
        If it has a setting skoptim cannot map (a solver, schedule or loss
        other than those above, or a parameter this function does not know,
        e.g. from a newer scikit-learn).

    Notes
    -----
    Exact where the mathematics agree:

    - ``alpha``: scikit-learn adds :math:`\frac{\alpha}{2B}\sum_l\lVert
      W_l\rVert^2` to each batch of :math:`B` samples (biases not
      penalised), which is :class:`~skoptim.regularizers.L2`'s definition.
    - SGD: scikit-learn's velocity :math:`v \leftarrow \mu v - \eta g` and
      skoptim's (PyTorch's) :math:`b \leftarrow \mu b + g`,
      :math:`w \leftarrow w - \eta b` give the same iterates at a constant
      rate, with and without Nesterov.
    - Adam: scikit-learn folds the bias corrections into the step size,
      which moves :math:`\epsilon` by a factor :math:`\sqrt{1-\beta_2^t}`;
      the same up to that (negligible) difference.
    - Early stopping: scikit-learn stops once the validation score has not
      improved by ``tol`` for more than ``n_iter_no_change`` epochs and
      restores the best weights; ``EarlyStopping(patience=n_iter_no_change
      + 1, min_delta=tol, monitor="score")`` does the same.

    Approximate, because skoptim's schedules read a different clock:

    - ``"invscaling"`` (with a ``UserWarning``): scikit-learn's rate is :math:`\eta_0 / (t + 1)^p`
      with :math:`t` the number of *samples* seen, updated at the end of each
      epoch; ``InverseScaling(unit="step")`` counts updates (batches) and
      changes the rate every batch, so from the second epoch on its rate is
      about ``batch_size ** power_t`` times larger.
    - ``"adaptive"``: scikit-learn divides the rate by 5 when the training
      loss (the validation score with early stopping) has not improved by
      ``tol`` (absolute) for more than ``n_iter_no_change`` epochs, and stops
      when the rate would fall below 1e-6. ``ReduceOnPlateau`` divides by 5
      after the same count of epochs without a relative improvement of
      ``tol`` in the training loss, and the converted estimator's
      ``n_iter_no_change`` (and the early stopping's ``patience``) are
      lengthened to the epochs of all those reductions, :math:`(k + 1)
      (n_{iter\_no\_change} + 1) - 1` with :math:`k` the number of
      divisions that take ``learning_rate_init`` to 1e-6.

    - ``early_stopping``: the validation split is drawn by skoptim's own
      random stream, so it holds other samples than scikit-learn's.

    Examples
    --------
    >>> from sklearn.neural_network import MLPClassifier
    >>> from skoptim.neural_network import from_sklearn
    >>> est = from_sklearn(MLPClassifier((32,), solver="sgd", alpha=1e-3,
    ...                                  learning_rate_init=0.05))
    >>> est.optimizer
    SGD(learning_rate=0.05, momentum=0.9, nesterov=True)
    >>> est.regularizers
    [L2(alpha=0.001)]
    """  # noqa: E501
    from sklearn.neural_network import MLPClassifier as SkMLPClassifier
    from sklearn.neural_network import MLPRegressor as SkMLPRegressor

    from ..regularizers import L2, EarlyStopping
    from ._mlp import MLPClassifier, MLPRegressor

    if not isinstance(estimator, SkMLPClassifier | SkMLPRegressor):
        raise TypeError(
            "from_sklearn takes a sklearn.neural_network.MLPClassifier or "
            f"MLPRegressor; got {type(estimator).__name__}."
        )
    p = estimator.get_params(deep=False)
    unknown = sorted(set(p) - set(_SHARED) - _MAPPED)
    if unknown:
        raise ValueError(
            f"Cannot convert the scikit-learn parameter(s) {unknown}: skoptim has "
            "no equivalent that this converter knows. Build the skoptim "
            "estimator by hand."
        )
    kwargs = {name: p[name] for name in _SHARED}
    optimizer = _optimizer(p)
    kwargs["optimizer"] = optimizer
    regularizers = []
    if p["alpha"]:
        regularizers.append(L2(alpha=p["alpha"]))
    adaptive = p["solver"] == "sgd" and p["learning_rate"] == "adaptive"
    patience = p["n_iter_no_change"]
    if adaptive:
        k = _adaptive_reductions(p["learning_rate_init"])
        patience = (k + 1) * (patience + 1) - 1
        kwargs["n_iter_no_change"] = patience
    if p["early_stopping"] and p["solver"] != "lbfgs":
        regularizers.append(
            EarlyStopping(
                patience=patience + 1,
                min_delta=p["tol"],
                validation_fraction=p["validation_fraction"],
                monitor="score",
            )
        )
    kwargs["regularizers"] = regularizers or None
    if isinstance(estimator, SkMLPClassifier):
        return MLPClassifier(**kwargs)
    loss = p.get("loss", "squared_error")
    if loss not in ("squared_error", "poisson"):
        raise ValueError(
            f"Cannot convert loss={loss!r}: skoptim's MLPRegressor has "
            "'squared_error', 'huber' and 'poisson'."
        )
    return MLPRegressor(loss=loss, **kwargs)
