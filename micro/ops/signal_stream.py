"""The signal library's streaming operators, which keep state across invocations (as TFLM's
persistent buffers, zeros after init and reset): SignalFramer and SignalStacker (with an
output saying whether a frame is ready) and SignalOverlapAdd.

Where TFLM leaves a not-ready output unwritten (its bytes are whatever the arena held),
micro writes zeros. Options are refused where TFLM would index outside its buffers."""

from __future__ import annotations

from ._signal import check_rank, n_elements, read_int32, read_options
from .base import OpContext, prepares

INT16, FLOAT32 = 7, 0  # TensorType codes of the "T" option


def _rows(ctx: OpContext, shape: tuple[int, ...], inner: int) -> int:
    if 0 in shape:
        raise ctx.unsupported(f"empty tensors are not supported (input {list(shape)})")
    return n_elements(ctx.input(0)) // inner


@prepares("SignalFramer", types="int16 (bool ready)")
def framer(ctx: OpContext) -> None:
    ctx.check_io_count((1,), 2)
    x, out, valid = ctx.input(0), ctx.output(0), ctx.output(1)
    ctx.check_dtype(x, "int16")
    ctx.check_dtype(out, "int16")
    ctx.check_dtype(valid, "bool")
    options = read_options(ctx, "frame_size", "frame_step", "prefill")
    size = read_int32(ctx, options, "frame_size")
    step = read_int32(ctx, options, "frame_step")
    prefill = bool(read_int32(ctx, options, "prefill"))
    if len(x.shape) < 1 or len(out.shape) != len(x.shape) + 1 or valid.shape != ():
        raise ctx.malformed(
            f"input {list(x.shape)}, output {list(out.shape)} (one more dim) and ready "
            f"{list(valid.shape)} (a scalar) do not fit"
        )
    if not (1 <= size <= 1 << 24 and 1 <= step <= 1 << 24):
        raise ctx.malformed(f"frame_size {size} and frame_step {step} must be in [1, 2^24]")
    if prefill and step > size:
        raise ctx.unsupported(f"prefill with frame_step {step} > frame_size {size}")
    inner = x.shape[-1]
    if inner < step or inner % step:
        raise ctx.malformed(f"the input's last dim {inner} is not a multiple of frame_step {step}")
    rows, n_frames = _rows(ctx, x.shape, inner), inner // step
    if n_elements(out) != rows * n_frames * size:
        raise ctx.malformed(
            f"output {list(out.shape)} must hold {rows * n_frames} frames of {size}"
        )
    params = {
        "rows": rows,
        "n_frames": n_frames,
        "frame_size": size,
        "frame_step": step,
        "capacity": -(-size // step) * step,
        "base": size - step if prefill else 0,
    }
    state = rows * (4 + 2 * params["capacity"])
    operands = {
        "input": ctx.ref(x),
        "state": ctx.state(state),
        "output": ctx.ref(out),
        "valid": ctx.ref(valid),
    }
    ctx.emit("signal_framer_s16", params, operands)


@prepares("SignalStacker", types="int16 (bool ready)")
def stacker(ctx: OpContext) -> None:
    ctx.check_io_count((1,), 2)
    x, out, valid = ctx.input(0), ctx.output(0), ctx.output(1)
    ctx.check_dtype(x, "int16")
    ctx.check_dtype(out, "int16")
    ctx.check_dtype(valid, "bool")
    check_rank(ctx, x, 1, "the input")
    check_rank(ctx, out, 1, "the output")
    check_rank(ctx, valid, 0, "the ready output")
    keys = ("num_channels", "stacker_left_context", "stacker_right_context", "stacker_step")
    options = read_options(ctx, *keys)
    channels, left, right, step = (read_int32(ctx, options, k) for k in keys)
    if channels < 1 or left < 0 or right < 0 or not 1 <= step <= left + right + 1:
        raise ctx.malformed(
            f"num_channels {channels} must be >= 1, the contexts {left} and {right} >= 0 and "
            f"stacker_step {step} in [1, {left + right + 1}]"
        )
    window = channels * (left + right + 1)
    if x.shape[0] != channels or out.shape[0] != window or window > 1 << 30:
        raise ctx.malformed(
            f"input {list(x.shape)} must be [{channels}] and output {list(out.shape)} [{window}]"
        )
    params = {"channels": channels, "left": left, "window": window, "drop": channels * step}
    operands = {
        "input": ctx.ref(x),
        "state": ctx.state(8 + 2 * window),
        "output": ctx.ref(out),
        "valid": ctx.ref(valid),
    }
    ctx.emit("signal_stacker_s16", params, operands)


@prepares("SignalOverlapAdd", types="int16, float32")
def overlap_add(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    options = read_options(ctx, "T", "frame_step")
    ttype = read_int32(ctx, options, "T")
    if ttype not in (INT16, FLOAT32):
        raise ctx.unsupported(f"T={ttype}: TFLM's SignalOverlapAdd runs int16 and float32")
    dtype = "int16" if ttype == INT16 else "float32"
    ctx.check_dtype(x, dtype)
    ctx.check_dtype(out, dtype)
    if len(x.shape) < 2 or len(out.shape) != len(x.shape) - 1:
        raise ctx.malformed(f"input {list(x.shape)} must be [..., frames, frame_size] and the "
                            f"output {list(out.shape)} one dim less")  # fmt: skip
    n_frames, size = x.shape[-2], x.shape[-1]
    step = read_int32(ctx, options, "frame_step")
    if not 1 <= step <= size:
        raise ctx.malformed(f"frame_step {step} must be in [1, frame_size {size}]")
    rows = _rows(ctx, x.shape, n_frames * size)
    if n_elements(out) != rows * n_frames * step:
        raise ctx.malformed(f"output {list(out.shape)} must hold {rows * n_frames * step} "
                            "samples")  # fmt: skip
    params = {"rows": rows, "n_frames": n_frames, "frame_size": size, "frame_step": step}
    width = 2 if dtype == "int16" else 4
    operands = {
        "input": ctx.ref(x),
        "state": ctx.state(rows * size * width),
        "output": ctx.ref(out),
    }
    if dtype == "int16":
        ctx.emit("signal_overlap_add_s16", params, operands)
    else:
        ctx.emit("signal_overlap_add_f32", params, operands)
