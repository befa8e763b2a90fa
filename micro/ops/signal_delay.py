"""SignalDelay (TFLM's signal library): int16 rows delayed by `delay_length` samples, with
the samples still owed kept as state between invocations (`signal_delay_s16`)."""

from __future__ import annotations

import math

from ._signal import read_int32, read_options
from .base import OpContext, prepares


@prepares("SignalDelay", types="int16")
def delay(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "int16")
    ctx.check_dtype(out, "int16")
    length = read_int32(ctx, read_options(ctx, "delay_length"), "delay_length")
    if length < 0:
        raise ctx.malformed(f"delay_length {length} is negative")
    if len(x.shape) < 1 or tuple(out.shape) != tuple(x.shape):
        raise ctx.malformed(f"output shape {out.shape} != input shape {x.shape}")
    if 0 in x.shape:
        raise ctx.unsupported(f"empty tensors are not supported (input {x.shape})")
    frame = x.shape[-1]
    rows = math.prod(x.shape) // frame
    params = {"rows": rows, "frame": frame, "delay": length}
    operands = {
        "input": ctx.ref(x),
        "state": ctx.state(max(2, 2 * rows * length)),  # zeros, as TFLM's first delay
        "output": ctx.ref(out),
    }
    ctx.emit("signal_delay_s16", params, operands)
