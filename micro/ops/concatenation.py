"""CONCATENATION: one strided copy per input into its slab of the output.

Viewed around the axis, input i is [outer, n_i * inner] and the output [outer, N * inner]
with N = sum n_i; input i lands at column offset (n_0 + ... + n_{i-1}) * inner. As TFLM,
int8 inputs must share the output's scale and zero point (no rescaling), int16 zero points
must be 0, and no fused activation is allowed.
"""

from __future__ import annotations

import math

from ..model import Tensor
from ..schema import ActivationFunctionType
from ..schema import BuiltinOperator as B
from ._copy import MAX_COPY_DIMS, check_types, emit_strided_copy
from .base import OpContext, prepares

DTYPES = ("bool", "int8", "int16", "int32", "int64", "float32")


@prepares(B.CONCATENATION, types="bool, int8, int16, int32, int64, float32")
def prepare(ctx: OpContext) -> None:
    if ctx.n_inputs < 1:
        raise ctx.malformed("has no inputs")
    ctx.check_io_count((ctx.n_inputs,))
    inputs = [ctx.input(i) for i in range(ctx.n_inputs)]
    out = ctx.output()
    check_types(ctx, [*inputs, out], DTYPES)
    activation = ctx.options["fused_activation_function"]
    if activation != ActivationFunctionType.NONE:
        raise ctx.unsupported(f"fused activation {activation} (TFLM allows none)")
    rank = len(out.shape)
    if rank > MAX_COPY_DIMS:
        raise ctx.unsupported(f"output has {rank} dimensions; at most {MAX_COPY_DIMS}")
    axis = int(ctx.options["axis"])
    axis = axis + rank if axis < 0 else axis
    if not 0 <= axis < rank:
        raise ctx.malformed(f"axis {ctx.options['axis']} out of range for rank {rank}")
    total = 0
    for t in inputs:
        same = len(t.shape) == rank and all(
            t.shape[k] == out.shape[k] for k in range(rank) if k != axis
        )
        if not same:
            raise ctx.malformed(
                f"input {t.index} shape {list(t.shape)} does not fit output shape "
                f"{list(out.shape)} along axis {axis}"
            )
        total += t.shape[axis]
        _check_quant(ctx, t, out)
    if total != out.shape[axis]:
        raise ctx.malformed(
            f"inputs add up to {total} along axis {axis}, output has {out.shape[axis]}"
        )
    outer = math.prod(out.shape[:axis])
    inner = math.prod(out.shape[axis + 1 :])
    row = out.shape[axis] * inner
    column = 0
    for t in inputs:
        width = t.shape[axis] * inner
        emit_strided_copy(
            ctx,
            ctx.ref(t),
            ctx.ref(out),
            out.dtype.itemsize,
            [outer, width],
            0,
            [width, 1],
            dst_offset=column,
            dst_strides=[row, 1],
        )
        column += width


def _check_quant(ctx: OpContext, t: Tensor, out: Tensor) -> None:
    if out.dtype.name == "int8":
        if ctx.quant(t) != ctx.quant(out):
            raise ctx.unsupported(
                f"input {t.index} is quantized as {ctx.quant(t)}, the output as "
                f"{ctx.quant(out)}; TFLM concatenates int8 only without rescaling"
            )
    elif out.dtype.name == "int16":
        for tensor in (t, out):
            if (
                tensor.quant is not None
                and len(tensor.quant.zero_point)
                and any(tensor.quant.zero_point != 0)
            ):
                raise ctx.unsupported(f"int16 tensor {tensor.index} needs a zero point of 0")
