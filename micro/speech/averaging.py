"""Weight averaging over the last epochs (stochastic weight averaging) for the keyword model.

One run's final weights depend much on its seed: on held-out speech, two seeds of the same
recipe differ by a factor of four in false alarms. The mean of the weights the optimizer
visits over its last epochs (while the learning rate decays) sits nearer the middle of the
basin those runs end in, and varies less between seeds.

The averaged weights need batch-norm statistics of their own: the moving means and
variances tracked during training belong to the visited weights, not to their mean, and the
int8 converter folds them into the convolutions. ``recompute_batch_norm`` sets them from a
pass over the training examples with the averaged weights, before the conversion.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class WeightAverage:
    """The running mean of a model's weights (``get_weights()``), one snapshot at a time."""

    def __init__(self) -> None:
        self.count = 0
        self._mean: list[np.ndarray] = []

    def add(self, model: Any) -> None:
        weights = [np.array(w, np.float64) for w in model.get_weights()]  # copies
        self.count += 1
        if self.count == 1:
            self._mean = weights
            return
        for mean, w in zip(self._mean, weights, strict=True):
            mean += (w - mean) / self.count

    def apply(self, model: Any) -> None:
        """Give ``model`` the mean weights (an error before the first snapshot)."""
        if not self.count:
            raise ValueError("no weights to average: add() was never called")
        model.set_weights([m.astype(np.float32) for m in self._mean])


def batch_norm_layers(model: Any) -> list[Any]:
    import keras

    return [la for la in model.layers if isinstance(la, keras.layers.BatchNormalization)]


def recompute_batch_norm(model: Any, x: np.ndarray, batch: int = 256) -> None:
    """Set every batch-norm layer's moving mean and variance to the example-weighted mean of
    its per-batch statistics over ``x`` (float inputs), the weights as they are: each batch
    runs in training mode with the momentum that makes the moving value a running mean
    (seen / (seen + n)). The layers' momentum is restored afterwards."""
    norms = batch_norm_layers(model)
    if not norms or not len(x):
        return
    momentum = [la.momentum for la in norms]
    try:
        seen = 0
        for start in range(0, len(x), batch):
            part = x[start : start + batch]
            for la in norms:
                la.momentum = seen / (seen + len(part))
            model(part, training=True)
            seen += len(part)
    finally:
        for la, m in zip(norms, momentum, strict=True):
            la.momentum = m
