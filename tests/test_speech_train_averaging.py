"""Weight averaging over the last epochs (micro/speech/averaging.py): the mean of the
snapshots, batch-norm statistics recomputed from the examples, and train_keras ending on them."""

from __future__ import annotations

import numpy as np
import pytest

from micro.speech.averaging import WeightAverage, batch_norm_layers, recompute_batch_norm
from micro.speech.network import CHANNELS, FRAMES, Shape, build_model

keras = pytest.importorskip("keras")


class _Weights:
    """Stands in for a Keras model: get_weights/set_weights only."""

    def __init__(self, weights: list[np.ndarray]) -> None:
        self.weights = weights

    def get_weights(self) -> list[np.ndarray]:
        return self.weights

    def set_weights(self, weights: list[np.ndarray]) -> None:
        self.weights = weights


def test_weight_average_is_the_mean_of_the_snapshots() -> None:
    rng = np.random.default_rng(0)
    snapshots = [[rng.normal(size=(3, 2)), rng.normal(size=4)] for _ in range(5)]
    average = WeightAverage()
    for weights in snapshots:
        average.add(_Weights(weights))
    out = _Weights([])
    average.apply(out)
    assert average.count == 5
    for i in range(2):
        expected = sum(s[i] for s in snapshots) / 5
        np.testing.assert_allclose(out.weights[i], expected, rtol=1e-6, atol=1e-6)
        assert out.weights[i].dtype == np.float32


def test_weight_average_without_snapshots_is_an_error() -> None:
    with pytest.raises(ValueError, match="never called"):
        WeightAverage().apply(_Weights([]))


def test_recompute_batch_norm_sets_the_mean_of_the_batch_statistics() -> None:
    keras.utils.set_random_seed(1)
    model = build_model(4, Shape.parse("3,4"))
    x = np.random.default_rng(2).uniform(0, 4, (10, FRAMES * CHANNELS)).astype(np.float32)
    first = batch_norm_layers(model)[0]
    before = [keras.ops.convert_to_numpy(first.moving_mean), first.momentum]
    conv = keras.Model(model.input, model.layers[2].output)  # the first convolution's output
    assert isinstance(model.layers[3], keras.layers.BatchNormalization)
    recompute_batch_norm(model, x, batch=4)  # batches of 4, 4, 2
    values = np.asarray(conv(x)).reshape(10, -1, 3)
    parts = [values[0:4], values[4:8], values[8:10]]
    mean = values.mean(axis=(0, 1))
    variance = sum(len(p) * p.reshape(-1, 3).var(axis=0) for p in parts) / 10
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(first.moving_mean), mean, rtol=1e-4, atol=1e-5
    )
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(first.moving_variance), variance, rtol=1e-4, atol=1e-5
    )
    assert not np.allclose(before[0], mean)
    assert first.momentum == before[1]  # restored


def test_train_keras_ends_on_the_averaged_weights(monkeypatch: pytest.MonkeyPatch) -> None:
    from micro.speech import averaging, train

    applied: list[int] = []
    recomputed: list[int] = []
    real_apply = averaging.WeightAverage.apply

    def apply(self: WeightAverage, model: object) -> None:
        applied.append(self.count)
        real_apply(self, model)

    monkeypatch.setattr(averaging.WeightAverage, "apply", apply)
    monkeypatch.setattr(
        averaging, "recompute_batch_norm", lambda model, x: recomputed.append(len(x))
    )
    rng = np.random.default_rng(3)
    x = rng.integers(-128, 127, (24, FRAMES, CHANNELS)).astype(np.int8)
    y = rng.integers(0, 4, 24)
    train.train_keras(x, y, 4, epochs=3, seed=5, shape=Shape.parse("2,3"), average_last=2)
    assert applied == [2] and recomputed == [24]
    with pytest.raises(ValueError, match="average_last"):
        train.train_keras(x, y, 4, epochs=3, seed=5, shape=Shape.parse("2,3"), average_last=4)
