"""SignalIrfft (TFLM's signal library): the inverse real FFT of KISS FFT (kiss_fftri) in the
three types TFLM registers: int16 and int32 fixed point, float32 (then divided by the FFT
length, as TFLM). The twiddles are signal_spectrum's (KISS FFT's, conjugated)."""

from __future__ import annotations

import math

from .._ffi import scratch_size
from ._signal import n_elements, read_int32, read_options
from .base import OpContext, prepares
from .signal_spectrum import (
    TYPES,
    fft_length_half,
    fft_phases,
    kiss_plan,
    kiss_twiddles,
    super_phases,
)


@prepares("SignalIrfft", types="int16, int32, float32")
def irfft(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    options = read_options(ctx, "T", "fft_length")
    ttype = read_int32(ctx, options, "T")
    if ttype not in TYPES:
        raise ctx.unsupported(f"T={ttype}: TFLM's SignalIrfft runs int16, int32 and float32")
    dtype = TYPES[ttype]
    ctx.check_dtype(x, dtype)
    ctx.check_dtype(out, dtype)
    length = read_int32(ctx, options, "fft_length")
    half = fft_length_half(ctx, length)
    if len(x.shape) < 1 or len(x.shape) != len(out.shape) or 0 in x.shape:
        raise ctx.malformed(f"input {x.shape} and output {out.shape} must have the same rank")
    frames = n_elements(x) // x.shape[-1]
    # TFLM reads H+1 bins and writes 2H samples per frame, stepping by the tensors' last
    # dims: other sizes would read or write across frames.
    if x.shape[-1] != 2 * (half + 1) or out.shape[-1] != length:
        raise ctx.malformed(
            f"input {x.shape} must end in {2 * (half + 1)} (H+1 complex bins) and output "
            f"{out.shape} in fft_length {length}"
        )
    if n_elements(out) != frames * length:
        raise ctx.malformed(f"output {out.shape} must hold {frames} frames")
    params = {"frames": frames, **kiss_plan(ctx, half)}
    kernel = {"int16": "signal_irfft_s16", "int32": "signal_irfft_s32"}.get(
        dtype, "signal_irfft_f32"
    )
    operands = {
        "input": ctx.ref(x),
        "twiddles": ctx.const(kiss_twiddles(dtype, fft_phases(half, inverse=True))),
        "super_twiddles": ctx.const(kiss_twiddles(dtype, super_phases(half, inverse=True))),
        "scratch": ctx.scratch(scratch_size(kernel, params)),
        "output": ctx.ref(out),
    }
    macs = frames * half * max(1, int(math.log2(half))) * 4
    if dtype == "int16":
        ctx.emit("signal_irfft_s16", params, operands, macs)
    elif dtype == "int32":
        ctx.emit("signal_irfft_s32", params, operands, macs)
    else:
        ctx.emit("signal_irfft_f32", params, operands, macs)
