r"""Data augmentation: a user's random, label-preserving transform of each batch."""

from __future__ import annotations

import inspect
import pickle
import sys
from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import Interval

from ._base import FitContext, Regularizer
from ._dropout import _buffer

__all__ = ["Augmentation"]

_FORMS = (
    "transform(X, rng) -> X (label-preserving) or "
    "transform(X, Y, rng) -> (X, Y) (also changes the targets)"
)


def _name(fn) -> str:
    return getattr(fn, "__qualname__", None) or type(fn).__name__


#: Names of a second positional parameter that mean the (X, Y, rng) form.
_TARGET_NAMES = ("y", "Y", "y_batch", "Y_batch", "targets", "target")


def transform_form(fn) -> str:
    """``"X"`` for ``fn(X, rng)``, ``"XY"`` for ``fn(X, Y, rng)``.

    Three positional parameters without a default, or a second positional
    parameter named like targets (``Y``, ``y``, ``targets``) followed by a
    third, mean ``fn(X, Y, rng)``; otherwise two or fewer required
    positional parameters mean ``fn(X, rng)``. A callable whose signature
    cannot be read (a builtin) is taken as ``fn(X, rng)``.

    Raises
    ------
    TypeError
        If ``fn`` is a class, is not callable, or takes neither form.
    """
    if isinstance(fn, type):
        raise TypeError(
            f"Augmentation's transform is the class {fn.__name__}; pass an "
            f"instance with its parameters, e.g. {fn.__name__}((8, 8)) for "
            "8 x 8 images, or a function transform(X, rng) -> X."
        )
    if not callable(fn):
        raise TypeError(
            f"Augmentation's transform must be a callable, {_FORMS}; got "
            f"{fn!r} of type {type(fn).__name__}."
        )
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return "X"
    params = list(sig.parameters.values())
    positional = [
        p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    required = [p for p in positional if p.default is p.empty]
    varargs = any(p.kind is p.VAR_POSITIONAL for p in params)
    if len(required) == 3 or (
        len(required) < 3
        and len(positional) >= 3
        and positional[1].name in _TARGET_NAMES
    ):
        return "XY"
    if len(required) <= 2 and (len(positional) >= 2 or varargs):
        return "X"
    raise TypeError(
        f"Augmentation's transform {_name(fn)}{sig} takes neither form: it must "
        f"be {_FORMS}."
    )


def _by_value_pickling() -> bool:
    """Whether the object is being deep-copied, or pickled by a pickler that
    stores functions by value (cloudpickle, as joblib's workers use, or dill):
    then a lambda transform is fine."""
    frame = sys._getframe(2)
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module == "copy" or "cloudpickle" in module or module.startswith("dill"):
            return True
        frame = frame.f_back
    return False


def _check_class_targets(Y, estimator, name: str) -> None:
    """A classifier's transformed targets must stay probabilities: in [0, 1],
    and rows summing to 1 for a multiclass (softmax) output."""
    activation = getattr(estimator, "out_activation_", None)
    if activation not in ("softmax", "logistic"):
        return
    if Y.size and (Y.min() < 0.0 or Y.max() > 1.0):
        raise ValueError(
            f"Augmentation's transform {name} returned classifier targets "
            f"outside [0, 1] (from {Y.min():.3g} to {Y.max():.3g}); Y holds "
            "class probabilities (one-hot rows, or soft labels), so keep "
            "every value in [0, 1]."
        )
    if activation == "softmax" and Y.size:
        sums = Y.sum(axis=1)
        if not np.allclose(sums, 1.0, atol=1e-4):
            raise ValueError(
                f"Augmentation's transform {name} returned multiclass targets "
                f"whose rows sum to {sums.min():.3g}-{sums.max():.3g}; each row "
                "of Y is a probability distribution over the classes and must "
                "sum to 1."
            )


class Augmentation(Regularizer):
    r"""Data augmentation: a random transform of each training batch.

    When the dataset is small, training on plausible new samples made from
    the old ones, by transforms that do not change the label (a digit
    shifted by a pixel is the same digit), regularizes the network: it must
    become invariant to them (Simard et al. 2003; Goodfellow et al. 2016,
    section 7.4). Each training batch :math:`B` becomes

    .. math::

        \tilde x_i =
        \begin{cases}
        T(x_i) & \text{with probability } p \\
        x_i & \text{otherwise,}
        \end{cases}
        \qquad i \in B,

    a fresh draw of which rows are transformed, and of :math:`T`'s own
    randomness, at every batch: across epochs the network sees many
    versions of each sample. Targets and sample weights stay with their rows.
    Prediction, the validation data (``validation_data=`` or the split held
    out by :class:`EarlyStopping`) and ``score`` never see the transform.
    With a full-batch optimizer (L-BFGS) one transformed copy of the
    training set is drawn at the start of the fit and used throughout (with
    ``p=1`` the original rows are never seen), which warns: augmentation
    needs a stochastic optimizer.

    Parameters
    ----------
    transform : callable
        The random transform :math:`T`, in one of two forms, read from its
        signature: three required positional parameters, or a second one
        named ``Y`` (``y``, ``targets``) before a third, mean the second
        form; otherwise the first.

        * ``transform(X, rng) -> X``: label-preserving. ``X`` is an ndarray
          of shape (n_rows, n_features), the rows of the batch selected for
          transformation (a copy: it may be changed in place); ``rng`` is a
          :class:`numpy.random.Generator` drawn from the fit's
          ``random_state``, the only source of randomness it should use, so
          ``random_state`` fixes the fit. It returns an array of the same
          shape (cast to the network's dtype).
        * ``transform(X, Y, rng) -> (X, Y)``: also changes the targets.
          ``Y`` is the encoded target array of shape (n_rows, n_outputs),
          float: one-hot (or label-smoothed) rows for a multiclass
          :class:`~skoptim.MLPClassifier`, a 0/1 column for a binary one,
          the indicator matrix for multilabel, the target values for
          :class:`~skoptim.MLPRegressor`. Both returned arrays keep their
          shapes.

        Ready transforms: :class:`RandomShift`, :class:`RandomRotation`.
        A transform that handles scipy.sparse batches declares it with an
        attribute ``accept_sparse = True`` (then ``X`` is a CSR matrix and
        it returns a sparse or dense array of the same shape); without it,
        sparse training data is refused. A transform object may define
        ``check_n_features(n_features)`` to check, at the start of each
        fit, that it suits the data.

        To save (pickle) a fitted estimator, the transform must be picklable:
        a module-level function or a callable class instance, not a lambda
        or a function defined inside another function. Pickle stores a
        function by its module and name, so to load the model in another
        program, define the transform in an importable module (not in the
        script you run, whose functions live in ``__main__``), or use a
        ready transform such as :class:`RandomShift`. The fitted model keeps
        the transform (``regularizers``, ``regularizers_``) for ``clone``,
        ``warm_start`` and ``partial_fit``, though ``predict`` never calls it.
    p : float, default=1.0
        Probability, in [0, 1], that a training row is transformed, drawn
        independently per row and per batch, so on average a fraction
        :math:`p` of every batch is transformed. ``p=0`` never calls the
        transform (the fit is exactly the fit without ``Augmentation``);
        ``p=1`` passes every training row through it once per epoch.

    Raises
    ------
    ValueError
        At fit time if ``p`` is outside [0, 1] (scikit-learn's
        ``InvalidParameterError``), if a transform's ``check_n_features``
        refuses the data, or during training if the transform returns an
        array of another shape, or NaN or infinite values, or (the
        ``(X, Y, rng)`` form, for a classifier) targets outside [0, 1] or,
        for a multiclass classifier, rows that do not sum to 1.
    TypeError
        At fit time if ``transform`` is not callable or takes neither form,
        if the training data is sparse and the transform does not declare
        ``accept_sparse = True``, or during training if it returns something
        other than an array (``None``: a transform must return its result).
    pickle.PicklingError
        When pickling with :mod:`pickle` an ``Augmentation`` (or an estimator
        holding one) whose transform cannot be pickled, such as a lambda.

    See Also
    --------
    RandomShift, RandomRotation : ready transforms for flattened images.
    Mixup : augmentation by mixing pairs of samples and their targets.
    GaussianNoise : augmentation by additive input noise.

    Notes
    -----
    The transform acts on the inputs as the network receives them, after
    any preprocessing in a :class:`~sklearn.pipeline.Pipeline`. Geometric
    transforms of images (:class:`RandomShift`, :class:`RandomRotation`)
    need pixels on one common scale: divide by one factor (digits:
    ``X / 16``) rather than scale each pixel (``StandardScaler``,
    ``MinMaxScaler``), which gives each pixel its own background and
    makes a moved pixel mean something else.

    Its cost is the transform's, once per batch: on digits (batches of 32,
    one BLAS thread) :class:`RandomShift` adds about 60% to an epoch and
    :class:`RandomRotation` (``order=1``) makes it about 3 times as long; a
    spline ``order`` above 1 rotates image by image and costs far more
    (``benchmarks/bench_augmentation.py``).

    Several ``Augmentation`` objects compose in list order, each with its
    own ``p`` (``[Augmentation(RandomShift((8, 8))), Augmentation(
    RandomRotation((8, 8)), p=0.5)]``); a grid search then names them by
    position, ``regularizers__0__transform__max_shift``. Before
    :class:`Mixup` in the list, the mixed samples are augmented ones.

    ``loss_curve_`` is the loss on the transformed batches: higher and
    noisier than without augmentation. The estimator's ``tol`` rule (no
    improvement by ``tol`` for ``n_iter_no_change`` epochs) can then end
    training early, while the model still improves on clean data. On
    digits (``X / 16``; ``MLPClassifier((64,), max_iter=500,
    random_state=0)`` with ``Augmentation(RandomShift((8, 8)), p=0.5)``;
    shuffled stratified 5-fold CV, ``random_state=0``) the default
    ``n_iter_no_change=10`` stops after 118-214 epochs at accuracy 0.964,
    below 0.978 without augmentation; ``n_iter_no_change=50`` runs the 500
    epochs and reaches 0.982. A stop by the default rule warns. Raise
    ``n_iter_no_change``, or monitor held-out data with
    :class:`EarlyStopping`, which measures the clean validation loss.

    The transform is copied with the estimator (:func:`sklearn.base.clone`
    deep-copies a callable object that has no ``get_params``), so a
    transform object that counts or records its calls does so on the copy
    in ``regularizers_``.

    References
    ----------
    Simard, P. Y., Steinkraus, D. & Platt, J. C. (2003). Best practices for
    convolutional neural networks applied to visual document analysis.
    ICDAR, 958-963.
    Goodfellow, I., Bengio, Y. & Courville, A. (2016). Deep Learning,
    section 7.4 (dataset augmentation). MIT Press.

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skoptim import MLPClassifier
    >>> from skoptim.regularizers import Augmentation, RandomShift
    >>> X, y = load_digits(return_X_y=True)
    >>> clf = MLPClassifier(
    ...     (64,),
    ...     regularizers=[Augmentation(RandomShift((8, 8), max_shift=1), p=0.5)],
    ...     max_iter=100,
    ...     random_state=0,
    ... ).fit(X[:500] / 16, y[:500])  # one scale for every pixel: background 0
    >>> clf.score(X[1000:] / 16, y[1000:]) > 0.85
    True
    """

    scratch_state = ("buffers", "form")

    _parameter_constraints = {
        "transform": [callable],
        "p": [Interval(Real, 0, 1, closed="both")],
    }

    def __init__(self, transform, p=1.0):
        self.transform = transform
        self.p = p

    @property
    def uses_random_draws(self) -> bool:
        """Draws which rows to transform, and the transform's randomness."""
        return self.p > 0

    @property
    def accept_sparse(self) -> bool:
        """Whether the transform declares it handles scipy.sparse batches."""
        return bool(getattr(self.transform, "accept_sparse", False))

    def uses(self, hook: str) -> bool:
        if hook in ("transform_batch", "on_fit_start"):
            return self.p > 0
        return super().uses(hook)

    def validate(self, estimator) -> None:
        if isinstance(self.transform, type):  # a class passes "callable"
            transform_form(self.transform)  # raises
        super().validate(estimator)
        transform_form(self.transform)
        # a scikit-learn-style transform checks its parameters if it
        # declares constraints (a BaseEstimator without them cannot)
        if getattr(self.transform, "_parameter_constraints", None) is not None:
            self.transform._validate_params()

    def on_fit_start(self, ctx: FitContext) -> None:
        if sp.issparse(ctx.X) and not self.accept_sparse:
            raise TypeError(
                f"Augmentation's transform {_name(self.transform)} takes dense "
                "input, but X is a scipy.sparse matrix. Convert X with "
                "X.toarray(), or, if the transform handles sparse batches, "
                "declare it with transform.accept_sparse = True."
            )
        check = getattr(self.transform, "check_n_features", None)
        if check is not None:
            check(ctx.X.shape[1])
        self._state(ctx)["form"] = transform_form(self.transform)

    def transform_batch(self, X, Y, sample_weight, ctx: FitContext):
        n = X.shape[0]
        if n == 0:
            return X, Y, sample_weight
        gen = self._generator(ctx)
        st = self._state(ctx)
        form = st["form"]  # set by on_fit_start, which runs whenever p > 0
        if self.p >= 1:
            rows = None
        else:
            rows = np.flatnonzero(gen.random(n) < self.p)
            if rows.size == 0:
                return X, Y, sample_weight
        # the transform gets its own copy of the selected rows: X may be a
        # view of the training data, which must not change
        X_in = X.copy() if rows is None else X[rows]
        if form == "XY":
            Y_in = Y.copy() if rows is None else Y[rows]
            result = self.transform(X_in, Y_in, gen)
            if not (isinstance(result, tuple) and len(result) == 2):
                raise TypeError(
                    f"Augmentation's transform {_name(self.transform)} takes "
                    f"(X, Y, rng), so it must return a tuple (X, Y); it "
                    f"returned {type(result).__name__}."
                )
            X_out = self._checked(result[0], X_in, "X")
            Y_out = self._checked(result[1], Y_in, "Y")
            _check_class_targets(Y_out, ctx.estimator, _name(self.transform))
        else:
            result = self.transform(X_in, gen)
            if isinstance(result, tuple):
                raise TypeError(
                    f"Augmentation's transform {_name(self.transform)} returned "
                    "a tuple, but its signature reads as the form transform(X, "
                    "rng) -> X (it was called with X and rng). For the form "
                    "transform(X, Y, rng) -> (X, Y), name the second parameter "
                    "Y or make all three parameters required."
                )
            X_out = self._checked(result, X_in, "X")
            Y_out = None
        bufs = st.setdefault("buffers", {})
        X = self._merge(X, X_out, rows, bufs, "X")
        if Y_out is not None:
            Y = self._merge(Y, Y_out, rows, bufs, "Y")
        return X, Y, sample_weight

    def _checked(self, out, given, what: str):
        """The transform's output ``out`` for the input ``given``, checked."""
        name = _name(self.transform)
        if out is None:
            raise TypeError(
                f"Augmentation's transform {name} returned None; it must return "
                f"the transformed {what} (an array of shape {given.shape}). Did "
                "it change its input in place and forget to return it?"
            )
        if sp.issparse(out) and not sp.issparse(given):
            raise TypeError(
                f"Augmentation's transform {name} returned a scipy.sparse "
                f"{what} for a dense input; return a numpy array (out.toarray())."
            )
        if isinstance(out, np.matrix) or not (
            sp.issparse(out) or isinstance(out, np.ndarray)
        ):
            raise TypeError(
                f"Augmentation's transform {name} returned {type(out).__name__}; "
                f"it must return {what} as a numpy array (np.asarray(...))"
                + (" or a scipy.sparse matrix." if sp.issparse(given) else ".")
            )
        if out.shape != given.shape:
            raise ValueError(
                f"Augmentation's transform {name} returned {what} of shape "
                f"{out.shape} for input of shape {given.shape}; it must return "
                "one transformed row per input row, with the same number of "
                "columns."
            )
        values = out.data if sp.issparse(out) else out
        if values.dtype.kind not in "biuf":
            raise TypeError(
                f"Augmentation's transform {name} returned {what} of dtype "
                f"{values.dtype}; it must return real numbers."
            )
        if not np.isfinite(values).all():
            raise ValueError(
                f"Augmentation's transform {name} returned {what} with NaN or "
                "infinite values; it must return finite numbers."
            )
        return out

    @staticmethod
    def _merge(A, out, rows, bufs: dict, key: str):
        """``A`` with the rows ``rows`` (all if None) replaced by ``out``."""
        if sp.issparse(A):
            out = sp.csr_matrix(out, dtype=A.dtype)
            if rows is None:
                return out
            rest = np.setdiff1d(np.arange(A.shape[0]), rows, assume_unique=True)
            stacked = sp.vstack([A[rest], out], format="csr")
            position = np.empty(A.shape[0], dtype=np.intp)
            position[np.concatenate([rest, rows])] = np.arange(A.shape[0])
            return stacked[position]
        # always into our own buffer: the transform may return an array it
        # keeps, which the later hooks must not change in place
        merged = _buffer(bufs, key, A.shape, A.dtype)
        if rows is None:
            np.copyto(merged, out, casting="unsafe")
        else:
            np.copyto(merged, A)
            merged[rows] = out
        return merged

    def __getstate__(self):
        state = super().__getstate__()
        if not _by_value_pickling():
            try:
                pickle.dumps(self.transform)
            except Exception as exc:
                raise pickle.PicklingError(
                    f"Augmentation(transform={_name(self.transform)}) cannot be "
                    f"pickled: its transform cannot be ({exc}). A lambda or a "
                    "function defined inside another function is not picklable; "
                    "define the transform at module level (def my_transform(X, "
                    "rng): ...) or use a transform object such as RandomShift."
                ) from exc
        return state
