"""int32 elementwise binary ops (unquantized), a helper of the op modules: the int32 case
of ADD, SUB, MUL (add.py, mul.py) and DIV (div.py) through `prepare_int32`. TFLM's
reference semantics: wrap-around arithmetic, C division, then the fused activation's clamp
(CalculateActivationRange). Broadcasting: equal shapes, or one input with a single element.

FLOOR_DIV and FLOOR_MOD (elementwise.py) through `prepare_floor_int32`: TFLM runs them on
float32 only, so int32 (what the converter emits for `i // 2`, `i % 2`) follows TFLite's
reference kernels, with full broadcasting (floor_div_mod_s32)."""

from __future__ import annotations

import math

import numpy as np

from .._ffi import lib
from ..fixedpoint import INT32_MAX, INT32_MIN
from ..model import Tensor
from ..quant import activation_range_float
from ._broadcast import binary_layout
from .base import OpContext

OPS = {
    "add": int(lib.MICRO_BINARY_ADD),
    "sub": int(lib.MICRO_BINARY_SUB),
    "mul": int(lib.MICRO_BINARY_MUL),
    "div": int(lib.MICRO_BINARY_DIV),
    "minimum": int(lib.MICRO_BINARY_MIN),
    "maximum": int(lib.MICRO_BINARY_MAX),
}


def activation_range_int32(activation: int) -> tuple[int, int]:
    lo, hi = activation_range_float(activation)
    return max(INT32_MIN, int(lo)) if lo > -math.inf else INT32_MIN, (
        min(INT32_MAX, int(hi)) if hi < math.inf else INT32_MAX
    )


def prepare_int32(ctx: OpContext, operation: str) -> None:
    """An int32 ADD, SUB, MUL, DIV, MINIMUM or MAXIMUM."""
    x1, x2, out = _plain_int32_io(ctx)
    n1, n2, n = math.prod(x1.shape), math.prod(x2.shape), math.prod(out.shape)
    if n == 0:
        raise ctx.unsupported("tensors with no elements are not supported")
    if (
        not (n1 in (1, n) and n2 in (1, n))
        or (n1 == n and x1.shape != out.shape and n1 > 1)
        or (n2 == n and x2.shape != out.shape and n2 > 1)
    ):
        raise ctx.unsupported(
            f"broadcasting {x1.shape} with {x2.shape} to {out.shape}: only equal shapes or a "
            "single-element input are supported for int32"
        )
    if operation == "div":
        _refuse_constant_zero(ctx, x2)
    if operation in ("minimum", "maximum"):
        activation = 0  # their options table has no fused activation
    elif operation == "add":
        activation = 0  # TFLM's int32 ADD ignores its fused activation (SUB and MUL apply it)
    else:
        activation = ctx.options["fused_activation_function"]
    act_min, act_max = activation_range_int32(activation)
    params = {
        "op": OPS[operation],
        "count": n,
        "stride1": int(n1 == n and n > 1),
        "stride2": int(n2 == n and n > 1),
        "act_min": act_min,
        "act_max": act_max,
    }
    ctx.emit(
        "binary_s32",
        params,
        {"input1": ctx.ref(x1), "input2": ctx.ref(x2), "output": ctx.ref(out)},
        n,
    )


FLOOR_OPS = {"floor_div": int(lib.MICRO_FLOOR_DIV_S32), "floor_mod": int(lib.MICRO_FLOOR_MOD_S32)}


def prepare_floor_int32(ctx: OpContext, operation: str) -> None:
    """An int32 FLOOR_DIV or FLOOR_MOD (no fused activation in their options)."""
    x1, x2, out = _plain_int32_io(ctx)
    layout = binary_layout(ctx, x1.shape, x2.shape, out.shape)
    _refuse_constant_zero(ctx, x2)
    ctx.emit(
        "floor_div_mod_s32",
        {"broadcast": layout.fields(), "op": FLOOR_OPS[operation]},
        {"input1": ctx.ref(x1), "input2": ctx.ref(x2), "output": ctx.ref(out)},
        math.prod(layout.dims),
    )


def _plain_int32_io(ctx: OpContext) -> tuple[Tensor, Tensor, Tensor]:
    """Two int32 inputs and an int32 output, none quantized."""
    ctx.check_io_count((2,))
    x1, x2, out = ctx.input(0), ctx.input(1), ctx.output()
    for t in (x1, x2, out):
        ctx.check_dtype(t, "int32")
        if t.quant is not None and len(t.quant.scale) > 0:
            raise ctx.unsupported(
                f"tensor {t.index} ('{t.name}'): quantized int32 is not supported"
            )
    return x1, x2, out


def _refuse_constant_zero(ctx: OpContext, divisor: Tensor) -> None:
    """A constant divisor holding 0 fails every invoke: refused when the model is loaded."""
    value = ctx.value(divisor)
    if value is not None and (value == 0).any():
        at = int(np.flatnonzero(np.asarray(value).reshape(-1) == 0)[0])
        raise ctx.malformed(
            f"division by zero: the divisor, input 1 ('{divisor.name}'), is a constant "
            f"holding 0 at element {at}",
            divisor,
        )
