"""Each optimizer's first two steps against a hand computation (float64, 1e-12).

The references below are written coordinate by coordinate with Python floats,
straight from the update rules in the docstrings (torch.optim's definitions),
independently of the vectorised in-place implementations.
"""

import math

import numpy as np
import pytest

from skoptim.optimizers import (
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    AdamW,
    Nadam,
    RMSprop,
)

W0 = [0.5, -1.5, 2.0]
G1 = [0.3, -0.2, 1.0]
G2 = [-0.1, 0.4, 0.5]


def run_two_steps(opt):
    w = np.array(W0)
    state = opt.init(w)
    out = []
    for g in (G1, G2):
        opt.step(w, np.array(g), state)
        out.append(w.copy())
    return out


def ref_sgd(lr, mu=0.0, nesterov=False):
    w, b, out = list(W0), [0.0] * 3, []
    for g in (G1, G2):
        for i in range(3):
            b[i] = mu * b[i] + g[i]
            d = g[i] + mu * b[i] if nesterov else (b[i] if mu else g[i])
            w[i] -= lr * d
        out.append(list(w))
    return out


def ref_adagrad(lr, lr_decay=0.0, g0=0.0, eps=1e-10):
    w, G, out = list(W0), [g0] * 3, []
    for t, g in enumerate((G1, G2), start=1):
        clr = lr / (1 + (t - 1) * lr_decay)
        for i in range(3):
            G[i] += g[i] ** 2
            w[i] -= clr * g[i] / (math.sqrt(G[i]) + eps)
        out.append(list(w))
    return out


def ref_adadelta(lr, rho, eps):
    w, Eg, Ed, out = list(W0), [0.0] * 3, [0.0] * 3, []
    for g in (G1, G2):
        for i in range(3):
            Eg[i] = rho * Eg[i] + (1 - rho) * g[i] ** 2
            d = math.sqrt(Ed[i] + eps) / math.sqrt(Eg[i] + eps) * g[i]
            Ed[i] = rho * Ed[i] + (1 - rho) * d**2
            w[i] -= lr * d
        out.append(list(w))
    return out


def ref_rmsprop(lr, alpha, eps, mu=0.0, centered=False):
    w, v, gb, b, out = list(W0), [0.0] * 3, [0.0] * 3, [0.0] * 3, []
    for g in (G1, G2):
        for i in range(3):
            v[i] = alpha * v[i] + (1 - alpha) * g[i] ** 2
            if centered:
                gb[i] = alpha * gb[i] + (1 - alpha) * g[i]
                d = math.sqrt(v[i] - gb[i] ** 2) + eps
            else:
                d = math.sqrt(v[i]) + eps
            if mu:
                b[i] = mu * b[i] + g[i] / d
                w[i] -= lr * b[i]
            else:
                w[i] -= lr * g[i] / d
        out.append(list(w))
    return out


def ref_adam(lr, b1, b2, eps, amsgrad=False, wd=0.0):
    w, m, v, vmax, out = list(W0), [0.0] * 3, [0.0] * 3, [0.0] * 3, []
    for t, g in enumerate((G1, G2), start=1):
        for i in range(3):
            w[i] *= 1 - lr * wd
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            vmax[i] = max(vmax[i], v[i])
            vv = vmax[i] if amsgrad else v[i]
            denom = math.sqrt(vv) / math.sqrt(1 - b2**t) + eps
            w[i] -= lr / (1 - b1**t) * m[i] / denom
        out.append(list(w))
    return out


def ref_nadam(lr, b1, b2, eps, psi):
    w, m, v, out, prod = list(W0), [0.0] * 3, [0.0] * 3, [], 1.0
    for t, g in enumerate((G1, G2), start=1):
        mu = b1 * (1 - 0.5 * 0.96 ** (t * psi))
        mu1 = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * psi))
        prod *= mu
        for i in range(3):
            m[i] = b1 * m[i] + (1 - b1) * g[i]
            v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
            d = math.sqrt(v[i] / (1 - b2**t)) + eps
            w[i] -= lr * (1 - mu) / (1 - prod) * g[i] / d
            w[i] -= lr * mu1 / (1 - prod * mu1) * m[i] / d
        out.append(list(w))
    return out


CASES = [
    (SGD(0.1), ref_sgd(0.1)),
    (SGD(0.1, momentum=0.9), ref_sgd(0.1, 0.9)),
    (SGD(0.1, momentum=0.9, nesterov=True), ref_sgd(0.1, 0.9, True)),
    (Adagrad(0.1), ref_adagrad(0.1)),
    (
        Adagrad(0.1, lr_decay=0.5, initial_accumulator_value=0.2),
        ref_adagrad(0.1, 0.5, 0.2),
    ),
    (Adadelta(1.0, rho=0.9, epsilon=1e-6), ref_adadelta(1.0, 0.9, 1e-6)),
    (Adadelta(0.5, rho=0.5, epsilon=1e-3), ref_adadelta(0.5, 0.5, 1e-3)),
    (RMSprop(0.01), ref_rmsprop(0.01, 0.99, 1e-8)),
    (
        RMSprop(0.01, centered=True, momentum=0.5),
        ref_rmsprop(0.01, 0.99, 1e-8, 0.5, True),
    ),
    (Adam(0.01), ref_adam(0.01, 0.9, 0.999, 1e-8)),
    (
        Adam(0.01, beta_1=0.5, beta_2=0.9, epsilon=0.1, amsgrad=True),
        ref_adam(0.01, 0.5, 0.9, 0.1, amsgrad=True),
    ),
    (AdamW(0.01, weight_decay=0.1), ref_adam(0.01, 0.9, 0.999, 1e-8, wd=0.1)),
    (Nadam(0.002), ref_nadam(0.002, 0.9, 0.999, 1e-8, 0.004)),
    (Nadam(0.01, momentum_decay=0.1), ref_nadam(0.01, 0.9, 0.999, 1e-8, 0.1)),
]


@pytest.mark.parametrize("opt, expected", CASES, ids=lambda x: repr(x)[:60])
def test_first_two_steps_match_hand_computation(opt, expected):
    got = run_two_steps(opt)
    np.testing.assert_allclose(got[0], expected[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(got[1], expected[1], rtol=0, atol=1e-12)


def test_sgd_by_hand_numbers():
    # w = 0.5, g1 = 0.3, g2 = -0.1, lr 0.1, momentum 0.9:
    # b1 = 0.3 -> w1 = 0.47; b2 = 0.9 * 0.3 - 0.1 = 0.17 -> w2 = 0.453
    got = run_two_steps(SGD(0.1, momentum=0.9))
    assert got[0][0] == pytest.approx(0.47, abs=1e-15)
    assert got[1][0] == pytest.approx(0.453, abs=1e-15)
    # Nesterov: step1 = g + mu b = 0.3 + 0.27 -> 0.443; step2 = -0.1 + 0.153
    got = run_two_steps(SGD(0.1, momentum=0.9, nesterov=True))
    assert got[0][0] == pytest.approx(0.443, abs=1e-15)
    assert got[1][0] == pytest.approx(0.443 - 0.1 * 0.053, abs=1e-15)


def test_adam_first_step_is_lr_times_sign():
    # With bias correction, Adam's first step is lr * g / (|g| + eps) ~ lr sign(g)
    w = np.array(W0)
    opt = Adam(0.01)
    opt.step(w, np.array(G1), opt.init(w))
    np.testing.assert_allclose(w - W0, -0.01 * np.sign(G1), atol=1e-8)
