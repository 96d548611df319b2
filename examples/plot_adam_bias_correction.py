"""
=========================================
Adam's bias correction in the first steps
=========================================

Adam keeps exponential moving averages of the gradient and of its square,

.. math::

    m_t = \\beta_1 m_{t-1} + (1 - \\beta_1) g_t, \\qquad
    v_t = \\beta_2 v_{t-1} + (1 - \\beta_2) g_t^2,

both started at zero. In the first steps they are therefore too small: for a
constant gradient :math:`g`, :math:`m_t = (1 - \\beta_1^t)\\, g` and
:math:`v_t = (1 - \\beta_2^t)\\, g^2`. Kingma & Ba divide them by
:math:`1 - \\beta_1^t` and :math:`1 - \\beta_2^t` (the *bias correction*), so
that the step :math:`\\eta\\, \\hat m_t / \\sqrt{\\hat v_t}` is about
:math:`\\eta` from the first step on. Without the correction the step is

.. math::

    \\eta\\, \\frac{1 - \\beta_1^t}{\\sqrt{1 - \\beta_2^t}}
    \\quad\\text{times the corrected one,}

which with the defaults :math:`\\beta_1 = 0.9, \\beta_2 = 0.999` is 3.2 at the
first step, peaks at 6.5 near step 10 and is still 4.5 at step 50: the
uncorrected :math:`v` makes the early steps several times too large.
Correcting only :math:`m` is worse still (31.6 at the first step).

The variants are written here by the user, through skoptim's optimizer
protocol (:class:`skoptim.optimizers.Optimizer`: ``init_state`` allocates the
buffers, ``update`` applies one step), and run with
:func:`skoptim.optimizers.minimize` and inside
:class:`skoptim.MLPClassifier`. With both corrections on, the
hand-written optimizer reproduces :class:`skoptim.optimizers.Adam` step for
step.

Run it as a script to save the figure (``--output DIR`` picks the folder).
"""

# %%
import argparse
import copy
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier
from skoptim.optimizers import Adam, Optimizer, minimize

parser = argparse.ArgumentParser(description="Adam's bias correction")
parser.add_argument("--output", type=Path, default=Path("."), help="figure folder")
args, _ = parser.parse_known_args()
args.output.mkdir(parents=True, exist_ok=True)


# %%
# Adam written through the public protocol
# ----------------------------------------
class MyAdam(Optimizer):
    """Adam with each bias correction switchable (for teaching)."""

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        correct_m=True,
        correct_v=True,
    ):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.correct_m = correct_m
        self.correct_v = correct_v

    def init_state(self, params):
        return {"m": np.zeros_like(params), "v": np.zeros_like(params)}

    def update(self, params, grad, state, lr):
        b1, b2, t = self.beta_1, self.beta_2, state["t"]
        m, v = state["m"], state["v"]
        m *= b1
        m += (1 - b1) * grad
        v *= b2
        v += (1 - b2) * grad**2
        m_hat = m / (1 - b1**t) if self.correct_m else m
        v_hat = v / (1 - b2**t) if self.correct_v else v
        params -= lr * m_hat / (np.sqrt(v_hat) + self.epsilon)


VARIANTS = {
    "Adam (bias-corrected)": dict(correct_m=True, correct_v=True),
    "no correction": dict(correct_m=False, correct_v=False),
    "m corrected, v not": dict(correct_m=True, correct_v=False),
}
N_STEPS, LR = 50, 0.01


def slope(w):
    """A constant gradient (1, 1): every step shows the raw step size."""
    return float(w.sum()), np.ones_like(w)


def bowl(w):
    """An ill-conditioned quadratic, 0.5 * (w1**2 + 20 * w2**2)."""
    c = np.array([1.0, 20.0])
    return 0.5 * float(c @ w**2), c * w


# With both corrections, the hand-written optimizer is skoptim's Adam.
mine = minimize(bowl, [1.0, 1.0], MyAdam(0.05), n_iter=N_STEPS)
ref = minimize(bowl, [1.0, 1.0], Adam(0.05), n_iter=N_STEPS)
print("MyAdam matches skoptim's Adam:", np.allclose(mine.path, ref.path))

# %%
# A network to train further
# --------------------------
# An MLP trained on 600 digits (full batch, 100 steps of Adam) is trained for
# 50 more steps with a fresh optimizer, as when fine-tuning: any optimizer that
# follows the protocol plugs into the estimator.
X, y = load_digits(return_X_y=True)
X, y = StandardScaler().fit_transform(X[:600]), y[:600]
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    trained = MLPClassifier(
        (64,),
        optimizer=Adam(0.01),
        batch_size=len(X),
        max_iter=100,
        tol=0.0,
        n_iter_no_change=1000,
        random_state=0,
    ).fit(X, y)
print(f"trained network: training loss {trained.loss_curve_[-1]:.4f}")

# %%
# Step size and loss over the first 50 steps
# ------------------------------------------
# Left: the length of each step on a constant gradient, in units of the
# learning rate; the dotted curves are the formula above. Only the corrected
# Adam takes the step the learning rate asks for. Right: the trained
# network's loss under each fresh optimizer. The corrected Adam goes on
# lowering it from the first step. Without the correction the first steps are
# 3-6 times longer than the learning rate says and knock the network out of
# its minimum (the loss jumps several-fold); correcting only :math:`m`, 30
# times longer, jumps it by orders of magnitude. Both recover, but end the
# 50 steps higher than the corrected Adam: the damage is done in exactly the
# first steps the correction is for.
t = np.arange(1, N_STEPS + 1)
b1, b2 = 0.9, 0.999
theory = {
    "Adam (bias-corrected)": np.ones(N_STEPS),
    "no correction": (1 - b1**t) / np.sqrt(1 - b2**t),
    "m corrected, v not": 1 / np.sqrt(1 - b2**t),
}
fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
steps, fine_tuning = {}, {}
for k, (name, flags) in enumerate(VARIANTS.items()):
    flat = minimize(slope, [0.0, 0.0], MyAdam(LR, **flags), n_iter=N_STEPS)
    step = np.abs(np.diff(flat.path[:, 0])) / LR
    left.plot(t, step, "o", ms=3, color=f"C{k}", label=name)
    left.plot(t, theory[name], ":", color=f"C{k}", lw=1)
    net = copy.deepcopy(trained).set_params(
        optimizer=MyAdam(LR, **flags), warm_start=True, max_iter=N_STEPS
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # Adam -> MyAdam is a different optimizer type, so the warm start
        # keeps the weights and starts the optimizer's state (moments, step
        # count) afresh, with a UserWarning saying so. A fresh state is the
        # point of this experiment: the warning is expected, not a problem.
        warnings.filterwarnings(
            "ignore", message="The optimizer changed", category=UserWarning
        )
        net.fit(X, y)
    losses = [trained.loss_curve_[-1], *net.loss_curve_[-N_STEPS:]]
    steps[name], fine_tuning[name] = step, np.array(losses)
    right.plot(np.arange(N_STEPS + 1), losses, "o-", ms=2, color=f"C{k}", label=name)
    print(
        f"{name:22s} first step {step[0]:5.2f} x lr; fine-tuning: highest loss "
        f"{max(losses):.3g}, last {losses[-1]:.3g}"
    )
left.set(
    yscale="log",
    xlabel="step t",
    ylabel="step length / learning rate",
    title="Step size on a constant gradient (dotted: formula)",
)
left.legend(fontsize=8)
right.set(
    yscale="log",
    xlabel="step t of the fresh optimizer",
    ylabel="training loss",
    title=f"Training a trained MLP further, learning rate {LR:g}",
)
right.legend(fontsize=8)
fig.savefig(args.output / "adam_bias_correction.png", dpi=80)
plt.show()
