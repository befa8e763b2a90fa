"""ADD_N: the sum of 2 to 8 same-shaped tensors, float32 and int8 as TFLM's reference
(`add_n`). int8 shares CUMSUM's arithmetic: each input rescaled to twice its scale with 20
bits of headroom (one int32 per input byte), summed in int32, rescaled to the output."""

from __future__ import annotations

import math

from .._ffi import lib
from ..schema import BuiltinOperator as B
from .base import NONE, OpContext, prepares
from .cumsum import int8_terms

MAX_INPUTS = int(lib.MICRO_ADD_N_MAX_INPUTS)
KINDS = {"float32": 0, "int8": 1}  # MICRO_ADD_N_F32, MICRO_ADD_N_S8


@prepares(B.ADD_N, types="int8, float32")
def prepare(ctx: OpContext) -> None:
    n = ctx.n_inputs
    if n < 2:
        raise ctx.malformed(f"has {n} inputs; ADD_N takes 2 or more")
    if n > MAX_INPUTS:
        raise ctx.unsupported(f"{n} inputs; at most {MAX_INPUTS} are supported")
    ctx.check_io_count((n,))
    inputs, out = [ctx.input(j) for j in range(n)], ctx.output()
    first = inputs[0]
    ctx.check_dtype(first, "int8", "float32")
    for t in (*inputs[1:], out):
        if t.dtype != first.dtype or tuple(t.shape) != tuple(first.shape):
            raise ctx.malformed(
                f"tensor {t.index} is {t.dtype.name} {t.shape}, input 0 is "
                f"{first.dtype.name} {first.shape}"
            )
    count = math.prod(first.shape)
    if count == 0:
        raise ctx.unsupported(f"empty tensors are not supported (input {first.shape})")
    params = {"kind": KINDS[first.dtype.name], "count": count, "n_inputs": n}
    params |= {"multiplier": 0, "shift": 0, "output_zp": 0}
    terms = NONE
    if first.dtype.name == "int8":
        q = ctx.quant(first)
        for t in inputs[1:]:
            if ctx.quant(t) != q:
                raise ctx.unsupported(
                    f"input {t.index} is quantized {ctx.quant(t)}, input 0 {q}: TFLM needs one "
                    "quantization for all inputs"
                )
        table, multiplier, shift, out_zp = int8_terms(ctx, first, out)
        params |= {"multiplier": multiplier, "shift": shift, "output_zp": out_zp}
        terms = ctx.const(table)
    operands = {f"input{j}": ctx.ref(inputs[j]) if j < n else NONE for j in range(MAX_INPUTS)}
    operands |= {"terms": terms, "output": ctx.ref(out)}
    ctx.emit("add_n", params, operands, count * (n - 1))
