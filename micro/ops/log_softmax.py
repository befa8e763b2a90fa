"""LOG_SOFTMAX over the innermost axis: int8 in, int8 out at scale 16/256 and zero point
127, as TFLM's integer reference (`log_softmax_s8`). The host scales the 256 possible
differences x - max(row) to Q5 (PreprocessSoftmaxScaling with beta 1, as SOFTMAX does) and
tabulates them and their exponentials in Q12; the kernel sums, takes the fixed-point log
and subtracts."""

from __future__ import annotations

import math

import numpy as np

from .. import fixedpoint as fx
from ..quant import quantize_multiplier_below_one
from ..schema import BuiltinOperator as B
from .base import OpContext, prepares
from .softmax import SCALED_DIFF_INTEGER_BITS, input_scaling

OUTPUT_SCALE, OUTPUT_ZP = 16.0 / 256, 127  # TFLM's required output quantization
# Rows of up to 4095 keep the reference's Q12 sum of exponentials (each at most 2^19)
# inside int32; beyond, it overflows and the reference's log of it is undefined.
MAX_DEPTH = 4095


@prepares(B.LOG_SOFTMAX, types="int8")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "int8")
    ctx.check_dtype(out, "int8")
    if len(x.shape) < 1 or tuple(out.shape) != tuple(x.shape):
        raise ctx.malformed(f"output shape {out.shape} != input shape {x.shape}")
    if 0 in x.shape:
        raise ctx.unsupported(f"empty tensors are not supported (input {x.shape})")
    in_scale, _ = ctx.quant(x)
    out_scale, out_zp = ctx.quant(out)
    if np.float32(out_scale) != np.float32(OUTPUT_SCALE) or out_zp != OUTPUT_ZP:
        raise ctx.unsupported(
            f"the output needs scale 16/256 and zero point 127 (TFLM), got {out_scale} and {out_zp}"
        )
    try:
        multiplier, left_shift, diff_min = input_scaling(1.0, float(np.float32(in_scale)))
    except ValueError as exc:
        raise ctx.unsupported(str(exc)) from None
    # PreprocessLogSoftmaxScalingExp: the reverse of the input scaling, below one.
    reverse = (1 << (31 - left_shift)) / float(multiplier)
    reverse_multiplier, reverse_shift = quantize_multiplier_below_one(reverse)
    depth = x.shape[-1]
    if depth > MAX_DEPTH:
        raise ctx.unsupported(
            f"rows of {depth} values; TFLM's sum of exponentials overflows beyond {MAX_DEPTH}"
        )
    rows = math.prod(x.shape) // depth
    params = {
        "rows": rows,
        "depth": depth,
        "diff_min": max(diff_min, -256),
        "reverse_multiplier": reverse_multiplier,
        "reverse_shift": reverse_shift,
    }
    operands = {
        "input": ctx.ref(x),
        "tables": ctx.const(tables(multiplier, left_shift, diff_min)),
        "output": ctx.ref(out),
    }
    ctx.emit("log_softmax_s8", params, operands, 3 * rows * depth)


def tables(multiplier: int, left_shift: int, diff_min: int) -> np.ndarray:
    """int32[2][256] by k = -(x - max): the reference's exp of the scaled difference in Q12
    (0 below diff_min, where it adds nothing), then the difference scaled to Q5."""
    out = np.zeros((2, 256), dtype=np.int32)
    for k in range(256):
        q5 = int(fx.requantize(-k, multiplier, left_shift))
        out[1, k] = q5
        if -k >= diff_min:
            exp_q0 = fx.exp_on_negative_values(q5, SCALED_DIFF_INTEGER_BITS)
            out[0, k] = fx.rounding_divide_by_pot(exp_q0, 12)
    return out.ravel()
