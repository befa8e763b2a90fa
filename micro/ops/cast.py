"""CAST between int8, int16, int32, uint32, float32 (and from bool), as TFLM's cast.cc."""

from __future__ import annotations

import math

from .._ffi import lib
from ..schema import BuiltinOperator as B
from .base import OpContext, prepares

_TYPES = {
    t: int(getattr(lib, f"MICRO_CAST_{t.upper()}"))
    for t in ("int8", "int16", "int32", "uint32", "float32", "bool")
}


@prepares(B.CAST, types="int8, int16, int32, uint32, float32, bool (from)")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, *_TYPES)
    ctx.check_dtype(out, *(t for t in _TYPES if t != "bool"))
    count = math.prod(x.shape)
    if count != math.prod(out.shape):
        raise ctx.malformed(f"input {x.shape} and output {out.shape} sizes differ")
    if count == 0:
        raise ctx.unsupported("tensors with no elements are not supported")
    params = {"count": count, "from": _TYPES[x.dtype.name], "to": _TYPES[out.dtype.name]}
    ctx.emit("cast", params, {"input": ctx.ref(x), "output": ctx.ref(out)})
