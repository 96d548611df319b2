"""Learning-rate schedules. A float learning rate is a constant schedule."""

from ._base import (
    Constant,
    CosineAnnealing,
    ExponentialDecay,
    InverseScaling,
    ReduceOnPlateau,
    Schedule,
    StepDecay,
)

__all__ = [
    "Schedule",
    "Constant",
    "InverseScaling",
    "StepDecay",
    "ExponentialDecay",
    "CosineAnnealing",
    "ReduceOnPlateau",
]
