"""Gradient boosting of any scikit-learn regressor, for regression.

The boosting loop is ``_BaseGradientBoosting`` (``_gradient_boosting``); this
module adds the regression losses and the public estimator.
"""

from __future__ import annotations

from collections.abc import Iterator
from numbers import Real

import numpy as np
from numpy.typing import ArrayLike
from sklearn.base import RegressorMixin
from sklearn.dummy import DummyRegressor
from sklearn.utils._param_validation import Interval, StrOptions

from skoptim.ensemble._gb_losses import _AbsoluteError, _HuberLoss, _SquaredError
from skoptim.ensemble._gradient_boosting import _BaseGradientBoosting

__all__ = ["GradientBoostingRegressor"]


class GradientBoostingRegressor(RegressorMixin, _BaseGradientBoosting):
    r"""Gradient boosting of any scikit-learn regressor, for regression.

    Friedman's gradient boosting machine (Friedman 2001, Algorithm 1) with a
    generic base learner. Starting from :math:`F_0` (the ``init`` estimator),
    stage :math:`m = 1, \dots, M` computes the negative gradient
    :math:`r_i = -\partial L(y_i, F)/\partial F |_{F = F_{m-1}(x_i)}`, fits a
    clone :math:`h_m` of ``estimator`` to :math:`(x_i, r_i)` (on a random
    ``subsample`` fraction of the rows, drawn without replacement: stochastic
    gradient boosting, Friedman 2002), finds the step

    .. math::

        \rho_m = \arg\min_\rho \sum_i w_i\, L(y_i, F_{m-1}(x_i) + \rho h_m(x_i))

    and updates :math:`F_m = F_{m-1} + \nu \rho_m h_m` with
    :math:`\nu` = ``learning_rate``. Losses: ``"squared_error"``
    (:math:`(y-F)^2`, closed-form step), ``"absolute_error"`` (:math:`|y-F|`,
    step by weighted median) and ``"huber"`` (quadratic below :math:`\delta`,
    linear above, :math:`\delta` the ``alpha``-quantile of the current
    absolute residuals).

    Any regressor (linear models, MLPs, nearest neighbours, pipelines...) can
    serve as base: the line search gives one step :math:`\rho_m` per stage.
    When the base is a scikit-learn decision tree, each leaf instead gets its
    own optimal value (Friedman's TreeBoost, which is what scikit-learn's
    :class:`~sklearn.ensemble.GradientBoostingRegressor` does: leaf mean,
    weighted median, or Friedman's Huber estimate) and :math:`\rho_m = 1`.

    Parameters
    ----------
    estimator : object, default=None
        The base regressor, cloned at every stage. If None,
        ``DecisionTreeRegressor(max_depth=3)`` as in
        scikit-learn. A classifier is refused.
    loss : {"squared_error", "absolute_error", "huber"}, default="squared_error"
        Loss to minimise.
    learning_rate : float, default=0.1
        Shrinkage :math:`\nu` of each step.
    n_estimators : int, default=100
        Maximum number of stages.
    subsample : float in (0, 1], default=1.0
        Fraction of rows each base is fit on (stochastic gradient boosting
        when < 1).
    alpha : float in (0, 1), default=0.9
        Quantile of the absolute residuals used as :math:`\delta` by the Huber
        loss.
    init : estimator, "zero" or None, default=None
        Estimator giving :math:`F_0`; None uses the loss's optimal constant
        (mean for squared error, median otherwise), "zero" starts from 0.
    validation_fraction : float in (0, 1), default=0.1
        Fraction of the training data held out for early stopping; only used
        if ``n_iter_no_change`` is set.
    n_iter_no_change : int, default=None
        Stop when the validation loss has not improved by at least ``tol`` on
        any of the last ``n_iter_no_change`` stages (the rule scikit-learn
        uses). None disables early stopping.
    tol : float, default=1e-4
        Minimum improvement for early stopping.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsampling, the validation split and the bases.
    verbose : int, default=0
        If > 0, print one line per stage: the in-bag training loss, the
        validation loss with early stopping, and the stage's time; the best
        loss so far (validation loss when there is one) is marked with ``*``.

    Attributes
    ----------
    estimator_ : estimator
        The validated, unfitted base estimator.
    estimators_ : ndarray of shape (``n_estimators_``, 1), dtype=object
        The fitted base learners.
    step_sizes_ : ndarray of shape (``n_estimators_``, 1)
        The line-search steps :math:`\rho_m` (before shrinkage); 1 for tree
        bases, whose leaves carry the steps.
    init_ : estimator or "zero"
        The fitted init estimator.
    n_estimators_ : int
        Number of stages actually fit (fewer than ``n_estimators`` after
        early stopping).
    train_score_ : ndarray of shape (``n_estimators_``,)
        Loss on the in-bag training rows after each stage (mean squared
        error, mean absolute error or mean Huber loss).
    validation_score_ : ndarray of shape (``n_estimators_``,)
        Loss on the validation rows after each stage; only with early
        stopping.
    stop_reason_ : str
        Why boosting stopped: ``"n_estimators"`` (all stages were fit),
        ``"early_stopping"`` (no validation improvement for
        ``n_iter_no_change`` stages) or ``"callback"`` (a callback's
        ``on_fit_task_end`` returned True; see Notes).
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit`` (only if X had string names).

    See Also
    --------
    GradientBoostingClassifier : The log-loss counterpart.
    sklearn.ensemble.GradientBoostingRegressor : Tree-only, per-leaf steps.

    Notes
    -----
    **Callbacks.** ``set_callbacks`` takes :mod:`sklearn.callback` callbacks
    (e.g. :class:`skoptim.callback.ProgressBar` or
    :class:`sklearn.callback.ScoringMonitor`, which gets the model as of each
    stage). The fit is the root task and each stage a subtask. A callback
    whose ``on_fit_task_end`` returns True stops boosting after that stage:
    the model is fitted with the ``n_estimators_`` stages so far and
    ``stop_reason_`` is ``"callback"``. When K is 1 and the base supports
    callbacks, they are propagated into it, so its own iterations appear
    beneath the stage; a propagated callback then sees the stage as the
    base's fit task, whose result the base ignores, as in scikit-learn's
    meta-estimators (set a stopping callback that is not auto-propagated).

    References
    ----------
    .. [1] J. H. Friedman, "Greedy function approximation: a gradient
       boosting machine", Annals of Statistics 29(5), 2001.
    .. [2] J. H. Friedman, "Stochastic gradient boosting", Computational
       Statistics & Data Analysis 38(4), 2002.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.linear_model import Ridge
    >>> from skoptim.ensemble import GradientBoostingRegressor
    >>> X, y = make_friedman1(n_samples=200, random_state=0)
    >>> reg = GradientBoostingRegressor(Ridge(), n_estimators=20).fit(X, y)
    >>> bool(reg.train_score_[-1] < reg.train_score_[0])
    True
    """

    _parameter_constraints: dict = {
        **_BaseGradientBoosting._parameter_constraints,
        "loss": [StrOptions({"squared_error", "absolute_error", "huber"})],
        "alpha": [Interval(Real, 0.0, 1.0, closed="neither")],
    }

    def __init__(
        self,
        estimator=None,
        *,
        loss="squared_error",
        learning_rate=0.1,
        n_estimators=100,
        subsample=1.0,
        alpha=0.9,
        init=None,
        validation_fraction=0.1,
        n_iter_no_change=None,
        tol=1e-4,
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            estimator=estimator,
            loss=loss,
            learning_rate=learning_rate,
            n_estimators=n_estimators,
            subsample=subsample,
            init=init,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            tol=tol,
            random_state=random_state,
            verbose=verbose,
        )
        self.alpha = alpha

    def _encode_y(self, y):
        return np.asarray(y, dtype=np.float64)

    def _make_loss(self):
        if self.loss == "squared_error":
            return _SquaredError()
        if self.loss == "absolute_error":
            return _AbsoluteError()
        return _HuberLoss(self.alpha)

    def _default_init(self):
        if self.loss == "squared_error":
            return DummyRegressor(strategy="mean")
        return DummyRegressor(strategy="quantile", quantile=0.5)

    def _raw_from_init(self, X):
        if isinstance(self.init_, str):
            return np.zeros((X.shape[0], 1))
        pred = np.asarray(self.init_.predict(X), dtype=np.float64)
        return pred.reshape(X.shape[0], 1).copy()

    def predict(self, X: ArrayLike) -> np.ndarray:
        """Predict regression targets.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            :math:`F_M(x)`.

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            If X does not have the ``n_features_in_`` columns seen in ``fit``
            or contains NaN or infinity.
        """
        return self._raw_predict(X)[:, 0]

    def staged_predict(self, X: ArrayLike) -> Iterator[np.ndarray]:
        """Predictions after each stage.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        y : ndarray of shape (n_samples,)
            :math:`F_m(x)` for :math:`m = 1, \\dots, M`; the last equals
            :meth:`predict`.

        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            If X does not have the ``n_features_in_`` columns seen in ``fit``
            or contains NaN or infinity; raised when the first stage is requested.
        """
        for raw in self._staged_raw(X):
            yield raw[:, 0]
