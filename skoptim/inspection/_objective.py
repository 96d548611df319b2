"""Loss and gradient of a fitted skoptim MLP at arbitrary flat parameters."""

from __future__ import annotations

import copy

import numpy as np
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ..neural_network import MLPClassifier, MLPRegressor
from ..neural_network._network import Network
from ..regularizers._base import FitContext
from ..utils._validation import check_sample_weight

__all__ = ["MLPObjective", "resolve_mlp"]

_SUPPORTED = (
    "skoptim.MLPClassifier, skoptim.MLPRegressor, or a scikit-learn Pipeline "
    "whose last step is one of them"
)


def resolve_mlp(estimator, X, *, caller: str):
    """The fitted skoptim MLP inside ``estimator`` and ``X`` as it sees it.

    A :class:`~sklearn.pipeline.Pipeline` ending in an MLP is accepted: ``X``
    goes through the steps before the MLP.

    Raises
    ------
    TypeError
        If ``estimator`` is not (a pipeline ending in) an skoptim MLP.
    sklearn.exceptions.NotFittedError
        If it is not fitted.
    """
    mlp, pre = estimator, None
    if isinstance(estimator, Pipeline):
        mlp = estimator.steps[-1][1]
        pre = estimator[:-1]
    if not isinstance(mlp, MLPClassifier | MLPRegressor):
        got = _qualname(estimator) + (
            f" ending in {_qualname(mlp)}" if isinstance(estimator, Pipeline) else ""
        )
        hint = ""
        if type(mlp).__module__.startswith("sklearn.neural_network"):
            hint = (
                " scikit-learn's MLPs do not expose them: convert it with "
                "skoptim.neural_network.from_sklearn(estimator), which returns "
                "the unfitted skoptim MLP with the same settings, and fit that."
            )
        raise TypeError(
            f"{caller} supports {_SUPPORTED}; got {got}. It needs the network's "
            f"flat parameter buffer and gradients.{hint}"
        )
    check_is_fitted(mlp, "_network")
    if X is not None and pre is not None and len(pre.steps):
        X = pre.transform(X)
    return mlp, X


def _qualname(obj) -> str:
    """``module.Class`` of an object, e.g. ``sklearn.neural_network.MLPClassifier``.

    The public module is used when the class is re-exported there (scikit-learn
    defines its MLPs in a private ``_multilayer_perceptron`` module).
    """
    cls = type(obj)
    parts = cls.__module__.split(".")
    while len(parts) > 1 and parts[-1].startswith("_"):
        parts.pop()
    return ".".join([*parts, cls.__qualname__])


def _float64_network_like(net: Network) -> Network:
    """A new network with ``net``'s architecture, float64 buffers, no hooks."""
    return Network(
        net.layer_sizes,
        net.activation,
        net.out_activation,
        net.loss,
        np.float64,
        extra_blocks=net.extra_blocks,
        huber_delta=net.huber_delta,
    )


def _check_weights(sample_weight, n_samples: int, caller: str) -> np.ndarray:
    """Float64 weights: 1-d, finite, non-negative, not all zero.

    A zero-weight row is the same as a missing row (scikit-learn semantics);
    the loss is a weighted mean, so all-zero weights leave it undefined.
    """
    sw = np.asarray(sample_weight)
    if sw.ndim != 1 or sw.shape[0] != n_samples:
        raise ValueError(
            f"{caller}: sample_weight must have shape ({n_samples},); got {sw.shape}."
        )
    sw = check_sample_weight(
        sw, np.empty((n_samples, 0)), dtype=np.float64, name=f"{caller}: sample_weight"
    )
    return np.array(sw, dtype=np.float64, copy=True)


class MLPObjective:
    r"""The training loss of a fitted MLP as a function of its flat parameters.

    ``objective(w) -> (loss, grad)`` evaluates, at the flat parameter vector
    ``w`` (same layout as ``estimator.params_``), the (weighted) mean data
    loss of the network on ``(X, y)``

    .. math:: f(w) = \frac{\sum_i s_i\, \ell(y_i, \hat y(x_i; w))}{\sum_i s_i}

    and its gradient. It works on its own float64 copy of the network, so the
    estimator is never modified, and float32 models are evaluated in float64
    (sharpness measures small loss differences).

    The loss is the *deterministic* data loss of the network that ``predict``
    uses: regularizers that add noise or masks in the forward pass (dropout,
    Gaussian noise) are left out, and so are target changes made during
    training (label smoothing): ``y`` is used as given. With
    ``include_penalty=True`` the parameter penalties (L1, L2, ...) of the
    fitted regularizers are added, as the training objective does.
    Regularizers that are layers of their own (with parameter blocks or a
    ``forward_pre`` hook, such as batch normalisation) change the network's
    function and are refused.

    Parameters
    ----------
    estimator : MLPClassifier, MLPRegressor or Pipeline ending in one
        A fitted estimator.
    X : array-like or sparse matrix of shape (n_samples, n_features)
        Inputs (raw inputs of the pipeline, if a pipeline is given).
    y : array-like
        Targets, encoded as in ``fit``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights of the mean loss; a zero-weight row counts as a
        missing row. At least one weight must be positive.
    include_penalty : bool, default=False
        Add the fitted regularizers' parameter penalties.
    caller : str, default="MLPObjective"
        Name used in error messages.

    Attributes
    ----------
    w0 : ndarray of shape (n_params,), float64
        A copy of the estimator's fitted parameters.
    n_evaluations : int
        Number of calls so far.

    Raises
    ------
    TypeError
        If ``estimator`` is not (a pipeline ending in) an skoptim MLP.
    sklearn.exceptions.NotFittedError
        If it is not fitted.
    ValueError
        If ``X`` and ``y`` disagree in length or do not fit the network,
        ``sample_weight`` has the wrong shape, is negative, not finite or all
        zero, or the network has layer-type regularizers (batch
        normalisation) that the plain forward pass leaves out.
    """

    def __init__(
        self,
        estimator,
        X,
        y,
        *,
        sample_weight=None,
        include_penalty: bool = False,
        caller: str = "MLPObjective",
    ):
        mlp, X = resolve_mlp(estimator, X, caller=caller)
        X = mlp._validate_X(X, reset=False)
        _, Y = mlp._encode_targets(y, reset=False)
        if X.shape[0] != Y.shape[0]:
            raise ValueError(
                f"X has {X.shape[0]} samples but y has {Y.shape[0]}; they must match."
            )
        net = mlp._network
        regs = list(getattr(mlp, "regularizers_", []))
        layers = [
            type(r).__name__
            for r in regs
            if r.param_blocks(net.layer_sizes)
            or r.uses("forward_pre")
            or r.uses("backward_pre")
        ]
        if layers:
            raise ValueError(
                f"{caller} cannot evaluate a network with the layer-type "
                f"regularizers {layers}: they change the network's function and "
                "are not part of the plain forward pass it uses. Refit without "
                "them to measure the loss landscape."
            )
        self._X = X.astype(np.float64)
        self._Y = np.ascontiguousarray(Y, dtype=np.float64)
        self._sw = None
        if sample_weight is not None:
            self._sw = _check_weights(sample_weight, X.shape[0], caller)
        self._net = _float64_network_like(net)
        self.w0 = net.params.astype(np.float64)
        self._net.params[...] = self.w0
        self._penalties = []
        if include_penalty:
            self._penalties = [r for r in regs if r.uses("penalty")]
            self._ctx = FitContext(
                estimator=mlp,
                network=self._net,
                rng=np.random.RandomState(0),
                X=self._X,
                Y=self._Y,
                y=y,
                sample_weight=self._sw,
                n_samples=X.shape[0],
                epoch=getattr(mlp, "n_iter_", 0),
                training=False,
                state=copy.deepcopy(getattr(mlp, "regularizer_state_", {})),
            )
        self.n_params = self._net.n_params
        self.n_evaluations = 0

    @property
    def network(self) -> Network:
        """The float64 copy of the network (its buffers hold the last ``w``)."""
        return self._net

    def __call__(self, w: np.ndarray) -> tuple[float, np.ndarray]:
        """Loss and gradient (a new float64 array) at flat parameters ``w``."""
        net = self._net
        np.copyto(net.params, w)
        net.forward(self._X, training=True)
        loss = float(net.backward(self._X, self._Y, self._sw))
        if self._penalties:
            bw = self._X.shape[0] if self._sw is None else float(self._sw.sum())
            for r in self._penalties:
                loss += float(r.penalty(net, bw, self._ctx))
        self.n_evaluations += 1
        return loss, net.grad.copy()
