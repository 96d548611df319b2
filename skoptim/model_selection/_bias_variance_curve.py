"""Bias–variance decomposition along one hyperparameter (model complexity)."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from sklearn.base import clone
from sklearn.utils import check_random_state

from ._bias_variance import (
    SquaredErrorDecomposition,
    ZeroOneDecomposition,
    _check_loss,
    bias_variance_decomposition,
)

__all__ = ["BiasVarianceCurve", "bias_variance_curve"]


@dataclass(frozen=True, eq=False)
class BiasVarianceCurve:
    r"""Bias–variance decompositions for a sweep of one hyperparameter.

    The ``*_term`` arrays are the additive parts of the exact identity of each
    decomposition, so that for every value

    .. math::

        \text{expected\_loss} = \text{bias\_term} + \text{variance\_term}
        \;[+\ \text{noise\_term}].

    For ``loss="squared_error"`` they are ``bias_squared``, ``variance`` and
    ``noise + cross_term``; for ``loss="zero_one"`` they are ``bias``,
    ``net_variance`` and ``net_noise`` (see :class:`SquaredErrorDecomposition`
    and :class:`ZeroOneDecomposition`).

    Attributes
    ----------
    param_name : str
        The swept parameter, as accepted by ``estimator.set_params``.
    param_range : list
        The values, in the order given.
    loss : str
        ``"squared_error"`` or ``"zero_one"``.
    expected_loss, bias_term, variance_term : ndarray of shape (n_values,)
        One entry per parameter value.
    noise_term : ndarray of shape (n_values,) or None
        ``None`` when ``y_test_true`` was not given.
    results : tuple of SquaredErrorDecomposition or ZeroOneDecomposition
        The full decomposition for each value (per-sample arrays included).
    """

    param_name: str
    param_range: list
    loss: str
    expected_loss: np.ndarray
    bias_term: np.ndarray
    variance_term: np.ndarray
    noise_term: np.ndarray | None
    results: tuple[SquaredErrorDecomposition | ZeroOneDecomposition, ...]

    def __repr__(self) -> str:
        n = len(self.param_range)
        rows = list(range(n)) if n <= 10 else [*range(5), None, *range(n - 4, n)]
        labels = [repr(v) for v in self.param_range]
        width = max([len(self.param_name)] + [len(s) for s in labels])
        cols = ["expected_loss", "bias_term", "variance_term"]
        if self.noise_term is not None:
            cols.append("noise_term")
        lines = [
            f"BiasVarianceCurve(param_name={self.param_name!r}, loss={self.loss!r}, "
            f"n_values={n}, n_rounds={self.results[0].n_rounds})",
            "  " + self.param_name.ljust(width) + "".join(f"{c:>15}" for c in cols),
        ]
        for i in rows:
            if i is None:
                lines.append("  ...")
                continue
            vals = "".join(f"{getattr(self, c)[i]:>15.6g}" for c in cols)
            lines.append("  " + labels[i].ljust(width) + vals)
        lines.append("  arrays: one entry per value; results: full decompositions")
        return "\n".join(lines)

    def plot(
        self, ax: Any = None, *, xscale: str | None = None, show_noise: bool = True
    ) -> Any:
        """Draw loss, bias and variance against the parameter (the U-curve).

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; a new figure is created when None.
        xscale : {"linear", "log"}, default=None
            Scale of the x axis. None picks "log" when all values are positive
            numbers spanning more than two decades, else "linear".
        show_noise : bool, default=True
            Also draw the noise term when it is available.

        Returns
        -------
        ax : matplotlib Axes

        Raises
        ------
        ImportError
            If matplotlib is not installed.
        ValueError
            If ``xscale`` is not ``"linear"``, ``"log"`` or None.
        """
        try:
            import matplotlib.pyplot as plt
        except ImportError as exc:  # pragma: no cover - depends on environment
            raise ImportError(
                "BiasVarianceCurve.plot needs matplotlib; install it with "
                "`pip install matplotlib` (or `pip install skoptim[plots]`)."
            ) from exc
        if ax is None:
            _, ax = plt.subplots()
        values = self.param_range
        numeric = all(
            isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values
        )
        if numeric:
            x = np.asarray(values, dtype=float)
        else:
            x = np.arange(len(values), dtype=float)
        if xscale is None:
            xscale = "linear"
            if numeric and np.all(x > 0) and x.max() / x.min() > 100:
                xscale = "log"
        if xscale not in ("linear", "log"):
            raise ValueError(f"xscale={xscale!r} must be 'linear', 'log' or None.")
        ax.set_xscale(xscale)
        if self.loss == "squared_error":
            bias_label, var_label = "bias²", "variance"
        else:
            bias_label, var_label = "bias", "net variance"
        ax.plot(x, self.expected_loss, "o-", color="k", label="expected loss")
        ax.plot(x, self.bias_term, "s--", color="C0", label=bias_label)
        ax.plot(x, self.variance_term, "^--", color="C3", label=var_label)
        if show_noise and self.noise_term is not None:
            ax.plot(x, self.noise_term, ":", color="0.5", label="noise")
        if not numeric:  # after set_xscale, which resets the tick locator
            ax.set_xticks(x)
            ax.set_xticklabels([str(v) for v in values])
        ax.set_xlabel(self.param_name)
        ax.set_ylabel("squared error" if self.loss == "squared_error" else "0-1 loss")
        ax.legend()
        return ax


def bias_variance_curve(
    estimator: Any,
    X_train: Any,
    y_train: Any,
    X_test: Any,
    y_test: Any,
    *,
    param_name: str,
    param_range: Sequence[Any],
    loss: str = "auto",
    n_rounds: int = 200,
    max_samples: int | float = 1.0,
    bootstrap: bool = True,
    y_test_true: Any = None,
    n_jobs: int | None = None,
    random_state: int | np.random.RandomState | None = None,
) -> BiasVarianceCurve:
    r"""Bias–variance decomposition for each value of one hyperparameter.

    For every value ``v`` in ``param_range``, ``estimator`` is cloned, given
    ``param_name=v`` and passed to :func:`bias_variance_decomposition`. Sweeping
    a complexity parameter (tree depth, number of hidden units, regularization
    strength ``alpha``) traces the classic U-shaped expected loss, with bias
    falling and variance rising as the model becomes more flexible [1]_.

    When ``random_state`` is an int (or None) the same integer seed is used for
    every value, so all values are fitted on the same training draws (common
    random numbers): differences between values are then not blurred by
    different resamples.

    Parameters
    ----------
    estimator : estimator object
        Any object with ``fit``, ``predict``, ``get_params`` and ``set_params``.
    X_train, y_train, X_test, y_test :
        As in :func:`bias_variance_decomposition`.
    param_name : str
        Name of the parameter to vary, as accepted by ``set_params`` (nested
        names such as ``"mlp__hidden_layer_sizes"`` work).
    param_range : sequence
        Values to try (at least one).
    loss : {"auto", "squared_error", "zero_one"}, default="auto"
        As in :func:`bias_variance_decomposition`: ``"auto"`` is
        ``"zero_one"`` for a classifier and ``"squared_error"`` otherwise;
        the resolved name is ``curve.loss``.
    n_rounds, max_samples, bootstrap, y_test_true, n_jobs :
        As in :func:`bias_variance_decomposition`.
    random_state : int, RandomState instance or None, default=None
        As in :func:`bias_variance_decomposition`. An int is reused for every
        value (see above); a RandomState instance is consumed sequentially, so
        values then get different draws. None draws one integer seed and reuses
        it for every value.

    Returns
    -------
    curve : BiasVarianceCurve
        Per-value arrays and the full decompositions; ``curve.plot()`` draws
        the U-curve with matplotlib.

    Raises
    ------
    TypeError
        If ``param_name`` is not a string, or as in
        :func:`bias_variance_decomposition`.
    ValueError
        If ``param_name`` is not a parameter of ``estimator``,
        ``param_range`` is empty, or as in :func:`bias_variance_decomposition`.

    References
    ----------
    .. [1] S. Geman, E. Bienenstock and R. Doursat, "Neural networks and the
       bias/variance dilemma", Neural Computation 4(1), 1-58, 1992.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skoptim.model_selection import bias_variance_curve
    >>> rng = np.random.RandomState(0)
    >>> X = rng.uniform(-3, 3, size=(200, 1))
    >>> y = np.sin(X[:, 0]) + rng.normal(scale=0.3, size=200)
    >>> curve = bias_variance_curve(
    ...     DecisionTreeRegressor(), X[:100], y[:100], X[100:], y[100:],
    ...     param_name="max_depth", param_range=[1, 3, 10], n_rounds=20,
    ...     random_state=0)
    >>> bool(np.allclose(curve.expected_loss, curve.bias_term + curve.variance_term))
    True
    """
    loss = _check_loss(loss, estimator)
    if not isinstance(param_name, str):
        raise TypeError(f"param_name must be a string, got {param_name!r}.")
    valid = estimator.get_params(deep=True)
    if param_name not in valid:
        raise ValueError(
            f"param_name={param_name!r} is not a parameter of {estimator!r}. "
            f"Valid parameters are: {sorted(valid)}."
        )
    values = list(param_range)
    if len(values) == 0:
        raise ValueError("param_range is empty; give at least one value to try.")
    if random_state is None:
        random_state = int(check_random_state(None).randint(np.iinfo(np.int32).max))

    results = []
    for value in values:
        est = clone(estimator).set_params(**{param_name: value})
        results.append(
            bias_variance_decomposition(
                est,
                X_train,
                y_train,
                X_test,
                y_test,
                loss=loss,
                n_rounds=n_rounds,
                max_samples=max_samples,
                bootstrap=bootstrap,
                y_test_true=y_test_true,
                n_jobs=n_jobs,
                random_state=random_state,
            )
        )
    noise = None
    if y_test_true is not None:
        noise = np.array([r.noise_term for r in results], dtype=float)
    return BiasVarianceCurve(
        param_name=param_name,
        param_range=values,
        loss=loss,
        expected_loss=np.array([r.expected_loss for r in results], dtype=float),
        bias_term=np.array([r.bias_term for r in results], dtype=float),
        variance_term=np.array([r.variance_term for r in results], dtype=float),
        noise_term=noise,
        results=tuple(results),
    )
