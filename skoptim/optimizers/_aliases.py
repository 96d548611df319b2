"""String aliases for optimizers: ``"adam"`` stands for a new ``Adam()``.

Wherever an optimizer goes (an estimator's ``optimizer``, SAM's base
optimizer, :func:`~skoptim.optimizers.minimize`) an alias behaves like the
object it names: its nested parameters (``optimizer__learning_rate``) can be
read and set, and each use gets a new object, so no default is shared.
"""

from __future__ import annotations

from sklearn.utils._param_validation import InvalidParameterError

from ._adagrad import Adadelta, Adagrad
from ._adam import Adam, AdamW, Nadam
from ._base import Optimizer
from ._lbfgs import LBFGS
from ._rmsprop import RMSprop
from ._sgd import SGD

__all__ = ["get_optimizer", "resolve_optimizer", "OPTIMIZER_ALIASES"]

OPTIMIZER_ALIASES = {
    "sgd": lambda: SGD(learning_rate=0.01),
    "momentum": lambda: SGD(learning_rate=0.01, momentum=0.9),
    "nesterov": lambda: SGD(learning_rate=0.01, momentum=0.9, nesterov=True),
    "adagrad": Adagrad,
    "adadelta": Adadelta,
    "rmsprop": RMSprop,
    "adam": Adam,
    "adamw": AdamW,
    "nadam": Nadam,
    "lbfgs": LBFGS,
}


def get_optimizer(name: str) -> Optimizer:
    """Return a new optimizer with default hyperparameters for an alias.

    Parameters
    ----------
    name : str
        One of ``"sgd"``, ``"momentum"`` (SGD, momentum 0.9), ``"nesterov"``
        (SGD, Nesterov momentum 0.9), ``"adagrad"``, ``"adadelta"``,
        ``"rmsprop"``, ``"adam"``, ``"adamw"``, ``"nadam"``, ``"lbfgs"``.
        Case-insensitive.

    Returns
    -------
    optimizer : Optimizer
        A new object on each call.

    Raises
    ------
    ValueError
        If ``name`` is not an alias (an ``InvalidParameterError``, which is
        also a TypeError, as scikit-learn raises for invalid parameters).
    """
    key = name.lower() if isinstance(name, str) else name
    if not isinstance(key, str) or key not in OPTIMIZER_ALIASES:
        raise InvalidParameterError(
            f"The 'optimizer' parameter must be an optimizer object or one of the "
            f"aliases {sorted(OPTIMIZER_ALIASES)}; got the unknown alias {name!r}. "
            "Pass e.g. skoptim.optimizers.Adam(learning_rate=1e-3)."
        )
    return OPTIMIZER_ALIASES[key]()


def resolve_optimizer(optimizer) -> Optimizer:
    """An optimizer object from an object or alias, with a clear error otherwise.

    An object is returned as is (callers clone it); an alias gives a new
    object.

    Raises
    ------
    InvalidParameterError
        (a ValueError and a TypeError) for an unknown alias, a class instead
        of an object (``Adam`` for ``Adam()``), or anything else.
    """
    if isinstance(optimizer, str):
        return get_optimizer(optimizer)
    if isinstance(optimizer, Optimizer):
        return optimizer
    if isinstance(optimizer, type) and issubclass(optimizer, Optimizer):
        raise InvalidParameterError(
            f"optimizer must be an optimizer object, not the class "
            f"{optimizer.__name__}; use {optimizer.__name__}() (with its "
            "hyperparameters as arguments)."
        )
    raise InvalidParameterError(
        f"optimizer must be an skoptim.optimizers.Optimizer or one of the aliases "
        f"{sorted(OPTIMIZER_ALIASES)}; got {optimizer!r} of type "
        f"{type(optimizer).__name__}. To use your own rule, subclass "
        "skoptim.optimizers.Optimizer."
    )
