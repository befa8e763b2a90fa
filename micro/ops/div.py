"""DIV: int32 and float32 as TFLM's plain kernels (int32_elementwise, binary_f32), int8 as its
quantized one (`div_s8`): x / y by a fixed-point reciprocal of y, rescaled by
input1_scale / (input2_scale * output_scale)."""

from __future__ import annotations

import math

import numpy as np

from .. import fixedpoint as fx
from ..quant import activation_range_int, quantize_multiplier
from ..schema import BuiltinOperator as B
from . import int32_elementwise
from ._broadcast import binary_layout
from .add import prepare_float
from .base import OpContext, prepares
from .lut import INT8_INPUTS

# The kernel's final shift stays inside what it reproduces (micro/kernels/div_s8.h) for a
# rescale shift in this range: rescales from 2^-26 to 2^21.
SHIFT_RANGE = (-25, 22)


@prepares(B.DIV, types="int8, int32, float32")
def prepare_div(ctx: OpContext) -> None:
    dtype = ctx.input(0).dtype.name
    if dtype == "int32":
        int32_elementwise.prepare_int32(ctx, "div")
    elif dtype == "float32":
        prepare_float(ctx, "div")
    elif dtype == "int8":
        _prepare_s8(ctx)
    else:
        raise ctx.unsupported(f"DIV of {dtype}: int8, int32 and float32 are supported")


def reciprocals(zero_point: int) -> np.ndarray:
    """By input byte: TFLM's GetReciprocal(|q - zero_point|, 31) raw value, then its
    exponent (q == zero_point included: the reference divides by zero as its build does)."""
    table = np.zeros((2, 256), dtype=np.int32)
    for k, q in enumerate(INT8_INPUTS.tolist()):
        table[:, k] = fx.get_reciprocal(abs(q - zero_point), 31)
    return table.ravel()


def _prepare_s8(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    x1, x2, out = ctx.input(0), ctx.input(1), ctx.output()
    for t in (x2, out):
        ctx.check_dtype(t, "int8")
    layout = binary_layout(ctx, x1.shape, x2.shape, out.shape)
    (s1, zp1), (s2, zp2), (so, zpo) = ctx.quant(x1), ctx.quant(x2), ctx.quant(out)
    f32 = np.float32
    real = float(f32(s1) / (f32(s2) * f32(so)))  # TFLM: in float32, then widened
    multiplier, shift = quantize_multiplier(real)
    if not SHIFT_RANGE[0] <= shift <= SHIFT_RANGE[1]:
        raise ctx.unsupported(
            f"rescale input1_scale / (input2_scale * output_scale) = {real:g} is outside "
            f"[2^{SHIFT_RANGE[0] - 1}, 2^{SHIFT_RANGE[1]}), where TFLM's int8 DIV shifts "
            "by amounts C leaves undefined"
        )
    act_min, act_max = activation_range_int(ctx.options["fused_activation_function"], so, zpo)
    params = {
        "broadcast": layout.fields(),
        "input1_zp": zp1,
        "input2_zp": zp2,
        "output_zp": zpo,
        "multiplier": multiplier,
        "shift": shift,
        "act_min": act_min,
        "act_max": act_max,
    }
    operands = {
        "input1": ctx.ref(x1),
        "input2": ctx.ref(x2),
        "reciprocals": ctx.const(reciprocals(zp2)),
        "output": ctx.ref(out),
    }
    ctx.emit("div_s8", params, operands, math.prod(layout.dims))
