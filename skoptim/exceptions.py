"""Exceptions raised by skoptim."""

__all__ = ["DivergenceError"]


class DivergenceError(FloatingPointError):
    r"""Training diverged: the loss exploded or the numbers stopped being finite.

    :class:`~skoptim.MLPClassifier` and :class:`~skoptim.MLPRegressor` raise
    it during ``fit`` or ``partial_fit`` when any of these holds:

    1. **Non-finite values.** A batch's loss, an epoch's mean loss or a
       parameter becomes NaN or :math:`\pm\infty`; or the network's outputs
       on the validation set (``validation_data``, or the split held out by
       :class:`~skoptim.regularizers.EarlyStopping`) are not finite: the
       forward pass overflowed, as it does first in float32.
    2. **An exploding loss** (stochastic optimizers, checked after each
       epoch). Let :math:`L_{\min}` be the lowest mean loss any prediction
       can reach on the call's targets (0; the targets' entropy for soft
       labels; :math:`\sum y - y\log y` for Poisson), :math:`L_{\mathrm{ref}}`
       the loss of a data-free prediction (all-zero output for the squared
       error and Huber losses, output 1 for Poisson, uniform probabilities
       for the log losses) and :math:`L_0` the loss of the call's first
       batch before any step.

       - Squared error, Huber, Poisson (unbounded): the epoch loss
         :math:`L` diverges when
         :math:`L - L_{\min} > 100\,(\max(L_{\mathrm{ref}}, L_0) - L_{\min})`.
       - Log losses, which clipping the probabilities to
         :math:`[\varepsilon, 1 - \varepsilon]` bounds by
         :math:`C = -\log\varepsilon` per output (:math:`\varepsilon` the
         dtype's machine epsilon): :math:`L > \max(C/2,\;
         5 L_{\mathrm{ref}},\; 2 L_0)` for 3 epochs in a row. A network that
         stays there predicts the wrong class with near-certainty on about
         half the samples or more: the optimizer has saturated it.

    A line search (L-BFGS) that meets a non-finite loss also raises it. The
    rule never looks at the validation loss's size, only its finiteness, and
    costs one comparison per epoch.

    The message names the optimizer and its learning rate and suggests what
    to change. After a failed ``fit`` from scratch the estimator is left
    unfitted; after a failed ``partial_fit`` or warm-started ``fit`` it is
    restored to its state before the call.

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim import DivergenceError, MLPRegressor
    >>> from skoptim.optimizers import SGD
    >>> X = np.random.RandomState(0).rand(200, 3) * 1000
    >>> try:
    ...     MLPRegressor((20,), optimizer=SGD(0.1, momentum=0.9),
    ...                  random_state=0).fit(X, X.sum(axis=1))
    ... except DivergenceError as exc:
    ...     print(str(exc)[:18])
    Training diverged:
    """
