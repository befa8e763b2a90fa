"""MUL: int8 and int16 (kernel mul_s16), with broadcasting and fused activations (mul_common).

One requantization of the product of the zero-point-shifted inputs, with the multiplier
input1_scale * input2_scale / output_scale computed in double.
"""

from __future__ import annotations

from ..quant import activation_range_int
from ..schema import BuiltinOperator as B
from . import _rescale, int32_elementwise
from ._broadcast import binary_layout
from .add import prepare_float
from .base import OpContext, prepares


@prepares(B.MUL, types="int8, int16, int32, float32")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    x1, x2, out = ctx.input(0), ctx.input(1), ctx.output()
    if x1.dtype.name == "int32":
        int32_elementwise.prepare_int32(ctx, "mul")
        return
    if x1.dtype.name == "float32":
        prepare_float(ctx, "mul")
        return
    ctx.check_dtype(x1, "int8", "int16")
    for t in (x2, out):
        ctx.check_dtype(t, x1.dtype.name)
    layout = binary_layout(ctx, x1.shape, x2.shape, out.shape)
    s1, zp1 = ctx.quant(x1)
    s2, zp2 = ctx.quant(x2)
    so, zpo = ctx.quant(out)
    multiplier, shift = _rescale.multiplier(ctx, s1 * s2 / so, "input-to-output")
    operands = {"input1": ctx.ref(x1), "input2": ctx.ref(x2), "output": ctx.ref(out)}
    if x1.dtype.name == "int16":
        if (zp1, zp2, zpo) != (0, 0, 0):
            raise ctx.unsupported(f"int16 zero points must be 0 (TFLM), not {(zp1, zp2, zpo)}")
        act_min, act_max = activation_range_int(
            ctx.options["fused_activation_function"], so, zpo, -32768, 32767
        )
        params16 = {
            "broadcast": layout.fields(),
            "multiplier": multiplier,
            "shift": shift,
            "act_min": act_min,
            "act_max": act_max,
        }
        ctx.emit("mul_s16", params16, operands, out.nbytes // 2)
        return
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
    ctx.emit(
        "mul_s8",
        params,
        {"input1": ctx.ref(x1), "input2": ctx.ref(x2), "output": ctx.ref(out)},
        macs=out.nbytes,
    )
