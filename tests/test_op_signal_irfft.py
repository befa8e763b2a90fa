"""SignalIrfft, int16, int32 and float32 (KISS FFT's kiss_fftri as TFLM runs it): generated
models against TFLM over FFT lengths of every supported radix mix, full-scale and small
inputs, several frames; an RFFT followed by the IRFFT against TFLM; the refusals."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import T, custom_op_model
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe

import micro

LENGTHS = [4, 6, 8, 10, 12, 16, 18, 20, 24, 30, 32, 40, 50, 64, 100, 128, 150, 256, 480, 512]


def irfft_model(
    frames: tuple[int, ...], length: int, ttype: int = 7, dtype: type = np.int16
) -> bytes:
    return custom_op_model(
        "SignalIrfft",
        [T((*frames, length + 2), dtype, name="x")],
        [T((*frames, length), dtype, name="y")],
        {"T": ttype, "fft_length": length},
    )


TYPES = {np.int16: 7, np.int32: 2, np.float32: 0}


@pytest.mark.parametrize("dtype", list(TYPES), ids=["int16", "int32", "float32"])
@pytest.mark.parametrize("length", LENGTHS)
def test_matches_tflm(length: int, dtype: type) -> None:
    rng = np.random.default_rng(length)
    frames = tuple(int(d) for d in rng.integers(1, 4, int(rng.integers(1, 3))))
    model = irfft_model(frames, length, TYPES[dtype], dtype)
    shape = (*frames, length + 2)
    if dtype is np.float32:
        cases = [rng.normal(0, 1, shape), rng.normal(0, 1e4, shape)]
    else:
        top = int(np.iinfo(dtype).max)
        cases = [rng.integers(-top - 1, top + 1, shape), rng.integers(-300, 301, shape)]
    for x in cases:
        assert_matches_tflm(model, inputs=[np.asarray(x).astype(dtype)])


def test_rfft_then_irfft_matches_tflm() -> None:
    """A frame through SignalRfft and back: the bins the inverse reads come from the forward
    transform, as in a resynthesis pipeline."""
    length = 64
    model = custom_op_model(
        "SignalRfft",
        [T((2, length), np.int16, name="x")],
        [T((2, length + 2), np.int16, name="bins")],
        {"T": 7, "fft_length": length},
    )
    rng = np.random.default_rng(1)
    x = rng.integers(-20000, 20000, (2, length)).astype(np.int16)
    it = micro.Interpreter.from_bytes(model)
    it.set_input(x)
    it.invoke()
    bins = it.get_output()
    assert_matches_tflm(irfft_model((2,), length), inputs=[bins])


def test_int8_is_unsupported() -> None:
    with pytest.raises(micro.UnsupportedOpError, match="T=9"):
        micro.Interpreter.from_bytes(irfft_model((1,), 16, 9, np.int8))


def test_radix_7_is_unsupported() -> None:
    with pytest.raises(micro.UnsupportedOpError, match="radices"):
        micro.Interpreter.from_bytes(irfft_model((1,), 14))


def test_input_not_holding_the_bins_is_malformed() -> None:
    model = custom_op_model(
        "SignalIrfft", [T((1, 16), np.int16)], [T((1, 16), np.int16)], {"T": 7, "fft_length": 16}
    )
    with pytest.raises(micro.ModelError, match="H\\+1 complex bins"):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize("dtype", list(TYPES), ids=["int16", "int32", "float32"])
def test_tampered_params_are_refused_or_safe(dtype: type) -> None:
    assert_hostile_params_safe(irfft_model((2,), 40, TYPES[dtype], dtype))
