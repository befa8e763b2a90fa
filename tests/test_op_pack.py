"""PACK and UNPACK: random ranks, shapes, axes (negative too) and counts, byte-exact against
TFLM and numpy (np.stack / slicing). Expected shapes come from the generated case."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import Quant, T, one_op_model, random_quant
from support.oracle import assert_matches_numpy, assert_matches_tflm

import micro
from micro.errors import ModelError, UnsupportedOpError


def pack_model(
    shape: list[int], axis: int, n: int, dtype: str, quant: Quant | None = None
) -> bytes:
    k = axis % (len(shape) + 1)
    out_shape = [*shape[:k], n, *shape[k:]]
    return one_op_model(
        "PACK",
        [T(shape, dtype, quant=quant) for _ in range(n)],
        [T(out_shape, dtype, quant=quant)],
        {"values_count": n, "axis": axis},
    )


def unpack_model(shape: list[int], axis: int, dtype: str, quant: Quant | None = None) -> bytes:
    k = axis % len(shape)
    out_shape = [*shape[:k], *shape[k + 1 :]]
    return one_op_model(
        "UNPACK",
        [T(shape, dtype, quant=quant)],
        [T(out_shape, dtype, quant=quant)] * shape[k],
        {"num": shape[k], "axis": axis},
    )


def random_pack(seed: int, max_rank: int = 4) -> tuple[bytes, int]:
    rng = np.random.default_rng(seed)
    shape = [int(d) for d in rng.integers(1, 6, int(rng.integers(0, max_rank)))]
    k = int(rng.integers(0, len(shape) + 1))
    axis = k - len(shape) - 1 if rng.random() < 0.3 else k
    n = int(rng.integers(1, 5))
    dtype = str(rng.choice(["int8", "int16", "int32", "int64", "float32"]))
    return pack_model(shape, axis, n, dtype, random_quant(rng, dtype)), k


def random_unpack(seed: int, max_rank: int = 5) -> tuple[bytes, int]:
    rng = np.random.default_rng(seed)
    shape = [int(d) for d in rng.integers(1, 6, int(rng.integers(1, max_rank + 1)))]
    k = int(rng.integers(0, len(shape)))
    axis = k - len(shape) if rng.random() < 0.3 else k
    dtype = str(rng.choice(["int8", "int16", "int32", "float32"]))
    return unpack_model(shape, axis, dtype, random_quant(rng, dtype)), k


@pytest.mark.parametrize("seed", range(60))
def test_pack_matches_tflm(seed: int) -> None:
    model, _ = random_pack(seed)
    assert_matches_tflm(model, seeds=(0, 1))


@pytest.mark.parametrize("seed", range(60))
def test_unpack_matches_tflm(seed: int) -> None:
    model, _ = random_unpack(1000 + seed)
    assert_matches_tflm(model, seeds=(0, 1))


@pytest.mark.parametrize("seed", range(10))
def test_pack_matches_numpy(seed: int) -> None:
    model, k = random_pack(2000 + seed, 5)
    assert_matches_numpy(model, lambda xs: [np.stack(xs, axis=k)])


@pytest.mark.parametrize("seed", range(10))
def test_unpack_matches_numpy(seed: int) -> None:
    model, k = random_unpack(3000 + seed, 6)
    assert_matches_numpy(
        model, lambda xs: [np.take(xs[0], i, axis=k) for i in range(xs[0].shape[k])]
    )


def test_count_option_must_match() -> None:
    model = one_op_model(
        "PACK", [T((2,), "int8")] * 2, [T((2, 2), "int8")], {"values_count": 3, "axis": 0}
    )
    with pytest.raises(ModelError, match=r"operator 0.*values_count is 3"):
        micro.Interpreter.from_bytes(model)
    model = one_op_model(
        "UNPACK", [T((2, 2), "int8")], [T((2,), "int8")] * 2, {"num": 1, "axis": 0}
    )
    with pytest.raises(ModelError, match="num is 1"):
        micro.Interpreter.from_bytes(model)


def test_shapes_must_pack() -> None:
    model = one_op_model(
        "PACK",
        [T((2,), "int8"), T((3,), "int8")],
        [T((2, 2), "int8")],
        {"values_count": 2, "axis": 0},
    )
    with pytest.raises(ModelError, match="do not pack"):
        micro.Interpreter.from_bytes(model)


def test_axis_out_of_range_is_malformed() -> None:
    with pytest.raises(ModelError, match="axis 3 out of range"):
        micro.Interpreter.from_bytes(pack_model([2, 2], 3, 2, "int8"))


def test_int64_unpack_is_unsupported() -> None:
    with pytest.raises(UnsupportedOpError, match="int64"):
        micro.Interpreter.from_bytes(unpack_model([2, 3], 0, "int64"))
