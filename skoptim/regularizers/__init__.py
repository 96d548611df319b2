r"""Regularizers: objects that hook into training at named points.

Pass them to the estimators as ``regularizers=[...]``; each is a
clone-able parameter object, so a grid search reaches its hyperparameters
by nested name, ``regularizers__<name>__<param>`` where ``<name>`` is the
lower-cased class name (``regularizers__dropout__rate``) or, always, the
position in the list (``regularizers__0__rate``).

=====================  ====================================================
kind                   regularizers
=====================  ====================================================
parameter penalty      :class:`L2`, :class:`L1`, :class:`ElasticNet`
noise / masking        :class:`Dropout`, :class:`GaussianNoise`,
                       :class:`WeightNoise`
targets                :class:`LabelSmoothing` (classifier only)
batch augmentation     :class:`Augmentation` (with :class:`RandomShift`,
                       :class:`RandomRotation` or a user's transform),
                       :class:`Mixup`
layer with state       :class:`BatchNormalization`
loop control           :class:`EarlyStopping`
=====================  ====================================================

**Combining them.** Any number of regularizers combine (at most one
``EarlyStopping``, ``LabelSmoothing`` and ``BatchNormalization``). Each
acts at its own point of the fit loop, so the result is defined by the loop,
not by the order of the list:

1. ``EarlyStopping`` holds out its validation split (before anything else,
   so the validation data are never smoothed, mixed or noised);
2. ``LabelSmoothing`` changes the training targets once per fit;
3. per batch, ``Augmentation`` transforms rows and ``Mixup`` mixes inputs
   and (smoothed) targets, in list order;
4. per forward pass, ``WeightNoise`` perturbs the weights, input
   ``GaussianNoise``/``Dropout`` change the (mixed) inputs, and in each hidden
   layer ``BatchNormalization`` acts on the pre-activation, then the
   activation, then ``Dropout``/``GaussianNoise`` on the activation;
5. after the backward pass the clean weights come back and the penalties
   (``L2``, ``L1``, ``ElasticNet``, evaluated at the clean weights) add their
   terms;
6. after each epoch ``EarlyStopping`` evaluates the validation set.

Where two regularizers act at the same point (input noise and input
dropout; dropout and noise on activations; two penalties) they apply in
list order, and backward passes in reverse order, which is the composition
of the two maps.
"""

from ._augmentation import Augmentation
from ._base import FitContext, Regularizer
from ._batch_norm import BatchNormalization
from ._dropout import Dropout
from ._early_stopping import EarlyStopping
from ._label_smoothing import LabelSmoothing
from ._mixup import Mixup
from ._noise import GaussianNoise, WeightNoise
from ._penalty import L1, L2, ElasticNet
from ._transforms import RandomRotation, RandomShift

__all__ = [
    "Regularizer",
    "FitContext",
    "L2",
    "L1",
    "ElasticNet",
    "Dropout",
    "GaussianNoise",
    "WeightNoise",
    "LabelSmoothing",
    "BatchNormalization",
    "Mixup",
    "Augmentation",
    "RandomShift",
    "RandomRotation",
    "EarlyStopping",
]
