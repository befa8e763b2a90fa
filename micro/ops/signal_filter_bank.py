"""TFLM's signal library custom ops (the speech front end), options in FlexBuffers: the filter
bank and what follows it (square root, spectral subtraction, PCAN, log).

Each prepare mirrors the TFLM op's Prepare checks, reads the options the way TFLM's
FlexbufferWrapper does (by key; TFLM reads by position in the sorted key list, which is the
same thing for a well-formed map) and computes every floating-point table on the host:
the log correction table.
"""

from __future__ import annotations

import math

import numpy as np

from .._ffi import lib
from ._signal import check_rank, read_int32, read_options, vectors
from .base import OpContext, prepares

INT32_MASK = 0xFFFFFFFF
PCAN_LUT_SIZE = int(lib.MICRO_SIGNAL_PCAN_LUT_SIZE)  # 4 * 32 - 3 entries
LOG_SEGMENTS = 128


# -- SignalFilterBank ---------------------------------------------------------------------


@prepares("SignalFilterBank", types="uint32 -> uint64")
def filter_bank(ctx: OpContext) -> None:
    x, out = vectors(ctx, 6, "uint32", "uint64")
    channels = read_int32(ctx, read_options(ctx, "num_channels"), "num_channels")
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
        check_rank(ctx, t, 1, f"the {name}")
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
    check_rank(ctx, x, 1, "the input")
    check_rank(ctx, bits, 0, "the scale bits")
    check_rank(ctx, out, 1, "the output")
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
        check_rank(ctx, t, 1, what)
        ctx.check_dtype(t, "uint32")
    options = read_options(ctx, *_SPECTRAL_KEYS)
    value = {k: read_int32(ctx, options, k) & INT32_MASK for k in _SPECTRAL_KEYS if k != "clamping"}
    clamping = options["clamping"]
    if not isinstance(clamping, (bool, int)):
        raise ctx.malformed(f"option clamping must be a bool, got {clamping!r}")
    channels = read_int32(ctx, options, "num_channels")
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
        check_rank(ctx, t, 1, what)
    ctx.check_dtype(x, "uint32")
    ctx.check_dtype(noise, "uint32")
    ctx.check_dtype(lut, "int16")
    ctx.check_dtype(out, "uint32")
    channels = x.shape[0]
    if channels < 1 or noise.shape[0] < channels or out.shape[0] < channels:
        raise ctx.malformed(f"noise {noise.shape} or output {out.shape} smaller than {x.shape}")
    if lut.shape[0] < PCAN_LUT_SIZE:
        raise ctx.malformed(f"the gain table has {lut.shape[0]} entries, need {PCAN_LUT_SIZE}")
    shift = read_int32(ctx, read_options(ctx, "snr_shift"), "snr_shift")
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
    x, out = vectors(ctx, 1, "uint32", "int16")
    options = read_options(ctx, "input_correction_bits", "output_scale")
    bits = read_int32(ctx, options, "input_correction_bits")
    scale = read_int32(ctx, options, "output_scale") & INT32_MASK
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
