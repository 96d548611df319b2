"""String aliases for regularizers: ``"l2"`` is ``L2()``, ``"dropout"`` ``Dropout()``.

An alias is a regularizer's lower-cased class name (underscores ignored,
so ``"early_stopping"`` works too); it stands for a new object with default
hyperparameters, and its nested names are the same as the object's:
``regularizers=["l2"]`` is searched as ``regularizers__l2__alpha``.
"""

from __future__ import annotations

from sklearn.utils._param_validation import InvalidParameterError

from ._base import Regularizer
from ._batch_norm import BatchNormalization
from ._dropout import Dropout
from ._early_stopping import EarlyStopping
from ._label_smoothing import LabelSmoothing
from ._mixup import Mixup
from ._noise import GaussianNoise, WeightNoise
from ._penalty import L1, L2, ElasticNet

__all__ = ["REGULARIZER_ALIASES", "get_regularizer", "resolve_regularizers"]

REGULARIZER_ALIASES = {
    cls.__name__.lower(): cls
    for cls in (
        L2,
        L1,
        ElasticNet,
        Dropout,
        GaussianNoise,
        WeightNoise,
        LabelSmoothing,
        BatchNormalization,
        Mixup,
        EarlyStopping,
    )
}

_EXAMPLE = "regularizers=[L2(alpha=1e-4), Dropout(0.2)] or ['l2', 'dropout']"


def get_regularizer(name: str) -> Regularizer:
    """A new regularizer with default hyperparameters for an alias.

    Parameters
    ----------
    name : str
        A regularizer's class name, case-insensitive, underscores ignored:
        ``"l2"``, ``"l1"``, ``"elasticnet"``, ``"dropout"``,
        ``"gaussiannoise"``, ``"weightnoise"``, ``"labelsmoothing"``,
        ``"batchnormalization"``, ``"mixup"``, ``"earlystopping"``.

    Returns
    -------
    regularizer : Regularizer

    Raises
    ------
    ValueError
        If ``name`` is not an alias (an ``InvalidParameterError``).
    """
    key = name.lower().replace("_", "")
    if key == "augmentation":
        raise InvalidParameterError(
            "'augmentation' has no alias: Augmentation needs the transform to "
            "apply, e.g. regularizers=[Augmentation(RandomShift((8, 8)))] with "
            "Augmentation and RandomShift from skoptim.regularizers."
        )
    if key not in REGULARIZER_ALIASES:
        raise InvalidParameterError(
            f"Unknown regularizer alias {name!r}. Use one of "
            f"{sorted(REGULARIZER_ALIASES)} or a regularizer object, e.g. "
            f"{_EXAMPLE}."
        )
    return REGULARIZER_ALIASES[key]()


def resolve_regularizers(regularizers, owner) -> list[Regularizer]:
    """The list of regularizer objects that ``regularizers`` stands for.

    ``None`` is no regularizer; a single object or alias is a one-element
    list; aliases become new objects. The objects themselves are returned
    (the caller clones them).

    Raises
    ------
    InvalidParameterError
        (both a ValueError and a TypeError) for anything else: an unknown
        alias, a class instead of an object (``L2`` for ``L2()``), or an
        object that is not a regularizer.
    """
    if regularizers is None:
        return []
    if isinstance(regularizers, str | Regularizer | type):
        regularizers = [regularizers]
    try:
        regs = list(regularizers)
    except TypeError:
        raise InvalidParameterError(
            f"regularizers must be a list of skoptim.regularizers objects or "
            f"aliases, e.g. {_EXAMPLE}; got {regularizers!r} of type "
            f"{type(regularizers).__name__} in {owner}."
        ) from None
    out = []
    for r in regs:
        if isinstance(r, str):
            r = get_regularizer(r)
        elif isinstance(r, type) and issubclass(r, Regularizer):
            raise InvalidParameterError(
                f"regularizers must hold regularizer objects, not the class "
                f"{r.__name__}; use {r.__name__}() (with its hyperparameters as "
                f"arguments) or the alias {r.__name__.lower()!r}."
            )
        elif not isinstance(r, Regularizer):
            raise InvalidParameterError(
                f"regularizers must be skoptim.regularizers objects or aliases "
                f"(or a list of them), e.g. {_EXAMPLE}; got {r!r} of type "
                f"{type(r).__name__} in {owner}."
            )
        out.append(r)
    return out
