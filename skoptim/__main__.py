"""``python -m skoptim``: the command line (see :mod:`skoptim.cli`)."""

import sys

from skoptim.cli import main

if __name__ == "__main__":
    sys.exit(main())
