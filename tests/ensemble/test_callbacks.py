"""The ensembles under scikit-learn's callback API, and their ``verbose`` log."""

import pickle
import sys
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.callback import CallbackContext, ScoringMonitor
from sklearn.callback import ProgressBar as SkProgressBar
from sklearn.callback._callback_context import get_context_path
from sklearn.callback._transport import open_listener, send
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_validate
from sklearn.tree import DecisionTreeClassifier

from skoptim.callback import ProgressBar
from skoptim.ensemble import (
    AdaBoostClassifier,
    AdaBoostRegressor,
    BaggingClassifier,
    BaggingRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
)

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_CLF, Y_CLF = make_classification(n_samples=80, n_features=5, random_state=0)
X_REG, Y_REG = make_regression(n_samples=80, n_features=5, noise=5.0, random_state=0)


class Recording:
    """Records every hook as (hook, estimator class, task path).

    A task path is the tuple of (estimator_name, task_name, task_id) from the
    root task down. Workers send their records to the main process through
    scikit-learn's transport, as scikit-learn's own test callbacks do, so the
    record is complete for any ``n_jobs``. Not auto-propagated: it stays on
    the estimator it is set on.
    """

    def __init__(self, stop_at=None):
        self.record = []
        self.stop_at = stop_at  # (task_name, task_id) whose end returns True
        self._handle = open_listener(self.record.append, owner=self)

    def __getstate__(self):
        return {**self.__dict__, "record": []}

    def _send(self, hook, estimator, context):
        path = tuple(
            (c.estimator_name, c.task_name, c.task_id)
            for c in get_context_path(context)
        )
        send(self._handle, (hook, type(estimator).__name__, path))

    def setup(self, estimator, context):
        self._send("setup", estimator, context)

    def teardown(self, estimator, context):
        self._send("teardown", estimator, context)

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None):
        self._send("begin", estimator, context)

    def on_fit_task_end(self, estimator, context, *, X=None, y=None, metadata=None):
        self._send("end", estimator, context)
        return (context.task_name, context.task_id) == self.stop_at

    def paths(self, hook="begin"):
        return [path for h, _, path in self.record if h == hook]


class RecordingPropagated(Recording):
    """Auto-propagated: also set on the sub-estimators (every depth)."""

    max_propagation_depth = None


def _names(paths):
    """Paths as tuples of (task_name, task_id), for short assertions."""
    return {tuple((task, i) for _, task, i in path) for path in paths}


def _assert_begin_end_match(callback):
    assert sorted(callback.paths("begin")) == sorted(callback.paths("end"))
    assert len(callback.paths("setup")) == len(callback.paths("teardown")) == 1


# -- bagging -------------------------------------------------------------------


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_bagging_members_are_subtasks_with_their_own_tasks_beneath(n_jobs):
    callback = RecordingPropagated()
    member = LogisticRegression(solver="lbfgs", max_iter=3)
    BaggingClassifier(
        member, n_estimators=3, n_jobs=n_jobs, random_state=0
    ).set_callbacks(callback).fit(X_CLF, Y_CLF)

    _assert_begin_end_match(callback)
    paths = callback.paths()
    # the root, then each member's task, merged with the member's own fit task
    assert paths[0] == (("BaggingClassifier", "fit", 0),)
    member_roots = [p for p in paths if len(p) == 2]
    assert sorted(p[1][2] for p in member_roots) == [0, 1, 2]
    assert {p[1][:2] for p in member_roots} == {("LogisticRegression", "fit")}
    # each member's L-BFGS iterations beneath its task (at most max_iter + 1)
    for i in range(3):
        iterations = [p for p in paths if len(p) == 3 and p[1][2] == i]
        assert 1 <= len(iterations) <= 4
        assert {p[2][:2] for p in iterations} == {("LogisticRegression", "lbfgs-iter")}


class RecordingDepth0(Recording):
    """Auto-propagated, but to no sub-estimator level."""

    max_propagation_depth = 0


def test_bagging_propagation_depth_zero_keeps_callbacks_on_the_ensemble():
    callback = RecordingDepth0()
    BaggingClassifier(
        LogisticRegression(max_iter=3), n_estimators=2, random_state=0
    ).set_callbacks(callback).fit(X_CLF, Y_CLF)
    _assert_begin_end_match(callback)
    # the members' tasks are the ensemble's leaves; nothing of the members'
    assert sorted(callback.paths()) == [
        (("BaggingClassifier", "fit", 0),),
        (("BaggingClassifier", "fit", 0), ("BaggingClassifier", "member", 0)),
        (("BaggingClassifier", "fit", 0), ("BaggingClassifier", "member", 1)),
    ]


def test_bagging_tree_is_the_same_for_any_n_jobs():
    trees = []
    for n_jobs in (1, 2):
        callback = RecordingPropagated()
        BaggingRegressor(
            LinearRegression(), n_estimators=4, n_jobs=n_jobs, random_state=0
        ).set_callbacks(callback).fit(X_REG, Y_REG)
        trees.append(sorted(callback.paths()))
    assert trees[0] == trees[1]
    assert _names(trees[0]) == {(("fit", 0),)} | {
        (("fit", 0), ("member", i)) for i in range(4)
    }


def test_bagging_members_without_callback_support_are_leaves_without_warning():
    callback = RecordingPropagated()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        BaggingClassifier(n_estimators=3, random_state=0).set_callbacks(callback).fit(
            X_CLF, Y_CLF
        )
    assert _names(callback.paths()) == {(("fit", 0),)} | {
        (("fit", 0), ("member", i)) for i in range(3)
    }


def test_bagging_warm_start_members_keep_their_index_as_task_id():
    callback = Recording()
    bag = BaggingRegressor(n_estimators=2, warm_start=True, random_state=0)
    bag.set_callbacks(callback).fit(X_REG, Y_REG)
    bag.set_params(n_estimators=5).fit(X_REG, Y_REG)
    members = [p[1][2] for p in callback.paths() if len(p) == 2]
    assert members == [0, 1, 2, 3, 4]
    assert len(bag.estimators_) == 5


def test_bagging_oob_score_unchanged_by_callbacks_and_members_unwrapped():
    kwargs = dict(n_estimators=6, oob_score=True, random_state=0)
    plain = BaggingClassifier(**kwargs).fit(X_CLF, Y_CLF)
    traced = BaggingClassifier(**kwargs).set_callbacks(Recording()).fit(X_CLF, Y_CLF)
    assert traced.oob_score_ == plain.oob_score_
    assert all(type(m) is DecisionTreeClassifier for m in traced.estimators_)
    assert_array_equal(traced.predict(X_CLF), plain.predict(X_CLF))
    # no fit-time bookkeeping left behind; the fitted ensemble pickles
    leftovers = {"_member_contexts", "_member_fit_times", "_member_slots_used"}
    leftovers |= {"_members_fit_from", "_wrap_members", "_callback_fit_ctx"}
    assert not leftovers & set(vars(traced))
    pickle.loads(pickle.dumps(traced))


class _FailingRegressor(RegressorMixin, BaseEstimator):
    def fit(self, X, y):
        raise ValueError("this member cannot be fit")

    def predict(self, X):
        return np.zeros(len(X))


def test_bagging_failed_fit_leaves_no_bookkeeping_and_keeps_verbose():
    bag = BaggingRegressor(_FailingRegressor(), n_estimators=3, verbose=2)
    bag.set_callbacks(Recording())
    with pytest.raises(ValueError, match="cannot be fit"):
        bag.fit(X_REG, Y_REG)
    assert bag.verbose == 2
    leftovers = {"_member_contexts", "_member_fit_times", "_member_slots_used"}
    assert not (leftovers | {"_members_fit_from", "_wrap_members"}) & set(vars(bag))


# -- AdaBoost -------------------------------------------------------------------


@pytest.mark.parametrize(
    "ensemble, X, y",
    [
        (AdaBoostClassifier(LogisticRegression(max_iter=3)), X_CLF, Y_CLF),
        # a callback-aware regressor as member: a bagging ensemble
        (AdaBoostRegressor(BaggingRegressor(n_estimators=2)), X_REG, Y_REG),
    ],
)
def test_adaboost_rounds_are_subtasks_with_members_beneath(ensemble, X, y):
    name, member = type(ensemble).__name__, type(ensemble.estimator).__name__
    ensemble.set_params(n_estimators=3, random_state=0)

    callback = Recording()  # stays on the ensemble: sees its rounds
    ensemble.set_callbacks(callback).fit(X, y)
    _assert_begin_end_match(callback)
    # rounds 0, 1, ... (boosting may end before n_estimators on a perfect fit)
    n_rounds = len(callback.paths()) - 1
    assert n_rounds >= 2
    assert callback.paths() == [((name, "fit", 0),)] + [
        ((name, "fit", 0), (name, "round", i)) for i in range(n_rounds)
    ]

    callback = RecordingPropagated()  # propagated: sees each round as the
    ensemble.set_callbacks(callback).fit(X, y)  # member's fit, and beneath it
    _assert_begin_end_match(callback)
    rounds = [p[1] for p in callback.paths() if len(p) == 2]
    assert rounds == [(member, "fit", i) for i in range(n_rounds)]
    for i in range(n_rounds):
        assert any(len(p) == 3 and p[1][2] == i for p in callback.paths())


def test_adaboost_callback_stops_after_two_rounds():
    callback = Recording(stop_at=("round", 1))
    stopped = AdaBoostClassifier(n_estimators=6, random_state=0)
    stopped.set_callbacks(callback).fit(X_CLF, Y_CLF)
    two = AdaBoostClassifier(n_estimators=2, random_state=0).fit(X_CLF, Y_CLF)
    assert len(stopped.estimators_) == 2
    assert_allclose(stopped.decision_function(X_CLF), two.decision_function(X_CLF))
    assert len([p for p in callback.paths() if len(p) == 2]) == 2


# -- gradient boosting ------------------------------------------------------------


def test_gradient_boosting_stages_are_subtasks():
    callback = Recording()
    reg = GradientBoostingRegressor(n_estimators=4, random_state=0)
    reg.set_callbacks(callback).fit(X_REG, Y_REG)
    _assert_begin_end_match(callback)
    assert _names(callback.paths()) == {(("fit", 0),)} | {
        (("fit", 0), ("stage", i)) for i in range(4)
    }
    assert reg.stop_reason_ == "n_estimators"


def test_gradient_boosting_multiclass_stages_are_subtasks():
    X, y = make_classification(
        n_samples=90, n_classes=3, n_informative=3, random_state=0
    )
    callback = RecordingPropagated()
    GradientBoostingClassifier(n_estimators=3, random_state=0).set_callbacks(
        callback
    ).fit(X, y)
    assert _names(callback.paths()) == {(("fit", 0),)} | {
        (("fit", 0), ("stage", i)) for i in range(3)
    }


def test_gradient_boosting_propagates_into_a_callback_aware_base():
    callback = RecordingPropagated()
    # a callback-aware regressor as base: a bagging ensemble
    reg = GradientBoostingRegressor(
        BaggingRegressor(LinearRegression(), n_estimators=2, random_state=0),
        n_estimators=2,
        random_state=0,
    )
    reg.set_callbacks(callback).fit(X_REG, Y_REG)
    names = _names(callback.paths())
    # stage i is the base's fit task, with the base's members beneath
    for i in range(2):
        assert (("fit", 0), ("fit", i), ("member", 0)) in names


@pytest.mark.parametrize(
    "Ensemble", [GradientBoostingRegressor, GradientBoostingClassifier]
)
def test_gradient_boosting_callback_stops_after_two_stages(Ensemble):
    X, y = (X_REG, Y_REG) if Ensemble is GradientBoostingRegressor else (X_CLF, Y_CLF)
    callback = Recording(stop_at=("stage", 1))
    stopped = Ensemble(n_estimators=10, subsample=0.8, random_state=0)
    stopped.set_callbacks(callback).fit(X, y)
    two = Ensemble(n_estimators=2, subsample=0.8, random_state=0).fit(X, y)
    assert stopped.n_estimators_ == 2 == stopped.estimators_.shape[0]
    assert stopped.stop_reason_ == "callback"
    assert len(stopped.train_score_) == 2
    assert_allclose(stopped.predict(X), two.predict(X))
    assert len([p for p in callback.paths() if len(p) == 2]) == 2


def test_gradient_boosting_early_stopping_reason():
    reg = GradientBoostingRegressor(
        n_estimators=500, n_iter_no_change=2, tol=1e3, random_state=0
    ).fit(X_REG, Y_REG)
    assert reg.stop_reason_ == "early_stopping"
    assert reg.n_estimators_ < 500


def test_scoring_monitor_one_row_per_stage_and_round_with_string_labels():
    y = np.where(Y_CLF == 1, "yes", "no")
    for ensemble in (
        GradientBoostingClassifier(n_estimators=4, random_state=0),
        AdaBoostClassifier(n_estimators=4, random_state=0),
    ):
        monitor = ScoringMonitor(scoring="accuracy")
        ensemble.set_callbacks(monitor).fit(X_CLF, y)
        scores = monitor.get_logs().data_as_pandas["accuracy"].to_numpy()
        # the model as of each stage/round, scored on the training data
        staged = [np.mean(p == y) for p in ensemble.staged_predict(X_CLF)]
        assert_allclose(scores, staged)


def test_no_callback_no_task_is_created(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a subtask was created without callbacks")

    monkeypatch.setattr(CallbackContext, "subcontext", refuse)
    for ensemble, X, y in [
        (BaggingClassifier(n_estimators=3, n_jobs=2), X_CLF, Y_CLF),
        (BaggingRegressor(n_estimators=3, verbose=1), X_REG, Y_REG),
        (AdaBoostClassifier(n_estimators=3), X_CLF, Y_CLF),
        (AdaBoostRegressor(n_estimators=3), X_REG, Y_REG),
        (GradientBoostingClassifier(n_estimators=3), X_CLF, Y_CLF),
        (GradientBoostingRegressor(n_estimators=3), X_REG, Y_REG),
    ]:
        ensemble.fit(X, y)


# -- progress bars ----------------------------------------------------------------


def _all_ensembles():
    """A fresh instance of every ensemble, with data of its kind."""
    return [
        (
            BaggingClassifier(LogisticRegression(max_iter=3), n_estimators=2),
            X_CLF,
            Y_CLF,
        ),
        (BaggingRegressor(n_estimators=2, n_jobs=2), X_REG, Y_REG),
        (AdaBoostClassifier(n_estimators=2), X_CLF, Y_CLF),
        (AdaBoostRegressor(n_estimators=2), X_REG, Y_REG),
        (GradientBoostingClassifier(n_estimators=2), X_CLF, Y_CLF),
        (GradientBoostingRegressor(n_estimators=2), X_REG, Y_REG),
    ]


@pytest.mark.parametrize("index", range(6))
def test_progress_bar_on_every_ensemble(index, capsys):
    ensemble, X, y = _all_ensembles()[index]
    ensemble.set_callbacks(ProgressBar(max_propagation_depth=None)).fit(X, y)
    out = capsys.readouterr().out
    assert f"{type(ensemble).__name__} - fit" in out
    assert "100%" in out
    ensemble.predict(X)


def test_progress_bar_nested_under_grid_search_with_two_jobs(capsys):
    search = GridSearchCV(
        BaggingClassifier(LogisticRegression(max_iter=3), random_state=0),
        {"n_estimators": [2, 3]},
        cv=2,
        n_jobs=2,
    )
    search.set_callbacks(ProgressBar(max_propagation_depth=None)).fit(X_CLF, Y_CLF)
    out = capsys.readouterr().out
    # search -> fold evaluation (merged with the ensemble's fit) -> member
    assert "candidate-split-evaluation | BaggingClassifier - fit" in out
    assert "BaggingClassifier - member | LogisticRegression - fit" in out
    assert search.best_params_["n_estimators"] in (2, 3)


def test_progress_bar_nested_under_cross_validate(capsys):
    # cross_validate has no callbacks of its own: a bar per fold's ensemble
    result = cross_validate(
        GradientBoostingRegressor(n_estimators=3).set_callbacks(ProgressBar()),
        X_REG,
        Y_REG,
        cv=2,
    )
    assert len(result["test_score"]) == 2
    assert "GradientBoostingRegressor - fit" in capsys.readouterr().out


def test_missing_rich_names_the_extra(monkeypatch):
    existing = ProgressBar()
    monkeypatch.setitem(sys.modules, "rich", None)  # `import rich` now fails
    # scikit-learn's own message names no way to install rich
    with pytest.raises(ImportError, match="requires rich"):
        SkProgressBar()
    with pytest.raises(ImportError, match=r"pip install 'skoptim\[progress\]'"):
        ProgressBar()
    for ensemble in (
        BaggingRegressor(),
        AdaBoostRegressor(),
        GradientBoostingRegressor(),
    ):
        with pytest.raises(ImportError, match=r"skoptim\[progress\]"):
            ensemble.set_callbacks(existing)


def test_set_callbacks_refuses_a_non_callback():
    with pytest.raises(TypeError, match="FitCallback"):
        GradientBoostingRegressor().set_callbacks(object())


# -- verbose training log -----------------------------------------------------------


def _table(out):
    lines = out.strip("\n").splitlines()
    return lines[0].split(), lines[1], lines[2:]


def test_bagging_verbose_table(capsys):
    bag = BaggingClassifier(n_estimators=4, random_state=0, verbose=2).fit(X_CLF, Y_CLF)
    header, rule, rows = _table(capsys.readouterr().out)
    assert header == ["member", "oob_score", "time"]
    assert set(rule) <= {"-", " "}
    # one line per member and nothing else (no joblib or "Building" lines)
    assert [r.split()[0] for r in rows] == ["1/4", "2/4", "3/4", "4/4"]
    assert rows[0].endswith("*")  # the first score is a new best
    # each member's out-of-bag accuracy, on its own out-of-bag rows
    member, samples = bag.estimators_[1], bag.estimators_samples_[1]
    oob = np.ones(len(Y_CLF), dtype=bool)
    oob[samples] = False
    assert f"{member.score(X_CLF[oob], Y_CLF[oob]):.4f}" == rows[1].split()[1]

    BaggingRegressor(n_estimators=2, bootstrap=False, max_samples=0.5, verbose=1).fit(
        X_REG, Y_REG
    )
    header, _, rows = _table(capsys.readouterr().out)
    assert header == ["member", "time"]
    assert len(rows) == 2


def test_adaboost_verbose_table(capsys):
    ada = AdaBoostClassifier(n_estimators=3, random_state=0, verbose=1).fit(
        X_CLF, Y_CLF
    )
    header, _, rows = _table(capsys.readouterr().out)
    assert header == ["round", "error", "weight", "time"]
    assert len(rows) == len(ada.estimators_)
    assert rows[0].split()[:3] == [
        "1/3",
        f"{ada.estimator_errors_[0]:.4f}",
        f"{ada.estimator_weights_[0]:.4f}",
    ]


def test_gradient_boosting_verbose_table(capsys):
    reg = GradientBoostingRegressor(n_estimators=3, random_state=0, verbose=1)
    reg.fit(X_REG, Y_REG)
    header, _, rows = _table(capsys.readouterr().out)
    assert header == ["stage", "train_loss", "time"]
    assert [r.split()[0] for r in rows] == ["1/3", "2/3", "3/3"]
    assert [float(r.split()[1]) for r in rows] == pytest.approx(
        reg.train_score_, rel=1e-3
    )
    # the training loss falls at every stage: every line is a new best
    assert all(r.endswith("*") for r in rows)

    clf = GradientBoostingClassifier(
        n_estimators=5, n_iter_no_change=2, random_state=0, verbose=1
    ).fit(X_CLF, Y_CLF)
    header, _, rows = _table(capsys.readouterr().out)
    assert header == ["stage", "train_loss", "valid_loss", "time"]
    assert len(rows) == clf.n_estimators_
    assert [float(r.split()[2]) for r in rows] == pytest.approx(
        clf.validation_score_, rel=1e-3
    )
    # the marker is on the lowest validation loss so far
    best = np.minimum.accumulate(clf.validation_score_)
    new_best = np.r_[True, best[1:] < best[:-1]]
    assert [r.endswith("*") for r in rows] == list(new_best)


def test_no_output_without_verbose(capsys):
    for ensemble, X, y in _all_ensembles():
        ensemble.fit(X, y)
    assert capsys.readouterr().out == ""


def test_convergence_warnings_of_members_are_not_swallowed():
    with pytest.warns(ConvergenceWarning):
        BaggingClassifier(
            LogisticRegression(max_iter=1), n_estimators=2, random_state=0
        ).set_callbacks(Recording()).fit(X_CLF, Y_CLF)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_bagging_mlp_members_show_their_epochs_beneath(n_jobs):
    from skoptim import MLPRegressor

    callback = RecordingPropagated()
    member = MLPRegressor((4,), max_iter=3, tol=0.0, random_state=0)
    BaggingRegressor(
        member, n_estimators=2, n_jobs=n_jobs, random_state=0
    ).set_callbacks(callback).fit(X_REG, Y_REG)

    _assert_begin_end_match(callback)
    paths = callback.paths()
    assert paths[0] == (("BaggingRegressor", "fit", 0),)
    # each member task (merged with the MLP's fit task) has its 3 epochs beneath
    for member_id in (0, 1):
        epochs = [
            p
            for p in paths
            if len(p) == 3 and p[1][2] == member_id and p[2][0] == "MLPRegressor"
        ]
        assert [p[2][2] for p in epochs] == [0, 1, 2]
