"""ABS (int8 table, int16 abs_s16, float32) against TFLM on generated models, every int8 and
int16 input value, every kind of float."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import random_quant, unary_model
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe
from test_op_elementwise import _special_floats

import micro

ALL_INT8 = np.arange(-128, 128, dtype=np.int8)
ALL_INT16 = np.arange(-32768, 32768, dtype=np.int16)


def _output_quant(rng: np.random.Generator, q_in: tuple[float, int], dtype: str) -> tuple:
    """The input's scale (no rescale) a third of the time, else one from 1/100 to 30 times it."""
    scale = q_in[0] if rng.random() < 1 / 3 else q_in[0] * 10.0 ** rng.uniform(-2, 1.5)
    zero_point = 0 if dtype == "int16" else int(rng.integers(-128, 128))
    return float(np.float32(scale)), zero_point


@pytest.mark.parametrize("seed", range(40))
def test_int8_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng([seed, 8])
    q_in = random_quant(rng, "int8")
    assert q_in is not None
    q_out = _output_quant(rng, q_in, "int8")
    assert_matches_tflm(unary_model("ABS", (256,), "int8", "int8", q_in, q_out), inputs=[ALL_INT8])
    shape = tuple(int(d) for d in rng.integers(1, 6, int(rng.integers(1, 5))))
    assert_matches_tflm(unary_model("ABS", shape, "int8", "int8", q_in, q_out), seeds=(seed,))


@pytest.mark.parametrize("seed", range(12))
def test_int16_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng([seed, 16])
    q_in = random_quant(rng, "int16", -5, -1)
    assert q_in is not None
    q_out = _output_quant(rng, q_in, "int16")
    model = unary_model("ABS", ALL_INT16.shape, "int16", "int16", q_in, q_out)
    assert_matches_tflm(model, inputs=[ALL_INT16])


def test_unquantized_int16_wraps_like_tflm() -> None:
    model = unary_model("ABS", ALL_INT16.shape, "int16", "int16", None, None)
    assert_matches_tflm(model, inputs=[ALL_INT16])
    it = micro.Interpreter.from_bytes(model)
    it.set_input(ALL_INT16, 0)
    it.invoke()
    assert it.get_output(0)[0] == -32768  # |-32768| wraps, as std::abs on an int16 does


def test_float32_matches_tflm() -> None:
    """Every kind of float: NaNs (both signs), infinities, zeros, subnormals."""
    x = _special_floats(np.random.default_rng(4), 4000)
    assert_matches_tflm(unary_model("ABS", x.shape, "float32", "float32", None, None), inputs=[x])


@pytest.mark.parametrize(
    ("dtype", "q_in", "q_out", "error", "match"),
    [
        ("int16", (0.01, 3), (0.01, 0), micro.UnsupportedOpError, "zero points must be 0"),
        ("int32", None, None, micro.UnsupportedOpError, "int32"),
        ("int8", None, None, micro.ModelError, "not quantized"),
    ],
)
def test_refusals(dtype: str, q_in: tuple | None, q_out: tuple | None, error: type, match: str):
    with pytest.raises(error, match=match):
        micro.Interpreter.from_bytes(unary_model("ABS", (4,), dtype, dtype, q_in, q_out))


@pytest.mark.parametrize("q_out", [(0.01, 0), (0.02, 0)])
def test_tampered_params_are_refused_or_safe(q_out: tuple[float, int]) -> None:
    assert_hostile_params_safe(unary_model("ABS", (3, 5), "int16", "int16", (0.01, 0), q_out))
