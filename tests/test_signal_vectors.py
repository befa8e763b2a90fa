"""TFLM's signal custom ops against the signal library's test vectors (recorded from TFLM);
tests/test_signal_ops.py compares generated models with TFLM's interpreter."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support.models import T, custom_op_model
from support.oracle import run_micro
from support.reference import read_vectors

import micro
from micro.speech import frontend

VECTORS = "tflm/signal_testdata"
Ref = Callable[[str], Path]


def _text(reference: Ref, name: str) -> str:
    return reference(f"{VECTORS}/{name}").read_text()


def _stream(model: bytes, frames: list[list[np.ndarray]]) -> list[list[np.ndarray]]:
    """Run micro on consecutive inputs in one interpreter (state carries over)."""
    it = micro.Interpreter.from_bytes(model)
    results = []
    for inputs in frames:
        for i, x in enumerate(inputs):
            it.set_input(x, i)
        it.invoke()
        results.append([it.get_output(i) for i in range(len(it.get_output_details()))])
    return results


# -- the signal library's test vectors --------------------------------------------------------


def test_window_vectors(reference: Ref) -> None:
    header, rows = read_vectors(_text(reference, "window_test1.txt"))
    assert header == ["hann", "int16", "12"]
    n = len(rows[0])
    weights = frontend.hann_window(n, 12)
    inputs, expected = np.array(rows[0::2], np.int16), np.array(rows[1::2])
    # All frames at once: the window applies to each frame of the [frames, n] input.
    model = custom_op_model(
        "SignalWindow",
        [T(inputs.shape, np.int16, name="x"), T((n,), np.int16, weights, name="w")],
        [T(inputs.shape, np.int16, name="y")],
        {"shift": 12},
    )
    (got,) = run_micro(model, [inputs])
    np.testing.assert_array_equal(got, expected)


def test_fft_auto_scale_vectors(reference: Ref) -> None:
    rows = [
        [int(v) for v in line.split()]
        for line in _text(reference, "fft_auto_scale_test1.txt").splitlines()
    ]
    n = len(rows[0])
    model = custom_op_model(
        "SignalFftAutoScale",
        [T((n,), np.int16, name="x")],
        [T((n,), np.int16, name="y"), T((), np.int32, name="scale")],
        {},
    )
    for x, y, scale in zip(rows[0::3], rows[1::3], rows[2::3], strict=True):
        out, bits = run_micro(model, [np.array(x, np.int16)])
        np.testing.assert_array_equal(out, y)
        assert int(bits) == scale[0]


def test_rfft_vectors(reference: Ref) -> None:
    header, rows = read_vectors(_text(reference, "rfft_test1.txt"))
    length = int(header[0])
    inputs, expected = np.array(rows[0::2], np.int16), np.array(rows[1::2])
    model = custom_op_model(
        "SignalRfft",
        [T(inputs.shape, np.int16, name="x")],
        [T(expected.shape, np.int16, name="y")],
        {"T": 7, "fft_length": length},
    )
    (got,) = run_micro(model, [inputs])
    np.testing.assert_array_equal(got, expected)


def test_energy_vectors(reference: Ref) -> None:
    header, rows = read_vectors(_text(reference, "energy_test1.txt"))
    start, end = int(header[0]), int(header[1])
    n = len(rows[0])
    model = custom_op_model(
        "SignalEnergy",
        [T((n,), np.int16, name="x")],
        [T((n // 2,), np.uint32, name="y")],
        {"start_index": start, "end_index": end},
    )
    for x, y in zip(rows[0::2], rows[1::2], strict=True):
        (got,) = run_micro(model, [x.astype(np.int16)])
        np.testing.assert_array_equal(got[start:end], y[start:end])
        assert not got[:start].any() and not got[end:].any()  # micro defines them as 0


def test_filter_bank_vectors(reference: Ref) -> None:
    header, rows = read_vectors(_text(reference, "filter_bank_test1.txt"))
    rate, channels, low, high = int(header[0]), int(header[1]), float(header[2]), float(header[3])
    n = len(rows[0])
    model = filter_bank_model(frontend.filter_bank(n, rate, channels, low, high), n, channels)
    for x, y in zip(rows[0::2], rows[1::2], strict=True):
        (got,) = run_micro(model, [x.astype(np.uint32)])
        np.testing.assert_array_equal(got, y.astype(np.uint64))


@pytest.mark.parametrize("name", ["8k", "16k", "44k"])
def test_filter_bank_accumulation_vectors(name: str, reference: Ref) -> None:
    """TFLM's own test compares these within 144 (they come from an older float filter bank);
    the bin range must match exactly."""
    fields = _text(reference, f"filter_bank_accumulation_{name}.txt").split()
    size, rate, low, high = int(fields[0]), int(fields[1]), float(fields[2]), float(fields[3])
    channels, start, end = int(fields[4]), int(fields[5]), int(fields[6])
    expected = np.array([int(v) for v in fields[7:]], dtype=np.int64)
    bank = frontend.filter_bank(size, rate, channels, low, high)
    assert (bank.start_index, bank.end_index) == (start, end)
    (got,) = run_micro(filter_bank_model(bank, size, channels), [np.arange(size, dtype=np.uint32)])
    assert np.abs(got.astype(np.int64) - expected).max() <= 144


def filter_bank_model(bank: frontend.FilterBank, n: int, channels: int) -> bytes:
    tables = [bank.weights, bank.unweights, bank.freq_starts, bank.weight_starts, bank.widths]
    return custom_op_model(
        "SignalFilterBank",
        [T((n,), np.uint32, name="x")]
        + [T(t.shape, np.int16, t, name=f"t{i}") for i, t in enumerate(tables)],
        [T((channels,), np.uint64, name="y")],
        {"num_channels": channels},
    )


def test_filter_bank_square_root_vectors(reference: Ref) -> None:
    lines = _text(reference, "filter_bank_square_root_test1.txt").splitlines()
    n = len(lines[0].split())
    model = sqrt_model(n)
    for i in range(0, len(lines), 3):
        x = np.array([int(v) for v in lines[i].split()], dtype=np.uint64)
        bits = np.array(int(lines[i + 1]), dtype=np.int32)
        (got,) = run_micro(model, [x, bits])
        np.testing.assert_array_equal(got, [int(v) for v in lines[i + 2].split()])


def sqrt_model(n: int) -> bytes:
    return custom_op_model(
        "SignalFilterBankSquareRoot",
        [T((n,), np.uint64, name="x"), T((), np.int32, name="bits")],
        [T((n,), np.uint32, name="y")],
        {},
    )


def test_spectral_subtraction_vectors(reference: Ref) -> None:
    header, rows = read_vectors(_text(reference, "filter_bank_spectral_subtraction_test1.txt"))
    params = frontend.FrontendParams(
        channels=int(header[0]),
        even_smoothing=float(header[1]),
        odd_smoothing=float(header[2]),
        smoothing_bits=int(header[3]),
        min_signal_remaining=float(header[4]),
        clamping=bool(int(header[5])),
    )
    model = spectral_model(params)
    frames = [[x.astype(np.uint32)] for x in rows[0::3]]
    for (out, noise), y, n in zip(_stream(model, frames), rows[1::3], rows[2::3], strict=True):
        np.testing.assert_array_equal(out, y)
        np.testing.assert_array_equal(noise, n)


def spectral_model(params: frontend.FrontendParams) -> bytes:
    n = params.channels
    return custom_op_model(
        "SignalFilterBankSpectralSubtraction",
        [T((n,), np.uint32, name="x")],
        [T((n,), np.uint32, name="y"), T((n,), np.uint32, name="noise")],
        frontend.spectral_subtraction_options(params),
    )


def test_pcan_vectors(reference: Ref) -> None:
    header, rows = read_vectors(_text(reference, "pcan_op_test1.txt"))
    strength, offset = float(header[0]), float(header[1])
    gain_bits, smoothing_bits, correction_bits = (int(v) for v in header[2:5])
    lut = frontend.pcan_gain_lut(strength, offset, smoothing_bits - correction_bits, gain_bits)
    model = pcan_model(len(rows[0]), lut)
    for x, noise, y in zip(rows[0::3], rows[1::3], rows[2::3], strict=True):
        (got,) = run_micro(model, [x.astype(np.uint32), noise.astype(np.uint32)])
        np.testing.assert_array_equal(got, y)


def pcan_model(n: int, lut: np.ndarray, snr_shift: int = 6) -> bytes:
    return custom_op_model(
        "SignalPCAN",
        [
            T((n,), np.uint32, name="x"),
            T((n,), np.uint32, name="noise"),
            T(lut.shape, np.int16, lut, name="lut"),
        ],
        [T((n,), np.uint32, name="y")],
        {"snr_shift": snr_shift},
    )


def test_tables_match_tflm_preprocessor(reference: Ref) -> None:
    """The window, filter bank and PCAN tables computed here are the constants of TFLM's
    audio_preprocessor_int8.tflite."""
    model = micro.load_model(reference("tflm/micro_speech/audio_preprocessor_int8.tflite"))
    consts = {t.name: t.data for t in model.subgraphs[0].tensors if t.data is not None}
    p = frontend.FrontendParams()
    bank = frontend.filter_bank(
        p.fft_length // 2 + 1, p.sample_rate, p.channels, p.lower_band_hz, p.upper_band_hz, 4, 4, 12
    )
    np.testing.assert_array_equal(frontend.hann_window(480, 12), consts["Const"])
    np.testing.assert_array_equal(bank.weights, consts["signal_filter_bank/Const"])
    np.testing.assert_array_equal(bank.unweights, consts["signal_filter_bank/Const_1"])
    np.testing.assert_array_equal(bank.freq_starts, consts["signal_filter_bank/Const_2"])
    np.testing.assert_array_equal(bank.weight_starts, consts["signal_filter_bank/Const_3"])
    np.testing.assert_array_equal(bank.widths, consts["signal_filter_bank/Const_4"])
    lut = frontend.pcan_gain_lut(0.95, 80.0, 7, 21)
    np.testing.assert_array_equal(lut, consts["signal_pcan/Const"])
