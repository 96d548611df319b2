"""The ``skoptim`` command line: ``skoptim compare`` and ``skoptim splits``.

A thin shell over the public API: it parses arguments, builds a
scikit-learn pipeline (ColumnTransformer + skoptim MLP), runs
:func:`sklearn.model_selection.cross_validate` and prints the results.
Run ``skoptim --help`` or ``python -m skoptim --help``.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ._errors import UsageError

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``).

    Parameters
    ----------
    argv : sequence of str, default=None
        The arguments after the program name.

    Returns
    -------
    code : int
        0 on success, 1 if every configuration failed, 2 for a usage error
        (one line on stderr), 130 when interrupted with Ctrl-C.
    """
    from ._parser import build_parser

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error already printed (2)
        return exc.code if isinstance(exc.code, int) else 2
    try:
        if args.command == "compare":
            from ._compare import run_compare

            return run_compare(args)
        from ._splits import run_splits

        return run_splits(args)
    except UsageError as exc:
        print(f"skoptim {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"skoptim {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. piped into `head`
        return 1
