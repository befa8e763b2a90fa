"""STRIDED_SLICE: random ranks, shapes, begin/end (negative, out of range), strides (negative,
> 1), begin/end/shrink masks, byte-exact against TFLM (up to 4-D, its limit) and against
numpy slicing beyond (5-D, 6-D). Expected output shapes come from Python's own slice
semantics, not from micro."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from support.models import Quant, T, one_op_model, random_quant
from support.oracle import assert_matches_numpy, assert_matches_tflm

import micro
from micro.errors import ModelError, UnsupportedOpError


def i32(values: list[int]) -> np.ndarray:
    return np.array(values, np.int32)


def slice_model(
    shape: tuple[int, ...],
    begin: list[int],
    end: list[int],
    strides: list[int],
    out_shape: list[int],
    dtype: str,
    options: dict[str, Any],
    quant: Quant | None = None,
) -> bytes:
    n = len(begin)
    return one_op_model(
        "STRIDED_SLICE",
        [
            T(shape, dtype, quant=quant),
            T((n,), "int32", i32(begin)),
            T((n,), "int32", i32(end)),
            T((n,), "int32", i32(strides)),
        ],
        [T(out_shape, dtype, quant=quant)],
        options,
    )


def random_slice(rng: np.random.Generator, shape: tuple[int, ...]) -> dict[str, Any]:
    """Random begin/end/strides/masks with a non-empty result; the numpy index and the
    output shape follow Python slicing (the same clamping rules TensorFlow documents)."""
    while True:
        begin, end, strides, index = [], [], [], []
        masks = {"begin_mask": 0, "end_mask": 0, "shrink_axis_mask": 0}
        for k, n in enumerate(shape):
            if rng.random() < 0.2:  # shrink: one valid index, stride 1
                b = int(rng.integers(-n, n))
                begin.append(b)
                end.append(int(rng.integers(-n - 2, n + 3)))  # ignored by a shrunk axis
                strides.append(1)
                masks["shrink_axis_mask"] |= 1 << k
                index.append(b)
                continue
            stride = int(rng.choice([1, 1, 1, 2, 3, -1, -1, -2, -3]))
            b = int(rng.integers(-n - 2, n + 3))
            e = int(rng.integers(-n - 2, n + 3))
            start, stop = b, e
            if rng.random() < 0.25:
                masks["begin_mask"] |= 1 << k
                start = None
            if rng.random() < 0.25:
                masks["end_mask"] |= 1 << k
                stop = None
            begin.append(b)
            end.append(e)
            strides.append(stride)
            index.append(slice(start, stop, stride))
        out_shape = [
            len(range(*ix.indices(n)))
            for ix, n in zip(index, shape, strict=True)
            if isinstance(ix, slice)
        ]
        if all(d > 0 for d in out_shape):
            return {
                "begin": begin,
                "end": end,
                "strides": strides,
                "options": masks,
                "index": tuple(index),
                "out_shape": out_shape,
            }


def random_case(seed: int, max_rank: int, dtypes: tuple[str, ...]) -> tuple:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, max_rank + 1))
    shape = tuple(int(d) for d in rng.integers(1, 7, rank))
    dtype = str(rng.choice(dtypes))
    s = random_slice(rng, shape)
    model = slice_model(
        shape,
        s["begin"],
        s["end"],
        s["strides"],
        s["out_shape"],
        dtype,
        s["options"],
        random_quant(rng, dtype),
    )
    return model, s


@pytest.mark.parametrize("seed", range(120))
def test_matches_tflm(seed: int) -> None:
    model, _ = random_case(seed, 4, ("int8", "int16", "int32", "float32", "bool"))
    assert_matches_tflm(model)


@pytest.mark.parametrize("seed", range(40))
def test_matches_numpy(seed: int) -> None:
    """The same slices checked against numpy, including 5-D and 6-D (beyond TFLM's 4)."""
    model, s = random_case(1000 + seed, 6, ("int8", "int16", "float32"))
    index = s["index"]
    assert_matches_numpy(model, lambda xs: [xs[0][index]])


def test_all_shrunk_gives_a_scalar() -> None:
    rng = np.random.default_rng(3)
    model = slice_model(
        (3, 4),
        [2, -1],
        [0, 0],
        [1, 1],
        [],
        "int8",
        {"shrink_axis_mask": 3},
        random_quant(rng, "int8"),
    )
    assert_matches_tflm(model)
    assert_matches_numpy(model, lambda xs: [xs[0][2, -1].reshape(())])


def test_contiguous_slice_is_one_run() -> None:
    """[4, 8, 16][1:3] is one contiguous block: one memcpy."""
    model = slice_model(
        (4, 8, 16), [1, 0, 0], [3, 0, 0], [1, 1, 1], [2, 8, 16], "int8", {"end_mask": 6}
    )
    (step,) = micro.Interpreter.from_bytes(model).compiled.steps
    assert step.params["n_dims"] == 1
    assert step.params["shape"][0] == 256 and step.params["src_offset"] == 128
    assert_matches_tflm(model)


@pytest.mark.parametrize(
    ("option", "error"),
    [
        ({"ellipsis_mask": 1}, UnsupportedOpError),
        ({"new_axis_mask": 2}, UnsupportedOpError),
        ({"offset": True}, UnsupportedOpError),
    ],
)
def test_masks_tflm_ignores_are_refused(option: dict[str, Any], error: type) -> None:
    model = slice_model((4, 4), [0, 0], [2, 2], [1, 1], [2, 2], "int8", option)
    with pytest.raises(error, match="operator 0"):
        micro.Interpreter.from_bytes(model)


def test_shrink_with_negative_stride_is_refused() -> None:
    model = slice_model((4, 4), [1, 0], [2, 4], [-1, 1], [4], "int8", {"shrink_axis_mask": 1})
    with pytest.raises(UnsupportedOpError, match="shrunk axis 0"):
        micro.Interpreter.from_bytes(model)


def test_zero_stride_is_malformed() -> None:
    model = slice_model((4,), [0], [4], [0], [4], "int8", {})
    with pytest.raises(ModelError, match="stride"):
        micro.Interpreter.from_bytes(model)


def test_wrong_output_shape_is_malformed() -> None:
    model = slice_model((6,), [0], [6], [2], [4], "int8", {})
    with pytest.raises(ModelError, match="sliced shape"):
        micro.Interpreter.from_bytes(model)


def test_empty_slice_is_unsupported() -> None:
    model = slice_model((6,), [4], [2], [1], [0], "int8", {})
    with pytest.raises(UnsupportedOpError, match="empty"):
        micro.Interpreter.from_bytes(model)


def test_non_constant_begin_is_unsupported() -> None:
    model = one_op_model(
        "STRIDED_SLICE",
        [T((4,), "int8"), T((1,), "int32"), T((1,), "int32", i32([2])), T((1,), "int32", i32([1]))],
        [T((2,), "int8")],
    )
    with pytest.raises(UnsupportedOpError, match="begin"):
        micro.Interpreter.from_bytes(model)


def test_int64_indices_are_unsupported() -> None:
    model = one_op_model(
        "STRIDED_SLICE",
        [
            T((4,), "int8"),
            T((1,), "int64", np.array([0], np.int64)),
            T((1,), "int64", np.array([2], np.int64)),
            T((1,), "int64", np.array([1], np.int64)),
        ],
        [T((2,), "int8")],
    )
    with pytest.raises(UnsupportedOpError, match="int32"):
        micro.Interpreter.from_bytes(model)
