"""The elementwise kernels together: a float model end to end against TFLM, and the C
check functions against hostile params (every field of every step set to edge values, the
CRC re-sealed): the runtime must refuse the program or run it inside its buffers."""

from __future__ import annotations

import numpy as np
import pytest
from support import sanitized
from support.oracle import assert_matches_tflm
from support.programs import hostile_programs

import micro
from micro.compiler import compile_model
from micro.interpreter import Runtime
from micro.model import load_model
from micro.schema import ActivationFunctionType as Act
from micro.writer import ModelBuilder


def chain_model() -> bytes:
    """float32 -> MUL (broadcast const) -> QUANTIZE -> ADD (broadcast const) -> MUL (broadcast)
    -> LEAKY_RELU -> PRELU -> QUANTIZE (to int16) -> QUANTIZE (to int8) -> SUB -> HARD_SWISH ->
    DEQUANTIZE -> SUB (float, broadcast) -> float32."""
    rng = np.random.default_rng(5)
    b = ModelBuilder()
    x = b.add_tensor("x", (2, 5, 6), "float32")
    fc = b.add_tensor("fc", (6,), "float32", data=rng.uniform(-2, 2, 6).astype(np.float32))
    xf = b.add_tensor("xf", (2, 5, 6), "float32")
    q = b.add_tensor("q", (2, 5, 6), "int8", scale=0.03, zero_point=-4)
    c = b.add_tensor("c", (6,), "int8", data=rng.integers(-128, 128, 6), scale=0.02, zero_point=9)
    a = b.add_tensor("a", (2, 5, 6), "int8", scale=0.05, zero_point=3)
    m2 = b.add_tensor("m2", (2, 5, 1), "int8", scale=0.01, zero_point=-1)
    m = b.add_tensor("m", (2, 5, 6), "int8", scale=0.004, zero_point=0)
    lr = b.add_tensor("lr", (2, 5, 6), "int8", scale=0.004, zero_point=-20)
    pa = b.add_tensor("pa", (6,), "int8", data=rng.integers(-128, 128, 6), scale=0.01, zero_point=5)
    pr = b.add_tensor("pr", (2, 5, 6), "int8", scale=0.005, zero_point=-9)
    w = b.add_tensor("w", (2, 5, 6), "int16", scale=0.0001, zero_point=0)
    n = b.add_tensor("n", (2, 5, 6), "int8", scale=0.005, zero_point=2)
    s = b.add_tensor("s", (2, 5, 6), "int8", scale=0.006, zero_point=-7)
    h = b.add_tensor("h", (2, 5, 6), "int8", scale=0.003, zero_point=-30)
    yf = b.add_tensor("yf", (2, 5, 6), "float32")
    y = b.add_tensor("y", (2, 5, 6), "float32")
    b.add_operator("MUL", [x, fc], [xf], {"fused_activation_function": Act.NONE})
    b.add_operator("QUANTIZE", [xf], [q])
    b.add_operator("ADD", [q, c], [a], {"fused_activation_function": Act.RELU})
    b.add_operator("MUL", [a, m2], [m], {"fused_activation_function": Act.NONE})
    b.add_operator("LEAKY_RELU", [m], [lr], {"alpha": 0.25})
    b.add_operator("PRELU", [lr, pa], [pr])
    b.add_operator("QUANTIZE", [pr], [w])
    b.add_operator("QUANTIZE", [w], [n])
    b.add_operator("SUB", [n, q], [s], {"fused_activation_function": Act.RELU_N1_TO_1})
    b.add_operator("HARD_SWISH", [s], [h])
    b.add_operator("DEQUANTIZE", [h], [yf])
    b.add_operator("SUB", [yf, fc], [y], {"fused_activation_function": Act.RELU})
    b.set_inputs([x, m2])
    b.set_outputs([y])
    return b.build()


def chain16_model() -> bytes:
    """int16 -> LEAKY_RELU -> SUB (broadcast const) -> QUANTIZE (to int32) -> QUANTIZE (to
    int16) -> ADD -> QUANTIZE (to int8)."""
    rng = np.random.default_rng(6)
    b = ModelBuilder()
    x = b.add_tensor("x", (3, 4, 5), "int16", scale=0.001, zero_point=0)
    lr = b.add_tensor("lr", (3, 4, 5), "int16", scale=0.0008, zero_point=0)
    c = b.add_tensor("c", (4, 1), "int16", data=rng.integers(-30000, 30000, (4, 1)), scale=0.0005)
    s = b.add_tensor("s", (3, 4, 5), "int16", scale=0.0015, zero_point=0)
    w = b.add_tensor("w", (3, 4, 5), "int32", scale=1e-6, zero_point=0)
    n = b.add_tensor("n", (3, 4, 5), "int16", scale=0.002, zero_point=0)
    a = b.add_tensor("a", (3, 4, 5), "int16", scale=0.003, zero_point=0)
    y = b.add_tensor("y", (3, 4, 5), "int8", scale=0.05, zero_point=4)
    b.add_operator("LEAKY_RELU", [x], [lr], {"alpha": -0.2})
    b.add_operator("SUB", [lr, c], [s], {"fused_activation_function": Act.RELU6})
    b.add_operator("QUANTIZE", [s], [w])
    b.add_operator("QUANTIZE", [w], [n])
    b.add_operator("ADD", [n, x], [a], {"fused_activation_function": Act.NONE})
    b.add_operator("QUANTIZE", [a], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def test_chain_matches_tflm() -> None:
    assert_matches_tflm(chain_model(), seeds=(0, 1, 2, 3))
    assert_matches_tflm(chain16_model(), seeds=(0, 1, 2, 3))


def _hostile_programs() -> tuple[list[bytes], int]:
    programs, arena = [], 0
    for model in (chain_model(), chain16_model()):
        compiled = compile_model(load_model(model))
        programs += hostile_programs(compiled.program)
        arena = max(arena, compiled.arena_bytes_needed)
    return programs, arena


def test_hostile_params_are_refused_or_harmless() -> None:
    refused = ran = 0
    programs, arena = _hostile_programs()
    for blob in programs:
        try:
            rt = Runtime(blob, arena)
        except micro.ProgramError:
            refused += 1
            continue
        rt.invoke()
        ran += 1
    assert refused > 100 and ran > 50, (refused, ran)


@pytest.mark.skipif(not sanitized.enabled(), reason="set MICRO_SANITIZE=1 to run the ASan build")
def test_hostile_params_under_sanitizers() -> None:
    inputs = [bytes(2 * 5 * 6 * 4), bytes(2 * 5)]  # the int16 chain reads only a prefix
    # A seeded sample: every variant under ASan would take minutes.
    programs, arena = _hostile_programs()
    pick = np.random.default_rng(3).choice(
        len(programs), size=min(300, len(programs)), replace=False
    )
    for i in sorted(pick):
        status, _, err = sanitized.run(programs[i], arena, inputs)
        assert status == 0 or status >= 10, (i, err)
        assert "Sanitizer" not in err and "runtime error" not in err, (i, err)
