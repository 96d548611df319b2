"""The one exception the command line turns into a one-line error."""

from __future__ import annotations

__all__ = ["UsageError"]


class UsageError(Exception):
    """A problem with the user's input: printed as one line, exit code 2."""
