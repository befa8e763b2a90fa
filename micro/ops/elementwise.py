"""Elementwise functions: NEG, SQUARE, SQRT, RSQRT, FLOOR, CEIL and ROUND on float32
(`unary_f32`, with an integer square root that is correctly rounded on every target, and
rounding on the bits), RSQRT on int8 as a lookup table of TFLM's integer arithmetic and on
int16 by that arithmetic in C (`rsqrt_s16`), and the float32 binary ops the converter emits
around LayerNormalization: SQUARED_DIFFERENCE, MAXIMUM, MINIMUM, FLOOR_DIV and FLOOR_MOD
(`binary_f32`; DIV is div.py); int32 FLOOR_DIV and FLOOR_MOD are int32_elementwise's."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from .. import fixedpoint as fx
from .. import libm
from .._ffi import lib
from ..fixedpoint import requantize
from ..quant import quantize_multiplier, quantize_multiplier_below_one, round_f32
from ..schema import BuiltinOperator as B
from . import _rescale, compare, int32_elementwise
from ._broadcast import binary_layout
from .add import prepare_float
from .base import OpContext, prepares
from .lut import INT8_INPUTS, emit_lut, emit_table

# MICRO_UNARY_F32_*
UNARY_F32 = {
    op: int(getattr(lib, f"MICRO_UNARY_F32_{op.upper()}"))
    for op in (
        "neg", "square", "sqrt", "rsqrt", "floor", "ceil", "round", "abs", "relu", "relu6",
        "hard_swish",
    )
}  # fmt: skip


def unary_f32(ctx: OpContext, operation: str) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "float32")
    ctx.check_dtype(out, "float32")
    count = math.prod(x.shape)
    if math.prod(out.shape) != count:
        raise ctx.malformed(f"output shape {out.shape} does not match input shape {x.shape}")
    if count == 0:
        raise ctx.unsupported("empty tensors are not supported")
    params = {"op": UNARY_F32[operation], "count": count}
    ctx.emit("unary_f32", params, {"input": ctx.ref(x), "output": ctx.ref(out)}, count)


@prepares(B.NEG, types="float32")
def prepare_neg(ctx: OpContext) -> None:
    unary_f32(ctx, "neg")


@prepares(B.SQUARE, types="float32")
def prepare_square(ctx: OpContext) -> None:
    unary_f32(ctx, "square")


@prepares(B.SQRT, types="float32")
def prepare_sqrt(ctx: OpContext) -> None:
    unary_f32(ctx, "sqrt")


@prepares(B.FLOOR, B.CEIL, B.ROUND, types="float32")
def prepare_rounding(ctx: OpContext) -> None:
    unary_f32(ctx, B(ctx.op.builtin_code).name.lower())


@prepares(B.RSQRT, types="int8, int16, float32")
def prepare_rsqrt(ctx: OpContext) -> None:
    dtype = ctx.input(0).dtype.name
    if dtype not in ("int8", "int16"):
        unary_f32(ctx, "rsqrt")
        return
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(out, dtype)
    in_scale, in_zp = ctx.quant(x)
    out_scale, out_zp = ctx.quant(out)
    # 1 / (sqrt(input scale) * output scale) in double, as the wheel computes it (TFLM's
    # source tree takes the square root and the product in float32; on int16 inputs the
    # two differ at ties of the final rounding).
    real = 1.0 / (math.sqrt(float(np.float32(in_scale))) * float(np.float32(out_scale)))
    multiplier, shift = quantize_multiplier(real)
    if dtype == "int8":
        emit_lut(ctx, x, out, rsqrt_fn(in_zp, out_zp, multiplier, shift))
        return
    if in_zp != 0 or out_zp != 0:
        raise ctx.unsupported(f"int16 zero points must be 0 (TFLM), got {in_zp} and {out_zp}")
    count = math.prod(x.shape)
    if math.prod(out.shape) != count or count == 0:
        raise ctx.malformed(f"output shape {out.shape} does not match input shape {x.shape}")
    if shift - RSQRT_SHIFT < -31:
        raise ctx.unsupported(f"the rescale {real:g} is too small for TFLM's arithmetic")
    params = {"count": count, "multiplier": multiplier, "shift": shift - RSQRT_SHIFT}
    ctx.emit("rsqrt_s16", params, {"input": ctx.ref(x), "output": ctx.ref(out)}, count)


RSQRT_SHIFT = 20  # TFLM's kShift: the inverse square root is taken at 2^20


def rsqrt_fn(in_zp: int, out_zp: int, multiplier: int, shift: int) -> Callable[[int], int]:
    """TFLM's int8 RSQRT of one value. Below the zero point TFLM stops with an error; the
    table gives 127 there (the value TFLM gives at the zero point itself)."""
    k_shift = RSQRT_SHIFT

    def fn(q: int) -> int:
        value = q - in_zp
        if value <= 0:
            return 127
        inv, inv_shift = fx.inv_sqrt_multiplier(value)
        data = fx.requantize(1, inv, inv_shift + k_shift)
        y = fx.requantize(data, multiplier, shift - k_shift) + out_zp
        return max(-128, min(127, y))

    return fn


@prepares(B.SQUARED_DIFFERENCE, types="int8, int16, int32, float32")
def prepare_squared_difference(ctx: OpContext) -> None:
    """float32 as TFLM's float kernel; int8 and int16 as its quantized one: both inputs
    rescaled to twice the larger input scale (int8 with 7 bits of headroom, one table per
    input), the difference squared, then rescaled by (2 max scale)^2 / (2^(2 headroom)
    output scale); int32 on raw values, wrapping."""
    x1 = ctx.input(0)
    ctx.check_dtype(x1, "int8", "int16", "int32", "float32")
    if x1.dtype.name == "float32":
        prepare_float(ctx, "squared_difference")
        return
    if x1.dtype.name != "int8":
        _squared_difference_int(ctx)
        return
    ctx.check_io_count((2,))
    x2, out = ctx.input(1), ctx.output()
    for t in (x2, out):
        ctx.check_dtype(t, "int8")
    layout = binary_layout(ctx, x1.shape, x2.shape, out.shape)
    (s1, zp1), (s2, zp2), (so, zpo) = ctx.quant(x1), ctx.quant(x2), ctx.quant(out)
    twice_max = 2.0 * float(max(np.float32(s1), np.float32(s2)))
    terms = []
    for scale, zp in ((s1, zp1), (s2, zp2)):
        m, sh = quantize_multiplier_below_one(scale / twice_max)
        terms.append(requantize((INT8_INPUTS - zp) << 7, m, sh).astype(np.int32))
    real = twice_max * twice_max / float(np.float32(16384 * np.float32(so)))
    multiplier, shift = _rescale.multiplier(ctx, real, "squared-difference-to-output")
    params = {
        "broadcast": layout.fields(),
        "output_zp": zpo,
        "multiplier": multiplier,
        "shift": shift,
        "act_min": -128,
        "act_max": 127,
    }
    operands = {
        "input1": ctx.ref(x1),
        "input2": ctx.ref(x2),
        "terms": ctx.const(np.concatenate(terms)),
        "output": ctx.ref(out),
    }
    ctx.emit("squared_difference_s8", params, operands)


def _squared_difference_int(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    x1, x2, out = ctx.input(0), ctx.input(1), ctx.output()
    for t in (x2, out):
        if t.dtype != x1.dtype:
            raise ctx.malformed(f"tensor {t.index} is {t.dtype.name}, input 0 is {x1.dtype.name}")
    layout = binary_layout(ctx, x1.shape, x2.shape, out.shape)
    params = {"broadcast": layout.fields(), "kind": SQUARED_DIFFERENCE_KINDS[x1.dtype.name]}
    params |= dict.fromkeys(("multiplier1", "shift1", "multiplier2", "shift2"), 0)
    params |= {"multiplier": 0, "shift": 0}  # int32 computes on raw values
    if x1.dtype.name == "int16":
        (s1, zp1), (s2, zp2), (so, zpo) = ctx.quant(x1), ctx.quant(x2), ctx.quant(out)
        if (zp1, zp2, zpo) != (0, 0, 0):
            raise ctx.unsupported("int16 zero points must be 0 (TFLM requires it)")
        twice_max = 2.0 * float(max(np.float32(s1), np.float32(s2)))
        params["multiplier1"], params["shift1"] = quantize_multiplier_below_one(s1 / twice_max)
        params["multiplier2"], params["shift2"] = quantize_multiplier_below_one(s2 / twice_max)
        real = twice_max * twice_max / float(np.float32(so))
        params["multiplier"], params["shift"] = _rescale.multiplier(
            ctx, real, "squared-difference-to-output"
        )
    operands = {"input1": ctx.ref(x1), "input2": ctx.ref(x2), "output": ctx.ref(out)}
    ctx.emit("squared_difference_int", params, operands, math.prod(layout.dims))


SQUARED_DIFFERENCE_KINDS = {"int16": 0, "int32": 1}  # MICRO_SQUARED_DIFFERENCE_S16, _S32


@prepares(B.FLOOR_DIV, B.FLOOR_MOD, types="int32, float32")
def prepare_floor_div_mod(ctx: OpContext) -> None:
    """float32 as TFLM (floor of the double quotient; fmod to y's sign); int32, which TFLM
    does not run, as TFLite (int32_elementwise)."""
    operation = B(ctx.op.builtin_code).name.lower()
    ctx.check_dtype(ctx.input(0), "int32", "float32")
    if ctx.input(0).dtype.name == "int32":
        int32_elementwise.prepare_floor_int32(ctx, operation)
    else:
        prepare_float(ctx, operation)


@prepares(B.MAXIMUM, B.MINIMUM, types="int8, int16, int32, int64, float32")
def prepare_minmax(ctx: OpContext) -> None:
    """float32 as TFLM's float kernel (binary_f32); integers compare raw values (compare)."""
    if ctx.input(0).dtype.name == "float32":
        prepare_float(ctx, "maximum" if ctx.op.builtin_code == B.MAXIMUM else "minimum")
    else:
        compare.prepare_minmax(ctx)


@prepares(B.ELU, types="int8")
def prepare_elu(ctx: OpContext) -> None:
    """int8 ELU as TFLM builds its table, in float32: x = in_scale * (q - in_zp);
    y = x < 0 ? expf(x) - 1 : x (the C library's expf, as TFLM's: see micro.libm);
    roundf(y * (1 / out_scale)) + out_zp, truncated, clamped.
    (float32 ELU needs exp on the device: not supported, see `micro ops`.)"""
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "int8")
    ctx.check_dtype(out, "int8")
    (s_in, zp_in), (s_out, zp_out) = ctx.quant(x), ctx.quant(out)
    f32 = np.float32
    inverse = f32(1) / f32(s_out)
    deq = f32(s_in) * (INT8_INPUTS - zp_in).astype(f32)
    exp = libm.expf(np.minimum(deq, f32(0)))
    y = np.where(deq < f32(0), exp - f32(1), deq).astype(f32)
    values = (round_f32((y * inverse).astype(f32)) + f32(zp_out)).astype(np.int64)
    emit_table(ctx, x, out, np.clip(values, -128, 127))
