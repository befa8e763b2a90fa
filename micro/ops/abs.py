"""ABS on int8, int16 and float32, as TFLM's elementwise.cc computes it (float32: fabsf, the
sign bit cleared, in `unary_f32`).

With v = |input - input_zp|: when the input and output scales (float32) are equal the output
is clamp(v + output_zp); otherwise clamp(requant(v, input_scale / output_scale) + output_zp),
the ratio taken in double. int8 is a 256-entry table (lut_s8); int16 runs abs_s16, with zero
points 0 as TFLM requires, or unquantized, where |-32768| wraps to -32768 as std::abs does.
"""

from __future__ import annotations

import math

import numpy as np

from ..fixedpoint import requantize
from ..schema import BuiltinOperator as B
from ._rescale import multiplier
from .base import OpContext, prepares
from .elementwise import unary_f32
from .lut import byte_values, emit_table


@prepares(B.ABS, types="int8, int16, float32")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "int8", "int16", "float32")
    if x.dtype.name == "float32":
        unary_f32(ctx, "abs")
        return
    ctx.check_dtype(out, x.dtype.name)
    count = math.prod(x.shape)
    if math.prod(out.shape) != count:
        raise ctx.malformed(f"output shape {out.shape} does not match input shape {x.shape}")
    if count == 0:
        raise ctx.unsupported(f"empty tensors are not supported (input {x.shape})")
    quantized = x.quant is not None and len(x.quant.scale) > 0
    if x.dtype.name == "int16" and not quantized:
        params = {"count": count, "rescale": 0, "multiplier": 0, "shift": 0, "saturate": 0}
        ctx.emit("abs_s16", params, {"input": ctx.ref(x), "output": ctx.ref(out)}, count)
        return
    s_in, zp_in = ctx.quant(x)
    s_out, zp_out = ctx.quant(out)
    rescale = np.float32(s_in) != np.float32(s_out)
    mult, shift = multiplier(ctx, s_in / s_out, "input-to-output") if rescale else (0, 0)
    if x.dtype.name == "int8":
        v = np.abs(byte_values(x) - zp_in)
        values = (requantize(v, mult, shift) if rescale else v) + zp_out
        emit_table(ctx, x, out, np.clip(values, -128, 127))
        return
    if zp_in != 0 or zp_out != 0:
        raise ctx.unsupported(f"int16 zero points must be 0 (TFLM), got {zp_in} and {zp_out}")
    params = {
        "count": count,
        "rescale": int(rescale),
        "multiplier": mult,
        "shift": shift,
        "saturate": 1,
    }
    ctx.emit("abs_s16", params, {"input": ctx.ref(x), "output": ctx.ref(out)}, count)
