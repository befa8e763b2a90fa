"""Float models made by TensorFlow's converter (the `train` extra) with the float and
data-movement ops issue 14 added, run bit-exact against TFLM: the three bilinear resize
variants, batched matmul, FLOOR/CEIL/ROUND/FLOOR_DIV/FLOOR_MOD, the logical ops and
REDUCE_ALL, GATHER_ND, SPACE_TO_BATCH_ND / BATCH_TO_SPACE_ND and TRANSPOSE_CONV (a padded
SPACE_TO_BATCH_ND against LiteRT: TFLM pads with an unset value), and a float CNN (CONV_2D
and DEPTHWISE_CONV_2D with fused activations, pools, MEAN and the other reductions,
activations, PRELU, L2_NORMALIZATION). Skipped when TensorFlow
is not installed; the generated models of tests/test_op_*.py cover the same kernels
without it."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from support.oracle import (
    assert_matches_tflm,
    assert_same_bytes,
    random_inputs,
    run_litert,
    run_micro,
)

import micro

tf: Any = pytest.importorskip("tensorflow", reason="TensorFlow (the `train` extra) is absent")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

pytestmark = pytest.mark.slow

Spec = tuple[tuple[int, ...], Any]


def convert(fn: Callable[..., Any], *specs: Spec) -> bytes:
    """A float model of `fn` (no quantization), as the converter emits it."""
    signature = [tf.TensorSpec(shape, dtype) for shape, dtype in specs]
    concrete = tf.function(fn).get_concrete_function(*signature)
    return bytes(tf.lite.TFLiteConverter.from_concrete_functions([concrete], fn).convert())


def _resize(x: Any) -> Any:
    v1 = tf.compat.v1.image.resize_bilinear
    return tf.concat(
        [tf.image.resize(x, (7, 9), "bilinear"), v1(x, (7, 9), align_corners=True), v1(x, (7, 9))],
        -1,
    )


def _rounding(a: Any, b: Any) -> Any:
    ops = [
        tf.math.floordiv(a, b),
        tf.math.floormod(a, b),
        tf.floor(a),
        tf.math.ceil(a),
        tf.round(a),
    ]
    return tf.concat(ops, 0)


def _logical(a: Any, b: Any) -> Any:
    mixed = tf.logical_or(tf.logical_and(a > 0, b > 0), tf.logical_not(a > b))
    every = tf.reduce_all(a > -1, axis=1, keepdims=True)
    return tf.cast(mixed, tf.float32) + tf.cast(every, tf.float32)


def _tconv(x: Any) -> Any:
    w = np.random.default_rng(0).normal(size=(3, 3, 5, 4)).astype(np.float32)
    return tf.nn.conv2d_transpose(x, tf.constant(w), (1, 8, 8, 5), 2, "SAME")


def _prelu_layer() -> Any:
    """Keras's PReLU (per channel, shared over H and W), which converts to PRELU."""
    layer = tf.keras.layers.PReLU(shared_axes=[1, 2])
    layer.build((1, 4, 4, 16))
    layer.set_weights([np.random.default_rng(2).uniform(-1, 1, (1, 1, 16)).astype(np.float32)])
    return layer


PRELU = _prelu_layer()


def _float_cnn(x: Any) -> Any:
    """A small float CNN as Keras layers convert: conv + bias + RELU6, depthwise with a
    depth multiplier, hard swish, leaky relu, PReLU, pools, global mean, reductions, L2 norm."""
    rng = np.random.default_rng(1)
    w = tf.constant(rng.normal(size=(3, 3, 3, 8)).astype(np.float32))
    dw = tf.constant(rng.normal(size=(3, 3, 8, 2)).astype(np.float32))
    y = tf.nn.relu6(
        tf.nn.conv2d(x, w, 1, "SAME") + tf.constant(np.linspace(-1, 1, 8, dtype=np.float32))
    )
    y = tf.nn.depthwise_conv2d(y, dw, [1, 2, 2, 1], "VALID")
    y = y * tf.nn.relu6(y + 3.0) / 6.0
    y = tf.nn.leaky_relu(y, 0.2)
    y = PRELU(y)
    pooled = tf.nn.avg_pool2d(y, 2, 1, "SAME") + tf.nn.max_pool2d(y, 3, 1, "SAME")
    mean = tf.reduce_mean(pooled, axis=[1, 2], keepdims=True)
    stats = tf.concat(
        [
            tf.reduce_sum(pooled, [1, 2]),
            tf.reduce_max(pooled, [1, 2]),
            tf.reduce_min(pooled, [1, 2]),
        ],
        -1,
    )
    return tf.nn.l2_normalize(tf.reshape(mean, (-1, 16)), -1), stats


F = tf.float32
CASES: dict[str, tuple[Callable[..., Any], list[Spec], str]] = {
    "resize_bilinear": (_resize, [((1, 4, 5, 3), F)], "RESIZE_BILINEAR"),
    "batch_matmul": (
        lambda a, b: tf.matmul(a, b, transpose_b=True),
        [((2, 3, 4, 8), F), ((2, 3, 6, 8), F)],
        "BATCH_MATMUL",
    ),
    "rounding": (_rounding, [((3, 4), F), ((3, 4), F)], "FLOOR_MOD"),
    "logical": (_logical, [((3, 4), F), ((3, 4), F)], "REDUCE_ALL"),
    "gather_nd": (
        lambda x: tf.gather_nd(x, [[0, 1], [2, 3], [1, 0]]),
        [((3, 4, 5), F)],
        "GATHER_ND",
    ),
    "space_to_batch": (
        lambda x: tf.space_to_batch_nd(x, [2, 2], [[1, 1], [0, 2]]),
        [((1, 6, 6, 3), F)],
        "SPACE_TO_BATCH_ND",
    ),
    "batch_to_space": (
        lambda x: tf.compat.v1.batch_to_space_nd(x, [2, 2], [[1, 0], [0, 1]]),
        [((4, 3, 3, 2), F)],
        "BATCH_TO_SPACE_ND",
    ),
    "transpose_conv": (_tconv, [((1, 4, 4, 4), F)], "TRANSPOSE_CONV"),
    "float_cnn": (_float_cnn, [((1, 9, 9, 3), F)], "PRELU"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_converted_float_model_is_bit_exact(name: str) -> None:
    fn, specs, op = CASES[name]
    model = convert(fn, *specs)
    ops = {o.name for o in micro.load_model(model).subgraphs[0].operators}
    assert op in ops, f"the converter no longer emits {op}: {sorted(ops)}"
    if name == "space_to_batch":
        it = micro.Interpreter.from_bytes(model)
        for seed in (0, 1, 2):
            inputs = random_inputs(it, seed)
            assert_same_bytes(run_micro(model, inputs), run_litert(model, inputs), f"seed {seed}")
        return
    assert_matches_tflm(model, seeds=(0, 1, 2))
