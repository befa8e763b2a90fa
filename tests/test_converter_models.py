"""Models made by TensorFlow's converter (the `train` extra), run bit-exact against TFLM: a
tiny transformer block, a U-Net-style decoder, a YOLO-style neck and an int16x8 CNN. They
use the ops issue 14 added (BATCH_MATMUL, the LayerNormalization ops, TRANSPOSE_CONV,
RESIZE_*, SHAPE, int16x8 conv/pool/FC). Skipped when TensorFlow is not installed; the same
kernels are covered without it by the generated models of tests/test_op_*.py."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from support.oracle import assert_matches_tflm

import micro

tf: Any = pytest.importorskip("tensorflow", reason="TensorFlow (the `train` extra) is absent")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
L = tf.keras.layers

pytestmark = pytest.mark.slow


def convert(model: Any, shape: tuple[int, ...], int16: bool = False) -> bytes:
    """Full-integer conversion with a seeded representative dataset."""

    def representative() -> Any:
        rng = np.random.default_rng(0)
        for _ in range(8):
            yield [rng.uniform(-1, 1, (1, *shape)).astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    if int16:
        ops = tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8
        converter.inference_input_type = converter.inference_output_type = tf.int16
    else:
        ops = tf.lite.OpsSet.TFLITE_BUILTINS_INT8
        converter.inference_input_type = converter.inference_output_type = tf.int8
    converter.target_spec.supported_ops = [ops]
    return bytes(converter.convert())


def transformer_block() -> tuple[Any, tuple[int, ...]]:
    """Self-attention, residual, LayerNormalization, feed-forward (a keyword transformer's
    block); a fixed batch so the converter emits static shapes, as TFLM needs."""
    tf.keras.utils.set_random_seed(0)
    x = inp = L.Input((8, 16), batch_size=1)
    a = L.MultiHeadAttention(num_heads=2, key_dim=8)(x, x)
    x = L.LayerNormalization()(x + a)
    f = L.Dense(16)(L.Dense(32, activation="relu")(x))
    return tf.keras.Model(inp, L.LayerNormalization()(x + f)), (8, 16)


def unet_decoder() -> tuple[Any, tuple[int, ...]]:
    tf.keras.utils.set_random_seed(0)
    x = inp = L.Input((8, 8, 8))
    skip = L.Conv2D(8, 3, padding="same", activation="relu")(x)
    down = L.Conv2D(16, 3, strides=2, padding="same", activation="relu")(skip)
    up = L.Conv2DTranspose(8, 3, strides=2, padding="same")(down)
    up = L.UpSampling2D(2, interpolation="bilinear")(L.Concatenate()([up, skip]))
    return tf.keras.Model(inp, L.Conv2D(2, 1)(up)), (8, 8, 8)


def yolo_neck() -> tuple[Any, tuple[int, ...]]:
    """Two scales, SiLU, nearest upsampling (Resizing: TFLM has no TILE for UpSampling2D),
    concatenation, LeakyReLU."""
    tf.keras.utils.set_random_seed(0)
    x = inp = L.Input((16, 16, 3))
    c3 = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    c4 = L.Conv2D(16, 3, strides=2, padding="same", activation="relu")(c3)
    up = L.Resizing(8, 8, interpolation="nearest")(L.Conv2D(8, 1, activation="swish")(c4))
    head = L.Conv2D(8, 3, padding="same")(L.Concatenate()([up, c3]))
    return tf.keras.Model(inp, L.LeakyReLU(0.1)(head)), (16, 16, 3)


def int16x8_cnn() -> tuple[Any, tuple[int, ...]]:
    tf.keras.utils.set_random_seed(0)
    x = inp = L.Input((12, 12, 2))
    x = L.Conv2D(8, 3, activation="relu")(x)
    x = L.DepthwiseConv2D(3, padding="same", activation="relu")(x)
    x = L.AveragePooling2D(2)(L.MaxPooling2D(2)(x))
    return tf.keras.Model(inp, L.Dense(4)(L.Flatten()(x))), (12, 12, 2)


CASES: dict[str, tuple[Callable[[], tuple[Any, tuple[int, ...]]], bool, set[str]]] = {
    "transformer_block": (
        transformer_block,
        False,
        {"BATCH_MATMUL", "SQUARED_DIFFERENCE", "RSQRT", "NEG"},
    ),
    "unet_decoder": (unet_decoder, False, {"TRANSPOSE_CONV", "RESIZE_BILINEAR", "SHAPE"}),
    "yolo_neck": (yolo_neck, False, {"RESIZE_NEAREST_NEIGHBOR", "CONCATENATION"}),
    "int16x8_cnn": (int16x8_cnn, True, {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_converted_model_is_bit_exact(name: str) -> None:
    build, int16, expected_ops = CASES[name]
    model, shape = build()
    data = convert(model, shape, int16)
    ops = {op.name for op in micro.load_model(data).subgraphs[0].operators}
    assert expected_ops <= ops, f"the converter emitted {sorted(ops)}"
    assert_matches_tflm(data, seeds=(0, 1, 2))
