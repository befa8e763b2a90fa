"""CIRCULAR_BUFFER (TFLM's custom op for strided streaming models), int8: the op's output is
a variable tensor holding the last `n` input frames; each invocation appends one, and the
invocation ends early (Interpreter.invoke returns False, as TFLM's invoke returns
kTfLiteAbort) until `cycles_max` frames arrived since the last completed one
(`circular_buffer_s8`).

TFLM reads `cycles_max` as the first value of its options map, and with none, or one <= 0,
guesses it from the output's shape: 1 for 5, 13 or 25 frames; for a frame of 2 x 96, 1
only if it is the fifth such guess the process has made (a static counter), else 2; 2 for
any other shape. micro takes the guesses that do not depend on that counter."""

from __future__ import annotations

from .. import flexbuffers
from ..errors import ModelError
from ._signal import read_int32
from .base import OpContext, prepares

_ONE_CYCLE_FRAMES = (5, 13, 25)  # TFLM's guess of 1 for these buffer lengths
_COUNTED_FRAME = (2, 96)  # a frame whose guess depends on TFLM's process-wide counter


def _cycles_max(ctx: OpContext) -> int:
    """cycles_max as TFLM's init reads it: 0 without options."""
    if not ctx.op.custom_options:
        return 0
    try:
        options = flexbuffers.loads_map(ctx.op.custom_options, f"{ctx.where}: custom options")
    except ModelError as exc:
        raise ctx.malformed(str(exc)) from exc
    first = min(options, default=None)
    if first != "cycles_max":
        raise ctx.malformed(
            f"custom options {sorted(options)}: TFLM reads the first value in key order as "
            "cycles_max, so the map must hold cycles_max and no key sorting before it"
        )
    return read_int32(ctx, options, "cycles_max")


@prepares("CIRCULAR_BUFFER", types="int8")
def circular_buffer(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    ctx.check_dtype(x, "int8")
    ctx.check_dtype(out, "int8")
    for what, t in (("input", x), ("output", out)):
        if len(t.shape) != 4:
            raise ctx.malformed(
                f"{what} shape {list(t.shape)} is not 4-D (TFLM reads four dimensions of each)",
                t,
            )
    batch, n_frames, height, width = out.shape
    if (x.shape[0], x.shape[1], x.shape[2], x.shape[3]) != (batch, 1, height, width):
        raise ctx.malformed(
            f"input shape {list(x.shape)} must be [{batch}, 1, {height}, {width}] "
            f"for output shape {list(out.shape)}"
        )
    if n_frames < 1:
        raise ctx.malformed(f"output shape {list(out.shape)} holds no frame (dimension 1 is 0)")
    if not out.is_variable:
        raise ctx.unsupported(
            f"output '{out.name}' is not a variable tensor: TFLM keeps the frames across "
            "invocations only in a variable tensor (elsewhere its memory plan reuses the bytes)",
            out,
        )
    cycles = _cycles_max(ctx)
    if cycles <= 0:
        if n_frames in _ONE_CYCLE_FRAMES:
            cycles = 1
        elif (height, width) == _COUNTED_FRAME:
            raise ctx.unsupported(
                f"cycles_max {cycles} with a {height} x {width} frame: TFLM then guesses the "
                "stride from a count of such guesses kept across every interpreter of the "
                "process; give cycles_max in the custom options"
            )
        else:
            cycles = 2
    # As TFLM: one frame of the first batch moves; other batches' bytes stay as they are.
    params = {"n_frames": n_frames, "frame_bytes": height * width, "cycles_max": cycles}
    operands = {"input": ctx.ref(x), "counter": ctx.state(4), "buffer": ctx.ref(out)}
    ctx.emit("circular_buffer_s8", params, operands)
