"""CAST: every supported type pair, byte-identical to TFLM (floats include NaN, inf and
out-of-range values, which TFLM saturates)."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import T, one_op_model
from support.oracle import assert_matches_tflm, run_micro, run_tflm

import micro

TYPES = [np.int8, np.int16, np.int32, np.uint32, np.float32, np.bool_]


def _values(rng: np.random.Generator, dtype: type, shape: tuple[int, ...]) -> np.ndarray:
    if dtype is np.float32:
        x = rng.uniform(-1e10, 1e10, shape).astype(np.float32).reshape(-1)
        special = [np.nan, np.inf, -np.inf, 3e9, -3e9, 127.9, -128.9, 0.5, -0.5, 65535.5]
        x[: len(special)] = special[: x.size]
        small = rng.uniform(-300, 300, x.size // 2).astype(np.float32)
        x[len(special) : len(special) + small.size] = small[: max(0, x.size - len(special))]
        return x.reshape(shape)
    if dtype is np.bool_:
        return rng.integers(0, 2, shape).astype(bool)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, shape, endpoint=True, dtype=dtype)


@pytest.mark.parametrize("src", TYPES, ids=lambda t: np.dtype(t).name)
@pytest.mark.parametrize("dst", TYPES[:-1], ids=lambda t: np.dtype(t).name)
def test_cast_matches_tflm(src: type, dst: type) -> None:
    rng = np.random.default_rng(7)
    for shape in [(1,), (5, 7), (2, 3, 41)]:
        model = one_op_model("CAST", [T(shape, src, name="x")], [T(shape, dst, name="output")])
        x = _values(rng, src, shape)
        (got,) = run_micro(model, [x])
        (want,) = run_tflm(model, [x], 1)
        assert got.tobytes() == np.asarray(want).tobytes(), f"{shape}: {got} != {want}"


def test_cast_of_size_mismatch_is_malformed() -> None:
    model = one_op_model("CAST", [T((4,), np.int8, name="x")], [T((5,), np.int32, name="output")])
    with pytest.raises(micro.ModelError, match="sizes differ"):
        micro.Interpreter.from_bytes(model)


def test_cast_of_int64_is_unsupported() -> None:
    model = one_op_model("CAST", [T((4,), np.int64, name="x")], [T((4,), np.int32, name="output")])
    with pytest.raises(micro.UnsupportedOpError, match="int64"):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize("n", [1, 7, 8, 9, 16, 257])
def test_int32_uint32_casts_are_copies(n: int) -> None:
    """int32 <-> uint32 runs as a word copy, 8 a turn then the tail: TFLM's bytes for
    lengths around the turn, in place too (the smallest arena), and under
    MICRO_SANITIZE=1 in the ASan/UBSan build."""
    for src, dst in ((np.int32, np.uint32), (np.uint32, np.int32)):
        model = one_op_model("CAST", [T((n,), src, name="x")], [T((n,), dst, name="output")])
        assert_matches_tflm(model)
