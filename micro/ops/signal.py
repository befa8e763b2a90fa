"""TFLM's signal library custom ops (the speech front end), options in FlexBuffers.

Each prepare mirrors the TFLM op's Prepare checks, reads the options the way TFLM's
FlexbufferWrapper does (by key; TFLM reads by position in the sorted key list, which is the
same thing for a well-formed map) and computes every floating-point table on the host: the
FFT twiddles and radix plan, the log correction table.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import flexbuffers
from .._ffi import lib, scratch_size
from ..errors import ModelError
from ..fixedpoint import wrap32
from ..model import Tensor
from .base import OpContext, prepares

INT32_MASK = 0xFFFFFFFF
RFFT_MAX_STAGES = int(lib.MICRO_SIGNAL_RFFT_MAX_STAGES)
PCAN_LUT_SIZE = int(lib.MICRO_SIGNAL_PCAN_LUT_SIZE)  # 4 * 32 - 3 entries
LOG_SEGMENTS = 128


def _options(ctx: OpContext, *keys: str) -> dict[str, Any]:
    try:
        options = flexbuffers.loads_map(ctx.op.custom_options, f"{ctx.where}: custom options")
    except ModelError as exc:
        raise ctx.malformed(str(exc)) from exc
    missing = [k for k in keys if k not in options]
    if missing:
        raise ctx.malformed(f"custom options lack {', '.join(missing)} (have {sorted(options)})")
    return options


def _int32(ctx: OpContext, options: dict[str, Any], key: str) -> int:
    """An option as TFLM's ElementAsInt32 reads it (an int or a bool, wrapped to int32)."""
    value = options[key]
    if isinstance(value, bool):
        return int(value)
    if not isinstance(value, int):
        raise ctx.malformed(f"option {key} must be an integer, got {value!r}")
    return wrap32(value)


def _rank(ctx: OpContext, tensor: Tensor, rank: int, what: str) -> None:
    if len(tensor.shape) != rank:
        raise ctx.malformed(f"{what} must have rank {rank}, got shape {tensor.shape}")


def _size(tensor: Tensor) -> int:
    return math.prod(tensor.shape)


# -- SignalWindow -------------------------------------------------------------------------


@prepares("SignalWindow", types="int16")
def window(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    x, w, out = ctx.input(0), ctx.input(1), ctx.output()
    for t in (x, w, out):
        ctx.check_dtype(t, "int16")
    if len(x.shape) < 1 or len(x.shape) != len(out.shape):
        raise ctx.malformed(f"input {x.shape} and output {out.shape} must have the same rank")
    _rank(ctx, w, 1, "the window")
    shift = _int32(ctx, _options(ctx, "shift"), "shift")
    n, width = _size(x), w.shape[0]
    if width < 1 or n < 1 or n % width or _size(out) != n:
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
    _rank(ctx, x, 1, "the input")
    _rank(ctx, out, 1, "the output")
    _rank(ctx, scale, 0, "the scale output")
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


def _q15_phasor(phase: float) -> tuple[int, int]:
    """KISS FFT's fixed-point e^(i phase): floor(0.5 + 32767 * cos/sin), in double."""
    return math.floor(0.5 + 32767 * math.cos(phase)), math.floor(0.5 + 32767 * math.sin(phase))


def rfft_twiddles(half: int) -> np.ndarray:
    """The H-point complex FFT's twiddles e^(-2 pi i k / H), interleaved (re, im)."""
    pairs = [_q15_phasor(-2 * math.pi * k / half) for k in range(half)]
    return np.array(pairs, dtype=np.int16).reshape(-1)


def rfft_super_twiddles(half: int) -> np.ndarray:
    """The real-FFT split's twiddles e^(-i pi ((k + 1) / H + 1/2)), k < H / 2."""
    pairs = [_q15_phasor(-math.pi * ((k + 1) / half + 0.5)) for k in range(half // 2)]
    return np.array(pairs, dtype=np.int16).reshape(-1)


@prepares("SignalRfft", types="int16")
def rfft(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    options = _options(ctx, "T", "fft_length")
    ttype = _int32(ctx, options, "T")
    if ttype != 7:  # TensorType INT16
        raise ctx.unsupported(f"only the int16 RFFT is supported (T={ttype})")
    ctx.check_dtype(x, "int16")
    ctx.check_dtype(out, "int16")
    length = _int32(ctx, options, "fft_length")
    if len(x.shape) < 1 or len(x.shape) != len(out.shape):
        raise ctx.malformed(f"input {x.shape} and output {out.shape} must have the same rank")
    if length < 4 or length % 2 or length > 1 << 17:
        raise ctx.unsupported(f"fft_length {length} must be even, in [4, 131072]")
    half = length // 2
    frame = x.shape[-1]
    if frame < 1 or frame > length:
        raise ctx.malformed(f"input frames of {frame} samples do not fit fft_length {length}")
    frames = _size(x) // frame
    if out.shape[-1] != 2 * (half + 1) or _size(out) != frames * 2 * (half + 1):
        raise ctx.malformed(
            f"output {out.shape} must hold {frames} frames of {half + 1} complex bins"
        )
    radices = kiss_factors(half)
    if any(r > 5 for r in radices) or len(radices) > RFFT_MAX_STAGES:
        raise ctx.unsupported(
            f"fft_length {length}: KISS FFT radices {radices}; only 2, 3, 4 and 5 are supported"
        )
    params = {
        "frames": frames,
        "input_length": frame,
        "half_length": half,
        "n_stages": len(radices),
        "radix": radices + [0] * (RFFT_MAX_STAGES - len(radices)),
    }
    operands = {
        "input": ctx.ref(x),
        "twiddles": ctx.const(rfft_twiddles(half)),
        "super_twiddles": ctx.const(rfft_super_twiddles(half)),
        "scratch": ctx.scratch(scratch_size("signal_rfft_s16", params)),
        "output": ctx.ref(out),
    }
    macs = frames * half * max(1, int(math.log2(half))) * 4
    ctx.emit("signal_rfft_s16", params, operands, macs)


# -- SignalEnergy -------------------------------------------------------------------------


@prepares("SignalEnergy", types="int16 -> uint32")
def energy(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    _rank(ctx, x, 1, "the input")
    _rank(ctx, out, 1, "the output")
    ctx.check_dtype(x, "int16")
    ctx.check_dtype(out, "uint32")
    options = _options(ctx, "start_index", "end_index")
    start, end = _int32(ctx, options, "start_index"), _int32(ctx, options, "end_index")
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


# -- SignalFilterBank ---------------------------------------------------------------------


@prepares("SignalFilterBank", types="uint32 -> uint64")
def filter_bank(ctx: OpContext) -> None:
    ctx.check_io_count((6,))
    x, out = ctx.input(0), ctx.output()
    _rank(ctx, x, 1, "the input")
    _rank(ctx, out, 1, "the output")
    ctx.check_dtype(x, "uint32")
    ctx.check_dtype(out, "uint64")
    channels = _int32(ctx, _options(ctx, "num_channels"), "num_channels")
    if channels < 1 or channels > 32767 or out.shape[0] != channels:
        raise ctx.malformed(f"num_channels {channels} does not match the output {out.shape}")
    names = (
        "weights",
        "unweights",
        "channel frequency starts",
        "channel weight starts",
        "channel widths",
    )
    tables = []
    for i, name in enumerate(names, start=1):
        t = ctx.input(i)
        _rank(ctx, t, 1, f"the {name}")
        ctx.check_dtype(t, "int16")
        value = ctx.value(t)
        if value is None:
            raise ctx.unsupported(f"the {name} (input {i}) must be constant")
        tables.append(value.astype(np.int64))
    weights, unweights, freq_starts, weight_starts, widths = tables
    if len(weights) != len(unweights) or len(weights) < 1:
        raise ctx.malformed(f"{len(weights)} weights but {len(unweights)} unweights")
    for name, table in zip(names[2:], tables[2:], strict=True):
        if len(table) < channels + 1:
            raise ctx.malformed(f"the {name} have {len(table)} entries, need {channels + 1}")
    f, w, n = freq_starts[: channels + 1], weight_starts[: channels + 1], widths[: channels + 1]
    bad = (f < 0) | (w < 0) | (n < 0) | (f + n > x.shape[0]) | (w + n > len(weights))
    if bad.any():
        c = int(np.flatnonzero(bad)[0])
        raise ctx.malformed(
            f"channel {c}: bins [{f[c]}, {f[c] + n[c]}) or weights [{w[c]}, {w[c] + n[c]}) "
            f"fall outside the {x.shape[0]} bins / {len(weights)} weights"
        )
    params = {"num_channels": channels, "input_size": x.shape[0], "num_weights": len(weights)}
    slots = ("weights", "unweights", "freq_starts", "weight_starts", "widths")
    operands = {"input": ctx.ref(x), "output": ctx.ref(out)}
    operands |= {slot: ctx.ref(ctx.input(i)) for i, slot in enumerate(slots, start=1)}
    ctx.emit("signal_filter_bank_u32", params, operands, 2 * int(n.sum()))


# -- SignalFilterBankSquareRoot -----------------------------------------------------------


@prepares("SignalFilterBankSquareRoot", types="uint64 -> uint32")
def filter_bank_square_root(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    x, bits, out = ctx.input(0), ctx.input(1), ctx.output()
    _rank(ctx, x, 1, "the input")
    _rank(ctx, bits, 0, "the scale bits")
    _rank(ctx, out, 1, "the output")
    ctx.check_dtype(x, "uint64")
    ctx.check_dtype(bits, "int32")
    ctx.check_dtype(out, "uint32")
    channels = x.shape[0]
    if channels < 1 or out.shape[0] < channels:
        raise ctx.malformed(f"output {out.shape} is smaller than the input {x.shape}")
    params = {"num_channels": channels}
    ctx.emit(
        "signal_filter_bank_sqrt_u64",
        params,
        {"input": ctx.ref(x), "scale_bits": ctx.ref(bits), "output": ctx.ref(out)},
        channels,
    )


# -- SignalFilterBankSpectralSubtraction --------------------------------------------------

_SPECTRAL_KEYS = (
    "alternate_one_minus_smoothing",
    "alternate_smoothing",
    "clamping",
    "min_signal_remaining",
    "num_channels",
    "one_minus_smoothing",
    "smoothing",
    "smoothing_bits",
    "spectral_subtraction_bits",
)


@prepares("SignalFilterBankSpectralSubtraction", types="uint32")
def filter_bank_spectral_subtraction(ctx: OpContext) -> None:
    ctx.check_io_count((1,), outputs=2)
    x, out, noise = ctx.input(0), ctx.output(0), ctx.output(1)
    for t, what in ((x, "the input"), (out, "the output"), (noise, "the noise estimate")):
        _rank(ctx, t, 1, what)
        ctx.check_dtype(t, "uint32")
    options = _options(ctx, *_SPECTRAL_KEYS)
    value = {k: _int32(ctx, options, k) & INT32_MASK for k in _SPECTRAL_KEYS if k != "clamping"}
    clamping = options["clamping"]
    if not isinstance(clamping, (bool, int)):
        raise ctx.malformed(f"option clamping must be a bool, got {clamping!r}")
    channels = _int32(ctx, options, "num_channels")
    if channels < 1 or any(t.shape[0] != channels for t in (x, out, noise)):
        raise ctx.malformed(
            f"num_channels {channels} does not match input {x.shape}, outputs {out.shape} "
            f"and {noise.shape}"
        )
    if value["smoothing_bits"] > 31 or value["spectral_subtraction_bits"] > 63:
        raise ctx.unsupported(
            f"smoothing_bits {value['smoothing_bits']} must be < 32 and "
            f"spectral_subtraction_bits {value['spectral_subtraction_bits']} < 64"
        )
    params = {
        "num_channels": channels,
        "smoothing": value["smoothing"],
        "one_minus_smoothing": value["one_minus_smoothing"],
        "alternate_smoothing": value["alternate_smoothing"],
        "alternate_one_minus_smoothing": value["alternate_one_minus_smoothing"],
        "min_signal_remaining": value["min_signal_remaining"],
        "smoothing_bits": value["smoothing_bits"],
        "spectral_subtraction_bits": value["spectral_subtraction_bits"],
        "clamping": int(bool(clamping)),
    }
    operands = {
        "input": ctx.ref(x),
        "output": ctx.ref(out),
        "noise_out": ctx.ref(noise),
        "state": ctx.state(4 * channels),
    }
    ctx.emit("signal_spectral_subtraction_u32", params, operands, 2 * channels)


# -- SignalPCAN ---------------------------------------------------------------------------


@prepares("SignalPCAN", types="uint32")
def pcan(ctx: OpContext) -> None:
    ctx.check_io_count((3,))
    x, noise, lut, out = ctx.input(0), ctx.input(1), ctx.input(2), ctx.output()
    for t, what in (
        (x, "the input"),
        (noise, "the noise estimate"),
        (lut, "the gain table"),
        (out, "the output"),
    ):
        _rank(ctx, t, 1, what)
    ctx.check_dtype(x, "uint32")
    ctx.check_dtype(noise, "uint32")
    ctx.check_dtype(lut, "int16")
    ctx.check_dtype(out, "uint32")
    channels = x.shape[0]
    if channels < 1 or noise.shape[0] < channels or out.shape[0] < channels:
        raise ctx.malformed(f"noise {noise.shape} or output {out.shape} smaller than {x.shape}")
    if lut.shape[0] < PCAN_LUT_SIZE:
        raise ctx.malformed(f"the gain table has {lut.shape[0]} entries, need {PCAN_LUT_SIZE}")
    shift = _int32(ctx, _options(ctx, "snr_shift"), "snr_shift")
    if not 0 <= shift <= 63:
        raise ctx.unsupported(f"snr_shift {shift} is outside [0, 63]")
    params = {"num_channels": channels, "snr_shift": shift}
    operands = {
        "input": ctx.ref(x),
        "noise": ctx.ref(noise),
        "lut": ctx.ref(lut),
        "output": ctx.ref(out),
    }
    ctx.emit("signal_pcan_u32", params, operands, channels)


# -- SignalFilterBankLog ------------------------------------------------------------------


def log_lut() -> np.ndarray:
    """The log2 correction table: round(2^16 * (log2(1 + k/128) - k/128)), k = 0..128, + 0."""
    k = np.arange(LOG_SEGMENTS + 1, dtype=np.float64)
    correction = 65536.0 * (np.log2(1.0 + k / LOG_SEGMENTS) - k / LOG_SEGMENTS)
    return np.append(np.floor(correction + 0.5), 0).astype(np.uint16)


LN2_Q16 = round(math.log(2) * 65536)


@prepares("SignalFilterBankLog", types="uint32 -> int16")
def filter_bank_log(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    x, out = ctx.input(0), ctx.output()
    _rank(ctx, x, 1, "the input")
    _rank(ctx, out, 1, "the output")
    ctx.check_dtype(x, "uint32")
    ctx.check_dtype(out, "int16")
    options = _options(ctx, "input_correction_bits", "output_scale")
    bits = _int32(ctx, options, "input_correction_bits")
    scale = _int32(ctx, options, "output_scale") & INT32_MASK
    channels = x.shape[0]
    if channels < 1 or out.shape[0] < channels:
        raise ctx.malformed(f"output {out.shape} is smaller than the input {x.shape}")
    if not 0 <= bits <= 31:
        raise ctx.unsupported(f"input_correction_bits {bits} is outside [0, 31]")
    params = {
        "num_channels": channels,
        "output_scale": scale,
        "correction_bits": bits,
        "ln2_q16": LN2_Q16,
    }
    ctx.emit(
        "signal_filter_bank_log_u32",
        params,
        {"input": ctx.ref(x), "lut": ctx.const(log_lut()), "output": ctx.ref(out)},
        channels,
    )
