"""AdaBoost that also boosts base estimators without ``sample_weight``.

:class:`AdaBoostClassifier` (SAMME) and :class:`AdaBoostRegressor`
(AdaBoost.R2) subclass scikit-learn's classes. With base estimators that
accept ``sample_weight`` and the default settings they run scikit-learn's own
boosting step, so they give the same ensembles. What is added is *boosting by
resampling*: each round fits the base on a bootstrap sample drawn with
probabilities equal to the current boosting weights, so any estimator with
``fit``/``predict`` can be boosted (scikit-learn's AdaBoostClassifier refuses
such bases, its issues #16649 and #16754).
"""

from __future__ import annotations

import numpy as np
from sklearn.base import is_classifier, is_regressor
from sklearn.ensemble import AdaBoostClassifier as _SkAdaBoostClassifier
from sklearn.ensemble import AdaBoostRegressor as _SkAdaBoostRegressor
from sklearn.ensemble._weight_boosting import BaseWeightBoosting
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils import _safe_indexing, get_tags
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import _num_samples, has_fit_parameter

from skoptim.ensemble._weight_boosting_api import (
    _AdaBoostClassifierAPI,
    _AdaBoostRegressorAPI,
)

from ..utils._warnings import warn_user

__all__ = ["AdaBoostClassifier", "AdaBoostRegressor"]

_BOOST_BY = ["auto", "reweighting", "resampling"]


# Redraws of a weighted resample that came out with a single class.
_MAX_REDRAWS = 100


def _weighted_bootstrap(X, y, sample_weight, random_state):
    """Draw ``n_samples`` rows with replacement, with probability ∝ weight."""
    n_samples = _num_samples(X)
    p = sample_weight / sample_weight.sum()
    idx = random_state.choice(n_samples, size=n_samples, replace=True, p=p)
    return _safe_indexing(X, idx), _safe_indexing(y, idx)


def _two_class_bootstrap(ensemble, iboost, X, y, sample_weight, random_state):
    """Weighted bootstrap for a classifier, redrawn while it holds one class.

    A classifier cannot be fit on a single class, but a weighted resample
    of a problem with a rare class often holds only the majority class. When
    the rows of positive weight hold at least two classes, such a draw is
    redrawn (from the same random stream, so the fit stays reproducible) up
    to ``_MAX_REDRAWS`` times; the draws that already hold two classes are
    exactly the ones the plain bootstrap makes.
    """
    y = np.asarray(y)
    classes_with_weight = np.unique(y[sample_weight > 0])
    for _ in range(_MAX_REDRAWS if len(classes_with_weight) > 1 else 1):
        X_boot, y_boot = _weighted_bootstrap(X, y, sample_weight, random_state)
        if len(np.unique(y_boot)) > 1:
            return X_boot, y_boot
    if len(classes_with_weight) < 2:
        return X_boot, y_boot  # the base decides whether one class is fine
    share = sample_weight[y == y_boot[0]].sum() / sample_weight.sum()
    raise ValueError(
        f"Round {iboost + 1} of {type(ensemble).__name__}(boost_by='resampling'): "
        f"{_MAX_REDRAWS} weighted resamples of the {len(y)} rows in a row held "
        f"only class {y_boot[0]!r}, which has {share:.4g} of the boosting weight. "
        "Each round fits the base on rows drawn with probability proportional "
        "to the weights, and a base classifier needs at least 2 classes. Use "
        "fewer rounds or a smaller learning_rate, more rows of the rare "
        "classes, or a base that accepts sample_weight with "
        "boost_by='reweighting'."
    )


class AdaBoostClassifier(_AdaBoostClassifierAPI, _SkAdaBoostClassifier):
    r"""AdaBoost-SAMME classifier that can boost any classifier.

    Multi-class AdaBoost by the SAMME algorithm (Zhu, Zou, Rosset & Hastie
    2009). Starting from uniform weights :math:`w_i = 1/n`, round :math:`m`
    fits a classifier :math:`G_m` to the weighted data, computes its weighted
    error and weight

    .. math::

        \mathrm{err}_m = \sum_i w_i \, 1[y_i \ne G_m(x_i)], \qquad
        \alpha_m = \eta \left(\log\frac{1-\mathrm{err}_m}{\mathrm{err}_m}
                   + \log(K-1)\right),

    then multiplies the weights of the misclassified samples by
    :math:`e^{\alpha_m}` and renormalises (:math:`\eta` is ``learning_rate``,
    :math:`K` the number of classes). The prediction is
    :math:`\arg\max_k \sum_m \alpha_m 1[G_m(x) = k]`.

    The base sees the weights in one of two ways (``boost_by``):

    * **reweighting**: ``fit(X, y, sample_weight=w)``, as in scikit-learn;
      with this mode the ensemble is scikit-learn's
      :class:`~sklearn.ensemble.AdaBoostClassifier` exactly;
    * **resampling**: ``fit`` on ``n`` rows drawn with replacement with
      probabilities :math:`w` (Freund & Schapire 1996), while the error and
      the weight update still use all rows. This works for bases without
      ``sample_weight`` (e.g. :class:`~sklearn.neighbors.KNeighborsClassifier`).

    Parameters
    ----------
    estimator : object, default=None
        The base classifier. If None, a depth-1
        :class:`~sklearn.tree.DecisionTreeClassifier` (a stump). A regressor
        is refused.
    n_estimators : int, default=50
        Maximum number of rounds; boosting stops early on a perfect fit or a
        round no better than chance.
    learning_rate : float, default=1.0
        Shrinks each :math:`\alpha_m`.
    boost_by : {"auto", "reweighting", "resampling"}, default="auto"
        How the base sees the weights (see above). ``"auto"`` reweights when
        the base's ``fit`` accepts ``sample_weight`` and resamples otherwise.
    random_state : int, RandomState instance or None, default=None
        Seeds the bases and the resampling.
    verbose : int, default=0
        If > 0, print one line per round: its weighted error and its weight
        in the ensemble, and its time; the lowest error so far is marked
        with ``*``.

    Attributes
    ----------
    estimator_ : estimator
        The validated base estimator.
    estimators_ : list of classifiers
        The fitted bases.
    estimator_weights_ : ndarray of shape (n_estimators,)
        :math:`\alpha_m` of each round (0 for rounds not run).
    estimator_errors_ : ndarray of shape (n_estimators,)
        :math:`\mathrm{err}_m` of each round (1 for rounds not run).
    classes_ : ndarray of shape (n_classes,)
        Class labels.
    n_classes_ : int
        Number of classes.
    boost_by_ : str
        The mode actually used, ``"reweighting"`` or ``"resampling"``.
    feature_importances_ : ndarray of shape (n_features,)
        Weighted mean of the bases' importances (tree bases only).
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit`` (only if X had string names).

    See Also
    --------
    AdaBoostRegressor : AdaBoost.R2 for regression.
    sklearn.ensemble.AdaBoostClassifier : The parent class.

    Notes
    -----
    **Callbacks.** ``set_callbacks`` takes :mod:`sklearn.callback` callbacks
    (e.g. :class:`skoptim.callback.ProgressBar`): the fit is the root task,
    each round a subtask, and the callbacks are propagated into the round's
    base estimator when it supports them. A callback whose
    ``on_fit_task_end`` returns True ends boosting after that round; the
    ensemble keeps the rounds run so far (``len(estimators_)``).

    Boosting mostly reduces bias, so it helps weak, high-bias bases (stumps,
    heavily smoothed nearest neighbours) and not flexible ones. Measured on
    ``make_moons(600, noise=0.25)`` split in halves, five seeds, 20 rounds
    with ``learning_rate=0.5``: boosting a 100-nearest-neighbour classifier
    raises test accuracy from 0.875 to 0.909 on average (better on every
    seed), but boosting a 5-nearest-neighbour classifier *lowers* it from
    0.925 to 0.905, and the plain 5-NN beats both. Boosting by resampling is
    a way to use such bases at all, not a substitute for tuning them.

    A first round whose error is no better than chance
    (:math:`\mathrm{err}_1 \ge 1 - 1/K`) raises a ``ValueError``: boosting
    cannot start from it.

    **Resampling a problem with a rare class.** A weighted resample of
    :math:`n` rows misses a class of total weight :math:`q` with probability
    :math:`(1-q)^n` (5% for 3 positives among 60 rows), and most classifiers
    cannot be fit on a single class. When the rows of positive weight hold at
    least two classes, a resample that holds only one is therefore redrawn,
    from the same random stream, up to 100 times; resamples that hold two
    classes are exactly those of the plain weighted bootstrap, so a fit that
    needed no redraw is unchanged. If all redraws hold one class (nearly all
    the weight on one class), ``fit`` stops with a ``ValueError`` that says
    so. A member that saw only some of the classes still votes with its
    labels, so the aggregation needs no alignment. With
    ``boost_by="reweighting"``, a libsvm base (:class:`~sklearn.svm.SVC`)
    and a class whose rows all weigh 0 are refused: libsvm drops such a
    class and then returns shifted labels.

    References
    ----------
    .. [1] J. Zhu, H. Zou, S. Rosset, T. Hastie, "Multi-class AdaBoost",
       Statistics and Its Interface 2(3), 2009.
    .. [2] Y. Freund, R. Schapire, "Experiments with a new boosting
       algorithm", ICML 1996.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> from skoptim.ensemble import AdaBoostClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = AdaBoostClassifier(KNeighborsClassifier(15), n_estimators=10,
    ...                          random_state=0).fit(X, y)
    >>> clf.boost_by_
    'resampling'
    """

    _parameter_constraints: dict = {
        **_SkAdaBoostClassifier._parameter_constraints,
        "boost_by": [StrOptions(set(_BOOST_BY))],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
        boost_by="auto",
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            estimator=estimator,
            n_estimators=n_estimators,
            learning_rate=learning_rate,
            random_state=random_state,
        )
        self.boost_by = boost_by
        self.verbose = verbose

    def _validate_estimator(self):
        """Set ``estimator_`` and ``boost_by_``; refuse unsuitable bases."""
        BaseWeightBoosting._validate_estimator(
            self, default=DecisionTreeClassifier(max_depth=1)
        )
        if is_regressor(self.estimator_):
            raise ValueError(
                "AdaBoostClassifier needs a classifier as estimator, got the "
                f"regressor {self.estimator_!r}. Use AdaBoostRegressor for "
                "regression, or pass a classifier."
            )
        self.boost_by_ = _resolve_boost_by(self, "reweighting")

    def __sklearn_tags__(self):
        # not ``self.estimator or ...``: an unfitted ensemble as base has a
        # ``__len__`` that fails before fit
        base = self.estimator
        if base is None:
            base = DecisionTreeClassifier(max_depth=1)
        return _base_tags_into(super().__sklearn_tags__(), base)

    def _boost_round(self, iboost, X, y, sample_weight, random_state):
        if self.boost_by_ == "reweighting":
            if iboost == 0 and hasattr(type(self.estimator_), "n_support_"):
                _, codes = np.unique(y, return_inverse=True)
                if np.any(np.bincount(codes, weights=sample_weight) <= 0):
                    raise ValueError(_LIBSVM_ZERO_CLASS.format(self.estimator_))
            try:
                result = _SkAdaBoostClassifier._boost(
                    self, iboost, X, y, sample_weight, random_state
                )
            except ValueError as exc:
                if "worse than random" in str(exc) and not self.estimators_:
                    raise ValueError(_worse_than_chance_message(self)) from exc
                raise
            _refuse_libsvm_missing_classes(self.estimators_[-1])
            return result
        return self._boost_resampling(iboost, X, y, sample_weight, random_state)

    def _boost_resampling(self, iboost, X, y, sample_weight, random_state):
        """One SAMME round, the base fit on a weighted bootstrap sample."""
        if iboost == 0:
            self.classes_ = np.unique(y)
            self.n_classes_ = len(self.classes_)
        estimator = self._make_estimator(random_state=random_state)
        X_boot, y_boot = _two_class_bootstrap(
            self, iboost, X, y, sample_weight, random_state
        )
        try:
            estimator.fit(X_boot, y_boot)
        except ValueError as exc:
            if len(np.unique(y_boot)) > 1:
                raise
            raise ValueError(
                f"The base {type(estimator).__name__} could not be fit on the "
                f"weighted resample of round {iboost + 1}, which holds a single "
                "class because only that class has positive sample_weight. "
                "Give the other classes positive weight, or use a base that "
                "fits on one class."
            ) from exc
        incorrect = estimator.predict(X) != y
        estimator_error = np.mean(np.average(incorrect, weights=sample_weight, axis=0))
        if estimator_error <= 0:
            return sample_weight, 1.0, 0.0

        n_classes = self.n_classes_
        if estimator_error >= 1.0 - (1.0 / n_classes):
            self.estimators_.pop(-1)
            if not self.estimators_:
                raise ValueError(_worse_than_chance_message(self))
            return None, None, None

        estimator_weight = self.learning_rate * (
            np.log((1.0 - estimator_error) / estimator_error) + np.log(n_classes - 1.0)
        )
        if iboost != self.n_estimators - 1:
            with np.errstate(divide="ignore"):  # log(0) for zero-weight rows
                sample_weight = np.exp(
                    np.log(sample_weight)
                    + estimator_weight * incorrect * (sample_weight > 0)
                )
        return sample_weight, estimator_weight, estimator_error


class AdaBoostRegressor(_AdaBoostRegressorAPI, _SkAdaBoostRegressor):
    r"""AdaBoost.R2 regressor, by resampling (default) or by reweighting.

    AdaBoost.R2 (Drucker 1997). Round :math:`m` fits a regressor :math:`f_m`,
    scales its absolute errors :math:`e_i = |y_i - f_m(x_i)| / \max_j |y_j -
    f_m(x_j)|`, turns them into losses :math:`L_i` (``loss``: :math:`e_i`,
    :math:`e_i^2` or :math:`1 - e^{-e_i}`) and computes

    .. math::

        \bar L_m = \sum_i w_i L_i, \quad
        \beta_m = \frac{\bar L_m}{1 - \bar L_m}, \quad
        w_i \leftarrow w_i \, \beta_m^{\eta (1 - L_i)},

    with weight :math:`\eta \log(1/\beta_m)` for :math:`f_m`; boosting stops
    when :math:`\bar L_m \ge 0.5`. The prediction is the weighted median of
    the :math:`f_m(x)`.

    ``boost_by="resampling"`` (the default through ``"auto"``) fits each
    round on a weighted bootstrap sample, as Drucker did and as scikit-learn's
    :class:`~sklearn.ensemble.AdaBoostRegressor` does, which it then matches
    exactly; any regressor can be boosted. ``"reweighting"`` instead passes
    the weights as ``sample_weight`` on all rows (the base must accept it).

    Parameters
    ----------
    estimator : object, default=None
        The base regressor. If None, a
        :class:`~sklearn.tree.DecisionTreeRegressor` of depth 3. A classifier
        is refused.
    n_estimators : int, default=50
        Maximum number of rounds.
    learning_rate : float, default=1.0
        The :math:`\eta` above.
    loss : {"linear", "square", "exponential"}, default="linear"
        How scaled errors become losses.
    boost_by : {"auto", "reweighting", "resampling"}, default="auto"
        ``"auto"`` means ``"resampling"``.
    random_state : int, RandomState instance or None, default=None
        Seeds the bases and the resampling.
    verbose : int, default=0
        If > 0, print one line per round: its weighted error and its weight
        in the ensemble, and its time; the lowest error so far is marked
        with ``*``.

    Attributes
    ----------
    estimator_ : estimator
        The validated base estimator.
    estimators_ : list of regressors
        The fitted bases.
    estimator_weights_ : ndarray of shape (n_estimators,)
        :math:`\eta \log(1/\beta_m)` of each round (0 for rounds not run).
    estimator_errors_ : ndarray of shape (n_estimators,)
        :math:`\bar L_m` of each round (1 for rounds not run).
    boost_by_ : str
        The mode actually used.
    feature_importances_ : ndarray of shape (n_features,)
        Weighted mean of the bases' importances (tree bases only).
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (``n_features_in_``,)
        Names of features seen during ``fit`` (only if X had string names).

    See Also
    --------
    AdaBoostClassifier : SAMME for classification.
    GradientBoostingRegressor : Gradient boosting of any regressor.

    Notes
    -----
    **Callbacks.** ``set_callbacks`` takes :mod:`sklearn.callback` callbacks
    (e.g. :class:`skoptim.callback.ProgressBar`): the fit is the root task,
    each round a subtask, and the callbacks are propagated into the round's
    base estimator when it supports them. A callback whose
    ``on_fit_task_end`` returns True ends boosting after that round; the
    ensemble keeps the rounds run so far (``len(estimators_)``).

    If the very first round already has :math:`\bar L_1 \ge 0.5` (no better
    than chance), the ensemble is that single regressor and a warning says
    so; use a stronger base or ``loss="linear"``.

    References
    ----------
    .. [1] H. Drucker, "Improving regressors using boosting techniques",
       ICML 1997.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.neighbors import KNeighborsRegressor
    >>> from skoptim.ensemble import AdaBoostRegressor
    >>> X, y = make_friedman1(n_samples=200, random_state=0)
    >>> reg = AdaBoostRegressor(KNeighborsRegressor(), n_estimators=5,
    ...                         random_state=0).fit(X, y)
    >>> len(reg.estimators_) <= 5
    True
    """

    _parameter_constraints: dict = {
        **_SkAdaBoostRegressor._parameter_constraints,
        "boost_by": [StrOptions(set(_BOOST_BY))],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
        loss="linear",
        boost_by="auto",
        random_state=None,
        verbose=0,
    ):
        super().__init__(
            estimator=estimator,
            n_estimators=n_estimators,
            learning_rate=learning_rate,
            loss=loss,
            random_state=random_state,
        )
        self.boost_by = boost_by
        self.verbose = verbose

    def _validate_estimator(self):
        """Set ``estimator_`` and ``boost_by_``; refuse unsuitable bases."""
        BaseWeightBoosting._validate_estimator(
            self, default=DecisionTreeRegressor(max_depth=3)
        )
        if is_classifier(self.estimator_):
            raise ValueError(
                "AdaBoostRegressor needs a regressor as estimator, got the "
                f"classifier {self.estimator_!r}. Use AdaBoostClassifier for "
                "classification, or pass a regressor."
            )
        self.boost_by_ = _resolve_boost_by(self, "resampling")

    def __sklearn_tags__(self):
        # not ``self.estimator or ...``: an unfitted ensemble as base has a
        # ``__len__`` that fails before fit
        base = self.estimator
        if base is None:
            base = DecisionTreeRegressor(max_depth=3)
        return _base_tags_into(super().__sklearn_tags__(), base)

    def _boost_round(self, iboost, X, y, sample_weight, random_state):
        if self.boost_by_ == "resampling":
            result = _SkAdaBoostRegressor._boost(
                self, iboost, X, y, sample_weight, random_state
            )
        else:
            result = self._boost_reweighting(iboost, X, y, sample_weight, random_state)
        if result[0] is None and iboost == 0:
            warn_user(
                "The first AdaBoost.R2 round has an average loss of at least 0.5 "
                "(no better than chance), so boosting stopped and the ensemble is "
                "that single regressor. Use a stronger base estimator or "
                "loss='linear'.",
                UserWarning,
            )
        return result

    def _boost_reweighting(self, iboost, X, y, sample_weight, random_state):
        """One AdaBoost.R2 round with the weights passed as sample_weight."""
        estimator = self._make_estimator(random_state=random_state)
        estimator.fit(X, y, sample_weight=sample_weight)
        error_vect = np.abs(estimator.predict(X) - y)
        sample_mask = sample_weight > 0
        masked_sample_weight = sample_weight[sample_mask]
        masked_error_vector = error_vect[sample_mask]
        error_max = masked_error_vector.max()
        if error_max != 0:
            masked_error_vector = masked_error_vector / error_max
        if self.loss == "square":
            masked_error_vector = masked_error_vector**2
        elif self.loss == "exponential":
            masked_error_vector = 1.0 - np.exp(-masked_error_vector)
        estimator_error = (masked_sample_weight * masked_error_vector).sum()
        if estimator_error <= 0:
            return sample_weight, 1.0, 0.0
        if estimator_error >= 0.5:
            if len(self.estimators_) > 1:
                self.estimators_.pop(-1)
            return None, None, None
        beta = estimator_error / (1.0 - estimator_error)
        estimator_weight = self.learning_rate * np.log(1.0 / beta)
        if iboost != self.n_estimators - 1:
            sample_weight[sample_mask] *= np.power(
                beta, (1.0 - masked_error_vector) * self.learning_rate
            )
        return sample_weight, estimator_weight, estimator_error


def _refuse_libsvm_missing_classes(estimator):
    """Refuse a libsvm member fit with a class whose rows all weigh 0.

    libsvm (SVC, NuSVC) drops zero-weight rows: a class that keeps only such
    rows is still listed in ``classes_`` but its predictions are shifted to
    the wrong labels, which boosting would silently aggregate.
    """
    n_support = getattr(estimator, "n_support_", None)
    classes = getattr(estimator, "classes_", None)
    if n_support is None or classes is None or np.ndim(n_support) != 1:
        return
    if len(n_support) < len(classes):
        raise ValueError(_LIBSVM_ZERO_CLASS.format(estimator))


_LIBSVM_ZERO_CLASS = (
    "{0.__class__.__name__} would be fit with a class whose rows all have "
    "sample_weight 0; libsvm then drops that class and returns wrong labels for "
    "the others. Remove the rows of that class before fitting, give them "
    "positive weight, or use boost_by='resampling'."
)


def _base_tags_into(tags, base):
    """Copy the base estimator's input tags that the ensemble inherits."""
    base_tags = get_tags(base)
    tags.input_tags.sparse = base_tags.input_tags.sparse
    return tags


def _resolve_boost_by(ensemble, auto_mode: str) -> str:
    """Map ``boost_by`` to the mode used, checking the base supports it."""
    takes_weight = has_fit_parameter(ensemble.estimator_, "sample_weight")
    if ensemble.boost_by == "reweighting" and not takes_weight:
        raise ValueError(
            f"{type(ensemble).__name__}(boost_by='reweighting') needs a base "
            f"estimator whose fit accepts sample_weight, and "
            f"{type(ensemble.estimator_).__name__}.fit does not. Use "
            "boost_by='resampling' (or 'auto')."
        )
    if ensemble.boost_by == "auto":
        if auto_mode == "reweighting" and not takes_weight:
            return "resampling"
        return auto_mode
    return ensemble.boost_by


def _worse_than_chance_message(ensemble) -> str:
    k = ensemble.n_classes_
    return (
        f"The first boosting round of {type(ensemble).__name__} has a weighted "
        f"error no better than chance (>= 1 - 1/n_classes = {1 - 1 / k:.3g}), so "
        "boosting cannot start. Use a stronger base estimator (e.g. a deeper "
        "tree or a better-tuned model) or check that the features carry signal."
    )
