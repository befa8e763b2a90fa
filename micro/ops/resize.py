"""RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR (NHWC), as TFLM's reference kernels.

Source coordinates depend only on the output row or column, so prepare computes them once:
nearest neighbour becomes one `index_copy` step (float32, int8, int16: bytes are copied);
int8 bilinear becomes `resize_bilinear_s8` with TFLM's 10-bit fixed-point rows and columns,
float32 bilinear `resize_bilinear_f32` with its float weights. The coordinate arithmetic
follows the reference in its own precision: float32 for nearest neighbour (scale,
half-pixel offset, round half away or floor) and float bilinear, int32 for int8 bilinear.
"""

from __future__ import annotations

import math

import numpy as np

from .._ffi import lib
from ..model import Tensor
from ..quant import round_f32
from ..schema import BuiltinOperator as B
from ._copy import int_values
from ._index import emit_index_copy
from .base import OpContext, prepares

NEAREST_DTYPES = ("float32", "int8", "int16")


def _io(ctx: OpContext, dtypes: tuple[str, ...]) -> tuple[Tensor, Tensor, int, int]:
    ctx.check_io_count((2,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, *dtypes)
    if out.dtype != x.dtype:
        raise ctx.malformed(f"output is {out.dtype.name}, input is {x.dtype.name}")
    if len(x.shape) != 4 or len(out.shape) != 4:
        raise ctx.unsupported(f"input and output must be 4-D NHWC, not {x.shape} -> {out.shape}")
    if len(ctx.input(1).shape) != 1:
        raise ctx.malformed(f"size must be a 1-D tensor of 2 values, shape {ctx.input(1).shape}")
    size = int_values(ctx, 1, "size")
    if len(size) != 2 or min(size) < 1:
        raise ctx.malformed(f"size {size} must be two positive values (height, width)")
    expected = (x.shape[0], size[0], size[1], x.shape[3])
    if tuple(out.shape) != expected:
        raise ctx.malformed(f"output shape {out.shape} != resized shape {expected}")
    if math.prod(x.shape) == 0:
        raise ctx.unsupported("resizing an empty tensor is not supported")
    return x, out, size[0], size[1]


def nearest_indices(
    in_size: int, out_size: int, align_corners: bool, half_pixel_centers: bool
) -> np.ndarray:
    """TFLM's GetNearestNeighbor for every output coordinate, in float32 arithmetic."""
    f32 = np.float32
    if align_corners and out_size > 1:
        scale = f32(in_size - 1) / f32(out_size - 1)
    else:
        scale = f32(in_size) / f32(out_size)
    offset = f32(0.5) if half_pixel_centers else f32(0.0)
    value = (np.arange(out_size, dtype=f32) + offset) * scale
    # std::round (0.49999997 gives 0, where floor(x + 0.5) in float32 gives 1), or floor
    index = round_f32(value) if align_corners else np.floor(value)
    index = np.minimum(index.astype(np.int64), in_size - 1)
    if half_pixel_centers:
        index = np.maximum(index, 0)
    return index


@prepares(B.RESIZE_NEAREST_NEIGHBOR, types="int8, int16, float32")
def prepare_nearest(ctx: OpContext) -> None:
    x, out, out_h, out_w = _io(ctx, NEAREST_DTYPES)
    align = bool(ctx.options["align_corners"])
    half = bool(ctx.options["half_pixel_centers"])
    batches, in_h, in_w, channels = x.shape
    rows = nearest_indices(in_h, out_h, align, half) * in_w * channels
    cols = nearest_indices(in_w, out_w, align, half) * channels
    images = np.arange(batches) * in_h * in_w * channels
    emit_index_copy(ctx, ctx.ref(x), ctx.ref(out), x.dtype.itemsize, [images, rows, cols], channels)


def bilinear_table(
    in_size: int, out_size: int, align_corners: bool, half_pixel: bool
) -> np.ndarray:
    """(lower, upper, weight of upper) per output coordinate, TFLM's 10-bit integer form."""
    if align_corners and out_size > 1:
        scale = (1024 * (in_size - 1) + (out_size - 1) // 2) // (out_size - 1)
    else:
        scale = (1024 * in_size + out_size // 2) // out_size
    table = np.zeros((out_size, 3), dtype=np.int32)
    for v in range(out_size):
        scaled = v * scale + scale // 2 - 512 if half_pixel else v * scale
        lower = max(_c_div(scaled, 1024), 0)
        upper = min(_c_div(scaled + 1023, 1024), in_size - 1)
        table[v] = (lower, upper, scaled - 1024 * lower)
    return table


def _c_div(a: int, b: int) -> int:
    """C's integer division (truncates toward zero) for b > 0."""
    return a // b if a >= 0 else -(-a // b)


def bilinear_f32_table(
    in_size: int, out_size: int, align_corners: bool, half_pixel: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(lower, upper) int32 and (1 - d, d) float32 per output coordinate: TFLM's float
    ComputeInterpolationValues, step by step in float32."""
    f32 = np.float32
    if align_corners and out_size > 1:
        scale = f32(in_size - 1) / f32(out_size - 1)
    else:
        scale = f32(in_size) / f32(out_size)
    value = np.arange(out_size, dtype=f32)
    scaled = (value + f32(0.5)) * scale - f32(0.5) if half_pixel else value * scale
    lower = np.maximum(np.floor(scaled).astype(np.int64), 0)
    upper = np.minimum(np.ceil(scaled).astype(np.int64), in_size - 1)
    d = (scaled - lower.astype(f32)).astype(f32)
    weights = np.stack([(f32(1) - d).astype(f32), d], axis=1)
    return np.stack([lower, upper], axis=1).astype(np.int32), weights


def _geometry(x: Tensor, out: Tensor) -> dict[str, int]:
    """The params both bilinear kernels share: NHWC input and output extents."""
    batches, in_h, in_w, channels = x.shape
    keys = ("batches", "in_h", "in_w", "out_h", "out_w", "channels")
    return dict(zip(keys, (batches, in_h, in_w, out.shape[1], out.shape[2], channels), strict=True))


def _prepare_bilinear_f32(ctx: OpContext, x: Tensor, out: Tensor, align: bool, half: bool) -> None:
    in_h, in_w = x.shape[1], x.shape[2]
    out_h, out_w = out.shape[1], out.shape[2]
    rows, row_weights = bilinear_f32_table(in_h, out_h, align, half)
    cols, col_weights = bilinear_f32_table(in_w, out_w, align, half)
    params = _geometry(x, out)
    operands = {
        "input": ctx.ref(x),
        "rows": ctx.const(rows),
        "cols": ctx.const(cols),
        "weights": ctx.const(np.concatenate([row_weights.ravel(), col_weights.ravel()])),
        "output": ctx.ref(out),
    }
    ctx.emit("resize_bilinear_f32", params, operands, 4 * math.prod(out.shape))


@prepares(B.RESIZE_BILINEAR, types="int8, float32")
def prepare_bilinear(ctx: OpContext) -> None:
    x, out, out_h, out_w = _io(ctx, ("int8", "float32"))
    align = bool(ctx.options["align_corners"])
    half = bool(ctx.options["half_pixel_centers"])
    if align and half:
        raise ctx.malformed("align_corners and half_pixel_centers cannot both be set (TFLM)")
    if x.dtype.name == "float32":
        _prepare_bilinear_f32(ctx, x, out, align, half)
        return
    in_h, in_w = x.shape[1], x.shape[2]
    rows = bilinear_table(in_h, out_h, align, half)
    cols = bilinear_table(in_w, out_w, align, half)
    limit = int(lib.MICRO_RESIZE_MAX_WEIGHT)
    if rows[:, 0].max() >= in_h or cols[:, 0].max() >= in_w:
        raise ctx.unsupported(
            f"resizing {x.shape} to {out.shape}: TFLM's integer scale would read past the input"
        )
    if np.abs(rows[:, 2]).max() > limit or np.abs(cols[:, 2]).max() > limit:
        raise ctx.unsupported(f"resizing {x.shape} to {out.shape} needs weights beyond {limit}")
    params = _geometry(x, out)
    operands = {
        "input": ctx.ref(x),
        "rows": ctx.const(rows),
        "cols": ctx.const(cols),
        "output": ctx.ref(out),
    }
    ctx.emit("resize_bilinear_s8", params, operands, 4 * math.prod(out.shape))
