"""plot_splits draws one band per fold with train / test / left-out colours."""

import numpy as np
import pytest
from sklearn.model_selection import TimeSeriesSplit

from skoptim.model_selection import (
    BlockedKFold,
    GroupTimeSeriesSplit,
    PurgedKFold,
    plot_splits,
)

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_image_encodes_train_test_and_left_out_rows():
    cv = PurgedKFold(n_splits=3, horizon=1, embargo=1)
    X = np.zeros((12, 1))
    ax = plot_splits(cv, X)
    image = ax.get_images()[0].get_array()
    assert image.shape == (3, 12)
    for k, (train, test) in enumerate(cv.split(X)):
        expected = np.zeros(12)
        expected[train] = 1
        expected[test] = 2
        np.testing.assert_array_equal(image[k], expected)
    # fold 1 of the docstring table: rows 3 (purged) and 8, 9 (purge + embargo)
    np.testing.assert_array_equal(image[1], [1, 1, 1, 0, 2, 2, 2, 2, 0, 0, 1, 1])
    assert ax.get_ylabel() == "CV iteration"
    assert ax.get_title() == "PurgedKFold"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[:2] == ["train", "test"]


def test_groups_band_and_existing_axes():
    groups = np.repeat(np.arange(6), 4)
    fig, ax = plt.subplots()
    out = plot_splits(GroupTimeSeriesSplit(3), np.zeros((24, 1)), groups=groups, ax=ax)
    assert out is ax
    images = ax.get_images()
    assert len(images) == 2  # folds + groups band
    assert [t.get_text() for t in ax.get_yticklabels()][-1] == "groups"


@pytest.mark.filterwarnings("ignore:.*label end times passed as `groups`")
def test_purged_label_end_times_are_not_drawn_as_groups():
    ends = np.arange(12) + 1
    ax = plot_splits(PurgedKFold(3), np.zeros((12, 1)), groups=ends)
    assert len(ax.get_images()) == 1
    ax = plot_splits(PurgedKFold(3), np.zeros((12, 1)), groups=ends, show_groups=True)
    assert len(ax.get_images()) == 2
    with pytest.raises(ValueError, match="show_groups must be True, False or 'auto'"):
        plot_splits(PurgedKFold(3), np.zeros(12), groups=ends, show_groups="yes")
    with pytest.raises(ValueError, match="show_groups=True .* groups is None"):
        plot_splits(
            PurgedKFold(3, label_end_times=ends), np.zeros(12), show_groups=True
        )
    # the recommended route: nothing travels as groups, nothing is drawn
    ax = plot_splits(PurgedKFold(3, label_end_times=ends), np.zeros((12, 1)))
    assert len(ax.get_images()) == 1


def test_works_with_scikit_learn_splitters():
    ax = plot_splits(TimeSeriesSplit(4, gap=2), np.zeros(30))
    image = ax.get_images()[0].get_array()
    assert image.shape == (4, 30)
    assert (image == 0).any()  # the gap rows are drawn as left out


def test_no_folds_is_an_error():
    class Empty(BlockedKFold):
        def split(self, X, y=None, groups=None):
            return iter(())

    with pytest.raises(ValueError, match="yielded no folds"):
        plot_splits(Empty(), np.zeros(10))
