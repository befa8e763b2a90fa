"""CONV_2D: int8 activations, int8 per-tensor or per-channel weights, optional int32 bias,
strides, SAME/VALID padding, dilation, groups (input channels a multiple of the filter's);
int16x8 (conv_s16, below) and float32 (_conv_float.py) over the same window (_conv_window.py).

Also the prepare steps DEPTHWISE_CONV_2D shares: requantization and the bias folding. As in
TFLM's reference kernels the filter's zero point is ignored (int8 weights are symmetric by
the quantization spec).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from .._ffi import kernel_predicate, lib, scratch_size
from ..fixedpoint import INT32_MAX, wrap32
from ..model import Tensor
from ..quant import activation_range_int, quantize_multipliers
from ..schema import BuiltinOperator as B
from ._conv_float import prepare_conv_f32
from ._conv_floor import layer_all_forms
from ._conv_window import (
    Geometry,
    check_output_shape,
    conv_layout,
    depthwise_window,
    geometry,
    grouped_window,
)
from ._shapes import Window
from .base import OpContext, Operand, prepares

MAX_WINDOW = 1 << 16
"""Values summed per output: 2^16 products of at most 2^14 stay inside the int32 sums."""


def check_window_size(ctx: OpContext, values: int) -> None:
    if values > MAX_WINDOW:
        raise ctx.unsupported(f"a window of {values} values is too large (at most {MAX_WINDOW})")


def requantization(
    ctx: OpContext, x: Tensor, w: Tensor, out: Tensor, channels: int, channel_axis: int
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """(multiplier[channels], shift[channels], input_zp, output_zp): the effective scale
    input_scale * filter_scale / output_scale per output channel, in double precision
    (TFLite's PopulateConvolutionQuantizationParams), a per-tensor scale broadcast."""
    in_scale, in_zp = ctx.quant(x)
    out_scale, out_zp = ctx.quant(out)
    w_scales, _ = ctx.channel_quant(w, channels)
    q = w.quant
    if (
        len(w_scales) > 1
        and q is not None
        and (
            not 0 <= q.quantized_dimension < len(w.shape)
            or w.shape[q.quantized_dimension] != channels
        )
    ):
        raise ctx.malformed(
            f"per-channel weights quantized along axis {q.quantized_dimension}, "
            f"expected axis {channel_axis} of {channels} channels"
        )
    scales = np.broadcast_to(w_scales, (channels,))
    real = (np.float64(in_scale) * scales) / np.float64(out_scale)
    mult, shift = quantize_multipliers(real)
    return mult, shift, in_zp, out_zp


def folded_bias(
    ctx: OpContext, bias: Tensor | None, weights: np.ndarray, channels: int, in_zp: int
) -> np.ndarray:
    """int32[channels]: model bias - input_zp * sum of each channel's weights (wrapped to
    int32 like the accumulator). `weights` is int64 [channels, taps]."""
    values = np.zeros(channels, dtype=np.int64)
    if bias is not None:
        b = ctx.value(bias)
        if b is None:
            raise ctx.unsupported(f"bias tensor {bias.index} ('{bias.name}') must be constant")
        ctx.check_dtype(bias, "int32")
        if b.size != channels:
            raise ctx.malformed(f"bias has {b.size} values, expected {channels}")
        values = b.astype(np.int64).reshape(channels)
    folded = values - in_zp * weights.sum(axis=1)
    return wrap32(folded).astype(np.int32)


def activation(ctx: OpContext, out: Tensor) -> tuple[int, int]:
    scale, zp = ctx.quant(out)
    return activation_range_int(int(ctx.options["fused_activation_function"]), scale, zp)


def conv_tensors(ctx: OpContext) -> tuple[Tensor, Tensor, Tensor, Tensor | None]:
    """Input, filter, output and optional bias of a CONV_2D or DEPTHWISE_CONV_2D, checked:
    2 or 3 inputs, int8 (the filter int8 or INT4, constant), 4-D."""
    ctx.check_io_count((2, 3))
    x, w, out = ctx.input(0), ctx.input(1), ctx.output()
    bias = ctx.optional_input(2)
    for t in (x, out):
        ctx.check_dtype(t, "int8")
    ctx.check_weights(w)
    for t in (x, w, out):
        if len(t.shape) != 4:
            raise ctx.malformed(f"tensor {t.index} ('{t.name}') must be 4-D, got {t.shape}")
    return x, w, out, bias


@prepares(B.CONV_2D, types="int8, int8 with int4 weights, int16x8, float32")
def prepare(ctx: OpContext) -> None:
    if ctx.input(0).dtype.name == "int16":
        prepare_conv_s16(ctx)
        return
    if ctx.input(0).dtype.name == "float32":
        prepare_conv_f32(ctx)
        return
    x, w, out, bias = conv_tensors(ctx)
    batches, in_h, in_w, channels = x.shape
    depth_out, filter_h, filter_w, filter_depth = w.shape
    if min(x.shape) < 1 or min(w.shape) < 1:
        raise ctx.malformed(f"empty input {x.shape} or filter {w.shape}")
    if channels % filter_depth:
        raise ctx.malformed(
            f"input channels {channels} are not a multiple of the filter depth {filter_depth}"
        )
    groups = channels // filter_depth
    if depth_out % groups:
        raise ctx.malformed(f"{depth_out} filters do not split into {groups} groups")
    weights = ctx.value(w)
    if weights is None:
        raise ctx.unsupported("weights must be constant")
    win = geometry(ctx, in_h, in_w, filter_h, filter_w)
    check_output_shape(ctx, out, (batches, win.y.out_size, win.x.out_size, depth_out))
    taps = filter_h * filter_w * filter_depth
    check_window_size(ctx, taps)
    mult, shift, in_zp, out_zp = requantization(ctx, x, w, out, depth_out, 0)
    w64 = weights.astype(np.int64).reshape(depth_out, taps)
    folded = folded_bias(ctx, bias, w64, depth_out, in_zp)
    emit_conv(ctx, x, out, weights, groups, win, folded, mult, shift, in_zp, out_zp)


def conv_params(
    ctx: OpContext,
    x: Tensor,
    out: Tensor,
    filter_shape: tuple[int, ...],
    groups: int,
    win: Geometry,
    in_zp: int,
    out_zp: int,
) -> dict[str, int]:
    """conv_s8's params (filter layout 0) for an [O, FH, FW, I] filter."""
    act_min, act_max = activation(ctx, out)
    return {
        **conv_layout(x, filter_shape, groups, win),
        "input_zp": in_zp,
        "output_zp": out_zp,
        "act_min": act_min,
        "act_max": act_max,
        "filter_layout": 0,
    }


def emit_conv(
    ctx: OpContext,
    x: Tensor,
    out: Tensor,
    weights: np.ndarray,
    groups: int,
    win: Geometry,
    folded: np.ndarray,
    mult: np.ndarray,
    shift: np.ndarray,
    in_zp: int,
    out_zp: int,
) -> None:
    """Emit a conv_s8 step: `weights` are [O, FH, FW, I] int8, `folded` the folded bias."""
    batches = x.shape[0]
    depth_out, filter_h, filter_w, filter_depth = weights.shape
    taps = filter_h * filter_w * filter_depth
    params = conv_params(ctx, x, out, weights.shape, groups, win, in_zp, out_zp)
    rows = weights.reshape(depth_out, taps)
    wide = ctx.dsp and ctx.wide_weights
    if (
        wide
        and ctx.first_rows
        and first_rows_fast(params, mult, shift)
        and kernel_predicate("conv_s8", "dsp_first_rows", params)
    ):
        params["filter_layout"] = 2
        filter_bytes = first_rows(weights, params["stride_width"])
    elif wide and kernel_predicate("conv_s8", "dsp_quads", params):
        params["filter_layout"] = 1
        filter_bytes = quads(rows)
        records = floor_records(params, folded, mult, shift)
        if records is not None:
            params["filter_layout"] = 4
            filter_bytes = np.concatenate([filter_bytes.reshape(-1), records.view("<i2")])
    elif wide and depth_out % 4 != 0 and head_pairs_fit(params, mult, shift):
        params["filter_layout"] = 3
        filter_bytes = head_pairs(rows)
    else:
        align = int(lib.MICRO_CONV_S8_K_ALIGN)
        filter_bytes = np.zeros((depth_out, -(-taps // align) * align), dtype=np.int8)
        filter_bytes[:, :taps] = rows
    macs = batches * win.y.out_size * win.x.out_size * depth_out * taps
    ctx.emit(
        "conv_s8",
        params,
        {
            "input": ctx.ref(x),
            "filter": ctx.const(filter_bytes),
            "bias": ctx.const(folded),
            "multiplier": ctx.const(mult),
            "shift": ctx.const(shift),
            "scratch": ctx.scratch(scratch_size("conv_s8", params), optional=True),
            "output": ctx.ref(out),
        },
        macs,
    )


def floor_pointwise(params: dict[str, int]) -> bool:
    """Whether a DSP twin's pointwise loop that reads filter layout 4's floor records takes
    this 1x1 layer: K = 8 with 16 or 32 channels at stride 1 over the whole image (the runs
    of conv_pointwise8_dsp.h), or K of 13-16 (4 groups: conv_pointwise_dsp.h's G = 4 loop,
    strided layers' copied pixels too)."""
    dense = (
        params["stride_height"] == params["stride_width"] == 1
        and params["input_height"] == params["output_height"]
        and params["input_width"] == params["output_width"]
    )
    k = params["input_depth"]
    return (
        params["filter_height"] == params["filter_width"] == 1
        and params["pad_top"] == params["pad_left"] == 0
        and params["groups"] == 1
        and ((k == 8 and params["output_depth"] in (16, 32) and dense) or 13 <= k <= 16)
    )


def floor_records(
    params: dict[str, int], folded: np.ndarray, mult: np.ndarray, shift: np.ndarray
) -> np.ndarray | None:
    """Filter layout 4's records (conv_s8.h), int32 [O][3] {bias + beta, m, c} flattened, for
    a layer the floor loop takes whose every channel has a proven floor form (_conv_floor);
    else None (layout 1, the requantization in 4 instructions)."""
    if not (floor_pointwise(params) and first_rows_fast(params, mult, shift)):
        return None
    forms = layer_all_forms(np.asarray(mult), np.asarray(shift), params["output_zp"])
    if forms is None:
        return None
    reach = params["filter_height"] * params["filter_width"] * params["filter_depth"] << 14
    records = []
    for bias, (m, c, beta) in zip(folded.tolist(), forms, strict=True):
        if abs(bias) + reach > INT32_MAX or abs(bias + beta) + reach > INT32_MAX:
            return None
        records.append((bias + beta, m, c))
    return np.array(records, dtype="<i4").reshape(-1)


def first_rows_fast(params: dict[str, int], mult: np.ndarray, shift: np.ndarray) -> bool:
    """Whether the DSP twin requantizes these channels its fast way (no clamp but int8's,
    each multiplier 0 or at least 2^30 with a right shift): only then does its first-layer
    row loop (filter layout 2) run them."""
    m = np.asarray(mult, dtype=np.int64)
    s = np.asarray(shift, dtype=np.int64)
    return (
        params["act_min"] == -128
        and params["act_max"] == 127
        and bool(np.all((m == 0) | ((m >= 1 << 30) & (s <= -1))))
    )


def head_pairs_fit(params: dict[str, int], mult: np.ndarray, shift: np.ndarray) -> bool:
    """Whether filter layout 3 (conv_s8.h) may hold this step: a classifier's head (a 1x1
    convolution of a 1x1 image, one group, no padding) on the DSP twin's fast
    requantization (first_rows_fast's rule; conv_s8.c's check refuses anything else)."""
    ones = ("input_height", "input_width", "output_height", "output_width", "filter_height")
    return (
        all(params[name] == 1 for name in (*ones, "filter_width", "groups"))
        and params["pad_top"] == 0
        and params["pad_left"] == 0
        and first_rows_fast(params, mult, shift)
    )


def head_pairs(w: np.ndarray) -> np.ndarray:
    """Filter rows [O][K] in filter layout 3 (conv_s8.h): per pair of filters and group j of
    4 values, filter 2q's int16 words (4j, 4j + 2), (4j + 1, 4j + 3), then filter 2q + 1's;
    an odd last filter's 2 words a group alone; zero past K; little-endian int16."""
    depth_out, k = w.shape
    groups = -(-k // 4)
    padded = np.zeros((depth_out, 4 * groups), dtype="<i2")
    padded[:, :k] = w
    # [f][j][lane][h] -> [f][j][h][lane]: a filter's words per group
    words = padded.reshape(depth_out, groups, 2, 2).transpose(0, 1, 3, 2)
    pairs = depth_out // 2
    # [q][f][j][..] -> [q][j][f][..]
    paired = words[: 2 * pairs].reshape(pairs, 2, groups, 2, 2).transpose(0, 2, 1, 3, 4)
    return np.concatenate([paired.reshape(-1), words[2 * pairs :].reshape(-1)])


def first_rows(w: np.ndarray, stride_w: int) -> np.ndarray:
    """[O, FH, FW, I] weights (O a multiple of 4) in filter layout 2 (conv_s8.h): per copy
    (2 when stride_w * I is odd: the second shifted by one value), quad of filters, filter
    row and int16 pair j of the row's FW * I values, one word per filter holding values
    2j - copy (low) and 2j + 1 - copy (high), zero outside the row; little-endian int16."""
    depth_out, filter_h, filter_w, depth = w.shape
    span = filter_w * depth
    copies = 2 if stride_w * depth % 2 else 1
    words = (span + copies) // 2
    out = np.zeros((copies, depth_out // 4, filter_h, words, 4, 2), dtype="<i2")
    rows = w.reshape(depth_out // 4, 4, filter_h, span).transpose(0, 2, 1, 3)
    for copy in range(copies):
        padded = np.zeros((depth_out // 4, filter_h, 4, 2 * words), dtype="<i2")
        padded[..., copy : copy + span] = rows
        # [quad][fy][f][j][lane] -> [quad][fy][j][f][lane]
        out[copy] = padded.reshape(depth_out // 4, filter_h, 4, words, 2).transpose(0, 1, 3, 2, 4)
    return np.ascontiguousarray(out)


def quads(w: np.ndarray) -> np.ndarray:
    """Filter rows [O][K] (O a multiple of 4) in filter layout 1 (conv_s8.h): per quad of
    filters, group j of 4 values and half h, one word per filter of the int16 weights
    4j + h (low) and 4j + h + 2 (high), zero past K; little-endian int16."""
    depth_out, k = w.shape
    groups = -(-k // 4)
    padded = np.zeros((depth_out, 4 * groups), dtype="<i2")
    padded[:, :k] = w
    # [quad][f][j][lane][h] -> [quad][j][h][f][lane]
    words = padded.reshape(depth_out // 4, 4, groups, 2, 2).transpose(0, 2, 4, 1, 3)
    return np.ascontiguousarray(words)


# -- int16x8 ---------------------------------------------------------------------------------
# int16 activations, int8 weights, per-channel or per-tensor scales, no zero points: CONV_2D,
# DEPTHWISE_CONV_2D and FULLY_CONNECTED as one `conv_s16` step each. TFLM accumulates in
# int32 when the bias is int32 (or absent with quantized_bias_type INT32) and in int64
# otherwise (depthwise always), requantizing with the matching MultiplyByQuantizedMultiplier;
# the kernel's `accum` follows that rule. A depthwise filter [1, H, W, O] is a grouped conv
# filter [O, H, W, 1]; a fully connected layer is a 1x1 conv over [batches, 1, 1, depth].

INT16_MIN, INT16_MAX = -32768, 32767


def _tensors_s16(ctx: OpContext) -> tuple[Tensor, Tensor, Tensor, Tensor | None]:
    """Input, weights, output and optional bias of an int16x8 op, typed."""
    ctx.check_io_count((2, 3))
    x, w, out, bias = ctx.input(0), ctx.input(1), ctx.output(), ctx.optional_input(2)
    ctx.check_dtype(x, "int16")
    ctx.check_dtype(w, "int8")
    ctx.check_dtype(out, "int16")
    return x, w, out, bias


def _spatial_s16(ctx: OpContext) -> tuple[Tensor, Tensor, Tensor, Tensor | None]:
    """`_tensors_s16` of a convolution: input and filter non-empty and 4-D."""
    x, w, out, bias = _tensors_s16(ctx)
    if len(x.shape) != 4 or len(w.shape) != 4 or min(x.shape) < 1 or min(w.shape) < 1:
        raise ctx.malformed(f"input {x.shape} and filter {w.shape} must be non-empty 4-D")
    return x, w, out, bias


def prepare_conv_s16(ctx: OpContext) -> None:
    x, w, out, bias = _spatial_s16(ctx)
    groups, win = grouped_window(ctx, x, w, out)
    _emit_s16(ctx, x, w, out, bias, _weights_s16(ctx, w), groups, win, 0)


def prepare_depthwise_s16(ctx: OpContext) -> None:
    x, w, out, bias = _spatial_s16(ctx)
    channels = x.shape[3]
    win = depthwise_window(ctx, x, w, out)
    grouped = np.ascontiguousarray(np.transpose(_weights_s16(ctx, w)[0], (2, 0, 1))[..., None])
    if bias is not None and bias.dtype.name == "int32":
        raise ctx.unsupported("an int16x8 depthwise bias must be int64 (TFLM)")
    _emit_s16(ctx, x, w, out, bias, grouped, channels, win, 3, accum64=True)


def prepare_fully_connected_s16(ctx: OpContext) -> None:
    x, w, out, bias = _tensors_s16(ctx)
    if len(w.shape) != 2 or min(w.shape) < 1:
        raise ctx.malformed(f"weights must be non-empty 2-D, got shape {w.shape}")
    depth_out, depth = w.shape
    n_in = math.prod(x.shape)
    if n_in % depth:
        raise ctx.malformed(f"input of {n_in} elements is not a multiple of depth {depth}")
    batches = n_in // depth
    if math.prod(out.shape) != batches * depth_out:
        raise ctx.malformed(f"output shape {out.shape} != [{batches}, {depth_out}]")
    weights = _weights_s16(ctx, w).reshape(depth_out, 1, 1, depth)
    one = Window(1, 0, 0)
    win = Geometry(1, 1, 1, 1, one, one)
    flat = dataclasses.replace(x, shape=(batches, 1, 1, depth))
    _emit_s16(ctx, flat, w, out, bias, weights, 1, win, 0)


def _weights_s16(ctx: OpContext, w: Tensor) -> np.ndarray:
    weights = ctx.value(w)
    if weights is None:
        raise ctx.unsupported("weights must be constant")
    return weights


def _emit_s16(
    ctx: OpContext,
    x: Tensor,
    w: Tensor,
    out: Tensor,
    bias: Tensor | None,
    weights: np.ndarray,
    groups: int,
    win: Geometry,
    channel_axis: int,
    accum64: bool = False,
) -> None:
    batches = x.shape[0]
    depth_out, filter_h, filter_w, filter_depth = weights.shape
    check_window_size(ctx, filter_h * filter_w * filter_depth)
    mult, shift, in_zp, out_zp = requantization(ctx, x, w, out, depth_out, channel_axis)
    if (in_zp, out_zp) != (0, 0):
        raise ctx.unsupported(f"int16 zero points must be 0 (TFLM), not {(in_zp, out_zp)}")
    bias_operand, accum = _bias_s16(ctx, bias, depth_out, accum64)
    if accum == 64 and int(shift.max()) > 7:
        raise ctx.unsupported("a per-channel rescale is too large for TFLM's int16 path")
    scale, zp = ctx.quant(out)
    act_min, act_max = activation_range_int(
        int(ctx.options["fused_activation_function"]), scale, zp, INT16_MIN, INT16_MAX
    )
    params = {
        "geometry": conv_layout(x, weights.shape, groups, win),
        "accum": accum,
        "act_min": act_min,
        "act_max": act_max,
    }
    macs = (
        batches * win.y.out_size * win.x.out_size * depth_out * filter_h * filter_w * filter_depth
    )
    operands = {
        "input": ctx.ref(x),
        "filter": ctx.const(weights.astype(np.int8)),
        "bias": bias_operand,
        "multiplier": ctx.const(mult),
        "shift": ctx.const(shift),
        "output": ctx.ref(out),
    }
    ctx.emit("conv_s16", params, operands, macs)


def _bias_s16(
    ctx: OpContext, bias: Tensor | None, channels: int, accum64: bool
) -> tuple[Operand, int]:
    """The bias operand and the accumulator width TFLM picks for it."""
    if bias is None:
        wide = accum64 or int(ctx.options["quantized_bias_type"]) != 2  # TensorType.INT32
        return ctx.ref(None), 64 if wide else 32
    values = ctx.value(bias)
    if values is None:
        raise ctx.unsupported(f"bias tensor {bias.index} ('{bias.name}') must be constant")
    ctx.check_dtype(bias, "int32", "int64")
    if values.size != channels:
        raise ctx.malformed(f"bias has {values.size} values, expected {channels}")
    if bias.dtype.name == "int32" and not accum64:
        return ctx.const(values.astype(np.int32).ravel()), 32
    return ctx.const(values.astype(np.int64).ravel()), 64
