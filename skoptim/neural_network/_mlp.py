"""The MLP estimators, re-exported from their modules.

Kept so that ``skoptim.neural_network._mlp.MLPClassifier`` (the path that
models pickled or saved with ``skops.io`` before the split record) still
resolves. The code lives in :mod:`._base`, :mod:`._classifier` and
:mod:`._regressor`.
"""

from ._base import BaseMLP
from ._classifier import MLPClassifier
from ._regressor import MLPRegressor

__all__ = ["BaseMLP", "MLPClassifier", "MLPRegressor"]
