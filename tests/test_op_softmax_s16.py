"""SOFTMAX with int16 input and output (TFLM's LUT-based kernel) against TFLM on generated
models: random shapes, scales, betas, and inputs of every spread; the refusals."""

from __future__ import annotations

import ctypes
import ctypes.util

import numpy as np
import pytest
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe
from test_op_softmax import softmax_model

import micro
from micro.ops.softmax import softmax_luts_s16
from micro.quant import lut_populate_int16

INT16_SYM = ("int16", 1.0 / 32768, 0)


def _inputs(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Values around a random centre with a random spread (1 to the whole int16 range)."""
    spread = int(10 ** rng.uniform(0, np.log10(32768)))
    centre = int(rng.integers(-32768 + spread, 32768 - spread)) if spread < 32768 else 0
    values = centre + rng.integers(-spread, spread, shape, endpoint=True)
    return np.clip(values, -32768, 32767).astype(np.int16)


@pytest.mark.parametrize("seed", range(60))
def test_random_softmax_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng([seed, 16])
    shape = [int(d) for d in rng.integers(1, 5, int(rng.integers(1, 5)))]
    shape[-1] = int(rng.choice([1, 2, 3, 10, 64, 100, 1000, 5000]))
    scale = float(np.float32(10 ** rng.uniform(-5, -2)))
    beta = 1.0 if seed % 2 else float(rng.uniform(0.1, 3.0))
    model = softmax_model(tuple(shape), scale, 0, beta, INT16_SYM, in_dtype="int16")
    inputs = [_inputs(rng, tuple(shape)) for _ in range(2)]
    for x in inputs:
        assert_matches_tflm(model, inputs=[x])


def test_exp_lut_equals_the_c_librarys() -> None:
    """micro builds the exp table with exp rounded once from double; TFLM with the C
    library's expf, which is not always correctly rounded (glibc's is off by one float32
    ulp at some knots) -- the int16 knots come out the same."""
    path = ctypes.util.find_library("m")
    if path is None:
        pytest.skip("no C math library to compare with")
    libm = ctypes.CDLL(path)
    libm.expf.restype, libm.expf.argtypes = ctypes.c_float, [ctypes.c_float]

    def expf(v: np.ndarray) -> np.ndarray:
        return np.array([libm.expf(float(x)) for x in v], np.float32)

    f32 = np.float32
    table = lut_populate_int16(f32(10) / f32(65535), 32767, f32(2) / f32(65535), 0, expf)
    assert np.array_equal(table, softmax_luts_s16()[:513])


@pytest.mark.parametrize(
    ("in_zp", "out", "match"),
    [
        (3, INT16_SYM, "zero points 0"),
        (0, ("int16", 1.0 / 65536, 0), "1/32768"),
        (0, ("int8", 1.0 / 256, -128), "int8"),
    ],
)
def test_refusals(in_zp: int, out: tuple, match: str) -> None:
    model = softmax_model((2, 8), 0.001, in_zp, 1.0, out, in_dtype="int16")
    with pytest.raises(micro.UnsupportedOpError, match=match):
        micro.Interpreter.from_bytes(model)


def test_tampered_params_are_refused_or_safe() -> None:
    assert_hostile_params_safe(softmax_model((3, 7), 0.001, 0, 1.0, INT16_SYM, in_dtype="int16"))
