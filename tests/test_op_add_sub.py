"""ADD and SUB (int8, broadcasting, fused activations) against TFLM, byte for byte."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support.models import (
    QUANTIZED_ACTIVATIONS,
    binary_model,
    random_broadcast,
    random_quant,
    random_values,
)
from support.oracle import assert_matches_tflm
from support.seanet import assert_seanet_case

import micro
from micro.errors import ModelError, UnsupportedOpError
from micro.schema import ActivationFunctionType as Act

OPS = ("ADD", "SUB")


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("seed", range(120))
def test_random_models(op: str, seed: int) -> None:
    rng = np.random.default_rng([seed, OPS.index(op)])
    shape1, shape2 = random_broadcast(rng)
    out_shape = np.broadcast_shapes(shape1, shape2)
    q1 = random_quant(rng)
    if rng.random() < 0.2:  # identical scales: the rescales are exact halves, ties abound
        q2, q_out = (q1[0], int(rng.integers(-128, 128))), (q1[0], int(rng.integers(-128, 128)))
    else:
        q2, q_out = random_quant(rng), random_quant(rng)
    activation = QUANTIZED_ACTIVATIONS[seed % len(QUANTIZED_ACTIVATIONS)]
    const2 = random_values(rng, shape2, "int8") if rng.random() < 0.2 else None
    model = binary_model(op, shape1, shape2, out_shape, q1, q2, q_out, activation, const2=const2)
    assert_matches_tflm(model, seeds=(seed, seed + 1000))


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("seed", range(6))
def test_every_input_pair(op: str, seed: int) -> None:
    """All 256 x 256 int8 pairs in one broadcast: (256, 1) op (1, 256)."""
    rng = np.random.default_rng([seed, 7])
    q1, q2, q_out = random_quant(rng), random_quant(rng), random_quant(rng)
    if seed == 0:
        q2 = q_out = (q1[0], 0)
    model = binary_model(op, (256, 1), (1, 256), (256, 256), q1, q2, q_out)
    values = np.arange(-128, 128, dtype=np.int8)
    assert_matches_tflm(model, inputs=[values.reshape(256, 1), values.reshape(1, 256)])


@pytest.mark.parametrize(
    ("shape1", "shape2"),
    [
        ((2, 3, 4, 5, 6, 7), (2, 1, 4, 1, 6, 1)),  # alternating broadcast: 6 loop dims
        ((1, 3, 1, 5, 1, 7), (2, 1, 4, 1, 6, 1)),  # both inputs broadcast
        ((7, 1, 1, 9), (1, 5, 3, 9)),
        ((), ()),
        ((1, 1, 1), (1,)),
        ((300,), (300,)),
        ((4, 1), (3,)),
    ],
)
def test_broadcast_layouts(shape1: tuple[int, ...], shape2: tuple[int, ...]) -> None:
    out_shape = np.broadcast_shapes(shape1, shape2)
    for op in OPS:
        model = binary_model(op, shape1, shape2, out_shape, (0.03, 5), (0.011, -20), (0.05, -3))
        assert_matches_tflm(model, seeds=(1,))
        # and with the operands swapped
        model = binary_model(op, shape2, shape1, out_shape, (0.011, -20), (0.03, 5), (0.05, -3))
        assert_matches_tflm(model, seeds=(2,))


@pytest.mark.parametrize("op", OPS)
def test_multipliers_in_double(op: str) -> None:
    """Scales whose SUB multipliers differ if computed in float32 instead of double
    (TFLM computes them in double for both ops): (-6, 25) -> -20, not -19."""
    model = binary_model(op, (256, 1), (1, 256), (256, 256), (0.03, 5), (0.011, -20), (0.05, -3))
    values = np.arange(-128, 128, dtype=np.int8)
    assert_matches_tflm(model, inputs=[values.reshape(256, 1), values.reshape(1, 256)])


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize(("shape1", "shape2"), [((3, 4), (3, 4)), ((3, 4), ()), ((1,), (5,))])
def test_int32_goes_to_the_int32_kernel(op: str, shape1: tuple, shape2: tuple) -> None:
    out_shape = np.broadcast_shapes(shape1, shape2)
    for activation in (Act.NONE, Act.RELU6):
        model = binary_model(op, shape1, shape2, out_shape, None, None, None, activation, "int32")
        assert_matches_tflm(model, seeds=(4,))


@pytest.mark.parametrize("op", [*OPS, "MUL"])
@pytest.mark.parametrize("seed", range(30))
def test_float32(op: str, seed: int) -> None:
    """float32 ADD, SUB and MUL: broadcasting and fused activations (float ranges)."""
    rng = np.random.default_rng([seed, 31])
    shape1, shape2 = random_broadcast(rng)
    out_shape = np.broadcast_shapes(shape1, shape2)
    activation = QUANTIZED_ACTIVATIONS[seed % len(QUANTIZED_ACTIVATIONS)]
    model = binary_model(op, shape1, shape2, out_shape, None, None, None, activation, "float32")
    assert_matches_tflm(model, seeds=(seed,))


@pytest.mark.parametrize("op", [*OPS, "MUL"])
def test_float32_specials(op: str) -> None:
    """Infinities clamp to +/-FLT_MAX without an activation (TFLM's range is the largest
    finite float, not infinity); NaN and signed zeros pass through as TFLM computes them."""
    big = np.finfo(np.float32).max
    x1 = np.array([big, -big, np.inf, -np.inf, np.nan, 0.0, -0.0, -0.0, 1.0, 3.0], np.float32)
    x2 = np.array([big, -big, 1.0, np.inf, 2.0, -0.0, -0.0, 0.0, np.nan, 7.0], np.float32)
    for activation in QUANTIZED_ACTIVATIONS:
        model = binary_model(op, (10,), (10,), (10,), None, None, None, activation, "float32")
        assert_matches_tflm(model, inputs=[x1, x2])


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("seed", range(40))
def test_int16(op: str, seed: int) -> None:
    """int16: TFLM's general-scale path (left shift 15), with broadcasting and activations."""
    rng = np.random.default_rng([seed, OPS.index(op), 16])
    shape1, shape2 = random_broadcast(rng)
    out_shape = np.broadcast_shapes(shape1, shape2)
    q1, q2, q_out = (random_quant(rng, "int8", -5, -2) for _ in range(3))
    zps = [int(z) for z in rng.integers(-300, 300, 3)] if seed % 5 == 4 else [0, 0, 0]
    q1, q2, q_out = (q1[0], zps[0]), (q2[0], zps[1]), (q_out[0], zps[2])
    activation = QUANTIZED_ACTIVATIONS[seed % len(QUANTIZED_ACTIVATIONS)]
    model = binary_model(op, shape1, shape2, out_shape, q1, q2, q_out, activation, "int16")
    assert_matches_tflm(model, seeds=(seed,))


@pytest.mark.parametrize(
    ("op_dir", "name"),
    [("add", f"add{i}") for i in range(17)] + [("sub", f"sub{i}") for i in range(5)],
)
def test_seanet_reference(op_dir: str, name: str, reference: Callable[[str], Path]) -> None:
    """TFLM's seanet int16 ADD and SUB cases: golden outputs and TFLM, byte for byte."""
    assert_seanet_case(reference, op_dir, name)


def _compile(model: bytes) -> None:
    micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize("op", OPS)
def test_errors(op: str) -> None:
    q = (0.05, 0)
    with pytest.raises(ModelError, match=r"operator 0 .*do not broadcast"):
        _compile(binary_model(op, (2, 3), (4,), (2, 3), q, q, q))
    with pytest.raises(ModelError, match=r"operator 0 .*not the broadcast shape"):
        _compile(binary_model(op, (2, 3), (3,), (2, 4), q, q, q))
    with pytest.raises(UnsupportedOpError, match=rf"operator 0 \({op}.*uint8"):
        _compile(binary_model(op, (3,), (3,), (3,), q, q, q, dtype="uint8"))
    with pytest.raises(UnsupportedOpError, match=rf"operator 0 \({op}.*activation"):
        model = binary_model(op, (3,), (3,), (3,), None, None, None, Act.TANH, "float32")
        _compile(model)
    with pytest.raises(UnsupportedOpError, match=r"operator 0 .*activation"):
        _compile(binary_model(op, (3,), (3,), (3,), q, q, q, activation=Act.TANH))
    with pytest.raises(UnsupportedOpError, match=r"operator 0 .*output scale .* too small"):
        _compile(binary_model(op, (3,), (3,), (3,), (1.0, 0), (1.0, 0), (1e-7, 0)))
    with pytest.raises(UnsupportedOpError, match=r"operator 0 .*loop dims"):
        shape1, shape2 = (2, 1, 2, 1, 2, 1, 2), (1, 2, 1, 2, 1, 2, 1)
        out = np.broadcast_shapes(shape1, shape2)
        _compile(binary_model(op, shape1, shape2, out, q, q, q))


@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_reports_output_elements_as_its_work(dtype: str) -> None:
    """ADD and SUB count one operation per output element, as MUL does (not 0: profiles and
    `micro inspect` then give them their share)."""
    for op in OPS:
        model = binary_model(
            op, (2, 3, 1, 5), (1, 4, 5), (2, 3, 4, 5), (0.03, 0), (0.011, 0), (0.05, 0),
            dtype=dtype,
        )  # fmt: skip
        (step,) = micro.Interpreter.from_bytes(model).compiled.steps
        assert step.kernel.startswith("add_s")
        assert step.macs == 2 * 3 * 4 * 5
