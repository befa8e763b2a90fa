"""Data movement shared by the ops that only move bytes (TRANSPOSE, STRIDED_SLICE,
CONCATENATION, ... and any op that needs a strided copy): row-major strides, and one
`strided_copy` step with its dimensions simplified first.

Simplification (what makes most copies a few memcpy runs):
  1. dimensions of extent 1 are dropped (they move no pointer);
  2. a dimension merges into its outer neighbour when it is contiguous with it in both
     views (outer stride == inner stride * inner extent, for source and destination).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .._ffi import lib
from ..model import Tensor
from .base import OpContext, Operand

MAX_COPY_DIMS = int(lib.MICRO_COPY_MAX_DIMS)
MOVABLE_DTYPES = ("bool", "int8", "uint8", "int16", "int32", "int64", "float32")


def row_major_strides(shape: Sequence[int]) -> list[int]:
    """Element strides of a contiguous row-major tensor of `shape`."""
    strides = [1] * len(shape)
    for k in range(len(shape) - 2, -1, -1):
        strides[k] = strides[k + 1] * shape[k + 1]
    return strides


def simplify(
    shape: Sequence[int], src_strides: Sequence[int], dst_strides: Sequence[int]
) -> tuple[list[int], list[int], list[int]]:
    """The same copy over the fewest dimensions (at least one)."""
    dims = [(n, s, d) for n, s, d in zip(shape, src_strides, dst_strides, strict=True) if n != 1]
    merged: list[tuple[int, int, int]] = []
    for n, s, d in dims:
        if merged:
            n0, s0, d0 = merged[-1]
            if s0 == s * n and d0 == d * n:
                merged[-1] = (n0 * n, s, d)
                continue
        merged.append((n, s, d))
    if not merged:
        merged = [(1, 1, 1)]
    return [m[0] for m in merged], [m[1] for m in merged], [m[2] for m in merged]


def emit_strided_copy(
    ctx: OpContext,
    src: Operand,
    dst: Operand,
    elem_size: int,
    shape: Sequence[int],
    src_offset: int,
    src_strides: Sequence[int],
    dst_offset: int = 0,
    dst_strides: Sequence[int] | None = None,
) -> None:
    """One step copying the box `shape` from `src` to `dst` (strides and offsets in
    elements; the destination is row-major over `shape` unless `dst_strides` is given)."""
    if math.prod(shape) == 0:
        return
    if dst_strides is None:
        dst_strides = row_major_strides(shape)
    dims, s_strides, d_strides = simplify(shape, src_strides, dst_strides)
    if len(dims) > MAX_COPY_DIMS:
        raise ctx.unsupported(
            f"needs a {len(dims)}-d strided copy; at most {MAX_COPY_DIMS} dimensions are supported"
        )
    pad = MAX_COPY_DIMS - len(dims)
    params = {
        "elem_size": elem_size,
        "n_dims": len(dims),
        "shape": dims + [1] * pad,
        "src_offset": src_offset,
        "src_stride": s_strides + [0] * pad,
        "dst_offset": dst_offset,
        "dst_stride": d_strides + [0] * pad,
    }
    ctx.emit("strided_copy", params, {"src": src, "dst": dst})


def check_types(ctx: OpContext, tensors: Sequence[Tensor], dtypes: Sequence[str]) -> None:
    """The first tensor has one of `dtypes` and every other tensor has the same dtype."""
    ctx.check_dtype(tensors[0], *dtypes)
    for t in tensors[1:]:
        if t.dtype != tensors[0].dtype:
            raise ctx.malformed(
                f"tensor {t.index} ('{t.name}') is {t.dtype.name}, tensor {tensors[0].index} "
                f"is {tensors[0].dtype.name}: they must match"
            )


def int_values(ctx: OpContext, i: int, what: str) -> list[int]:
    """A constant int32 input (a shape, perm, paddings, begin/end/strides) as Python ints."""
    tensor = ctx.input(i)
    if tensor.dtype.name != "int32":
        raise ctx.unsupported(f"{what} (input {i}) is {tensor.dtype.name}; TFLM reads int32")
    return [int(v) for v in np.asarray(ctx.const_input(i, what)).ravel()]
