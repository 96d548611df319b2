"""Prediction intervals of :class:`~skoptim.ensemble.BaggingRegressor`.

Jackknife+-after-bootstrap (Kim, Xu & Barber 2020) from the out-of-bag
residuals, and the check of ``predict_interval``'s arguments.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import check_is_fitted

from ..utils._warnings import warn_user

__all__ = ["check_interval_args", "jackknife_plus"]

# Upper bound on the number of floats materialised at once by the
# jackknife+ interval (n_train x chunk of test rows x n_outputs).
_MAX_BLOCK = 2_000_000


def check_interval_args(confidence, method):
    """Check ``predict_interval``'s arguments, naming that method."""
    if (
        not isinstance(confidence, Real)
        or isinstance(confidence, bool)
        or not 0 < confidence < 1
    ):
        hint = (
            f" Did you mean {confidence / 100:g}?"
            if isinstance(confidence, Real)
            and not isinstance(confidence, bool)
            and 10 <= confidence < 100
            else ""
        )
        raise InvalidParameterError(
            "The 'confidence' parameter of BaggingRegressor.predict_interval "
            "must be a float in the open interval (0, 1) (e.g. 0.9 for a 90% "
            f"interval), got {confidence!r}.{hint}"
        )
    if not isinstance(method, str) or method not in ("jackknife+", "percentile"):
        raise InvalidParameterError(
            "The 'method' parameter of BaggingRegressor.predict_interval must "
            f"be 'jackknife+' or 'percentile', got {method!r}."
        )
    return float(confidence), method


def jackknife_plus(ensemble, preds, alpha):
    """Jackknife+-after-bootstrap interval of the fitted bagging ``ensemble``."""
    check_is_fitted(ensemble)
    oob = ensemble._oob_matrix(ensemble._n_train)
    counts = oob.sum(axis=0)
    scored = counts > 0
    if not scored.any():
        raise ValueError(
            "predict_interval(method='jackknife+') needs out-of-bag rows, "
            "but every member saw every training row. Refit with "
            "bootstrap=True or max_samples < n_samples, or use "
            "method='percentile' (uncalibrated)."
        )
    n_rows = ensemble._n_calibration_rows(ensemble._n_train)
    n_left_out = n_rows - int(scored.sum())
    if n_left_out > 0.05 * n_rows:
        warn_user(
            f"{n_left_out} of {n_rows} training rows were in the bag of "
            "every member and are left out of the jackknife+ calibration. "
            "Use more estimators.",
            UserWarning,
        )
    n = int(scored.sum())
    k_lo = int(np.floor(alpha * (n + 1)))
    k_hi = int(np.ceil((1 - alpha) * (n + 1)))
    if k_lo < 1 or k_hi > n:
        warn_user(
            f"Only {n} out-of-bag-scored training rows: too few for "
            f"confidence={1 - alpha:g}, the interval is unbounded. Lower the "
            "confidence or train on more rows.",
            UserWarning,
        )

    single_output = preds.ndim == 2
    if single_output:
        preds = preds[:, :, np.newaxis]
    residuals = ensemble._oob_residuals.reshape(ensemble._n_train, -1)[scored]
    weights = oob[:, scored].T.astype(np.float64) / counts[scored, None]

    n_test, n_out = preds.shape[1], preds.shape[2]
    out = np.empty((n_test, n_out, 2))
    step = max(1, _MAX_BLOCK // max(1, n * n_out))
    for start in range(0, n_test, step):
        sl = slice(start, start + step)
        # mu[i, j, o]: out-of-bag mean for training row i at test row j
        mu = np.einsum("ib,bjo->ijo", weights, preds[:, sl, :])
        res = residuals[:, np.newaxis, :]
        if k_lo >= 1:
            lo = np.partition(mu - res, k_lo - 1, axis=0)[k_lo - 1]
        else:
            lo = np.full(mu.shape[1:], -np.inf)
        if k_hi <= n:
            hi = np.partition(mu + res, k_hi - 1, axis=0)[k_hi - 1]
        else:
            hi = np.full(mu.shape[1:], np.inf)
        out[sl, :, 0] = lo
        out[sl, :, 1] = hi
    return out[:, 0, :] if single_output else out
