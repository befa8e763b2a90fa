"""TRANSPOSE_CONV: int8 (int32 bias) and int16 activations with int8 weights (int64 or int16
bias), per-tensor or per-channel weight scales, and float32 (`transpose_conv_f32`, float
weights and bias, constant or not); SAME/VALID padding, strides, fused activation. Inputs
as the schema orders them: output shape, weights [O, H, W, I], input, optional bias.
Padding is TFLM's: a convolution's padding computed from the output size.
"""

from __future__ import annotations

import math

import numpy as np

from ..model import Tensor
from ..quant import activation_range_float, activation_range_int
from ..schema import BuiltinOperator as B
from ._copy import int_values
from ._shapes import compute_padding
from .base import OpContext, Operand, prepares
from .conv import check_window_size, requantization


@prepares(B.TRANSPOSE_CONV, types="int8, int16x8, float32")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((3, 4))
    w, x, out = ctx.input(1), ctx.input(2), ctx.output()
    bias = ctx.optional_input(3)
    ctx.check_dtype(x, "int8", "int16", "float32")
    ctx.check_dtype(w, "float32" if x.dtype.name == "float32" else "int8")
    int16 = x.dtype.name == "int16"
    ctx.check_dtype(out, x.dtype.name)
    for t in (x, w, out):
        if len(t.shape) != 4 or min(t.shape) < 1:
            raise ctx.malformed(f"tensor {t.index} ('{t.name}') must be 4-D, got {t.shape}")
    # TFLM sizes the output from the output tensor; a constant output_shape must agree (the
    # converter computes it at run time from SHAPE when the batch is dynamic).
    if ctx.value(ctx.input(0)) is not None:
        shape = int_values(ctx, 0, "output_shape")
        if shape != list(out.shape):
            raise ctx.malformed(f"output_shape {shape} != output tensor shape {list(out.shape)}")
    batches, in_h, in_w, depth = x.shape
    depth_out, filter_h, filter_w, filter_depth = w.shape
    if filter_depth != depth or out.shape[0] != batches or out.shape[3] != depth_out:
        raise ctx.malformed(f"input {x.shape}, filter {w.shape} and output {out.shape} disagree")
    o = ctx.options
    stride_h, stride_w = int(o.get("stride_h", 0)), int(o.get("stride_w", 0))
    try:
        y, xw = compute_padding(
            int(o.get("padding", 0)),
            (out.shape[1], out.shape[2]),
            (filter_h, filter_w),
            (stride_h, stride_w),
        )
    except ValueError as exc:
        raise ctx.malformed(str(exc)) from None
    geometry = {
        "batches": batches,
        "input_height": in_h,
        "input_width": in_w,
        "input_depth": depth,
        "filter_height": filter_h,
        "filter_width": filter_w,
        "output_height": out.shape[1],
        "output_width": out.shape[2],
        "output_depth": depth_out,
        "stride_height": stride_h,
        "stride_width": stride_w,
        "pad_top": y.pad,
        "pad_left": xw.pad,
    }
    macs = batches * in_h * in_w * depth * filter_h * filter_w * depth_out
    if x.dtype.name == "float32":
        _emit_float(ctx, geometry, macs)
        return
    weights = ctx.value(w)
    if weights is None:
        raise ctx.unsupported("weights must be constant")
    check_window_size(ctx, filter_h * filter_w * depth)
    mult, shift, in_zp, out_zp = requantization(ctx, x, w, out, depth_out, 0)
    if int16 and (in_zp, out_zp) != (0, 0):
        raise ctx.unsupported(f"int16 zero points must be 0 (TFLM), not {(in_zp, out_zp)}")
    if int16 and shift.max() > 7:
        raise ctx.unsupported("a per-channel rescale is too large for TFLM's int16 path")
    scale, zp = ctx.quant(out)
    info = np.iinfo(out.dtype)
    act_min, act_max = activation_range_int(
        int(o.get("fused_activation_function", 0)), scale, zp, int(info.min), int(info.max)
    )
    params = {
        "width": x.dtype.itemsize,
        **geometry,
        "input_zp": in_zp,
        "output_zp": out_zp,
        "act_min": act_min,
        "act_max": act_max,
    }
    operands = {
        "input": ctx.ref(x),
        "filter": ctx.const(weights),
        "bias": _bias(ctx, bias, depth_out, int16),
        "multiplier": ctx.const(mult),
        "shift": ctx.const(shift),
        "output": ctx.ref(out),
    }
    ctx.emit("transpose_conv", params, operands, macs)


def _emit_float(ctx: OpContext, geometry: dict[str, int], macs: int) -> None:
    """float32: weights and bias as they are (constant or computed), the float clamp."""
    bias = ctx.optional_input(3)
    if bias is not None:
        ctx.check_dtype(bias, "float32")
        if math.prod(bias.shape) != geometry["output_depth"]:
            raise ctx.malformed(f"bias has shape {bias.shape}, expected {geometry['output_depth']}")
    act_min, act_max = activation_range_float(int(ctx.options.get("fused_activation_function", 0)))
    params = {**geometry, "act_min": act_min, "act_max": act_max}
    operands = {
        "input": ctx.ref(ctx.input(2)),
        "filter": ctx.ref(ctx.input(1)),
        "bias": ctx.ref(bias),
        "output": ctx.ref(ctx.output()),
    }
    ctx.emit("transpose_conv_f32", params, operands, macs)


def _bias(ctx: OpContext, bias: Tensor | None, channels: int, int16: bool) -> Operand:
    """The bias operand: int32 for int8, int64 for int16 (an int16 bias is widened, as
    TFLM converts it at every invoke)."""
    if bias is None:
        return ctx.ref(None)
    values = ctx.value(bias)
    if values is None:
        raise ctx.unsupported(f"bias tensor {bias.index} ('{bias.name}') must be constant")
    if int16:
        ctx.check_dtype(bias, "int64", "int16")
    else:
        ctx.check_dtype(bias, "int32")
    if values.size != channels:
        raise ctx.malformed(f"bias has {values.size} values, expected {channels}")
    return ctx.const(values.astype(np.int64 if int16 else np.int32).ravel())
