"""int32 DIV, MINIMUM and MAXIMUM (and the shared int32 kernel), byte-identical to TFLM."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import T, one_op_model
from support.oracle import run_micro, run_tflm

import micro
from micro._ffi import status_message

SHAPES = [((40,), (40,)), ((40,), ()), ((), (3, 5)), ((1,), (6,)), ((2, 3), (1,)), ((7,), (7,))]
ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]


def _int32(rng: np.random.Generator, shape: tuple[int, ...], bits: int) -> np.ndarray:
    return rng.integers(-(1 << bits), (1 << bits) - 1, shape, endpoint=True).astype(np.int32)


@pytest.mark.parametrize("op", ["DIV", "MINIMUM", "MAXIMUM"])
@pytest.mark.parametrize("case", range(24))
def test_matches_tflm(op: str, case: int) -> None:
    rng = np.random.default_rng(case)
    s1, s2 = SHAPES[case % len(SHAPES)]
    out = s1 if int(np.prod(s1)) >= int(np.prod(s2)) and s1 else s2
    options = None
    if op == "DIV":
        options = {"fused_activation_function": ACTIVATIONS[case % 4]}
    a = _int32(rng, s1, 31 if case % 2 else 12)
    b = _int32(rng, s2, 31 if case % 3 else 6)
    if op == "DIV":
        b = np.where(b == 0, 1, b).astype(np.int32)
        a.reshape(-1)[:1] = -(1 << 31)
    const = case % 5 == 4
    model = one_op_model(
        op,
        [T(s1, np.int32, name="a"), T(s2, np.int32, b if const else None, name="b")],
        [T(out, np.int32, name="output")],
        options,
    )
    inputs = [a] if const else [a, b]
    (got,) = run_micro(model, inputs)
    (want,) = run_tflm(model, inputs, 1)
    assert got.tobytes() == np.asarray(want).tobytes(), f"{got} != {want}"


def test_constant_zero_divisor_is_malformed() -> None:
    model = one_op_model(
        "DIV",
        [T((4,), np.int32, name="a"), T((), np.int32, np.array(0, np.int32), name="b")],
        [T((4,), np.int32, name="output")],
    )
    with pytest.raises(
        micro.ModelError,
        match=r"operator 0 \(DIV v1\): division by zero: the divisor, input 1 \('b'\), is a "
        r"constant holding 0 at element 0",
    ):
        micro.Interpreter.from_bytes(model)


def test_runtime_zero_divisor_is_an_invoke_error() -> None:
    model = one_op_model(
        "DIV",
        [T((4,), np.int32, name="a"), T((4,), np.int32, name="b")],
        [T((4,), np.int32, name="output")],
    )
    it = micro.Interpreter.from_bytes(model)
    it.set_input(np.arange(4, dtype=np.int32), 0)
    it.set_input(np.array([1, 2, 0, 4], np.int32), 1)
    with pytest.raises(micro.InvokeError) as info:
        it.invoke()
    assert str(info.value) == (
        "operator 0 (DIV): division by zero: the divisor, input 1 ('b'), holds 0 at element 2"
    )
    assert (info.value.operator, info.value.tensor) == (0, "b")
    # The C status says it on its own too (the firmware prints it).
    assert status_message(info.value.status) == "division by zero: a divisor operand holds 0"


def test_general_broadcast_is_unsupported() -> None:
    model = one_op_model(
        "SUB",
        [T((2, 3), np.int32, name="a"), T((3,), np.int32, name="b")],
        [T((2, 3), np.int32, name="output")],
    )
    with pytest.raises(micro.UnsupportedOpError, match="broadcasting"):
        micro.Interpreter.from_bytes(model)


def test_minimum_broadcasts_generally() -> None:
    """int32 MINIMUM / MAXIMUM run on the compare kernel, which broadcasts any shapes."""
    model = one_op_model(
        "MINIMUM",
        [T((2, 3), np.int32, name="a"), T((3,), np.int32, name="b")],
        [T((2, 3), np.int32, name="output")],
    )
    a = np.array([[5, -2, 7], [0, 9, -9]], np.int32)
    b = np.array([1, 1, 1], np.int32)
    (got,) = run_micro(model, [a, b])
    assert np.array_equal(got, run_tflm(model, [a, b], 1)[0])


def test_int16_div_is_unsupported() -> None:
    model = one_op_model(
        "DIV",
        [T((4,), np.int16, name="a"), T((4,), np.int16, name="b")],
        [T((4,), np.int16, name="output")],
    )
    with pytest.raises(micro.UnsupportedOpError, match="DIV of int16"):
        micro.Interpreter.from_bytes(model)
