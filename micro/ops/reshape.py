"""RESHAPE, SQUEEZE, EXPAND_DIMS: no step at all. The output is the input's bytes under
another shape, so it shares the input's arena buffer (or constant data).

As in TFLM, the output shape is the output tensor's own (the converter sizes it): RESHAPE's
shape input and `new_shape` option are not needed, SQUEEZE's and EXPAND_DIMS's axes are
checked against it.
"""

from __future__ import annotations

import math

from ..model import Tensor
from ..schema import BuiltinOperator as B
from ._copy import MOVABLE_DTYPES, check_types, int_values
from .base import OpContext, prepares


def _alias(ctx: OpContext, x: Tensor, out: Tensor) -> None:
    check_types(ctx, [x, out], MOVABLE_DTYPES)
    if x.quant != out.quant and not (_unquantized(x) and _unquantized(out)):
        raise ctx.unsupported(
            f"input {x.index} and output {out.index} are quantized differently; a reshape "
            "that rescales is not supported"
        )
    if math.prod(x.shape) != math.prod(out.shape):
        raise ctx.malformed(
            f"output shape {list(out.shape)} has {math.prod(out.shape)} elements, input shape "
            f"{list(x.shape)} has {math.prod(x.shape)}"
        )
    ctx.alias(out, x)


def _unquantized(t: Tensor) -> bool:
    return t.quant is None or len(t.quant.scale) == 0


@prepares(B.RESHAPE, types="any")
def prepare_reshape(ctx: OpContext) -> None:
    ctx.check_io_count((1, 2))
    _alias(ctx, ctx.input(0), ctx.output())


@prepares(B.SQUEEZE, types="any")
def prepare_squeeze(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    rank = len(x.shape)
    axes = [int(a) for a in ctx.options["squeeze_dims"]]
    if not axes:
        squeezed = {k for k in range(rank) if x.shape[k] == 1}
    else:
        squeezed = set()
        for a in axes:
            k = a + rank if a < 0 else a
            if not 0 <= k < rank or x.shape[k] != 1:
                raise ctx.malformed(
                    f"squeeze_dims {axes}: axis {a} is not a dimension of size 1 of "
                    f"input shape {list(x.shape)}"
                )
            squeezed.add(k)
    expected = [x.shape[k] for k in range(rank) if k not in squeezed]
    if list(out.shape) != expected:
        raise ctx.malformed(f"output shape {list(out.shape)} != squeezed shape {expected}")
    _alias(ctx, x, out)


@prepares(B.EXPAND_DIMS, types="any")
def prepare_expand_dims(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    x, out = ctx.input(0), ctx.output()
    values = int_values(ctx, 1, "axis")
    if len(values) != 1 or len(ctx.input(1).shape) > 1:
        raise ctx.malformed(f"axis must hold one value, got {values}")
    rank = len(x.shape)
    axis = values[0] + rank + 1 if values[0] < 0 else values[0]
    if not 0 <= axis <= rank:
        raise ctx.malformed(f"axis {values[0]} out of range for input rank {rank}")
    expected = [*x.shape[:axis], 1, *x.shape[axis:]]
    if list(out.shape) != expected:
        raise ctx.malformed(f"output shape {list(out.shape)} != expanded shape {expected}")
    _alias(ctx, x, out)
