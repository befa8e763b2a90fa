"""MEAN and SUM of int8 over constant axes (keep_dims either way).

TFLM has one integer path for both (reference_ops::QuantizedMeanOrSum; there is no
special int8 case for the H, W mean of NHWC): sum the raw int8 values in int32, subtract
input_zp * count, then MultiplyByQuantizedMultiplier with QuantizeMultiplier(in_scale /
out_scale), for MEAN first divided by count in fixed point:
    s = min(floor(log2(count)), 32, 31 + shift)
    multiplier = (multiplier << s) // count,  shift -= s
and add the output zero point, clamp to int8. The kernel (csrc/kernels/mean_s8.c) sums
over the input with adjacent axes of the same kind merged.
"""

from __future__ import annotations

import math

import numpy as np

from ..fixedpoint import wrap32
from ..quant import quantize_multiplier
from .base import OpContext

MAX_DIMS = 8  # MICRO_MEAN_MAX_DIMS


def prepare_mean(ctx: OpContext) -> None:
    _prepare(ctx, divide=True)


def prepare_sum(ctx: OpContext) -> None:
    _prepare(ctx, divide=False)


def _prepare(ctx: OpContext, divide: bool) -> None:
    ctx.check_io_count((2,))
    x, axes_tensor, out = ctx.input(0), ctx.input(1), ctx.output()
    ctx.check_dtype(x, "int8")
    ctx.check_dtype(out, "int8")
    ctx.check_dtype(axes_tensor, "int32")
    if math.prod(axes_tensor.shape) == 0:  # no axes (an empty tensor has no buffer)
        axes: set[int] = set()
    else:
        axes = resolve_axes(ctx, ctx.const_input(1, "the axes"), len(x.shape))
    if 0 in x.shape:
        raise ctx.unsupported(f"empty tensors are not supported (input {x.shape})")
    kept = [d for i, d in enumerate(x.shape) if i not in axes]
    count = math.prod(x.shape[i] for i in axes)
    if math.prod(out.shape) != math.prod(kept):
        raise ctx.malformed(
            f"output shape {out.shape} does not hold the {math.prod(kept)} results of "
            f"reducing {x.shape} over axes {sorted(axes)}"
        )
    if count * 128 > 2**31 - 1:
        raise ctx.unsupported(f"reducing {count} elements into one overflows the int32 sum")
    in_scale, in_zp = ctx.quant(x)
    out_scale, out_zp = ctx.quant(out)
    real = float(np.float64(np.float32(in_scale)) / np.float64(np.float32(out_scale)))
    if math.frexp(real)[1] > 30:
        raise ctx.unsupported(f"input/output scale ratio {real} is too large")
    multiplier, shift = quantize_multiplier(real)
    if divide:
        s = min(count.bit_length() - 1, 32, 31 + shift)
        multiplier = (multiplier << s) // count
        shift -= s
    dims, reduced = canonical_dims(x.shape, axes)
    if len(dims) > MAX_DIMS:
        raise ctx.unsupported(f"the reduction of {x.shape} over {sorted(axes)} is too complex")
    params = {
        "rank": len(dims),
        "dims": dims + [1] * (MAX_DIMS - len(dims)),
        "reduced": reduced,
        "bias": wrap32(-in_zp * count),
        "multiplier": multiplier,
        "shift": shift,
        "output_zp": out_zp,
    }
    block_out = math.prod(d for i, d in enumerate(dims) if i > 0 and not reduced >> i & 1)
    ctx.emit(
        "mean_s8",
        params,
        [ctx.ref(x), ctx.scratch(4 * block_out), ctx.ref(out)],
        math.prod(x.shape),
    )


def resolve_axes(ctx: OpContext, values: np.ndarray, rank: int) -> set[int]:
    """The reduced axes as TFLite's ResolveAxis: negatives count from the end, repeats
    are ignored, anything out of range is an error (a scalar input ignores its axes)."""
    axes: set[int] = set()
    if rank == 0:
        return axes
    for a in np.asarray(values).ravel().tolist():
        axis = a + rank if a < 0 else a
        if not 0 <= axis < rank:
            raise ctx.malformed(f"axis {a} is out of range for a {rank}-D input")
        axes.add(axis)
    return axes


def canonical_dims(shape: tuple[int, ...], axes: set[int]) -> tuple[list[int], int]:
    """(dims, reduced bit mask) of the same layout: size-1 axes dropped, neighbours of the
    same kind merged, a kept axis first and a reduced one second (padding with 1s)."""
    merged: list[list[int]] = []  # [size, is_reduced]
    for i, d in enumerate(shape):
        if d == 1:
            continue
        r = int(i in axes)
        if merged and merged[-1][1] == r:
            merged[-1][0] *= d
        else:
            merged.append([d, r])
    if not merged or merged[0][1] == 1:
        merged.insert(0, [1, 0])
    if len(merged) == 1:
        merged.append([1, 1])
    dims = [d for d, _ in merged]
    mask = sum(1 << i for i, (_, r) in enumerate(merged) if r)
    return dims, mask
