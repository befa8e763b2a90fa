"""FILL and ZEROS_LIKE against TFLM: every type TFLM runs, scalar values given at run time
or constant, shapes of rank 0 to 5."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import T, one_op_model
from support.oracle import assert_matches_tflm, run_micro
from support.programs import assert_hostile_params_safe

import micro


def fill_model(
    shape: tuple, dtype: str, dims_dtype: str = "int32", value: np.ndarray | None = None
) -> bytes:
    dims = T((len(shape),), dims_dtype, np.array(shape, dims_dtype))
    return one_op_model("FILL", [dims, T((), dtype, value)], [T(shape, dtype)])


@pytest.mark.parametrize("dtype", ["int8", "int32", "float32"])
@pytest.mark.parametrize("seed", range(4))
def test_fill_matches_tflm(dtype: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = tuple(int(d) for d in rng.integers(1, 6, int(rng.integers(1, 6))))
    dims_dtype = ("int8", "int16", "int32", "int64")[seed]
    assert_matches_tflm(fill_model(shape, dtype, dims_dtype), seeds=(seed, seed + 10))


def test_fill_with_a_constant_value() -> None:
    model = fill_model((2, 3), "float32", value=np.array(-2.5, np.float32))
    assert_matches_tflm(model)
    (got,) = run_micro(model, [])
    assert np.array_equal(got, np.full((2, 3), -2.5, np.float32))


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "float32"])
@pytest.mark.parametrize("shape", [(), (1,), (7,), (2, 3, 4), (1, 2, 1, 3, 2)])
def test_zeros_like_matches_tflm(dtype: str, shape: tuple) -> None:
    model = one_op_model("ZEROS_LIKE", [T(shape, dtype)], [T(shape, dtype)])
    assert_matches_tflm(model, seeds=(0,))
    x = np.ones(shape, dtype)
    (got,) = run_micro(model, [x])
    assert got.dtype == np.dtype(dtype) and not got.any()


def test_refusals() -> None:
    dims = T((2,), "int32", np.array([2, 3], np.int32))
    cases = [
        (one_op_model("FILL", [dims, T((), "int16")], [T((2, 3), "int16")]), "int16; supported"),
        (one_op_model("FILL", [dims, T((1,), "int8")], [T((2, 3), "int8")]), "scalar"),
        (one_op_model("FILL", [dims, T((), "int8")], [T((3, 2), "int8")]), r"dims \[2, 3\]"),
        (one_op_model("FILL", [T((2,), "int32"), T((), "int8")], [T((2, 3), "int8")]), "dims"),
        (one_op_model("FILL", [dims, T((), "int8")], [T((2, 3), "int32")]), "output is int32"),
        (one_op_model("ZEROS_LIKE", [T((3,), "bool")], [T((3,), "bool")]), "bool; supported"),
        (one_op_model("ZEROS_LIKE", [T((3,), "int8")], [T((4,), "int8")]), "output shape"),
    ]
    for model, message in cases:
        with pytest.raises(micro.MicroError, match=rf"operator 0.*{message}"):
            micro.Interpreter.from_bytes(model)


def test_tampered_params_are_refused_or_safe() -> None:
    assert_hostile_params_safe(fill_model((3, 4), "float32"))
