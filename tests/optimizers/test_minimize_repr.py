"""MinimizeResult prints as a short summary; the arrays stay behind attributes."""

import numpy as np

from skoptim.optimizers import LBFGS, SGD, minimize


def quadratic(x):
    return 0.5 * float(x @ x), x.copy()


def test_minimize_result_repr_is_short_and_shows_key_numbers():
    res = minimize(quadratic, np.array([1.0, 2.0]), SGD(learning_rate=0.5), n_iter=3)
    text = repr(res)
    lines = text.splitlines()
    assert len(lines) <= 15
    assert lines[0] == "MinimizeResult(n_iter=3, n_params=2, dtype=float64)"
    # f(x3) = 0.5 * (0.125^2 + 0.25^2) = 0.0390625, f(x0) = 2.5
    assert "fun        = 0.0390625" in text
    assert "start loss = 2.5" in text
    assert "x          = [0.125, 0.25 ]" in text
    assert "path (4, 2)" in text and "losses (4,)" in text


def test_large_minimize_result_repr_hides_the_arrays():
    x0 = np.ones(10_000, dtype=np.float32)
    for opt in (SGD(learning_rate=0.1), LBFGS(), "adam"):
        res = minimize(quadratic, x0, opt, n_iter=20)
        text = repr(res)
        assert len(text.splitlines()) <= 15
        assert len(text) < 600
        assert "array of shape (10000,)" in text
        assert f"n_iter={res.n_iter}" in text
        assert str(res) == text
