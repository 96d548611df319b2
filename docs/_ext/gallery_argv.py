"""sphinx-gallery hooks for the skoptim docs (imported by name from conf.py).

The examples save their figures into ``--output DIR`` (default: the current
folder). In the docs build they get a scratch folder outside the source tree,
so nothing is written next to the sources; the gallery's own matplotlib
scraper still captures the open figures for the web pages.
"""

import atexit
import shutil
import tempfile

_FIGURE_DIR = None


def _figure_dir():
    global _FIGURE_DIR
    if _FIGURE_DIR is None:
        _FIGURE_DIR = tempfile.mkdtemp(prefix="skoptim-docs-figures-")
        atexit.register(shutil.rmtree, _FIGURE_DIR, ignore_errors=True)
    return _FIGURE_DIR


def reset_argv(gallery_conf, script_vars):
    """Command-line arguments for each example: a scratch ``--output``."""
    return ["--output", _figure_dir()]
