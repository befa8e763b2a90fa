"""CUMSUM along one constant axis (options exclusive, reverse): float32 and int8 as TFLM's
reference (`cumsum`). int8 rescales each input to twice its scale with 20 bits of
headroom (one int32 per input byte, computed here), sums in int32, and rescales each
running sum to the output."""

from __future__ import annotations

import math

import numpy as np

from ..fixedpoint import requantize
from ..model import Tensor
from ..quant import quantize_multiplier_below_one
from ..schema import BuiltinOperator as B
from .base import NONE, OpContext, prepares
from .lut import INT8_INPUTS

LEFT_SHIFT = 20  # TFLM's kCumSumIntegerShift
KINDS = {"float32": 0, "int8": 1}  # MICRO_CUMSUM_F32, MICRO_CUMSUM_S8


@prepares(B.CUMSUM, types="int8, float32")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "int8", "float32")
    ctx.check_dtype(out, x.dtype.name)
    ctx.check_dtype(ctx.input(1), "int32")
    axes = np.asarray(ctx.const_input(1, "the axis")).ravel()
    rank = len(x.shape)
    if len(axes) != 1 or rank < 1 or not -rank <= int(axes[0]) < rank:
        raise ctx.malformed(f"axis {axes.tolist()} must be one dimension of the rank-{rank} input")
    if tuple(out.shape) != tuple(x.shape):
        raise ctx.malformed(f"output shape {out.shape} != input shape {x.shape}")
    if 0 in x.shape:
        raise ctx.unsupported(f"empty tensors are not supported (input {x.shape})")
    axis = int(axes[0]) % rank
    params = {
        "kind": KINDS[x.dtype.name],
        "outer": math.prod(x.shape[:axis]),
        "depth": x.shape[axis],
        "inner": math.prod(x.shape[axis + 1 :]),
        "exclusive": int(bool(ctx.options["exclusive"])),
        "reverse": int(bool(ctx.options["reverse"])),
        "multiplier": 0,
        "shift": 0,
        "output_zp": 0,
    }
    terms = NONE
    if x.dtype.name == "int8":
        table, params["multiplier"], params["shift"], params["output_zp"] = int8_terms(ctx, x, out)
        terms = ctx.const(table)
    count = math.prod(x.shape)
    ctx.emit("cumsum", params, {"input": ctx.ref(x), "terms": terms, "output": ctx.ref(out)}, count)


def int8_terms(ctx: OpContext, x: Tensor, out: Tensor) -> tuple[np.ndarray, int, int, int]:
    """(terms by input byte, output multiplier, shift, zero point) of TFLM's int8 CUMSUM and
    ADD_N: the input rescaled to twice its scale after a left shift by 20, and the
    rescale of a sum of terms to the output."""
    (s_in, zp_in), (s_out, zp_out) = ctx.quant(x), ctx.quant(out)
    twice = 2.0 * float(np.float32(s_in))
    in_mult, in_shift = quantize_multiplier_below_one(float(np.float32(s_in)) / twice)
    real_out = twice / ((1 << LEFT_SHIFT) * float(np.float32(s_out)))
    try:
        multiplier, shift = quantize_multiplier_below_one(real_out)
    except ValueError:
        raise ctx.unsupported(
            f"input/output scale ratio {s_in / s_out:g} is 2^19 or more (TFLM aborts)"
        ) from None
    values = requantize((INT8_INPUTS - zp_in) << LEFT_SHIFT, in_mult, in_shift)
    return values.astype(np.int32), multiplier, shift, zp_out
