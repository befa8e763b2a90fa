"""Reductions over constant axes (keep_dims either way): MEAN and SUM on int8 and int16,
REDUCE_MAX and REDUCE_MIN on int8, all four on float32 (kernel reduce_f32: TFLM's float
reference, each output accumulated in input order; MEAN divides the sum by the count).

MEAN and SUM: TFLM has one integer path for both (reference_ops::QuantizedMeanOrSum;
there is no special int8 case for the H, W mean of NHWC): sum the raw int8 values in
int32, subtract input_zp * count, then MultiplyByQuantizedMultiplier with
QuantizeMultiplier(in_scale / out_scale), for MEAN first divided by count in fixed point:
    s = min(floor(log2(count)), 32, 31 + shift)
    multiplier = (multiplier << s) // count,  shift -= s
and add the output zero point, clamp to the type (kernels mean_s8, mean_s16).

REDUCE_MAX and REDUCE_MIN compare the raw int8 values; TFLM requires the input and
output to share scale and zero point exactly (kernel reduce_minmax_s8).

Both kernels take the input with size-1 axes dropped and adjacent axes of the same kind
merged (csrc/include/micro/kernels/reduce_shape.h).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .._ffi import lib, scratch_size
from ..fixedpoint import wrap32
from ..model import Tensor
from ..quant import quantize_multiplier
from ..schema import BuiltinOperator as B
from .base import OpContext, prepares

MAX_DIMS = int(lib.MICRO_REDUCE_MAX_DIMS)


@dataclass
class Reduction:
    x: Tensor
    out: Tensor
    count: int  # elements reduced into each output
    dims: list[int]  # the canonical layout, padded to MAX_DIMS
    rank: int
    reduced: int  # bit mask over dims


@prepares(B.MEAN, types="int8, int16, float32")
def prepare_mean(ctx: OpContext) -> None:
    _prepare_sum(ctx, divide=True)


@prepares(B.SUM, types="int8, int16, float32")
def prepare_sum(ctx: OpContext) -> None:
    _prepare_sum(ctx, divide=False)


@prepares(B.REDUCE_MAX, types="int8, float32")
def prepare_max(ctx: OpContext) -> None:
    _prepare_minmax(ctx, minimum=False)


@prepares(B.REDUCE_MIN, types="int8, float32")
def prepare_min(ctx: OpContext) -> None:
    _prepare_minmax(ctx, minimum=True)


def _prepare_float(ctx: OpContext, op: str) -> None:
    """reduce_f32: op is SUM, MEAN, MAX or MIN (MICRO_REDUCE_F32_*)."""
    r = reduction(ctx, "float32")
    params = {
        "rank": r.rank,
        "dims": r.dims,
        "reduced": r.reduced,
        "op": int(getattr(lib, f"MICRO_REDUCE_F32_{op}")),
    }
    ctx.emit(
        "reduce_f32",
        params,
        {"input": ctx.ref(r.x), "output": ctx.ref(r.out)},
        math.prod(r.x.shape),
    )


def _prepare_sum(ctx: OpContext, divide: bool) -> None:
    if ctx.input(0).dtype.name == "float32":
        _prepare_float(ctx, "MEAN" if divide else "SUM")
        return
    r = reduction(ctx, "int8", "int16")
    if r.count * -np.iinfo(r.x.dtype).min > 2**31 - 1:
        raise ctx.unsupported(f"reducing {r.count} elements into one overflows the int32 sum")
    in_scale, in_zp = ctx.quant(r.x)
    out_scale, out_zp = ctx.quant(r.out)
    real = float(np.float64(np.float32(in_scale)) / np.float64(np.float32(out_scale)))
    if math.frexp(real)[1] > 30:
        raise ctx.unsupported(f"input/output scale ratio {real} is too large")
    multiplier, shift = quantize_multiplier(real)
    if divide:
        s = min(r.count.bit_length() - 1, 32, 31 + shift)
        multiplier = (multiplier << s) // r.count
        shift -= s
    params = {
        "rank": r.rank,
        "dims": r.dims,
        "reduced": r.reduced,
        "bias": wrap32(-in_zp * r.count),
        "multiplier": multiplier,
        "shift": shift,
        "output_zp": out_zp,
    }
    kernel = "mean_s8" if r.x.dtype.name == "int8" else "mean_s16"
    operands = {
        "input": ctx.ref(r.x),
        "scratch": ctx.scratch(scratch_size(kernel, params)),
        "output": ctx.ref(r.out),
    }
    ctx.emit(kernel, params, operands, math.prod(r.x.shape))


def _prepare_minmax(ctx: OpContext, minimum: bool) -> None:
    if ctx.input(0).dtype.name == "float32":
        _prepare_float(ctx, "MIN" if minimum else "MAX")
        return
    r = reduction(ctx)
    in_scale, in_zp = ctx.quant(r.x)
    out_scale, out_zp = ctx.quant(r.out)
    if np.float32(in_scale) != np.float32(out_scale) or in_zp != out_zp:
        raise ctx.unsupported(
            f"input (scale {in_scale}, zero point {in_zp}) and output (scale {out_scale}, "
            f"zero point {out_zp}) must share their quantization, as TFLM requires"
        )
    params = {"rank": r.rank, "dims": r.dims, "reduced": r.reduced, "minimum": int(minimum)}
    ctx.emit(
        "reduce_minmax_s8",
        params,
        {"input": ctx.ref(r.x), "output": ctx.ref(r.out)},
        math.prod(r.x.shape),
    )


def reduction(ctx: OpContext, *dtypes: str) -> Reduction:
    """The checked reduction of an input of one of `dtypes` (default int8) over its constant
    axes; the output has the input's type."""
    ctx.check_io_count((2,))
    x, axes_tensor, out = ctx.input(0), ctx.input(1), ctx.output()
    ctx.check_dtype(x, *(dtypes or ("int8",)))
    ctx.check_dtype(out, x.dtype.name)
    ctx.check_dtype(axes_tensor, "int32")
    if math.prod(axes_tensor.shape) == 0:  # no axes (an empty tensor has no buffer)
        axes: set[int] = set()
    else:
        axes = resolve_axes(ctx, ctx.const_input(1, "the axes"), len(x.shape))
    if 0 in x.shape:
        empty = [i for i in sorted(axes) if x.shape[i] == 0]
        if ctx.op.name == "MEAN" and empty:
            raise ctx.malformed(
                f"MEAN over axis {empty[0]} of input 0 ('{x.name}'), shape {x.shape}, whose "
                "size is 0: the mean divides by zero",
                x,
            )
        raise ctx.unsupported(f"empty tensors are not supported (input {x.shape})")
    n_out = math.prod(d for i, d in enumerate(x.shape) if i not in axes)
    if math.prod(out.shape) != n_out:
        raise ctx.malformed(
            f"output shape {out.shape} does not hold the {n_out} results of reducing "
            f"{x.shape} over axes {sorted(axes)}"
        )
    dims, reduced = canonical_dims(x.shape, axes)
    if len(dims) > MAX_DIMS:
        raise ctx.unsupported(f"the reduction of {x.shape} over {sorted(axes)} is too complex")
    count = math.prod(x.shape[i] for i in axes)
    return Reduction(x, out, count, dims + [1] * (MAX_DIMS - len(dims)), len(dims), reduced)


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


@prepares(B.ARG_MAX, B.ARG_MIN, types="int8, float32 -> int32")
def prepare_arg_minmax(ctx: OpContext) -> None:
    """ARG_MAX / ARG_MIN along one constant axis (TFLM: first index of the extreme)."""
    ctx.check_io_count((2,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "int8", "float32")
    ctx.check_dtype(out, "int32")  # TFLM writes int32 indices only
    ctx.check_dtype(ctx.input(1), "int32")
    axes = [int(a) for a in np.asarray(ctx.const_input(1, "axis")).ravel()]
    rank = len(x.shape)
    if len(axes) != 1 or not -rank <= axes[0] < rank:
        raise ctx.malformed(f"axis {axes} must be one dimension of the rank-{rank} input")
    axis = axes[0] % rank
    expected = x.shape[:axis] + x.shape[axis + 1 :]
    if math.prod(out.shape) != math.prod(expected) or math.prod(x.shape) == 0:
        raise ctx.malformed(f"output shape {out.shape} != {expected} (input {x.shape})")
    params = {
        "outer": math.prod(x.shape[:axis]),
        "axis_size": x.shape[axis],
        "inner": math.prod(x.shape[axis + 1 :]),
        "kind": 1 if x.dtype.name == "int8" else 0,
        "is_min": int(ctx.op.builtin_code == B.ARG_MIN),
        "out_width": out.dtype.itemsize,
    }
    ctx.emit(
        "arg_minmax", params, {"input": ctx.ref(x), "output": ctx.ref(out)}, math.prod(x.shape)
    )
