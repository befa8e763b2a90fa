"""GATHER (float32, int8; int32 indices), as TFLM: axis and batch_dims may be negative.
Constant indices are checked here; indices computed at run time are checked by the kernel,
which stops with an error instead of reading outside the input."""

from __future__ import annotations

import math

import numpy as np

from ..schema import BuiltinOperator as B
from ._copy import check_types
from .base import OpContext, prepares

DTYPES = ("float32", "int8")


@prepares(B.GATHER, types="int8, float32 (int32 indices)")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    x, coords, out = ctx.input(0), ctx.input(1), ctx.output()
    check_types(ctx, [x, out], DTYPES)
    ctx.check_dtype(coords, "int32")
    rank, crank = len(x.shape), len(coords.shape)
    axis = int(ctx.options["axis"])
    batch_dims = int(ctx.options["batch_dims"])
    axis += rank if axis < 0 else 0
    batch_dims += crank if batch_dims < 0 else 0
    if not 0 <= axis < rank:
        raise ctx.malformed(f"axis {axis} is outside the rank-{rank} input")
    if not (0 <= batch_dims <= axis and batch_dims < rank and batch_dims <= crank):
        raise ctx.malformed(f"batch_dims {batch_dims} must be in [0, axis {axis}]")
    if x.shape[:batch_dims] != coords.shape[:batch_dims]:
        raise ctx.malformed(f"batch dims of {x.shape} and indices {coords.shape} differ")
    expected = x.shape[:axis] + coords.shape[batch_dims:] + x.shape[axis + 1 :]
    if tuple(out.shape) != tuple(expected):
        raise ctx.malformed(f"output shape {out.shape} != gathered shape {expected}")
    if math.prod(out.shape) == 0 or math.prod(x.shape) == 0:
        raise ctx.unsupported("empty tensors are not supported")
    value = ctx.value(coords)
    if value is not None and (np.min(value) < 0 or np.max(value) >= x.shape[axis]):
        raise ctx.malformed(f"an index is outside [0, {x.shape[axis]}) of axis {axis}")
    params = {
        "elem_size": x.dtype.itemsize,
        "batches": math.prod(x.shape[:batch_dims]),
        "outer": math.prod(x.shape[batch_dims:axis]),
        "axis_size": x.shape[axis],
        "n_coords": math.prod(coords.shape[batch_dims:]),
        "inner": math.prod(x.shape[axis + 1 :]),
    }
    ctx.emit(
        "gather", params, {"input": ctx.ref(x), "coords": ctx.ref(coords), "output": ctx.ref(out)}
    )
