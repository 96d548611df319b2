"""Result objects of the bias–variance decomposition, with short summaries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["SquaredErrorDecomposition", "ZeroOneDecomposition"]


def _fmt(value: Any) -> str:
    """A scalar for a summary line: 6 significant digits, None as is."""
    if value is None:
        return "None"
    return f"{float(value):.6g}"


def _shape(value: Any) -> str:
    return "None" if value is None else str(np.shape(value))


def _summary(head: str, scalars: dict[str, Any], arrays: dict[str, Any]) -> str:
    """A short multi-line repr: a header, one line per scalar, the array shapes.

    Fields that are None (e.g. ``noise`` without ``y_test_true``) are left out.
    """
    scalars = {k: v for k, v in scalars.items() if v is not None}
    arrays = {k: v for k, v in arrays.items() if v is not None}
    width = max(len(k) for k in scalars)
    lines = [head]
    lines += [f"  {k.ljust(width)} = {_fmt(v)}" for k, v in scalars.items()]
    shapes = ", ".join(f"{k} {_shape(v)}" for k, v in arrays.items())
    lines.append(f"  arrays: {shapes}")
    return "\n".join(lines)


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class SquaredErrorDecomposition:
    r"""Bias–variance decomposition of the expected squared error.

    Notation: :math:`\hat f_r(x_i)` is the prediction of the model fitted in
    round :math:`r = 1, \dots, R` for test point :math:`i = 1, \dots, n`,
    :math:`\bar f(x_i) = \frac1R \sum_r \hat f_r(x_i)` the main (mean)
    prediction, :math:`y_i` the observed test target and :math:`f(x_i)` the
    noise-free target (``y_test_true``) when it is known. Every scalar field
    is the mean over test points of the matching ``*_per_sample`` array.

    Attributes
    ----------
    loss : str
        Always ``"squared_error"``.
    n_rounds : int
        Number of refits :math:`R`.
    expected_loss : float
        :math:`\frac1n \sum_i \frac1R \sum_r (y_i - \hat f_r(x_i))^2`, the mean
        squared error against the **observed** targets, averaged over rounds.
    bias_squared : float
        :math:`\frac1n \sum_i (t_i - \bar f(x_i))^2` with :math:`t_i = f(x_i)`
        when ``y_test_true`` is given and :math:`t_i = y_i` otherwise.
    variance : float
        :math:`\frac1n \sum_i \frac1R \sum_r (\hat f_r(x_i) - \bar f(x_i))^2`
        (population variance over rounds, divisor :math:`R`).
    noise : float or None
        :math:`\frac1n \sum_i (y_i - f(x_i))^2`; ``None`` when ``y_test_true``
        is not given (the noise is then part of ``bias_squared``).
    cross_term : float or None
        :math:`\frac2n \sum_i (y_i - f(x_i))(f(x_i) - \bar f(x_i))`; ``None``
        when ``y_test_true`` is not given. Its expectation over the test noise
        is zero when that noise has mean zero and is independent of the
        training data, so it shrinks like :math:`n^{-1/2}`.
    main_prediction : ndarray of shape (n_test,)
        :math:`\bar f(x_i)`.
    expected_loss_per_sample : ndarray of shape (n_test,)
        Per-test-point loss, averaged in ``expected_loss``.
    bias_squared_per_sample : ndarray of shape (n_test,)
        Per-test-point squared bias, averaged in ``bias_squared``.
    variance_per_sample : ndarray of shape (n_test,)
        Per-test-point variance, averaged in ``variance``.
    noise_per_sample, cross_term_per_sample : ndarray of shape (n_test,) or None
        Idem; ``None`` when ``y_test_true`` is not given.
    predictions : ndarray of shape (n_rounds, n_test)
        The raw predictions :math:`\hat f_r(x_i)`.

    Notes
    -----
    The following identities hold **exactly** (up to floating-point rounding),
    for every test point and hence for the means:

    .. math::

        \text{expected\_loss} = \text{bias\_squared} + \text{variance}
        \quad\text{(no ``y\_test\_true``)},

        \text{expected\_loss} = \text{bias\_squared} + \text{variance}
        + \text{noise} + \text{cross\_term}
        \quad\text{(with ``y\_test\_true``)}.

    The textbook identity :math:`E[(y - \hat f)^2] = (f - E\hat f)^2 +
    \operatorname{Var}\hat f + E[(y - f)^2]` holds only in expectation over the
    test noise, i.e. up to ``cross_term``.
    """

    loss: str
    n_rounds: int
    expected_loss: float
    bias_squared: float
    variance: float
    noise: float | None
    cross_term: float | None
    main_prediction: np.ndarray
    expected_loss_per_sample: np.ndarray
    bias_squared_per_sample: np.ndarray
    variance_per_sample: np.ndarray
    noise_per_sample: np.ndarray | None
    cross_term_per_sample: np.ndarray | None
    predictions: np.ndarray

    def __repr__(self) -> str:
        return _summary(
            f"SquaredErrorDecomposition(loss='squared_error', "
            f"n_rounds={self.n_rounds}, n_test={self.main_prediction.shape[0]})",
            {
                "expected_loss": self.expected_loss,
                "bias_squared": self.bias_squared,
                "variance": self.variance,
                "noise": self.noise,
                "cross_term": self.cross_term,
            },
            {
                "main_prediction": self.main_prediction,
                "*_per_sample": self.expected_loss_per_sample,
                "predictions": self.predictions,
            },
        )

    @property
    def bias_term(self) -> float:
        """The bias component of the exact identity (``bias_squared``)."""
        return self.bias_squared

    @property
    def variance_term(self) -> float:
        """The variance component of the exact identity (``variance``)."""
        return self.variance

    @property
    def noise_term(self) -> float | None:
        """``noise + cross_term``, or ``None`` without ``y_test_true``."""
        if self.noise is None:
            return None
        return self.noise + self.cross_term


@dataclass(frozen=True, eq=False)
class ZeroOneDecomposition:
    r"""Domingos' (2000) bias–variance decomposition of the 0-1 loss.

    Notation: :math:`\hat y_r(x_i)` is the label predicted in round
    :math:`r = 1, \dots, R` for test point :math:`i = 1, \dots, n`;
    :math:`y_i` the observed test label; :math:`y^*_i` the optimal (noise-free)
    label, which is ``y_test_true`` when given and :math:`y_i` otherwise;
    :math:`P(\cdot)` the empirical frequency over the :math:`R` rounds.

    * main prediction :math:`y^m_i` = the most frequent predicted label (ties
      go to the smallest label in sorted order),
    * bias :math:`B_i = 1[y^m_i \ne y^*_i]`,
    * variance :math:`V_i = P(\hat y \ne y^m_i)`,
    * noise :math:`N_i = 1[y_i \ne y^*_i]`.

    Attributes
    ----------
    loss : str
        Always ``"zero_one"``.
    n_rounds : int
        Number of refits :math:`R`.
    expected_loss : float
        :math:`\frac1n \sum_i P(\hat y \ne y_i)`, the error rate against the
        **observed** labels, averaged over rounds.
    bias : float
        :math:`\frac1n \sum_i B_i`.
    variance : float
        :math:`\frac1n \sum_i V_i`.
    unbiased_variance : float
        :math:`V_u = \frac1n \sum_i (1 - B_i) V_i`: variance on points where the
        main prediction is right; it increases the loss.
    biased_variance : float
        :math:`V_b = \frac1n \sum_i B_i V_i`: variance on points where the
        main prediction is wrong; it can decrease the loss.
    net_variance : float
        :math:`\frac1n \sum_i c_{2,i} V_i` with :math:`c_{2,i} = 1` if
        :math:`B_i = 0` and :math:`c_{2,i} = -P(\hat y = y^*_i \mid \hat y \ne
        y^m_i)` if :math:`B_i = 1` (Domingos' multiclass coefficient; it is
        :math:`-1` for two classes, so that ``net_variance = unbiased_variance
        - biased_variance`` for binary problems).
    noise : float or None
        :math:`\frac1n \sum_i N_i`; ``None`` without ``y_test_true``.
    net_noise : float or None
        :math:`\frac1n \sum_i c_{1,i} N_i` with :math:`c_{1,i} =
        P(\hat y = y^*_i) - P(\hat y = y_i)` (which equals Domingos'
        :math:`c_1 = 2P(\hat y = y^*) - 1` for two classes); ``None`` without
        ``y_test_true``.
    main_prediction : ndarray of shape (n_test,)
        :math:`y^m_i`, with the dtype of the labels.
    expected_loss_per_sample : ndarray of shape (n_test,)
        Per-test-point error rate, averaged in ``expected_loss``.
    bias_per_sample : ndarray of shape (n_test,)
        :math:`B_i` (0.0 or 1.0), averaged in ``bias``.
    variance_per_sample : ndarray of shape (n_test,)
        :math:`V_i`, averaged in ``variance``.
    net_variance_per_sample : ndarray of shape (n_test,)
        :math:`c_{2,i} V_i`, averaged in ``net_variance``.
    noise_per_sample, net_noise_per_sample : ndarray of shape (n_test,) or None
        Idem; ``None`` without ``y_test_true``.
    predictions : ndarray of shape (n_rounds, n_test)
        The raw predicted labels.

    Notes
    -----
    The following identities hold **exactly** for every test point (hence for
    the means), for any number of classes:

    .. math::

        \text{expected\_loss} = \text{bias} + \text{net\_variance}
        \quad\text{(no ``y\_test\_true``)},

        \text{expected\_loss} = \text{net\_noise} + \text{bias}
        + \text{net\_variance}
        \quad\text{(with ``y\_test\_true``)},

    which is Domingos' :math:`E[L] = c_1 N + B + c_2 V` with the
    expectation over training sets replaced by the mean over rounds.
    """

    loss: str
    n_rounds: int
    expected_loss: float
    bias: float
    variance: float
    unbiased_variance: float
    biased_variance: float
    net_variance: float
    noise: float | None
    net_noise: float | None
    main_prediction: np.ndarray
    expected_loss_per_sample: np.ndarray
    bias_per_sample: np.ndarray
    variance_per_sample: np.ndarray
    net_variance_per_sample: np.ndarray
    noise_per_sample: np.ndarray | None
    net_noise_per_sample: np.ndarray | None
    predictions: np.ndarray

    def __repr__(self) -> str:
        return _summary(
            f"ZeroOneDecomposition(loss='zero_one', n_rounds={self.n_rounds}, "
            f"n_test={self.main_prediction.shape[0]})",
            {
                "expected_loss": self.expected_loss,
                "bias": self.bias,
                "variance": self.variance,
                "net_variance": self.net_variance,
                "unbiased_variance": self.unbiased_variance,
                "biased_variance": self.biased_variance,
                "noise": self.noise,
                "net_noise": self.net_noise,
            },
            {
                "main_prediction": self.main_prediction,
                "*_per_sample": self.expected_loss_per_sample,
                "predictions": self.predictions,
            },
        )

    @property
    def bias_term(self) -> float:
        """The bias component of the exact identity (``bias``)."""
        return self.bias

    @property
    def variance_term(self) -> float:
        """The variance component of the exact identity (``net_variance``)."""
        return self.net_variance

    @property
    def noise_term(self) -> float | None:
        """``net_noise``, or ``None`` without ``y_test_true``."""
        return self.net_noise
