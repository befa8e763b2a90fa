"""Elementwise int8 -> int8 ops as a 256-entry lookup table (kernel lut_s8).

When an op's int8 output depends on one int8 input value only, the host evaluates the
reference's exact integer arithmetic for all 256 inputs once and the device only looks
the results up: exact by construction, and the fastest way to run it.

    emit_lut(ctx, x, out, lambda q: ...)   # q: an int8 input value, returns an int8
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..model import Tensor
from .base import OpContext

INT8_VALUES = range(-128, 128)


def lut_table(fn: Callable[[int], int]) -> np.ndarray:
    """The kernel's table: fn(q) at index q & 0xFF (the bit pattern of int8 q)."""
    table = np.zeros(256, dtype=np.int8)
    for q in INT8_VALUES:
        y = fn(q)
        if not -128 <= y <= 127:
            raise ValueError(f"table value {y} for input {q} is not an int8")
        table[q & 0xFF] = y
    return table


def emit_lut(ctx: OpContext, x: Tensor, out: Tensor, fn: Callable[[int], int]) -> None:
    """Emit out = fn(x) elementwise for int8 x and out of the same element count."""
    ctx.check_dtype(x, "int8")
    ctx.check_dtype(out, "int8")
    count = math.prod(x.shape)
    if math.prod(out.shape) != count:
        raise ctx.malformed(f"output shape {out.shape} does not match input shape {x.shape}")
    if count == 0:
        raise ctx.unsupported(f"empty tensors are not supported (input {x.shape})")
    ctx.emit(
        "lut_s8",
        {"count": count},
        [ctx.ref(x), ctx.const(lut_table(fn)), ctx.ref(out)],
        count,
    )
