"""The elementwise kernels together: a float model end to end against TFLM, and the C
check functions against hostile params (every field of every step set to edge values, the
CRC re-sealed): the runtime must refuse the program or run it inside its buffers."""

from __future__ import annotations

import struct
import zlib

import numpy as np
import pytest
import sanitized
from difftest import assert_matches_tflm

import micro
from micro._ffi import ffi
from micro.compiler import compile_model
from micro.interpreter import Runtime
from micro.model import load_model
from micro.schema import ActivationFunctionType as Act
from micro.writer import ModelBuilder

HOSTILE = (0, 1, -1, 2, 7, 255, 256, 0x7FFF, 0x8000, 0x7FFFFFFF, -0x80000000, 0x40000000)


def chain_model() -> bytes:
    """float32 -> QUANTIZE -> ADD (broadcast const) -> MUL (broadcast) -> LEAKY_RELU ->
    QUANTIZE (to int16) -> QUANTIZE (to int8) -> SUB -> HARD_SWISH -> DEQUANTIZE -> float32."""
    rng = np.random.default_rng(5)
    b = ModelBuilder()
    x = b.add_tensor("x", (2, 5, 6), "float32")
    q = b.add_tensor("q", (2, 5, 6), "int8", scale=0.03, zero_point=-4)
    c = b.add_tensor("c", (6,), "int8", data=rng.integers(-128, 128, 6), scale=0.02, zero_point=9)
    a = b.add_tensor("a", (2, 5, 6), "int8", scale=0.05, zero_point=3)
    m2 = b.add_tensor("m2", (2, 5, 1), "int8", scale=0.01, zero_point=-1)
    m = b.add_tensor("m", (2, 5, 6), "int8", scale=0.004, zero_point=0)
    lr = b.add_tensor("lr", (2, 5, 6), "int8", scale=0.004, zero_point=-20)
    w = b.add_tensor("w", (2, 5, 6), "int16", scale=0.0001, zero_point=0)
    n = b.add_tensor("n", (2, 5, 6), "int8", scale=0.005, zero_point=2)
    s = b.add_tensor("s", (2, 5, 6), "int8", scale=0.006, zero_point=-7)
    h = b.add_tensor("h", (2, 5, 6), "int8", scale=0.003, zero_point=-30)
    y = b.add_tensor("y", (2, 5, 6), "float32")
    b.add_operator("QUANTIZE", [x], [q])
    b.add_operator("ADD", [q, c], [a], {"fused_activation_function": Act.RELU})
    b.add_operator("MUL", [a, m2], [m], {"fused_activation_function": Act.NONE})
    b.add_operator("LEAKY_RELU", [m], [lr], {"alpha": 0.25})
    b.add_operator("QUANTIZE", [lr], [w])
    b.add_operator("QUANTIZE", [w], [n])
    b.add_operator("SUB", [n, q], [s], {"fused_activation_function": Act.RELU_N1_TO_1})
    b.add_operator("HARD_SWISH", [s], [h])
    b.add_operator("DEQUANTIZE", [h], [y])
    b.set_inputs([x, m2])
    b.set_outputs([y])
    return b.build()


def test_chain_matches_tflm() -> None:
    assert_matches_tflm(chain_model(), seeds=(0, 1, 2, 3))


def _hostile_programs():
    compiled = compile_model(load_model(chain_model()))
    program, arena = compiled.program, compiled.arena_size
    steps_offset = struct.unpack_from("<I", program, 24)[0]
    data_offset = struct.unpack_from("<I", program, 60)[0]
    for k, step in enumerate(compiled.steps):
        params_offset = struct.unpack_from("<I", program, steps_offset + 16 * k + 4)[0]
        size = ffi.sizeof(f"micro_{step.kernel}_params_t")
        for field in range(size // 4):
            for value in HOSTILE:
                blob = bytearray(program)
                pos = data_offset + params_offset + 4 * field
                if struct.unpack_from("<i", blob, pos)[0] == value:
                    continue
                struct.pack_into("<i", blob, pos, value)
                struct.pack_into("<I", blob, 12, zlib.crc32(bytes(blob[16:])) & 0xFFFFFFFF)
                yield step.kernel, field, value, bytes(blob), arena


def test_hostile_params_are_refused_or_harmless() -> None:
    refused = ran = 0
    for _, _, _, blob, arena in _hostile_programs():
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
    inputs = [bytes(2 * 5 * 6 * 4), bytes(2 * 5)]
    cases = list(_hostile_programs())
    pick = np.random.default_rng(3).choice(len(cases), size=min(250, len(cases)), replace=False)
    for i in sorted(pick):
        kernel, field, value, blob, arena = cases[i]
        status, _, err = sanitized.run(blob, arena, inputs)
        assert status == 0 or status >= 10, (kernel, field, value, err)
        assert "Sanitizer" not in err and "runtime error" not in err, (kernel, field, value, err)
