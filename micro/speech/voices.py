"""New voices from a synthesized word: the WORLD vocoder (``pyworld``) re-speaks it with a
longer or shorter vocal tract, another pitch and intonation, at another rate.

WORLD splits speech into a pitch track (F0), a smooth spectral envelope (the vocal tract's
formants) and aperiodicity; each part is changed on its own, then resynthesized:

- vocal-tract length: the envelope's frequency axis is scaled (formants up for a short
  tract, a child's or a small woman's; down for a long one), independently of the pitch;
- pitch: the whole F0 track is scaled and given a rising or falling contour, plus slow
  wobble, as people say a word as a question, a statement or an answer;
- rate: the frames are resampled in time, so the word is said faster or slower without
  changing its pitch (unlike the tape-speed change of ``synth.place_word``).

The text-to-speech voices are few; these are the variety real speakers add.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

SAMPLE_RATE = 16000
FRAME_MS = 5.0


def available() -> bool:
    try:
        import pyworld  # noqa: F401
    except ImportError:
        return False
    return True


def _resample_frames(values: np.ndarray, n: int) -> np.ndarray:
    """Linear interpolation of frame-wise values (rows) to ``n`` frames."""
    src = np.linspace(0.0, len(values) - 1.0, n)
    lo = np.floor(src).astype(int)
    hi = np.minimum(lo + 1, len(values) - 1)
    frac = (src - lo).reshape((-1,) + (1,) * (values.ndim - 1))
    out: np.ndarray = values[lo] * (1.0 - frac) + values[hi] * frac
    return out


def _warp_envelope(sp: np.ndarray, alpha: float) -> np.ndarray:
    """Scale every frame's envelope along frequency by ``alpha`` (>1 moves formants up)."""
    bins = np.arange(sp.shape[1], dtype=np.float64)
    source = np.clip(bins / alpha, 0, sp.shape[1] - 1)
    return np.stack([np.interp(source, bins, frame) for frame in sp])


def transform(
    word: np.ndarray,
    tract: float = 1.0,
    pitch: float = 1.0,
    contour_semitones: float = 0.0,
    rate: float = 1.0,
    wobble_semitones: float = 0.0,
    rng: np.random.Generator | None = None,
) -> np.ndarray:
    """Re-speak ``word`` (16 kHz int16 or float): ``tract`` scales the formants, ``pitch``
    the F0, ``contour_semitones`` adds a linear glide over the word, ``rate`` > 1 speaks
    faster; ``wobble_semitones`` adds slow random F0 movement (needs ``rng``). int16 out,
    at the input's peak level."""
    import pyworld

    x = np.asarray(word, dtype=np.float64)
    peak = float(np.max(np.abs(x))) if len(x) else 0.0
    if peak == 0.0 or len(x) < SAMPLE_RATE // 50:
        return np.zeros(len(x), np.int16)
    x = x / peak
    f0, t = pyworld.dio(x, SAMPLE_RATE, frame_period=FRAME_MS)
    f0 = pyworld.stonemask(x, f0, t, SAMPLE_RATE)
    sp = pyworld.cheaptrick(x, f0, t, SAMPLE_RATE)
    ap = pyworld.d4c(x, f0, t, SAMPLE_RATE)

    n = max(2, round(len(f0) / rate))
    voiced = _resample_frames((f0 > 0).astype(np.float64), n) > 0.5
    f0 = _resample_frames(f0, n)
    sp = _resample_frames(sp, n)
    ap = _resample_frames(ap, n)

    semitones = np.linspace(-0.5, 0.5, n) * contour_semitones
    if wobble_semitones and rng is not None:
        knots = rng.standard_normal(4) * wobble_semitones
        semitones += np.interp(np.linspace(0, 1, n), np.linspace(0, 1, 4), knots)
    f0 = np.where(voiced, f0 * pitch * 2.0 ** (semitones / 12.0), 0.0)
    f0 = np.clip(f0, 0.0, 1000.0)
    sp = np.maximum(_warp_envelope(sp, tract), 1e-16)
    y = pyworld.synthesize(f0, np.ascontiguousarray(sp), np.ascontiguousarray(ap), SAMPLE_RATE)
    y *= peak / (np.max(np.abs(y)) + 1e-9)
    out: np.ndarray = np.clip(np.round(y), -32768, 32767).astype(np.int16)
    return out


def random_transform(rng: np.random.Generator, word: np.ndarray) -> np.ndarray:
    """A random new speaker: tract 0.82..1.22, pitch x0.6..1.7, a glide of up to 5 semitones
    either way, rate 0.75..1.3, a little wobble."""
    return transform(
        word,
        tract=float(rng.uniform(0.82, 1.22)),
        pitch=float(2.0 ** rng.uniform(-0.75, 0.75)),
        contour_semitones=float(rng.uniform(-5.0, 5.0)),
        rate=float(rng.uniform(0.75, 1.3)),
        wobble_semitones=float(rng.uniform(0.0, 1.0)),
        rng=rng,
    )


def respeak_cached(cache_dir: Path, key: str, word: np.ndarray) -> np.ndarray:
    """``random_transform`` of a take, seeded by its ``key`` and cached as a WAV file under
    ``cache_dir/world`` (the vocoder takes a few hundred milliseconds a word)."""
    from .synth import trim
    from .wav import read_wav, write_wav

    path = cache_dir / "world" / f"{key}.wav"
    if path.exists():
        return read_wav(path)
    seed = int(hashlib.sha1(key.encode()).hexdigest()[:8], 16)
    out = random_transform(np.random.default_rng(seed), trim(word))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    write_wav(tmp, out)
    tmp.replace(path)
    return out
