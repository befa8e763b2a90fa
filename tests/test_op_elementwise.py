"""Float32 elementwise ops (NEG, SQUARE, SQRT, RSQRT; SQUARED_DIFFERENCE, DIV, MAXIMUM,
MINIMUM with broadcasting), int8 and int16 RSQRT and int8 SQUARED_DIFFERENCE against TFLM;
the integer square root against numpy's correctly rounded one on every kind of float."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import random_broadcast, random_quant, unary_model
from support.oracle import assert_matches_tflm, run_micro, run_tflm
from support.programs import assert_hostile_params_safe
from test_op_rearrange import _shape

import micro
from micro import libm
from micro.schema import ActivationFunctionType as Act
from micro.writer import ModelBuilder

UNARY = ("NEG", "SQUARE", "SQRT", "RSQRT", "FLOOR", "CEIL", "ROUND")
BINARY = ("SQUARED_DIFFERENCE", "DIV", "MAXIMUM", "MINIMUM", "FLOOR_DIV", "FLOOR_MOD")


def binary_model(op: str, s1: tuple, s2: tuple, out: tuple, act: int = Act.NONE) -> bytes:
    """float32 input1 op input2; only DIV has a fused activation."""
    b = ModelBuilder()
    x1 = b.add_tensor("x1", s1, "float32")
    x2 = b.add_tensor("x2", s2, "float32")
    y = b.add_tensor("y", out, "float32")
    b.add_operator(op, [x1, x2], [y], {"fused_activation_function": act} if op == "DIV" else None)
    b.set_inputs([x1, x2])
    b.set_outputs([y])
    return b.build()


@pytest.mark.parametrize("op", UNARY)
@pytest.mark.parametrize("seed", range(10))
def test_unary_matches_tflm(op: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = _shape(rng, int(rng.integers(1, 5)), 7)
    assert_matches_tflm(unary_model(op, shape, "float32", "float32", None, None), seeds=(seed,))


def _special_floats(rng: np.random.Generator, n: int) -> np.ndarray:
    """Random bit patterns (all exponents, subnormals, NaNs, infinities) plus edge values."""
    bits = rng.integers(0, 1 << 32, n, dtype=np.uint64).astype(np.uint32)
    edges = np.array(
        [
            0.0,
            -0.0,
            1.0,
            2.0,
            4.0,
            0.25,
            np.inf,
            -np.inf,
            np.nan,
            -1.0,
            1e-45,
            1.4e-45,
            3.4e38,
            1.1754942e-38,
            1.1754944e-38,
        ],
        np.float32,
    )
    return np.concatenate([bits.view(np.float32), edges])


@pytest.mark.parametrize("op", ["SQRT", "RSQRT"])
def test_sqrt_is_correctly_rounded(op: str) -> None:
    """Positive inputs over every exponent: numpy's float32 sqrt is correctly rounded, and
    so is the division; negative inputs give the oracle's default NaN."""
    rng = np.random.default_rng(7)
    x = np.abs(_special_floats(rng, 20000))
    x = x[~np.isnan(x)]
    model = unary_model(op, x.shape, "float32", "float32", None, None)
    (got,) = run_micro(model, [x])
    with np.errstate(divide="ignore"):
        want = np.sqrt(x) if op == "SQRT" else np.float32(1) / np.sqrt(x)
    assert got.tobytes() == want.astype(np.float32).tobytes()


@pytest.mark.parametrize("op", ["SQRT", "RSQRT", "NEG", "SQUARE", "FLOOR", "CEIL", "ROUND"])
def test_special_values_match_tflm(op: str) -> None:
    x = _special_floats(np.random.default_rng(3), 2000)
    model = unary_model(op, x.shape, "float32", "float32", None, None)
    (got,) = run_micro(model, [x])
    (want,) = run_tflm(model, [x], 1)
    assert got.tobytes() == want.tobytes()


@pytest.mark.parametrize("op", ["FLOOR", "CEIL", "ROUND"])
def test_rounding_matches_tflm(op: str) -> None:
    """Every exponent, signed zeros, NaN and infinities, halves (ROUND's ties to even),
    values one ulp either side of integers and halves, and the 2^23 boundary."""
    rng = np.random.default_rng(11)
    halves = np.arange(-40, 41, dtype=np.float32) / np.float32(2)
    near = np.concatenate(
        [np.nextafter(halves, np.float32(np.inf)), np.nextafter(halves, np.float32(-np.inf))]
    )
    big = np.float32(2**23) + np.arange(-4, 5, dtype=np.float32) / np.float32(2)
    x = np.concatenate(
        [_special_floats(rng, 4000), halves, near, big, -big, rng.uniform(-9, 9, 500)]
    ).astype(np.float32)
    model = unary_model(op, x.shape, "float32", "float32", None, None)
    (got,) = run_micro(model, [x])
    (want,) = run_tflm(model, [x], 1)
    assert got.tobytes() == want.tobytes()
    finite = np.isfinite(x)
    numpy_fn = {"FLOOR": np.floor, "CEIL": np.ceil, "ROUND": np.round}[op]
    assert np.array_equal(got[finite], numpy_fn(x[finite]))  # values; ROUND's -0.0 is +0.0


@pytest.mark.parametrize("op", BINARY)
@pytest.mark.parametrize("seed", range(12))
def test_binary_matches_tflm(op: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    s1, s2 = random_broadcast(rng)
    out = tuple(np.broadcast_shapes(s1, s2))
    if len(out) > 4 and op in ("SQUARED_DIFFERENCE", "FLOOR_DIV", "FLOOR_MOD"):
        s1, s2, out = s1[-4:], s2[-4:], out[-4:]  # TFLM broadcasts up to 4-D here
    act = int(rng.choice([Act.NONE, Act.RELU, Act.RELU6])) if op == "DIV" else Act.NONE
    model = binary_model(op, s1, s2, out, act)
    assert_matches_tflm(model, seeds=(seed,))


@pytest.mark.parametrize("op", ["FLOOR_DIV", "FLOOR_MOD"])
def test_floor_div_mod_special_values_match_tflm(op: str) -> None:
    """Every exponent pairing (huge quotients, subnormals), signs, infinities and NaNs; no
    zero divisor for FLOOR_DIV (TFLM refuses to run then, as micro does)."""
    rng = np.random.default_rng(13)
    a = _special_floats(rng, 3000)
    b = np.concatenate([_special_floats(rng, 3000)[: a.size - 40], rng.uniform(-3, 3, 40)])
    b = b.astype(np.float32)
    if op == "FLOOR_DIV":
        b[b == 0] = np.float32(0.5)
    small = rng.integers(-50, 50, (2, 400)).astype(np.float32) / np.float32(4)
    small[1][small[1] == 0] = np.float32(-1.5)
    a, b = np.concatenate([a, small[0]]), np.concatenate([b, small[1]])
    model = binary_model(op, a.shape, b.shape, a.shape)
    (got,) = run_micro(model, [a, b])
    (want,) = run_tflm(model, [a, b], 1)
    assert got.tobytes() == want.tobytes()


def test_floor_div_by_zero_stops_as_tflm() -> None:
    model = binary_model("FLOOR_DIV", (3,), (1,), (3,))
    a, b = np.ones(3, np.float32), np.array([-0.0], np.float32)
    with pytest.raises(micro.InvokeError):
        run_micro(model, [a, b])
    with pytest.raises(RuntimeError):
        run_tflm(model, [a, b], 1)


def test_div_by_zero_and_nan_match_tflm() -> None:
    a = np.array([1, -1, 0, np.nan, np.inf, 3], np.float32)
    b = np.array([0, 0, 0, 1, np.inf, -0.0], np.float32)
    for op in BINARY:
        if op == "FLOOR_DIV":
            continue  # a zero divisor stops the run (above)
        model = binary_model(op, (6,), (6,), (6,))
        (got,) = run_micro(model, [a, b])
        (want,) = run_tflm(model, [a, b], 1)
        assert got.tobytes() == want.tobytes(), op


@pytest.mark.parametrize("seed", range(40))
def test_rsqrt_int8_every_valid_input_matches_tflm(seed: int) -> None:
    """The whole table at or above the zero point (TFLM refuses values below it)."""
    rng = np.random.default_rng(seed)
    q_in, q_out = random_quant(rng, "int8", -3, 0), random_quant(rng, "int8", -2, 1)
    x = np.arange(q_in[1], 128, dtype=np.int8)
    model = unary_model("RSQRT", x.shape, "int8", "int8", q_in, q_out)
    (got,) = run_micro(model, [x])
    (want,) = run_tflm(model, [x], 1)
    assert np.array_equal(got, want), f"quant {q_in} -> {q_out}"


@pytest.mark.parametrize("seed", range(12))
def test_rsqrt_int16_every_input_matches_tflm(seed: int) -> None:
    """Every positive int16 value and zero (TFLM stops with an error below zero)."""
    rng = np.random.default_rng([seed, 16])
    q_in, q_out = random_quant(rng, "int16", -5, -1), random_quant(rng, "int16", -4, -1)
    assert q_in and q_out
    x = np.arange(0, 32768, dtype=np.int16)
    model = unary_model("RSQRT", x.shape, "int16", "int16", q_in, q_out)
    assert_matches_tflm(model, inputs=[x])


def test_rsqrt_int16_refusals() -> None:
    model = unary_model("RSQRT", (4,), "int16", "int16", (0.01, 3), (0.01, 0))
    with pytest.raises(micro.UnsupportedOpError, match="zero points"):
        micro.Interpreter.from_bytes(model)
    model = unary_model("RSQRT", (4,), "int16", "int16", (1.0, 0), (1e5, 0))
    with pytest.raises(micro.UnsupportedOpError, match="too small"):
        micro.Interpreter.from_bytes(model)


def test_rsqrt_int16_tampered_params_are_refused_or_safe() -> None:
    assert_hostile_params_safe(unary_model("RSQRT", (3, 5), "int16", "int16", (1e-3, 0), (0.01, 0)))


@pytest.mark.parametrize("seed", range(40))
def test_squared_difference_int8_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    s1, s2 = random_broadcast(rng)
    out = tuple(np.broadcast_shapes(s1, s2))
    if len(out) > 4:
        s1, s2, out = s1[-4:], s2[-4:], out[-4:]
    q1, q2 = random_quant(rng, "int8", -3, -1), random_quant(rng, "int8", -3, -1)
    # An output scale near the squared input range, so results spread over int8.
    big = max(q1[0], q2[0]) * 128
    q_out = (
        float(np.float32(big * big / 128 * 10 ** rng.uniform(-1, 0.5))),
        int(rng.integers(-128, 128)),
    )
    b = ModelBuilder()
    x1 = b.add_tensor("x1", s1, "int8", scale=q1[0], zero_point=q1[1])
    x2 = b.add_tensor("x2", s2, "int8", scale=q2[0], zero_point=q2[1])
    y = b.add_tensor("y", out, "int8", scale=q_out[0], zero_point=q_out[1])
    b.add_operator("SQUARED_DIFFERENCE", [x1, x2], [y])
    b.set_inputs([x1, x2])
    b.set_outputs([y])
    assert_matches_tflm(b.build(), seeds=(seed,))


@pytest.mark.parametrize("case", range(60))
def test_elu_int8_every_input_matches_tflm(case: int) -> None:
    """The whole table (TFLM builds it in float32 with expf) for random quantizations."""
    rng = np.random.default_rng(3000 + case)
    _elu_matches_tflm(random_quant(rng, "int8", -2.5, 0), random_quant(rng, "int8", -2.5, -0.5))


def _elu_matches_tflm(q_in: tuple[float, int], q_out: tuple[float, int]) -> None:
    x = np.arange(-128, 128, dtype=np.int8)
    model = unary_model("ELU", x.shape, "int8", "int8", q_in, q_out)
    (got,) = run_micro(model, [x])
    (want,) = run_tflm(model, [x], 1)
    assert np.array_equal(got, want), f"quant {q_in} -> {q_out}: {x[got != want]} differ"


def test_elu_int8_calls_the_c_librarys_expf() -> None:
    """glibc's expf (TFLM's) is one float32 above exp rounded once at x = -0x1.9424fcp-14
    (found by comparing the two on every negative float32: 97,052 of 1.12e9 differ).
    Input scale -x puts x at q = in_zp - 1, and an output scale between the two values of
    2 * (exp(x) - 1) sends them to different sides of a rounding step."""
    f32 = np.float32
    x = f32(float.fromhex("-0x1.9424fcp-14"))
    libc = f32(libm.expf(np.array([x]))[0]) - f32(1)
    once = f32(np.exp(np.float64(x))) - f32(1)
    assert libc != once, "this C library's expf rounds exp(x) correctly here"
    s_out = float(f32(abs(float(libc)) + abs(float(once))))
    for zp_in in (0, 100):
        _elu_matches_tflm((float(-x), zp_in), (s_out, 0))


def test_elu_int8_rounds_as_roundf() -> None:
    """The largest float32 below 0.5 rounds to 0 (in float32, it plus 0.5 rounds up to 1)."""
    below_half = float(np.nextafter(np.float32(0.5), np.float32(0)))
    for zp_out in (0, 5, -7):
        _elu_matches_tflm((below_half, 0), (1.0, zp_out))
