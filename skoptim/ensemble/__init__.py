"""Bagging and boosting meta-estimators.

Bagging with bootstrap uncertainty (:class:`BaggingRegressor`,
:class:`BaggingClassifier`), AdaBoost that also works with bases that take no
``sample_weight`` (:class:`AdaBoostClassifier`, :class:`AdaBoostRegressor`),
and gradient boosting of any scikit-learn regressor
(:class:`GradientBoostingRegressor`, :class:`GradientBoostingClassifier`).
"""

from skoptim.ensemble._bagging import BaggingRegressor
from skoptim.ensemble._bagging_classifier import BaggingClassifier
from skoptim.ensemble._gradient_boosting_classifier import GradientBoostingClassifier
from skoptim.ensemble._gradient_boosting_regressor import GradientBoostingRegressor
from skoptim.ensemble._plot import PredictionIntervalDisplay
from skoptim.ensemble._weight_boosting import AdaBoostClassifier, AdaBoostRegressor

__all__ = [
    "AdaBoostClassifier",
    "AdaBoostRegressor",
    "BaggingClassifier",
    "BaggingRegressor",
    "GradientBoostingClassifier",
    "GradientBoostingRegressor",
    "PredictionIntervalDisplay",
]
