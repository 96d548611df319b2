"""SharpnessResult and LossLandscape print as short summaries."""

import numpy as np

from skoptim.inspection import (
    LossLandscape,
    epsilon_sharpness,
    loss_landscape,
)


def test_sharpness_result_repr():
    h = np.array([1.0, 4.0])
    res = epsilon_sharpness(
        lambda w: (0.5 * h @ w**2, h * w), np.zeros(2), epsilon=0.1, random_state=0
    )
    text = repr(res)
    assert len(text.splitlines()) <= 15
    # 100 * 0.5 * (1 + 4) * 0.1^2 = 2.5 percent, max loss 0.025 at a corner
    assert "sharpness     = 2.5 %" in text
    assert "max_loss      = 0.025" in text
    assert "full space" in text
    big = epsilon_sharpness(
        lambda w: (0.5 * w @ w, w.copy()),
        np.zeros(5000),
        epsilon=0.1,
        n_directions=3,
        max_iter=2,
        random_state=0,
    )
    text = repr(big)
    assert len(text.splitlines()) <= 15 and len(text) < 600
    assert "random subspace of 3 directions, n_params=5000" in text
    assert "subspace (5000, 3)" in text


def test_loss_landscape_repr(clf_data):
    clf, X, y = clf_data
    land = loss_landscape(clf, X, y, n_directions=2, n_points=9, random_state=0)
    assert isinstance(land, LossLandscape)
    text = repr(land)
    assert len(text.splitlines()) <= 15 and len(text) < 600
    assert text.startswith("LossLandscape(surface, n_points=9, extent=1,")
    assert f"loss at fitted weights = {land.loss:.6g}" in text
    assert f"min loss on the grid   = {land.losses.min():.6g}" in text
    assert "losses (9, 9)" in text
    # still a Bunch: keys and attributes
    assert land["losses"] is land.losses
    curve = loss_landscape(clf, X, y, n_points=5, random_state=0)
    assert "LossLandscape(curve, n_points=5" in repr(curve)
    assert "betas" not in repr(curve)
