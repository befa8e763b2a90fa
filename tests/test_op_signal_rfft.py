"""SignalRfft, int32 and float32 (KISS FFT's kiss_fftr as TFLM runs it; int16 is in
test_signal_ops.py): generated models against TFLM over FFT lengths of every supported radix
mix, frames shorter than the FFT (zero-padded), full-scale and small inputs, float special
values; the refusals."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import T, custom_op_model
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe

import micro

LENGTHS = [4, 6, 8, 10, 12, 16, 18, 20, 24, 30, 32, 40, 50, 64, 100, 128, 150, 256, 480, 512]
TYPES = {np.int32: 2, np.float32: 0}
IDS = ["int32", "float32"]


def rfft_model(frames: tuple[int, ...], samples: int, length: int, dtype: type) -> bytes:
    return custom_op_model(
        "SignalRfft",
        [T((*frames, samples), dtype, name="x")],
        [T((*frames, length + 2), dtype, name="bins")],
        {"T": TYPES[dtype], "fft_length": length},
    )


@pytest.mark.parametrize("dtype", list(TYPES), ids=IDS)
@pytest.mark.parametrize("length", LENGTHS)
def test_matches_tflm(length: int, dtype: type) -> None:
    rng = np.random.default_rng(length)
    frames = tuple(int(d) for d in rng.integers(1, 4, int(rng.integers(1, 3))))
    for samples in (length, int(rng.integers(1, length))):
        model = rfft_model(frames, samples, length, dtype)
        shape = (*frames, samples)
        if dtype is np.float32:
            cases = [rng.normal(0, 1, shape), rng.normal(0, 1e30, shape)]
        else:
            top = int(np.iinfo(dtype).max)
            cases = [
                rng.integers(-top - 1, top + 1, shape),
                rng.integers(-300, 301, shape),
                np.full(shape, -top - 1),
                np.full(shape, top),
            ]
        for x in cases:
            assert_matches_tflm(model, inputs=[np.asarray(x).astype(dtype)])


@pytest.mark.parametrize("length", [8, 30, 64])
def test_float_special_values_match_tflm(length: int) -> None:
    """inf, -inf, NaN, the largest finite values (overflowing sums) and subnormals."""
    model = rfft_model((4,), length, length, np.float32)
    rng = np.random.default_rng(length)
    x = rng.normal(0, 1, (4, length)).astype(np.float32)
    big = np.finfo(np.float32).max
    x[0, 3] = np.inf
    x[1, 0] = -np.inf
    x[1, 5] = np.nan
    x[2, :] = big
    x[3, :] = np.float32(1e-45) * rng.integers(-5, 6, length)
    assert_matches_tflm(model, inputs=[x])


@pytest.mark.parametrize("length", [8, 16, 64])
def test_full_scale_square_waves_match_tflm(length: int) -> None:
    """Full-scale square waves overflow int32 in the split's s + t: TFLM wraps the sum before
    halving it (a sum taken wider and then halved gives other bins here)."""
    model = rfft_model((length // 2,), length, length, np.int32)
    n = np.arange(length)
    waves = np.cos(2 * np.pi * np.outer(np.arange(length // 2), n) / length + 0.3)
    x = np.where(waves >= 0, 2**31 - 1, -(2**31)).astype(np.int32)
    assert_matches_tflm(model, inputs=[x])


def test_zero_padded_frame_matches_tflm() -> None:
    """Frames of L < 2H samples: the rest of the FFT frame is zeros."""
    model = rfft_model((3,), 7, 40, np.int32)
    x = np.random.default_rng(3).integers(-(2**31), 2**31, (3, 7)).astype(np.int32)
    assert_matches_tflm(model, inputs=[x])


@pytest.mark.parametrize("dtype", list(TYPES), ids=IDS)
def test_radix_7_is_unsupported(dtype: type) -> None:
    with pytest.raises(micro.UnsupportedOpError, match="radices"):
        micro.Interpreter.from_bytes(rfft_model((1,), 14, 14, dtype))


def test_type_option_and_tensors_must_agree() -> None:
    model = custom_op_model(
        "SignalRfft",
        [T((16,), np.int16, name="x")],
        [T((18,), np.int16, name="bins")],
        {"T": 2, "fft_length": 16},
    )
    with pytest.raises(micro.MicroError, match="int32"):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize("dtype", list(TYPES), ids=IDS)
def test_output_not_holding_the_bins_is_malformed(dtype: type) -> None:
    model = custom_op_model(
        "SignalRfft",
        [T((2, 16), dtype)],
        [T((2, 16), dtype)],
        {"T": TYPES[dtype], "fft_length": 16},
    )
    with pytest.raises(micro.ModelError, match="complex bins"):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize("dtype", list(TYPES), ids=IDS)
def test_frame_longer_than_the_fft_is_malformed(dtype: type) -> None:
    with pytest.raises(micro.ModelError, match="do not fit"):
        micro.Interpreter.from_bytes(rfft_model((1,), 20, 16, dtype))


@pytest.mark.parametrize("dtype", list(TYPES), ids=IDS)
def test_tampered_params_are_refused_or_safe(dtype: type) -> None:
    assert_hostile_params_safe(rfft_model((2,), 33, 40, dtype))
