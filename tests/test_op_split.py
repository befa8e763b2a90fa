"""SPLIT and SPLIT_V: random ranks, shapes, axes (negative too), split counts and sizes,
byte-exact against TFLM and numpy. Expected shapes come from the generated split."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import Quant, T, one_op_model, random_quant
from support.oracle import assert_matches_numpy, assert_matches_tflm

import micro
from micro.errors import ModelError, UnsupportedOpError

DTYPES = ("int8", "int16", "int32", "float32")


def axis_tensor(axis: int) -> T:
    return T((1,), "int32", np.array([axis], np.int32))


def split_model(
    shape: tuple[int, ...], axis: int, n: int, dtype: str, quant: Quant | None = None
) -> bytes:
    k = axis % len(shape)
    out_shape = [*shape[:k], shape[k] // n, *shape[k + 1 :]]
    return one_op_model(
        "SPLIT",
        [axis_tensor(axis), T(shape, dtype, quant=quant)],
        [T(out_shape, dtype, quant=quant)] * n,
        {"num_splits": n},
    )


def split_v_model(
    shape: tuple[int, ...], axis: int, sizes: list[int], dtype: str, quant: Quant | None = None
) -> bytes:
    k = axis % len(shape)
    outs = [T([*shape[:k], s, *shape[k + 1 :]], dtype, quant=quant) for s in sizes]
    given = list(sizes)
    if len(sizes) > 1 and sizes[0] % 2:  # the converter's -1 for "the rest"; TFLM ignores it
        given[-1] = -1
    return one_op_model(
        "SPLIT_V",
        [
            T(shape, dtype, quant=quant),
            T((len(sizes),), "int32", np.array(given, np.int32)),
            axis_tensor(axis),
        ],
        outs,
        {"num_splits": len(sizes)},
    )


def random_shape(rng: np.random.Generator, max_rank: int) -> tuple[int, ...]:
    rank = int(rng.integers(1, max_rank + 1))
    return tuple(int(d) for d in rng.integers(1, 6, rank))


def random_split(seed: int, max_rank: int = 5) -> tuple[bytes, int, int]:
    rng = np.random.default_rng(seed)
    shape = list(random_shape(rng, max_rank))
    k = int(rng.integers(0, len(shape)))
    n = int(rng.integers(1, 5))
    shape[k] = n * int(rng.integers(1, 4))
    axis = k - len(shape) if rng.random() < 0.3 else k
    dtype = str(rng.choice(DTYPES))
    return split_model(tuple(shape), axis, n, dtype, random_quant(rng, dtype)), k, n


def random_split_v(seed: int, max_rank: int = 5) -> tuple[bytes, int, list[int]]:
    rng = np.random.default_rng(seed)
    shape = list(random_shape(rng, max_rank))
    k = int(rng.integers(0, len(shape)))
    sizes = [int(s) for s in rng.integers(1, 5, int(rng.integers(1, 5)))]
    shape[k] = sum(sizes)
    axis = k - len(shape) if rng.random() < 0.3 else k
    dtype = str(rng.choice(DTYPES))
    return split_v_model(tuple(shape), axis, sizes, dtype, random_quant(rng, dtype)), k, sizes


@pytest.mark.parametrize("seed", range(60))
def test_split_matches_tflm(seed: int) -> None:
    model, _, _ = random_split(seed)
    assert_matches_tflm(model, seeds=(0, 1))


@pytest.mark.parametrize("seed", range(60))
def test_split_v_matches_tflm(seed: int) -> None:
    model, _, _ = random_split_v(1000 + seed)
    assert_matches_tflm(model, seeds=(0, 1))


@pytest.mark.parametrize("seed", range(10))
def test_split_matches_numpy(seed: int) -> None:
    model, k, n = random_split(2000 + seed, 6)
    assert_matches_numpy(model, lambda xs: np.split(xs[0], n, axis=k))


@pytest.mark.parametrize("seed", range(10))
def test_split_v_matches_numpy(seed: int) -> None:
    model, k, sizes = random_split_v(3000 + seed, 6)
    cuts = np.cumsum(sizes)[:-1]
    assert_matches_numpy(model, lambda xs: np.split(xs[0], cuts, axis=k))


def test_uneven_split_is_malformed() -> None:
    model = one_op_model(
        "SPLIT", [axis_tensor(0), T((5,), "int8")], [T((2,), "int8")] * 2, {"num_splits": 2}
    )
    with pytest.raises(ModelError, match=r"operator 0.*split 2 ways"):
        micro.Interpreter.from_bytes(model)


def test_split_v_sizes_must_add_up() -> None:
    model = one_op_model(
        "SPLIT_V",
        [T((5,), "int8"), T((2,), "int32", np.array([2, 2], np.int32)), axis_tensor(0)],
        [T((2,), "int8"), T((2,), "int8")],
    )
    with pytest.raises(ModelError, match="add up to 4"):
        micro.Interpreter.from_bytes(model)


def test_axis_out_of_range_is_malformed() -> None:
    bad = one_op_model(
        "SPLIT", [axis_tensor(2), T((4, 2), "int8")], [T((2, 2), "int8")] * 2, {"num_splits": 2}
    )
    with pytest.raises(ModelError, match="axis 2 out of range"):
        micro.Interpreter.from_bytes(bad)


def test_non_constant_axis_is_unsupported() -> None:
    model = one_op_model(
        "SPLIT", [T((1,), "int32"), T((4,), "int8")], [T((2,), "int8")] * 2, {"num_splits": 2}
    )
    with pytest.raises(UnsupportedOpError, match="axis"):
        micro.Interpreter.from_bytes(model)


def test_bool_is_unsupported() -> None:
    with pytest.raises(UnsupportedOpError, match="bool"):
        micro.Interpreter.from_bytes(split_model((4,), 0, 2, "bool"))
