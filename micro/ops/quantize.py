"""QUANTIZE and DEQUANTIZE (TFLM's quantize_common / dequantize_common).

QUANTIZE float32 -> int8/int16 is float32 math in the kernel (x / scale, roundf).
Requantizing 8-bit -> 8-bit (int8/uint8 combinations TFLM supports) is a 256-entry table;
the other integer pairs (int16 or int32 on a side) run requantize_int. The multiplier is
input_scale / output_scale in double. DEQUANTIZE int8/uint8/int16 -> float32 is one float
multiply per element.
"""

from __future__ import annotations

import math

import numpy as np

from .._ffi import lib
from ..fixedpoint import requantize
from ..model import Tensor
from ..schema import BuiltinOperator as B
from . import _rescale
from .base import OpContext, prepares
from .lut import byte_values, emit_table

# (input dtype, output dtype) pairs TFLM requantizes between; 8-bit pairs are tables.
_TABLE_PAIRS = {("int8", "int8"), ("int8", "uint8"), ("uint8", "int8")}
_WIDE_PAIRS = {
    ("int16", "int8"),
    ("int8", "int16"),
    ("int16", "int16"),
    ("int8", "int32"),
    ("int16", "int32"),
    ("int32", "int8"),
    ("int32", "int16"),
}
_DEQUANTIZE_TYPES = {
    "int8": int(lib.MICRO_DEQUANTIZE_S8),
    "uint8": int(lib.MICRO_DEQUANTIZE_U8),
    "int16": int(lib.MICRO_DEQUANTIZE_S16),
}


@prepares(
    B.QUANTIZE,
    types="float32 -> int8/int16, int8 -> int8/uint8/int16/int32, uint8 -> int8, int16 -> int8, "
    "int16 -> int16/int32, int32 -> int8/int16",
)
def prepare_quantize(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    count = _same_count(ctx, x, out)
    s_out, zp_out = ctx.quant(out)
    pair = (x.dtype.name, out.dtype.name)
    if x.dtype.name == "float32" and out.dtype.name in ("int8", "int16"):
        params = {
            "count": count,
            "output_bits": out.dtype.itemsize * 8,
            "output_zp": zp_out,
            "scale": s_out,
        }
        ctx.emit("quantize_f32", params, {"input": ctx.ref(x), "output": ctx.ref(out)})
        return
    if pair not in _TABLE_PAIRS | _WIDE_PAIRS:
        raise ctx.unsupported(
            f"QUANTIZE from {pair[0]} to {pair[1]} is not supported; supported: float32 to "
            "int8/int16, int8 to int8/uint8/int16/int32, uint8 to int8, int16 to "
            "int8/int16/int32, int32 to int8/int16"
        )
    s_in, zp_in = ctx.quant(x)
    real = s_in / s_out
    multiplier, shift = _rescale.multiplier(ctx, real, "input-to-output")
    if pair in _TABLE_PAIRS:
        values = requantize(byte_values(x) - zp_in, multiplier, shift) + zp_out
        info = np.iinfo(out.dtype)
        emit_table(ctx, x, out, np.clip(values, int(info.min), int(info.max)))
        return
    params = {
        "count": count,
        "input_bits": x.dtype.itemsize * 8,
        "output_bits": out.dtype.itemsize * 8,
        "input_zp": zp_in,
        "output_zp": zp_out,
        "multiplier": multiplier,
        "shift": shift,
    }
    ctx.emit("requantize_int", params, {"input": ctx.ref(x), "output": ctx.ref(out)})


@prepares(B.DEQUANTIZE, types="int8, uint8, int16 -> float32")
def prepare_dequantize(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, *_DEQUANTIZE_TYPES)
    ctx.check_dtype(out, "float32")
    count = _same_count(ctx, x, out)
    scale, zp = ctx.quant(x)
    params = {
        "count": count,
        "input_type": _DEQUANTIZE_TYPES[x.dtype.name],
        "input_zp": zp,
        "scale": scale,
    }
    ctx.emit("dequantize_f32", params, {"input": ctx.ref(x), "output": ctx.ref(out)})


def _same_count(ctx: OpContext, x: Tensor, out: Tensor) -> int:
    count = math.prod(x.shape)
    if count != math.prod(out.shape):
        raise ctx.malformed(f"output shape {out.shape} does not match input shape {x.shape}")
    if count == 0:
        raise ctx.unsupported("tensors with no elements are not supported")
    return count
