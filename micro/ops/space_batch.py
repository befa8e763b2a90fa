"""SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND (float32, int8; 3-D NHC or 4-D NHWC) with
constant block shape and paddings/crops, as TFLM's reference kernels.

BATCH_TO_SPACE_ND is a pure gather: output (b, y, x) reads input batch
((y + crop_top) % bh * bw + (x + crop_left) % bw) * batches + b at row (y + crop_top) // bh
and column (x + crop_left) // bw, each term a function of one output coordinate: one
`index_copy`. SPACE_TO_BATCH_ND also writes padding (`space_to_batch`): real zero, i.e.
the output zero point for int8, as LiteRT (TFLM means to, but leaves its pad value unset
and pads with whatever its buffer held)."""

from __future__ import annotations

import math

import numpy as np

from ..model import Tensor
from ..schema import BuiltinOperator as B
from ._copy import check_types, int_values
from ._index import emit_index_copy
from .base import OpContext, prepares

DTYPES = ("float32", "int8")  # TFLM's evals


def _io(ctx: OpContext, what: str) -> tuple[Tensor, Tensor, list[int], list[int], list[int]]:
    """x, out, NHWC input dims, block (h, w) and (top, bottom, left, right) of `what`."""
    ctx.check_io_count((3,))
    x, out = ctx.input(0), ctx.output()
    check_types(ctx, [x, out], DTYPES)
    rank = len(x.shape)
    if rank not in (3, 4) or len(out.shape) != rank:
        raise ctx.unsupported(f"input and output must be 3-D or 4-D, not {x.shape} -> {out.shape}")
    spatial = rank - 2
    block = int_values(ctx, 1, "block_shape")
    edges = int_values(ctx, 2, what)
    if len(block) != spatial or tuple(ctx.input(2).shape) != (spatial, 2):
        raise ctx.malformed(
            f"block_shape {block} and {what} {ctx.input(2).shape} must cover the {spatial} "
            "spatial dimensions"
        )
    if min(block) < 1 or min(edges) < 0:
        raise ctx.malformed(f"block_shape {block} must be positive and {what} {edges} >= 0")
    if math.prod(x.shape) == 0 or math.prod(out.shape) == 0:
        raise ctx.unsupported("empty tensors are not supported")
    dims = list(x.shape) if rank == 4 else [x.shape[0], x.shape[1], 1, x.shape[2]]
    if spatial == 1:
        block, edges = [block[0], 1], [*edges, 0, 0]
    return x, out, dims, block, edges


def _check_shape(ctx: OpContext, out: Tensor, expected: list[int]) -> None:
    shape = expected if len(out.shape) == 4 else [expected[0], expected[1], expected[3]]
    if list(out.shape) != shape:
        raise ctx.malformed(f"output shape {list(out.shape)} != expected {shape}")


@prepares(B.SPACE_TO_BATCH_ND, types="int8, float32")
def prepare_space_to_batch(ctx: OpContext) -> None:
    x, out, (n, h, w, c), (bh, bw), (top, bottom, left, right) = _io(ctx, "paddings")
    if (h + top + bottom) % bh or (w + left + right) % bw:
        raise ctx.malformed(
            f"padded size {(h + top + bottom, w + left + right)} is not a multiple of the "
            f"block shape {(bh, bw)}"
        )
    out_h, out_w = (h + top + bottom) // bh, (w + left + right) // bw
    _check_shape(ctx, out, [n * bh * bw, out_h, out_w, c])
    params = {
        "elem_size": x.dtype.itemsize,
        "batches": n,
        "in_h": h,
        "in_w": w,
        "depth": c,
        "out_h": out_h,
        "out_w": out_w,
        "block_h": bh,
        "block_w": bw,
        "pad_top": top,
        "pad_left": left,
        "pad_byte": ctx.quant(out)[1] & 0xFF if out.dtype.name == "int8" else 0,
    }
    ctx.emit("space_to_batch", params, {"input": ctx.ref(x), "output": ctx.ref(out)})


@prepares(B.BATCH_TO_SPACE_ND, types="int8, float32")
def prepare_batch_to_space(ctx: OpContext) -> None:
    x, out, (n, h, w, c), (bh, bw), (top, bottom, left, right) = _io(ctx, "crops")
    if n % (bh * bw):
        raise ctx.malformed(f"batch {n} is not a multiple of the block size {bh * bw}")
    batches = n // (bh * bw)
    out_h, out_w = h * bh - top - bottom, w * bw - left - right
    _check_shape(ctx, out, [batches, out_h, out_w, c])
    image = h * w * c
    ys, sh = np.divmod(np.arange(out_h) + top, bh)
    xs, sw = np.divmod(np.arange(out_w) + left, bw)
    tables = [
        np.arange(batches) * image,
        ys * w * c + sh * bw * batches * image,
        xs * c + sw * batches * image,
    ]
    emit_index_copy(ctx, ctx.ref(x), ctx.ref(out), x.dtype.itemsize, tables, c)
