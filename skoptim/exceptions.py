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

    3. **Worse than a constant, with exploded parameters** (checked once,
       when ``fit`` ends, any optimizer). Let :math:`L_c` be the loss of the
       constant prediction fitted to the training targets (the class prior,
       the targets' mean) and :math:`L` the fitted network's loss on the
       training data in predict mode (no dropout, noise or penalty; measured
       only when the last epoch's loss is above the limit): it diverged
       when :math:`L - L_{\min} > 10\,(L_c - L_{\min})` and a parameter
       exceeds :math:`10^8` in magnitude. This catches a network that the
       optimizer saturated from the first batch on (unscaled inputs, a huge
       learning rate), whose first loss is already so high that rule 2
       never fires. Worse than :math:`1.25\,(L_c - L_{\min})` without
       exploded parameters is no error: a fit that ended as converged then
       warns (``ConvergenceWarning``) and sets
       ``stop_reason_="worse_than_constant"``.

    A line search (L-BFGS) that meets a non-finite loss also raises it. The
    rules never look at the validation loss's size, only its finiteness;
    rule 2 costs one comparison per epoch, rule 3 one pass over the targets
    and the parameters per fit.

    The message names the optimizer and suggests what to change in a way
    that fits it: for an optimizer with a learning rate, a smaller one (its
    default rate when the current one is more than 10 times the default,
    else a tenth), given as the ``set_params`` name that reaches it
    (``optimizer__optimizer__learning_rate`` for SAM); for one without
    (L-BFGS), scaling the data, an L2 penalty or a stochastic optimizer.
    After a failed ``fit`` from scratch the estimator is left unfitted;
    after a failed ``partial_fit`` or warm-started ``fit`` it is restored
    to its state before the call.

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
