"""RandomShift and RandomRotation: hand-made images and their invariants."""

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given
from hypothesis import strategies as st
from sklearn.base import clone

from skoptim.regularizers import RandomRotation, RandomShift

IMAGE = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])

# every shift of the 3 x 3 image by at most one pixel, worked out by hand:
# (dy, dx) moves the content dy rows down and dx columns right, filling with 0
EXPECTED = {
    (0, 0): [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
    (1, 0): [[0, 0, 0], [1, 2, 3], [4, 5, 6]],
    (-1, 0): [[4, 5, 6], [7, 8, 9], [0, 0, 0]],
    (0, 1): [[0, 1, 2], [0, 4, 5], [0, 7, 8]],
    (0, -1): [[2, 3, 0], [5, 6, 0], [8, 9, 0]],
    (1, 1): [[0, 0, 0], [0, 1, 2], [0, 4, 5]],
    (1, -1): [[0, 0, 0], [2, 3, 0], [5, 6, 0]],
    (-1, 1): [[0, 4, 5], [0, 7, 8], [0, 0, 0]],
    (-1, -1): [[5, 6, 0], [8, 9, 0], [0, 0, 0]],
}


def _which_shift(out):
    for shift, expected in EXPECTED.items():
        if np.array_equal(out.reshape(3, 3), np.array(expected, dtype=float)):
            return shift
    raise AssertionError(f"not a shift of the image:\n{out.reshape(3, 3)}")


def test_random_shift_of_a_3x3_image_gives_each_hand_computed_shift():
    X = np.tile(IMAGE.ravel(), (900, 1))
    out = RandomShift((3, 3), max_shift=1)(X, np.random.default_rng(0))
    shifts = [_which_shift(row) for row in out]
    counts = {s: shifts.count(s) for s in EXPECTED}
    # all nine offsets, equally likely: 100 expected each (sd about 9.4)
    assert all(60 < c < 140 for c in counts.values()), counts
    np.testing.assert_array_equal(X[0], IMAGE.ravel())  # the input is unchanged


def test_random_shift_fills_with_the_background_value():
    X = IMAGE.reshape(1, 9)
    seen = set()
    for seed in range(40):
        out = RandomShift((3, 3), fill_value=-1.0)(X, seed).reshape(3, 3)
        shift = _which_shift(np.where(out == -1.0, 0.0, out))
        seen.add(shift)
        assert (out == -1.0).sum() == 9 - (3 - abs(shift[0])) * (3 - abs(shift[1]))
    assert len(seen) == 9


def test_random_shift_moves_every_channel_together():
    rgb = np.stack([IMAGE, 10 * IMAGE], axis=-1)  # (3, 3, 2)
    X = np.tile(rgb.ravel(), (50, 1))
    out = RandomShift((3, 3, 2))(X, 1).reshape(50, 3, 3, 2)
    np.testing.assert_array_equal(out[..., 1], 10 * out[..., 0])
    for img in out:
        _which_shift(img[..., 0])


def test_max_shift_zero_returns_copies():
    X = np.random.default_rng(0).random((5, 16))
    out = RandomShift((4, 4), max_shift=0)(X, 0)
    np.testing.assert_array_equal(out, X)
    assert out is not X and out.dtype == X.dtype


@given(
    h=st.integers(2, 6),
    w=st.integers(2, 6),
    c=st.integers(1, 2),
    n=st.integers(0, 8),
    seed=st.integers(0, 2**16),
    data=st.data(),
)
def test_random_shift_output_is_a_shift_of_its_input(h, w, c, n, seed, data):
    s = data.draw(st.integers(0, min(h, w) - 1))
    rng = np.random.default_rng(seed)
    X = rng.random((n, h * w * c)) + 1.0  # positive pixels, background 0
    out = RandomShift((h, w, c), max_shift=s)(X, rng)
    assert out.shape == X.shape and out.dtype == X.dtype
    imgs, outs = X.reshape(n, h, w, c), out.reshape(n, h, w, c)
    for img, got in zip(imgs, outs, strict=True):
        candidates = []
        for dy in range(-s, s + 1):
            for dx in range(-s, s + 1):
                shifted = np.zeros_like(img)
                ys, xs = (
                    slice(max(dy, 0), h + min(dy, 0)),
                    slice(max(dx, 0), w + min(dx, 0)),
                )
                yo = slice(max(-dy, 0), h - max(dy, 0))
                xo = slice(max(-dx, 0), w - max(dx, 0))
                shifted[ys, xs] = img[yo, xo]
                candidates.append(shifted)
        assert any(np.array_equal(got, cand) for cand in candidates)


def test_random_shift_rng_forms_are_reproducible():
    X = np.random.default_rng(0).random((20, 9))
    t = RandomShift((3, 3))
    np.testing.assert_array_equal(t(X, 5), t(X, 5))
    np.testing.assert_array_equal(
        t(X, np.random.RandomState(2)), t(X, np.random.RandomState(2))
    )
    with pytest.raises(TypeError, match="rng must be"):
        t(X, "seed")


def test_random_rotation_by_zero_degrees_is_the_identity():
    X = np.random.default_rng(0).random((4, 25))
    out = RandomRotation((5, 5), max_degrees=0.0)(X, 0)
    np.testing.assert_allclose(out, X, atol=1e-12)


def test_random_rotation_keeps_the_centre_and_turns_counter_clockwise():
    # a bright pixel right of the centre of a 5 x 5 image: rotated by almost
    # 90 degrees counter-clockwise (as shown with imshow) it ends up above it
    img = np.zeros((5, 5))
    img[2, 2], img[2, 4] = 1.0, 1.0
    X = np.tile(img.ravel(), (200, 1))
    out = RandomRotation((5, 5), max_degrees=90.0, order=0)(X, 0).reshape(-1, 5, 5)
    np.testing.assert_array_equal(out[:, 2, 2], 1.0)
    near_90 = out[:, 0, 2] == 1.0  # the top middle pixel
    near_minus_90 = out[:, 4, 2] == 1.0
    assert near_90.any() and near_minus_90.any()
    assert not (near_90 & near_minus_90).any()
    # with the generator's angles, ccw means positive
    angles = np.random.default_rng(0).uniform(-90, 90, 200)
    assert np.all(angles[near_90] > 0) and np.all(angles[near_minus_90] < 0)


def test_random_rotation_small_angles_keep_most_of_the_ink():
    X = np.zeros((50, 64))
    X[:, [27, 28, 35, 36]] = 1.0  # a 2 x 2 blob at the centre of 8 x 8
    out = RandomRotation((8, 8), max_degrees=15.0)(X, 0)
    np.testing.assert_allclose(out.sum(axis=1), 4.0, rtol=0.1)
    assert out.min() >= 0.0


@pytest.mark.parametrize("cls", [RandomShift, RandomRotation])
def test_image_shape_must_match_the_features(cls):
    with pytest.raises(ValueError, match=r"image_shape=\(8, 8\).*64 pixels.*63"):
        cls((8, 8))(np.zeros((2, 63)), 0)
    with pytest.raises(ValueError, match="positive ints"):
        cls((8, 0))(np.zeros((2, 0)), 0)
    with pytest.raises(ValueError, match="2-D array"):
        cls((8, 8))(np.zeros(64), 0)
    with pytest.raises(TypeError, match="sparse"):
        cls((2, 2))(sp.csr_matrix(np.ones((2, 4))), 0)
    with pytest.raises(ValueError, match="'image_shape' parameter"):
        cls(64)(np.zeros((2, 64)), 0)


def test_out_of_range_parameters_are_refused():
    X = np.zeros((2, 9))
    with pytest.raises(ValueError, match="'max_shift' parameter"):
        RandomShift((3, 3), max_shift=-1)(X, 0)
    with pytest.raises(ValueError, match="max_shift=3 can move a 3 x 3 image"):
        RandomShift((3, 3), max_shift=3)(X, 0)
    with pytest.raises(ValueError, match="'max_degrees' parameter"):
        RandomRotation((3, 3), max_degrees=200)(X, 0)
    with pytest.raises(ValueError, match="'order' parameter"):
        RandomRotation((3, 3), order=7)(X, 0)


@pytest.mark.parametrize(
    "transform", [RandomShift((8, 8), max_shift=2), RandomRotation((8, 8), 12.0)]
)
def test_transforms_are_parameter_objects(transform):
    c = clone(transform)
    assert c is not transform and c.get_params() == transform.get_params()
    key = "max_shift" if isinstance(transform, RandomShift) else "max_degrees"
    assert c.set_params(**{key: 1}).get_params()[key] == 1
    assert repr(transform).startswith(type(transform).__name__)


@pytest.mark.parametrize("order", [0, 1, 3])
@pytest.mark.parametrize("shape", [(8, 8), (5, 7), (4, 6, 3)])
def test_random_rotation_equals_scipy_rotate_of_each_image(order, shape):
    from scipy import ndimage

    n = 12
    X = np.random.default_rng(1).random((n, int(np.prod(shape))))
    out = RandomRotation(shape, 170.0, fill_value=0.3, order=order)(X, 5)
    # the documented draw: one angle per image, rng.uniform(-max, max, n)
    angles = np.random.default_rng(5).uniform(-170.0, 170.0, n)
    expected = [
        ndimage.rotate(
            img, a, axes=(1, 0), reshape=False, order=order, mode="constant", cval=0.3
        )
        for img, a in zip(X.reshape((n, *shape)), angles, strict=True)
    ]
    np.testing.assert_allclose(out, np.reshape(expected, (n, -1)), atol=1e-12)


def test_image_shape_may_be_an_array_and_fill_value_must_be_a_number():
    X = IMAGE.reshape(1, 9)
    out = RandomShift(np.array([3, 3]))(X, 0)
    _which_shift(out)
    with pytest.raises(ValueError, match="'fill_value' parameter"):
        RandomShift((3, 3), fill_value=np.nan)(X, 0)
    with pytest.raises(ValueError, match="'fill_value' parameter"):
        RandomRotation((3, 3), fill_value=np.nan)(X, 0)


def test_validation_does_not_depend_on_earlier_calls():
    # 1 and 1.0 are equal (and hash alike): a cache of checked settings must
    # still refuse the float after accepting the int
    X = np.zeros((2, 9))
    RandomShift((3, 3), max_shift=1)(X, 0)
    with pytest.raises(ValueError, match="'max_shift' parameter"):
        RandomShift((3, 3), max_shift=1.0)(X, 0)
    RandomShift((3, 3))(X, 0)
    with pytest.raises(ValueError, match="whole numbers of pixels"):
        RandomShift((3.0, 3.0))(X, 0)
    with pytest.raises(ValueError, match="whole numbers of pixels"):
        RandomShift((8.5, 7.5))(np.zeros((2, 56)), 0)


def test_integer_images_give_float_output_with_any_fill_value():
    X = np.arange(1, 10, dtype=np.uint8).reshape(1, 9)
    out = RandomShift((3, 3), fill_value=-0.5)(np.repeat(X, 30, axis=0), 0)
    assert out.dtype == np.float64
    assert set(np.unique(out)) <= set(range(1, 10)) | {-0.5}
    assert (out == -0.5).any()
    rotated = RandomRotation((3, 3), fill_value=0.5)(X, 0)
    assert rotated.dtype == np.float64
