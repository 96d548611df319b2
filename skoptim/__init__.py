"""skoptim: optimization and generalization for neural networks, the scikit-learn way."""

__version__ = "0.1.0.dev0"

__all__ = ["__version__"]
