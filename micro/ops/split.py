"""SPLIT and SPLIT_V: one strided copy per output, each taking its slab of the input.

Viewed around the axis the input is [outer, N * inner] and output i is [outer, n_i * inner],
read from column (n_0 + ... + n_{i-1}) * inner. As TFLM, the slab sizes come from the output
shapes (SPLIT_V's size_splits tensor is not read at all) and the axis must be constant.
"""

from __future__ import annotations

import math

from ..model import Tensor
from ..schema import BuiltinOperator as B
from ._copy import MAX_COPY_DIMS, check_types, emit_strided_copy, int_values
from .base import OpContext, prepares

DTYPES = ("int8", "int16", "int32", "float32")


@prepares(B.SPLIT, types="int8, int16, int32, float32")
def prepare_split(ctx: OpContext) -> None:
    """SPLIT(axis, input): num_splits outputs of equal size."""
    n = len(ctx.op.outputs)
    ctx.check_io_count((2,), n)
    x = ctx.input(1)
    if ctx.options["num_splits"] != n:
        raise ctx.malformed(f"num_splits is {ctx.options['num_splits']} for {n} outputs")
    axis = _axis(ctx, x, 0)
    if n < 1 or x.shape[axis] % n:
        raise ctx.malformed(f"axis {axis} of size {x.shape[axis]} does not split {n} ways")
    _emit(ctx, x, axis, [x.shape[axis] // n] * n)


@prepares(B.SPLIT_V, types="int8, int16, int32, float32")
def prepare_split_v(ctx: OpContext) -> None:
    """SPLIT_V(input, size_splits, axis): outputs of the sizes their shapes give."""
    n = len(ctx.op.outputs)
    ctx.check_io_count((3,), n)
    x = ctx.input(0)
    axis = _axis(ctx, x, 2)
    sizes = []
    for i in range(n):
        out = ctx.output(i)
        if len(out.shape) != len(x.shape):
            raise ctx.malformed(f"output {i} has rank {len(out.shape)}, input {len(x.shape)}")
        sizes.append(out.shape[axis])
    _emit(ctx, x, axis, sizes)


def _axis(ctx: OpContext, x: Tensor, i: int) -> int:
    rank = len(x.shape)
    if not 1 <= rank <= MAX_COPY_DIMS:
        raise ctx.unsupported(f"input has {rank} dimensions; supported: 1 to {MAX_COPY_DIMS}")
    values = int_values(ctx, i, "axis")
    if len(values) != 1:
        raise ctx.malformed(f"axis holds {len(values)} values")
    axis = values[0] + rank if values[0] < 0 else values[0]
    if not 0 <= axis < rank:
        raise ctx.malformed(f"axis {values[0]} out of range for rank {rank}")
    return axis


def _emit(ctx: OpContext, x: Tensor, axis: int, sizes: list[int]) -> None:
    outputs = [ctx.output(i) for i in range(len(sizes))]
    check_types(ctx, [x, *outputs], DTYPES)
    for i, (out, size) in enumerate(zip(outputs, sizes, strict=True)):
        expected = [*x.shape[:axis], size, *x.shape[axis + 1 :]]
        if list(out.shape) != expected:
            raise ctx.malformed(f"output {i} shape {list(out.shape)} != {expected}")
    if sum(sizes) != x.shape[axis]:
        raise ctx.malformed(
            f"outputs add up to {sum(sizes)} along axis {axis}, input has {x.shape[axis]}"
        )
    if 0 in sizes:
        raise ctx.unsupported("an empty output is not supported")
    outer = math.prod(x.shape[:axis])
    inner = math.prod(x.shape[axis + 1 :])
    row = x.shape[axis] * inner
    column = 0
    for out, size in zip(outputs, sizes, strict=True):
        width = size * inner
        emit_strided_copy(
            ctx, ctx.ref(x), ctx.ref(out), x.dtype.itemsize, [outer, width], column, [row, 1]
        )
        column += width
