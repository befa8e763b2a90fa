"""CONV_2D and DEPTHWISE_CONV_2D on float32 (TFLM's float reference Conv and DepthwiseConv):
one `conv_f32` step each. The filter and bias are used as they are (constant or computed),
except that a depthwise filter [1, FH, FW, O] becomes the grouped conv filter
[O, FH, FW, 1] at compile time (so it must be constant): a depthwise conv sums the same
products in the same order as that grouped conv."""

from __future__ import annotations

import math

import numpy as np

from ..model import Tensor
from ..quant import activation_range_float
from ._conv_window import Geometry, conv_layout, depthwise_window, grouped_window
from .base import OpContext, Operand


def _tensors(ctx: OpContext) -> tuple[Tensor, Tensor, Tensor, Tensor | None]:
    """Input, filter, output and optional bias: float32, the first three non-empty 4-D."""
    ctx.check_io_count((2, 3))
    x, w, out, bias = ctx.input(0), ctx.input(1), ctx.output(), ctx.optional_input(2)
    for t in (x, w, out) if bias is None else (x, w, out, bias):
        ctx.check_dtype(t, "float32")
    for t in (x, w, out):
        if len(t.shape) != 4 or min(t.shape) < 1:
            raise ctx.malformed(
                f"tensor {t.index} ('{t.name}') must be non-empty 4-D, got {t.shape}"
            )
    return x, w, out, bias


def prepare_conv_f32(ctx: OpContext) -> None:
    x, w, out, bias = _tensors(ctx)
    groups, win = grouped_window(ctx, x, w, out)
    _emit(ctx, x, out, bias, w.shape, ctx.ref(w), groups, win)


def prepare_depthwise_f32(ctx: OpContext) -> None:
    x, w, out, bias = _tensors(ctx)
    channels, depth_out = x.shape[3], w.shape[3]
    win = depthwise_window(ctx, x, w, out)
    option = int(ctx.options["depth_multiplier"])
    if option != depth_out // channels:
        raise ctx.malformed(
            f"depth_multiplier option {option} != filter depth {depth_out} / {channels} channels"
        )
    weights = ctx.value(w)
    if weights is None:
        raise ctx.unsupported("float32 depthwise weights must be constant")
    grouped = np.ascontiguousarray(np.transpose(weights[0], (2, 0, 1))[..., None])
    _emit(ctx, x, out, bias, grouped.shape, ctx.const(grouped.astype(np.float32)), channels, win)


def _emit(
    ctx: OpContext,
    x: Tensor,
    out: Tensor,
    bias: Tensor | None,
    filter_shape: tuple[int, ...],
    weights: Operand,
    groups: int,
    win: Geometry,
) -> None:
    depth_out = filter_shape[0]
    if bias is not None and math.prod(bias.shape) != depth_out:
        raise ctx.malformed(f"bias has shape {bias.shape}, expected {depth_out} values")
    act_min, act_max = activation_range_float(int(ctx.options["fused_activation_function"]))
    geometry = conv_layout(x, filter_shape, groups, win)
    params = {"geometry": geometry, "act_min": act_min, "act_max": act_max}
    operands = {
        "input": ctx.ref(x),
        "filter": weights,
        "bias": ctx.ref(bias),
        "output": ctx.ref(out),
    }
    macs = math.prod(out.shape) * math.prod(filter_shape[1:])
    ctx.emit("conv_f32", params, operands, macs)
