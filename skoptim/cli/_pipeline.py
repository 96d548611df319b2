"""The scikit-learn pipeline the command line cross-validates.

``ColumnTransformer`` (numeric: median imputation + standardization;
categorical/string: most-frequent imputation + one-hot encoding) -> skoptim's
MLP, trained in the requested dtype (its ``dtype`` parameter). Regression
targets are standardized by ``TransformedTargetRegressor``.
"""

from __future__ import annotations

import pandas as pd
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from skoptim import MLPClassifier, MLPRegressor

__all__ = ["column_kinds", "make_model", "describe_preprocessing", "final_mlp"]


def column_kinds(X: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Numeric columns (standardized) and the others (one-hot encoded).

    Booleans count as categorical.
    """
    numeric = [
        c
        for c in X.columns
        if pd.api.types.is_numeric_dtype(X[c]) and not pd.api.types.is_bool_dtype(X[c])
    ]
    categorical = [c for c in X.columns if c not in numeric]
    return numeric, categorical


def _preprocessor(X: pd.DataFrame) -> ColumnTransformer:
    numeric, categorical = column_kinds(X)
    steps = []
    if numeric:
        steps.append(
            (
                "numeric",
                make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
                numeric,
            )
        )
    if categorical:
        steps.append(
            (
                "categorical",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                categorical,
            )
        )
    return ColumnTransformer(steps)


def make_model(
    X: pd.DataFrame,
    task: str,
    *,
    optimizer: str,
    regularizers,
    hidden: tuple[int, ...],
    max_iter: int,
    batch_size,
    n_iter_no_change: int = 10,
    dtype: str,
    random_state: int,
):
    """The estimator cross-validated for one configuration."""
    mlp_cls = MLPClassifier if task == "classification" else MLPRegressor
    mlp = mlp_cls(
        hidden_layer_sizes=hidden,
        optimizer=optimizer,
        regularizers=regularizers,
        batch_size=batch_size,
        max_iter=max_iter,
        n_iter_no_change=n_iter_no_change,
        dtype=dtype,
        random_state=random_state,
    )
    model = Pipeline([("preprocess", _preprocessor(X)), ("mlp", mlp)])
    if task == "regression":
        return TransformedTargetRegressor(regressor=model, transformer=StandardScaler())
    return model


def final_mlp(fitted):
    """The fitted MLP inside a fitted :func:`make_model` estimator."""
    if isinstance(fitted, TransformedTargetRegressor):
        fitted = fitted.regressor_
    return fitted[-1] if isinstance(fitted, Pipeline) else fitted


def _columns(cols: list[str]) -> str:
    if len(cols) <= 6:
        return ", ".join(cols)
    return ", ".join(cols[:4]) + f", ... ({len(cols)} in all)"


def describe_preprocessing(X: pd.DataFrame, task: str) -> list[str]:
    """Lines of the output header that say what the pipeline does to the data."""
    numeric, categorical = column_kinds(X)
    lines = []
    if numeric:
        lines.append(
            f"{len(numeric)} numeric column(s) [{_columns(numeric)}]: "
            "median imputation, standardization"
        )
    if categorical:
        lines.append(
            f"{len(categorical)} categorical/string column(s) "
            f"[{_columns(categorical)}]: most-frequent imputation, one-hot "
            "encoding (unseen categories ignored)"
        )
    if task == "regression":
        lines.append("target: standardized for training, scored on the original scale")
    return lines
