"""PAD and PADV2: constant padding, one `pad` step.

The pad value, as TFLM: PADV2's constant_values input (which for int8 must share the
output's scale and zero point); for PAD the output zero point for int8, else 0. Paddings
must be a constant int32 [rank, 2] tensor of non-negative values. Dimensions without
padding are merged into their outer neighbour before the step is emitted.
"""

from __future__ import annotations

import math

import numpy as np

from .._ffi import lib
from ..schema import BuiltinOperator as B
from ._copy import check_types, int_values
from .base import OpContext, prepares

DTYPES = ("int8", "int16", "int32", "float32")
MAX_DIMS = 5  # TFLM's PadKernelMaxDimensionCount
MAX_PAD_DIMS = int(lib.MICRO_PAD_MAX_DIMS)


@prepares(B.PAD, B.PADV2, types="int8, int16, int32, float32")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((2, 3))
    x, out = ctx.input(0), ctx.output()
    value_tensor = ctx.optional_input(2)
    check_types(ctx, [x, out], DTYPES)
    rank = len(x.shape)
    if rank > MAX_DIMS:
        raise ctx.unsupported(f"input has {rank} dimensions; TFLM pads at most {MAX_DIMS}")
    pads = int_values(ctx, 1, "paddings")
    if len(pads) != 2 * len(out.shape) or len(out.shape) != rank:
        raise ctx.malformed(
            f"paddings hold {len(pads)} values for input rank {rank} and output rank "
            f"{len(out.shape)}; expected 2 per dimension"
        )
    before, after = pads[0::2], pads[1::2]
    if min(pads, default=0) < 0:
        raise ctx.unsupported(f"negative paddings {pads} are not supported")
    expected = [b + n + a for b, n, a in zip(before, x.shape, after, strict=True)]
    if list(out.shape) != expected:
        raise ctx.malformed(f"output shape {list(out.shape)} != padded shape {expected}")
    if math.prod(x.shape) == 0:
        raise ctx.unsupported("padding an empty tensor is not supported")

    if value_tensor is not None:
        check_types(ctx, [x, value_tensor], DTYPES)
        if math.prod(value_tensor.shape) != 1:
            raise ctx.malformed(f"constant_values must hold one value, shape {value_tensor.shape}")
        if x.dtype.name == "int8" and ctx.quant(value_tensor) != ctx.quant(out):
            raise ctx.unsupported(
                "constant_values must be quantized as the output (scale and zero point)"
            )
        value = ctx.ref(value_tensor)
    elif x.dtype.name == "int8":
        value = ctx.const(np.array([ctx.quant(out)[1]], dtype=np.int8))
    else:
        value = ctx.const(np.zeros(1, dtype=x.dtype))

    dims = _merge(list(x.shape), before, after)
    if len(dims) > MAX_PAD_DIMS:  # cannot happen with rank <= MAX_DIMS; kept for the C limit
        raise ctx.unsupported(f"needs {len(dims)} dimensions; at most {MAX_PAD_DIMS}")
    fill = [(1, 0, 0)] * (MAX_PAD_DIMS - len(dims))
    params = {
        "elem_size": x.dtype.itemsize,
        "n_dims": len(dims),
        "in_shape": [d[0] for d in dims + fill],
        "before": [d[1] for d in dims + fill],
        "after": [d[2] for d in dims + fill],
    }
    ctx.emit("pad", params, {"input": ctx.ref(x), "value": value, "output": ctx.ref(out)})


def _merge(shape: list[int], before: list[int], after: list[int]) -> list[tuple[int, int, int]]:
    """(in, before, after) per dimension, with unpadded dimensions folded outward."""
    dims = [
        (n, b, a) for n, b, a in zip(shape, before, after, strict=True) if (n, b, a) != (1, 0, 0)
    ]
    merged: list[tuple[int, int, int]] = []
    for n, b, a in dims:
        if merged and b == 0 and a == 0:
            n0, b0, a0 = merged[-1]
            merged[-1] = (n0 * n, b0 * n, a0 * n)
        else:
            merged.append((n, b, a))
    return merged or [(1, 0, 0)]
