"""ADD and SUB: int8 and int16, with broadcasting and fused activations (TFLM's add_common
and sub_common); float32 (binary_f32) and int32 (int32_elementwise) are routed here too.

TFLM rescales both inputs to a common scale of twice the larger input scale, with 20 bits
of headroom (15 for int16), adds (or subtracts), then rescales to the output; the three
real multipliers are computed in double. (TFLM's sub_common.cc source at one point computed SUB's in
float32; the oracle TFLM build matches double, which a regression case in
tests/test_op_add_sub.py pins down.) The two input rescales depend on one int8 value each,
so prepare tabulates them (SUB negates input2's table) and the kernel requantizes once;
for a DSP core it also writes the linear form, or else the sums tables, which take that
requantization too (_add_sums.py).
int16 has no tables (add_s16 rescales each element); TFLM micro ignores pot_scale_int16
and always takes its general-scale int16 path.
"""

from __future__ import annotations

import numpy as np

from .._ffi import lib
from ..fixedpoint import requantize
from ..quant import activation_range_float, activation_range_int, quantize_multiplier_below_one
from ..schema import BuiltinOperator as B
from . import int32_elementwise
from ._add_sums import linear_form, sums_tables
from ._broadcast import binary_layout
from .base import NONE, OpContext, prepares
from .lut import INT8_INPUTS

LEFT_SHIFT = 20  # headroom bits of the rescaled int8 inputs
LEFT_SHIFT_INT16 = 15  # and of int16 inputs (TFLM's general-scale int16 path)


@prepares(B.ADD, types="int8, int16, int32, float32")
def prepare_add(ctx: OpContext) -> None:
    _prepare(ctx, subtract=False)


@prepares(B.SUB, types="int8, int16, int32, float32")
def prepare_sub(ctx: OpContext) -> None:
    _prepare(ctx, subtract=True)


def _prepare(ctx: OpContext, subtract: bool) -> None:
    ctx.check_io_count((2,))
    x1, x2, out = ctx.input(0), ctx.input(1), ctx.output()
    if x1.dtype.name == "int32":
        int32_elementwise.prepare_int32(ctx, "sub" if subtract else "add")
        return
    if x1.dtype.name == "float32":
        prepare_float(ctx, "sub" if subtract else "add")
        return
    int16 = x1.dtype.name == "int16"
    for t in (x1, x2, out):
        ctx.check_dtype(t, "int16" if int16 else "int8")
    layout = binary_layout(ctx, x1.shape, x2.shape, out.shape)
    s1, zp1 = ctx.quant(x1)
    s2, zp2 = ctx.quant(x2)
    so, zpo = ctx.quant(out)
    left_shift = LEFT_SHIFT_INT16 if int16 else LEFT_SHIFT
    twice_max = 2.0 * max(s1, s2)
    real1 = s1 / twice_max
    real2 = s2 / twice_max
    real_out = twice_max / ((1 << left_shift) * so)
    try:
        m1, sh1 = quantize_multiplier_below_one(real1)
        m2, sh2 = quantize_multiplier_below_one(real2)
        mo, sho = quantize_multiplier_below_one(real_out)
    except ValueError:
        raise ctx.unsupported(
            f"the output scale {so:g} is too small for input scales {s1:g} and {s2:g} "
            f"(the rescale to the output must be below 1, as TFLM requires)"
        ) from None
    qmin, qmax = (-32768, 32767) if int16 else (-128, 127)
    act_min, act_max = activation_range_int(
        ctx.options["fused_activation_function"], so, zpo, qmin, qmax
    )
    if int16:
        params = {
            "broadcast": layout.fields(),
            "subtract": int(subtract),
            "input1_zp": zp1,
            "input2_zp": zp2,
            "output_zp": zpo,
            "input1_multiplier": m1,
            "input1_shift": sh1,
            "input2_multiplier": m2,
            "input2_shift": sh2,
            "output_multiplier": mo,
            "output_shift": sho,
            "act_min": act_min,
            "act_max": act_max,
        }
        ctx.emit(
            "add_s16",
            params,
            {"input1": ctx.ref(x1), "input2": ctx.ref(x2), "output": ctx.ref(out)},
            out.nbytes // 2,
        )
        return
    sign = -1 if subtract else 1
    table1 = _term_table(zp1, m1, sh1)
    table2 = sign * _term_table(zp2, m2, sh2)
    params = {
        "broadcast": layout.fields(),
        "output_zp": zpo,
        "output_multiplier": mo,
        "output_shift": sho,
        "act_min": act_min,
        "act_max": act_max,
    }
    linear = linear_form(table1, table2, mo, sho, zpo, act_min, act_max) if ctx.dsp else None
    sums = None
    if ctx.dsp and linear is None:
        sums = sums_tables(table1, table2, mo, sho, zpo, act_min, act_max)
    a, b, c = linear or (0, 0, 0)
    params.update(linear=int(linear is not None), linear_a=a, linear_b=b, linear_c=c)
    operands = {
        "input1": ctx.ref(x1),
        "input2": ctx.ref(x2),
        "table1": ctx.const(table1),
        "table2": ctx.const(table2),
        "sums": NONE if sums is None else ctx.const(sums),
        "output": ctx.ref(out),
    }
    # Its work: one rescale-and-add per output element (counted as MUL counts its own), so
    # profiles give ADD a share and instructions per element.
    ctx.emit("add_s8", params, operands, out.nbytes)


def _term_table(zero_point: int, multiplier: int, shift: int) -> np.ndarray:
    """TFLM's rescaled input term for every int8 value, indexed by the value's byte."""
    values = INT8_INPUTS - zero_point
    return requantize(values << LEFT_SHIFT, multiplier, shift).astype(np.int32)


FLOAT_OPS = {
    op: int(getattr(lib, f"MICRO_BINARY_F32_{op.upper()}"))
    for op in (
        "add", "sub", "mul", "div", "squared_difference", "maximum", "minimum", "floor_div",
        "floor_mod", "prelu", "leaky_relu",
    )
}  # fmt: skip
# TFLM applies no clamp
NO_ACTIVATION = (
    "squared_difference", "maximum", "minimum", "floor_div", "floor_mod", "prelu", "leaky_relu"
)  # fmt: skip


def prepare_float(ctx: OpContext, operation: str, alpha: float | None = None) -> None:
    """A float32 binary op with broadcasting and, if it has one, the fused activation's clamp.
    `alpha`: LEAKY_RELU's option, the second operand as a one-element constant."""
    ctx.check_io_count((1,) if alpha is not None else (2,))
    x1, out = ctx.input(0), ctx.output()
    x2 = None if alpha is not None else ctx.input(1)
    for t in (x1, out) if x2 is None else (x1, x2, out):
        ctx.check_dtype(t, "float32")
    layout = binary_layout(ctx, x1.shape, () if x2 is None else x2.shape, out.shape)
    if operation in NO_ACTIVATION:
        act_min, act_max = -float("inf"), float("inf")
    else:
        act_min, act_max = activation_range_float(ctx.options["fused_activation_function"])
    params = {
        "broadcast": layout.fields(),
        "op": FLOAT_OPS[operation],
        "act_min": act_min,
        "act_max": act_max,
    }
    second = ctx.ref(x2) if x2 is not None else ctx.const(np.array([alpha], np.float32))
    ctx.emit(
        "binary_f32", params, {"input1": ctx.ref(x1), "input2": second, "output": ctx.ref(out)}
    )
