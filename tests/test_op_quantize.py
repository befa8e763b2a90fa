"""QUANTIZE and DEQUANTIZE against TFLM, byte for byte (float outputs bit for bit)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support.models import random_quant, unary_model
from support.oracle import assert_matches_tflm
from support.seanet import assert_seanet_case

import micro
from micro.errors import UnsupportedOpError

INT_PAIRS = [
    ("int8", "int8"),
    ("int8", "uint8"),
    ("uint8", "int8"),
    ("int16", "int8"),
    ("int8", "int16"),
    ("int16", "int16"),
    ("int8", "int32"),
    ("int16", "int32"),
    ("int32", "int8"),
    ("int32", "int16"),
]


def _shape(rng: np.random.Generator) -> tuple[int, ...]:
    return tuple(int(d) for d in rng.integers(1, 9, int(rng.integers(0, 5))))


def _all_values(dtype: str) -> np.ndarray:
    info = np.iinfo(dtype)
    return np.arange(int(info.min), int(info.max) + 1).astype(dtype)


@pytest.mark.parametrize("out", ["int8", "int16"])
@pytest.mark.parametrize("seed", range(100))
def test_quantize_float(out: str, seed: int) -> None:
    rng = np.random.default_rng([seed, 21])
    q_out = random_quant(rng, out, -3, 0.5, any_zero_point=True)
    model = unary_model("QUANTIZE", _shape(rng), "float32", out, None, q_out)
    assert_matches_tflm(model, seeds=(seed,))
    # Every rounding boundary: k / 2 * scale for k over the output range and past it,
    # plus the floats just either side of it.
    scale = np.float32(q_out[0])
    halves = np.arange(-600, 601, dtype=np.float32) * np.float32(0.5) * scale
    x = np.concatenate(
        [halves, np.nextafter(halves, np.float32(np.inf)), np.nextafter(halves, -np.inf)]
    ).astype(np.float32)
    assert_matches_tflm(unary_model("QUANTIZE", x.shape, "float32", out, None, q_out), inputs=[x])


def test_quantize_float_saturates() -> None:
    """Large finite values saturate like TFLM; beyond int32 TFLM's float-to-int conversion is
    undefined (x86 and Arm differ), so micro's own saturation is checked without it."""
    x = np.array([0.0, -0.0, 1e7, -1e7, 3.5, -3.5, 2e5, -2e5], dtype=np.float32)
    for out in ("int8", "int16"):
        for zp in (-3, 0, 3):
            assert_matches_tflm(
                unary_model("QUANTIZE", x.shape, "float32", out, None, (0.01, zp)), inputs=[x]
            )
    x = np.array([1e30, -1e30, np.inf, -np.inf, np.nan], dtype=np.float32)
    it = micro.Interpreter.from_bytes(
        unary_model("QUANTIZE", x.shape, "float32", "int8", None, (0.01, -3))
    )
    it.set_input(x, 0)
    it.invoke()
    assert it.get_output(0).tolist() == [127, -128, 127, -128, -128]


@pytest.mark.parametrize(("src", "dst"), INT_PAIRS)
@pytest.mark.parametrize("seed", range(20))
def test_requantize(src: str, dst: str, seed: int) -> None:
    rng = np.random.default_rng([seed, INT_PAIRS.index((src, dst)), 22])
    q_in = random_quant(rng, src, any_zero_point=True)
    q_out = (
        float(np.float32(q_in[0] * 10.0 ** rng.uniform(-2, 2))),
        random_quant(rng, dst, any_zero_point=True)[1],
    )
    assert_matches_tflm(unary_model("QUANTIZE", _shape(rng), src, dst, q_in, q_out), (seed,))
    if src != "int32":
        values = _all_values(src)
        assert_matches_tflm(
            unary_model("QUANTIZE", values.shape, src, dst, q_in, q_out), inputs=[values]
        )


@pytest.mark.parametrize("name", ["quantize0", "quantize1"])
def test_seanet_quantize(name: str, reference: Callable[[str], Path]) -> None:
    """TFLM's seanet int32 <-> int16 QUANTIZE cases: golden outputs and TFLM, byte for byte."""
    assert_seanet_case(reference, "quantize", name)


@pytest.mark.parametrize("src", ["int8", "uint8", "int16"])
@pytest.mark.parametrize("seed", range(40))
def test_dequantize(src: str, seed: int) -> None:
    rng = np.random.default_rng([seed, 23])
    q_in = random_quant(rng, src, -6, 2, any_zero_point=True)
    assert_matches_tflm(unary_model("DEQUANTIZE", _shape(rng), src, "float32", q_in, None), (seed,))
    values = _all_values(src)
    assert_matches_tflm(
        unary_model("DEQUANTIZE", values.shape, src, "float32", q_in, None), inputs=[values]
    )


def test_errors() -> None:
    def compile_(model: bytes) -> None:
        micro.Interpreter.from_bytes(model)

    q = (0.05, 0)
    with pytest.raises(UnsupportedOpError, match=r"operator 0 \(QUANTIZE.*int32 to int32"):
        compile_(unary_model("QUANTIZE", (4,), "int32", "int32", q, q))
    with pytest.raises(UnsupportedOpError, match=r"operator 0 \(QUANTIZE.*uint8 to uint8"):
        compile_(unary_model("QUANTIZE", (4,), "uint8", "uint8", (0.05, 128), (0.05, 128)))
    with pytest.raises(UnsupportedOpError, match=r"operator 0 \(DEQUANTIZE.*int32"):
        compile_(unary_model("DEQUANTIZE", (4,), "int32", "float32", q, None))
    with pytest.raises(UnsupportedOpError, match=r"operator 0 \(QUANTIZE.*too large"):
        compile_(unary_model("QUANTIZE", (4,), "int16", "int8", (1e6, 0), (1e-6, 0)))
