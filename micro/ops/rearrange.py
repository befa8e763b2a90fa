"""Ops that only rearrange elements, each one strided copy or one table gather:
SPACE_TO_DEPTH and DEPTH_TO_SPACE (a 6-d transpose of NHWC blocks), REVERSE_V2 (negative
strides), BROADCAST_TO (zero strides), MIRROR_PAD (reflected index tables), and SHAPE (a
copy of constant data: shapes are static in micro)."""

from __future__ import annotations

import math

import numpy as np

from ..schema import BuiltinOperator as B
from ._copy import MAX_COPY_DIMS, check_types, emit_strided_copy, int_values, row_major_strides
from ._index import emit_index_copy
from .base import OpContext, prepares

BLOCK_DTYPES = ("float32", "int8")  # TFLM's SPACE_TO_DEPTH and DEPTH_TO_SPACE
ANY_DTYPES = ("bool", "int8", "uint8", "int16", "int32", "int64", "float32")
MIRROR_DTYPES = ("float32", "int8")  # TFLM's MIRROR_PAD eval
BROADCAST_MAX_DIMS = 5  # TFLM's BROADCAST_TO kMaxDims


def _block_io(ctx: OpContext) -> tuple[int, list[int], list[int]]:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    check_types(ctx, [x, out], BLOCK_DTYPES)
    if len(x.shape) != 4 or len(out.shape) != 4:
        raise ctx.unsupported(f"input and output must be 4-D NHWC, not {x.shape} -> {out.shape}")
    block = int(ctx.options["block_size"])
    if block < 1:
        raise ctx.malformed(f"block_size {block} must be at least 1")
    if math.prod(x.shape) == 0:
        raise ctx.unsupported("empty tensors are not supported")
    return block, list(x.shape), list(out.shape)


@prepares(B.SPACE_TO_DEPTH, types="int8, float32")
def prepare_space_to_depth(ctx: OpContext) -> None:
    block, (n, h, w, c), out_shape = _block_io(ctx)
    if h % block or w % block:
        raise ctx.malformed(f"height {h} and width {w} must be multiples of block_size {block}")
    expected = [n, h // block, w // block, c * block * block]
    if out_shape != expected:
        raise ctx.malformed(f"output shape {out_shape} != expected {expected}")
    # output [n, h', w', bh, bw, c] reads input [n, h' * b + bh, w' * b + bw, c]
    box = [n, h // block, w // block, block, block, c]
    strides = [h * w * c, block * w * c, block * c, w * c, c, 1]
    x, out = ctx.input(0), ctx.output()
    emit_strided_copy(ctx, ctx.ref(x), ctx.ref(out), x.dtype.itemsize, box, 0, strides)


@prepares(B.DEPTH_TO_SPACE, types="int8, float32")
def prepare_depth_to_space(ctx: OpContext) -> None:
    block, (n, h, w, c), out_shape = _block_io(ctx)
    if c % (block * block):
        raise ctx.malformed(f"depth {c} must be a multiple of block_size^2 ({block * block})")
    depth = c // (block * block)
    expected = [n, h * block, w * block, depth]
    if out_shape != expected:
        raise ctx.malformed(f"output shape {out_shape} != expected {expected}")
    # output [n, h, bh, w, bw, c'] reads input [n, h, w, (bh * b + bw) * c' + c']
    box = [n, h, block, w, block, depth]
    strides = [h * w * c, w * c, block * depth, c, depth, 1]
    x, out = ctx.input(0), ctx.output()
    emit_strided_copy(ctx, ctx.ref(x), ctx.ref(out), x.dtype.itemsize, box, 0, strides)


@prepares(B.REVERSE_V2, types="bool, int8, uint8, int16, int32, int64, float32")
def prepare_reverse(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    x, out = ctx.input(0), ctx.output()
    check_types(ctx, [x, out], ANY_DTYPES)
    rank = len(x.shape)
    if rank > MAX_COPY_DIMS:
        raise ctx.unsupported(f"input has {rank} dimensions; at most {MAX_COPY_DIMS}")
    if tuple(out.shape) != tuple(x.shape):
        raise ctx.malformed(f"output shape {out.shape} != input shape {x.shape}")
    axes = int_values(ctx, 1, "axis")
    if len(ctx.input(1).shape) != 1 or len(axes) > rank or any(not 0 <= a < rank for a in axes):
        raise ctx.malformed(f"axis {axes} must list dimensions of the rank-{rank} input")
    if math.prod(x.shape) == 0:
        raise ctx.unsupported("empty tensors are not supported")
    strides = row_major_strides(x.shape)
    offset = 0
    for a in set(axes):
        offset += (x.shape[a] - 1) * strides[a]
        strides[a] = -strides[a]
    emit_strided_copy(ctx, ctx.ref(x), ctx.ref(out), x.dtype.itemsize, x.shape, offset, strides)


@prepares(B.BROADCAST_TO, types="bool, int8, uint8, int16, int32, int64, float32")
def prepare_broadcast_to(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    x, out = ctx.input(0), ctx.output()
    check_types(ctx, [x, out], ANY_DTYPES)
    shape_tensor = ctx.input(1)
    ctx.check_dtype(shape_tensor, "int32", "int64")
    target = [int(v) for v in np.asarray(ctx.const_input(1, "shape")).ravel()]
    rank = len(out.shape)
    if rank > BROADCAST_MAX_DIMS:
        raise ctx.unsupported(f"output has {rank} dimensions; TFLM broadcasts to at most 5")
    if target != list(out.shape) or len(x.shape) > rank:
        raise ctx.malformed(f"shape {target} does not match output {list(out.shape)}")
    padded = [1] * (rank - len(x.shape)) + list(x.shape)
    if any(i not in (1, o) for i, o in zip(padded, out.shape, strict=True)):
        raise ctx.malformed(f"input shape {x.shape} cannot broadcast to {list(out.shape)}")
    if math.prod(out.shape) == 0:
        raise ctx.unsupported("empty tensors are not supported")
    strides = [0 if i == 1 else s for i, s in zip(padded, row_major_strides(padded), strict=True)]
    emit_strided_copy(ctx, ctx.ref(x), ctx.ref(out), x.dtype.itemsize, out.shape, 0, strides)


def mirror_indices(size: int, before: int, after: int, reflect: bool) -> np.ndarray:
    """Source index of each padded coordinate: REFLECT skips the edge, SYMMETRIC repeats it."""
    k = 1 if reflect else 0
    left = [before - 1 - j + k for j in range(before)]
    right = [size - 1 - j - k for j in range(after)]
    return np.array(left + list(range(size)) + right, dtype=np.int64)


@prepares(B.MIRROR_PAD, types="int8, float32")
def prepare_mirror_pad(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    x, out = ctx.input(0), ctx.output()
    check_types(ctx, [x, out], MIRROR_DTYPES)
    ctx.check_dtype(ctx.input(1), "int32", "int64")
    pads = [int(v) for v in np.asarray(ctx.const_input(1, "paddings")).ravel()]
    rank = len(x.shape)
    if len(pads) != 2 * rank or len(out.shape) != rank:
        raise ctx.malformed(f"paddings {pads} must hold 2 values per input dimension ({rank})")
    reflect = int(ctx.options["mode"]) == 0  # MirrorPadMode.REFLECT
    limit = 1 if reflect else 0
    tables = []
    strides = row_major_strides(x.shape)
    for d, size in enumerate(x.shape):
        before, after = pads[2 * d], pads[2 * d + 1]
        if min(before, after) < 0 or max(before, after) > size - limit:
            raise ctx.malformed(
                f"paddings ({before}, {after}) of dimension {d} must be in [0, {size - limit}] "
                f"for {'REFLECT' if reflect else 'SYMMETRIC'} mode and size {size}"
            )
        tables.append(mirror_indices(size, before, after, reflect) * strides[d])
    expected = [len(t) for t in tables]
    if list(out.shape) != expected:
        raise ctx.malformed(f"output shape {list(out.shape)} != padded shape {expected}")
    if math.prod(x.shape) == 0:
        raise ctx.unsupported("padding an empty tensor is not supported")
    run = 1
    while tables and pads[2 * len(tables) - 2 : 2 * len(tables)] == [0, 0] and len(tables) > 1:
        run *= x.shape[len(tables) - 1]  # unpadded inner dimensions copy as one run
        tables.pop()
    emit_index_copy(ctx, ctx.ref(x), ctx.ref(out), x.dtype.itemsize, tables, run)


@prepares(B.SHAPE, types="any -> int32")
def prepare_shape(ctx: OpContext) -> None:
    """The input's static shape, copied from constant data into the int32 output."""
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(out, "int32")
    if tuple(out.shape) != (len(x.shape),):
        raise ctx.malformed(f"output shape {out.shape} != ({len(x.shape)},) for input {x.shape}")
    if not x.shape:
        raise ctx.unsupported("the shape of a scalar is empty; nothing to compute")
    shape = np.array(x.shape, dtype=np.int32)
    emit_strided_copy(ctx, ctx.const(shape), ctx.ref(out), 4, [len(shape)], 0, [1])
