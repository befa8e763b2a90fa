"""MUL (int8, broadcasting, fused activations) against TFLM, byte for byte."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import (
    QUANTIZED_ACTIVATIONS,
    binary_model,
    random_broadcast,
    random_quant,
    random_values,
)
from support.oracle import assert_matches_tflm

import micro
from micro.errors import ModelError, UnsupportedOpError
from micro.schema import ActivationFunctionType as Act


@pytest.mark.parametrize("seed", range(120))
def test_random_models(seed: int) -> None:
    rng = np.random.default_rng([seed, 3])
    shape1, shape2 = random_broadcast(rng)
    out_shape = np.broadcast_shapes(shape1, shape2)
    # Products of two scales against an output scale: rescales from far below to above 1.
    q1, q2, q_out = (
        random_quant(rng, "int8", -3, 0),
        random_quant(rng, "int8", -3, 0),
        random_quant(rng, "int8", -5, -1),
    )
    activation = QUANTIZED_ACTIVATIONS[seed % len(QUANTIZED_ACTIVATIONS)]
    const2 = random_values(rng, shape2, "int8") if rng.random() < 0.2 else None
    model = binary_model("MUL", shape1, shape2, out_shape, q1, q2, q_out, activation, const2=const2)
    assert_matches_tflm(model, seeds=(seed, seed + 1000))


@pytest.mark.parametrize("seed", range(40))
def test_random_int16_models(seed: int) -> None:
    """int16 (zero points 0): broadcasting, activations, rescales below and above 1."""
    rng = np.random.default_rng([seed, 16])
    shape1, shape2 = random_broadcast(rng)
    out_shape = np.broadcast_shapes(shape1, shape2)
    q1, q2 = random_quant(rng, "int16", -4, -2), random_quant(rng, "int16", -4, -2)
    assert q1 is not None and q2 is not None
    q_out = (float(np.float32(q1[0] * q2[0] * 32768 * 10 ** rng.uniform(-1, 0.5))), 0)
    activation = QUANTIZED_ACTIVATIONS[seed % len(QUANTIZED_ACTIVATIONS)]
    model = binary_model("MUL", shape1, shape2, out_shape, q1, q2, q_out, activation, dtype="int16")
    assert_matches_tflm(model, seeds=(seed,))


@pytest.mark.parametrize("seed", range(8))
def test_every_input_pair(seed: int) -> None:
    """All 256 x 256 int8 pairs in one broadcast: (256, 1) * (1, 256)."""
    rng = np.random.default_rng([seed, 8])
    q1, q2 = random_quant(rng), random_quant(rng)
    # Seeds 0-3: output scales that make the rescale > 1 (a left shift), 4-7: < 1.
    q_out = random_quant(rng, "int8", -7, -6) if seed < 4 else random_quant(rng, "int8", -3, -1)
    activation = QUANTIZED_ACTIVATIONS[seed % len(QUANTIZED_ACTIVATIONS)]
    model = binary_model("MUL", (256, 1), (1, 256), (256, 256), q1, q2, q_out, activation)
    values = np.arange(-128, 128, dtype=np.int8)
    assert_matches_tflm(model, inputs=[values.reshape(256, 1), values.reshape(1, 256)])


@pytest.mark.parametrize(
    ("shape1", "shape2"),
    [
        ((2, 3, 4, 5, 6, 7), (2, 1, 4, 1, 6, 1)),
        ((1, 3, 1, 5, 1, 7), (2, 1, 4, 1, 6, 1)),
        ((1, 10, 10, 16), (16,)),
        ((1, 10, 10, 16), (1, 1, 1, 1)),
        ((), (5, 4)),
    ],
)
def test_broadcast_layouts(shape1: tuple[int, ...], shape2: tuple[int, ...]) -> None:
    out_shape = np.broadcast_shapes(shape1, shape2)
    q1, q2, q_out = (0.03, 5), (0.011, -20), (0.002, -3)
    assert_matches_tflm(binary_model("MUL", shape1, shape2, out_shape, q1, q2, q_out), (1,))
    assert_matches_tflm(binary_model("MUL", shape2, shape1, out_shape, q2, q1, q_out), (2,))


@pytest.mark.parametrize(("shape1", "shape2"), [((3, 4), (3, 4)), ((3, 4), ()), ((1,), (5,))])
def test_int32_goes_to_the_int32_kernel(shape1: tuple, shape2: tuple) -> None:
    out_shape = np.broadcast_shapes(shape1, shape2)
    for activation in (Act.NONE, Act.RELU):
        model = binary_model(
            "MUL", shape1, shape2, out_shape, None, None, None, activation, "int32"
        )
        assert_matches_tflm(model, seeds=(5,))


def test_errors() -> None:
    q = (0.05, 0)

    def compile_(model: bytes) -> None:
        micro.Interpreter.from_bytes(model)

    with pytest.raises(ModelError, match=r"operator 0 .*do not broadcast"):
        compile_(binary_model("MUL", (2, 3), (2,), (2, 3), q, q, q))
    with pytest.raises(UnsupportedOpError, match=r"operator 0 \(MUL.*zero points"):
        compile_(binary_model("MUL", (3,), (3,), (3,), (0.05, 1), (0.05, 0), q, dtype="int16"))
    with pytest.raises(UnsupportedOpError, match=r"operator 0 .*activation"):
        compile_(binary_model("MUL", (3,), (3,), (3,), q, q, q, activation=Act.SIGN_BIT))
    with pytest.raises(UnsupportedOpError, match=r"operator 0 .*too large"):
        compile_(binary_model("MUL", (3,), (3,), (3,), (1e3, 0), (1e3, 0), (1e-6, 0)))
