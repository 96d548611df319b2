"""Inspect a fitted network's minimum: sharpness and loss-landscape slices.

- :func:`sharpness`: Keskar et al. (2017)'s :math:`\\epsilon`-sharpness of a
  fitted MLP's training loss; :func:`epsilon_sharpness` computes it for any
  ``fun(w) -> (loss, grad)``.
- :func:`loss_landscape`: 1-D and 2-D slices of the training loss along
  filter-normalised random directions (Li et al. 2018), built by
  :func:`random_directions`.
"""

from ._landscape import LossLandscape, loss_landscape, random_directions
from ._plot import LossLandscapeDisplay
from ._sharpness import SharpnessResult, epsilon_sharpness, sharpness

__all__ = [
    "sharpness",
    "epsilon_sharpness",
    "SharpnessResult",
    "loss_landscape",
    "LossLandscape",
    "random_directions",
    "LossLandscapeDisplay",
]
