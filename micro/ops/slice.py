"""SLICE: one strided copy of the box [begin, begin + size) (a size of -1 runs to the end
of its axis, as TFLM's reference Slice). TFLM reads begin/size as int32 or int64 and does
not bound-check them; here a box outside the input is a malformed model.
DYNAMIC_UPDATE_SLICE: the operand with an update written at start indices read at run
time (`update_slice`, which clamps them as TFLM)."""

from __future__ import annotations

import math

import numpy as np

from ..schema import BuiltinOperator as B
from ._copy import MAX_COPY_DIMS, check_types, emit_strided_copy, row_major_strides
from .base import OpContext, prepares

DTYPES = ("bool", "int8", "int16", "int32", "float32")


@prepares(B.SLICE, types="bool, int8, int16, int32, float32")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((3,))
    x, out = ctx.input(0), ctx.output()
    check_types(ctx, [x, out], DTYPES)
    rank = len(x.shape)
    if not 1 <= rank <= MAX_COPY_DIMS:
        raise ctx.unsupported(f"input has {rank} dimensions; supported: 1 to {MAX_COPY_DIMS}")
    begin = _indices(ctx, 1, "begin")
    size = _indices(ctx, 2, "size")
    if ctx.input(1).dtype != ctx.input(2).dtype:
        raise ctx.malformed("begin and size have different types")
    if not len(begin) == len(size) == rank:
        raise ctx.malformed(
            f"begin and size hold {len(begin)} and {len(size)} values for input rank {rank}"
        )
    counts = []
    for k, (n, b, s) in enumerate(zip(x.shape, begin, size, strict=True)):
        count = n - b if s == -1 else s
        if b < 0 or count < 0 or b + count > n:
            raise ctx.malformed(f"axis {k}: begin {b}, size {s} is outside [0, {n})")
        counts.append(count)
    if list(out.shape) != counts:
        raise ctx.malformed(f"output shape {list(out.shape)} != sliced shape {counts}")
    if 0 in counts:
        raise ctx.unsupported("an empty slice is not supported")
    strides = row_major_strides(x.shape)
    offset = sum(b * s for b, s in zip(begin, strides, strict=True))
    emit_strided_copy(ctx, ctx.ref(x), ctx.ref(out), x.dtype.itemsize, counts, offset, strides)


def _indices(ctx: OpContext, i: int, what: str) -> list[int]:
    tensor = ctx.input(i)
    if tensor.dtype.name not in ("int32", "int64"):
        raise ctx.unsupported(f"{what} (input {i}) is {tensor.dtype.name}; TFLM reads int32/int64")
    return [int(v) for v in np.asarray(ctx.const_input(i, what)).ravel()]


UPDATE_DTYPES = ("int8", "int16", "int32", "float32")  # TFLM's DYNAMIC_UPDATE_SLICE eval
UPDATE_MAX_DIMS = 6  # MICRO_UPDATE_SLICE_MAX_DIMS, TFLM's RuntimeShape::kMaxSmallSize


@prepares(B.DYNAMIC_UPDATE_SLICE, types="int8, int16, int32, float32 (int32, int64 indices)")
def prepare_update(ctx: OpContext) -> None:
    ctx.check_io_count((3,))
    x, update, indices, out = ctx.input(0), ctx.input(1), ctx.input(2), ctx.output()
    check_types(ctx, [x, update, out], UPDATE_DTYPES)
    ctx.check_dtype(indices, "int32", "int64")
    rank = len(x.shape)
    if not 1 <= rank <= UPDATE_MAX_DIMS:
        raise ctx.unsupported(f"operand has {rank} dimensions; supported: 1 to {UPDATE_MAX_DIMS}")
    if tuple(indices.shape) != (rank,) or len(update.shape) != rank:
        raise ctx.malformed(
            f"update {update.shape} and start indices {indices.shape} must match the rank-{rank} "
            "operand"
        )
    if any(u > n for u, n in zip(update.shape, x.shape, strict=True)):
        raise ctx.malformed(f"update {update.shape} is larger than the operand {x.shape}")
    if tuple(out.shape) != tuple(x.shape):
        raise ctx.malformed(f"output shape {out.shape} != operand shape {x.shape}")
    if math.prod(update.shape) == 0 or math.prod(x.shape) == 0:
        raise ctx.unsupported("empty tensors are not supported")
    pad = [1] * (UPDATE_MAX_DIMS - rank)
    params = {
        "elem_size": x.dtype.itemsize,
        "index_width": indices.dtype.itemsize,
        "rank": rank,
        "dims": list(x.shape) + pad,
        "update_dims": list(update.shape) + pad,
    }
    operands = {
        "operand": ctx.ref(x),
        "update": ctx.ref(update),
        "indices": ctx.ref(indices),
        "output": ctx.ref(out),
    }
    ctx.emit("update_slice", params, operands)
