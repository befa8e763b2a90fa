"""AVERAGE_POOL_2D and MAX_POOL_2D: int8, int16 and float32 NHWC, any window, stride and
SAME/VALID padding; L2_POOL_2D on float32 (TFLM has no other type).

TFLM's reference pools work on the raw int8 values: input and output must share scale and
zero point (its prepare fails otherwise), the fused activation clamps in the output's
quantization, and the average divides by the number of taps inside the input. float32
pools (pool_f32) take the same window geometry and clamp to the float activation range.
"""

from __future__ import annotations

import math

from .._ffi import lib
from ..quant import activation_range_float, activation_range_int
from ..schema import BuiltinOperator as B
from ._shapes import compute_padding
from .base import OpContext, prepares


@prepares(B.AVERAGE_POOL_2D, types="int8, int16, float32")
def prepare_average(ctx: OpContext) -> None:
    _prepare(ctx, "average_pool_s8")


@prepares(B.MAX_POOL_2D, types="int8, int16, float32")
def prepare_max(ctx: OpContext) -> None:
    _prepare(ctx, "max_pool_s8")


@prepares(B.L2_POOL_2D, types="float32")
def prepare_l2(ctx: OpContext) -> None:
    ctx.check_dtype(ctx.input(0), "float32")
    _prepare(ctx, "l2")


def _prepare(ctx: OpContext, kernel: str) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "int8", "int16", "float32")
    ctx.check_dtype(out, x.dtype.name)
    int16 = x.dtype.name == "int16"
    if len(x.shape) != 4 or len(out.shape) != 4:
        raise ctx.malformed(f"input {x.shape} and output {out.shape} must be 4-D (NHWC)")
    if x.dtype.name == "float32":
        _emit_float(ctx, kernel, _window(ctx, 1 << 21))
        return
    in_scale, in_zp = ctx.quant(x)
    out_scale, out_zp = ctx.quant(out)
    if abs(in_scale - out_scale) > 1e-6 or in_zp != out_zp:
        raise ctx.unsupported(
            f"input (scale {in_scale}, zero point {in_zp}) and output (scale {out_scale}, "
            f"zero point {out_zp}) must share their quantization, as TFLM requires"
        )
    o = ctx.options
    max_taps = 1 << (16 if int16 else 21)
    window = _window(ctx, max_taps)
    lo, hi = (-32768, 32767) if int16 else (-128, 127)
    act_min, act_max = activation_range_int(
        int(o["fused_activation_function"]), out_scale, out_zp, lo, hi
    )
    params = {**window, "act_min": act_min, "act_max": act_max}
    taps = out.nbytes * window["filter_h"] * window["filter_w"]
    if int16:
        params["op"] = 1 if kernel == "max_pool_s8" else 0  # MICRO_POOL_S16_*
        kernel = "pool_s16"
    ctx.emit(kernel, params, {"input": ctx.ref(x), "output": ctx.ref(out)}, taps)


def _window(ctx: OpContext, max_taps: int) -> dict[str, int]:
    """The checked window geometry of the pool (micro_pool_s8_params_t without the clamp)."""
    x, out = ctx.input(0), ctx.output()
    o = ctx.options
    filter_hw = (int(o["filter_height"]), int(o["filter_width"]))
    stride_hw = (int(o["stride_h"]), int(o["stride_w"]))
    batches, in_h, in_w, channels = x.shape
    try:
        win_h, win_w = compute_padding(int(o["padding"]), (in_h, in_w), filter_hw, stride_hw)
    except ValueError as exc:
        raise ctx.malformed(f"invalid pooling window: {exc}") from None
    expected = (batches, win_h.out_size, win_w.out_size, channels)
    if out.shape != expected:
        raise ctx.malformed(f"output shape {out.shape} != {expected} from the pooling window")
    if 0 in expected or 0 in x.shape:
        raise ctx.unsupported(f"empty tensors are not supported (input {x.shape})")
    if filter_hw[0] * filter_hw[1] > max_taps:
        raise ctx.unsupported(f"filter {filter_hw} is too large (at most {max_taps} taps)")
    return {
        "batches": batches,
        "input_h": in_h,
        "input_w": in_w,
        "channels": channels,
        "output_h": win_h.out_size,
        "output_w": win_w.out_size,
        "filter_h": filter_hw[0],
        "filter_w": filter_hw[1],
        "stride_h": stride_hw[0],
        "stride_w": stride_hw[1],
        "pad_h": win_h.pad,
        "pad_w": win_w.pad,
    }


FLOAT_POOLS = {"average_pool_s8": "AVERAGE", "max_pool_s8": "MAX", "l2": "L2"}


def _emit_float(ctx: OpContext, kernel: str, window: dict[str, int]) -> None:
    """pool_f32: the window (its int8 clamp fields unused: -128, 127), the float clamp."""
    act_min, act_max = activation_range_float(int(ctx.options["fused_activation_function"]))
    params = {
        "window": {**window, "act_min": -128, "act_max": 127},
        "op": int(getattr(lib, f"MICRO_POOL_F32_{FLOAT_POOLS[kernel]}")),
        "act_min": act_min,
        "act_max": act_max,
    }
    x, out = ctx.input(0), ctx.output()
    taps = math.prod(out.shape) * window["filter_h"] * window["filter_w"]
    ctx.emit("pool_f32", params, {"input": ctx.ref(x), "output": ctx.ref(out)}, taps)
