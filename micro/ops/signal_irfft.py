"""SignalIrfft (TFLM's signal library): the inverse real FFT of KISS FFT (kiss_fftri), int16
(`signal_irfft_s16`). The int32 and float32 variants TFLM also registers are refused."""

from __future__ import annotations

import math

from .._ffi import scratch_size
from ._signal import n_elements, read_int32, read_options
from .base import OpContext, prepares
from .signal_spectrum import RFFT_MAX_STAGES, kiss_factors, rfft_super_twiddles, rfft_twiddles

INT16 = 7  # TensorType code of the "T" option


@prepares("SignalIrfft", types="int16")
def irfft(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    options = read_options(ctx, "T", "fft_length")
    ttype = read_int32(ctx, options, "T")
    if ttype != INT16:
        raise ctx.unsupported(
            f"only the int16 IRFFT is supported (T={ttype}); TFLM's int32 and float32 "
            "variants are not implemented"
        )
    ctx.check_dtype(x, "int16")
    ctx.check_dtype(out, "int16")
    length = read_int32(ctx, options, "fft_length")
    if length < 4 or length % 2 or length > 1 << 17:
        raise ctx.unsupported(f"fft_length {length} must be even, in [4, 131072]")
    half = length // 2
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
    radices = kiss_factors(half)
    if any(r > 5 for r in radices) or len(radices) > RFFT_MAX_STAGES:
        raise ctx.unsupported(
            f"fft_length {length}: KISS FFT radices {radices}; only 2, 3, 4 and 5 are supported"
        )
    params = {
        "frames": frames,
        "half_length": half,
        "n_stages": len(radices),
        "radix": radices + [0] * (RFFT_MAX_STAGES - len(radices)),
    }
    operands = {
        "input": ctx.ref(x),
        "twiddles": ctx.const(rfft_twiddles(half, inverse=True)),
        "super_twiddles": ctx.const(rfft_super_twiddles(half, inverse=True)),
        "scratch": ctx.scratch(scratch_size("signal_irfft_s16", params)),
        "output": ctx.ref(out),
    }
    macs = frames * half * max(1, int(math.log2(half))) * 4
    ctx.emit("signal_irfft_s16", params, operands, macs)
