"""SignalIrfft (TFLM's signal library): the inverse real FFT of KISS FFT (kiss_fftri) in the
three types TFLM registers: int16 and int32 fixed point, float32 (then divided by the FFT
length, as TFLM). The twiddles are signal_spectrum's (KISS FFT's, conjugated)."""

from __future__ import annotations

from ._signal import n_elements
from .base import OpContext, prepares
from .signal_spectrum import emit_fft, fft_io, kiss_plan

KERNELS = {"int16": "signal_irfft_s16", "int32": "signal_irfft_s32", "float32": "signal_irfft_f32"}


@prepares("SignalIrfft", types="int16, int32, float32")
def irfft(ctx: OpContext) -> None:
    x, out, dtype, length, half = fft_io(ctx, "SignalIrfft")
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
    emit_fft(ctx, KERNELS[dtype], dtype, x, out, {"frames": frames, **kiss_plan(ctx, half)})
