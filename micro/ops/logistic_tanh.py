"""LOGISTIC and TANH, int8, as lookup tables of TFLM's reference integer arithmetic.

Prepare (TFLM's, for an int8 input of scale s and zero point z):
    multiplier, left_shift = frexp(s * 2^27)  (multiplier = round(mantissa * 2^31))
    radius = floor(15 * 2^27 / 2^left_shift)
Invoke, per value q, with x = q - z:
    x <= -radius: -128;  x >= radius: 127;  otherwise the Q4.27 input
    MultiplyByQuantizedMultiplier(x, multiplier, left_shift) goes through gemmlowp's
    logistic (output round(2^8 * y) - 128, i.e. scale 1/256, zero point -128) or tanh
    (output round(2^7 * y), scale 1/128, zero point 0), clamped to int8.
TFLM requires LOGISTIC's output zero point to be -128 and reads neither output scale (nor
TANH's output zero point): the bytes depend on the input quantization only.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .. import fixedpoint as fx
from ..quant import round_half_away
from ..schema import BuiltinOperator as B
from .base import OpContext, prepares
from .lut import emit_lut

INPUT_INTEGER_BITS = 4


@prepares(B.LOGISTIC)
def prepare_logistic(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "int8")
    ctx.check_dtype(out, "int8")
    _, out_zp = ctx.quant(out)
    if out_zp != -128:
        raise ctx.unsupported(f"the int8 output zero point must be -128 (TFLM), not {out_zp}")
    emit_lut(ctx, x, out, logistic_fn(*_input_quant(ctx)))


@prepares(B.TANH)
def prepare_tanh(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "int8")
    ctx.check_dtype(out, "int8")
    emit_lut(ctx, x, out, tanh_fn(*_input_quant(ctx)))


def _input_quant(ctx: OpContext) -> tuple[float, int]:
    scale, zp = ctx.quant(ctx.input(0))
    exponent = math.frexp(scale * (1 << (31 - INPUT_INTEGER_BITS)))[1]
    if not 0 <= exponent <= 62:
        raise ctx.unsupported(f"input scale {scale} is outside the range TFLM handles")
    return scale, zp


def input_rescaling(scale: float) -> tuple[int, int, int]:
    """(multiplier, left_shift, radius) of TFLM's int8 LOGISTIC/TANH prepare."""
    mantissa, left_shift = math.frexp(scale * (1 << (31 - INPUT_INTEGER_BITS)))
    multiplier = round_half_away(mantissa * (1 << 31))
    max_input = ((1 << INPUT_INTEGER_BITS) - 1) * (1 << (31 - INPUT_INTEGER_BITS))
    radius = math.floor(max_input / (1 << left_shift))
    return multiplier, left_shift, radius


def _fn(scale: float, zp: int, curve: Callable[[int], int]) -> Callable[[int], int]:
    multiplier, left_shift, radius = input_rescaling(scale)

    def fn(q: int) -> int:
        x = q - zp
        if x <= -radius:
            return -128
        if x >= radius:
            return 127
        return max(-128, min(127, curve(fx.requantize(x, multiplier, left_shift))))

    return fn


def logistic_fn(scale: float, zp: int) -> Callable[[int], int]:
    return _fn(
        scale,
        zp,
        lambda a: fx.rounding_divide_by_pot(fx.logistic(a, INPUT_INTEGER_BITS), 31 - 8) - 128,
    )


def tanh_fn(scale: float, zp: int) -> Callable[[int], int]:
    return _fn(
        scale, zp, lambda a: fx.rounding_divide_by_pot(fx.tanh(a, INPUT_INTEGER_BITS), 31 - 7)
    )
