"""TRANSPOSE: one strided copy. Output dimension k walks input dimension perm[k], so the
copy reads with the input's stride of perm[k] and writes the output row-major."""

from __future__ import annotations

from ..schema import BuiltinOperator as B
from ._copy import MAX_COPY_DIMS, check_types, emit_strided_copy, int_values, row_major_strides
from .base import OpContext, prepares

DTYPES = ("bool", "int8", "int16", "int32", "float32")


@prepares(B.TRANSPOSE, types="bool, int8, int16, int32, float32")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    x, out = ctx.input(0), ctx.output()
    check_types(ctx, [x, out], DTYPES)
    rank = len(x.shape)
    if rank > MAX_COPY_DIMS:
        raise ctx.unsupported(f"input has {rank} dimensions; at most {MAX_COPY_DIMS}")
    perm = int_values(ctx, 1, "perm")
    if sorted(perm) != list(range(rank)) or len(ctx.input(1).shape) != 1:
        raise ctx.malformed(f"perm {perm} is not a permutation of the {rank} input dimensions")
    expected = [x.shape[p] for p in perm]
    if list(out.shape) != expected:
        raise ctx.malformed(f"output shape {list(out.shape)} != transposed shape {expected}")
    in_strides = row_major_strides(x.shape)
    emit_strided_copy(
        ctx,
        ctx.ref(x),
        ctx.ref(out),
        x.dtype.itemsize,
        expected,
        0,
        [in_strides[p] for p in perm],
    )
