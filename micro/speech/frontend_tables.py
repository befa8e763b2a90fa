"""The speech front end's parameters (`FrontendParams`, micro_speech's by default) and the
tables derived from them for the audio preprocessor model (micro/speech/frontend.py).

The floating-point computations follow the public definitions of these tables (the Hann
window in double, the mel scale and the PCAN gain in float32, as the signal library's
generator does), so the tables come out identical to TFLM's, and the model's features
bit-identical.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..fixedpoint import wrap16
from ..ops.signal_filter_bank import PCAN_LUT_SIZE

F32 = np.float32
PCAN_SNR_BITS = 12
PCAN_SNR_SHIFT = 6  # the signal library's generator fixes snr_shift at 6


@dataclass(frozen=True)
class FrontendParams:
    """Feature parameters; the defaults are micro_speech's (49 x 40 features a second)."""

    sample_rate: int = 16000
    window_ms: int = 30
    stride_ms: int = 20
    window_scaling_bits: int = 12
    channels: int = 40
    lower_band_hz: float = 125.0
    upper_band_hz: float = 7500.0
    filter_bank_scaling_bits: int = 12
    filter_bank_alignment: int = 4
    filter_bank_block_size: int = 4
    post_scaling_bits: int = 6
    spectral_subtraction_bits: int = 14
    smoothing_bits: int = 10
    even_smoothing: float = 0.025
    odd_smoothing: float = 0.06
    min_signal_remaining: float = 0.05
    clamping: bool = False
    pcan_strength: float = 0.95
    pcan_offset: float = 80.0
    pcan_gain_bits: int = 21
    pcan_smoothing_bits: int = 10
    # int8 output: (log * value_scale + value_div // 2) / value_div - 128, clipped
    value_scale: int = 256
    value_div: int = int(25.6 * 26 + 0.5)

    @property
    def window_samples(self) -> int:
        return self.window_ms * self.sample_rate // 1000

    @property
    def stride_samples(self) -> int:
        return self.stride_ms * self.sample_rate // 1000

    @property
    def fft_bits(self) -> int:
        return math.ceil(math.log2(self.window_samples))

    @property
    def fft_length(self) -> int:
        return 1 << self.fft_bits

    @property
    def correction_bits(self) -> int:
        """Fractional bits the filter bank output lacks (undone before the log)."""
        return self.fft_bits - self.filter_bank_scaling_bits // 2


# -- tables ---------------------------------------------------------------------------------


def hann_window(length: int, shift: int) -> np.ndarray:
    """Hann window sampled at half-integer points, scaled by 2^shift and rounded (half even)."""
    k = np.arange(length)
    weights = 0.5 - 0.5 * np.cos(2 * np.pi / length * (k + 0.5))
    return np.round(weights * (1 << shift)).astype(np.int16)


def freq_to_mel(freq: float | np.ndarray) -> np.float32 | np.ndarray:
    """The mel scale in float32: 1127 * ln(1 + f / 700)."""
    return F32(1127.0) * np.log1p(np.asarray(freq, dtype=F32) / F32(700.0))


@dataclass(frozen=True)
class FilterBank:
    start_index: int  # first FFT bin used
    end_index: int  # one past the last FFT bin used
    weights: np.ndarray  # int16
    unweights: np.ndarray  # int16
    freq_starts: np.ndarray  # int16[channels + 1]
    weight_starts: np.ndarray  # int16[channels + 1]
    widths: np.ndarray  # int16[channels + 1]


def filter_bank(
    spectrum_size: int,
    sample_rate: int,
    channels: int,
    lower_hz: float,
    upper_hz: float,
    alignment: int = 1,
    block_size: int = 1,
    scaling_bits: int = 12,
) -> FilterBank:
    """Triangular mel filters over FFT bins [0, spectrum_size), with one extra leading
    channel (the scratch channel 0 of SignalFilterBank). Each channel's bins are padded so
    its start is a multiple of `alignment` bytes (of int16) and its width a multiple of
    `block_size`; weights are w * 2^scaling_bits and unweights (1 - w) * 2^scaling_bits,
    truncated."""
    if not 0 <= lower_hz <= upper_hz:
        raise ValueError(f"band [{lower_hz}, {upper_hz}] Hz is not a valid band")
    index_alignment = max(1, alignment // 2)
    mel_low, mel_high = F32(freq_to_mel(lower_hz)), F32(freq_to_mel(upper_hz))
    spacing = (mel_high - mel_low) / F32(channels + 1)
    centers = mel_low + spacing * np.arange(1, channels + 2, dtype=F32)
    hz_per_bin = (sample_rate / 2) / (spectrum_size - 1)
    start_index = round(1 + lower_hz / hz_per_bin)

    n = channels + 1
    freq_starts = np.zeros(n, np.int64)
    weight_starts = np.zeros(n, np.int64)
    widths = np.zeros(n, np.int64)
    actual_starts = np.zeros(n, np.int64)
    actual_widths = np.zeros(n, np.int64)
    bin_start = start_index
    next_weight = 0
    zeros_inserted = False
    for c in range(n):
        b = bin_start
        while freq_to_mel(b * hz_per_bin) <= centers[c]:
            b += 1
        width = b - bin_start
        actual_starts[c], actual_widths[c] = bin_start, width
        if width == 0:
            # A channel with no bins reads one block of zero weights at the front.
            freq_starts[c], weight_starts[c], widths[c] = 0, 0, block_size
            if not zeros_inserted:
                zeros_inserted = True
                weight_starts[:c] += block_size
                next_weight += block_size
        else:
            aligned = bin_start // index_alignment * index_alignment
            padded = ((bin_start - aligned + width - 1) // block_size + 1) * block_size
            freq_starts[c], weight_starts[c], widths[c] = aligned, next_weight, padded
            next_weight += padded
        bin_start = b

    weights = np.zeros(next_weight, np.int16)
    unweights = np.zeros(next_weight, np.int16)
    end_index = 0
    scale = 1 << scaling_bits
    for c in range(n):
        first = int(actual_starts[c])
        offset = first - int(freq_starts[c])
        lower = F32(freq_to_mel(lower_hz)) if c == 0 else centers[c - 1]
        den = F32(centers[c] - lower)
        for j in range(int(actual_widths[c])):
            w = F32(centers[c] - F32(freq_to_mel((first + j) * hz_per_bin))) / den
            k = int(weight_starts[c]) + offset + j
            weights[k] = int(w * scale)
            unweights[k] = int((1.0 - np.float64(w)) * scale)  # in double, as TFLM's tables
        end_index = max(end_index, first + int(actual_widths[c]))
    if end_index >= spectrum_size:
        raise ValueError(f"the band up to {upper_hz} Hz exceeds the spectrum")
    return FilterBank(
        start_index,
        end_index,
        weights,
        unweights,
        freq_starts.astype(np.int16),
        weight_starts.astype(np.int16),
        widths.astype(np.int16),
    )


def _pcan_gain(strength: float, offset: float, gain_bits: int, input_bits: int, x: int) -> int:
    """gain(x) = 2^gain_bits * (x / 2^input_bits + offset)^-strength, in float32, rounded
    (half up) into int16 and capped at 32767."""
    x_float = F32(x) / F32(1 << input_bits)
    gain = F32(1 << gain_bits) * np.power(x_float + F32(offset), F32(-strength), dtype=F32)
    if gain > 32767:
        return 32767
    return int(F32(gain + F32(0.5)))


def pcan_gain_lut(strength: float, offset: float, input_bits: int, gain_bits: int) -> np.ndarray:
    """The PCAN gain table: gain(0), gain(1), then for each interval i = 2..32 of x's highest
    set bit the quadratic through x0 = 2^(i-1), 1.5 x0 and 2 x0 as (y0, a1, a2, 0)."""
    lut = np.zeros(PCAN_LUT_SIZE + 1, np.int64)

    def gain(x: int) -> int:
        return _pcan_gain(strength, offset, gain_bits, input_bits, x)

    lut[0], lut[1] = gain(0), gain(1)
    for interval in range(2, 33):
        x0 = 1 << (interval - 1)
        x1 = x0 + (x0 >> 1)
        x2 = x0 + (x0 - 1) if interval == 32 else 2 * x0
        y0, y1, y2 = gain(x0), gain(x1), gain(x2)
        a1 = 4 * (y1 - y0) - (y2 - y0)
        a2 = (y2 - y0) - a1
        base = 4 * interval - 6
        lut[base : base + 4] = [y0, a1, a2, 0]
    return wrap16(lut[:PCAN_LUT_SIZE]).astype(np.int16)  # int16 stores


def energy_range(params: FrontendParams) -> tuple[int, int]:
    """The FFT bins the filter bank reads: [start, end)."""
    bank = filter_bank(
        params.fft_length // 2 + 1,
        params.sample_rate,
        params.channels,
        params.lower_band_hz,
        params.upper_band_hz,
    )
    return bank.start_index, bank.end_index


def spectral_subtraction_options(params: FrontendParams) -> dict[str, int | bool]:
    scale = 1 << params.spectral_subtraction_bits
    odd = params.odd_smoothing or params.even_smoothing
    smoothing = int(params.even_smoothing * scale)
    alternate = int(odd * scale)
    return {
        "alternate_one_minus_smoothing": scale - alternate,
        "alternate_smoothing": alternate,
        "clamping": params.clamping,
        "min_signal_remaining": int(params.min_signal_remaining * scale),
        "num_channels": params.channels,
        "one_minus_smoothing": scale - smoothing,
        "smoothing": smoothing,
        "smoothing_bits": params.smoothing_bits,
        "spectral_subtraction_bits": params.spectral_subtraction_bits,
    }
