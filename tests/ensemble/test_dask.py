"""Bagging on a Dask cluster through joblib gives the local result."""

import threading

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.tree import DecisionTreeRegressor

from skoptim.ensemble import BaggingClassifier, BaggingRegressor

distributed = pytest.importorskip(
    "distributed", reason="the `distributed` test extra is needed for Dask tests"
)


class _ThreadRecordingTree(DecisionTreeRegressor):
    """A tree that remembers which thread fit it."""

    def fit(self, X, y, sample_weight=None, check_input=True):
        self.fit_thread_ = threading.current_thread().name
        return super().fit(X, y, sample_weight=sample_weight, check_input=check_input)


@pytest.fixture(scope="module")
def dask_client():
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def test_bagging_on_dask_cluster_equals_local_fit(dask_client):
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(200, 3))
    y = np.sin(X[:, 0]) + X[:, 1] + 0.3 * rng.standard_normal(200)
    params = dict(n_estimators=8, max_samples=0.8, random_state=0)

    local = BaggingRegressor(_ThreadRecordingTree(), **params).fit(X, y)
    with parallel_config(backend="dask"):
        remote = BaggingRegressor(_ThreadRecordingTree(), **params).fit(X, y)

    # the members really were fit by the Dask workers
    threads = {e.fit_thread_ for e in remote.estimators_}
    assert all("Dask" in name for name in threads), threads
    assert not any("Dask" in e.fit_thread_ for e in local.estimators_)

    for a, b in zip(local.estimators_samples_, remote.estimators_samples_, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(local.predict(X), remote.predict(X))
    np.testing.assert_array_equal(
        local.predict_interval(X[:20]), remote.predict_interval(X[:20])
    )


def test_bagging_classifier_on_dask_equals_local(dask_client):
    rng = np.random.RandomState(1)
    X = rng.standard_normal((150, 4))
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    local = BaggingClassifier(n_estimators=6, random_state=2).fit(X, y)
    with parallel_config(backend="dask"):
        remote = BaggingClassifier(n_estimators=6, random_state=2).fit(X, y)
        remote_proba = remote.predict_proba(X)
    np.testing.assert_allclose(local.predict_proba(X), remote_proba, rtol=1e-12)
