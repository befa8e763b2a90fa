"""FULLY_CONNECTED: int8 (per-tensor or per-channel weights, int8 or INT4) and float32."""

from __future__ import annotations

import math

import numpy as np

from .._ffi import scratch_size
from ..fixedpoint import wrap32
from ..quant import activation_range_float, activation_range_int, quantize_multipliers
from ..schema import BuiltinOperator as B
from ..schema import TensorType
from .base import NONE, OpContext, Operand, prepares
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
        "filter_layout": filter_layout(ctx, depth, depth_out),
    }
    # The lean lane takes no scratch (K = 8 holds its input in registers).
    widens = bool(params["filter_layout"]) and depth_out >= WIDEN_FROM_ROWS and depth != 8
    params["per_channel"] = short_lane(params, int(mult[0]), int(shift[0]), widens)
    scratch = NONE if params["per_channel"] == 2 else widened_input(ctx, params)
    ctx.emit(
        "fully_connected_s8",
        params,
        {
            "input": ctx.ref(x),
            "filter": ctx.const(
                filter_bytes(params["filter_layout"], weights.reshape(depth_out, depth))
            ),
            "bias": ctx.const(wrap32(folded).astype(np.int32)),
            "multiplier": ctx.const(mult),
            "shift": ctx.const(shift),
            "scratch": scratch,
            "output": ctx.ref(out),
        },
        macs,
    )


# Widening the input costs about 6 instructions per 4 values and saves 2 per 4 values in
# each block of 4 output rows: it pays from 4 blocks on, clearly (for its arena bytes)
# from 8.
WIDEN_FROM_ROWS = 32


def widened_input(ctx: OpContext, params: dict[str, int]) -> Operand:
    """The optional scratch of the widened input row, for layers with enough rows."""
    if not params["filter_layout"] or params["output_depth"] < WIDEN_FROM_ROWS:
        return NONE
    return ctx.scratch(scratch_size("fully_connected_s8", params), optional=True)


def short_lane(params: dict[str, int], mult: int, shift: int, scratch: bool) -> int:
    """per_channel (fully_connected_s8.h): 1 for per-channel weights; for one multiplier 2
    or 3 where the DSP twin's lean lane (2) or its K = 1 lane (3) holds for every call, so
    its dispatch goes straight to that lane (the check verifies it at load), else 0; 2 asks
    for no scratch (`scratch`: the step would have one the lane cannot go without). The
    filter's word alignment is the writer's (constants 16-byte aligned)."""
    if params["per_channel"]:
        return 1
    depth, layout = params["input_depth"], params["filter_layout"]
    if (
        layout == 0
        or params["batches"] != 1
        or params["filter_zp"] != 0
        or (params["act_min"], params["act_max"]) != (-128, 127)
        or mult < 1 << 30
        or shift > -1
    ):
        return 0
    if depth == 1:
        return 3 if layout <= 2 else 0
    if depth % 4 == 0 and not scratch:
        return 2
    return 0


# Int16 groups (layout 2) save the DSP twin 7 of 18 instructions per 16 weights for 16
# more bytes of flash: from two blocks of 4 rows on. A one-block layer is a classifier
# head (micro_speech: 4 outputs of 4,000 inputs, 3 % of its instructions) where the
# flash (16 KB there, a third of the firmware it aims at) is worth more than the time.
WIDE_FROM_ROWS = 8
# Layout 3's int16 pair of rows after the blocks saves 5 of 13 instructions per 8 weights
# for 2 * K more bytes of flash; below 4 rows (a 2- or 3-class head: vww's 256 -> 2) while
# those bytes stay within PAIR_MAX_BYTES.
PAIR_MAX_BYTES = 2048


def filter_layout(ctx: OpContext, depth: int, depth_out: int) -> int:
    """The layout the target's kernel reads best (fully_connected_s8.h): row-major (0) for
    the host (a DSP core's twin runs it on the reference kernel); for a DSP core blocks of
    4 rows (1), their groups of 4 columns widened to int16 (2) where there are such groups,
    at least WIDE_FROM_ROWS rows, and the weights may be wide (compile_model's
    flash_budget), with the pair of rows after the blocks widened too (3) where N % 4 >= 2
    (or N of 2 or 3 and 2 * K within PAIR_MAX_BYTES) and K is a multiple of 4 (the twin's
    pair loop)."""
    if not ctx.dsp:
        return 0
    may = ctx.wide_weights and depth >= 4
    pair = may and depth % 4 == 0 and depth_out % 4 >= 2
    if pair and (depth_out >= WIDE_FROM_ROWS or (depth_out < 4 and 2 * depth <= PAIR_MAX_BYTES)):
        return 3
    return 2 if may and depth_out >= WIDE_FROM_ROWS else 1


def filter_bytes(layout: int, w: np.ndarray) -> np.ndarray:
    """The weights [N][K] in filter layout `layout`, as bytes (int8)."""
    if layout == 0:
        return w
    return blocks_of_4_rows(w, wide=layout >= 2, pair=layout == 3)


def blocks_of_4_rows(w: np.ndarray, wide: bool = False, pair: bool = False) -> np.ndarray:
    """Weights [N][K] (int8) in filter layout 1 (fully_connected_s8.h): each block of 4
    rows as groups of 4 columns, row by row, then the block's last K % 4 columns row by row;
    the last N % 4 rows as they are. `wide`: layout 2, each group's values as int16 in the
    order (w0, w2, w1, w3) of each row (the halves SXTB16 makes of an input word), returned
    as their little-endian bytes. `pair` (with `wide`): layout 3, the first two of the last
    N % 4 rows, if there are two, one more block of 2 rows in the same form."""
    w = w.astype(np.int8, copy=False)
    n = w.shape[0]
    n4 = n & ~3
    parts = [block_bytes(w[i : i + 4], wide) for i in range(0, n4, 4)]
    if pair and n - n4 >= 2:
        parts.append(block_bytes(w[n4 : n4 + 2], wide))
        n4 += 2
    parts.append(w[n4:].reshape(-1))
    return np.concatenate(parts)


def block_bytes(rows: np.ndarray, wide: bool) -> np.ndarray:
    """One block of r rows [r][K] (int8): per group of 4 columns each row's 4 values (`wide`:
    as int16 in the order (w0, w2, w1, w3), their little-endian bytes), then the last K % 4
    columns row by row."""
    r, k = rows.shape
    k4 = k & ~3
    groups = rows[:, :k4].reshape(r, k4 // 4, 4).transpose(1, 0, 2)
    if wide:
        head = groups[..., [0, 2, 1, 3]].astype("<i2").reshape(-1).view(np.int8)
    else:
        head = groups.reshape(-1)
    return np.concatenate([head, rows[:, k4:].reshape(-1)])


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
