"""GATHER_ND and EMBEDDING_LOOKUP against TFLM: indices constant or given at run time,
every index depth, float32 and int8 (and TFLM's hybrid int8 -> float32 lookup); indices
out of range stop micro where TFLM stops."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import T, one_op_model, random_quant, random_values
from support.oracle import assert_matches_tflm, run_micro, run_tflm
from support.programs import assert_hostile_params_safe

import micro


def gather_nd_model(
    shape: tuple, ishape: tuple, dtype: str, indices: np.ndarray | None = None
) -> bytes:
    depth = ishape[-1]
    out = (*ishape[:-1], *shape[depth:])
    q = (0.1, 3) if dtype == "int8" else None
    return one_op_model(
        "GATHER_ND",
        [T(shape, dtype, quant=q), T(ishape, "int32", indices)],
        [T(out, dtype, quant=q)],
    )


def _indices(rng: np.random.Generator, shape: tuple, ishape: tuple) -> np.ndarray:
    depth = ishape[-1]
    cols = [rng.integers(0, shape[j], ishape[:-1]) for j in range(depth)]
    return np.stack(cols, axis=-1).astype(np.int32)


@pytest.mark.parametrize("seed", range(24))
def test_gather_nd_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, 6))
    shape = tuple(int(d) for d in rng.integers(1, 5, rank))
    depth = int(rng.integers(1, rank + 1))
    ishape = (*(int(d) for d in rng.integers(1, 4, int(rng.integers(0, 3)))), depth)
    dtype = ("float32", "int8")[seed % 2]
    indices = _indices(rng, shape, ishape)
    if seed % 3 == 0:  # constant indices
        assert_matches_tflm(gather_nd_model(shape, ishape, dtype, indices), seeds=(seed,))
    else:
        x = random_values(rng, shape, dtype)
        assert_matches_tflm(gather_nd_model(shape, ishape, dtype), inputs=[x, indices])


def test_gather_nd_checks_the_flat_position_as_tflm() -> None:
    """(0, 5) in a 3x4 params is element 5 for TFLM (only the flat position is checked);
    a tuple past the end stops both."""
    model = gather_nd_model((3, 4), (2, 2), "float32")
    x = np.arange(12, dtype=np.float32).reshape(3, 4)
    inside = np.array([[0, 5], [2, -1]], np.int32)
    assert_matches_tflm(model, inputs=[x, inside])
    outside = np.array([[2, 4], [0, 0]], np.int32)
    with pytest.raises(micro.InvokeError):
        run_micro(model, [x, outside])
    with pytest.raises(RuntimeError):
        run_tflm(model, [x, outside], 1)


def lookup_model(
    rows: int, cols: tuple, n: int, dtype: str, out_dtype: str, table: np.ndarray | None = None
) -> bytes:
    q = (0.05, 0) if dtype == "int8" else None
    return one_op_model(
        "EMBEDDING_LOOKUP",
        [T((n,), "int32"), T((rows, *cols), dtype, table, quant=q)],
        [T((n, *cols), out_dtype, quant=q if out_dtype == "int8" else None)],
    )


@pytest.mark.parametrize("kind", ["float32", "int8", "hybrid"])
@pytest.mark.parametrize("seed", range(6))
def test_embedding_lookup_matches_tflm(kind: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    rows, n = int(rng.integers(1, 20)), int(rng.integers(1, 9))
    cols = tuple(int(d) for d in rng.integers(1, 5, int(rng.integers(1, 3))))
    dtype = "float32" if kind == "float32" else "int8"
    out_dtype = "int8" if kind == "int8" else "float32"
    table = random_values(rng, (rows, *cols), dtype) if kind == "hybrid" or seed % 2 else None
    model = lookup_model(rows, cols, n, dtype, out_dtype, table)
    lookup = rng.integers(0, rows, n).astype(np.int32)
    inputs = [lookup] if table is not None else [lookup, random_values(rng, (rows, *cols), dtype)]
    assert_matches_tflm(model, inputs=inputs)


def test_embedding_lookup_out_of_range_stops_as_tflm() -> None:
    model = lookup_model(4, (3,), 2, "float32", "float32")
    inputs = [np.array([1, 4], np.int32), np.zeros((4, 3), np.float32)]
    with pytest.raises(micro.InvokeError):
        run_micro(model, inputs)
    with pytest.raises(RuntimeError):
        run_tflm(model, inputs, 1)


def test_refusals() -> None:
    q = random_quant(np.random.default_rng(0), "int8")
    cases = [
        (gather_nd_model((3, 4), (2, 3), "float32"), "index depth 3"),
        (gather_nd_model((3, 4), (2, 1), "int16"), "int16; supported"),
        (gather_nd_model((3, 4), (1, 2), "int8", np.array([[3, 0]], np.int32)), "outside"),
        (lookup_model(4, (3,), 2, "int8", "float32"), "constant table"),
        (
            one_op_model(
                "EMBEDDING_LOOKUP",
                [T((2,), "int32"), T((4, 3), "int8", np.ones((4, 3), np.int8), quant=q)],
                [T((2, 3), "float32")],
            ),
            "zero point",
        ),
        (lookup_model(4, (3,), 2, "float32", "int8"), "int8; supported: float32"),
    ]
    for model, message in cases:
        with pytest.raises(micro.MicroError, match=rf"operator 0.*{message}"):
            micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize("op", ["GATHER_ND", "EMBEDDING_LOOKUP"])
def test_tampered_params_are_refused_or_safe(op: str) -> None:
    if op == "GATHER_ND":
        model = gather_nd_model((3, 4, 2), (2, 2), "int8", np.array([[1, 2], [0, 3]], np.int32))
    else:
        model = lookup_model(5, (3,), 2, "float32", "float32", np.ones((5, 3), np.float32))
    assert_hostile_params_safe(model)
