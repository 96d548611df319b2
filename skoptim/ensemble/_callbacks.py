"""Callback tasks and training logs of the ensembles (private).

Bagging
-------

scikit-learn's bagging fits its members inside joblib workers
(``sklearn.ensemble._bagging._parallel_build_estimators``), where there is no
hook around a member's ``fit``. Following scikit-learn's own meta-estimators
(``GridSearchCV`` creates its evaluation tasks before dispatch), the ensemble
creates one leaf task per member in the main process, ships them with the
ensemble to the workers, and ``_make_estimator`` hands back a
:class:`_TimedMember`: a thin wrapper whose ``fit`` calls the member task's
hooks, propagates the callbacks into the member (so that an MLP or a
LogisticRegression member shows its own iterations beneath its task) and
times the fit. The ensemble unwraps its members as soon as they are back.
Workers report to callbacks in the main process through scikit-learn's
transport, so the task tree a callback sees is the same for any ``n_jobs``.

The wrapper is only used when callbacks are set or ``verbose`` is on.

AdaBoost
--------
scikit-learn's boosting loop (``BaseWeightBoosting.fit``) calls ``_boost``
once per round: :class:`RoundTasksMixin` makes each round a subtask, the
callbacks are propagated into the round's member (``_make_estimator``), and
``verbose`` prints one line per round.
"""

from __future__ import annotations

import contextlib
import time

import numpy as np
from sklearn.base import _fit_context
from sklearn.ensemble._weight_boosting import BaseWeightBoosting

from skoptim.utils._callbacks import (
    CallbackSupportMixin,
    has_callbacks,
    propagate_into,
)
from skoptim.utils._training_log import TrainingLog


class _TimedMember:
    """A member during its fit: callback hooks and timing around ``fit``."""

    def __init__(self, estimator, index, context, ensemble):
        self.estimator = estimator
        self.index = index
        self.context = context
        self.ensemble = ensemble
        self.fit_time = np.nan

    def fit(self, X, y, **fit_params):
        context, ensemble = self.context, self.ensemble
        # Drop what the result shipped back from a worker does not need.
        self.context = self.ensemble = None
        if context is None:
            start = time.perf_counter()
            self.estimator.fit(X, y, **fit_params)
            self.fit_time = time.perf_counter() - start
            return self
        weight = fit_params.get("sample_weight")
        metadata = {"sample_weight": weight} if weight is not None else None
        with propagate_into(context, self.estimator):
            context.call_on_fit_task_begin(
                estimator=ensemble, X=X, y=y, metadata=metadata
            )
            start = time.perf_counter()
            self.estimator.fit(X, y, **fit_params)
            self.fit_time = time.perf_counter() - start
            context.call_on_fit_task_end(
                estimator=ensemble, X=X, y=y, metadata=metadata
            )
        return self

    def __getattr__(self, name):
        # Everything else (predict, classes_...) is the member's. Guard the
        # look-up of ``estimator`` itself, which unpickling does first.
        if name == "estimator":
            raise AttributeError(name)
        return getattr(self.estimator, name)


def member_index(ensemble, seed, n_before):
    """Index in ``estimators_`` of the member built from ``seed``.

    scikit-learn draws one seed per new member (``ensemble._seeds``) before
    dispatching batches of them to the workers; the member's position among
    those seeds is its index (after the ``n_before`` members kept by
    ``warm_start``). Repeated seeds take the next position not yet used by
    this process.
    """
    used = ensemble.__dict__.setdefault("_member_slots_used", set())
    for position in np.flatnonzero(np.asarray(ensemble._seeds) == seed):
        if int(position) not in used:
            used.add(int(position))
            return n_before + int(position)
    return None


def weights(sample_weight):
    """The ``metadata`` of a task: the sample weights, if any."""
    return {"sample_weight": sample_weight} if sample_weight is not None else None


_MEMBER_ATTRS = (
    "_member_contexts",
    "_member_slots_used",
    "_members_fit_from",
    "_wrap_members",
)


def begin_member_tasks(ensemble, X, y, sample_weight, n_before):
    """Open the fit task of a bagging ensemble and prepare its member tasks.

    Called inside ``_fit`` (so that ``_fit_context`` tears the callbacks
    down). Returns the root context; the member tasks (one leaf per member
    fit by this call, ``task_id`` = the member's index) are created here, in
    the main process, before the members are dispatched to the workers.
    """
    n_new = max(ensemble.n_estimators - n_before, 0)
    root = ensemble._init_callback_context(
        max_subtasks=n_new, sequential_subtasks=False
    )
    metadata = weights(sample_weight)
    root.call_on_fit_task_begin(estimator=ensemble, X=X, y=y, metadata=metadata)
    tracked = bool(getattr(ensemble, "_skl_callbacks", None))
    ensemble._members_fit_from = n_before
    ensemble._wrap_members = tracked or bool(ensemble.verbose)
    if tracked:
        ensemble._member_contexts = {
            i: root.subcontext(task_name="member", task_id=i)
            for i in range(n_before, n_before + n_new)
        }
    return root


def make_member(ensemble, estimator, random_state):
    """The member to fit: wrapped when callbacks or ``verbose`` are on."""
    if not ensemble.__dict__.get("_wrap_members", False):
        return estimator
    index = member_index(ensemble, random_state, ensemble._members_fit_from)
    contexts = ensemble.__dict__.get("_member_contexts") or {}
    return _TimedMember(estimator, index, contexts.get(index), ensemble)


def unwrap_members(ensemble):
    """Replace wrapped members by the members; keep their fit times."""
    times = ensemble.__dict__.setdefault("_member_fit_times", {})
    members = getattr(ensemble, "estimators_", None) or []
    for j, member in enumerate(members):
        if isinstance(member, _TimedMember):
            times[member.index] = member.fit_time
            members[j] = member.estimator


def end_member_tasks(ensemble):
    """Unwrap the members and drop the fit-time bookkeeping; return times."""
    unwrap_members(ensemble)
    for name in _MEMBER_ATTRS:
        ensemble.__dict__.pop(name, None)
    return ensemble.__dict__.pop("_member_fit_times", {})


def print_member_log(ensemble, X, y, n_before, times):
    """``verbose``: one line per member fit by this call.

    Columns: the member's own out-of-bag score (its ``score`` on the rows its
    bootstrap left out, unweighted, rows of weight 0 excluded; only with
    ``bootstrap=True``) and its fit time; the best out-of-bag score so far is
    marked.
    """
    n_members = len(ensemble.estimators_)
    columns = ["oob_score"] if ensemble.bootstrap else []
    log = TrainingLog(
        columns,
        step_name="member",
        max_steps=n_members,
        best=("oob_score", "max") if columns else None,
    )
    # rows of weight 0 are missing rows: never out of bag (see _oob_matrix)
    oob_matrix = ensemble._oob_matrix(X.shape[0]) if columns else None
    for i in range(n_before, n_members):
        values = {}
        if columns:
            oob = oob_matrix[i]
            values["oob_score"] = np.nan
            if oob.sum() > 1 and hasattr(ensemble.estimators_[i], "score"):
                features = ensemble.estimators_features_[i]
                try:
                    values["oob_score"] = ensemble.estimators_[i].score(
                        X[oob][:, features], y[oob]
                    )
                except Exception:  # a score the member cannot give: a blank
                    pass
        log.row(i + 1, time=times.get(i), **values)


_ROUND_ATTRS = (
    "_round_root",
    "_round_log",
    "_round_ctx",
    "_round_stack",
    "_round_metadata",
    "_round_data",
)


class RoundTasksMixin(CallbackSupportMixin):
    """Callbacks and ``verbose`` for scikit-learn's AdaBoost loop.

    The class using it implements ``_boost_round`` (one round, what
    scikit-learn's ``_boost`` does) and calls ``_fit_rounds`` from ``fit``.
    """

    @_fit_context(prefer_skip_nested_validation=False)
    def _fit_rounds(self, X, y, sample_weight=None):
        metadata = weights(sample_weight)
        root = self._init_callback_context(max_subtasks=self.n_estimators)
        root.call_on_fit_task_begin(estimator=self, X=X, y=y, metadata=metadata)
        self._round_root = root if has_callbacks(self) else None
        # The rounds' metadata is the user's sample_weight, not the boosting
        # weights (a ScoringMonitor scores the ensemble with it).
        self._round_metadata = metadata
        self._round_log = (
            TrainingLog(
                ["error", "weight"],
                step_name="round",
                max_steps=self.n_estimators,
                best=("error", "min"),
            )
            if self.verbose
            else None
        )
        self._stop_requested = False
        try:
            # scikit-learn's loop without its own ``_fit_context`` (this
            # method has it), which would tear the callbacks down before the
            # end of the root task.
            fit = BaseWeightBoosting.fit
            getattr(fit, "__wrapped__", fit)(self, X, y, sample_weight)
        finally:
            for name in (*_ROUND_ATTRS, "_stop_requested"):
                self.__dict__.pop(name, None)
        root.call_on_fit_task_end(estimator=self, X=X, y=y, metadata=metadata)
        return self

    def _boost(self, iboost, X, y, sample_weight, random_state):
        root = self.__dict__.get("_round_root")
        log = self.__dict__.get("_round_log")
        if root is None and log is None:
            return self._boost_round(iboost, X, y, sample_weight, random_state)
        if self._stop_requested:  # a callback asked to stop: end the loop
            return None, None, None
        context = None if root is None else root.subcontext(task_name="round")
        start = time.perf_counter()
        with contextlib.ExitStack() as stack:
            # the round's task begins in ``_make_estimator``, once the
            # callbacks are propagated into the round's member
            self._round_ctx, self._round_stack = context, stack
            self._round_data = X, y
            result = self._boost_round(iboost, X, y, sample_weight, random_state)
            if self._round_ctx is not None:  # no member was made
                self._begin_round()
            self._round_stack = None
        elapsed = time.perf_counter() - start
        if context is not None:
            self._stop_requested = context.call_on_fit_task_end(
                estimator=self,
                X=X,
                y=y,
                metadata=self._round_metadata,
                reconstruction_attributes=lambda: self._as_of_round(iboost, result),
            )
        if log is not None:
            log.row(iboost + 1, error=result[2], weight=result[1], time=elapsed)
        return result

    def _as_of_round(self, iboost, result):
        """Fitted attributes of the ensemble as of the end of round iboost."""
        weights = self.estimator_weights_.copy()
        errors = self.estimator_errors_.copy()
        if result[0] is not None:
            weights[iboost], errors[iboost] = result[1], result[2]
        return {
            "estimators_": list(self.estimators_),
            "estimator_weights_": weights,
            "estimator_errors_": errors,
        }

    def _make_estimator(self, append=True, random_state=None):
        estimator = super()._make_estimator(append=append, random_state=random_state)
        context = self.__dict__.get("_round_ctx")
        if context is not None:
            self._round_stack.enter_context(propagate_into(context, estimator))
            self._begin_round()
        return estimator

    def _begin_round(self):
        # Inside the propagation, as scikit-learn's meta-estimators do: the
        # propagated callbacks see the round as the member's own fit task.
        context, self._round_ctx = self._round_ctx, None
        X, y = self._round_data
        context.call_on_fit_task_begin(
            estimator=self, X=X, y=y, metadata=self._round_metadata
        )
