"""The verbose training table and the per-epoch history (learning rate, time)."""

import math
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler

from skoptim import DivergenceError, MLPClassifier, MLPRegressor
from skoptim.optimizers import SGD, Adam
from skoptim.regularizers import EarlyStopping
from skoptim.schedules import StepDecay


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


def _fit(est, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(*args, **kwargs)


def _table(out):
    """Header names and the rows (split cells) of a printed table."""
    lines = out.strip().splitlines()
    header = lines[0].split()
    assert set(lines[1].replace(" ", "")) == {"-"}
    return header, [line.split() for line in lines[2:]]


def _is_duration(text):
    return (text.endswith("ms") and float(text[:-2]) >= 0) or (
        text.endswith("s") and float(text[:-1]) >= 0
    )


# -- the verbose table ---------------------------------------------------------
def test_table_columns_without_validation(iris, capsys):
    X, y = iris
    clf = _fit(MLPClassifier((8,), max_iter=5, verbose=True, random_state=0), X, y)
    header, rows = _table(capsys.readouterr().out)
    assert header == ["epoch", "train_loss", "lr", "time"]
    assert len(rows) == clf.n_iter_ == 5
    for k, row in enumerate(rows, start=1):
        assert row[0] == f"{k}/5"
        assert row[1] == f"{clf.loss_curve_[k - 1]:.4f}"
        assert row[2] == f"{clf.learning_rate_curve_[k - 1]:.4f}" == "0.0010"
        assert _is_duration(row[3])
    # the marker follows the best training loss
    best = np.minimum.accumulate(clf.loss_curve_)
    new_best = [True] + list(np.diff(best) < 0)
    assert [row[-1] == "*" for row in rows] == new_best


def test_table_columns_with_validation_mark_the_best_validation_loss(iris, capsys):
    X, y = iris
    clf = _fit(
        MLPClassifier(
            (32,), optimizer=Adam(0.05), max_iter=40, verbose=True, random_state=0
        ),
        X[::2],
        y[::2],
        validation_data=(X[1::2], y[1::2]),
    )
    header, rows = _table(capsys.readouterr().out)
    assert header == ["epoch", "train_loss", "valid_loss", "valid_score", "lr", "time"]
    assert len(rows) == clf.n_iter_
    for row, vl, vs in zip(
        rows, clf.validation_loss_curve_, clf.validation_scores_, strict=True
    ):
        assert row[2] == f"{vl:.4f}" and row[3] == f"{vs:.4f}"
        assert _is_duration(row[5])
    v = np.asarray(clf.validation_loss_curve_)
    new_best = [True] + [v[k] < v[:k].min() for k in range(1, len(v))]
    assert [row[-1] == "*" for row in rows] == new_best
    assert not all(new_best)  # the marker is on validation, not training, loss


def test_tol_stop_message_follows_the_table(iris, capsys):
    X, y = iris
    X = StandardScaler().fit_transform(X)
    # batch_size=10: the 3 epochs beat the class prior (a tol stop while
    # worse than it would be "worse_than_constant")
    clf = MLPClassifier(
        (8,),
        tol=10.0,
        n_iter_no_change=2,
        max_iter=50,
        batch_size=10,
        verbose=True,
        random_state=0,
    ).fit(X, y)
    assert clf.stop_reason_ == "tol"
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 2 + clf.n_iter_ + 1
    assert out[-1].startswith("Stopping: the training loss did not improve")
    assert "tol=10.0" in out[-1]
    assert "Iteration" not in "\n".join(out)


def test_lbfgs_iterations_go_through_the_table(iris, capsys):
    X, y = iris
    reg = _fit(
        MLPRegressor((8,), optimizer="lbfgs", max_iter=6, verbose=True, random_state=0),
        X,
        y,
    )
    header, rows = _table(capsys.readouterr().out)
    assert header == ["iter", "train_loss", "time"]
    assert [r[0] for r in rows] == [f"{k}/6" for k in range(1, reg.n_iter_ + 1)]
    assert [r[1] for r in rows] == [f"{v:.4f}" for v in reg.loss_curve_]


def test_partial_fit_rows_count_the_epochs(iris, capsys):
    X, y = iris
    reg = MLPRegressor((8,), verbose=True, random_state=0)
    reg.partial_fit(X, y)
    reg.partial_fit(X, y)
    out = capsys.readouterr().out
    steps = [line.split()[0] for line in out.splitlines() if line[:5].strip().isdigit()]
    assert steps == ["1", "2"]


def test_no_output_without_verbose(iris, capsys):
    X, y = iris
    _fit(MLPClassifier((8,), max_iter=3, random_state=0), X, y)
    assert capsys.readouterr().out == ""


# -- history: learning rate and time per epoch -----------------------------------
def test_step_decay_learning_rate_curve(iris):
    X, y = iris
    sched = StepDecay(learning_rate=0.1, step_size=2, gamma=0.5)
    clf = _fit(
        MLPClassifier((8,), optimizer=SGD(sched), max_iter=7, tol=0, random_state=0),
        X,
        y,
    )
    # epoch e (from 1) starts with 0.1 * 0.5 ** ((e - 1) // 2)
    assert clf.learning_rate_curve_ == pytest.approx(
        [0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.0125]
    )
    assert all(type(v) is float for v in clf.learning_rate_curve_)


def test_step_decay_on_the_step_clock_is_read_at_the_epochs_first_step(iris):
    X, y = iris
    sched = StepDecay(learning_rate=0.1, step_size=4, gamma=0.5, unit="step")
    clf = _fit(
        MLPClassifier(
            (8,),
            optimizer=SGD(sched),
            batch_size=50,
            max_iter=5,
            tol=0,
            random_state=0,
        ),
        X,
        y,
    )
    # 3 steps per epoch: epoch e's first step is 3 (e - 1) + 1, whose rate is
    # 0.1 * 0.5 ** ((step - 1) // 4)
    assert clf.learning_rate_curve_ == pytest.approx(
        [0.1 * 0.5 ** ((3 * (e - 1)) // 4) for e in range(1, 6)]
    )
    assert clf.learning_rate_curve_ == pytest.approx([0.1, 0.1, 0.05, 0.025, 0.0125])
    assert clf.optimizer_state_["t"] == 15


def test_history_lengths_and_values(iris):
    X, y = iris
    clf = _fit(MLPClassifier((8,), max_iter=6, random_state=0), X, y)
    assert len(clf.learning_rate_curve_) == len(clf.epoch_times_) == 6
    assert all(
        isinstance(t, float) and t > 0 and math.isfinite(t) for t in clf.epoch_times_
    )
    # kept across warm-started fits and partial_fit, like loss_curve_
    clf.set_params(warm_start=True, max_iter=4, optimizer=Adam(0.01))
    _fit(clf, X, y)
    clf.partial_fit(X, y)
    assert clf.n_iter_ == len(clf.loss_curve_) == 11
    assert len(clf.learning_rate_curve_) == len(clf.epoch_times_) == 11
    assert clf.learning_rate_curve_ == [0.001] * 6 + [0.01] * 5
    # a fresh fit starts them afresh
    clf.set_params(warm_start=False, max_iter=2)
    _fit(clf, X, y)
    assert len(clf.learning_rate_curve_) == len(clf.epoch_times_) == 2


def test_lbfgs_has_no_learning_rate_but_times_each_iteration(iris):
    X, y = iris
    reg = _fit(MLPRegressor((8,), optimizer="lbfgs", max_iter=8, random_state=0), X, y)
    assert reg.learning_rate_curve_ == []
    assert len(reg.epoch_times_) == reg.n_iter_ == len(reg.loss_curve_)


def test_early_stopping_restore_keeps_the_history_aligned(iris):
    X, y = iris
    clf = _fit(
        MLPClassifier(
            (8,),
            optimizer=Adam(0.05),
            regularizers=[EarlyStopping(patience=2, restore_best_weights=True)],
            max_iter=100,
            random_state=0,
        ),
        X,
        y,
    )
    assert clf.stop_reason_ == "regularizer:EarlyStopping"
    n = len(clf.loss_curve_)
    assert n == clf.n_iter_ == len(clf.learning_rate_curve_) == len(clf.epoch_times_)
    assert n == len(clf.validation_loss_curve_)


def test_divergence_restores_the_history(iris):
    X, y = iris
    clf = _fit(MLPClassifier((8,), max_iter=5, random_state=0), X, y)
    before = (list(clf.learning_rate_curve_), list(clf.epoch_times_))
    clf.set_params(warm_start=True, optimizer=SGD(1e6), max_iter=20)
    with pytest.raises(DivergenceError):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # optimizer type changed
            clf.fit(X, y)
    assert (clf.learning_rate_curve_, clf.epoch_times_) == before
    assert clf.n_iter_ == len(clf.loss_curve_) == 5


def test_a_diverged_fresh_fit_leaves_no_history(iris):
    X, y = iris
    clf = MLPClassifier((8,), optimizer=SGD(1e6), max_iter=20, random_state=0)
    with pytest.raises(DivergenceError):
        clf.fit(X, y)
    assert not hasattr(clf, "learning_rate_curve_")
    assert not hasattr(clf, "epoch_times_")
