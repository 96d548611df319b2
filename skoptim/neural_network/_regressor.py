"""The MLP regressor: squared error, Huber and Poisson losses, R^2."""

from __future__ import annotations

import warnings
from numbers import Real

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.exceptions import UndefinedMetricWarning
from sklearn.metrics import r2_score
from sklearn.utils._param_validation import Interval, StrOptions

from ._base import BaseMLP
from ._validation import _DTYPES, stochastic_only

__all__ = ["MLPRegressor"]


class MLPRegressor(RegressorMixin, BaseMLP):
    r"""Multilayer perceptron regressor with a pluggable optimizer.

    Same network and training loop as :class:`MLPClassifier` with an
    identity output and (half) squared error by default; Huber and Poisson
    (exponential output, log link) losses are available. Multi-output
    targets are supported.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        Units of each hidden layer.
    activation : {"identity", "logistic", "tanh", "relu"}, default="relu"
        Hidden activation.
    loss : {"squared_error", "huber", "poisson"}, default="squared_error"
        Training loss; see :mod:`skoptim.neural_network._losses`.
    huber_delta : float, default=1.0
        Threshold of the Huber loss.
    optimizer, regularizers, batch_size, max_iter, tol, n_iter_no_change, \
shuffle, random_state, warm_start, verbose, dtype
        As in :class:`MLPClassifier`.

    Attributes
    ----------
    coefs_, intercepts_, params_, loss_, best_loss_, loss_curve_, n_iter_, \
stop_reason_, t_, n_layers_, n_outputs_, out_activation_, optimizer_, \
optimizer_state_, regularizers_, regularizer_state_, validation_loss_curve_, \
validation_scores_, learning_rate_curve_, epoch_times_, n_features_in_, \
feature_names_in_
        As in :class:`MLPClassifier`; ``out_activation_`` is ``"identity"``
        (``"exp"`` for the Poisson loss).

    Examples
    --------
    >>> from sklearn.datasets import make_regression
    >>> from skoptim import MLPRegressor
    >>> X, y = make_regression(n_samples=200, n_features=5, noise=1, random_state=0)
    >>> reg = MLPRegressor((32,), optimizer="adam", max_iter=500,
    ...                    random_state=0).fit(X, y / 100)
    >>> reg.score(X, y / 100) > 0.95
    True
    """

    _parameter_constraints = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "huber", "poisson"})],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        loss="squared_error",
        huber_delta=1.0,
        optimizer="adam",
        regularizers=None,
        batch_size="auto",
        max_iter=200,
        tol=1e-4,
        n_iter_no_change=10,
        shuffle=True,
        random_state=None,
        warm_start=False,
        verbose=False,
        dtype=None,
    ):
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            optimizer=optimizer,
            regularizers=regularizers,
            batch_size=batch_size,
            max_iter=max_iter,
            tol=tol,
            n_iter_no_change=n_iter_no_change,
            shuffle=shuffle,
            random_state=random_state,
            warm_start=warm_start,
            verbose=verbose,
            dtype=dtype,
        )
        self.loss = loss
        self.huber_delta = huber_delta

    def _loss_name(self):
        return self.loss

    def _encode_targets(self, y, *, reset, classes=None, caller="fit"):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        from sklearn.utils import check_array

        y = check_array(y, ensure_2d=False, dtype=_DTYPES, input_name="y")
        if y.ndim > 2:
            raise ValueError(f"y must be 1-D or 2-D; got shape {y.shape}.")
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                "loss='poisson' needs non-negative targets; y has negative values. "
                "Use loss='squared_error' or shift y."
            )
        if reset:
            self._y_ndim = y.ndim
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        return y, Y

    @stochastic_only
    def partial_fit(self, X, y, sample_weight=None):
        """One epoch over (X, y), continuing from the current state.

        :class:`~skoptim.regularizers.EarlyStopping` has no effect here (one
        epoch per call, no held-out split, no stop); each such call warns
        (``UserWarning``). Use ``fit`` for early stopping.

        The first call initialises the network (as ``fit`` does); later
        calls continue its weights, optimizer state and random stream, and
        cast X to the model's dtype. Changing the optimizer's
        hyperparameters between calls keeps its state (see ``warm_start``).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative per-sample weights (a row of weight 0 is absent).

        Returns
        -------
        self : object
            The updated estimator.

        Raises
        ------
        DivergenceError
            If the epoch diverges (see :meth:`fit`); the estimator is then
            restored to its state before the call.
        ValueError
            If X's features or y's outputs differ from the first call's, y
            has NaN, ``sample_weight`` is negative, or (Poisson loss) y is
            negative.
        """
        return self._partial_fit(X, y, sample_weight=sample_weight)

    def predict(self, X):
        """Predicted values.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs; cast to the model's dtype.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, in the model's dtype.

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.
        ValueError
            If X has NaN/inf values or a different number of features than
            in ``fit``.
        """
        return self._decode(self._forward(X))

    def score(self, X, y, sample_weight=None):
        """Coefficient of determination :math:`R^2` of :meth:`predict`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            True values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            :math:`R^2` (uniform average over outputs).

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.
        ValueError
            If X is malformed, or X and y differ in length.
        """
        return super().score(X, y, sample_weight=sample_weight)

    def _score_output(self, out, y, sample_weight):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UndefinedMetricWarning)
            return r2_score(y, self._decode(out), sample_weight=sample_weight)

    def _decode(self, out):
        if self._y_ndim == 1:
            return out.ravel()
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        if self.loss == "poisson":
            tags.target_tags.positive_only = True
        return tags
