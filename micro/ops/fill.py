"""FILL (a scalar value repeated over a constant shape) and ZEROS_LIKE, as TFLM's kernels:
one `fill` step copying the value's bytes into every element. ZEROS_LIKE writes raw zeros
(not the zero point), as TFLM does for int8 too."""

from __future__ import annotations

import math

import numpy as np

from ..model import Tensor
from ..schema import BuiltinOperator as B
from .base import OpContext, Operand, prepares

FILL_DTYPES = ("int8", "int32", "float32")  # TFLM's FillEval
ZEROS_DTYPES = ("int8", "int32", "int64", "float32")  # TFLM's ZerosLikeEval


def _emit(ctx: OpContext, value: Operand, out: Tensor) -> None:
    count = math.prod(out.shape)
    if count == 0:
        raise ctx.unsupported("tensors with no elements are not supported")
    params = {"elem_size": out.dtype.itemsize, "count": count}
    ctx.emit("fill", params, {"value": value, "output": ctx.ref(out)})


@prepares(B.FILL, types="int8, int32, float32")
def prepare_fill(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    dims, value, out = ctx.input(0), ctx.input(1), ctx.output()
    ctx.check_dtype(value, *FILL_DTYPES)
    if out.dtype != value.dtype:
        raise ctx.malformed(f"output is {out.dtype.name}, value is {value.dtype.name}")
    if len(value.shape) != 0:
        raise ctx.malformed(f"value must be a scalar (0-D), not shape {value.shape}")
    ctx.check_dtype(dims, "int8", "int16", "int32", "int64")
    if len(dims.shape) != 1:
        raise ctx.malformed(f"dims must be 1-D, not shape {dims.shape}")
    shape = [int(d) for d in np.asarray(ctx.const_input(0, "dims")).ravel()]
    if shape != list(out.shape):
        raise ctx.malformed(f"dims {shape} != output shape {list(out.shape)}")
    _emit(ctx, ctx.ref(value), out)


@prepares(B.ZEROS_LIKE, types="int8, int32, int64, float32")
def prepare_zeros_like(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, *ZEROS_DTYPES)
    if out.dtype != x.dtype:
        raise ctx.malformed(f"output is {out.dtype.name}, input is {x.dtype.name}")
    if math.prod(out.shape) != math.prod(x.shape):
        raise ctx.malformed(f"output shape {out.shape} != input shape {x.shape}")
    _emit(ctx, ctx.const(np.zeros(out.dtype.itemsize, np.uint8)), out)
