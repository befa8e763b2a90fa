"""DYNAMIC_UPDATE_SLICE against TFLM: start indices at run time (int32, int64) or constant,
clamped when they reach past the operand, every type TFLM runs, rank 1 to 6."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import T, one_op_model, random_values
from support.oracle import assert_matches_tflm, run_micro
from support.programs import assert_hostile_params_safe

import micro


def dus_model(
    shape: tuple, ushape: tuple, dtype: str, idx_dtype: str, start: np.ndarray | None = None
) -> bytes:
    return one_op_model(
        "DYNAMIC_UPDATE_SLICE",
        [T(shape, dtype), T(ushape, dtype), T((len(shape),), idx_dtype, start)],
        [T(shape, dtype)],
    )


@pytest.mark.parametrize("seed", range(30))
def test_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, 7 if seed % 5 else 4))
    shape = tuple(int(d) for d in rng.integers(1, 5, rank))
    ushape = tuple(int(rng.integers(1, d + 1)) for d in shape)
    dtype = ("float32", "int8", "int16", "int32")[seed % 4]
    idx_dtype = ("int32", "int64")[(seed // 4) % 2]
    # Starts inside, negative or past the end: TFLM clamps them.
    start = np.array([int(rng.integers(-2, d + 2)) for d in shape], idx_dtype)
    x, u = random_values(rng, shape, dtype), random_values(rng, ushape, dtype)
    if seed % 3 == 0:
        assert_matches_tflm(dus_model(shape, ushape, dtype, idx_dtype, start), inputs=[x, u])
    else:
        assert_matches_tflm(dus_model(shape, ushape, dtype, idx_dtype), inputs=[x, u, start])


def test_whole_update_and_kv_cache_row() -> None:
    """An update as large as the operand replaces it; a transformer's cache row update."""
    rng = np.random.default_rng(1)
    model = dus_model((2, 3), (2, 3), "float32", "int32")
    x, u = random_values(rng, (2, 3), "float32"), random_values(rng, (2, 3), "float32")
    assert_matches_tflm(model, inputs=[x, u, np.array([1, 1], np.int32)])
    model = dus_model((1, 16, 8), (1, 1, 8), "int8", "int32")
    x, u = random_values(rng, (1, 16, 8), "int8"), random_values(rng, (1, 1, 8), "int8")
    for step in (0, 7, 15, 40):
        start = np.array([0, step, 0], np.int32)
        assert_matches_tflm(model, inputs=[x, u, start])
    (got,) = run_micro(model, [x, u, np.array([0, 7, 0], np.int32)])
    want = x.copy()
    want[0, 7] = u[0, 0]
    assert np.array_equal(got, want)


def test_refusals() -> None:
    cases = [
        (dus_model((3, 4), (2, 5), "float32", "int32"), "larger than the operand"),
        (dus_model((3, 4), (2, 2), "bool", "int32"), "bool; supported"),
        (dus_model((3, 4), (2, 2), "int8", "int16"), "int16; supported: int32, int64"),
        (
            one_op_model(
                "DYNAMIC_UPDATE_SLICE",
                [T((3, 4), "int8"), T((2,), "int8"), T((2,), "int32")],
                [T((3, 4), "int8")],
            ),
            "must match the rank-2",
        ),
    ]
    for model, message in cases:
        with pytest.raises(micro.MicroError, match=rf"operator 0.*{message}"):
            micro.Interpreter.from_bytes(model)


def test_tampered_params_are_refused_or_safe() -> None:
    assert_hostile_params_safe(dus_model((3, 4, 2), (2, 2, 1), "int16", "int64"))
