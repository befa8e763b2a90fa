"""TFLM's signal library custom ops (the speech front end), options in FlexBuffers: window, FFT
auto-scale, RFFT and energy.

Each prepare mirrors the TFLM op's Prepare checks, reads the options the way TFLM's
FlexbufferWrapper does (by key; TFLM reads by position in the sorted key list, which is the
same thing for a well-formed map) and computes every floating-point table on the host:
the FFT twiddles and radix plan.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .._ffi import lib, scratch_size
from ..model import Tensor
from ._signal import check_rank, n_elements, read_int32, read_options, vectors
from .base import OpContext, prepares

RFFT_MAX_STAGES = int(lib.MICRO_SIGNAL_RFFT_MAX_STAGES)


# -- SignalWindow -------------------------------------------------------------------------


@prepares("SignalWindow", types="int16")
def window(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    x, w, out = ctx.input(0), ctx.input(1), ctx.output()
    for t in (x, w, out):
        ctx.check_dtype(t, "int16")
    if len(x.shape) < 1 or len(x.shape) != len(out.shape):
        raise ctx.malformed(f"input {x.shape} and output {out.shape} must have the same rank")
    check_rank(ctx, w, 1, "the window")
    shift = read_int32(ctx, read_options(ctx, "shift"), "shift")
    n, width = n_elements(x), w.shape[0]
    if width < 1 or n < 1 or n % width or n_elements(out) != n:
        raise ctx.malformed(f"input of {n} samples is not frames of the {width}-sample window")
    if not 0 <= shift <= 31:
        raise ctx.unsupported(f"shift {shift} is outside [0, 31]")
    params = {"size": n, "window_size": width, "shift": shift}
    ctx.emit(
        "signal_window_s16",
        params,
        {"input": ctx.ref(x), "window": ctx.ref(w), "output": ctx.ref(out)},
        n,
    )


# -- SignalFftAutoScale -------------------------------------------------------------------


@prepares("SignalFftAutoScale", types="int16")
def fft_auto_scale(ctx: OpContext) -> None:
    ctx.check_io_count((1,), outputs=2)
    x, out, scale = ctx.input(0), ctx.output(0), ctx.output(1)
    check_rank(ctx, x, 1, "the input")
    check_rank(ctx, out, 1, "the output")
    check_rank(ctx, scale, 0, "the scale output")
    ctx.check_dtype(x, "int16")
    ctx.check_dtype(out, "int16")
    ctx.check_dtype(scale, "int32")
    n = x.shape[0]
    if n < 1 or out.shape[0] != n:
        raise ctx.malformed(f"input {x.shape} and output {out.shape} differ")
    params = {"size": n}
    ctx.emit(
        "signal_fft_auto_scale_s16",
        params,
        {"input": ctx.ref(x), "output": ctx.ref(out), "scale": ctx.ref(scale)},
        n,
    )


# -- SignalRfft ---------------------------------------------------------------------------


def kiss_factors(n: int) -> list[int]:
    """KISS FFT's factorisation of a complex FFT length: 4s first, then 2, then odd primes
    (a remainder above floor(sqrt(n)) of the original n is taken whole)."""
    radices = []
    p = 4
    floor_sqrt = math.floor(math.sqrt(n))
    while True:
        while n % p:
            p = {4: 2, 2: 3}.get(p, p + 2)
            if p > floor_sqrt:
                p = n
        n //= p
        radices.append(p)
        if n <= 1:
            return radices


def fft_length_half(ctx: OpContext, length: int) -> int:
    """H of an FFT length TFLM's RFFT/IRFFT run and micro supports, else a refusal."""
    if length < 4 or length % 2 or length > 1 << 17:
        raise ctx.unsupported(f"fft_length {length} must be even, in [4, 131072]")
    return length // 2


def kiss_plan(ctx: OpContext, half: int) -> dict[str, object]:
    """The radix plan params of an H-point KISS FFT (radices 2 to 5 only)."""
    radices = kiss_factors(half)
    if any(r > 5 for r in radices) or len(radices) > RFFT_MAX_STAGES:
        raise ctx.unsupported(
            f"fft_length {2 * half}: KISS FFT radices {radices}; only 2, 3, 4 and 5 are supported"
        )
    radix = radices + [0] * (RFFT_MAX_STAGES - len(radices))
    return {"half_length": half, "n_stages": len(radices), "radix": radix}


def _q15_phasor(phase: float) -> tuple[int, int]:
    """KISS FFT's fixed-point e^(i phase): floor(0.5 + 32767 * cos/sin), in double."""
    return math.floor(0.5 + 32767 * math.cos(phase)), math.floor(0.5 + 32767 * math.sin(phase))


def fft_phases(half: int, inverse: bool = False) -> list[float]:
    """The phases of the H-point complex FFT's twiddles, -2 pi k / H, in KISS FFT's double
    arithmetic; inverse: negated (conjugate twiddles)."""
    sign = -1 if inverse else 1
    return [sign * (-2 * math.pi * k / half) for k in range(half)]


def super_phases(half: int, inverse: bool = False) -> list[float]:
    """The phases of the real-FFT split's twiddles, -pi ((k + 1) / H + 1/2) for k < H / 2;
    inverse: negated."""
    sign = -1 if inverse else 1
    return [sign * (-math.pi * ((k + 1) / half + 0.5)) for k in range(half // 2)]


def q15_twiddles(phases: list[float]) -> np.ndarray:
    """int16 phasors of the phases, interleaved (re, im)."""
    return np.array([_q15_phasor(ph) for ph in phases], dtype=np.int16).reshape(-1)


def kiss_twiddles(dtype: str, phases: list[float]) -> np.ndarray:
    """KISS FFT's phasors of the phases, interleaved (re, im), from double phases:
    floor(0.5 + max * cos/sin) for the fixed-point types, float(cos/sin) for float32
    (Python's math.cos is the C library's)."""
    if dtype == "int16":
        return q15_twiddles(phases)
    if dtype == "int32":
        top = 2147483647
        pairs = [(math.floor(0.5 + top * math.cos(p)), math.floor(0.5 + top * math.sin(p)))
                 for p in phases]  # fmt: skip
        return np.array(pairs, dtype=np.int32).reshape(-1)
    unit = [(math.cos(p), math.sin(p)) for p in phases]
    return np.array(unit, dtype=np.float64).astype(np.float32).reshape(-1)


TYPES = {7: "int16", 2: "int32", 0: "float32"}  # TensorType code of the "T" option -> dtype
KERNELS = {"int16": "signal_rfft_s16", "int32": "signal_rfft_s32", "float32": "signal_rfft_f32"}


def fft_io(ctx: OpContext, op: str) -> tuple[Tensor, Tensor, str, int, int]:
    """What SignalRfft and SignalIrfft (`op`) check alike: one input and one output of the
    same rank in the "T" option's type, a supported fft_length. Returns the input, the
    output, their dtype, the FFT length and H (half of it)."""
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    options = read_options(ctx, "T", "fft_length")
    ttype = read_int32(ctx, options, "T")
    if ttype not in TYPES:
        raise ctx.unsupported(f"T={ttype}: TFLM's {op} runs int16, int32 and float32")
    dtype = TYPES[ttype]
    ctx.check_dtype(x, dtype)
    ctx.check_dtype(out, dtype)
    length = read_int32(ctx, options, "fft_length")
    if len(x.shape) < 1 or len(x.shape) != len(out.shape):
        raise ctx.malformed(f"input {x.shape} and output {out.shape} must have the same rank")
    if 0 in x.shape:
        raise ctx.malformed(f"input {x.shape} is empty")
    return x, out, dtype, length, fft_length_half(ctx, length)


def emit_fft(
    ctx: OpContext, kernel: str, dtype: str, x: Tensor, out: Tensor, params: dict[str, Any]
) -> None:
    """The step of an RFFT or IRFFT kernel of dtype: twiddles (conjugated for the inverse)
    and scratch; about 4 multiply-adds per bin and stage."""
    inverse = "irfft" in kernel
    half = int(params["half_length"])
    operands = {
        "input": ctx.ref(x),
        "twiddles": ctx.const(kiss_twiddles(dtype, fft_phases(half, inverse))),
        "super_twiddles": ctx.const(kiss_twiddles(dtype, super_phases(half, inverse))),
        "scratch": ctx.scratch(scratch_size(kernel, params)),
        "output": ctx.ref(out),
    }
    frames = int(params["frames"])
    ctx.emit(kernel, params, operands, frames * half * max(1, int(math.log2(half))) * 4)


@prepares("SignalRfft", types="int16, int32, float32")
def rfft(ctx: OpContext) -> None:
    x, out, dtype, length, half = fft_io(ctx, "SignalRfft")
    frame = x.shape[-1]
    if frame > length:
        raise ctx.malformed(f"input frames of {frame} samples do not fit fft_length {length}")
    frames = n_elements(x) // frame
    if out.shape[-1] != 2 * (half + 1) or n_elements(out) != frames * 2 * (half + 1):
        raise ctx.malformed(
            f"output {out.shape} must hold {frames} frames of {half + 1} complex bins"
        )
    params = {"frames": frames, "input_length": frame, **kiss_plan(ctx, half)}
    emit_fft(ctx, KERNELS[dtype], dtype, x, out, params)


# -- SignalEnergy -------------------------------------------------------------------------


@prepares("SignalEnergy", types="int16 -> uint32")
def energy(ctx: OpContext) -> None:
    x, out = vectors(ctx, 1, "int16", "uint32")
    options = read_options(ctx, "start_index", "end_index")
    start, end = read_int32(ctx, options, "start_index"), read_int32(ctx, options, "end_index")
    bins = x.shape[0] // 2
    if not 0 <= start <= end <= min(bins, out.shape[0]):
        raise ctx.malformed(
            f"bins [{start}, {end}) do not fit the {bins}-bin input and {out.shape[0]}-element "
            "output"
        )
    params = {"output_size": out.shape[0], "start": start, "end": end}
    ctx.emit(
        "signal_energy_s16", params, {"input": ctx.ref(x), "output": ctx.ref(out)}, end - start
    )
