"""Warnings attributed to the user's line, not to skoptim's internals."""

from __future__ import annotations

import os
import sys
import warnings

__all__ = ["warn_user"]

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
#: Frames of these packages are skipped too: a fit called by a Pipeline or a
#: search is still attributed to the user's line that called them.
_SKIPPED_DIRS = (_PACKAGE_DIR + os.sep,)
_SKIPPED_PACKAGES = ("sklearn", "joblib")


def _skipped(filename: str) -> bool:
    path = os.path.abspath(filename)
    if path.startswith(_SKIPPED_DIRS):
        return True
    parts = path.split(os.sep)
    return any(p in parts for p in _SKIPPED_PACKAGES) and (
        "site-packages" in parts or "dist-packages" in parts
    )


def _user_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside skoptim (and outside
    installed scikit-learn/joblib) as seen from :func:`warn_user`'s caller."""
    frame = sys._getframe(2)  # warn_user's caller
    level = 2
    while frame is not None and _skipped(frame.f_code.co_filename):
        frame = frame.f_back
        level += 1
    if frame is None:
        return 2
    return level


def warn_user(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn`` attributed to the first frame outside skoptim.

    The equivalent of ``warnings.warn(..., skip_file_prefixes=...)``
    (Python 3.12+) for Python 3.10: the stack level is found by walking the
    frames out of skoptim's package directory (and out of an installed
    scikit-learn or joblib, so a fit run by a Pipeline or a search points at
    the line that called them).

    Parameters
    ----------
    message : str
        The warning's text.
    category : type of Warning, default=UserWarning
        The warning's class.
    """
    warnings.warn(message, category, stacklevel=_user_stacklevel())
