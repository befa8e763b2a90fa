"""TFLM's signal custom ops: generated single-op models compared byte for byte with TFLM's
interpreter, and what micro refuses (the signal library's own test vectors:
tests/test_signal_vectors.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support.models import T, custom_op_model
from support.oracle import run_micro, tflm
from test_signal_vectors import filter_bank_model, pcan_model, spectral_model, sqrt_model

import micro
from micro import flexbuffers
from micro.ops.signal_spectrum import kiss_factors
from micro.speech import frontend

Ref = Callable[[str], Path]


# -- generated models against TFLM's interpreter ----------------------------------------------

SEEDS = range(12)


def _assert_same(model: bytes, inputs: list[np.ndarray], frames: int = 1) -> None:
    """micro and TFLM give the same bytes, over `frames` invocations (state carries)."""
    theirs = tflm().Interpreter.from_bytes(model, arena_size=1 << 20)
    it = micro.Interpreter.from_bytes(model)
    n_out = len(it.get_output_details())
    rng = np.random.default_rng(len(inputs))
    for frame in range(frames):
        xs = inputs if frame == 0 else [_shuffle(rng, x) for x in inputs]
        for i, x in enumerate(xs):
            theirs.set_input(x, i)
            it.set_input(x, i)
        theirs.invoke()
        it.invoke()
        for k in range(n_out):
            want, got = np.asarray(theirs.get_output(k)), it.get_output(k)
            assert got.tobytes() == want.tobytes(), f"frame {frame}, output {k}: {got} != {want}"


def _shuffle(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    return rng.permutation(x.reshape(-1)).reshape(x.shape)


def _ints(rng: np.random.Generator, dtype: type, shape: tuple[int, ...], bits: int) -> np.ndarray:
    info = np.iinfo(dtype)
    hi = min(int(info.max), (1 << bits) - 1)
    lo = max(int(info.min), -(1 << bits)) if info.min < 0 else 0
    return rng.integers(lo, hi, shape, endpoint=True, dtype=dtype)


@pytest.mark.parametrize("seed", SEEDS)
def test_window_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    frames, width = int(rng.integers(1, 4)), int(rng.integers(1, 600))
    shift = int(rng.integers(0, 16))
    weights = _ints(rng, np.int16, (width,), 15)
    model = custom_op_model(
        "SignalWindow",
        [T((frames, width), np.int16, name="x"), T((width,), np.int16, weights, name="w")],
        [T((frames, width), np.int16, name="y")],
        {"shift": shift},
    )
    _assert_same(model, [_ints(rng, np.int16, (frames, width), 15)])


@pytest.mark.parametrize("seed", SEEDS)
def test_fft_auto_scale_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 600))
    x = _ints(rng, np.int16, (n,), int(rng.integers(0, 16)))
    if seed % 3 == 0:
        x[rng.integers(0, n)] = -32768  # TFLM's int16 peak quirk
    if seed == 1:
        x[:] = 0
    model = custom_op_model(
        "SignalFftAutoScale",
        [T((n,), np.int16, name="x")],
        [T((n,), np.int16, name="y"), T((), np.int32, name="s")],
        {},
    )
    _assert_same(model, [x])


@pytest.mark.parametrize("seed", SEEDS)
def test_rfft_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    # Radix plans of 4s and 2s (powers of two), and 3s and 5s (KISS FFT's other butterflies).
    length = int(rng.choice([64, 128, 256, 512, 1024, 2048, 36, 60, 100, 120, 240, 360]))
    frame = int(rng.integers(1, length + 1))
    frames = int(rng.integers(1, 3))
    model = custom_op_model(
        "SignalRfft",
        [T((frames, frame), np.int16, name="x")],
        [T((frames, length + 2), np.int16, name="y")],
        {"T": 7, "fft_length": length},
    )
    _assert_same(model, [_ints(rng, np.int16, (frames, frame), int(rng.integers(4, 16)))])


@pytest.mark.parametrize("seed", SEEDS)
def test_energy_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    bins = int(rng.integers(2, 300))
    start = int(rng.integers(0, bins))
    end = int(rng.integers(start, bins + 1))
    x = _ints(rng, np.int16, (2 * bins,), 15)
    x[rng.integers(0, 2 * bins, 3)] = -32768
    model = custom_op_model(
        "SignalEnergy",
        [T((2 * bins,), np.int16, name="x")],
        [T((bins,), np.uint32, name="y")],
        {"start_index": start, "end_index": end},
    )
    theirs = tflm().Interpreter.from_bytes(model, arena_size=1 << 20)
    theirs.set_input(x, 0)
    theirs.invoke()
    (got,) = run_micro(model, [x])
    np.testing.assert_array_equal(got[start:end], theirs.get_output(0)[start:end])


@pytest.mark.parametrize("seed", SEEDS)
def test_filter_bank_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    length = int(rng.choice([128, 256, 512, 1024]))
    rate = int(rng.choice([8000, 16000, 22050, 44100]))
    channels = int(rng.integers(4, 41))
    low = float(rng.uniform(50, 300))
    high = float(rng.uniform(low + 1000, min(rate / 2 - 100, 8000)))
    n = length // 2 + 1
    try:
        bank = frontend.filter_bank(
            n, rate, channels, low, high, int(rng.choice([1, 4])), int(rng.choice([1, 4]))
        )
    except ValueError:
        pytest.skip("band does not fit this spectrum")
    model = filter_bank_model(bank, n, channels)
    _assert_same(model, [_ints(rng, np.uint32, (n,), int(rng.integers(8, 33)))])


@pytest.mark.parametrize("seed", SEEDS)
def test_filter_bank_square_root_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 64))
    x = _ints(rng, np.uint64, (n,), int(rng.integers(1, 65)))
    edges = np.array([0, 1, 2**32 - 1, 2**32, 2**64 - 1, 2**62], dtype=np.uint64)
    k = min(n // 4, len(edges))
    x[:k] = edges[:k]
    _assert_same(sqrt_model(n), [x, np.array(seed % 16, np.int32)])


@pytest.mark.parametrize("seed", SEEDS)
def test_spectral_subtraction_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    params = frontend.FrontendParams(
        channels=int(rng.integers(1, 64)),
        even_smoothing=float(rng.uniform(0, 1)),
        odd_smoothing=float(rng.choice([0.0, rng.uniform(0, 1)])),
        smoothing_bits=int(rng.integers(0, 16)),
        spectral_subtraction_bits=int(rng.integers(8, 20)),
        min_signal_remaining=float(rng.uniform(0, 1)),
        clamping=bool(seed % 2),
    )
    x = _ints(rng, np.uint32, (params.channels,), int(rng.integers(4, 33)))
    _assert_same(spectral_model(params), [x], frames=6)


@pytest.mark.parametrize("seed", SEEDS)
def test_pcan_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 64))
    gain_bits = int(rng.integers(16, 24))
    lut = frontend.pcan_gain_lut(
        float(rng.uniform(0.5, 1)), float(rng.uniform(1, 100)), int(rng.integers(0, 10)), gain_bits
    )
    bits = int(rng.integers(2, 33))
    x, noise = _ints(rng, np.uint32, (n,), bits), _ints(rng, np.uint32, (n,), bits)
    noise[: min(n, 3)] = [0, 1, 2][: min(n, 3)]
    _assert_same(pcan_model(n, lut, int(rng.integers(0, 12))), [x, noise])


@pytest.mark.parametrize("seed", SEEDS)
def test_filter_bank_log_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 64))
    options = {
        "input_correction_bits": int(rng.integers(0, 32)),
        "output_scale": int(rng.choice([1, 64, 1600, 70000, 1 << 31])),
    }
    model = custom_op_model(
        "SignalFilterBankLog",
        [T((n,), np.uint32, name="x")],
        [T((n,), np.int16, name="y")],
        options,
    )
    x = _ints(rng, np.uint32, (n,), int(rng.integers(1, 33)))
    x[: min(n, 3)] = [0, 1, 2][: min(n, 3)]
    _assert_same(model, [x])


def test_kiss_factors() -> None:
    assert kiss_factors(256) == [4, 4, 4, 4]
    assert kiss_factors(128) == [4, 4, 4, 2]
    assert kiss_factors(120) == [4, 2, 3, 5]
    assert kiss_factors(50) == [2, 5, 5]
    assert kiss_factors(14) == [2, 7]


# -- errors ---------------------------------------------------------------------------------


def _window_model(raw: bytes | None = None, options: dict | None = None) -> bytes:
    return custom_op_model(
        "SignalWindow",
        [T((1, 8), np.int16, name="x"), T((8,), np.int16, np.ones(8, np.int16), name="w")],
        [T((1, 8), np.int16, name="y")],
        options,
        raw_options=raw,
    )


def test_malformed_options_name_the_operator() -> None:
    for raw in (b"\x01\x02", b"shift\x00\x01\x07\x01\x01\x01\x0c\x04\x02\x24\x08", b"\xff" * 16):
        with pytest.raises(micro.ModelError, match=r"operator 0 \(SignalWindow"):
            micro.Interpreter.from_bytes(_window_model(raw))
    with pytest.raises(micro.ModelError, match="lack shift"):
        micro.Interpreter.from_bytes(_window_model(options={"other": 1}))
    with pytest.raises(micro.UnsupportedOpError, match="shift 40"):
        micro.Interpreter.from_bytes(_window_model(options={"shift": 40}))


def test_unsupported_fft_length_and_type() -> None:
    model = custom_op_model(
        "SignalRfft",
        [T((28,), np.int16, name="x")],
        [T((30,), np.int16, name="y")],
        {"T": 7, "fft_length": 28},
    )
    with pytest.raises(micro.UnsupportedOpError, match=r"radices \[2, 7\]"):
        micro.Interpreter.from_bytes(model)
    model = custom_op_model(
        "SignalRfft",
        [T((64,), np.int8, name="x")],
        [T((66,), np.int8, name="y")],
        {"T": 9, "fft_length": 64},
    )
    with pytest.raises(micro.UnsupportedOpError, match="T=9"):
        micro.Interpreter.from_bytes(model)


def test_energy_range_outside_the_spectrum() -> None:
    model = custom_op_model(
        "SignalEnergy",
        [T((20,), np.int16, name="x")],
        [T((10,), np.uint32, name="y")],
        {"start_index": 2, "end_index": 11},
    )
    with pytest.raises(micro.ModelError, match=r"bins \[2, 11\)"):
        micro.Interpreter.from_bytes(model)


def test_filter_bank_band_outside_the_input() -> None:
    tables = [
        np.ones(4, np.int16),
        np.ones(4, np.int16),
        np.array([0, 9], np.int16),
        np.array([0, 0], np.int16),
        np.array([2, 2], np.int16),
    ]
    model = custom_op_model(
        "SignalFilterBank",
        [T((10,), np.uint32, name="x")]
        + [T(t.shape, np.int16, t, name=f"t{i}") for i, t in enumerate(tables)],
        [T((1,), np.uint64, name="y")],
        {"num_channels": 1},
    )
    with pytest.raises(micro.ModelError, match="channel 1: bins"):
        micro.Interpreter.from_bytes(model)


def test_wrong_dtype_is_unsupported() -> None:
    model = custom_op_model(
        "SignalFilterBankLog",
        [T((4,), np.int32, name="x")],
        [T((4,), np.int16, name="y")],
        {"input_correction_bits": 0, "output_scale": 1},
    )
    with pytest.raises(micro.UnsupportedOpError, match="int32; supported: uint32"):
        micro.Interpreter.from_bytes(model)


def test_spectral_subtraction_state_resets() -> None:
    params = frontend.FrontendParams(channels=8)
    it = micro.Interpreter.from_bytes(spectral_model(params))
    x = np.arange(100, 108, dtype=np.uint32) * 1000
    first = []
    for _ in range(3):
        it.set_input(x, 0)
        it.invoke()
        first.append(it.get_output(1))
    assert not np.array_equal(first[0], first[2])  # the noise estimate adapts...
    it.reset()
    it.set_input(x, 0)
    it.invoke()
    np.testing.assert_array_equal(it.get_output(1), first[0])  # ...and reset restarts it


def test_flexbuffers_options_decode_as_tflm_writes_them(reference: Ref) -> None:
    model = micro.load_model(reference("tflm/micro_speech/audio_preprocessor_int8.tflite"))
    options = {
        op.name: flexbuffers.loads(op.custom_options)
        for op in model.subgraphs[0].operators
        if op.custom_options
    }
    assert options["SignalRfft"] == {"T": 7, "fft_length": 512}
    assert options["SignalEnergy"] == {"end_index": 241, "start_index": 5}
    assert options["SignalFilterBankSpectralSubtraction"]["clamping"] is False
