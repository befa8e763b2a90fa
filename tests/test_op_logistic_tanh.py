"""LOGISTIC and TANH (int8, lookup tables of TFLM's integer arithmetic) against TFLM."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import T, one_op_model, unary_model
from support.oracle import assert_matches_tflm, run_micro, run_tflm
from support.programs import assert_hostile_params_safe

import micro
from micro.ops.lut import lut_table

OPS = ("LOGISTIC", "TANH")
ALL_INT8 = np.arange(-128, 128, dtype=np.int8)


def lut_model(
    op: str,
    shape: tuple[int, ...],
    scale: float,
    zero_point: int,
    out_quant: tuple[float, int] | None = None,
    dtype: str = "int8",
) -> bytes:
    """`op` on an input of this quantization; the output's is the converter's by default."""
    if out_quant is None:
        out_quant = (1 / 256, -128) if op == "LOGISTIC" else (1 / 128, 0)
    return unary_model(op, shape, dtype, dtype, (scale, zero_point), out_quant)


def _scale(rng: np.random.Generator) -> float:
    return float(np.exp(rng.uniform(np.log(1e-4), np.log(30.0))))


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("seed", range(100))
def test_random_models_match_tflm(op: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = tuple(int(d) for d in rng.integers(1, 9, int(rng.integers(1, 5))))
    model = lut_model(op, shape, _scale(rng), int(rng.integers(-128, 128)))
    assert_matches_tflm(model, seeds=(seed,))


SCALES = [2.0**-20, 2.0**-8, 0.0078125, 0.01, 0.03, 0.1, 0.5, 1.0, 7.9, 15.99, 16.0, 1e3]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("case", range(len(SCALES) + 40))
def test_every_input_value(op: str, case: int) -> None:
    """The whole table: all 256 int8 inputs, for fixed edge scales and random ones."""
    rng = np.random.default_rng(1000 + case)
    scale = SCALES[case] if case < len(SCALES) else _scale(rng)
    zero_point = int(rng.integers(-128, 128))
    model = lut_model(op, (256,), scale, zero_point)
    (got,) = run_micro(model, [ALL_INT8])
    (expected,) = run_tflm(model, [ALL_INT8], 1)
    assert np.array_equal(got, expected), f"scale {scale}, zero point {zero_point}"


def test_output_quantization_is_not_read() -> None:
    """TFLM ignores the output scale (and TANH's zero point); so does micro."""
    for op, out_quant in (("LOGISTIC", (0.3, -128)), ("TANH", (0.05, 17))):
        model = lut_model(op, (256,), 0.05, 3, out_quant)
        (got,) = run_micro(model, [ALL_INT8])
        assert np.array_equal(got, run_tflm(model, [ALL_INT8], 1)[0])


def test_known_values() -> None:
    """Independent arithmetic: logistic(0) = 1/2 -> 0; tanh(0) = 0; saturation far out."""
    for op, expected in (("LOGISTIC", [-128, 0, 127]), ("TANH", [-128, 0, 127])):
        it = micro.Interpreter.from_bytes(lut_model(op, (3,), 0.5, 0))
        it.set_input(np.array([-128, 0, 127], np.int8), 0)
        it.invoke()
        assert it.get_output(0).tolist() == expected


def test_lut_table_indexing() -> None:
    table = lut_table(lambda q: -q - 1)
    assert table[0] == -1 and table[127] == -128 and table[128] == 127 and table[255] == 0


def _error(model: bytes) -> micro.MicroError:
    with pytest.raises(micro.MicroError) as info:
        micro.Interpreter.from_bytes(model)
    return info.value


def test_rejects_logistic_output_zero_point() -> None:
    err = _error(lut_model("LOGISTIC", (4,), 0.1, 0, (1 / 256, 0)))
    assert isinstance(err, micro.UnsupportedOpError) and "-128" in str(err)


@pytest.mark.parametrize("op", OPS)
def test_rejects_int16_output_scale(op: str) -> None:
    err = _error(lut_model(op, (4,), 2**-12, 0, (2**-14, 0), dtype="int16"))
    assert isinstance(err, micro.UnsupportedOpError) and "2^-15" in str(err)


INT16_SCALES = [2.0**-12, 2.0**-11, 2.0**-13, 2.0**-10, 1e-4, 3e-4, 1e-3, 2.5e-5, 7.7e-4]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("case", range(len(INT16_SCALES) + 12))
def test_int16_every_input_value(op: str, case: int) -> None:
    """All 65536 int16 inputs: power-of-two input scales (TFLM's shortcut) and general ones."""
    rng = np.random.default_rng(2000 + case)
    scale = INT16_SCALES[case] if case < len(INT16_SCALES) else float(10 ** rng.uniform(-5, -2.5))
    model = lut_model(op, (65536,), scale, 0, (2**-15, 0), dtype="int16")
    x = np.arange(-32768, 32768, dtype=np.int16)
    (got,) = run_micro(model, [x])
    (expected,) = run_tflm(model, [x], 1)
    assert np.array_equal(got, expected), f"scale {scale}"


def test_rejects_shape_mismatch() -> None:
    x, y = T((4,), "int8", quant=(0.1, 0)), T((5,), "int8", quant=(1 / 128, 0))
    err = _error(one_op_model("TANH", [x], [y]))
    assert isinstance(err, micro.ModelError) and "operator 0" in str(err)


@pytest.mark.parametrize("op", OPS)
def test_tampered_params_are_refused_or_safe(op: str) -> None:
    assert_hostile_params_safe(lut_model(op, (3, 5), 0.1, 2))
