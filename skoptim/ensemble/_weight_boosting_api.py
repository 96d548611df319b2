"""The public methods of the AdaBoost ensembles, documented.

The computations are scikit-learn's (the classes in ``_weight_boosting``
subclass :class:`sklearn.ensemble.AdaBoostClassifier` and
:class:`sklearn.ensemble.AdaBoostRegressor`); these thin overrides only give
every public method a numpydoc docstring with its ``Raises`` section.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import ArrayLike

from skoptim.ensemble._callbacks import RoundTasksMixin

__all__: list[str] = []

_FIT_RAISES = """
        Raises
        ------
        ValueError
            If X or y is invalid (wrong shape, NaN or inf where the base
            refuses them, {y_kind}); if ``sample_weight`` has negative values,
            only zeros or the wrong length; if a parameter is out of range;
            if the base is of the wrong kind or ``boost_by="reweighting"`` is
            asked of a base whose ``fit`` takes no ``sample_weight``.{extra}
        TypeError
            If a keyword other than ``sample_weight`` is passed (e.g. the typo
            ``sample_weights=``)."""

_PREDICT_RAISES = """
        Raises
        ------
        NotFittedError
            If the ensemble is not fitted yet.
        ValueError
            If X does not have the ``n_features_in_`` columns seen in
            ``fit`` or contains values the members refuse."""


_STAGED = """
            Both are raised when the first stage is requested, not at the call."""


def _doc(text: str, **fmt) -> str:
    return text.format(**fmt) if fmt else text


class _AdaBoostClassifierAPI(RoundTasksMixin):
    """Documented public methods of :class:`AdaBoostClassifier` (private)."""

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None):
        return self._fit_rounds(X, y, sample_weight=sample_weight)

    fit.__doc__ = (
        """Boost the base classifier on (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training inputs (sparse only if the base accepts it).
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Initial boosting weights (uniform if None). Must be non-negative;
            a zero-weight row is never drawn by resampling and does not count
            in the weighted errors.

        Returns
        -------
        self : object
            The fitted ensemble.
"""
        + _doc(
            _FIT_RAISES,
            y_kind="a single class",
            extra=(
                " Also if the first round is no better than chance; if, by "
                "resampling, no weighted resample with two classes could be "
                "drawn; if a libsvm base (SVC, NuSVC) would be reweighted with "
                "a class whose rows all weigh 0."
            ),
        )
        + "\n        "
    )

    def predict(self, X: ArrayLike) -> np.ndarray:
        return super().predict(X)

    predict.__doc__ = (
        """Predict classes: the weighted vote of the members.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted class labels.
"""
        + _PREDICT_RAISES
        + "\n        "
    )

    def predict_proba(self, X: ArrayLike) -> np.ndarray:
        return super().predict_proba(X)

    predict_proba.__doc__ = (
        """Class probabilities: the softmax of :meth:`decision_function`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in ``classes_`` order. The members vote with labels, so a
            member that never saw a class simply never votes for it.
"""
        + _PREDICT_RAISES
        + "\n        "
    )

    def predict_log_proba(self, X: ArrayLike) -> np.ndarray:
        return super().predict_log_proba(X)

    predict_log_proba.__doc__ = (
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
"""
        + _PREDICT_RAISES
        + "\n        "
    )

    def decision_function(self, X: ArrayLike) -> np.ndarray:
        return super().decision_function(X)

    decision_function.__doc__ = (
        """Weighted votes of the members, normalised by the total weight.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            For two classes, the score of ``classes_[1]``.
"""
        + _PREDICT_RAISES
        + "\n        "
    )

    def staged_predict(self, X: ArrayLike) -> Iterator[np.ndarray]:
        yield from super().staged_predict(X)

    staged_predict.__doc__ = (
        """Predicted classes after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        y : ndarray of shape (n_samples,)
            The last equals :meth:`predict`.
"""
        + _PREDICT_RAISES
        + _STAGED
        + "\n        "
    )

    def staged_predict_proba(self, X: ArrayLike) -> Iterator[np.ndarray]:
        yield from super().staged_predict_proba(X)

    staged_predict_proba.__doc__ = (
        """Class probabilities after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        proba : ndarray of shape (n_samples, n_classes)
"""
        + _PREDICT_RAISES
        + _STAGED
        + "\n        "
    )

    def staged_decision_function(self, X: ArrayLike) -> Iterator[np.ndarray]:
        yield from super().staged_decision_function(X)

    staged_decision_function.__doc__ = (
        """Decision function after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
"""
        + _PREDICT_RAISES
        + _STAGED
        + "\n        "
    )

    def staged_score(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> Iterator[float]:
        yield from super().staged_score(X, y, sample_weight=sample_weight)

    staged_score.__doc__ = (
        """Accuracy on (X, y) after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Yields
        ------
        score : float
"""
        + _PREDICT_RAISES
        + _STAGED
        + "\n        "
    )


class _AdaBoostRegressorAPI(RoundTasksMixin):
    """Documented public methods of :class:`AdaBoostRegressor` (private)."""

    def fit(self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None):
        return self._fit_rounds(X, y, sample_weight=sample_weight)

    fit.__doc__ = (
        """Boost the base regressor on (X, y) by AdaBoost.R2.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training inputs (sparse only if the base accepts it).
        y : array-like of shape (n_samples,)
            Real-valued targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Initial boosting weights (uniform if None). Must be non-negative.

        Returns
        -------
        self : object
            The fitted ensemble.
"""
        + _doc(_FIT_RAISES, y_kind="non-numeric y", extra="")
        + "\n        "
    )

    def predict(self, X: ArrayLike) -> np.ndarray:
        return super().predict(X)

    predict.__doc__ = (
        """Predict targets: the weighted median of the members.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)
"""
        + _PREDICT_RAISES
        + "\n        "
    )

    def staged_predict(self, X: ArrayLike) -> Iterator[np.ndarray]:
        yield from super().staged_predict(X)

    staged_predict.__doc__ = (
        """Predictions after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        y : ndarray of shape (n_samples,)
            The last equals :meth:`predict`.
"""
        + _PREDICT_RAISES
        + _STAGED
        + "\n        "
    )

    def staged_score(
        self, X: ArrayLike, y: ArrayLike, sample_weight: ArrayLike | None = None
    ) -> Iterator[float]:
        yield from super().staged_score(X, y, sample_weight=sample_weight)

    staged_score.__doc__ = (
        """:math:`R^2` on (X, y) after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.
        y : array-like of shape (n_samples,)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Yields
        ------
        score : float
"""
        + _PREDICT_RAISES
        + _STAGED
        + "\n        "
    )
