"""Optimizers: hyperparameters on the object, state kept by whoever fits.

See :class:`Optimizer` for the protocol and how to write your own.
"""

from ._adagrad import Adadelta, Adagrad
from ._adam import Adam, AdamW, Nadam
from ._aliases import get_optimizer
from ._base import Optimizer
from ._lbfgs import LBFGS
from ._minimize import MinimizeResult, minimize
from ._plot import OptimizerPathDisplay
from ._rmsprop import RMSprop
from ._sam import SAM
from ._sgd import SGD

__all__ = [
    "Optimizer",
    "SGD",
    "Adagrad",
    "Adadelta",
    "RMSprop",
    "Adam",
    "AdamW",
    "Nadam",
    "LBFGS",
    "SAM",
    "get_optimizer",
    "minimize",
    "MinimizeResult",
    "OptimizerPathDisplay",
]
