"""STRIDED_SLICE: one strided copy.

Each axis's first index and end follow TFLM (StridedSliceStartForAxis / EndForAxis): a
negative index counts from the end, the index is clamped to [0, n] (stride > 0) or
[-1, n - 1] (stride < 0), then begin_mask / end_mask replace it with the full range; a
shrunk axis takes one element at its first index. The copy then reads element
start + j * stride for j in [0, ceil((end - start) / stride)).

TFLM ignores ellipsis_mask, new_axis_mask and offset (it slices as if they were 0), so a
model that sets them is refused here rather than sliced wrongly.
"""

from __future__ import annotations

import math

from ..schema import BuiltinOperator as B
from ._copy import MAX_COPY_DIMS, check_types, emit_strided_copy, int_values, row_major_strides
from .base import OpContext, prepares

DTYPES = ("bool", "int8", "int16", "int32", "float32")


@prepares(B.STRIDED_SLICE, types="bool, int8, int16, int32, float32")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((4,))
    x, out = ctx.input(0), ctx.output()
    check_types(ctx, [x, out], DTYPES)
    rank = len(x.shape)
    if not 1 <= rank <= MAX_COPY_DIMS:
        raise ctx.unsupported(f"input has {rank} dimensions; supported: 1 to {MAX_COPY_DIMS}")
    begin = int_values(ctx, 1, "begin")
    end = int_values(ctx, 2, "end")
    strides = int_values(ctx, 3, "strides")
    if not len(begin) == len(end) == len(strides) == rank:
        raise ctx.malformed(
            f"begin, end and strides hold {len(begin)}, {len(end)}, {len(strides)} values "
            f"for input rank {rank}"
        )
    for name in ("ellipsis_mask", "new_axis_mask"):
        if ctx.options[name]:
            raise ctx.unsupported(f"{name} is not supported (TFLM ignores it)")
    if ctx.options["offset"]:
        raise ctx.unsupported("offset=true is not supported (TFLM ignores it)")
    begin_mask = int(ctx.options["begin_mask"])
    end_mask = int(ctx.options["end_mask"])
    shrink_mask = int(ctx.options["shrink_axis_mask"])

    counts, starts, out_shape = [], [], []
    for k in range(rank):
        n, stride = x.shape[k], strides[k]
        if stride == 0:
            raise ctx.malformed(f"stride of axis {k} is 0")
        start = _start(begin[k], stride, n, bool(begin_mask >> k & 1))
        if shrink_mask >> k & 1:
            if stride < 0 or start >= n:
                raise ctx.unsupported(
                    f"shrunk axis {k} (begin {begin[k]}, stride {stride}) selects no element "
                    "in TFLM"
                )
            count = 1
        else:
            stop = _end(end[k], stride, n, bool(end_mask >> k & 1))
            count = max(0, -((stop - start) // -stride))  # ceil division, any signs
            out_shape.append(count)
        counts.append(count)
        starts.append(start)
    if list(out.shape) != out_shape:
        raise ctx.malformed(f"output shape {list(out.shape)} != sliced shape {out_shape}")
    if math.prod(out_shape) == 0:
        raise ctx.unsupported("an empty slice is not supported")

    in_strides = row_major_strides(x.shape)
    emit_strided_copy(
        ctx,
        ctx.ref(x),
        ctx.ref(out),
        x.dtype.itemsize,
        counts,
        sum(s * t for s, t in zip(starts, in_strides, strict=True)),
        [s * t for s, t in zip(strides, in_strides, strict=True)],
    )


def _clamp(v: int, lo: int, hi: int) -> int:
    return max(lo, min(v, hi))


def _start(index: int, stride: int, n: int, masked: bool) -> int:
    if masked:
        return 0 if stride > 0 else n - 1
    if index < 0:
        index += n
    return _clamp(index, 0, n) if stride > 0 else _clamp(index, -1, n - 1)


def _end(index: int, stride: int, n: int, masked: bool) -> int:
    if masked:
        return n if stride > 0 else -1
    if index < 0:
        index += n
    return _clamp(index, 0, n) if stride > 0 else _clamp(index, -1, n - 1)
