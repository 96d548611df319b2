"""The ensembles inside Pipeline, GridSearchCV and cross_val_score."""

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_friedman1
from sklearn.model_selection import GridSearchCV, KFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skoptim.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    BaggingClassifier,
    BaggingRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
)

CASES = [
    (BaggingRegressor(DecisionTreeRegressor(), n_estimators=5), "regression"),
    (BaggingClassifier(DecisionTreeClassifier(), n_estimators=5), "classification"),
    (AdaBoostRegressor(DecisionTreeRegressor(), n_estimators=5), "regression"),
    (AdaBoostClassifier(DecisionTreeClassifier(), n_estimators=5), "classification"),
    (
        GradientBoostingRegressor(DecisionTreeRegressor(), learning_rate=0.5),
        "regression",
    ),
    (
        GradientBoostingClassifier(DecisionTreeRegressor(), learning_rate=0.5),
        "classification",
    ),
]


def _data(task):
    if task == "regression":
        return make_friedman1(n_samples=150, noise=0.5, random_state=0)
    return load_iris(return_X_y=True)


@pytest.mark.parametrize("ensemble, task", CASES, ids=lambda c: type(c).__name__)
def test_pipeline_grid_search_and_cross_val_score(ensemble, task):
    X, y = _data(task)
    ensemble = ensemble.set_params(random_state=0)
    pipe = make_pipeline(StandardScaler(), ensemble)
    step = pipe.steps[-1][0]
    grid = GridSearchCV(
        pipe,
        {f"{step}__estimator__max_depth": [1, 3], f"{step}__n_estimators": [2, 4]},
        cv=KFold(3, shuffle=True, random_state=0),
    ).fit(X, y)
    best = grid.best_estimator_.steps[-1][1]
    assert (
        best.estimator.max_depth == grid.best_params_[f"{step}__estimator__max_depth"]
    )
    # the nested parameter reached the fitted members
    members = np.ravel(best.estimators_)
    assert all(m.max_depth == best.estimator.max_depth for m in members)
    scores = cross_val_score(
        grid.best_estimator_, X, y, cv=KFold(3, shuffle=True, random_state=0)
    )
    assert scores.shape == (3,) and np.all(np.isfinite(scores))
    floor = 0.3 if task == "regression" else 0.8  # well above chance
    assert scores.mean() > floor, scores
