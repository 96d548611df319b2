"""skoptim: optimization and generalization for neural networks, the scikit-learn way.

Subpackages: :mod:`skoptim.neural_network`, :mod:`skoptim.optimizers`,
:mod:`skoptim.schedules`, :mod:`skoptim.regularizers`, :mod:`skoptim.ensemble`,
:mod:`skoptim.model_selection`, :mod:`skoptim.inspection`.
"""

from .exceptions import DivergenceError
from .neural_network import MLPClassifier, MLPRegressor

__version__ = "0.1.0.dev0"

__all__ = ["MLPClassifier", "MLPRegressor", "DivergenceError", "__version__"]
