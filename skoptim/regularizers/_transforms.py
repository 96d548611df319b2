r"""Label-preserving random transforms of flattened images, for :class:`Augmentation`.

Each transform is a callable parameter object, ``transform(X, rng) -> X``:
it takes a batch of flattened images (one row per image, the pixels in
row-major order) and returns a new array of the same shape, leaving ``X``
unchanged. Its hyperparameters are ``get_params``/``set_params`` parameters,
so a grid search reaches them through the regularizer,
``regularizers__augmentation__transform__max_shift``.
"""

from __future__ import annotations

from functools import lru_cache
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils._param_validation import Interval

from ..utils._params import ParamsObject

__all__ = ["RandomShift", "RandomRotation"]


def _as_generator(rng) -> np.random.Generator | np.random.RandomState:
    """``rng`` as something with ``integers``/``uniform``: a Generator is used
    as it is, a RandomState too; an int or None seeds a new Generator."""
    if isinstance(rng, np.random.Generator | np.random.RandomState):
        return rng
    if rng is None or isinstance(rng, Integral):
        return np.random.default_rng(rng)
    raise TypeError(
        f"rng must be a numpy.random.Generator, a RandomState, an int seed or "
        f"None; got {type(rng).__name__}."
    )


def _integers(gen, low: int, high: int, size) -> np.ndarray:
    """Uniform integers in [low, high] from a Generator or a RandomState."""
    if isinstance(gen, np.random.Generator):
        return gen.integers(low, high, size=size, endpoint=True)
    return gen.randint(low, high + 1, size=size)


@lru_cache(maxsize=64)
def _param_names(cls) -> tuple:
    """``cls``'s parameter names (``get_params`` reads the signature each call)."""
    return tuple(cls._get_param_names())


@lru_cache(maxsize=256)
def _checked(cls, key: tuple, n_features: int) -> None:
    """``cls(**dict(key)).check_n_features(n_features)``, remembered when it
    passes (an error is not cached, so it is raised again)."""
    cls(**{k: v for k, _, v in key}).check_n_features(n_features)


class _ImageTransform(ParamsObject):
    """Shared checks of the image transforms: shape, dtype and parameters."""

    #: scipy.sparse batches are refused (see Augmentation).
    accept_sparse = False

    def check_n_features(self, n_features: int) -> None:
        """Check the hyperparameters and that a row holds one image.

        :class:`Augmentation` calls it at the start of every fit, so a wrong
        ``image_shape`` is reported before training starts.

        Raises
        ------
        ValueError
            If a hyperparameter is invalid (scikit-learn's
            ``InvalidParameterError``) or ``n_features`` is not the product
            of ``image_shape``.
        """
        self._validate_params()
        if not all(isinstance(s, Integral) for s in self.image_shape):
            raise ValueError(
                f"image_shape must hold whole numbers of pixels (ints); got "
                f"{self.image_shape!r}."
            )
        shape = tuple(int(s) for s in self.image_shape)
        if len(shape) not in (2, 3) or min(shape) < 1:
            raise ValueError(
                f"image_shape must be (height, width) or (height, width, "
                f"channels) of positive ints; got {self.image_shape!r}."
            )
        if n_features != int(np.prod(shape)):
            raise ValueError(
                f"{type(self).__name__}(image_shape={shape}) expects rows of "
                f"{int(np.prod(shape))} pixels ({' x '.join(map(str, shape))}) "
                f"but X has {n_features} features. Pass the shape of one image "
                "(digits: (8, 8)); each row must be one flattened image."
            )
        self._check_extra(shape)

    def _check_extra(self, shape) -> None:
        """Checks of a subclass that depend on the image shape."""

    def _images(self, X) -> tuple[np.ndarray, tuple]:
        """``X`` checked and viewed as (n, height, width, channels)."""
        if sp.issparse(X):
            raise TypeError(
                f"{type(self).__name__} takes a dense array of flattened "
                "images; got a scipy.sparse matrix. Convert it with X.toarray()."
            )
        X = np.asarray(X)
        if X.dtype.kind != "f":  # integer pixels: a fractional fill_value fits
            X = X.astype(np.float64)
        if X.ndim != 2:
            raise ValueError(
                f"{type(self).__name__} takes a 2-D array (n_images, n_pixels); "
                f"got an array of shape {X.shape}."
            )
        try:
            # repr tells 1 from 1.0 and (8, 8) from (8.0, 8.0): a key that
            # compared equal would let an invalid value pass as a valid one
            key = tuple(
                (k, repr(v), tuple(v) if isinstance(v, list | np.ndarray) else v)
                for k in _param_names(type(self))
                for v in (getattr(self, k),)
            )
            hash(key)
        except TypeError:  # an unhashable (invalid) value: check it directly
            self.check_n_features(X.shape[1])
        else:
            # once per setting and width, not per batch (the checks cost
            # about as much as shifting a batch of 32 digits)
            _checked(type(self), key, X.shape[1])
        shape = tuple(int(s) for s in self.image_shape)
        h, w = shape[:2]
        c = shape[2] if len(shape) == 3 else 1
        return X.reshape(X.shape[0], h, w, c), shape


class RandomShift(_ImageTransform):
    r"""Shift each image by a random whole number of pixels.

    Every image in the batch is translated by its own offset
    :math:`(\delta_y, \delta_x)`, each drawn uniformly from the integers
    :math:`\{-s, \dots, s\}` (:math:`s` = ``max_shift``, so no shift is one
    of the :math:`(2s+1)^2` equally likely outcomes):

    .. math::

        \tilde x[i, j] =
        \begin{cases}
        x[i - \delta_y,\, j - \delta_x] & \text{if that pixel is inside the image} \\
        c & \text{otherwise,}
        \end{cases}

    with :math:`c` the background ``fill_value``: a positive
    :math:`\delta_y` moves the content down, a positive :math:`\delta_x` to
    the right, and the pixels shifted out are lost. A small shift is the
    classic label-preserving augmentation for digits (Simard et al. 2003).

    Parameters
    ----------
    image_shape : tuple of int
        ``(height, width)`` or ``(height, width, channels)`` of one image;
        each row of ``X`` is one image flattened in C (row-major) order, so
        ``n_features == height * width * channels``. Digits: ``(8, 8)``.
    max_shift : int, default=1
        Largest shift :math:`s \ge 0` in pixels along each axis; it must be
        smaller than the height and the width. ``0`` returns copies.
    fill_value : float, default=0.0
        The background value :math:`c` the uncovered pixels get, in the units
        of ``X`` (0 for digits as loaded, or scaled by one global factor).
        Scale images with one factor for all pixels (``X / 16``): a per-pixel
        ``StandardScaler`` gives every pixel its own background and makes a
        shifted image meaningless.

    Raises
    ------
    ValueError
        From a call (or at fit time, through :class:`Augmentation`) if
        ``image_shape`` does not match the number of features, ``max_shift``
        is negative or not smaller than the image, or a parameter has the
        wrong type (scikit-learn's ``InvalidParameterError``).
    TypeError
        If ``X`` is a scipy.sparse matrix (convert it with ``X.toarray()``).

    See Also
    --------
    Augmentation : applies a transform to the training batches.
    RandomRotation : random rotations of the same images.

    References
    ----------
    Simard, P. Y., Steinkraus, D. & Platt, J. C. (2003). Best practices for
    convolutional neural networks applied to visual document analysis.
    ICDAR, 958-963.

    Examples
    --------
    >>> import numpy as np
    >>> from skoptim.regularizers import RandomShift
    >>> X = np.arange(9.0).reshape(1, 9)        # one 3 x 3 image
    >>> RandomShift((3, 3), max_shift=1)(X, rng=0).shape
    (1, 9)
    """

    _parameter_constraints = {
        "image_shape": [tuple, list, np.ndarray],
        "max_shift": [Interval(Integral, 0, None, closed="left")],
        "fill_value": [Interval(Real, None, None, closed="neither")],
    }

    def __init__(self, image_shape, max_shift=1, fill_value=0.0):
        self.image_shape = image_shape
        self.max_shift = max_shift
        self.fill_value = fill_value

    def _check_extra(self, shape) -> None:
        if self.max_shift >= min(shape[:2]):
            raise ValueError(
                f"max_shift={self.max_shift} can move a {shape[0]} x {shape[1]} "
                "image entirely out of view; use max_shift smaller than the "
                f"height and the width (at most {min(shape[:2]) - 1})."
            )

    def __call__(self, X, rng=None) -> np.ndarray:
        """Shifted copies of the images in ``X``.

        Parameters
        ----------
        X : ndarray of shape (n_images, n_features)
            Flattened images (not modified).
        rng : numpy.random.Generator, RandomState, int or None, default=None
            Source of the shifts; :class:`Augmentation` passes the fit's
            generator.

        Returns
        -------
        X_shifted : ndarray of shape (n_images, n_features)
            Of X's float dtype (float64 for integer X).
        """
        imgs, _ = self._images(X)
        n = imgs.shape[0]
        s = int(self.max_shift)
        if n == 0:
            return imgs.copy().reshape(np.shape(X))
        shifts = _integers(_as_generator(rng), -s, s, (n, 2))
        _, h, w, c = imgs.shape
        # a gather from the images padded with the background: output pixel
        # (y, x) of image i is padded pixel (y + s - dy_i, x + s - dx_i)
        padded = np.full((n, h + 2 * s, w + 2 * s, c), self.fill_value, imgs.dtype)
        padded[:, s : s + h, s : s + w] = imgs
        codes = (shifts[:, 0] + s) * (2 * s + 1) + (shifts[:, 1] + s)
        table = _shift_table(h, w, c, s)  # flat source index per offset and pixel
        index = table[codes] + (np.arange(n) * padded[0].size)[:, None]
        out = padded.ravel().take(index)
        return out.reshape(np.shape(X))


@lru_cache(maxsize=64)
def _shift_table(h: int, w: int, c: int, s: int) -> np.ndarray:
    """Flat indices into one padded image (h + 2s, w + 2s, c) of the source of
    every output pixel, one row per offset code (dy + s) * (2s + 1) + dx + s."""
    pw = w + 2 * s
    y, x, ch = np.meshgrid(np.arange(h), np.arange(w), np.arange(c), indexing="ij")
    rows = []
    for dy in range(-s, s + 1):
        for dx in range(-s, s + 1):
            rows.append((((y + s - dy) * pw + (x + s - dx)) * c + ch).ravel())
    table = np.array(rows, dtype=np.intp)
    table.flags.writeable = False
    return table


class RandomRotation(_ImageTransform):
    r"""Rotate each image by a random angle about its centre.

    Every image is rotated by its own angle :math:`\theta` drawn uniformly
    from :math:`[-\theta_{max}, \theta_{max}]` degrees (the angles of a
    batch of ``n`` images are ``rng.uniform(-max_degrees, max_degrees, n)``),
    exactly as :func:`scipy.ndimage.rotate` with ``reshape=False`` would turn
    each image (for ``order`` 0 and 1 the whole batch is sampled in one
    :func:`scipy.ndimage.map_coordinates` call). A
    pixel at offset :math:`(u, v)` from the centre comes from

    .. math::

        \begin{pmatrix} u' \\ v' \end{pmatrix} =
        \begin{pmatrix} \cos\theta & -\sin\theta \\
                        \sin\theta & \cos\theta \end{pmatrix}
        \begin{pmatrix} u \\ v \end{pmatrix}

    of the input, interpolated with a spline of degree ``order``; points
    outside the input get ``fill_value``. A positive angle turns the image
    counter-clockwise as shown by ``matplotlib.pyplot.imshow``. Small angles
    (up to 10-15 degrees) keep digits recognisable.

    Parameters
    ----------
    image_shape : tuple of int
        ``(height, width)`` or ``(height, width, channels)`` of one image;
        each row of ``X`` is one flattened image (C order).
    max_degrees : float, default=10.0
        Largest absolute angle :math:`\theta_{max}`, in degrees, in [0, 180].
    fill_value : float, default=0.0
        Value of the pixels that come from outside the image (background).
    order : int, default=1
        Spline order of the interpolation, 0 (nearest) to 5; 1 is bilinear.

    Raises
    ------
    ValueError
        From a call (or at fit time, through :class:`Augmentation`) if
        ``image_shape`` does not match the number of features or a parameter
        is out of range (scikit-learn's ``InvalidParameterError``).
    TypeError
        If ``X`` is a scipy.sparse matrix.

    See Also
    --------
    Augmentation : applies a transform to the training batches.
    RandomShift : random translations by whole pixels.

    References
    ----------
    Simard, P. Y., Steinkraus, D. & Platt, J. C. (2003). Best practices for
    convolutional neural networks applied to visual document analysis.
    ICDAR, 958-963.
    """

    _parameter_constraints = {
        "image_shape": [tuple, list, np.ndarray],
        "max_degrees": [Interval(Real, 0, 180, closed="both")],
        "fill_value": [Interval(Real, None, None, closed="neither")],
        "order": [Interval(Integral, 0, 5, closed="both")],
    }

    def __init__(self, image_shape, max_degrees=10.0, fill_value=0.0, order=1):
        self.image_shape = image_shape
        self.max_degrees = max_degrees
        self.fill_value = fill_value
        self.order = order

    def __call__(self, X, rng=None) -> np.ndarray:
        """Rotated copies of the images in ``X``.

        Parameters
        ----------
        X : ndarray of shape (n_images, n_features)
            Flattened images (not modified).
        rng : numpy.random.Generator, RandomState, int or None, default=None
            Source of the angles.

        Returns
        -------
        X_rotated : ndarray of shape (n_images, n_features)
            Of X's float dtype (float64 for integer X).
        """
        from scipy import ndimage

        imgs, _ = self._images(X)
        dtype = imgs.dtype if imgs.dtype.kind == "f" else np.float64
        out = np.empty(imgs.shape, dtype=dtype)
        n = imgs.shape[0]
        if n == 0:
            return out.reshape(np.shape(X))
        gen = _as_generator(rng)
        m = float(self.max_degrees)
        angles = gen.uniform(-m, m, size=n)
        order, cval = int(self.order), float(self.fill_value)
        if order <= 1:
            # no spline prefilter below order 2: one map_coordinates call per
            # channel samples the whole batch (the batch coordinate is exact)
            coords = _rotation_coordinates(angles, imgs.shape[:3])
            for ch in range(imgs.shape[3]):
                out[..., ch] = ndimage.map_coordinates(
                    imgs[..., ch], coords, order=order, mode="constant", cval=cval
                )
            return out.reshape(np.shape(X))
        for k in range(n):
            # axes (1, 0): counter-clockwise on screen (row 0 at the top)
            ndimage.rotate(
                imgs[k],
                angles[k],
                axes=(1, 0),
                reshape=False,
                order=order,
                mode="constant",
                cval=cval,
                output=out[k],
            )
        return out.reshape(np.shape(X))


def _rotation_coordinates(angles: np.ndarray, shape: tuple) -> np.ndarray:
    """Input coordinates (3, n, h, w) of every output pixel, the images
    rotated about their centres by ``angles`` (degrees), as
    :func:`scipy.ndimage.rotate` with ``axes=(1, 0), reshape=False``."""
    n, h, w = shape
    t = np.deg2rad(angles)[:, None, None]
    cos, sin = np.cos(t), np.sin(t)
    cy, cx = (h - 1) / 2.0, (w - 1) / 2.0
    u = (np.arange(h) - cy)[None, :, None]
    v = (np.arange(w) - cx)[None, None, :]
    coords = np.empty((3, n, h, w))
    coords[0] = np.arange(n)[:, None, None]
    coords[1] = cy + cos * u + sin * v
    coords[2] = cx - sin * u + cos * v
    return coords
