"""L2_NORMALIZATION (int8 and float32) against TFLM on generated models: random shapes, zero
points and spreads (all-zero rows included), float special values; the refusals."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import random_quant, unary_model
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe

import micro
from micro.schema import ActivationFunctionType as Act

OUT = (1.0 / 128, 0)  # the converter's (and TFLM's) output quantization


def l2_model(shape: tuple[int, ...], q_in: tuple, act: int = Act.NONE) -> bytes:
    options = {"fused_activation_function": int(act)}
    return unary_model("L2_NORMALIZATION", shape, "int8", "int8", q_in, OUT, options)


@pytest.mark.parametrize("seed", range(40))
def test_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng([seed, 2])
    shape = tuple(int(d) for d in rng.integers(1, 6, int(rng.integers(1, 5))))
    shape = (*shape[:-1], int(rng.choice([1, 2, 3, 16, 100, 1000])))
    q_in = random_quant(rng, "int8")
    assert q_in is not None
    model = l2_model(shape, q_in)
    spread = int(rng.integers(0, 128))
    x = np.clip(q_in[1] + rng.integers(-spread, spread + 1, shape), -128, 127).astype(np.int8)
    assert_matches_tflm(model, inputs=[x])  # rows near the zero point: small sums
    assert_matches_tflm(model, seeds=(seed,))


def test_zero_rows_match_tflm() -> None:
    model = l2_model((3, 4), (0.1, 5))
    x = np.array([[5, 5, 5, 5], [5, 6, 5, 5], [-128, 127, 0, 5]], np.int8)
    assert_matches_tflm(model, inputs=[x])


def test_longest_rows_match_tflm() -> None:
    """The largest sum of squares: 255^2 per element."""
    depth = int(micro._ffi.lib.MICRO_L2_NORM_S8_MAX_DEPTH)
    model = l2_model((1, depth), (0.1, 127))
    assert_matches_tflm(model, inputs=[np.full((1, depth), -128, np.int8)])


@pytest.mark.parametrize(
    ("shape", "act", "match"),
    [
        ((2, 2, 2, 2, 2), Act.NONE, "rank-5"),
        ((2, 4), Act.RELU, "fused activation"),
        ((1, 40000), Act.NONE, "overflows"),
    ],
)
def test_refusals(shape: tuple, act: int, match: str) -> None:
    with pytest.raises(micro.UnsupportedOpError, match=match):
        micro.Interpreter.from_bytes(l2_model(shape, (0.1, 0), act))


def test_tampered_params_are_refused_or_safe() -> None:
    assert_hostile_params_safe(l2_model((3, 9), (0.05, -3)))


def l2_float_model(shape: tuple[int, ...]) -> bytes:
    return unary_model("L2_NORMALIZATION", shape, "float32", "float32", None, None)


@pytest.mark.parametrize("seed", range(30))
def test_float_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng([seed, 32])
    shape = tuple(int(d) for d in rng.integers(1, 6, int(rng.integers(1, 5))))
    shape = (*shape[:-1], int(rng.choice([1, 2, 3, 16, 100, 1000])))
    model = l2_float_model(shape)
    assert_matches_tflm(model, seeds=(seed,))
    scale = 10.0 ** rng.integers(-25, 19, (*shape[:-1], 1))  # tiny rows hit the 1e-6 floor
    x = (rng.normal(0, 1, shape) * scale).astype(np.float32)
    assert_matches_tflm(model, inputs=[x])


def test_float_special_values_match_tflm() -> None:
    """Zero rows (divided by 1e-6), signed zeros, rows whose squares overflow to infinity
    (every value / inf), an infinity in a row (inf / inf is NaN), subnormals."""
    rows = [
        [0.0, -0.0, 0.0, -0.0],
        [3e38, 1.0, -2.0, 0.5],
        [2e19, -2e19, 1e-3, 0.0],
        [np.inf, 1.0, -1.0, 0.0],
        [1e-45, -3e-45, 1e-40, 0.0],
        [1e-7, 0.0, -1e-7, 3e-7],
        [3.0, 4.0, 0.0, -12.0],
    ]
    x = np.array(rows, np.float32)
    assert_matches_tflm(l2_float_model(x.shape), inputs=[x])


@pytest.mark.parametrize(
    ("shape", "act", "match"), [((2, 2, 2, 2, 2), Act.NONE, "rank-5"), ((2, 4), Act.RELU6, "fused")]
)
def test_float_refusals(shape: tuple, act: int, match: str) -> None:
    options = {"fused_activation_function": int(act)}
    model = unary_model("L2_NORMALIZATION", shape, "float32", "float32", None, None, options)
    with pytest.raises(micro.UnsupportedOpError, match=rf"operator 0.*{match}"):
        micro.Interpreter.from_bytes(model)


def test_float_tampered_params_are_refused_or_safe() -> None:
    assert_hostile_params_safe(l2_float_model((3, 5)))
