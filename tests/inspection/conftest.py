import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from skoptim import MLPClassifier, MLPRegressor


def quiet_fit(est, X, y, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **kw)


@pytest.fixture(scope="module")
def clf_data():
    X, y = make_classification(
        120, n_features=5, n_informative=3, n_classes=3, random_state=0
    )
    clf = quiet_fit(MLPClassifier((8,), max_iter=150, random_state=0), X, y)
    return clf, X, y


@pytest.fixture(scope="module")
def reg_data():
    rng = np.random.RandomState(0)
    X = rng.randn(80, 3)
    y = np.sin(X @ [1.0, -0.5, 0.3]) + 0.1 * rng.randn(80)
    reg = quiet_fit(
        MLPRegressor((10,), activation="tanh", max_iter=300, random_state=0), X, y
    )
    return reg, X, y
