"""CONCATENATION: random ranks (up to 6), axes (negative too), 1 to 10 inputs (TFLM's limit),
some constant, every type TFLM takes, byte-exact against TFLM and numpy."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from support.models import T, one_op_model, random_quant, random_values
from support.oracle import assert_matches_numpy, assert_matches_tflm

import micro
from micro.errors import ModelError, UnsupportedOpError

DTYPES = ("int8", "int16", "int32", "int64", "float32", "bool")


def random_case(seed: int) -> tuple[bytes, list[T], int]:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, 7))
    shape = [int(d) for d in rng.integers(1, 5 if rank < 5 else 3, rank)]
    axis = int(rng.integers(-rank, rank))
    dtype = str(rng.choice(DTYPES))
    quant = random_quant(rng, dtype)
    n = int(rng.integers(1, 11))
    inputs = []
    for k in range(n):
        s = list(shape)
        s[axis] = int(rng.integers(1, 4))
        # Some inputs constant, but at least one live input (the model needs one).
        data = random_values(rng, s, dtype) if k > 0 and rng.random() < 0.3 else None
        inputs.append(T(s, dtype, data, quant))
    out_shape = list(shape)
    out_shape[axis] = sum(t.shape[axis] for t in inputs)
    model = one_op_model(
        "CONCATENATION", inputs, [T(out_shape, dtype, quant=quant)], {"axis": axis}
    )
    return model, inputs, axis


@pytest.mark.parametrize("seed", range(100))
def test_matches_tflm(seed: int) -> None:
    assert_matches_tflm(random_case(seed)[0])


@pytest.mark.parametrize("seed", range(12))
def test_matches_numpy(seed: int) -> None:
    model, inputs, axis = random_case(seed)

    def expected(xs: list[np.ndarray]) -> list[np.ndarray]:
        live = iter(xs)
        parts = [t.data if t.data is not None else next(live) for t in inputs]
        return [np.concatenate(parts, axis=axis)]

    assert_matches_numpy(model, expected)


def test_last_axis_copies_one_run_per_row() -> None:
    q = (0.1, 4)
    model = one_op_model(
        "CONCATENATION",
        [T((2, 3, 5), "int8", quant=q), T((2, 3, 7), "int8", quant=q)],
        [T((2, 3, 12), "int8", quant=q)],
        {"axis": -1},
    )
    steps = micro.Interpreter.from_bytes(model).compiled.steps
    assert [s.kernel for s in steps] == ["strided_copy"] * 2
    assert [s.params["shape"][:2] for s in steps] == [[6, 5], [6, 7]]
    assert [s.params["dst_offset"] for s in steps] == [0, 5]
    assert_matches_tflm(model)


def concat_error(inputs: list[T], out: T, options: dict[str, Any], error: type, match: str) -> None:
    model = one_op_model("CONCATENATION", inputs, [out], options)
    with pytest.raises(error, match=match):
        micro.Interpreter.from_bytes(model)


def test_int8_rescaling_is_unsupported() -> None:
    a = (0.1, 4)
    b = (0.2, 4)
    concat_error(
        [T((2, 3), "int8", quant=a), T((2, 3), "int8", quant=b)],
        T((4, 3), "int8", quant=a),
        {"axis": 0},
        UnsupportedOpError,
        "rescaling",
    )


def test_int8_zero_point_mismatch_is_unsupported() -> None:
    a = (0.1, 4)
    b = (0.1, 5)
    concat_error(
        [T((2, 3), "int8", quant=a), T((2, 3), "int8", quant=a)],
        T((2, 6), "int8", quant=b),
        {"axis": 1},
        UnsupportedOpError,
        "rescaling",
    )


def test_int16_nonzero_zero_point_is_unsupported() -> None:
    a = (0.1, 3)
    concat_error(
        [T((2, 3), "int16", quant=a), T((2, 3), "int16", quant=a)],
        T((2, 6), "int16", quant=a),
        {"axis": 1},
        UnsupportedOpError,
        "zero point",
    )


def test_fused_activation_is_unsupported() -> None:
    concat_error(
        [T((2, 3), "float32"), T((2, 3), "float32")],
        T((2, 6), "float32"),
        {"axis": 1, "fused_activation_function": "RELU"},
        UnsupportedOpError,
        "activation",
    )


def test_mismatched_shapes_are_malformed() -> None:
    concat_error(
        [T((2, 3), "float32"), T((3, 3), "float32")],
        T((2, 6), "float32"),
        {"axis": 1},
        ModelError,
        "does not fit",
    )


def test_wrong_total_is_malformed() -> None:
    concat_error(
        [T((2, 3), "float32"), T((2, 3), "float32")],
        T((2, 7), "float32"),
        {"axis": 1},
        ModelError,
        "add up",
    )


def test_axis_out_of_range_is_malformed() -> None:
    concat_error(
        [T((2, 3), "float32"), T((2, 3), "float32")],
        T((2, 6), "float32"),
        {"axis": 2},
        ModelError,
        "axis",
    )


def test_mixed_types_are_malformed() -> None:
    concat_error(
        [T((2, 3), "float32"), T((2, 3), "int32")],
        T((2, 6), "float32"),
        {"axis": 1},
        ModelError,
        "must match",
    )
