"""WORLD re-spoken voices (micro/speech/voices.py): the vocal tract, pitch and rate each move
what they should and nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from micro.speech import voices

pytest.importorskip("pyworld", reason="pyworld is not installed (pip install 'micro[train]')")


def _vowel(f0: float = 120.0, formants: tuple[float, ...] = (700.0, 1200.0, 2600.0)) -> np.ndarray:
    """0.5 s of a synthetic vowel: a pulse train at f0 through resonators at the formants."""
    n = 8000
    source = np.zeros(n)
    source[:: int(16000 / f0)] = 1.0
    spectrum = np.fft.rfft(source)
    f = np.fft.rfftfreq(n, 1 / 16000)
    envelope = sum(1.0 / (1.0 + ((f - fc) / 80.0) ** 2) for fc in formants)
    x = np.fft.irfft(spectrum * envelope, n)
    return (x / np.abs(x).max() * 12000).astype(np.int16)


def _centroid(x: np.ndarray) -> float:
    power = np.abs(np.fft.rfft(x.astype(np.float64))) ** 2
    f = np.fft.rfftfreq(len(x), 1 / 16000)
    return float((power * f).sum() / power.sum())


def _f0(x: np.ndarray) -> float:
    """Pitch by autocorrelation over 60..400 Hz of the middle 0.2 s."""
    mid = x[len(x) // 2 - 1600 : len(x) // 2 + 1600].astype(np.float64)
    ac = np.correlate(mid, mid, "full")[len(mid) - 1 :]
    lag = 40 + int(np.argmax(ac[40:267]))
    return 16000 / lag


def test_tract_moves_formants_not_pitch() -> None:
    x = _vowel()
    same = voices.transform(x)  # the vocoder's own smoothing, unwarped
    short = voices.transform(x, tract=1.2)
    long = voices.transform(x, tract=0.85)
    assert _centroid(short) > _centroid(same) * 1.08 > _centroid(long) * 1.08
    assert _f0(short) == pytest.approx(_f0(x), rel=0.05)


def test_pitch_scales_f0_and_rate_the_length() -> None:
    x = _vowel()
    assert _f0(voices.transform(x, pitch=1.5)) == pytest.approx(1.5 * _f0(x), rel=0.06)
    fast = voices.transform(x, rate=1.6)
    assert len(fast) == pytest.approx(len(x) / 1.6, rel=0.05)
    assert _f0(fast) == pytest.approx(_f0(x), rel=0.05)


def test_silence_and_tiny_input_do_not_crash() -> None:
    assert not voices.transform(np.zeros(4000, np.int16)).any()
    assert voices.transform(np.ones(10, np.int16)).shape == (10,)
    out = voices.random_transform(np.random.default_rng(0), _vowel())
    assert out.dtype == np.int16 and np.abs(out).max() > 1000
