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

import numpy as np

from .. import fixedpoint as fx
from ..quant import round_f32, round_half_away, sigmoid_table_u16
from ..schema import BuiltinOperator as B
from .base import OpContext, prepares
from .lut import emit_lut

INPUT_INTEGER_BITS = 4


@prepares(B.LOGISTIC, types="int8, int16")
def prepare_logistic(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    if x.dtype.name == "int16":
        _prepare_s16(ctx, 0)
        return
    ctx.check_dtype(x, "int8")
    ctx.check_dtype(out, "int8")
    _, out_zp = ctx.quant(out)
    if out_zp != -128:
        raise ctx.unsupported(f"the int8 output zero point must be -128 (TFLM), not {out_zp}")
    emit_lut(ctx, x, out, logistic_fn(*_input_quant(ctx)))


@prepares(B.TANH, types="int8, int16")
def prepare_tanh(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    if x.dtype.name == "int16":
        _prepare_s16(ctx, 1)
        return
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


def checked_log2(x: float) -> tuple[int, bool]:
    """TFLM's CheckedLog2 in float32: (rounded log2, whether x is within 1e-3 of a power)."""
    f32 = np.float32
    log2 = f32(np.log(f32(x))) * (f32(1.0) / f32(np.log(f32(2.0))))
    rounded = round_f32(np.array(log2))
    return int(rounded), bool(abs(f32(log2 - rounded)) < f32(1e-3))


def _prepare_s16(ctx: OpContext, op: int) -> None:
    """int16 LOGISTIC (op 0) or TANH (op 1): TFLM's input rescale to the sigmoid table
    (3 * 2^12 per unit), a power-of-two input scale folded into the multiplier."""
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(out, "int16")
    scale, zp = ctx.quant(x)
    out_scale, out_zp = ctx.quant(out)
    if zp != 0 or out_zp != 0:
        raise ctx.unsupported(f"int16 zero points must be 0 (TFLM), not {zp} and {out_zp}")
    if checked_log2(out_scale) != (-15, True):
        raise ctx.unsupported(f"the int16 output scale must be 2^-15 (TFLM), not {out_scale:g}")
    log2, pot = checked_log2(scale)
    shift = 12 + log2  # (15 - input integer bits 3) + log2(scale)
    if pot and (shift == 0 or (op == 1 and shift == 1)):
        multiplier, shift = 3 << shift, 0
    else:
        real, shift = scale * 4096.0 * 3.0, 0
        while real <= 32767.0 / 2.0 and shift <= 30:
            shift += 1
            real *= 2.0
        multiplier = int(real)
        if multiplier > 32767:
            raise ctx.unsupported(f"input scale {scale:g} is too large for TFLM's int16 path")
    count = math.prod(x.shape)
    if math.prod(out.shape) != count or count == 0:
        raise ctx.malformed(f"output shape {out.shape} does not match input shape {x.shape}")
    params = {"op": op, "count": count, "multiplier": multiplier, "shift": shift}
    operands = {
        "input": ctx.ref(x),
        "table": ctx.const(sigmoid_table_u16()),
        "output": ctx.ref(out),
    }
    ctx.emit("logistic_tanh_s16", params, operands, count)
