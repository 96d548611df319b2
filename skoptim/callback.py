"""Callbacks for skoptim's estimators: scikit-learn's callback API.

Every skoptim estimator that supports callbacks takes those of
:mod:`sklearn.callback` through ``set_callbacks``; they are re-exported here,
with :class:`ProgressBar` replaced by a subclass whose error, when ``rich`` is
missing, names the extra to install (``pip install 'skoptim[progress]'``).

Examples
--------
>>> from sklearn.datasets import make_regression
>>> from skoptim.callback import ScoringMonitor
>>> from skoptim.ensemble import GradientBoostingRegressor
>>> X, y = make_regression(n_samples=60, n_features=3, random_state=0)
>>> monitor = ScoringMonitor(scoring="r2")
>>> reg = GradientBoostingRegressor(n_estimators=5, random_state=0)
>>> reg = reg.set_callbacks(monitor).fit(X, y)
>>> len(monitor.get_logs().data_as_pandas)  # one row per stage
5
"""

from sklearn.callback import (
    AutoPropagatedCallback,
    CallbackContext,
    FitCallback,
    ScoringMonitor,
    ScoringMonitorLog,
)

from skoptim.utils._callbacks import ProgressBar

__all__ = [
    "AutoPropagatedCallback",
    "CallbackContext",
    "FitCallback",
    "ProgressBar",
    "ScoringMonitor",
    "ScoringMonitorLog",
]
