"""Comparisons (LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL -> bool) and the
integer MAXIMUM / MINIMUM, with broadcasting: one `compare` step.

int8 comparisons are TFLM's quantized ones: each input value becomes
MultiplyByQuantizedMultiplierSmallerThanOneExp((q - zp) << 8, its scale's multiplier), so
values of different scales compare by real value; prepare tabulates that for all 256 bytes
of each input. MAXIMUM and MINIMUM compare raw values (TFLM does not rescale them).
"""

from __future__ import annotations

import numpy as np

from .._ffi import lib
from ..fixedpoint import requantize
from ..model import Tensor
from ..quant import quantize_multiplier_below_one
from ..schema import BuiltinOperator as B
from ._broadcast import binary_layout
from .base import NONE, OpContext, Operand, prepares
from .lut import INT8_INPUTS

# MICRO_COMPARE_* in csrc/include/micro/kernels/compare.h
OPS: dict[int, int] = {
    B.LESS: 0, B.LESS_EQUAL: 1, B.GREATER: 2, B.GREATER_EQUAL: 3, B.EQUAL: 4, B.NOT_EQUAL: 5,
    B.MAXIMUM: 6, B.MINIMUM: 7,
}  # fmt: skip
KINDS = {"float32": 0, "int8": 2, "int16": 3, "int32": 4, "int64": 5, "bool": 6}
S8_SCALED = 1
COMPARISON_TYPES = ("float32", "int8", "int32", "int64")  # TFLM's, plus bool for (NOT_)EQUAL


@prepares(B.LESS, B.LESS_EQUAL, B.GREATER, B.GREATER_EQUAL, types="int8, int32, int64, float32")
def prepare_order(ctx: OpContext) -> None:
    _prepare(ctx, COMPARISON_TYPES)


@prepares(B.EQUAL, B.NOT_EQUAL, types="bool, int8, int32, int64, float32")
def prepare_equality(ctx: OpContext) -> None:
    _prepare(ctx, (*COMPARISON_TYPES, "bool"))


def _prepare(ctx: OpContext, dtypes: tuple[str, ...]) -> None:
    ctx.check_io_count((2,))
    x1, x2, out = ctx.input(0), ctx.input(1), ctx.output()
    ctx.check_dtype(x1, *dtypes)
    if x2.dtype != x1.dtype:
        raise ctx.malformed(f"input 1 is {x2.dtype.name}, input 0 is {x1.dtype.name}")
    ctx.check_dtype(out, "bool")
    kind, tables = KINDS[x1.dtype.name], NONE
    if x1.dtype.name == "int8":
        kind = S8_SCALED
        tables = ctx.const(np.concatenate([_scaled(ctx, x1), _scaled(ctx, x2)]))
    _emit(ctx, kind, tables)


def _scaled(ctx: OpContext, tensor: Tensor) -> np.ndarray:
    """TFLM's rescaled value of each of the tensor's 256 bytes, as int32."""
    scale, zp = ctx.quant(tensor)
    try:
        multiplier, shift = quantize_multiplier_below_one(scale)
    except ValueError:
        raise ctx.unsupported(
            f"tensor {tensor.index} has scale {scale:g}; TFLM compares int8 scales below 1"
        ) from None
    return requantize((INT8_INPUTS - zp) << 8, multiplier, shift).astype(np.int32)


def prepare_minmax(ctx: OpContext) -> None:
    """Integer MAXIMUM or MINIMUM (int8, int16, int32, int64): raw values."""
    ctx.check_io_count((2,))
    x1, x2, out = ctx.input(0), ctx.input(1), ctx.output()
    ctx.check_dtype(x1, "int8", "int16", "int32", "int64")
    for t in (x2, out):
        if t.dtype != x1.dtype:
            raise ctx.malformed(f"tensor {t.index} is {t.dtype.name}, input 0 is {x1.dtype.name}")
    _emit(ctx, KINDS[x1.dtype.name], NONE)


def _emit(ctx: OpContext, kind: int, tables: Operand) -> None:
    x1, x2, out = ctx.input(0), ctx.input(1), ctx.output()
    layout = binary_layout(ctx, x1.shape, x2.shape, out.shape)
    params = {"broadcast": layout.fields(), "op": OPS[ctx.op.builtin_code], "kind": kind}
    ctx.emit(
        "compare",
        params,
        {"input1": ctx.ref(x1), "input2": ctx.ref(x2), "tables": tables, "output": ctx.ref(out)},
    )


SELECT_DTYPES = ("float32", "int8", "int16")  # TFLM's SELECT_V2
SELECT_MAX_DIMS = int(lib.MICRO_SELECT_MAX_DIMS)


@prepares(B.SELECT_V2, types="int8, int16, float32 (bool condition)")
def prepare_select(ctx: OpContext) -> None:
    """SELECT_V2: condition ? x : y, the three shapes broadcast to the output."""
    ctx.check_io_count((3,))
    cond, x, y, out = ctx.input(0), ctx.input(1), ctx.input(2), ctx.output()
    ctx.check_dtype(cond, "bool")
    ctx.check_dtype(x, *SELECT_DTYPES)
    for t in (y, out):
        if t.dtype != x.dtype:
            raise ctx.malformed(f"tensor {t.index} is {t.dtype.name}, x is {x.dtype.name}")
    rank = max(len(cond.shape), len(x.shape), len(y.shape), 1)
    shapes = [(1,) * (rank - len(t.shape)) + tuple(t.shape) for t in (cond, x, y)]
    expected = tuple(max(dims) for dims in zip(*shapes, strict=True))
    if any(d not in (1, e) for s in shapes for d, e in zip(s, expected, strict=True)):
        raise ctx.malformed(f"shapes {cond.shape}, {x.shape}, {y.shape} do not broadcast")
    if tuple(out.shape) != expected and (rank > 1 or tuple(out.shape) not in ((), (1,))):
        raise ctx.malformed(f"output shape {out.shape} != broadcast shape {expected}")
    if rank > SELECT_MAX_DIMS:
        raise ctx.unsupported(f"{rank}-d operands; at most {SELECT_MAX_DIMS}")
    if 0 in expected:
        raise ctx.unsupported("tensors with no elements are not supported")
    pad = [0] * (SELECT_MAX_DIMS - rank)
    strides = [row_major_broadcast(s) + pad for s in shapes]
    params = {
        "elem_size": x.dtype.itemsize,
        "rank": rank,
        "dims": list(expected) + [1] * (SELECT_MAX_DIMS - rank),
        "stride_c": strides[0],
        "stride_x": strides[1],
        "stride_y": strides[2],
    }
    ctx.emit(
        "select",
        params,
        {"condition": ctx.ref(cond), "x": ctx.ref(x), "y": ctx.ref(y), "output": ctx.ref(out)},
    )


def row_major_broadcast(shape: tuple[int, ...]) -> list[int]:
    """Row-major element strides of `shape`, 0 along its dims of extent 1."""
    strides, step = [], 1
    for d in reversed(shape):
        strides.append(0 if d == 1 else step)
        step *= d
    return strides[::-1]
