"""DEPTHWISE_CONV_2D: int8 activations, int8 per-tensor or per-channel weights [1, FH, FW, O],
optional int32 bias, depth multiplier >= 1, strides, SAME/VALID padding, dilation.

A single input channel (e.g. a first layer on a grey image) is computed by the conv kernel,
which is faster there, except on a DSP core when the depthwise twin takes the layer on its
tap-pair path (3x3 or smaller windows) and the conv twin would not take it on its first-layer
path; otherwise by the depthwise kernel. For a DSP core
the weights go in filter layout 2 (int16 vertical pairs) or 1 (int16 tap pairs,
depthwise_conv_s8.h) where the twin reads them, or 3 (the stride-2 path's records: weights,
bias and requantization in the order its loop reads them) where that path takes the layer
in one strip, unless compile_model's flash budget asks for int8 weights."""

from __future__ import annotations

import numpy as np

from .._ffi import kernel_predicate
from ..model import Tensor
from ..schema import BuiltinOperator as B
from ._conv_float import prepare_depthwise_f32
from ._conv_window import Geometry
from .base import OpContext, prepares
from .conv import (
    activation,
    check_output_shape,
    check_window_size,
    conv_params,
    conv_tensors,
    emit_conv,
    folded_bias,
    geometry,
    prepare_depthwise_s16,
    requantization,
)

# Up to this many taps a one-channel layer runs faster on the DSP twin's tap pairs than
# as a convolution (whose rows of taps it pads to a multiple of 8).
DSP_ONE_CHANNEL_TAPS = 9


@prepares(B.DEPTHWISE_CONV_2D, types="int8, int8 with int4 weights, int16x8, float32")
def prepare(ctx: OpContext) -> None:
    if ctx.input(0).dtype.name == "int16":
        prepare_depthwise_s16(ctx)
        return
    if ctx.input(0).dtype.name == "float32":
        prepare_depthwise_f32(ctx)
        return
    x, w, out, bias = conv_tensors(ctx)
    batches, in_h, in_w, channels = x.shape
    one, filter_h, filter_w, depth_out = w.shape
    if min(x.shape) < 1 or min(w.shape) < 1 or one != 1:
        raise ctx.malformed(f"input {x.shape} / filter {w.shape} (expected [1, FH, FW, O])")
    if depth_out % channels:
        raise ctx.malformed(
            f"filter depth {depth_out} is not a multiple of the {channels} input channels"
        )
    multiplier = depth_out // channels
    option = int(ctx.options["depth_multiplier"])
    if option != multiplier:
        raise ctx.malformed(
            f"depth_multiplier option {option} != filter depth {depth_out} / {channels} channels"
        )
    weights = ctx.value(w)
    if weights is None:
        raise ctx.unsupported("weights must be constant")
    q = w.quant
    if q is not None and len(q.scale) != len(q.zero_point):
        raise ctx.malformed(
            f"weights have {len(q.scale)} scales but {len(q.zero_point)} zero points"
        )
    win = geometry(ctx, in_h, in_w, filter_h, filter_w)
    check_output_shape(ctx, out, (batches, win.y.out_size, win.x.out_size, depth_out))
    check_window_size(ctx, filter_h * filter_w)
    mult, shift, in_zp, out_zp = requantization(ctx, x, w, out, depth_out, 3)
    per_channel = weights.astype(np.int64).reshape(filter_h * filter_w, depth_out).T
    folded = folded_bias(ctx, bias, per_channel, depth_out, in_zp)
    act_min, act_max = activation(ctx, out)
    params = {
        "batches": batches,
        "input_height": in_h,
        "input_width": in_w,
        "input_depth": channels,
        "depth_multiplier": multiplier,
        "filter_height": filter_h,
        "filter_width": filter_w,
        **win.params(),
        "input_zp": in_zp,
        "output_zp": out_zp,
        "act_min": act_min,
        "act_max": act_max,
        "filter_layout": 0,
    }
    layout = dsp_layout(ctx, params)
    # One input channel: the same sums as a convolution with O filters of depth 1
    # ([1, FH, FW, O] -> [O, FH, FW, 1]), which the conv kernel does as a dense GEMM.
    conv_weights = np.ascontiguousarray(np.transpose(weights[0], (2, 0, 1))[..., None])
    if channels == 1 and (
        not (layout and filter_h * filter_w <= DSP_ONE_CHANNEL_TAPS)
        or conv_first_layer(ctx, x, out, conv_weights.shape, win, in_zp, out_zp)
    ):
        emit_conv(ctx, x, out, conv_weights, 1, win, folded, mult, shift, in_zp, out_zp)
        return
    if layout == 2 and s2_records_take(params, mult, shift):
        layout = 3
    params["filter_layout"] = layout
    if layout == 3:
        filter_ref = ctx.const(s2_records(per_channel.T, folded, mult, shift, params))
    else:
        filter_ref = ctx.const(WRITERS[layout](per_channel.T)) if layout else ctx.ref(w)
    macs = batches * win.y.out_size * win.x.out_size * depth_out * filter_h * filter_w
    ctx.emit(
        "depthwise_conv_s8",
        params,
        {
            "input": ctx.ref(x),
            "filter": filter_ref,
            "bias": ctx.const(folded),
            "multiplier": ctx.const(mult),
            "shift": ctx.const(shift),
            "output": ctx.ref(out),
        },
        macs,
    )


def conv_first_layer(
    ctx: OpContext,
    x: Tensor,
    out: Tensor,
    filter_shape: tuple[int, ...],
    win: Geometry,
    in_zp: int,
    out_zp: int,
) -> bool:
    """Whether a DSP core's conv twin takes the convolution on its first-layer path: there
    it beats the depthwise twin (person_detect's layer 0, 3x3 with multiplier 8, stride 2:
    492 K est. M4 cycles on the conv twin's row loop, filter layout 2, against 518 K on the
    depthwise twin's stride-2 path and 920 K on its tap pairs)."""
    if not (ctx.dsp and ctx.wide_weights):
        return False
    params = conv_params(ctx, x, out, filter_shape, 1, win, in_zp, out_zp)
    return kernel_predicate("conv_s8", "dsp_first", {**params, "filter_layout": 1})


def dsp_layout(ctx: OpContext, params: dict[str, int]) -> int:
    """The filter layout the DSP twin reads fastest (2: vertical pairs on its column path,
    1: tap pairs), 0 off a DSP core or when int16 weights would not fit the flash budget."""
    if not (ctx.dsp and ctx.wide_weights):
        return 0
    if kernel_predicate("depthwise_conv_s8", "dsp_cols", params):
        return 2
    return int(kernel_predicate("depthwise_conv_s8", "dsp_pairs", params))


def tap_pairs(w: np.ndarray) -> np.ndarray:
    """Weights [T][O] (O a multiple of 4) in filter layout 1 (depthwise_conv_s8.h): per
    quad of output channels and pair of taps (2p, 2p + 1), 4 words of the channels' int16
    weights, tap 2p in the low half (a missing last tap weighs 0); little-endian int16."""
    taps, depth = w.shape
    padded = np.zeros((taps + taps % 2, depth), dtype="<i2")
    padded[:taps] = w
    # [pair][lane][quad][j] -> [quad][pair][j][lane]
    pairs = padded.reshape(-1, 2, depth // 4, 4).transpose(2, 0, 3, 1)
    return np.ascontiguousarray(pairs)


def vertical_pairs(w: np.ndarray) -> np.ndarray:
    """Weights [9][O] of a 3x3 filter in filter layout 2 (depthwise_conv_s8.h): per output
    channel 6 words, (row 0, row 1) then (row 1, row 2) of each filter column, the upper
    row in the low half; little-endian int16."""
    rows = w.reshape(3, 3, -1).astype("<i2")  # [fy][fx][o]
    words = np.stack([rows[:2], rows[1:]], axis=1)  # [lane][word: rows 0-1 or 1-2][fx][o]
    return np.ascontiguousarray(words.transpose(3, 2, 1, 0))


WRITERS = {1: tap_pairs, 2: vertical_pairs}


def s2_records_take(params: dict[str, int], mult: np.ndarray, shift: np.ndarray) -> bool:
    """Whether the stride-2 path reads the layer's records in place (filter layout 3): its
    shape (micro_depthwise_conv_s8_dsp_s2_records) and every channel's requantization in the
    path's domain (multiplier in [2^30, 2^31), shift in [-31, -1]), which the verifier
    checks again."""
    if not kernel_predicate("depthwise_conv_s8", "dsp_s2_records", params):
        return False
    return bool(np.all(mult >= 1 << 30) and np.all((shift >= -31) & (shift <= -1)))


def s2_records(
    w: np.ndarray, bias: np.ndarray, mult: np.ndarray, shift: np.ndarray, params: dict[str, int]
) -> np.ndarray:
    """Weights [9][O] of a 3x3 filter (O a multiple of 4) with the folded bias and the
    requantization in filter layout 3 (depthwise_conv_s8.h): per quad of output channels 4
    records of 14 int32 words (layout 2's 6 weight words, the bias, the bias with input_zp
    times the bottom row, 2 * multiplier, -2^(32 + shift), output_zp, the places of output
    rows 1-3 from row 0) and depth - 4; little-endian."""
    depth = w.shape[1]
    pairs = vertical_pairs(w).view("<u4").reshape(depth, 6).astype(np.int64)
    bias = np.asarray(bias, np.int64)
    bottom = w.reshape(3, 3, depth)[2].astype(np.int64).sum(axis=0)
    row = params["output_width"] * depth
    rec = np.zeros((depth, 14), np.int64)
    rec[:, 0:2] = pairs[:, 0:2]
    rec[:, 2] = bias
    rec[:, 3] = bias + params["input_zp"] * bottom
    rec[:, 4:8] = pairs[:, 2:6]
    rec[:, 8] = np.asarray(mult, np.int64) << 1
    rec[:, 9] = -(1 << (32 + np.asarray(shift, np.int64)))
    rec[:, 10] = params["output_zp"]
    rec[:, 11:14] = [row, 2 * row, 3 * row]
    blocks = np.empty((depth // 4, 57), np.int64)
    blocks[:, :56] = rec.reshape(depth // 4, 56)
    blocks[:, 56] = depth - 4
    return np.ascontiguousarray((blocks & 0xFFFFFFFF).astype("<u4"))
