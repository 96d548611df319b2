"""Loss-landscape slices along filter-normalised random directions (Li et al. 2018)."""

import numpy as np
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge

from skoptim import MLPClassifier, MLPRegressor
from skoptim.inspection import loss_landscape, random_directions
from skoptim.inspection._objective import MLPObjective

from .conftest import quiet_fit


def layer_views(est, flat):
    """The (coefs, intercepts) of the flat vector ``flat`` in est's layout."""
    coefs, intercepts, offset = [], [], 0
    for W, b in zip(est.coefs_, est.intercepts_, strict=True):
        coefs.append(flat[offset : offset + W.size].reshape(W.shape))
        offset += W.size
        intercepts.append(flat[offset : offset + b.size])
        offset += b.size
    return coefs, intercepts


def test_filter_normalised_directions(clf_data):
    clf, _, _ = clf_data
    d = random_directions(clf, 2, random_state=0)
    assert d.shape == (2, clf.params_.size)
    for k in range(2):
        coefs, intercepts = layer_views(clf, d[k])
        for W, dW in zip(clf.coefs_, coefs, strict=True):
            # each unit's incoming weights (a column) has the weights' norm
            np.testing.assert_allclose(
                np.linalg.norm(dW, axis=0), np.linalg.norm(W, axis=0), rtol=1e-9
            )
        for db in intercepts:
            assert not db.any()  # biases ignored by default
    assert not np.allclose(d[0], d[1])
    np.testing.assert_array_equal(d, random_directions(clf, 2, random_state=0))


def test_other_normalisations_and_biases(clf_data):
    clf, _, _ = clf_data
    d = random_directions(
        clf, normalization="layer", ignore_biases=False, random_state=0
    )
    coefs, intercepts = layer_views(clf, d[0])
    for W, dW, b, db in zip(
        clf.coefs_, coefs, clf.intercepts_, intercepts, strict=True
    ):
        assert np.linalg.norm(dW) == pytest.approx(np.linalg.norm(W))
        np.testing.assert_array_equal(db, b)  # Li et al.: a copy of the biases
    raw = random_directions(clf, normalization=None, random_state=0)
    coefs, _ = layer_views(clf, raw[0])
    # raw directions are standard normal, not scaled to the weights
    assert np.std(np.concatenate([c.ravel() for c in coefs])) == pytest.approx(
        1, abs=0.3
    )


def test_one_dimensional_slice(reg_data):
    reg, X, y = reg_data
    params = reg.params_.copy()
    land = loss_landscape(reg, X, y, n_points=11, extent=0.5, random_state=0)
    assert land.alphas.shape == land.losses.shape == (11,)
    np.testing.assert_allclose(land.alphas, np.linspace(-0.5, 0.5, 11))
    assert (
        land.losses[5]
        == land.loss
        == pytest.approx(0.5 * np.mean((reg.predict(X) - y) ** 2))
    )
    # moving every unit's weights by half their norm costs loss on both sides
    assert land.losses[0] > land.loss and land.losses[-1] > land.loss
    np.testing.assert_array_equal(reg.params_, params)
    # each point is the loss at params + alpha * direction
    obj = MLPObjective(reg, X, y)
    w = land.params + land.alphas[2] * land.directions[0]
    assert land.losses[2] == pytest.approx(obj(w)[0], rel=1e-12)


def test_two_dimensional_surface_agrees_with_the_curves(clf_data):
    clf, X, y = clf_data
    land = loss_landscape(clf, X, y, n_directions=2, n_points=7, random_state=1)
    assert land.losses.shape == (7, 7) and land.betas.shape == (7,)
    assert land.directions.shape == (2, clf.params_.size)
    assert land.losses[3, 3] == land.loss
    along_x = loss_landscape(clf, X, y, n_points=7, directions=land.directions[:1])
    np.testing.assert_allclose(land.losses[:, 3], along_x.losses, rtol=1e-12)
    along_y = loss_landscape(clf, X, y, n_points=7, directions=land.directions[1:])
    np.testing.assert_allclose(land.losses[3, :], along_y.losses, rtol=1e-12)


def test_same_seed_same_landscape(clf_data):
    clf, X, y = clf_data
    a = loss_landscape(clf, X, y, n_points=5, random_state=3)
    b = loss_landscape(clf, X, y, n_points=5, random_state=3)
    np.testing.assert_array_equal(a.losses, b.losses)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n_directions": 3}, "n_directions must be 1"),
        ({"extent": 0.0}, "extent must be a positive float"),
        ({"n_points": 1}, "n_points must be an integer >= 2"),
        ({"normalization": "weight"}, "normalization must be one of"),
        ({"directions": np.zeros((1, 3))}, "directions must have shape"),
    ],
)
def test_bad_arguments(clf_data, kwargs, match):
    clf, X, y = clf_data
    with pytest.raises(ValueError, match=match):
        loss_landscape(clf, X, y, **kwargs)


def test_unfitted_or_unsupported(reg_data):
    _, X, y = reg_data
    with pytest.raises(NotFittedError):
        loss_landscape(MLPRegressor(), X, y)
    with pytest.raises(TypeError, match="supports skoptim.MLPClassifier"):
        loss_landscape(Ridge().fit(X, y), X, y)
    with pytest.raises(NotFittedError):
        random_directions(MLPClassifier())
    with pytest.raises(ValueError, match="n_directions must be a positive integer"):
        random_directions(quiet_fit(MLPRegressor((2,), max_iter=2), X, y), 0)


def test_keywords_that_would_be_ignored_with_given_directions_are_refused(clf_data):
    clf, X, y = clf_data
    d = loss_landscape(clf, X, y, n_points=3, random_state=0).directions
    for kw in (
        {"random_state": 99},
        {"normalization": "layer"},
        {"ignore_biases": False},
    ):
        (name,) = kw
        with pytest.raises(TypeError, match=f"{name} only shape random directions"):
            loss_landscape(clf, X, y, n_points=3, directions=d, **kw)
