"""The audio preprocessor model, built with micro.writer from the front end's parameters
and tables (micro/speech/frontend_tables.py, whose names are importable from here too).

The model has the same operators, in the same order, as TFLM's
audio_preprocessor_int8.tflite (one 30 ms int16 frame in, 40 int8 features out):

    window -> reshape -> FFT auto-scale -> RFFT -> energy -> [cast, slice, pad with zeros,
    cast] -> mel filter bank -> square root -> spectral subtraction -> PCAN -> log ->
    [cast, * 256, + 333, / 666, - 128, clip to int8, cast]

and every table in it is computed from `FrontendParams`, so its features are bit-identical
to TFLM's.
"""

from __future__ import annotations

import numpy as np

from .. import flexbuffers
from ..ops.signal_filter_bank import PCAN_LUT_SIZE
from ..writer import ModelBuilder
from .frontend_tables import (
    PCAN_SNR_BITS,
    PCAN_SNR_SHIFT,
    FilterBank,
    FrontendParams,
    energy_range,
    filter_bank,
    freq_to_mel,
    hann_window,
    pcan_gain_lut,
    spectral_subtraction_options,
)

__all__ = [
    "FilterBank",
    "FrontendParams",
    "build_preprocessor",
    "energy_range",
    "filter_bank",
    "freq_to_mel",
    "hann_window",
    "pcan_gain_lut",
    "spectral_subtraction_options",
]


def build_preprocessor(params: FrontendParams | None = None) -> bytes:
    """The audio preprocessor .tflite: input int16[1, window], output int8[channels]."""
    p = params or FrontendParams()
    n, fft, ch = p.window_samples, p.fft_length, p.channels
    bins = fft // 2 + 1
    start, end = energy_range(p)
    bank = filter_bank(
        bins,
        p.sample_rate,
        ch,
        p.lower_band_hz,
        p.upper_band_hz,
        p.filter_bank_alignment,
        p.filter_bank_block_size,
        p.filter_bank_scaling_bits,
    )
    if p.correction_bits < 0 or p.pcan_gain_bits - p.correction_bits - PCAN_SNR_BITS < 1:
        raise ValueError("these parameters give a negative correction or SNR shift")
    lut = pcan_gain_lut(
        p.pcan_strength, p.pcan_offset, p.pcan_smoothing_bits - p.correction_bits, p.pcan_gain_bits
    )

    b = ModelBuilder("micro speech front end")

    def t(name: str, shape: tuple[int, ...], dtype: str, data: object = None) -> int:
        return b.add_tensor(name, shape, dtype, data=None if data is None else np.asarray(data))

    def custom(code: str, ins: list[int], outs: list[int], options: dict) -> None:
        b.add_operator(
            "CUSTOM", ins, outs, custom_code=code, custom_options=flexbuffers.dumps(options)
        )

    audio = t("audio_frame", (1, n), "int16")
    windowed = t("window", (1, n), "int16")
    custom(
        "SignalWindow",
        [audio, t("hann", (n,), "int16", hann_window(n, p.window_scaling_bits))],
        [windowed],
        {"shift": p.window_scaling_bits},
    )
    flat = t("window_flat", (n,), "int16")
    b.add_operator("RESHAPE", [windowed, t("flat_shape", (1,), "int32", [-1])], [flat])
    scaled, scale_bits = t("scaled", (n,), "int16"), t("scale_bits", (), "int32")
    custom("SignalFftAutoScale", [flat], [scaled, scale_bits], {})
    spectrum = t("rfft", (2 * bins,), "int16")
    custom("SignalRfft", [scaled], [spectrum], {"T": 7, "fft_length": fft})
    energy = t("energy", (bins,), "uint32")
    custom("SignalEnergy", [spectrum], [energy], {"end_index": end, "start_index": start})
    # TFLM's energy leaves bins outside [start, end) unset: cut them out and pad with zeros.
    energy32 = t("energy_i32", (bins,), "int32")
    b.add_operator("CAST", [energy], [energy32])
    band = t("band", (end - start,), "int32")
    b.add_operator(
        "STRIDED_SLICE",
        [
            energy32,
            t("begin", (1,), "int32", [start]),
            t("end", (1,), "int32", [end]),
            t("strides", (1,), "int32", [1]),
        ],
        [band],
    )
    padded = t("energy_padded", (bins,), "int32")
    b.add_operator(
        "CONCATENATION",
        [
            t("zeros_head", (start,), "int32", np.zeros(start, np.int32)),
            band,
            t("zeros_tail", (bins - end,), "int32", np.zeros(bins - end, np.int32)),
        ],
        [padded],
        {"axis": 0},
    )
    energy_u = t("energy_u32", (bins,), "uint32")
    b.add_operator("CAST", [padded], [energy_u])
    filtered = t("filter_bank", (ch,), "uint64")
    custom(
        "SignalFilterBank",
        [
            energy_u,
            t("weights", bank.weights.shape, "int16", bank.weights),
            t("unweights", bank.unweights.shape, "int16", bank.unweights),
            t("freq_starts", (ch + 1,), "int16", bank.freq_starts),
            t("weight_starts", (ch + 1,), "int16", bank.weight_starts),
            t("widths", (ch + 1,), "int16", bank.widths),
        ],
        [filtered],
        {"num_channels": ch},
    )
    root = t("sqrt", (ch,), "uint32")
    custom("SignalFilterBankSquareRoot", [filtered, scale_bits], [root], {})
    clean, noise = t("spectral_subtraction", (ch,), "uint32"), t("noise_estimate", (ch,), "uint32")
    custom(
        "SignalFilterBankSpectralSubtraction",
        [root],
        [clean, noise],
        spectral_subtraction_options(p),
    )
    gained = t("pcan", (ch,), "uint32")
    custom(
        "SignalPCAN",
        [clean, noise, t("pcan_lut", (PCAN_LUT_SIZE,), "int16", lut)],
        [gained],
        {"snr_shift": PCAN_SNR_SHIFT},
    )
    logs = t("log", (ch,), "int16")
    custom(
        "SignalFilterBankLog",
        [gained],
        [logs],
        {"input_correction_bits": p.correction_bits, "output_scale": 1 << p.post_scaling_bits},
    )
    # int8 features: (log * 256 + 333) / 666 - 128, clipped to [-128, 127].
    x = t("log_i32", (ch,), "int32")
    b.add_operator("CAST", [logs], [x])
    minus_128 = t("minus_128", (), "int32", -128)
    steps = (
        ("mul", "MUL", p.value_scale),
        ("add", "ADD", p.value_div // 2),
        ("div", "DIV", p.value_div),
        ("sub", "ADD", None),
        ("min", "MINIMUM", 127),
        ("max", "MAXIMUM", None),
    )
    for name, op, const in steps:
        y = t(name, (ch,), "int32")
        c = minus_128 if const is None else t(f"{name}_const", (), "int32", const)
        options = {"fused_activation_function": "NONE"} if op in ("MUL", "ADD", "DIV") else None
        b.add_operator(op, [x, c], [y], options)
        x = y
    features = t("features", (ch,), "int8")
    b.add_operator("CAST", [x], [features])
    b.set_inputs([audio])
    b.set_outputs([features])
    return b.build()
