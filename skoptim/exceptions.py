"""Exceptions raised by skoptim."""

__all__ = ["DivergenceError"]


class DivergenceError(FloatingPointError):
    """Training diverged: the loss or the parameters became non-finite.

    The message names the optimizer and its learning rate and suggests what
    to change. After a failed ``fit`` from scratch the estimator is left
    unfitted; after a failed ``partial_fit`` or warm-started ``fit`` it is
    restored to its state before the call.
    """
