"""The public classes the discovery-driven tests run over."""

import importlib
import inspect

import skoptim

SUBPACKAGES = [
    "neural_network",
    "optimizers",
    "schedules",
    "regularizers",
    "ensemble",
    "model_selection",
    "inspection",
]


def public_classes(*, abstract=False):
    """{name: class} of every class in a subpackage's ``__all__`` and skoptim's.

    Abstract classes (``Optimizer``, ``Schedule``...) are included only with
    ``abstract=True``.
    """
    seen = {}
    for sub in SUBPACKAGES:
        mod = importlib.import_module(f"skoptim.{sub}")
        for name in getattr(mod, "__all__", []):
            obj = getattr(mod, name)
            if inspect.isclass(obj) and (abstract or not inspect.isabstract(obj)):
                seen[obj.__name__] = obj
    for name in skoptim.__all__:
        obj = getattr(skoptim, name)
        if inspect.isclass(obj):
            seen[obj.__name__] = obj
    return seen
