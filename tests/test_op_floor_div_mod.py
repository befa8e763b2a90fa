"""int32 FLOOR_DIV and FLOOR_MOD (floor_div_mod_s32). TFLM runs both on float32 only (its
wheel fails the invoke: "Type 'INT32' is not supported"), so the oracle is LiteRT's
reference kernels, byte for byte, and numpy's floor division as independent arithmetic."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import T, one_op_model, random_broadcast
from support.oracle import assert_same_bytes, run_litert, run_micro, run_tflm
from support.programs import assert_hostile_params_safe

import micro

OPS = ("FLOOR_DIV", "FLOOR_MOD")
INT32_MIN = -(1 << 31)


def model(
    op: str, s1: tuple[int, ...], s2: tuple[int, ...], divisor: np.ndarray | None = None
) -> bytes:
    out = np.broadcast_shapes(s1, s2)
    return one_op_model(
        op,
        [T(s1, np.int32, name="x"), T(s2, np.int32, divisor, name="y")],
        [T(out, np.int32, name="output")],
    )


def numpy_floor(op: str, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Floor division and its remainder in int64, wrapped to int32 (INT32_MIN // -1)."""
    wide_x, wide_y = x.astype(np.int64), y.astype(np.int64)
    exact = np.floor_divide(wide_x, wide_y) if op == "FLOOR_DIV" else np.mod(wide_x, wide_y)
    return exact.astype(np.int32)


def operands(
    rng: np.random.Generator, s1: tuple[int, ...], s2: tuple[int, ...], bits: int
) -> tuple[np.ndarray, np.ndarray]:
    """Dividends over the whole int32 range, divisors of either sign up to 2^bits, never 0,
    and never -1 under INT32_MIN (LiteRT's FLOOR_MOD traps there: see the edge test)."""
    x = rng.integers(INT32_MIN, (1 << 31) - 1, s1, endpoint=True).astype(np.int32)
    y = rng.integers(-(1 << bits), 1 << bits, s2, endpoint=True).astype(np.int32)
    y = np.where(y == 0, 3, y).astype(np.int32)
    y = np.where(y == -1, -2, y).astype(np.int32)
    return x, y


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("seed", range(24))
def test_matches_litert_and_numpy(op: str, seed: int) -> None:
    """Random shapes that broadcast (ranks 0-4, LiteRT's limit), negative operands of every
    size, small divisors (remainders of both signs) and large ones (quotients 0 and -1)."""
    rng = np.random.default_rng([seed, 90])
    s1, s2 = random_broadcast(rng)
    while len(np.broadcast_shapes(s1, s2)) > 4:
        s1, s2 = random_broadcast(rng)
    x, y = operands(rng, s1, s2, 4 if seed % 3 else 31)
    const = seed % 4 == 3
    m = model(op, s1, s2, y if const else None)
    inputs = [x] if const else [x, y]
    got = run_micro(m, inputs)
    assert_same_bytes(got, run_litert(m, inputs), f"seed {seed}: LiteRT")
    assert_same_bytes(got, [numpy_floor(op, x, y)], f"seed {seed}: numpy")


@pytest.mark.parametrize("op", OPS)
def test_signs_and_extremes(op: str) -> None:
    """Every sign pair around exact and inexact quotients, and the int32 ends."""
    values = [7, -7, 6, -6, 1, -1, 0, INT32_MIN, INT32_MIN + 1, (1 << 31) - 1]
    divisors = [2, -2, 3, -3, 7, -7, 1, (1 << 31) - 1, INT32_MIN]
    x = np.array([[v] * len(divisors) for v in values], np.int32)
    y = np.array(divisors, np.int32)
    m = model(op, x.shape, y.shape)
    got = run_micro(m, [x, y])
    assert_same_bytes(got, run_litert(m, [x, y]), "LiteRT")
    assert_same_bytes(got, [numpy_floor(op, x, y)], "numpy")


def test_int32_min_by_minus_one() -> None:
    """INT32_MIN // -1 wraps to INT32_MIN (as LiteRT's x86 build gives); INT32_MIN mod -1 is
    0, where LiteRT's C++ remainder overflows (a SIGFPE on x86, so it is not run here)."""
    x, y = np.array([INT32_MIN, 5], np.int32), np.array([-1, -1], np.int32)
    div = model("FLOOR_DIV", (2,), (2,))
    assert run_micro(div, [x, y])[0].tolist() == [INT32_MIN, -5]
    assert_same_bytes(run_micro(div, [x, y]), run_litert(div, [x, y]), "LiteRT")
    assert run_micro(model("FLOOR_MOD", (2,), (2,)), [x, y])[0].tolist() == [0, 0]


def test_tflm_does_not_run_int32() -> None:
    """The reason LiteRT is the oracle: TFLM's kernels take float32 only."""
    m = model("FLOOR_MOD", (2,), (2,))
    with pytest.raises(RuntimeError):
        run_tflm(m, [np.array([3, -3], np.int32), np.array([2, 2], np.int32)], 1)


@pytest.mark.parametrize("op", OPS)
def test_runtime_zero_divisor_is_an_invoke_error(op: str) -> None:
    """LiteRT fails the invoke ("Division by 0"); micro names the operator and the element."""
    m = model(op, (2, 3), (3,))
    x, y = np.arange(6, dtype=np.int32).reshape(2, 3), np.array([4, 0, -4], np.int32)
    with pytest.raises(RuntimeError, match="Division by 0"):
        run_litert(m, [x, y])
    it = micro.Interpreter.from_bytes(m)
    it.set_input(x, 0)
    it.set_input(y, 1)
    with pytest.raises(micro.InvokeError) as info:
        it.invoke()
    assert str(info.value) == (
        f"operator 0 ({op}): division by zero: the divisor, input 1 ('y'), holds 0 at element 1"
    )


@pytest.mark.parametrize("op", OPS)
def test_constant_zero_divisor_is_malformed(op: str) -> None:
    m = model(op, (4,), (2, 1, 1), np.array([3, 0], np.int32).reshape(2, 1, 1))
    with pytest.raises(
        micro.ModelError, match=rf"operator 0 \({op} v1\): division by zero: .*element 1"
    ):
        micro.Interpreter.from_bytes(m)


def test_refusals() -> None:
    mixed = one_op_model("FLOOR_MOD", [T((3,), np.int32), T((3,), np.int16)], [T((3,), np.int32)])
    with pytest.raises(micro.UnsupportedOpError, match="int16"):
        micro.Interpreter.from_bytes(mixed)
    with pytest.raises(micro.ModelError, match="do not broadcast"):
        micro.Interpreter.from_bytes(
            one_op_model("FLOOR_DIV", [T((3,), np.int32), T((4,), np.int32)], [T((4,), np.int32)])
        )
    quantized = one_op_model(
        "FLOOR_DIV",
        [T((3,), np.int32, quant=(0.5, 0)), T((3,), np.int32)],
        [T((3,), np.int32)],
    )
    with pytest.raises(micro.UnsupportedOpError, match="quantized int32"):
        micro.Interpreter.from_bytes(quantized)


@pytest.mark.parametrize("op", OPS)
def test_tampered_params_are_refused_or_safe(op: str) -> None:
    assert_hostile_params_safe(model(op, (2, 3, 4), (3, 1)))
