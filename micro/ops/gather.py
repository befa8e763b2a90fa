"""GATHER (float32, int8; int32 indices), as TFLM: axis and batch_dims may be negative;
EMBEDDING_LOOKUP (a gather of rows; int8 rows to float32 from a table dequantized here);
GATHER_ND (`gather_nd`). Constant indices are checked here; indices computed at run time
are checked by the kernels, which stop with an error instead of reading outside the input."""

from __future__ import annotations

import math

import numpy as np

from ..model import Tensor
from ..schema import BuiltinOperator as B
from ._copy import check_types, row_major_strides
from .base import OpContext, Operand, prepares

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
    _emit_gather(ctx, params, ctx.ref(x), coords, out)


def _emit_gather(
    ctx: OpContext, params: dict[str, int], source: Operand, coords: Tensor, out: Tensor
) -> None:
    operands = {"input": source, "coords": ctx.ref(coords), "output": ctx.ref(out)}
    ctx.emit("gather", params, operands)


@prepares(B.EMBEDDING_LOOKUP, types="int8, float32; int8 -> float32 (constant table)")
def prepare_embedding_lookup(ctx: OpContext) -> None:
    """Rows of `value` picked by `lookup`. int8 rows to a float32 output are TFLM's hybrid
    lookup, (q - 0) * scale in float: here the whole constant table is dequantized once."""
    ctx.check_io_count((2,))
    lookup, value, out = ctx.input(0), ctx.input(1), ctx.output()
    ctx.check_dtype(lookup, "int32")
    ctx.check_dtype(value, "float32", "int8")
    ctx.check_dtype(out, *(("float32",) if value.dtype.name == "float32" else ("int8", "float32")))
    if len(lookup.shape) != 1 or len(value.shape) < 2:
        raise ctx.malformed(
            f"lookup {lookup.shape} must be 1-D and value {value.shape} 2-D or more"
        )
    rows, columns = value.shape[0], math.prod(value.shape[1:])
    expected = (lookup.shape[0], *value.shape[1:])
    if math.prod(out.shape) != math.prod(expected):
        raise ctx.malformed(f"output shape {out.shape} != looked-up shape {expected}")
    if math.prod(expected) == 0 or rows == 0:
        raise ctx.unsupported("empty tensors are not supported")
    indices = ctx.value(lookup)
    if indices is not None and (np.min(indices) < 0 or np.max(indices) >= rows):
        raise ctx.malformed(f"a lookup index is outside [0, {rows})")
    source = ctx.ref(value)
    if value.dtype != out.dtype:
        table = ctx.value(value)
        if table is None:
            raise ctx.unsupported("int8 rows looked up into float32 need a constant table")
        scale, zero_point = ctx.quant(value)
        if zero_point != 0:
            raise ctx.unsupported(f"the table's zero point must be 0 (TFLM), not {zero_point}")
        source = ctx.const(table.astype(np.float32) * np.float32(scale))
    params = {
        "elem_size": out.dtype.itemsize,
        "batches": 1,
        "outer": 1,
        "axis_size": rows,
        "n_coords": lookup.shape[0],
        "inner": columns,
    }
    _emit_gather(ctx, params, source, lookup, out)


GATHER_ND_MAX_DEPTH = 5  # MICRO_GATHER_ND_MAX_DEPTH, TFLM's MAX_INDICES_ND


@prepares(B.GATHER_ND, types="int8, float32 (int32 indices)")
def prepare_gather_nd(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    x, indices, out = ctx.input(0), ctx.input(1), ctx.output()
    check_types(ctx, [x, out], DTYPES)
    ctx.check_dtype(indices, "int32")
    if len(x.shape) < 1 or len(indices.shape) < 1:
        raise ctx.malformed(f"params {x.shape} and indices {indices.shape} must be 1-D or more")
    depth = indices.shape[-1]
    if not 1 <= depth <= min(len(x.shape), GATHER_ND_MAX_DEPTH):
        raise ctx.unsupported(
            f"index depth {depth} must be in [1, {min(len(x.shape), GATHER_ND_MAX_DEPTH)}] "
            f"for params {x.shape}"
        )
    expected = (*indices.shape[:-1], *x.shape[depth:])
    if tuple(out.shape) != expected:
        raise ctx.malformed(f"output shape {out.shape} != gathered shape {expected}")
    if math.prod(out.shape) == 0 or math.prod(x.shape) == 0:
        raise ctx.unsupported("empty tensors are not supported")
    strides = row_major_strides(x.shape)[:depth]
    slice_size, count = math.prod(x.shape[depth:]), math.prod(x.shape)
    value = ctx.value(indices)
    if value is not None:
        starts = value.reshape(-1, depth).astype(np.int64) @ np.array(strides, np.int64)
        if starts.min() < 0 or starts.max() + slice_size > count:
            raise ctx.malformed("an index tuple reaches outside the params (TFLM stops there)")
    params = {
        "elem_size": x.dtype.itemsize,
        "n_slices": math.prod(indices.shape[:-1]),
        "index_depth": depth,
        "slice_size": slice_size,
        "params_count": count,
        "strides": strides + [0] * (GATHER_ND_MAX_DEPTH - depth),
    }
    operands = {"params": ctx.ref(x), "indices": ctx.ref(indices), "output": ctx.ref(out)}
    ctx.emit("gather_nd", params, operands)
