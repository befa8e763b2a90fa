"""SPACE_TO_DEPTH, DEPTH_TO_SPACE, REVERSE_V2, BROADCAST_TO, MIRROR_PAD and GATHER against
TFLM: random shapes, block sizes, axes, paddings (both modes) and indices."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import Quant, T, one_op_model, random_quant
from support.oracle import assert_matches_numpy, assert_matches_tflm, run_micro, run_tflm
from support.programs import assert_hostile_params_safe

import micro


def _shape(rng: np.random.Generator, rank: int, hi: int = 5) -> tuple[int, ...]:
    return tuple(int(d) for d in rng.integers(1, hi, rank))


def block_model(
    op: str, shape: tuple[int, ...], block: int, dtype: str, quant: Quant | None
) -> bytes:
    n, h, w, c = shape
    if op == "SPACE_TO_DEPTH":
        out = (n, h // block, w // block, c * block * block)
    else:
        out = (n, h * block, w * block, c // (block * block))
    return one_op_model(
        op, [T(shape, dtype, quant=quant)], [T(out, dtype, quant=quant)], {"block_size": block}
    )


@pytest.mark.parametrize("seed", range(30))
@pytest.mark.parametrize("op", ["SPACE_TO_DEPTH", "DEPTH_TO_SPACE"])
def test_block_ops_match_tflm(op: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    block = int(rng.integers(1, 4))
    n, h, w, c = _shape(rng, 4)
    grow = op == "SPACE_TO_DEPTH"  # the input has the larger height and width
    shape = (n, h * block, w * block, c) if grow else (n, h, w, c * block * block)
    dtype = ("int8", "float32")[seed % 2]
    assert_matches_tflm(block_model(op, shape, block, dtype, random_quant(rng, dtype)))


def reverse_model(
    shape: tuple[int, ...], axes: list[int], dtype: str, quant: Quant | None
) -> bytes:
    return one_op_model(
        "REVERSE_V2",
        [T(shape, dtype, quant=quant), T((len(axes),), "int32", np.array(axes, np.int32))],
        [T(shape, dtype, quant=quant)],
    )


@pytest.mark.parametrize("seed", range(40))
def test_reverse_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, 6))
    shape = _shape(rng, rank)
    first = int(rng.integers(0, rank))
    axes = list(range(first, int(rng.integers(first + 1, rank + 1))))
    dtype = str(rng.choice(["int8", "int16", "int32", "float32", "bool", "uint8"]))
    if seed % 5 == 4 and rank > 2:
        axes, dtype = [0, rank - 1], "int8"  # TFLM refuses non-contiguous axes; micro runs them
    model = reverse_model(shape, axes, dtype, random_quant(rng, dtype))
    if dtype == "bool" or axes == [0, rank - 1]:  # checked against numpy
        assert_matches_numpy(model, lambda xs: [np.flip(xs[0], axes)])
    else:
        assert_matches_tflm(model)


def broadcast_model(shape: tuple[int, ...], target: tuple[int, ...], dtype: str) -> bytes:
    return one_op_model(
        "BROADCAST_TO",
        [T(shape, dtype), T((len(target),), "int32", np.array(target, np.int32))],
        [T(target, dtype)],
    )


@pytest.mark.parametrize("seed", range(40))
def test_broadcast_to_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    target = _shape(rng, int(rng.integers(1, 6)))
    keep = int(rng.integers(0, len(target) + 1))
    shape = tuple(d if rng.random() < 0.5 else 1 for d in target[len(target) - keep :])
    dtype = str(rng.choice(["int8", "int16", "int32", "float32"]))
    assert_matches_tflm(broadcast_model(shape, target, dtype))


def mirror_model(
    shape: tuple[int, ...],
    pads: np.ndarray,
    mode: int,
    dtype: str,
    quant: Quant | None,
    pad_type: str = "int32",
) -> bytes:
    out = tuple(int(n + p.sum()) for n, p in zip(shape, pads, strict=True))
    return one_op_model(
        "MIRROR_PAD",
        [T(shape, dtype, quant=quant), T(pads.shape, pad_type, pads.astype(pad_type))],
        [T(out, dtype, quant=quant)],
        {"mode": mode},
    )


@pytest.mark.parametrize("seed", range(60))
def test_mirror_pad_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = _shape(rng, int(rng.integers(1, 5)), 6)
    mode = seed % 2  # REFLECT, SYMMETRIC
    pads = np.array([[int(rng.integers(0, n - (1 - mode) + 1)) for _ in range(2)] for n in shape])
    if seed % 5 == 0:
        pads[-1] = 0  # unpadded channels: copied as runs
    dtype = ("int8", "float32")[(seed // 2) % 2]
    model = mirror_model(
        shape, pads, mode, dtype, random_quant(rng, dtype), ("int32", "int64")[seed % 3 == 0]
    )
    assert_matches_tflm(model)


def test_mirror_pad_rejects_too_wide_reflection() -> None:
    model = mirror_model((3,), np.array([[3, 0]]), 0, "int8", None)
    with pytest.raises(micro.ModelError, match="REFLECT"):
        micro.Interpreter.from_bytes(model)


def gather_model(
    shape: tuple[int, ...],
    coords: np.ndarray,
    axis: int,
    batch_dims: int,
    dtype: str,
    quant: Quant | None,
    const: bool,
) -> bytes:
    rank = len(shape)
    a = axis % rank
    b = batch_dims % coords.ndim if batch_dims < 0 else batch_dims
    out = shape[:a] + coords.shape[b:] + shape[a + 1 :]
    return one_op_model(
        "GATHER",
        [T(shape, dtype, quant=quant), T(coords.shape, "int32", coords if const else None)],
        [T(out, dtype, quant=quant)],
        {"axis": axis, "batch_dims": batch_dims},
    )


def random_gather(seed: int) -> tuple:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, 5))
    shape = _shape(rng, rank)
    axis = int(rng.integers(0, rank))
    batch_dims = int(rng.integers(0, axis + 1)) if seed % 3 == 0 else 0
    coords_shape = shape[:batch_dims] + _shape(rng, int(rng.integers(0, 3)))
    coords = rng.integers(0, shape[axis], coords_shape).astype(np.int32)
    if seed % 4 == 1:
        axis -= rank  # negative axis
    return rng, shape, coords, axis, batch_dims


@pytest.mark.parametrize("seed", range(40))
def test_gather_const_indices_match_tflm(seed: int) -> None:
    rng, shape, coords, axis, batch_dims = random_gather(seed)
    dtype = ("int8", "float32")[seed % 2]
    model = gather_model(shape, coords, axis, batch_dims, dtype, random_quant(rng, dtype), True)
    assert_matches_tflm(model)


@pytest.mark.parametrize("seed", range(20))
def test_gather_runtime_indices_match_tflm(seed: int) -> None:
    """Indices as a model input (an embedding lookup); valid values, fed to both runtimes."""
    rng, shape, coords, axis, batch_dims = random_gather(seed)
    model = gather_model(shape, coords, axis, batch_dims, "int8", random_quant(rng, "int8"), False)
    x = rng.integers(-128, 128, shape).astype(np.int8)
    (got,) = run_micro(model, [x, coords])
    (expected,) = run_tflm(model, [x, coords], 1)
    assert got.tobytes() == expected.tobytes()


def test_gather_runtime_index_out_of_range_is_an_error() -> None:
    model = gather_model((4, 3), np.zeros(2, np.int32), 0, 0, "int8", None, False)
    it = micro.Interpreter.from_bytes(model)
    it.set_input(np.zeros((4, 3), np.int8), 0)
    it.set_input(np.array([1, 4], np.int32), 1)
    with pytest.raises(micro.MicroError, match="index"):
        it.invoke()


def test_gather_const_index_out_of_range_is_refused() -> None:
    model = gather_model((4, 3), np.array([0, 5], np.int32), 0, 0, "int8", None, True)
    with pytest.raises(micro.ModelError, match=r"operator 0.*outside"):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize(
    "model",
    [
        block_model("SPACE_TO_DEPTH", (1, 4, 4, 2), 2, "int8", None),
        mirror_model((3, 4), np.array([[1, 2], [2, 0]]), 0, "int8", None),
        gather_model((4, 3, 2), np.array([[0, 2]], np.int32), 1, 0, "int8", None, True),
    ],
    ids=["space_to_depth", "mirror_pad", "gather"],
)
def test_tampered_params_are_refused_or_safe(model: bytes) -> None:
    assert_hostile_params_safe(model)
