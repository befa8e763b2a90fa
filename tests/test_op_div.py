"""int8 DIV against TFLM on generated models: every pair of input bytes (division by the
zero point included), broadcasting, fused activations, and the refusals."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import QUANTIZED_ACTIVATIONS, binary_model, random_broadcast, random_quant
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe

import micro

# Every (input1, input2) pair of int8 values.
PAIRS = (
    np.repeat(np.arange(-128, 128), 256).astype(np.int8),
    np.tile(np.arange(-128, 128), 256).astype(np.int8),
)


def _quants(rng: np.random.Generator) -> tuple:
    """Scales whose rescale s1 / (s2 * so) spans 2^-20 to 2^19."""
    while True:
        q1, q2, qo = (random_quant(rng, "int8", -4, 1) for _ in range(3))
        assert q1 and q2 and qo
        real = np.float32(q1[0]) / (np.float32(q2[0]) * np.float32(qo[0]))
        if 2.0**-20 < real < 2.0**19:
            return q1, q2, qo


@pytest.mark.parametrize("seed", range(16))
def test_every_pair_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng([seed, 41])
    q1, q2, qo = _quants(rng)
    act = int(rng.choice(QUANTIZED_ACTIVATIONS)) if seed % 2 else 0
    model = binary_model("DIV", (65536,), (65536,), (65536,), q1, q2, qo, activation=act)
    assert_matches_tflm(model, inputs=list(PAIRS))


@pytest.mark.parametrize("seed", range(24))
def test_broadcast_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng([seed, 42])
    s1, s2 = random_broadcast(rng)
    while len(np.broadcast_shapes(s1, s2)) > 5:  # TFLM's BroadcastDivSlow: up to 5-D
        s1, s2 = random_broadcast(rng)
    out = tuple(np.broadcast_shapes(s1, s2))
    q1, q2, qo = _quants(rng)
    const2 = None
    if seed % 3 == 0:
        const2 = rng.integers(-128, 128, s2).astype(np.int8)
    model = binary_model("DIV", s1, s2, out, q1, q2, qo, const2=const2)
    assert_matches_tflm(model, seeds=(seed, seed + 100))


def test_extreme_rescale_is_refused() -> None:
    model = binary_model("DIV", (4,), (4,), (4,), (1.0, 0), (1e-4, 0), (1e-3, 0))
    with pytest.raises(micro.UnsupportedOpError, match=r"operator 0.*outside"):
        micro.Interpreter.from_bytes(model)


def test_mixed_types_are_refused() -> None:
    from support.models import T, one_op_model

    model = one_op_model(
        "DIV",
        [T((4,), "int8", quant=(0.1, 0)), T((4,), "int16", quant=(0.1, 0))],
        [T((4,), "int8", quant=(0.1, 0))],
        {"fused_activation_function": 0},
    )
    with pytest.raises(micro.UnsupportedOpError, match="int16"):
        micro.Interpreter.from_bytes(model)


def test_tampered_params_are_refused_or_safe() -> None:
    model = binary_model("DIV", (3, 5), (5,), (3, 5), (0.05, 3), (0.02, -7), (0.1, 1))
    assert_hostile_params_safe(model)
