"""RELU, RELU6, LEAKY_RELU, HARD_SWISH (int8), int16 RELU, RELU6, LEAKY_RELU and PRELU,
int8 PRELU against TFLM, byte for byte.

Each op is a function of one int8 value, so every random quantization is checked on all
256 input values, plus a randomly shaped model on random inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support.models import random_broadcast, random_quant, unary_model
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe
from support.seanet import assert_seanet_case

import micro
from micro.errors import UnsupportedOpError
from micro.writer import ModelBuilder

OPS = ("RELU", "RELU6", "LEAKY_RELU", "HARD_SWISH")
ALL_INT8 = np.arange(-128, 128, dtype=np.int8)


def _case(op: str, rng: np.random.Generator) -> tuple[tuple[float, int], tuple[float, int], dict]:
    q_in = random_quant(rng, "int8", -3, 0)
    # Output scale relative to the input's: from much finer to much coarser.
    ratio = 10.0 ** rng.uniform(-2, 1.5)
    q_out = (float(np.float32(q_in[0] * ratio)), int(rng.integers(-128, 128)))
    options = {}
    if op == "LEAKY_RELU":
        alpha = rng.choice([0.0, 0.01, 0.1, 0.2, 1.0, 1.5, -0.5, float(rng.uniform(-2, 2))])
        options = {"alpha": float(np.float32(alpha))}
    return q_in, q_out, options


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("seed", range(100))
def test_random_models(op: str, seed: int) -> None:
    rng = np.random.default_rng([seed, OPS.index(op), 11])
    q_in, q_out, options = _case(op, rng)
    assert_matches_tflm(
        unary_model(op, (256,), "int8", "int8", q_in, q_out, options), inputs=[ALL_INT8]
    )
    shape = tuple(int(d) for d in rng.integers(1, 8, int(rng.integers(0, 6))))
    model = unary_model(op, shape, "int8", "int8", q_in, q_out, options)
    assert_matches_tflm(model, seeds=(seed,))


@pytest.mark.parametrize(
    ("q_in", "q_out"),
    [
        ((0.02, 0), (0.02, 0)),  # identity scales
        ((0.1, -128), (0.05, -128)),
        ((0.0235, 3), (1e-4, 7)),  # RELU6's six saturates; LEAKY_RELU: double alpha rescale
        ((1.0, 0), (2.0, 127)),
        ((0.5, 100), (0.25, -100)),
        # RELU: a float32 ratio of the scales would give another multiplier and output
        ((0.37824496626853943, 9), (0.10327507555484772, -67)),
        ((0.0067555829882621765, -115), (0.0013776090927422047, -127)),
    ],
)
@pytest.mark.parametrize("op", OPS[:3])
def test_edges(op: str, q_in: tuple[float, int], q_out: tuple[float, int]) -> None:
    options = {"alpha": 0.3} if op == "LEAKY_RELU" else None
    assert_matches_tflm(
        unary_model(op, (256,), "int8", "int8", q_in, q_out, options), inputs=[ALL_INT8]
    )


@pytest.mark.parametrize(
    ("q_in", "q_out"),
    [
        ((0.02, 0), (0.02, 0)),
        ((0.002, -5), (3.0, 10)),  # output exponent below -15: the int16 mask wraps
        ((0.001, 20), (5.0, -20)),
        ((0.9, -128), (0.03, -100)),  # large relu-ish exponent: saturating shifts
        ((0.05, 127), (0.0004, 0)),  # output exponent 0
    ],
)
def test_hard_swish_fixed_point_edges(q_in: tuple[float, int], q_out: tuple[float, int]) -> None:
    model = unary_model("HARD_SWISH", (256,), "int8", "int8", q_in, q_out)
    assert_matches_tflm(model, inputs=[ALL_INT8])


@pytest.mark.parametrize("seed", range(40))
def test_leaky_relu_int16(seed: int) -> None:
    rng = np.random.default_rng([seed, 17])
    q_in = (float(np.float32(10.0 ** rng.uniform(-5, -2))), 0)
    q_out = (float(np.float32(q_in[0] * 10.0 ** rng.uniform(-1.5, 1.5))), 0)
    if seed % 4 == 3:  # TFLM does not require zero points of 0 here
        q_in, q_out = (
            (q_in[0], int(rng.integers(-500, 500))),
            (q_out[0], int(rng.integers(-500, 500))),
        )
    alpha = rng.choice([0.0, 0.01, 0.2, 0.3, 1.0, 1.7, -0.4, float(rng.uniform(-2, 2))])
    options = {"alpha": float(np.float32(alpha))}
    shape = tuple(int(d) for d in rng.integers(1, 9, int(rng.integers(0, 5))))
    model = unary_model("LEAKY_RELU", shape, "int16", "int16", q_in, q_out, options)
    assert_matches_tflm(model, seeds=(seed,))
    values = np.arange(-32768, 32768, dtype=np.int16)
    model = unary_model("LEAKY_RELU", values.shape, "int16", "int16", q_in, q_out, options)
    assert_matches_tflm(model, inputs=[values])


@pytest.mark.parametrize("name", [f"leaky_relu{i}" for i in range(23)])
def test_seanet_leaky_relu(name: str, reference: Callable[[str], Path]) -> None:
    """TFLM's seanet int16 LEAKY_RELU cases: golden outputs and TFLM, byte for byte."""
    assert_seanet_case(reference, "leaky_relu", name)


def prelu_model(
    shape: tuple[int, ...],
    alpha_shape: tuple[int, ...],
    dtype: str,
    q: tuple[tuple[float, int], tuple[float, int], tuple[float, int]],
    alpha: np.ndarray | None = None,
    alpha_dtype: str = "int8",
) -> bytes:
    """PRELU of a `dtype` input and output and an `alpha_dtype` alpha, broadcast to the
    output; q: the (scale, zero point) of the input, alpha and output; alpha: constant
    data, or None for a second input."""
    (q_in, q_alpha, q_out) = q
    b = ModelBuilder()
    x = b.add_tensor("x", shape, dtype, scale=q_in[0], zero_point=q_in[1])
    a = b.add_tensor(
        "a", alpha_shape, alpha_dtype, data=alpha, scale=q_alpha[0], zero_point=q_alpha[1]
    )
    out_shape = tuple(np.broadcast_shapes(shape, alpha_shape))
    y = b.add_tensor("y", out_shape, dtype, scale=q_out[0], zero_point=q_out[1])
    b.add_operator("PRELU", [x, a], [y])
    b.set_inputs([x] if alpha is not None else [x, a])
    b.set_outputs([y])
    return b.build()


@pytest.mark.parametrize("seed", range(60))
def test_prelu(seed: int) -> None:
    """PRELU int8: alpha constant or not, broadcast per channel or in any broadcast shape."""
    rng = np.random.default_rng([seed, 18])
    shape, alpha_shape = random_broadcast(rng)
    q_in, q_alpha = random_quant(rng, "int8", -3, 0), random_quant(rng, "int8", -3, 0)
    q_out = (
        float(np.float32(q_in[0] * 10.0 ** rng.uniform(-1.5, 1.5))),
        int(rng.integers(-128, 128)),
    )
    alpha = rng.integers(-128, 128, alpha_shape).astype(np.int8) if seed % 2 else None
    model = prelu_model(shape, alpha_shape, "int8", (q_in, q_alpha, q_out), alpha)
    assert_matches_tflm(model, seeds=(seed, seed + 1))


def test_prelu_every_pair() -> None:
    """All 256 x 256 (input, alpha) pairs: (256, 1) with alpha (1, 256)."""
    model = prelu_model((256, 1), (1, 256), "int8", ((0.05, -7), (0.013, 20), (0.08, 3)))
    values = np.arange(-128, 128, dtype=np.int8)
    assert_matches_tflm(model, inputs=[values.reshape(256, 1), values.reshape(1, 256)])


def test_errors() -> None:
    def compile_(model: bytes) -> None:
        micro.Interpreter.from_bytes(model)

    q = (0.05, 0)
    for op in OPS:
        with pytest.raises(UnsupportedOpError, match=rf"operator 0 \({op}.*int32"):
            compile_(unary_model(op, (4,), "int32", "int32", q, q))
    with pytest.raises(UnsupportedOpError, match=r"operator 0 \(HARD_SWISH.*int16"):
        compile_(unary_model("HARD_SWISH", (4,), "int16", "int16", q, q))
    with pytest.raises(UnsupportedOpError, match=r"operator 0 \(HARD_SWISH.*too small"):
        compile_(unary_model("HARD_SWISH", (4,), "int8", "int8", (1.0, 0), (1e-4, 0)))


@pytest.mark.parametrize("seed", range(12))
def test_relu_int16_every_input_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng([seed, 16])
    q_in, q_out = random_quant(rng, "int16", -5, -1), random_quant(rng, "int16", -5, -1)
    assert q_in and q_out
    x = np.arange(-32768, 32768, dtype=np.int16)
    assert_matches_tflm(unary_model("RELU", x.shape, "int16", "int16", q_in, q_out), inputs=[x])


def test_relu_int16_zero_point_is_refused() -> None:
    model = unary_model("RELU", (4,), "int16", "int16", (0.01, 2), (0.01, 0))
    with pytest.raises(micro.UnsupportedOpError, match="zero points"):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize("seed", range(12))
def test_relu6_int16_every_input_matches_tflm(seed: int) -> None:
    """A clamp to [input_zp, input_zp + round(6 / input_scale)] whatever the output's
    quantization; zero points anywhere, scales putting six inside and outside int16."""
    rng = np.random.default_rng([seed, 6])
    q_in = random_quant(rng, "int16", -5, 0, any_zero_point=True)
    q_out = random_quant(rng, "int16", -5, 0, any_zero_point=True)
    assert q_in and q_out
    x = np.arange(-32768, 32768, dtype=np.int16)
    assert_matches_tflm(unary_model("RELU6", x.shape, "int16", "int16", q_in, q_out), inputs=[x])


@pytest.mark.parametrize(("dtype", "scale"), [("int16", 1e-12), ("int8", 2e-9), ("int8", 1e-10)])
def test_relu6_scale_beyond_int32_is_refused(dtype: str, scale: float) -> None:
    """round(6 / scale) past int32 is an undefined float-to-int conversion in TFLM: the
    x86 wheel's six becomes INT32_MIN (int8 RELU6 at scale 2e-9 gives -128 for every input
    above the zero point), an Arm build's INT32_MAX."""
    model = unary_model("RELU6", (4,), dtype, dtype, (scale, 3), (0.01, 0))
    with pytest.raises(micro.UnsupportedOpError, match=r"operator 0 \(RELU6.*int32"):
        micro.Interpreter.from_bytes(model)


def test_relu6_int8_six_just_inside_int32_matches_tflm() -> None:
    """6 / 3e-9 = 2e9 still converts: six saturates to 127 as in TFLM."""
    model = unary_model("RELU6", (256,), "int8", "int8", (3e-9, 3), (0.01, 0))
    assert_matches_tflm(model, inputs=[np.arange(-128, 128, dtype=np.int8)])


def prelu_int16_model(seed: int) -> bytes:
    """PRELU int16 input and output, int8 alpha (constant or not) in any broadcast shape."""
    rng = np.random.default_rng([seed, 26])
    shape, alpha_shape = random_broadcast(rng)
    q_in = random_quant(rng, "int16", -4, -1, any_zero_point=True)
    q_alpha = random_quant(rng, "int8", -3, 0)
    q_out = random_quant(rng, "int16", -4, -1, any_zero_point=True)
    assert q_in and q_alpha and q_out
    alpha = rng.integers(-128, 128, alpha_shape).astype(np.int8) if seed % 2 else None
    return prelu_model(shape, alpha_shape, "int16", (q_in, q_alpha, q_out), alpha)


@pytest.mark.parametrize("seed", range(40))
def test_prelu_int16(seed: int) -> None:
    assert_matches_tflm(prelu_int16_model(seed), seeds=(seed, seed + 1))


def test_prelu_int16_every_alpha_on_extreme_inputs() -> None:
    """Every int8 alpha against the int16 extremes and the zero point's neighbours."""
    model = prelu_model((8, 1), (1, 256), "int16", ((3e-4, -1000), (0.02, -5), (2e-4, 700)))
    xs = np.array([-32768, -32767, -1001, -1000, -999, 0, 32766, 32767], np.int16)
    alphas = np.arange(-128, 128, dtype=np.int8)
    assert_matches_tflm(model, inputs=[xs.reshape(8, 1), alphas.reshape(1, 256)])


def test_prelu_int16_refusals() -> None:
    def model(alpha_dtype: str) -> bytes:
        q = (0.01, 0)
        return prelu_model((2, 3), (3,), "int16", (q, q, q), alpha_dtype=alpha_dtype)

    with pytest.raises(UnsupportedOpError, match=r"operator 0 \(PRELU.*int16"):
        micro.Interpreter.from_bytes(model("int16"))
    with pytest.raises(UnsupportedOpError, match=r"operator 0 \(PRELU.*float32"):
        micro.Interpreter.from_bytes(model("float32"))


def test_int16_tampered_params_are_refused_or_safe() -> None:
    assert_hostile_params_safe(prelu_int16_model(3))
    assert_hostile_params_safe(unary_model("RELU6", (3, 5), "int16", "int16", (0.01, 9), (0.01, 0)))
