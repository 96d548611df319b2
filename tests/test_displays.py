"""Every Display draws on a given Axes and on its own figure, with the right artists.

Each test feeds a known input and counts the artists the Display must draw;
the data it stores must be what the library returned (a Display draws
results, it does not produce them).
"""

import warnings

import numpy as np
import pytest

mpl = pytest.importorskip("matplotlib")
import matplotlib.pyplot as plt  # noqa: E402
from sklearn.exceptions import ConvergenceWarning, NotFittedError  # noqa: E402
from sklearn.model_selection import KFold  # noqa: E402
from sklearn.tree import DecisionTreeRegressor  # noqa: E402

from skoptim import MLPClassifier, MLPRegressor  # noqa: E402
from skoptim.ensemble import BaggingRegressor, PredictionIntervalDisplay  # noqa: E402
from skoptim.inspection import LossLandscapeDisplay, loss_landscape  # noqa: E402
from skoptim.model_selection import (  # noqa: E402
    BiasVarianceDisplay,
    BlockedKFold,
    CombinatorialPurgedKFold,
    CVSplitDisplay,
    GroupTimeSeriesSplit,
    bias_variance_curve,
)
from skoptim.neural_network import TrainingCurveDisplay  # noqa: E402
from skoptim.optimizers import SGD, Adam, OptimizerPathDisplay, minimize  # noqa: E402
from skoptim.regularizers import EarlyStopping  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _bowl(w):
    return 0.5 * float(w[0] ** 2 + 10 * w[1] ** 2), np.array([w[0], 10 * w[1]])


def _fit_quietly(est, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(*args, **kwargs)


@pytest.fixture(scope="module")
def moons():
    from sklearn.datasets import make_moons

    X, y = make_moons(120, noise=0.25, random_state=0)
    return X[:80], y[:80], X[80:], y[80:]


# -- TrainingCurveDisplay ---------------------------------------------------
def test_training_curve_own_figure_panels_and_artists(moons):
    X, y, Xv, yv = moons
    clf = _fit_quietly(
        MLPClassifier((8,), max_iter=15, random_state=0), X, y, validation_data=(Xv, yv)
    )
    disp = TrainingCurveDisplay.from_estimator(clf)
    assert list(disp.axes_) == ["loss", "score", "learning_rate"]
    assert disp.ax_ is disp.axes_["loss"]
    assert disp.figure_ is disp.ax_.figure
    assert len(disp.figure_.axes) == 3
    assert len(disp.lines_["loss"]) == 2  # training + validation
    assert len(disp.lines_["score"]) == 1
    assert len(disp.stop_markers_) == 1 and disp.best_markers_ == []
    train, val = disp.lines_["loss"]
    np.testing.assert_array_equal(train.get_ydata(), clf.loss_curve_)
    np.testing.assert_array_equal(val.get_ydata(), clf.validation_loss_curve_)
    np.testing.assert_array_equal(train.get_xdata(), np.arange(1, clf.n_iter_ + 1))
    # the stop is drawn at the last epoch run
    assert disp.stop_markers_[0].get_xdata()[0] == clf.n_iter_


def test_training_curve_on_given_ax_and_several_estimators(moons):
    X, y, Xv, yv = moons
    nets = [
        _fit_quietly(
            MLPClassifier((8,), max_iter=n, random_state=0),
            X,
            y,
            validation_data=(Xv, yv),
        )
        for n in (5, 9)
    ]
    fig, ax = plt.subplots()
    disp = TrainingCurveDisplay.from_estimator(nets, labels=["a", "b"], ax=ax)
    assert disp.ax_ is ax and disp.figure_ is fig
    assert list(disp.axes_) == ["loss"]
    assert len(disp.lines_["loss"]) == 4
    assert len(fig.axes) == 1
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "a: training" in labels and "b: validation" in labels
    # one Axes per requested panel
    fig, axs = plt.subplots(1, 3)
    disp = TrainingCurveDisplay.from_estimator(nets, ax=axs)
    assert disp.axes_["score"] is axs[1]
    assert len(disp.lines_["score"]) == 2


def test_training_curve_marks_best_epoch(moons):
    X, y, _, _ = moons
    clf = _fit_quietly(
        MLPClassifier(
            (8,), max_iter=60, regularizers=[EarlyStopping(patience=3)], random_state=0
        ),
        X,
        y,
    )
    disp = TrainingCurveDisplay.from_estimator(clf)
    # a dot on the validation curve + a vertical line on each panel
    assert len(disp.best_markers_) == 1 + len(disp.axes_)
    dot = disp.best_markers_[0]
    assert dot.get_xdata()[0] == clf.best_epoch_
    assert dot.get_ydata()[0] == clf.validation_loss_curve_[clf.best_epoch_ - 1]


def test_training_curve_learning_rate_panel_when_recorded(moons):
    X, y, _, _ = moons
    clf = _fit_quietly(MLPRegressor((4,), max_iter=6, random_state=0), X, y)
    assert clf.learning_rate_curve_ == [0.001] * clf.n_iter_  # Adam's default
    disp = TrainingCurveDisplay.from_estimator(clf)
    assert "learning_rate" in disp.axes_
    (line,) = disp.lines_["learning_rate"]
    np.testing.assert_allclose(line.get_ydata(), clf.learning_rate_curve_)
    assert disp.axes_["learning_rate"].get_yscale() == "log"


def test_training_curve_errors(moons):
    X, y, _, _ = moons
    with pytest.raises(NotFittedError):
        TrainingCurveDisplay.from_estimator(MLPClassifier())
    with pytest.raises(TypeError, match="skoptim MLPs"):
        TrainingCurveDisplay.from_estimator(DecisionTreeRegressor().fit(X, y))
    clf = _fit_quietly(MLPClassifier((4,), max_iter=3, random_state=0), X, y)
    with pytest.raises(ValueError, match="one label per network"):
        TrainingCurveDisplay.from_estimator([clf, clf], labels=["only one"])
    with pytest.raises(ValueError, match="No data for the 'score' panel"):
        TrainingCurveDisplay.from_estimator(clf, panels=["score"])
    _, axs = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="3 axes for 1 panels"):
        TrainingCurveDisplay.from_estimator(clf, ax=axs, panels=["loss"])


# -- OptimizerPathDisplay ---------------------------------------------------
def test_optimizer_paths_small_multiples():
    results = {
        "SGD": minimize(_bowl, [2.0, 1.0], SGD(0.05), n_iter=20),
        "Adam": minimize(_bowl, [2.0, 1.0], Adam(0.1), n_iter=20),
        "momentum": minimize(_bowl, [2.0, 1.0], SGD(0.05, momentum=0.9), n_iter=20),
        "big": minimize(_bowl, [2.0, 1.0], SGD(0.15), n_iter=20),
    }
    disp = OptimizerPathDisplay.from_results(results, _bowl, minimum=(0, 0))
    assert disp.axes_.shape == (4,)
    assert len(disp.lines_) == 4 and len(disp.contours_) == 4
    # every path on its own panel, drawn from the minimize result
    for ax, (name, res) in zip(disp.axes_, results.items(), strict=True):
        assert disp.lines_[name].axes is ax
        np.testing.assert_array_equal(disp.lines_[name].get_xdata(), res.path[:, 0])
    # a 2x3 grid with the two spare panels hidden
    assert sum(a.get_visible() for a in disp.figure_.axes) == 4
    # log-spaced levels above the minimum of the grid
    levels = disp.contours_[0].levels
    rise = levels - disp.contour[2].min()
    ratios = rise[1:] / rise[:-1]
    np.testing.assert_allclose(ratios, ratios[0])
    assert ratios[0] > 1


def test_optimizer_paths_overlay_on_given_ax():
    fig, ax = plt.subplots()
    disp = OptimizerPathDisplay.from_optimizers(
        _bowl, [2.0, 1.0], {"SGD": SGD(0.05), "Adam": Adam(0.1)}, n_iter=10, ax=ax
    )
    assert disp.ax_ is ax and disp.figure_ is fig
    assert len(disp.lines_) == 2 and len(disp.contours_) == 1
    assert {line.get_color() for line in disp.lines_.values()} == {"C0", "C1"}
    assert len(ax.get_legend().get_texts()) == 2


def test_optimizer_paths_errors():
    res = minimize(lambda w: (float(w @ w), 2 * w), [1.0, 1.0, 1.0], SGD(0.1), n_iter=2)
    with pytest.raises(ValueError, match="exactly 2 parameters"):
        OptimizerPathDisplay.from_results({"3-D": res})
    with pytest.raises(ValueError, match="empty"):
        OptimizerPathDisplay.from_results({})
    ok = {"a": minimize(_bowl, [1.0, 1.0], SGD(0.05), n_iter=2)}
    _, axs = plt.subplots(1, 2)
    with pytest.raises(ValueError, match="2 axes for 1 optimizers"):
        OptimizerPathDisplay.from_results(ok, ax=axs)


# -- CVSplitDisplay ---------------------------------------------------------
def test_cv_split_display_masks_and_artists():
    X = np.zeros((30, 1))
    fig, ax = plt.subplots()
    disp = CVSplitDisplay.from_splitter(BlockedKFold(3, gap_before=2), X, ax=ax)
    assert disp.ax_ is ax and disp.figure_ is fig
    assert disp.masks.shape == (3, 30)
    # hand-checked: fold 1 tests rows 10-19 and leaves out the 2 rows before
    np.testing.assert_array_equal(disp.masks[1, 8:10], [0, 0])
    np.testing.assert_array_equal(disp.masks[1, 10:20], 2)
    assert len(ax.images) == 1 and disp.groups_image_ is None
    assert [t.get_text() for t in disp.legend_.get_texts()] == [
        "train",
        "test",
        "left out (gap/purge/embargo)",
    ]


def test_cv_split_display_groups_band_and_own_figure():
    X = np.zeros((40, 1))
    groups = np.repeat(np.arange(8), 5)
    disp = CVSplitDisplay.from_splitter(GroupTimeSeriesSplit(3), X, groups=groups)
    assert len(disp.ax_.images) == 2
    assert disp.ax_.get_yticklabels()[-1].get_text() == "groups"
    np.testing.assert_array_equal(disp.group_codes, groups)
    # no legend on request, the handles stay available for a figure legend
    disp = CVSplitDisplay.from_splitter(KFold(4), X, legend=False)
    assert disp.legend_ is None and len(disp.legend_handles_) == 3


def test_cv_split_display_thins_overlapping_ticks():
    """15 splits in a short Axes: only as many labels as fit are drawn."""
    X = np.zeros((60, 1))
    fig, ax = plt.subplots(figsize=(6, 1.5))
    disp = CVSplitDisplay.from_splitter(CombinatorialPurgedKFold(6, 2), X, ax=ax)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert disp.masks.shape[0] == 15
    assert 2 <= len(labels) < 15
    # labels at least one font size apart, in points
    height_pt = ax.get_position().height * fig.get_figheight() * 72
    assert height_pt / len(labels) >= 10


def test_cv_split_display_errors():
    class Empty:
        def split(self, X, y=None, groups=None):
            return iter(())

    with pytest.raises(ValueError, match="yielded no split"):
        CVSplitDisplay.from_splitter(Empty(), np.zeros((5, 1)))
    with pytest.raises(ValueError, match="show_groups"):
        CVSplitDisplay.from_splitter(KFold(2), np.zeros((5, 1)), show_groups="yes")


# -- BiasVarianceDisplay ----------------------------------------------------
@pytest.fixture(scope="module")
def sine():
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(120, 1))
    f = np.sin(X[:, 0])
    return (
        X[:60],
        f[:60] + 0.3 * rng.randn(60),
        X[60:],
        f[60:] + 0.3 * rng.randn(60),
        f[60:],
    )


def test_bias_variance_display_from_curve_and_estimator(sine):
    X, y, Xt, yt, ft = sine
    curve = bias_variance_curve(
        DecisionTreeRegressor(),
        X,
        y,
        Xt,
        yt,
        param_name="max_depth",
        param_range=[1, 2, 4],
        y_test_true=ft,
        n_rounds=5,
        random_state=0,
    )
    fig, ax = plt.subplots()
    disp = BiasVarianceDisplay.from_curve(curve, ax=ax)
    assert disp.ax_ is ax and disp.figure_ is fig
    assert sorted(disp.lines_) == ["bias", "expected_loss", "noise", "variance"]
    assert len(ax.lines) == 4
    np.testing.assert_array_equal(disp.lines_["bias"].get_ydata(), curve.bias_term)
    assert ax.get_ylabel() == "squared error"
    disp2 = BiasVarianceDisplay.from_estimator(
        DecisionTreeRegressor(),
        X,
        y,
        Xt,
        yt,
        param_name="max_depth",
        param_range=[1, 2, 4],
        y_test_true=ft,
        n_rounds=5,
        random_state=0,
        show_noise=False,
    )
    assert disp2.figure_ is not fig and len(disp2.ax_.lines) == 3
    np.testing.assert_allclose(disp2.expected_loss, curve.expected_loss)


def test_bias_variance_display_non_numeric_values(sine):
    """Tuples such as hidden_layer_sizes go on a categorical axis."""
    disp = BiasVarianceDisplay(
        param_name="hidden_layer_sizes",
        param_range=[(1,), (4,), (16,)],
        expected_loss=[3.0, 2.0, 1.0],
        bias_term=[1.0, 1.0, 0.5],
        variance_term=[2.0, 1.0, 0.5],
    ).plot()
    ax = disp.ax_
    np.testing.assert_array_equal(disp.lines_["bias"].get_xdata(), [0, 1, 2])
    assert [t.get_text() for t in ax.get_xticklabels()] == ["(1,)", "(4,)", "(16,)"]
    assert "noise" not in disp.lines_


def test_bias_variance_display_errors():
    with pytest.raises(TypeError, match="BiasVarianceCurve"):
        BiasVarianceDisplay.from_curve({"bias": 1})
    disp = BiasVarianceDisplay(
        param_name="p",
        param_range=[1, 2],
        expected_loss=[1, 1],
        bias_term=[0.5, 0.5],
        variance_term=[0.5, 0.5],
    )
    with pytest.raises(ValueError, match="xscale"):
        disp.plot(xscale="symlog")


# -- PredictionIntervalDisplay ----------------------------------------------
@pytest.fixture(scope="module")
def bag():
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(150, 1))
    y = np.sin(X[:, 0]) + 0.3 * rng.randn(150)
    reg = BaggingRegressor(n_estimators=15, random_state=0).fit(X[:100], y[:100])
    return reg, X[100:], y[100:]


def test_prediction_interval_feature_view(bag):
    reg, X, y = bag
    fig, ax = plt.subplots()
    disp = PredictionIntervalDisplay.from_estimator(reg, X, y, ax=ax)
    assert disp.ax_ is ax and disp.figure_ is fig
    assert disp.against == "feature"
    assert len(ax.collections) == 3  # interval, spread, observed
    assert len(ax.lines) == 1  # the mean
    interval = reg.predict_interval(X, confidence=0.9)
    inside = (y >= interval[:, 0]) & (y <= interval[:, 1])
    assert disp.coverage_["interval"] == pytest.approx(inside.mean())
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"coverage {inside.mean():.2f}" in labels[0]
    mean, std = reg.predict(X, return_std=True)
    order = np.argsort(X[:, 0], kind="stable")
    np.testing.assert_allclose(disp.mean_line_.get_ydata(), mean[order])
    np.testing.assert_allclose(disp.y_std, std)


def test_prediction_interval_without_targets_and_observed_view(bag):
    reg, X, y = bag
    disp = PredictionIntervalDisplay.from_estimator(reg, X)
    assert disp.coverage_ == {} and disp.scatter_ is None
    assert len(disp.ax_.collections) == 2
    disp = PredictionIntervalDisplay.from_estimator(reg, X, y, against="observed")
    assert disp.xlabel == "observed y"
    assert len(disp.scatter_) == 2
    assert len(disp.ax_.lines) == 1  # the diagonal
    n_out = len(disp.scatter_[1].get_offsets())
    assert n_out == round((1 - disp.coverage_["interval"]) * len(y))


def test_prediction_interval_errors(bag):
    reg, X, y = bag
    with pytest.raises(TypeError, match="predict_interval"):
        PredictionIntervalDisplay.from_estimator(DecisionTreeRegressor(), X, y)
    with pytest.raises(ValueError, match="needs the observed targets"):
        PredictionIntervalDisplay.from_estimator(reg, X, against="observed")
    with pytest.raises(ValueError, match="against must be"):
        PredictionIntervalDisplay.from_estimator(reg, X, y, against="time")
    with pytest.raises(ValueError, match="values for"):
        PredictionIntervalDisplay.from_estimator(reg, X, y[:-1])


# -- LossLandscapeDisplay ---------------------------------------------------
@pytest.fixture(scope="module")
def two_nets(moons):
    X, y, _, _ = moons
    nets = [
        _fit_quietly(MLPClassifier((6,), max_iter=m, random_state=0), X, y)
        for m in (30, 60)
    ]
    return nets, X, y


def test_loss_landscape_1d_overlay(two_nets):
    nets, X, y = two_nets
    fig, ax = plt.subplots()
    disp = LossLandscapeDisplay.from_estimator(
        nets, X, y, labels=["short", "long"], n_points=7, ax=ax
    )
    assert disp.ax_ is ax and disp.figure_ is fig
    assert len(disp.lines_) == 2 and len(ax.lines) == 2
    ref = loss_landscape(nets[1], X, y, n_points=7, random_state=0)
    np.testing.assert_allclose(disp.lines_[1].get_ydata(), ref.losses)
    np.testing.assert_allclose(disp.minima[1], ref.loss)


def test_loss_landscape_2d_panels_and_basins(two_nets):
    nets, X, y = two_nets
    disp = LossLandscapeDisplay.from_estimator(
        nets, X, y, n_directions=2, n_points=5, extent=0.5
    )
    assert disp.axes_.shape == (2,)
    assert len(disp.contours_) == 2
    assert len(disp.basins_) == 4  # each network's basin on each panel
    assert len(disp.figure_.axes) == 3  # two panels and the colour bar
    assert disp.losses[0].shape == (5, 5)
    # the shared levels start at 0 (each panel shows the rise above its minimum)
    np.testing.assert_array_equal(disp.contours_[0].levels, disp.contours_[1].levels)
    assert disp.contours_[0].levels[0] == 0
    _, axs = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="3 axes for 2"):
        disp.plot(ax=axs)
    with pytest.raises(ValueError, match="basin_rise"):
        disp.plot(basin_rise=-1.0)


def test_prediction_interval_dataframe_feature_by_name(bag):
    pd = pytest.importorskip("pandas")
    reg, X, y = bag
    frame = pd.DataFrame({"x": X[:, 0]})
    reg_df = BaggingRegressor(n_estimators=15, random_state=0).fit(
        frame, np.sin(X[:, 0])
    )
    disp = PredictionIntervalDisplay.from_estimator(reg_df, frame, y, feature="x")
    assert disp.xlabel == "x"
    np.testing.assert_array_equal(disp.x, X[:, 0])


def test_displays_do_not_change_the_estimators(two_nets, moons):
    """A Display draws results; fitting state and data stay as they were."""
    nets, X, y = two_nets
    params = [net.params_.copy() for net in nets]
    X_before = X.copy()
    LossLandscapeDisplay.from_estimator(nets, X, y, n_directions=2, n_points=3)
    TrainingCurveDisplay.from_estimator(nets)
    for net, p in zip(nets, params, strict=True):
        np.testing.assert_array_equal(net.params_, p)
    np.testing.assert_array_equal(X, X_before)
