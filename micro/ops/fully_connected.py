"""FULLY_CONNECTED: int8 (per-tensor or per-channel weights, int8 or INT4) and float32."""

from __future__ import annotations

import math

import numpy as np

from ..fixedpoint import wrap32
from ..quant import activation_range_float, activation_range_int, quantize_multipliers
from ..schema import BuiltinOperator as B
from ..schema import TensorType
from .base import OpContext, prepares
from .conv import prepare_fully_connected_s16


@prepares(B.FULLY_CONNECTED, types="int8, int8 with int4 weights, int16x8, float32")
def prepare(ctx: OpContext) -> None:
    if ctx.input(0).dtype.name == "int16":
        prepare_fully_connected_s16(ctx)
        return
    ctx.check_io_count((2, 3))
    x, w, out = ctx.input(0), ctx.input(1), ctx.output()
    bias = ctx.optional_input(2)
    if len(w.shape) != 2:
        raise ctx.malformed(f"weights must be 2-D, got shape {w.shape}")
    if ctx.options["weights_format"] != 0:
        raise ctx.unsupported("shuffled weights formats are not supported")
    depth_out, depth = w.shape
    n_in = math.prod(x.shape)
    if depth == 0:
        raise ctx.malformed(
            f"weights, input 1 ('{w.name}'), have depth 0 (shape {w.shape}): the batch count "
            "divides the input by the depth (division by zero)",
            w,
        )
    if n_in % depth:
        raise ctx.malformed(f"input of {n_in} elements is not a multiple of depth {depth}")
    batches = n_in // depth
    if out.nbytes != batches * depth_out * out.dtype.itemsize:
        raise ctx.malformed(f"output shape {out.shape} != [{batches}, {depth_out}]")
    activation = ctx.options["fused_activation_function"]
    macs = batches * depth * depth_out
    if x.dtype.name == "float32":
        prepare_float(ctx, batches, depth, depth_out, activation, macs)
        return
    ctx.check_dtype(x, "int8")
    ctx.check_dtype(out, "int8")
    weights = ctx.check_weights(w)
    in_scale, in_zp = ctx.quant(x)
    out_scale, out_zp = ctx.quant(out)
    w_scales, w_zps = ctx.channel_quant(w, depth_out)
    w_zp = int(w_zps[0])
    if len(w_scales) > 1 and w.type == TensorType.INT4:
        raise ctx.unsupported(
            "per-channel INT4 weights: TFLM's FULLY_CONNECTED takes INT4 weights per-tensor "
            "only (its per-channel prepare refuses them)",
            w,
        )
    if len(w_scales) > 1 and np.any(w_zps != 0):
        raise ctx.unsupported("per-channel weights must have zero points of 0")
    real = (np.float64(in_scale) * w_scales) / np.float64(out_scale)
    mult, shift = quantize_multipliers(real)
    bias_values = np.zeros(depth_out, dtype=np.int64)
    if bias is not None:
        b = ctx.value(bias)
        if b is None or bias.dtype.name != "int32":
            raise ctx.unsupported("bias must be a constant int32 tensor")
        if b.size != depth_out:
            raise ctx.malformed(f"bias has {b.size} values, expected {depth_out}")
        bias_values = b.astype(np.int64).reshape(depth_out)
    w64 = weights.astype(np.int64).reshape(depth_out, depth)
    folded = bias_values - in_zp * w64.sum(axis=1) + depth * in_zp * w_zp
    act_min, act_max = activation_range_int(activation, out_scale, out_zp)
    params = {
        "batches": batches,
        "input_depth": depth,
        "output_depth": depth_out,
        "filter_zp": w_zp,
        "output_zp": out_zp,
        "act_min": act_min,
        "act_max": act_max,
        "per_channel": int(len(w_scales) > 1),
    }
    ctx.emit(
        "fully_connected_s8",
        params,
        {
            "input": ctx.ref(x),
            "filter": ctx.ref(w),
            "bias": ctx.const(wrap32(folded).astype(np.int32)),
            "multiplier": ctx.const(mult),
            "shift": ctx.const(shift),
            "output": ctx.ref(out),
        },
        macs,
    )


def prepare_float(
    ctx: OpContext, batches: int, depth: int, depth_out: int, activation: int, macs: int
) -> None:
    for t in (ctx.input(1), ctx.output()):
        ctx.check_dtype(t, "float32")
    bias = ctx.optional_input(2)
    if bias is not None:
        ctx.check_dtype(bias, "float32")
    act_min, act_max = activation_range_float(activation)
    params = {
        "batches": batches,
        "input_depth": depth,
        "output_depth": depth_out,
        "act_min": act_min,
        "act_max": act_max,
    }
    operands = {
        "input": ctx.ref(ctx.input(0)),
        "filter": ctx.ref(ctx.input(1)),
        "bias": ctx.ref(bias),
        "output": ctx.ref(ctx.output()),
    }
    ctx.emit("fully_connected_f32", params, operands, macs)
