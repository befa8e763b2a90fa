"""PACK and UNPACK: one strided copy per packed value.

Around the axis the packed tensor is [outer, N, inner] and value i, [outer, inner], sits at
offset i * inner with row stride N * inner. The count (PACK's values_count, UNPACK's num)
must equal the operator's inputs / outputs: TFLM loops over the option's count.
"""

from __future__ import annotations

import math

from ..model import Tensor
from ..schema import BuiltinOperator as B
from ._copy import MAX_COPY_DIMS, check_types, emit_strided_copy
from .base import OpContext, prepares


@prepares(B.PACK, types="bool, int8, int16, int32, int64, float32")
def prepare_pack(ctx: OpContext) -> None:
    n = ctx.n_inputs
    ctx.check_io_count((n,))
    values = [ctx.input(i) for i in range(n)]
    out = ctx.output()
    check_types(ctx, [out, *values], ("int8", "int16", "int32", "int64", "float32"))
    outer, inner = _layout(ctx, out, values, "values_count")
    for i, t in enumerate(values):
        emit_strided_copy(
            ctx,
            ctx.ref(t),
            ctx.ref(out),
            out.dtype.itemsize,
            [outer, inner],
            0,
            [inner, 1],
            dst_offset=i * inner,
            dst_strides=[n * inner, 1],
        )


@prepares(B.UNPACK, types="bool, int8, int16, int32, int64, float32")
def prepare_unpack(ctx: OpContext) -> None:
    n = len(ctx.op.outputs)
    ctx.check_io_count((1,), n)
    x = ctx.input(0)
    values = [ctx.output(i) for i in range(n)]
    check_types(ctx, [x, *values], ("int8", "int16", "int32", "float32"))
    outer, inner = _layout(ctx, x, values, "num")
    for i, t in enumerate(values):
        emit_strided_copy(
            ctx, ctx.ref(x), ctx.ref(t), x.dtype.itemsize, [outer, inner], i * inner,
            [n * inner, 1],
        )  # fmt: skip


def _layout(
    ctx: OpContext, packed: Tensor, values: list[Tensor], count_option: str
) -> tuple[int, int]:
    """(outer, inner) of the packed tensor around the validated axis."""
    n = len(values)
    count = ctx.options[count_option]
    if count != n:
        raise ctx.malformed(f"{count_option} is {count} but the operator has {n} values")
    rank = len(packed.shape)
    if not 1 <= rank <= MAX_COPY_DIMS:
        raise ctx.unsupported(
            f"the packed tensor has {rank} dimensions; supported: 1 to {MAX_COPY_DIMS}"
        )
    axis = int(ctx.options["axis"])
    axis = axis + rank if axis < 0 else axis
    if not 0 <= axis < rank:
        raise ctx.malformed(f"axis {ctx.options['axis']} out of range for rank {rank}")
    expected = [*packed.shape[:axis], *packed.shape[axis + 1 :]]
    if packed.shape[axis] != n or any(list(t.shape) != expected for t in values):
        raise ctx.malformed(
            f"{n} values of shapes {[list(t.shape) for t in values]} do not pack into "
            f"{list(packed.shape)} along axis {axis}"
        )
    outer = math.prod(packed.shape[:axis])
    inner = math.prod(packed.shape[axis + 1 :])
    if outer * inner == 0:
        raise ctx.unsupported("an empty tensor is not supported")
    return outer, inner
