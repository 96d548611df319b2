"""The MLP classifier: target encoding, probabilities, accuracy."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import column_or_1d

from ._base import BaseMLP
from ._network import class_probabilities
from ._validation import stochastic_only

__all__ = ["MLPClassifier"]


def _unseen_labels_message(unseen, classes, caller):
    """The error for labels the fitted classes lack, with the advice that
    fits the call (``fit`` with ``warm_start``, ``partial_fit``, or the
    ``validation_data`` of ``fit``)."""
    unseen, classes = unseen.tolist(), classes.tolist()
    if caller == "validation":
        return (
            f"y_val contains labels {unseen} that the training y lacks "
            f"(classes_={classes}): the network can only predict the classes "
            "it is trained on. Put samples of every class in the training "
            "set, e.g. split with train_test_split(..., stratify=y)."
        )
    if caller == "partial_fit":
        return (
            f"y contains labels {unseen} not in the classes of the first "
            f"partial_fit call (classes_={classes}); pass every label that "
            "will ever appear with partial_fit(..., classes=...) on the first "
            "call."
        )
    return (
        f"y contains labels {unseen} not seen by the fitted model "
        f"(classes_={classes}); a warm-started fit continues the fitted "
        "classes. Set warm_start=False to fit afresh on the new classes."
    )


class MLPClassifier(ClassifierMixin, BaseMLP):
    r"""Multilayer perceptron classifier with a pluggable optimizer.

    A feed-forward network :math:`h_0 = x`, :math:`h_l = \phi(h_{l-1} W_l +
    b_l)` trained by minimising the (weighted) mean cross-entropy: softmax
    output for several classes, logistic output for two classes or for
    multilabel indicator targets. Its shape follows
    :class:`sklearn.neural_network.MLPClassifier`, but the optimizer is an
    object (``optimizer=SGD(0.1, momentum=0.9, nesterov=True)``) and so are
    the regularizers; no ``solver``/``learning_rate_init``/``alpha`` flags.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        Units of each hidden layer.
    activation : {"identity", "logistic", "tanh", "relu"}, default="relu"
        Hidden activation.
    optimizer : Optimizer or str, default="adam"
        An object from :mod:`skoptim.optimizers` or an alias: ``"sgd"``,
        ``"momentum"``, ``"nesterov"`` (SGD with lr 0.01 and momentum 0.9),
        ``"adagrad"``, ``"adadelta"``, ``"rmsprop"``, ``"adam"``,
        ``"adamw"``, ``"nadam"``, ``"lbfgs"``. It is cloned at fit time, never
        mutated; its state is the fitted attribute ``optimizer_state_``. Its
        hyperparameters are nested parameters, ``optimizer__learning_rate``,
        for an alias too: ``set_params(optimizer__learning_rate=0.01)`` on
        ``"adam"`` sets a new ``Adam(learning_rate=0.01)``. A float set over
        a schedule sets the schedule's base rate (see
        :class:`~skoptim.optimizers.Optimizer`).
    regularizers : list of Regularizer or str, default=None
        Objects from :mod:`skoptim.regularizers` (penalties, dropout, noise,
        label smoothing, batch normalisation, mixup, early stopping). Each
        acts at its own point of the fit loop, so their combined effect does
        not depend on the list order except among regularizers acting at
        the same point (see :mod:`skoptim.regularizers`). They are cloned at
        fit time and never mutated. Their hyperparameters are nested
        parameters, ``regularizers__<name>__<param>`` with ``<name>`` the
        lower-cased class name (if unique) or the position, e.g.
        ``param_grid={"regularizers__dropout__rate": [0.1, 0.3],
        "regularizers__l2__alpha": [1e-4, 1e-2]}``. An alias, the lower-cased
        class name (``"l2"``, ``"dropout"``, ``["l2", "dropout"]``), stands
        for the object with default hyperparameters and has the same nested
        names. The same penalty twice (``["l2", L2(1e-3)]``: the terms would
        add up) is refused at fit with a ``ValueError``; different penalties
        (``[L1(), L2()]``) and repeated non-penalties are allowed.
    batch_size : int or "auto", default="auto"
        Minibatch size; ``"auto"`` is ``min(200, n_samples)``. Ignored by
        full-batch optimizers (L-BFGS).
    max_iter : int, default=200
        Maximum number of epochs (iterations for L-BFGS).
    tol : float, default=1e-4
        Training stops when the epoch loss has not improved by at least
        ``tol`` for more than ``n_iter_no_change`` consecutive epochs. Not
        used while :class:`~skoptim.regularizers.EarlyStopping` decides when
        to stop (its ``patience``/``min_delta`` on the validation set do).
    n_iter_no_change : int, default=10
        See ``tol``.
    shuffle : bool, default=True
        Shuffle the samples every epoch.
    random_state : int, RandomState instance or None, default=None
        Fixes initialisation, shuffling and every random draw of the
        regularizers: the same seed gives the same model. It is read when
        the network is initialised; ``partial_fit`` and warm-started fits
        continue that random stream (so the same sequence of calls gives
        the same model).
    warm_start : bool, default=False
        Continue from the previous fit's weights, optimizer state and random
        stream. If only the optimizer's hyperparameters changed (e.g.
        ``set_params(optimizer__learning_rate=...)``) its state (moments,
        step count) is kept; a different optimizer type, or state whose
        shape changed, starts afresh with a ``UserWarning``. If the layer
        sizes (or an explicit ``dtype``) changed, the network is fitted from
        scratch with a ``UserWarning``. The ``tol`` rule starts afresh at
        every ``fit``.
    verbose : bool, default=False
        Print a table with one line per epoch (per iteration for L-BFGS):
        the epoch as ``i/max_iter``, the training loss, the validation loss
        and score when there is validation data, the learning rate, the
        epoch's time with its unit and a ``*`` on a new best (validation
        loss if any, else training loss); then why training stopped when
        the ``tol`` rule stopped it.
    dtype : {"float32", "float64"}, numpy type or dtype, or None, default=None
        Precision of training and prediction. None follows the input of the
        first fit: float32 X trains in float32, anything else in float64.
        ``"float32"`` trains in float32 from any input (about twice as fast
        as float64 on large problems, with half the memory). The numpy
        spellings ``np.float32``/``np.dtype("float32")`` (and the same for
        float64) are accepted too; the parameter is stored as given and
        normalised at fit. Once fitted,
        validation data, ``partial_fit``, warm-started ``fit`` and
        ``predict`` cast their input to the model's dtype (``params_.dtype``).

    Attributes
    ----------
    classes_ : ndarray or list of ndarray
        Class labels.
    coefs_, intercepts_ : list of ndarray
        Weights and biases per layer: views into the flat buffer ``params_``.
    loss_ : float
        Loss of the last epoch.
    best_loss_ : float
        Lowest epoch loss.
    loss_curve_ : list of float
        Loss of each epoch.
    n_iter_ : int
        Epochs run (iterations for L-BFGS).
    stop_reason_ : str
        Why the last ``fit``/``partial_fit`` call stopped:

        - ``"tol"``: the training loss did not improve by ``tol`` for more
          than ``n_iter_no_change`` epochs (converged);
        - ``"max_iter"``: ``max_iter`` epochs or iterations ran without
          convergence (with a ``ConvergenceWarning``);
        - ``"regularizer:<Class>"``: a regularizer ended training, e.g.
          ``"regularizer:EarlyStopping"`` (see ``best_epoch_``);
        - ``"converged"``: L-BFGS met its own tolerance;
        - ``"max_fun"``, ``"line_search_failed"``: L-BFGS ran out of loss
          evaluations, or its line search found no lower loss (with a
          ``ConvergenceWarning``);
        - ``"callback"``: a callback's ``on_fit_task_end`` returned True at
          the end of an epoch (see ``set_callbacks``);
        - ``"partial_fit"``: the single epoch of ``partial_fit`` ran;
        - ``"worse_than_constant"``: training ended as ``"tol"``,
          ``"converged"`` or ``"regularizer:<Class>"`` but the fitted
          network's loss on the training data is more than 1.25 times
          worse (above the lowest reachable loss) than that of the constant
          prediction of the class prior (the targets' mean for the
          regressor), with a
          ``ConvergenceWarning`` (see :meth:`fit`).

        A diverging fit does not stop quietly: it raises
        :class:`~skoptim.DivergenceError`.
    t_ : int
        Training samples seen.
    n_layers_ : int
        Layers including input and output.
    n_outputs_ : int
        Output units.
    out_activation_ : str
        ``"softmax"`` or ``"logistic"``.
    optimizer_ : Optimizer
        The optimizer used (a clone of ``optimizer``, or the alias resolved).
    optimizer_state_ : dict
        The optimizer's state (moments, step count ``"t"``).
    regularizers_ : list of Regularizer
        The regularizers used (clones).
    regularizer_state_ : dict
        Their fitted state by position, e.g. batch normalisation's running
        statistics ``regularizer_state_[k]["running_mean"]``.
    validation_loss_curve_ : list of float
        With ``fit(..., validation_data=...)`` or
        :class:`~skoptim.regularizers.EarlyStopping`: the loss on the
        validation set after each epoch (training loss function, no penalty
        terms, original targets). Empty otherwise.
    validation_scores_ : list of float
        The ``score`` (accuracy, or :math:`R^2` for the regressor) on the
        validation set after each epoch.
    learning_rate_curve_ : list of float
        The learning rate each epoch started with (for a schedule, its value
        at that epoch), aligned with ``loss_curve_``; empty for an optimizer
        without a learning rate (L-BFGS).
    epoch_times_ : list of float
        Wall-clock seconds of each epoch (each L-BFGS iteration), validation
        included (``time.perf_counter``), aligned with ``loss_curve_``.

        Both grow across ``partial_fit`` and warm-started fits like
        ``loss_curve_``, start afresh with a new fit, and are left as before
        the call when a warm-started fit diverges.
    best_epoch_, best_validation_loss_, best_validation_score_ : int, float
        Set by :class:`~skoptim.regularizers.EarlyStopping`: the epoch
        (from 1) it judged best (whose weights are restored with
        ``restore_best_weights=True``) and its validation loss and score.
    n_features_in_ : int
        Number of features seen in fit.
    feature_names_in_ : ndarray of str
        Feature names, when X was a DataFrame with string column names.

    See Also
    --------
    MLPRegressor : The regression counterpart.
    skoptim.optimizers.Optimizer : The optimizer protocol.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skoptim import MLPClassifier
    >>> from skoptim.optimizers import SGD
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = make_pipeline(
    ...     StandardScaler(),
    ...     MLPClassifier((16,), optimizer=SGD(0.05, momentum=0.9, nesterov=True),
    ...                   max_iter=300, random_state=0),
    ... ).fit(X, y)
    >>> clf.score(X, y) > 0.95
    True
    """

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
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

    def _loss_name(self):
        return (
            "log_loss"
            if self._label_binarizer.y_type_ == "multiclass"
            else ("binary_log_loss")
        )

    def _encode_targets(self, y, *, reset, classes=None, caller="fit"):
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None."
            )
        y_type = type_of_target(y, input_name="y")
        if y_type == "multiclass-multioutput":
            shape = getattr(y, "shape", None) or np.shape(y)
            raise ValueError(
                f"{type(self).__name__} does not support multi-output multiclass "
                f"targets (y of shape {tuple(shape)} whose columns hold labels "
                "other than 0/1). It supports one column of labels (binary or "
                "multiclass) and multilabel 0/1 indicator matrices; for several "
                "label columns fit one classifier per column, e.g. with "
                "sklearn.multioutput.MultiOutputClassifier."
            )
        multilabel = y_type == "multilabel-indicator"
        if not multilabel:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if reset:
            lb = LabelBinarizer()
            if multilabel:
                lb.fit(y)
                if classes is not None and len(np.asarray(classes)) != len(lb.classes_):
                    raise ValueError(
                        f"classes={np.asarray(classes).tolist()} names "
                        f"{len(np.asarray(classes))} labels but the multilabel "
                        f"indicator y has {len(lb.classes_)} columns; pass one "
                        "class per column."
                    )
            elif classes is not None:
                lb.fit(classes)
                unseen = np.setdiff1d(unique_labels(y), lb.classes_)
                if len(unseen):
                    raise ValueError(
                        f"y contains labels {unseen.tolist()} that are not in "
                        f"classes={lb.classes_.tolist()}; pass every label that "
                        "will ever appear in classes."
                    )
            else:
                lb.fit(y)
            if not multilabel and len(lb.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes in "
                    f"the data, but the data contains only one class: "
                    f"{lb.classes_[:1].tolist()[0]!r}."
                )
            self._label_binarizer = lb
            self.classes_ = lb.classes_
        else:
            lb = self._label_binarizer
            fitted_multilabel = lb.y_type_ == "multilabel-indicator"
            if multilabel != fitted_multilabel:
                kind = {True: "a multilabel indicator", False: "a label vector"}
                raise ValueError(
                    f"y is {kind[multilabel]} but the model was fitted on "
                    f"{kind[fitted_multilabel]}; use the same kind of target "
                    "in every call."
                )
            if multilabel:
                if y.shape[1] != len(self.classes_):
                    raise ValueError(
                        f"y has {y.shape[1]} label columns but the model was "
                        f"fitted on {len(self.classes_)}."
                    )
            else:
                unseen = np.setdiff1d(unique_labels(y), self.classes_)
                if len(unseen):
                    raise ValueError(
                        _unseen_labels_message(unseen, self.classes_, caller)
                    )
        Y = lb.transform(y)
        if sp.issparse(Y):
            Y = Y.toarray()
        return y, Y

    @stochastic_only
    def partial_fit(self, X, y, classes=None, sample_weight=None):
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
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            Labels, or a multilabel 0/1 indicator matrix.
        classes : array-like of shape (n_classes,), default=None
            Every label that will ever appear; required on the first call.
            For a multilabel indicator ``y``, one entry per column.
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
            If ``classes`` is missing on the first call or differs from the
            first call's, ``y`` holds a label not in ``classes`` (on any
            call), the kind of target (labels or indicator) changed, X's
            features differ from the first call's, ``sample_weight`` is
            negative, or the optimizer is full-batch (L-BFGS has no
            ``partial_fit``: it raises ``AttributeError``).
        """
        first = "_network" not in self.__dict__
        if first and classes is None:
            raise ValueError(
                "classes must be passed on the first call to partial_fit: all the "
                "labels that will ever appear, e.g. classes=np.unique(y_all)."
            )
        if (
            not first
            and classes is not None
            and not np.array_equal(
                np.asarray(classes), self.classes_[np.argsort(self.classes_)]
            )
            and not np.array_equal(np.sort(np.asarray(classes)), self.classes_)
        ):
            raise ValueError(
                f"classes={np.asarray(classes).tolist()} differs from the classes of "
                f"the first call ({self.classes_.tolist()})."
            )
        return self._partial_fit(
            X, y, sample_weight=sample_weight, classes=classes if first else None
        )

    def predict_proba(self, X):
        """Class probabilities.

        For multilabel targets, the independent probability of each label.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs; cast to the model's dtype.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Probabilities in the order of ``classes_``, in the model's dtype.

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.
        ValueError
            If X has NaN/inf values or a different number of features than
            in ``fit``.
        """
        return self._proba(X, log=False)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities in the order of ``classes_``.

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.
        ValueError
            If X is malformed (see :meth:`predict_proba`).
        """
        # from the logits: finite even where the probability rounds to 0
        return self._proba(X, log=True)

    def _proba(self, X, log):
        z = self._forward(X, logits=True)
        binary = self.n_outputs_ == 1 and self._label_binarizer.y_type_ == "binary"
        return class_probabilities(z, self.out_activation_, binary, log=log)

    def predict(self, X):
        """Predicted labels (or label indicator matrix for multilabel).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Labels from ``classes_``, or a 0/1 indicator matrix.

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.
        ValueError
            If X is malformed (see :meth:`predict_proba`).
        """
        return self._decode(self._forward(X))

    def score(self, X, y, sample_weight=None):
        """Accuracy of :meth:`predict` on (X, y).

        For multilabel targets, the subset accuracy (every label right).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Inputs.
        y : array-like of shape (n_samples,) or (n_samples, n_classes)
            True labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
            Mean accuracy.

        Raises
        ------
        NotFittedError
            If the estimator is not fitted.
        ValueError
            If X is malformed, or X and y differ in length.
        """
        return super().score(X, y, sample_weight=sample_weight)

    def _score_output(self, out, y, sample_weight):
        return accuracy_score(y, self._decode(out), sample_weight=sample_weight)

    def _decode(self, out):
        lb = self._label_binarizer
        if lb.y_type_ == "multiclass":
            return self.classes_[np.argmax(out, axis=1)]
        if lb.y_type_ == "binary":
            return self.classes_[(out.ravel() > 0.5).astype(int)]
        return (out > 0.5).astype(int)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
