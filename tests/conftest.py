"""Shared test set-up: a non-interactive matplotlib backend for plot tests, and
hypothesis settings: no per-example deadline (a shared 2-core CI machine makes
timings meaningless; no test asserts a time), and fixed examples under CI so a
run is reproducible (locally, hypothesis keeps exploring new examples)."""

import os

from hypothesis import settings

os.environ.setdefault("MPLBACKEND", "Agg")

settings.register_profile("skoptim", deadline=None)
settings.register_profile("skoptim-ci", deadline=None, derandomize=True)
settings.load_profile("skoptim-ci" if os.environ.get("CI") else "skoptim")
