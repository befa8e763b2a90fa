"""SOFTMAX: int8 input, int8 (scale 1/256, zero point -128) or int16 (scale 1/65536,
zero point -32768) output, over the innermost axis; TFLM's fixed-point reference.

TFLM's prepare: PreprocessSoftmaxScaling(beta, input_scale, 5) gives a multiplier and a
left shift for the input difference (Q5.26), CalculateInputRadius gives diff_min; every
difference x - max(row) of an int8 row lies in [-255, 0], so micro evaluates the
reference's exp_on_negative_values for all 256 of them here (0 below diff_min, where
the reference skips the element) and the kernel looks them up.
"""

from __future__ import annotations

import math

import numpy as np

from .. import fixedpoint as fx
from ..quant import split_q31
from ..schema import BuiltinOperator as B
from .base import OpContext, prepares

SCALED_DIFF_INTEGER_BITS = 5


@prepares(B.SOFTMAX, types="int8 -> int8, int16")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "int8")
    ctx.check_dtype(out, "int8", "int16")
    if len(x.shape) < 1:
        raise ctx.malformed("the input must have at least one dimension")
    if out.shape != x.shape:
        raise ctx.malformed(f"output shape {out.shape} != input shape {x.shape}")
    if 0 in x.shape:
        raise ctx.unsupported(f"empty tensors are not supported (input {x.shape})")
    in_scale, _ = ctx.quant(x)
    out_scale, out_zp = ctx.quant(out)
    f32 = np.float32
    if out.dtype.name == "int8":
        bits = 8
        if out_zp != -128 or f32(out_scale) != f32(1.0) / f32(256):
            raise ctx.unsupported(
                f"an int8 output needs scale 1/256 and zero point -128 (TFLM), "
                f"got {out_scale} and {out_zp}"
            )
    else:
        bits = 16
        target = f32(1.0) / f32(65536)
        if out_zp != -32768 or abs(f32(out_scale) - target) > f32(0.001) * target:
            raise ctx.unsupported(
                f"an int16 output needs scale 1/65536 and zero point -32768 (TFLM), "
                f"got {out_scale} and {out_zp}"
            )
    beta = float(ctx.options["beta"])
    try:
        table = exp_table(beta, in_scale)
    except ValueError as exc:
        raise ctx.unsupported(str(exc)) from None
    depth = x.shape[-1]
    rows = math.prod(x.shape) // depth
    ctx.emit(
        "softmax_s8",
        {"rows": rows, "depth": depth, "output_bits": bits},
        {"input": ctx.ref(x), "exp_table": ctx.const(table), "output": ctx.ref(out)},
        3 * rows * depth,
    )


def input_scaling(beta: float, input_scale: float) -> tuple[int, int, int]:
    """(multiplier, left_shift, diff_min) of TFLM's int8 softmax prepare."""
    real = min(beta * input_scale * (1 << (31 - SCALED_DIFF_INTEGER_BITS)), (1 << 31) - 1.0)
    if not real > 1.0:
        raise ValueError(f"beta * input scale ({beta} * {input_scale}) is too small for TFLM")
    # QuantizeMultiplier without a cap on the shift: a real of 2^31 - 1 gives shift 31.
    multiplier, left_shift = split_q31(real)
    max_input = ((1 << SCALED_DIFF_INTEGER_BITS) - 1) * (1 << (31 - SCALED_DIFF_INTEGER_BITS))
    diff_min = -math.floor(max_input / (1 << left_shift))
    return multiplier, left_shift, diff_min


def exp_table(beta: float, input_scale: float) -> np.ndarray:
    """int32[256]: entry k is the reference's Q0.31 exp for the input difference -k."""
    multiplier, left_shift, diff_min = input_scaling(beta, input_scale)
    table = np.zeros(256, dtype=np.int32)
    for k in range(256):
        diff = -k
        if diff >= diff_min:
            rescaled = fx.high_mul(fx.wrap32(diff * (1 << left_shift)), multiplier)
            table[k] = fx.exp_on_negative_values(rescaled, SCALED_DIFF_INTEGER_BITS)
    return table
