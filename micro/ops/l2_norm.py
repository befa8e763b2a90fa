"""L2_NORMALIZATION over the innermost axis: int8 as TFLM's integer reference (`l2_norm_s8`;
the output is in units of 1/128, zero point 0, whatever the output tensor declares, as in
TFLM; the converter always declares that); float32 as its float reference (`l2_norm_f32`:
float sum of squares, correctly rounded square root, at least 1e-6, a division)."""

from __future__ import annotations

import math

from .._ffi import lib
from ..schema import ActivationFunctionType as Act
from ..schema import BuiltinOperator as B
from .base import OpContext, prepares

MAX_RANK = 4  # TFLM's limit


@prepares(B.L2_NORMALIZATION, types="int8, float32")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "int8", "float32")
    ctx.check_dtype(out, x.dtype.name)
    if not 1 <= len(x.shape) <= MAX_RANK:
        raise ctx.unsupported(f"a rank-{len(x.shape)} input; TFLM takes ranks 1 to {MAX_RANK}")
    if tuple(out.shape) != tuple(x.shape):
        raise ctx.malformed(f"output shape {out.shape} != input shape {x.shape}")
    if 0 in x.shape:
        raise ctx.unsupported(f"empty tensors are not supported (input {x.shape})")
    if ctx.options["fused_activation_function"] != Act.NONE:
        raise ctx.unsupported("a fused activation (TFLM supports none here)")
    depth = x.shape[-1]
    rows = math.prod(x.shape) // depth
    if x.dtype.name == "float32":
        params = {"rows": rows, "depth": depth}
        operands = {"input": ctx.ref(x), "output": ctx.ref(out)}
        ctx.emit("l2_norm_f32", params, operands, 2 * rows * depth)
        return
    _, zp = ctx.quant(x)
    ctx.quant(out)
    if depth > lib.MICRO_L2_NORM_S8_MAX_DEPTH:
        raise ctx.unsupported(
            f"rows of {depth} values; the int32 sum of squares overflows beyond "
            f"{lib.MICRO_L2_NORM_S8_MAX_DEPTH}"
        )
    params = {"rows": rows, "depth": depth, "input_zp": zp}
    ctx.emit("l2_norm_s8", params, {"input": ctx.ref(x), "output": ctx.ref(out)}, 2 * rows * depth)
