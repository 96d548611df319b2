"""Sharpness-aware minimization (SAM) and its adaptive variant (ASAM)."""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np
from sklearn.utils._param_validation import Interval

from ._aliases import resolve_optimizer
from ._base import Closure, Optimizer

__all__ = ["SAM"]

#: Added to the norm in the ascent step, as in the reference implementation
#: (a zero gradient gives a zero perturbation instead of a division by zero).
_NORM_FLOOR = 1e-12


class SAM(Optimizer):
    r"""Sharpness-aware minimization (Foret et al. 2021) around any base optimizer.

    SAM minimises the worst loss in a ball of radius :math:`\rho` around the
    weights, :math:`\min_w \max_{\|\epsilon\|_2 \le \rho} L(w + \epsilon)`.
    Each step approximates the inner maximum to first order and hands the
    gradient found there to the base optimizer:

    .. math::

        \hat\epsilon(w) = \rho\,\frac{g}{\|g\|_2}, \qquad
        g = \nabla L(w), \qquad
        w \leftarrow \mathrm{base}\big(w,\ \nabla L(w + \hat\epsilon(w))\big).

    With ``adaptive=True`` this is ASAM (Kwon et al. 2021), whose ball is
    measured relative to the weights through :math:`T_w = \mathrm{diag}(|w|)`,
    which makes the step invariant to rescaling the weights:

    .. math::

        \hat\epsilon(w) = \rho\,\frac{T_w^2\, g}{\|T_w\, g\|_2}.

    (The element-wise :math:`T_w = |w|` of the reference implementation of SAM,
    davda54/sam; Kwon et al. add a small :math:`\eta` to :math:`|w|`. ASAM's
    radius is typically larger than SAM's, e.g. ``rho=0.5`` against ``0.05``.)

    As in the reference implementation, :math:`10^{-12}` is added to the norm,
    so a zero gradient gives :math:`\hat\epsilon = 0`.

    One step costs a second gradient evaluation, at :math:`w + \hat\epsilon`:
    SAM re-evaluates the objective through the ``closure`` of
    :meth:`Optimizer.step`, which :class:`~skoptim.MLPClassifier`,
    :class:`~skoptim.MLPRegressor` (on the same minibatch) and
    :func:`~skoptim.optimizers.minimize` provide. The gradient passed to
    :meth:`step` must be :math:`\nabla L(w)` at the current parameters; after
    the step the gradient buffer holds :math:`\nabla L(w + \hat\epsilon)`.

    Parameters
    ----------
    optimizer : Optimizer or str, default="sgd"
        The base optimizer that takes the descent step, as an object (e.g.
        ``SGD(0.1, momentum=0.9)``) or an alias of
        :func:`~skoptim.optimizers.get_optimizer`. It must take single steps:
        full-batch optimizers (``LBFGS``) and another ``SAM`` are refused.
        Its learning rate, schedule and state are used unchanged; a grid
        search reaches them as ``optimizer__optimizer__learning_rate``. An
        alias behaves like the object it names: ``SAM("sgd")`` shows
        ``optimizer__learning_rate`` in ``get_params`` and
        ``set_params(optimizer__learning_rate=0.1)`` replaces the alias by a
        new ``SGD(learning_rate=0.1)``.
    rho : float, default=0.05
        Radius :math:`\rho \ge 0` of the neighbourhood. ``rho=0`` is the
        ablation baseline: the step is exactly the base optimizer's (no
        ascent, no second gradient evaluation), so a grid over ``rho`` can
        include it.
    adaptive : bool, default=False
        Use ASAM's scale-invariant neighbourhood.

    Raises
    ------
    TypeError
        From :meth:`validate`/:meth:`init` (at fit time) when ``optimizer`` is
        a class (``SAM(SGD)`` for ``SAM(SGD())``) or not an optimizer, and
        from :meth:`step` when ``closure`` is missing.
    ValueError
        From :meth:`validate`/:meth:`init` for an unknown alias, an invalid
        ``rho`` or ``adaptive`` (scikit-learn's ``InvalidParameterError``), a
        base optimizer that is a ``SAM`` or full-batch (``LBFGS``), or an
        invalid hyperparameter of the base optimizer.

    See Also
    --------
    skoptim.inspection.sharpness : Keskar et al.'s sharpness of a fitted minimum.

    Notes
    -----
    The state holds the base optimizer's state under ``"base"`` and buffers
    allocated once at :meth:`init` (a copy of the weights, the perturbation,
    and :math:`|w|` for ASAM), so a step allocates no arrays. The weights are
    restored from their copy, not by subtracting :math:`\hat\epsilon`, so
    they come back bit for bit.

    References
    ----------
    Foret, P., Kleiner, A., Mobahi, H. & Neyshabur, B. (2021).
    Sharpness-aware minimization for efficiently improving generalization.
    ICLR.
    Kwon, J., Kim, J., Park, H. & Choi, I. K. (2021). ASAM: Adaptive
    sharpness-aware minimization for scale-invariant learning of deep neural
    networks. ICML.

    Examples
    --------
    One step on :math:`L(w) = \tfrac12 \|w\|^2` (gradient :math:`w`): the
    ascent goes to :math:`w (1 + \rho/\|w\|)`, whose gradient SGD then uses.

    >>> import numpy as np
    >>> from skoptim.optimizers import SAM, SGD, minimize
    >>> fun = lambda w: (0.5 * w @ w, w.copy())
    >>> res = minimize(fun, np.array([3.0, 4.0]), SAM(SGD(0.1), rho=0.5), n_iter=1)
    >>> res.x    # w - 0.1 * w * (1 + 0.5 / 5)
    array([2.67, 3.56])

    In a network, as a grid-searchable optimizer:

    >>> from skoptim import MLPClassifier
    >>> clf = MLPClassifier(optimizer=SAM(SGD(0.1, momentum=0.9), rho=0.05))
    >>> sorted(k for k in clf.get_params() if k.startswith("optimizer__"))[:3]
    ['optimizer__adaptive', 'optimizer__optimizer', 'optimizer__optimizer__learning_rate']
    """  # noqa: E501

    _parameter_constraints = {
        "rho": [Interval(Real, 0, None, closed="left")],
        "adaptive": ["boolean"],
    }

    # the base optimizer may be an alias: SAM("sgd") shows and takes
    # optimizer__learning_rate like SAM(SGD()) (see skoptim.utils._nested)
    _alias_params = {"optimizer": resolve_optimizer}
    _param_hints = {
        **Optimizer._param_hints,
        "learning_rate": "SAM's learning rate is its base optimizer's: set "
        "optimizer__learning_rate on SAM (optimizer__optimizer__learning_rate "
        "from an estimator whose optimizer is SAM).",
    }

    def __init__(self, optimizer="sgd", rho=0.05, adaptive=False):
        self.optimizer = optimizer
        self.rho = rho
        self.adaptive = adaptive

    # -- configuration ------------------------------------------------------
    def _base(self) -> Optimizer:
        """The base optimizer object (an alias resolved to a new default object)."""
        return resolve_optimizer(self.optimizer)

    def validate(self) -> None:
        """Check ``rho``, ``adaptive`` and the base optimizer, with clear errors."""
        if isinstance(self.optimizer, type) and issubclass(self.optimizer, Optimizer):
            name = self.optimizer.__name__
            raise TypeError(
                f"SAM takes an optimizer object, not the class {name}: use "
                f"SAM({name}(...)), e.g. SAM(SGD(0.1, momentum=0.9))."
            )
        try:
            base = self._base()
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"SAM's base optimizer: {exc}") from exc
        self._validate_params()
        if isinstance(base, SAM):
            raise ValueError(
                "SAM cannot wrap another SAM: the inner one would need a second "
                "closure. Give SAM the optimizer that takes the descent step, "
                "e.g. SAM(SGD(0.1, momentum=0.9))."
            )
        if base.full_batch:
            raise ValueError(
                f"SAM needs a base optimizer that takes single gradient steps; "
                f"{type(base).__name__} is a full-batch optimizer that runs its "
                "own loop. Use e.g. SAM(SGD(0.1, momentum=0.9)) or SAM(Adam())."
            )
        base.validate()

    # -- protocol -----------------------------------------------------------
    def init(self, params: np.ndarray) -> dict[str, Any]:
        """Validate, then create the base optimizer's state and SAM's buffers."""
        self.validate()
        state: dict[str, Any] = {
            "t": 0,
            "epoch": 0,
            "schedule": {},
            "base": self._base().init(params),
            "w": np.empty_like(params),
            "e_w": np.empty_like(params),
        }
        if self.adaptive:
            state["t_w"] = np.empty_like(params)
        return state

    def step(
        self,
        params: np.ndarray,
        grad: np.ndarray,
        state: dict[str, Any],
        closure: Closure | None = None,
    ) -> None:
        """Ascent step, gradient at the perturbed weights, then the base step.

        ``grad`` must hold :math:`\\nabla L` at ``params``; ``closure()`` is
        called once, at :math:`w + \\hat\\epsilon`.
        """
        if closure is None:
            raise TypeError(
                "SAM.step needs closure: a callable that re-evaluates the loss and "
                "writes the gradient at the current parameters into grad. "
                "MLPClassifier/MLPRegressor and skoptim.optimizers.minimize pass "
                "one; when calling step yourself, pass closure=..."
            )
        state["t"] += 1
        rho = float(self.rho)
        if rho == 0.0:
            # the ablation baseline: epsilon = 0, so the gradient at w + epsilon
            # is the one given; skipping the closure keeps the base optimizer's
            # path bit for bit (and its random draws: dropout masks, noise)
            self._base().step(params, grad, state["base"])
            return
        e_w, w = state["e_w"], state["w"]
        if self.adaptive:
            t_w = state["t_w"]
            np.abs(params, out=t_w)
            np.multiply(t_w, grad, out=e_w)  # T_w g
            norm = math.sqrt(float(np.dot(e_w, e_w)))
            e_w *= t_w  # T_w^2 g
            e_w *= rho / (norm + _NORM_FLOOR)
        else:
            norm = math.sqrt(float(np.dot(grad, grad)))
            np.multiply(grad, rho / (norm + _NORM_FLOOR), out=e_w)
        np.copyto(w, params)
        params += e_w
        closure()  # grad <- gradient at w + e(w)
        np.copyto(params, w)
        self._base().step(params, grad, state["base"])

    def on_epoch_end(self, state: dict[str, Any], loss: float) -> None:
        """Count the epoch and pass it on to the base optimizer's schedule."""
        state["epoch"] += 1
        self._base().on_epoch_end(state["base"], loss)

    def current_learning_rate(self, state: dict[str, Any]) -> float:
        """The base optimizer's next learning rate."""
        return self._base().current_learning_rate(state["base"])
