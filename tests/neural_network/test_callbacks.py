"""scikit-learn's callback API (sklearn.callback) on the MLPs.

The fit is the root task, each epoch (each L-BFGS iteration) a subtask;
``partial_fit`` reports its one epoch; a callback returning True from
``on_fit_task_end`` stops training; a meta-estimator's task tree continues
beneath into the epochs.
"""

import sys
import warnings

import numpy as np
import pytest
from sklearn.callback import ProgressBar, ScoringMonitor
from sklearn.callback._callback_context import get_context_path
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.preprocessing import StandardScaler

from skoptim import MLPClassifier, MLPRegressor
from skoptim.regularizers import BatchNormalization, EarlyStopping


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return StandardScaler().fit_transform(X), y


class Recorder:
    """Records every hook call; stops after the epoch ``stop_after`` (from 1)."""

    def __init__(self, stop_after=None, keep_estimators=False):
        self.events = []
        self.stop_after = stop_after
        self.keep_estimators = keep_estimators
        self.fitted = []

    def setup(self, estimator, context):
        self.events.append(("setup", None))

    def teardown(self, estimator, context):
        self.events.append(("teardown", None))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None):
        self.events.append(("begin", context))

    def on_fit_task_end(
        self,
        estimator,
        context,
        *,
        X=None,
        y=None,
        metadata=None,
        fitted_estimator=None,
    ):
        self.events.append(("end", context, X, y, metadata))
        if self.keep_estimators and context.task_name == "epoch" and X is not None:
            self.fitted.append((fitted_estimator, fitted_estimator.predict_proba(X)))
        return (
            self.stop_after is not None
            and context.task_name == "epoch"
            and context.task_id + 1 == self.stop_after
        )

    def ends(self, task_name="epoch"):
        return [e for e in self.events if e[0] == "end" and e[1].task_name == task_name]


class PropagatedRecorder(Recorder):
    """Set on a meta-estimator and propagated to its members."""

    max_propagation_depth = None


def _quiet():
    warnings.simplefilter("ignore", ConvergenceWarning)


def test_root_task_and_one_subtask_per_epoch(iris):
    X, y = iris
    rec = Recorder()
    clf = MLPClassifier((8,), max_iter=6, random_state=0).set_callbacks(rec)
    with warnings.catch_warnings():
        _quiet()
        clf.fit(X, y)
    assert clf.n_iter_ == 6
    kinds = [(e[0], None if e[1] is None else e[1].task_name) for e in rec.events]
    assert kinds == (
        [("setup", None), ("begin", "fit")]
        + [("begin", "epoch"), ("end", "epoch")] * 6
        + [("end", "fit"), ("teardown", None)]
    )
    root = rec.events[1][1]
    assert root.parent is None and root.max_subtasks == 6
    epochs = [e[1] for e in rec.ends()]
    assert [c.task_id for c in epochs] == list(range(6))
    assert all(c.parent is root and c.max_subtasks == 0 for c in epochs)
    # each epoch's end passes the training data, unchanged and uncopied
    for _, _, Xe, ye, md in rec.ends():
        assert np.shares_memory(Xe, X) and np.array_equal(ye, y) and md is None
    # the callback context is torn down after the fit
    assert not hasattr(clf, "_callback_fit_ctx")


def test_metadata_carries_the_sample_weight(iris):
    X, y = iris
    sw = np.linspace(0.5, 2.0, len(y))
    rec = Recorder()
    with warnings.catch_warnings():
        _quiet()
        MLPClassifier((8,), max_iter=2, random_state=0).set_callbacks(rec).fit(
            X, y, sample_weight=sw
        )
    for _, _, _, _, md in rec.ends("epoch") + rec.ends("fit"):
        np.testing.assert_array_equal(md["sample_weight"], sw)


def test_lbfgs_reports_each_iteration(iris):
    X, y = iris
    rec = Recorder()
    clf = MLPClassifier((8,), optimizer="lbfgs", max_iter=15, random_state=0)
    with warnings.catch_warnings():
        _quiet()
        clf.set_callbacks(rec).fit(X, y)
    begins = [e for e in rec.events if e[0] == "begin" and e[1].task_name == "epoch"]
    ends = rec.ends()
    assert len(begins) == len(ends) <= 15
    # one task per iteration that ran, with the data; an iteration L-BFGS
    # began but did not finish (if any) ends empty
    ran = [e for e in ends if e[2] is not None]
    assert len(ran) == clf.n_iter_ == len(clf.loss_curve_)
    assert len(ends) - len(ran) <= 1


@pytest.mark.parametrize("optimizer", ["adam", "lbfgs"])
def test_a_callback_stops_training_after_three_epochs(iris, optimizer):
    X, y = iris
    clf = MLPClassifier((8,), optimizer=optimizer, max_iter=50, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # not a max_iter stop
        clf.set_callbacks(Recorder(stop_after=3)).fit(X, y)
    assert clf.n_iter_ == 3
    assert clf.stop_reason_ == "callback"
    assert len(clf.loss_curve_) == len(clf.epoch_times_) == 3
    # validly fitted: predicts, and the same as the weights after epoch 3
    assert clf.predict(X).shape == y.shape
    ref = MLPClassifier((8,), optimizer=optimizer, max_iter=3, random_state=0)
    with warnings.catch_warnings():
        _quiet()
        ref.fit(X, y)
    np.testing.assert_allclose(clf.predict_proba(X), ref.predict_proba(X))


def test_fitted_estimator_predicts_as_of_its_epoch(iris):
    X, y = iris
    rec = Recorder(keep_estimators=True)
    clf = MLPClassifier((8,), max_iter=5, random_state=0).set_callbacks(rec)
    with warnings.catch_warnings():
        _quiet()
        clf.fit(X, y)
    assert len(rec.fitted) == 5
    for est, proba_then in rec.fitted:
        # its own copy of the parameters: training went on without it
        assert est is not clf
        assert not np.shares_memory(est.params_, clf.params_)
        np.testing.assert_array_equal(est.predict_proba(X), proba_then)
        # no copy of the training data in it
        assert not any(
            isinstance(v, np.ndarray) and v.shape == X.shape for v in vars(est).values()
        )
    np.testing.assert_array_equal(rec.fitted[-1][1], clf.predict_proba(X))
    assert not np.allclose(rec.fitted[0][1], clf.predict_proba(X))
    assert [e.n_iter_ for e, _ in rec.fitted] == [1, 2, 3, 4, 5]


def test_fitted_estimator_has_the_running_statistics_of_its_epoch(iris):
    X, y = iris
    rec = Recorder(keep_estimators=True)
    clf = MLPClassifier(
        (8,), regularizers=[BatchNormalization()], max_iter=4, random_state=0
    ).set_callbacks(rec)
    with warnings.catch_warnings():
        _quiet()
        clf.fit(X, y)
    for est, proba_then in rec.fitted:
        np.testing.assert_array_equal(est.predict_proba(X), proba_then)
    np.testing.assert_allclose(rec.fitted[-1][1], clf.predict_proba(X))


def test_scoring_monitor_logs_one_row_per_epoch(iris):
    X, y = iris
    monitor = ScoringMonitor(scoring="accuracy")
    clf = MLPClassifier((8,), max_iter=7, random_state=0).set_callbacks(monitor)
    with warnings.catch_warnings():
        _quiet()
        clf.fit(X, y)
    rows = monitor.get_logs().data
    epochs = [r for r in rows if r["task_name"] == "epoch"]
    assert len(epochs) == clf.n_iter_ == 7
    assert [r["task_id_path"] for r in epochs] == [(0, k) for k in range(7)]
    # the last epoch's model is the fitted one
    assert epochs[-1]["accuracy"] == pytest.approx(clf.score(X, y))
    (root,) = [r for r in rows if r["task_name"] == "fit"]
    assert root["accuracy"] == pytest.approx(clf.score(X, y))


def test_scoring_monitor_on_a_regressor_with_early_stopping(iris):
    X, y = iris
    monitor = ScoringMonitor(scoring="r2")
    reg = MLPRegressor(
        (8,),
        regularizers=[EarlyStopping(patience=2)],
        max_iter=30,
        random_state=0,
    ).set_callbacks(monitor)
    with warnings.catch_warnings():
        _quiet()
        reg.fit(X, X[:, 0] + y)
    epochs = [r for r in monitor.get_logs().data if r["task_name"] == "epoch"]
    assert len(epochs) == reg.n_iter_


def test_partial_fit_reports_its_one_epoch(iris):
    X, y = iris
    rec = Recorder()
    clf = MLPClassifier((8,), random_state=0).set_callbacks(rec)
    clf.partial_fit(X, y, classes=np.unique(y))
    clf.partial_fit(X, y)
    roots = rec.ends("fit")
    assert len(roots) == 2 and all(r[1].max_subtasks == 1 for r in roots)
    epochs = rec.ends()
    assert len(epochs) == 2 and [e[1].task_id for e in epochs] == [0, 0]
    assert clf.n_iter_ == 2 and clf.stop_reason_ == "partial_fit"


def test_partial_fit_stopped_by_a_callback_records_it(iris):
    X, y = iris
    clf = MLPRegressor((8,), random_state=0).set_callbacks(Recorder(stop_after=1))
    clf.partial_fit(X, y)
    assert clf.n_iter_ == 1 and clf.stop_reason_ == "callback"


def test_no_callbacks_no_context(iris):
    X, y = iris
    clf = MLPClassifier((8,), max_iter=2, random_state=0)
    with warnings.catch_warnings():
        _quiet()
        clf.fit(X, y)
    assert "_callback_fit_ctx" not in vars(clf)
    # set_callbacks() without argument removes them
    clf.set_callbacks(Recorder()).set_callbacks()
    assert "_skl_callbacks" not in vars(clf)


def test_set_callbacks_refuses_a_non_callback():
    with pytest.raises(TypeError, match="FitCallback"):
        MLPClassifier().set_callbacks(object())


def test_under_grid_search_the_epochs_are_beneath_the_folds(iris):
    X, y = iris
    rec = PropagatedRecorder()
    search = GridSearchCV(
        MLPClassifier((8,), max_iter=3, random_state=0),
        {"hidden_layer_sizes": [(4,), (8,)]},
        cv=2,
    ).set_callbacks(rec)
    with warnings.catch_warnings():
        _quiet()
        search.fit(X, y)
    epochs = [e[1] for e in rec.ends() if e[2] is not None]
    # 2 candidates x 2 folds + the refit, 3 epochs each
    assert len(epochs) == 5 * 3
    for ctx in epochs:
        path = get_context_path(ctx)
        assert path[0].estimator_name == "GridSearchCV"
        assert path[-2].estimator_name == "MLPClassifier"
        assert path[-2].source_estimator_name == "GridSearchCV"
        assert path[-1].task_name == "epoch"
    assert len({get_context_path(c)[-2].root_uuid for c in epochs}) == 1


def test_progress_bar_standalone_and_nested(iris, capsys):
    pytest.importorskip("rich")
    X, y = iris
    with warnings.catch_warnings():
        _quiet()
        clf = MLPClassifier((8,), max_iter=5, random_state=0)
        clf.set_callbacks(ProgressBar()).fit(X, y)
        assert clf.n_iter_ == 5
        lbfgs = MLPRegressor((8,), optimizer="lbfgs", max_iter=5, random_state=0)
        lbfgs.set_callbacks(ProgressBar()).fit(X, y)
        assert lbfgs.n_iter_ >= 1
        clf.set_callbacks(ProgressBar()).partial_fit(X, y)
        assert "MLPClassifier - fit" in capsys.readouterr().out
        search = GridSearchCV(
            MLPClassifier((8,), max_iter=4, random_state=0),
            {"hidden_layer_sizes": [(4,), (8,)]},
            cv=2,
            n_jobs=2,
        ).set_callbacks(ProgressBar(max_propagation_depth=None))
        search.fit(X, y)
        assert search.best_estimator_.predict(X).shape == y.shape
        # the folds fitted in two worker processes report their MLP's bar
        text = capsys.readouterr().out
        assert text.count("MLPClassifier - fit") == 2 * 2 + 1
        out = cross_validate(
            MLPClassifier((8,), max_iter=4, random_state=0).set_callbacks(
                ProgressBar()
            ),
            X,
            y,
            cv=2,
        )
        assert len(out["test_score"]) == 2
    assert "MLPClassifier - fit" in capsys.readouterr().out


def test_missing_rich_names_the_extra(monkeypatch):
    pytest.importorskip("rich")
    bar = ProgressBar()
    monkeypatch.setitem(sys.modules, "rich", None)  # import rich now fails
    with pytest.raises(ImportError, match=r"pip install 'skoptim\[progress\]'"):
        MLPClassifier().set_callbacks(bar)
    # callbacks without an optional dependency pass
    MLPClassifier().set_callbacks(ScoringMonitor(scoring="r2"), Recorder())
