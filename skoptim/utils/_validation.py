"""Sample-weight validation shared by the MLPs and the inspection tools."""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import _check_sample_weight

__all__ = ["check_sample_weight"]


def check_sample_weight(sample_weight, X, *, dtype=None, name="sample_weight"):
    """Validated weights: shape (n_samples,), finite, non-negative, not all 0.

    scikit-learn's ``_check_sample_weight`` checks the shape, finiteness and
    that some weight is non-zero; this adds a refusal of negative weights that
    says what to do. A zero weight is a missing row (scikit-learn semantics).

    Raises
    ------
    ValueError
        If the weights have the wrong shape, contain NaN/inf, are all zero, or
        any is negative.
    """
    sw = _check_sample_weight(sample_weight, X, dtype=dtype)
    negative = sw < 0
    if negative.any():
        i = int(np.flatnonzero(negative)[0])
        raise ValueError(
            f"{name} must be non-negative; got {int(negative.sum())} negative "
            f"entries (the first, {float(sw[i]):g}, at row {i}). A row of weight "
            "0 counts as absent; negative weights are not supported."
        )
    return sw
