"""Elementwise 8-bit ops as a 256-entry lookup table (kernel lut_s8).

When an op's 8-bit output depends on one 8-bit input value only, the host evaluates the
reference's exact integer arithmetic for all 256 inputs once and the device only looks
the results up: exact by construction, and the fastest way to run it.

    emit_lut(ctx, x, out, lambda q: ...)   # q: an int8 input value, returns an int8
    emit_table(ctx, x, out, f(byte_values(x)))   # vectorised; int8 or uint8 on either side

The kernel moves bytes, so uint8 tensors (QUANTIZE between int8 and uint8) use it as well.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from ..model import Tensor
from .base import OpContext

INT8_VALUES = range(-128, 128)

# The 8-bit input values in table order (entry k is the value whose byte is k), as int64.
INT8_INPUTS = np.arange(256, dtype=np.uint8).view(np.int8).astype(np.int64)
UINT8_INPUTS = np.arange(256, dtype=np.int64)


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
    emit_table(ctx, x, out, lut_table(fn))


def byte_values(tensor: Tensor) -> np.ndarray:
    """All 256 values of an int8 or uint8 tensor, in table order (as int64)."""
    return UINT8_INPUTS if tensor.dtype == np.uint8 else INT8_INPUTS


def emit_table(ctx: OpContext, x: Tensor, out: Tensor, values: np.ndarray) -> None:
    """Emit out = values[byte of x] for 8-bit x and out (int8 or uint8) of the same element
    count; `values` are the 256 outputs in table order (see byte_values), in out's range."""
    ctx.check_dtype(x, "int8", "uint8")
    ctx.check_dtype(out, "int8", "uint8")
    count = math.prod(x.shape)
    if math.prod(out.shape) != count:
        raise ctx.malformed(f"output shape {out.shape} does not match input shape {x.shape}")
    if count == 0:
        raise ctx.unsupported(f"empty tensors are not supported (input {x.shape})")
    info = np.iinfo(out.dtype)
    values = np.asarray(values, dtype=np.int64)
    if values.shape != (256,) or values.min() < info.min or values.max() > info.max:
        raise ValueError(f"a lut_s8 table needs 256 values in the range of {out.dtype}")
    table = values.astype(out.dtype).tobytes()
    ctx.emit(
        "lut_s8",
        {"count": count},
        {"input": ctx.ref(x), "table": ctx.const(table), "output": ctx.ref(out)},
        count,
    )
