"""Checks shared by the estimators that support scikit-learn's callbacks.

skoptim's estimators take the callbacks of :mod:`sklearn.callback` through
``set_callbacks`` (:class:`sklearn.callback.CallbackSupportMixin`). Their
``set_callbacks`` calls :func:`check_callbacks` first, so that a callback
whose optional dependency is missing fails there with the skoptim extra to
install, not in the middle of a fit.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from typing import Any

__all__ = ["check_callbacks"]

#: Optional dependency of a callback class, by class name: (module, extra).
_NEEDS = {"ProgressBar": ("rich", "progress")}


def _missing(module: str) -> bool:
    try:
        importlib.import_module(module)
    except ImportError:
        return True
    return False


def check_callbacks(callbacks: Iterable[Any]) -> None:
    """Check that the callbacks' optional dependencies are installed.

    Parameters
    ----------
    callbacks : iterable of callback instances
        The callbacks passed to ``set_callbacks``.

    Raises
    ------
    ImportError
        If a callback needs a package that is not installed
        (:class:`sklearn.callback.ProgressBar` needs ``rich``); the message
        names the skoptim extra that installs it,
        ``pip install skoptim[progress]``.

    Examples
    --------
    >>> from sklearn.callback import ScoringMonitor
    >>> check_callbacks([ScoringMonitor(scoring="accuracy")])
    """
    for callback in callbacks:
        for cls in type(callback).__mro__:
            need = _NEEDS.get(cls.__name__)
            if need is not None and cls.__module__.startswith("sklearn."):
                module, extra = need
                if _missing(module):
                    raise ImportError(
                        f"{cls.__name__} needs the {module!r} package, which is "
                        f"not installed: pip install skoptim[{extra}] (or pip "
                        f"install {module})."
                    )
