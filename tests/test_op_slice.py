"""SLICE: random ranks, shapes, begins and sizes (with -1 = to the end), int32 and int64
indices, byte-exact against TFLM (up to 5-D, its limit) and numpy (6-D). Expected shapes come
from the generated box, not from micro."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import Quant, T, one_op_model, random_quant
from support.oracle import assert_matches_numpy, assert_matches_tflm

import micro
from micro.errors import ModelError, UnsupportedOpError


def slice_model(
    shape: tuple[int, ...],
    begin: list[int],
    size: list[int],
    out_shape: list[int],
    dtype: str,
    index_dtype: str = "int32",
    quant: Quant | None = None,
) -> bytes:
    n = len(begin)
    return one_op_model(
        "SLICE",
        [
            T(shape, dtype, quant=quant),
            T((n,), index_dtype, np.array(begin, index_dtype)),
            T((n,), index_dtype, np.array(size, index_dtype)),
        ],
        [T(out_shape, dtype, quant=quant)],
    )


def random_case(seed: int, max_rank: int, dtypes: tuple[str, ...]) -> tuple[bytes, tuple]:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, max_rank + 1))
    shape = tuple(int(d) for d in rng.integers(1, 7, rank))
    begin, size, index = [], [], []
    for n in shape:
        b = int(rng.integers(0, n))
        count = int(rng.integers(1, n - b + 1))
        to_end = rng.random() < 0.25
        begin.append(b)
        size.append(-1 if to_end else count)
        index.append(slice(b, None if to_end else b + count))
    out_shape = [len(range(*ix.indices(n))) for ix, n in zip(index, shape, strict=True)]
    dtype = str(rng.choice(dtypes))
    index_dtype = str(rng.choice(["int32", "int64"]))
    model = slice_model(shape, begin, size, out_shape, dtype, index_dtype, random_quant(rng, dtype))
    return model, tuple(index)


@pytest.mark.parametrize("seed", range(80))
def test_matches_tflm(seed: int) -> None:
    model, _ = random_case(seed, 5, ("int8", "int16", "int32", "float32", "bool"))
    assert_matches_tflm(model, seeds=(0, 1))


@pytest.mark.parametrize("seed", range(20))
def test_matches_numpy(seed: int) -> None:
    model, index = random_case(500 + seed, 6, ("int8", "int16", "float32"))
    assert_matches_numpy(model, lambda xs: [xs[0][index]])


def test_inner_box_is_one_run() -> None:
    """[4, 8, 16] sliced [1:3, :, :] is one contiguous block."""
    model = slice_model((4, 8, 16), [1, 0, 0], [2, -1, 16], [2, 8, 16], "int8")
    (step,) = micro.Interpreter.from_bytes(model).compiled.steps
    assert step.params["n_dims"] == 1 and step.params["src_offset"] == 128
    assert_matches_tflm(model)


@pytest.mark.parametrize(
    ("begin", "size"), [([-1, 0], [1, 2]), ([1, 0], [4, 2]), ([0, 0], [2, -2]), ([5, 0], [-1, 2])]
)
def test_box_outside_the_input_is_malformed(begin: list[int], size: list[int]) -> None:
    model = slice_model((4, 2), begin, size, [1, 2], "int8")
    with pytest.raises(ModelError, match=r"operator 0.*outside"):
        micro.Interpreter.from_bytes(model)


def test_wrong_output_shape_is_malformed() -> None:
    model = slice_model((4, 4), [1, 1], [2, 2], [2, 3], "int8")
    with pytest.raises(ModelError, match="sliced shape"):
        micro.Interpreter.from_bytes(model)


def test_non_constant_begin_is_unsupported() -> None:
    model = one_op_model(
        "SLICE",
        [T((4,), "int8"), T((1,), "int32"), T((1,), "int32", np.array([2], np.int32))],
        [T((2,), "int8")],
    )
    with pytest.raises(UnsupportedOpError, match="begin"):
        micro.Interpreter.from_bytes(model)


def test_int64_data_is_unsupported() -> None:
    model = slice_model((4,), [0], [2], [2], "int64")
    with pytest.raises(UnsupportedOpError, match="int64"):
        micro.Interpreter.from_bytes(model)
