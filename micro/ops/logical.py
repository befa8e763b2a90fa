"""LOGICAL_AND, LOGICAL_OR, LOGICAL_NOT and REDUCE_ALL on bool, with existing kernels.

A bool is one byte, 0 or 1 (what every micro kernel writes and `set_input` stores), so
AND is the bytes' minimum and OR their maximum (`compare`, with TFLM's broadcasting),
NOT is equality with a constant 0, and REDUCE_ALL is a minimum over the reduced axes
(`reduce_minmax_s8`: 0 and 1 order the same as int8)."""

from __future__ import annotations

import math

import numpy as np

from ..schema import BuiltinOperator as B
from ._broadcast import binary_layout
from .base import NONE, OpContext, Operand, prepares
from .compare import KINDS, OPS
from .reduce import reduction

BOOL = KINDS["bool"]


def _emit_compare(ctx: OpContext, op: int, second: Operand, second_shape: tuple[int, ...]) -> None:
    x, out = ctx.input(0), ctx.output()
    layout = binary_layout(ctx, tuple(x.shape), second_shape, tuple(out.shape))
    params = {"broadcast": layout.fields(), "op": op, "kind": BOOL}
    operands = {"input1": ctx.ref(x), "input2": second, "tables": NONE, "output": ctx.ref(out)}
    ctx.emit("compare", params, operands, math.prod(out.shape))


@prepares(B.LOGICAL_AND, B.LOGICAL_OR, types="bool")
def prepare_and_or(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    for t in (ctx.input(0), ctx.input(1), ctx.output()):
        ctx.check_dtype(t, "bool")
    op = OPS[B.MINIMUM] if ctx.op.builtin_code == B.LOGICAL_AND else OPS[B.MAXIMUM]
    y = ctx.input(1)
    _emit_compare(ctx, op, ctx.ref(y), tuple(y.shape))


@prepares(B.LOGICAL_NOT, types="bool")
def prepare_not(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "bool")
    ctx.check_dtype(out, "bool")
    if tuple(out.shape) != tuple(x.shape):
        raise ctx.malformed(f"output shape {out.shape} != input shape {x.shape}")
    _emit_compare(ctx, OPS[B.EQUAL], ctx.const(np.zeros(1, np.uint8)), ())


@prepares(B.REDUCE_ALL, types="bool")
def prepare_all(ctx: OpContext) -> None:
    r = reduction(ctx, "bool")
    params = {"rank": r.rank, "dims": r.dims, "reduced": r.reduced, "minimum": 1}
    operands = {"input": ctx.ref(r.x), "output": ctx.ref(r.out)}
    ctx.emit("reduce_minmax_s8", params, operands, math.prod(r.x.shape))
