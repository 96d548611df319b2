"""scikit-learn's callback API for skoptim's estimators (shared helpers).

skoptim's estimators take the callbacks of :mod:`sklearn.callback`
(``ProgressBar``, ``ScoringMonitor`` or your own ``FitCallback``) through
``set_callbacks``. This module holds what every estimator shares:

* :class:`CallbackSupportMixin`: scikit-learn's mixin, whose ``set_callbacks``
  also checks that ``rich`` is installed when a progress bar is given, and
  says which extra to install when it is not;
* :class:`ProgressBar`: scikit-learn's progress bar with that same message
  when it is created without ``rich``;
* :func:`has_callbacks` and :func:`propagate_into`, the two calls a fit loop
  needs to keep its cost at one attribute check when no callback is set, and
  to pass the callbacks on to sub-estimators that support them.
"""

from __future__ import annotations

import contextlib
from typing import Any

from sklearn.callback import CallbackSupportMixin as _SkCallbackSupportMixin
from sklearn.callback import ProgressBar as _SkProgressBar

__all__ = [
    "CallbackSupportMixin",
    "ProgressBar",
    "check_rich",
    "has_callbacks",
    "propagate_into",
]

#: How to get the optional ``rich`` dependency.
INSTALL_HINT = (
    "Install skoptim's 'progress' extra: pip install 'skoptim[progress]' "
    "(or pip install rich)."
)


def check_rich(caller: str = "ProgressBar") -> None:
    """Raise an ImportError naming the extra to install if rich is missing.

    Parameters
    ----------
    caller : str, default="ProgressBar"
        What needs rich, for the message.

    Raises
    ------
    ImportError
        If ``rich`` cannot be imported.
    """
    try:
        import rich  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            f"{caller} draws its bars with the optional dependency rich, which "
            f"is not installed. {INSTALL_HINT}"
        ) from exc


class ProgressBar(_SkProgressBar):
    """scikit-learn's progress bar, with an install hint when rich is missing.

    Identical to :class:`sklearn.callback.ProgressBar` (nested bars for
    meta-estimators and searches, worker processes report to the main one),
    except that creating it without ``rich`` raises an ImportError that says
    to ``pip install 'skoptim[progress]'``.

    Parameters
    ----------
    max_propagation_depth : int or None, default=1
        How many levels of nested estimators get bars: 0 shows only the
        outermost estimator, None every level.

    Raises
    ------
    ImportError
        If ``rich`` is not installed.
    """

    def __init__(self, max_propagation_depth: int | None = 1) -> None:
        check_rich(type(self).__name__)
        super().__init__(max_propagation_depth=max_propagation_depth)


class CallbackSupportMixin(_SkCallbackSupportMixin):
    """scikit-learn's callback support, checking rich for progress bars.

    ``set_callbacks`` is scikit-learn's, plus one check: a progress bar given
    while ``rich`` cannot be imported (e.g. a pickled callback brought to an
    environment without it) is refused with a message naming the extra.
    """

    def set_callbacks(self, *callbacks):
        """Set the callbacks called during ``fit``.

        Parameters
        ----------
        *callbacks : callback instances
            Objects following :class:`sklearn.callback.FitCallback`, e.g.
            :class:`ProgressBar` or :class:`sklearn.callback.ScoringMonitor`.
            No argument removes the callbacks.

        Returns
        -------
        self : estimator instance
            The estimator itself.

        Raises
        ------
        TypeError
            If an argument does not follow the ``FitCallback`` protocol (or is
            a class rather than an instance).
        ImportError
            If a progress bar is given and ``rich`` is not installed.
        """
        for callback in callbacks:
            if isinstance(callback, _SkProgressBar):
                check_rich(type(callback).__name__)
        return super().set_callbacks(*callbacks)


def has_callbacks(estimator: Any) -> bool:
    """Whether callbacks are set on ``estimator`` (one attribute look-up)."""
    return bool(getattr(estimator, "_skl_callbacks", None))


def propagate_into(context, sub_estimator):
    """``context.propagate_callback_context(sub_estimator)`` when it applies.

    A sub-estimator without ``set_callbacks`` (a decision tree, say) has no
    tasks of its own; scikit-learn would warn, once per member, that the
    callbacks cannot be propagated. Here such a member is simply a leaf task,
    whose hooks the meta-estimator calls itself.

    Parameters
    ----------
    context : CallbackContext
        The leaf task of the meta-estimator in which ``sub_estimator`` is fit.
    sub_estimator : estimator instance
        The sub-estimator about to be fit.

    Returns
    -------
    manager : context manager
    """
    if hasattr(sub_estimator, "set_callbacks"):
        return context.propagate_callback_context(sub_estimator)
    return contextlib.nullcontext()
