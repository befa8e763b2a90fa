"""SOFTMAX (int8 input; int8 or int16 output) against TFLM, byte for byte."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import unary_model
from support.oracle import assert_matches_tflm, run_micro, run_tflm
from support.programs import assert_hostile_params_safe

import micro
from micro.writer import ModelBuilder

INT8_OUT = ("int8", 1.0 / 256, -128)
INT16_OUT = ("int16", 1.0 / 65536, -32768)


def softmax_model(
    shape: tuple[int, ...],
    scale: float,
    zero_point: int,
    beta: float = 1.0,
    out: tuple[str, float, int] = INT8_OUT,
    in_dtype: str = "int8",
) -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x", shape, in_dtype, scale=scale, zero_point=zero_point)
    y = b.add_tensor("y", shape, out[0], scale=out[1], zero_point=out[2])
    b.add_operator("SOFTMAX", [x], [y], {"beta": beta})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def random_softmax(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, 5))
    shape = [int(d) for d in rng.integers(1, 5, rank)]
    # The int8 reference aborts when a row's exponentials sum to 512 or more: depth < 512.
    shape[-1] = int(rng.choice([1, 2, 3, 10, 12, 100, 255, 300, 511]))
    scale = float(np.exp(rng.uniform(np.log(1e-3), np.log(2.0))))
    beta = 1.0 if seed % 2 else float(rng.uniform(0.1, 3.0))
    out = INT8_OUT if seed % 3 else INT16_OUT
    return softmax_model(tuple(shape), scale, int(rng.integers(-128, 128)), beta, out)


@pytest.mark.parametrize("seed", range(120))
def test_random_softmax_matches_tflm(seed: int) -> None:
    assert_matches_tflm(random_softmax(seed), seeds=(seed,))


SCALES = [1e-4, 0.003, 0.0625, 0.1, 0.17, 0.5, 1.0, 3.0, 40.0, 1e4]


@pytest.mark.parametrize("out", [INT8_OUT, INT16_OUT], ids=["int8", "int16"])
@pytest.mark.parametrize("scale", SCALES)
def test_every_difference(scale: float, out: tuple[str, float, int]) -> None:
    """Rows holding all 256 int8 values, and rows of a few values: every entry of the
    exp table (every difference 0..255, below and above diff_min) reaches the output."""
    rng = np.random.default_rng(int(scale * 1000))
    rows = [np.arange(-128, 128)] + [rng.permutation(np.arange(-128, 128)) for _ in range(2)]
    for k in range(1, 256, 7):  # a max and one value k below it, in 256-wide rows
        rows.append(np.array([127, 127 - k] + [-128] * 254))
    x = np.stack(rows).astype(np.int8)
    model = softmax_model(x.shape, scale, 0, 1.0, out)
    (got,) = run_micro(model, [x])
    (expected,) = run_tflm(model, [x], 1)
    assert np.array_equal(got.view(np.uint8), expected.view(np.uint8))


def test_uniform_row_known_values() -> None:
    """Independent arithmetic: a row of 4 equal values is 1/4 each: 64/256 - 128 = -64."""
    model = softmax_model((1, 4), 0.1, 0)
    it = micro.Interpreter.from_bytes(model)
    it.set_input(np.full((1, 4), 5, np.int8), 0)
    it.invoke()
    assert it.get_output(0).ravel().tolist() == [-64] * 4


def _error(model: bytes) -> micro.MicroError:
    with pytest.raises(micro.MicroError) as info:
        micro.Interpreter.from_bytes(model)
    return info.value


def test_rejects_wrong_output_quantization() -> None:
    err = _error(softmax_model((2, 5), 0.1, 0, out=("int8", 1.0 / 255, -128)))
    assert isinstance(err, micro.UnsupportedOpError) and "1/256" in str(err)
    err = _error(softmax_model((2, 5), 0.1, 0, out=("int16", 1.0 / 65536, 0)))
    assert isinstance(err, micro.UnsupportedOpError) and "-32768" in str(err)


def test_rejects_float_inputs() -> None:
    err = _error(unary_model("SOFTMAX", (2, 5), "float32", "float32", None, None, {"beta": 1.0}))
    assert isinstance(err, micro.UnsupportedOpError) and "float32" in str(err)


def test_rejects_tiny_beta() -> None:
    """TFLM aborts when beta * scale * 2^26 <= 1; micro refuses the model instead."""
    err = _error(softmax_model((2, 5), 1e-4, 0, beta=1e-4))
    assert isinstance(err, micro.UnsupportedOpError) and "operator 0" in str(err)


@pytest.mark.parametrize("out", [INT8_OUT, INT16_OUT], ids=["int8", "int16"])
def test_tampered_params_are_refused_or_safe(out: tuple[str, float, int]) -> None:
    assert_hostile_params_safe(softmax_model((3, 7), 0.1, 5, out=out))
