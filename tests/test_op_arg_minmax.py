"""ARG_MAX and ARG_MIN (int8, float32 -> int32) against TFLM: random shapes and axes,
ties (the first index wins)."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import T, one_op_model
from support.oracle import assert_matches_tflm, run_micro, run_tflm
from support.programs import assert_hostile_params_safe

import micro


def arg_model(op: str, shape: tuple, axis: int, dtype: str, out_dtype: str) -> bytes:
    rank = len(shape)
    out = shape[: axis % rank] + shape[axis % rank + 1 :]
    quant = (0.1, 3) if dtype == "int8" else None
    return one_op_model(
        op,
        [T(shape, dtype, quant=quant), T((1,), "int32", np.array([axis], np.int32))],
        [T(out, out_dtype)],
        {"output_type": out_dtype.upper()},
    )


@pytest.mark.parametrize("op", ["ARG_MAX", "ARG_MIN"])
@pytest.mark.parametrize("seed", range(25))
def test_matches_tflm(op: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, 5))
    shape = tuple(int(d) for d in rng.integers(1, 7, rank))
    axis = int(rng.integers(-rank, rank))
    dtype = ("int8", "float32")[seed % 2]
    assert_matches_tflm(arg_model(op, shape, axis, dtype, "int32"), seeds=(seed,))


@pytest.mark.parametrize("op", ["ARG_MAX", "ARG_MIN"])
def test_ties_and_nan_keep_the_first_index(op: str) -> None:
    model = arg_model(op, (3, 4), 1, "float32", "int32")
    x = np.array([[1, 5, 5, 0], [np.nan, 2, 3, 1], [2, 2, 2, 2]], np.float32)
    (got,) = run_micro(model, [x])
    assert np.array_equal(got, run_tflm(model, [x], 1)[0])


def test_rejects_two_axes() -> None:
    model = one_op_model(
        "ARG_MAX",
        [T((2, 3), "float32"), T((2,), "int32", np.array([0, 1], np.int32))],
        [T((1,), "int32")],
    )
    with pytest.raises(micro.ModelError, match=r"operator 0.*axis"):
        micro.Interpreter.from_bytes(model)


def test_tampered_params_are_refused_or_safe() -> None:
    assert_hostile_params_safe(arg_model("ARG_MAX", (2, 5, 3), 1, "int8", "int32"))


def test_rejects_int64_output() -> None:
    with pytest.raises(micro.UnsupportedOpError, match="int64"):
        micro.Interpreter.from_bytes(arg_model("ARG_MIN", (2, 3), 0, "int8", "int64"))
