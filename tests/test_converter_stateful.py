"""Stateful models made by TensorFlow's converter (the `train` extra): a tf.Variable assigned
inside a tf.function becomes VAR_HANDLE / READ_VARIABLE / ASSIGN_VARIABLE, and its initial
value an init subgraph run by CALL_ONCE. Each runs over several invokes and a reset against
TFLM. Skipped when TensorFlow is not installed; tests/test_op_resource.py builds the same
shapes with micro's writer."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest
from support.oracle import assert_sequence_matches_tflm

import micro

tf: Any = pytest.importorskip("tensorflow", reason="TensorFlow (the `train` extra) is absent")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

pytestmark = pytest.mark.slow


def convert(module: Any, shape: tuple[int, ...]) -> bytes:
    """Full-integer conversion of `module.__call__` with a seeded representative dataset."""

    def representative() -> Any:
        rng = np.random.default_rng(0)
        for _ in range(16):
            yield [rng.uniform(-1, 1, shape).astype(np.float32)]

    fn = module.__call__.get_concrete_function()
    converter = tf.lite.TFLiteConverter.from_concrete_functions([fn], module)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = converter.inference_output_type = tf.int8
    return bytes(converter.convert())


def ring_buffer() -> bytes:
    """The last four frames of a stream in a tf.Variable (initially 0.5), and their sum."""

    class Ring(tf.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            self.frames = tf.Variable(tf.fill([1, 4, 3], 0.5))

        @tf.function(input_signature=[tf.TensorSpec([1, 1, 3], tf.float32)])
        def __call__(self, x: Any) -> Any:
            new = tf.concat([self.frames[:, 1:, :], x], axis=1)
            self.frames.assign(new)
            return tf.reduce_sum(new, axis=1)

    return convert(Ring(), (1, 1, 3))


def streaming_keyword() -> bytes:
    """A streaming keyword spotter's shape: each invoke brings one feature frame, a
    tf.Variable keeps the last eight, a dense layer scores the window."""
    rng = np.random.default_rng(1)

    class Streaming(tf.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            self.window = tf.Variable(tf.zeros([1, 8, 10]))
            self.kernel = tf.constant(rng.normal(0, 0.3, (80, 4)).astype(np.float32))
            self.bias = tf.constant(rng.normal(0, 0.1, (4,)).astype(np.float32))

        @tf.function(input_signature=[tf.TensorSpec([1, 1, 10], tf.float32)])
        def __call__(self, frame: Any) -> Any:
            window = tf.concat([self.window[:, 1:, :], frame], axis=1)
            self.window.assign(window)
            flat = tf.reshape(window, [1, 80])
            return tf.nn.softmax(tf.matmul(flat, self.kernel) + self.bias)

    return convert(Streaming(), (1, 1, 10))


def running_mean() -> bytes:
    """An exponential moving average kept in a tf.Variable (initially 0.25), and the input
    minus it."""

    class Ema(tf.Module):  # type: ignore[misc]
        def __init__(self) -> None:
            self.mean = tf.Variable(tf.fill([1, 6], 0.25))

        @tf.function(input_signature=[tf.TensorSpec([1, 6], tf.float32)])
        def __call__(self, x: Any) -> Any:
            mean = 0.9 * self.mean + 0.1 * x
            self.mean.assign(mean)
            return x - mean

    return convert(Ema(), (1, 6))


@pytest.mark.parametrize("build", [ring_buffer, streaming_keyword, running_mean])
def test_stateful_model_matches_tflm(build: Any) -> None:
    model = build()
    ops = {op.name for g in micro.load_model(model).subgraphs for op in g.operators}
    assert {"CALL_ONCE", "VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE"} <= ops
    assert_sequence_matches_tflm(model, invokes=8, resets=(5,))
