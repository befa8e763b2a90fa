"""SOFTMAX: int8 input, int8 (scale 1/256, zero point -128) or int16 (scale 1/65536,
zero point -32768) output, over the innermost axis; TFLM's fixed-point reference. int16 in
and out: TFLM's LUT-based reference (`softmax_s16`, tables from `quant.lut_populate_int16`).

TFLM's prepare: PreprocessSoftmaxScaling(beta, input_scale, 5) gives a multiplier and a
left shift for the input difference (Q5.26), CalculateInputRadius gives diff_min; every
difference x - max(row) of an int8 row lies in [-255, 0], so micro evaluates the
reference's exp_on_negative_values for all 256 of them here (0 below diff_min, where
the reference skips the element) and the kernel looks them up.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from .. import fixedpoint as fx
from .._ffi import lib
from ..quant import lut_populate_int16, quantize_multiplier, split_q31
from ..schema import BuiltinOperator as B
from .base import OpContext, prepares

SCALED_DIFF_INTEGER_BITS = 5


@prepares(B.SOFTMAX, types="int8 -> int8, int16; int16")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "int8", "int16")
    if x.dtype.name == "int16":
        _prepare_s16(ctx)
        return
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


def _prepare_s16(ctx: OpContext) -> None:
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(out, "int16")
    if len(x.shape) < 1 or out.shape != x.shape:
        raise ctx.malformed(f"output shape {out.shape} != input shape {x.shape}")
    if 0 in x.shape:
        raise ctx.unsupported(f"empty tensors are not supported (input {x.shape})")
    (in_scale, in_zp), (out_scale, out_zp) = ctx.quant(x), ctx.quant(out)
    f32 = np.float32
    target = f32(1) / f32(32768)
    if in_zp != 0 or out_zp != 0 or abs(f32(out_scale) - target) > f32(0.001) * target:
        raise ctx.unsupported(
            f"int16 needs zero points 0 and an output scale of 1/32768 (TFLM), got input zero "
            f"point {in_zp}, output scale {out_scale} and zero point {out_zp}"
        )
    depth = x.shape[-1]
    if depth > lib.MICRO_SOFTMAX_S16_MAX_DEPTH:
        raise ctx.unsupported(
            f"a row of {depth} elements; TFLM's int32 sum of exponentials overflows beyond "
            f"{lib.MICRO_SOFTMAX_S16_MAX_DEPTH}"
        )
    beta = float(f32(ctx.options["beta"]))
    multiplier, shift = quantize_multiplier(float(f32(in_scale)) * beta / (10.0 / 65535.0))
    rows = math.prod(x.shape) // depth
    ctx.emit(
        "softmax_s16",
        {"rows": rows, "depth": depth, "multiplier": multiplier, "shift": shift},
        {"input": ctx.ref(x), "luts": ctx.const(softmax_luts_s16()), "output": ctx.ref(out)},
        3 * rows * depth,
    )


@functools.cache
def softmax_luts_s16() -> np.ndarray:
    """TFLM's two int16 softmax tables: exp on [-10, 0] and 1 / (1 + x) on [0, 1], each as
    LUTPopulate<int16_t> builds it in float32 (exp rounded once from double: the correctly
    rounded expf, which tests/test_op_softmax_s16.py checks against the C library's)."""
    f32 = np.float32
    span = 65535  # int16 max - int16 min

    def exp(v: np.ndarray) -> np.ndarray:
        return np.exp(v.astype(np.float64)).astype(np.float32)

    def one_over_one_plus(v: np.ndarray) -> np.ndarray:
        return (f32(1) / (f32(1) + v)).astype(np.float32)

    exp_lut = lut_populate_int16(f32(10) / f32(span), 32767, f32(2) / f32(span), 0, exp)
    recip = lut_populate_int16(f32(1) / f32(span), -32768, f32(2) / f32(span), 0, one_over_one_plus)
    return np.concatenate([exp_lut, recip])
