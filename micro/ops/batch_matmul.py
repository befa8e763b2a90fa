"""BATCH_MATMUL, int8, int16 and float32 (TFLM's reference): lhs [..., M, K] (or [..., K, M]
with adj_x) times rhs [..., K, N] (or [..., N, K] with adj_y), batch dims broadcast (rank
2-5).

Prepare turns adj_x/adj_y into strides and the broadcast batch dims into one (lhs, rhs)
offset pair per output matrix, so the kernel never transposes (TFLM copies a transposed rhs
into its persistent arena; micro needs no such buffer). The output multiplier is TFLM's
GetQuantizedConvolutionMultipler without bias: the two input scales multiplied in float32.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from ..model import Tensor
from ..schema import BuiltinOperator as B
from . import _rescale
from .base import OpContext, prepares

DTYPES = ("int8", "int16", "float32")
FLOAT_PARAMS = {"lhs_zp": 0, "rhs_zp": 0, "output_zp": 0, "multiplier": 0, "shift": 0}


def operand_strides(m: int, k: int, n: int, adj_x: bool, adj_y: bool) -> dict[str, int]:
    """The kernel's element strides of lhs (m x k, or k x m stored when adj_x) along its
    rows and depth, and of rhs (k x n, or n x k when adj_y) along depth and columns."""
    return {
        "lhs_stride_i": 1 if adj_x else k,
        "lhs_stride_k": m if adj_x else 1,
        "rhs_stride_k": 1 if adj_y else n,
        "rhs_stride_j": k if adj_y else 1,
    }


@prepares(B.BATCH_MATMUL, types="int8, int16, float32")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    lhs, rhs, out = ctx.input(0), ctx.input(1), ctx.output()
    ctx.check_dtype(lhs, *DTYPES)
    for t in (rhs, out):
        if t.dtype != lhs.dtype:
            raise ctx.malformed(f"tensor {t.index} is {t.dtype.name}, lhs is {lhs.dtype.name}")
    if not (2 <= len(lhs.shape) <= 5 and 2 <= len(rhs.shape) <= 5):
        raise ctx.unsupported(f"lhs {lhs.shape} and rhs {rhs.shape} must have rank 2 to 5")
    adj_x = bool(ctx.options["adj_x"])
    adj_y = bool(ctx.options["adj_y"])
    m, k = (lhs.shape[-1], lhs.shape[-2]) if adj_x else (lhs.shape[-2], lhs.shape[-1])
    k2, n = (rhs.shape[-1], rhs.shape[-2]) if adj_y else (rhs.shape[-2], rhs.shape[-1])
    if k != k2:
        raise ctx.malformed(f"lhs {lhs.shape} and rhs {rhs.shape} disagree on depth ({k}, {k2})")
    rank = max(len(lhs.shape), len(rhs.shape))
    lb = (1,) * (rank - len(lhs.shape)) + tuple(lhs.shape[:-2])
    rb = (1,) * (rank - len(rhs.shape)) + tuple(rhs.shape[:-2])
    if any(a != b and 1 not in (a, b) for a, b in zip(lb, rb, strict=True)):
        raise ctx.malformed(f"batch dims of {lhs.shape} and {rhs.shape} do not broadcast")
    batch = tuple(max(a, b) for a, b in zip(lb, rb, strict=True))
    if tuple(out.shape) != (*batch, m, n):
        raise ctx.malformed(f"output shape {out.shape} != {(*batch, m, n)}")
    if math.prod(out.shape) == 0 or k == 0:
        raise ctx.unsupported("empty tensors are not supported")

    if lhs.dtype.name == "float32":
        quant = {**FLOAT_PARAMS, "act_min": 0, "act_max": 0}
    else:
        quant = _quant_params(ctx, lhs, rhs, out)
    offsets = np.zeros((math.prod(batch), 2), dtype=np.int64)
    lstrides = _batch_strides(lb, m * k)
    rstrides = _batch_strides(rb, k * n)
    for b, index in enumerate(itertools.product(*(range(d) for d in batch))):
        offsets[b] = (
            sum(i * s for i, s in zip(index, lstrides, strict=True)),
            sum(i * s for i, s in zip(index, rstrides, strict=True)),
        )
    params = {
        "width": lhs.dtype.itemsize,
        "batches": len(offsets),
        "rows": m,
        "depth": k,
        "cols": n,
        **operand_strides(m, k, n, adj_x, adj_y),
        **quant,
    }
    operands = {
        "lhs": ctx.ref(lhs),
        "rhs": ctx.ref(rhs),
        "offsets": ctx.const(offsets.astype(np.int32)),
        "output": ctx.ref(out),
    }
    ctx.emit("batch_matmul", params, operands, len(offsets) * m * n * k)


def _quant_params(ctx: OpContext, lhs: Tensor, rhs: Tensor, out: Tensor) -> dict[str, int]:
    ls, lzp = ctx.quant(lhs)
    rs, rzp = ctx.quant(rhs)
    os_, ozp = ctx.quant(out)
    int16 = lhs.dtype.name == "int16"
    if int16 and (lzp, rzp, ozp) != (0, 0, 0):
        raise ctx.unsupported(f"int16 zero points must be 0 (TFLM), not {(lzp, rzp, ozp)}")
    real = float(np.float32(ls) * np.float32(rs)) / os_
    multiplier, shift = _rescale.multiplier(ctx, real, "lhs-times-rhs-to-output")
    if int16 and shift > 7:
        raise ctx.unsupported(f"the rescale {real:g} is too large for TFLM's int16 path")
    info = np.iinfo(lhs.dtype)
    return {
        "lhs_zp": lzp,
        "rhs_zp": rzp,
        "output_zp": ozp,
        "multiplier": multiplier,
        "shift": shift,
        "act_min": int(info.min),
        "act_max": int(info.max),
    }


def _batch_strides(dims: tuple[int, ...], matrix: int) -> list[int]:
    """Element strides of each batch dim of a row-major tensor; 0 where it broadcasts."""
    strides, step = [], matrix
    for d in reversed(dims):
        strides.append(0 if d == 1 else step)
        step *= d
    return strides[::-1]
