"""Reading PCM .wav files (stdlib `wave` + numpy) as 16 kHz mono int16 audio.

Any channel count (averaged to mono), 8-, 16-, 24- or 32-bit integer samples and any rate
(resampled with a windowed-sinc low-pass). 16-bit mono audio already at the target rate is
returned as is, sample for sample. Anything else (compressed or float .wav, not a .wav at
all) is an `AudioError` that says what the file is and what is expected.
"""

from __future__ import annotations

import os
import struct
import wave

import numpy as np

from ..errors import MicroError

SAMPLE_RATE = 16000
# Rates a .wav may claim: below 4 kHz is not speech audio (a 1 Hz header would make a few
# frames minutes of resampling), above 384 kHz no recorder writes.
MIN_RATE, MAX_RATE = 4000, 384000


class AudioError(MicroError, ValueError):
    """An audio file that cannot be read or used."""


def read_wav(path: str | os.PathLike[str], rate: int = SAMPLE_RATE) -> np.ndarray:
    """The file's audio as mono int16 at `rate` Hz."""
    try:
        with wave.open(os.fspath(path), "rb") as w:
            channels, width, source_rate = w.getnchannels(), w.getsampwidth(), w.getframerate()
            announced = w.getnframes()
            if channels >= 1 and width >= 1 and MIN_RATE <= source_rate <= MAX_RATE:
                raw = w.readframes(announced)
            else:
                raw = b""
    except FileNotFoundError:
        raise AudioError(f"{path}: no such file") from None
    except (wave.Error, EOFError, struct.error) as exc:
        reason = str(exc) or "the file ends inside the .wav header"  # EOFError says nothing
        raise AudioError(
            f"{path}: not a PCM .wav file ({reason}); convert it first, e.g. "
            f"`sox {os.fspath(path)} -b 16 -c 1 -r {rate} out.wav`"
        ) from None
    if width not in (1, 2, 3, 4):
        raise AudioError(f"{path}: {8 * width}-bit samples are not supported (8-32 bit PCM)")
    if channels < 1 or not MIN_RATE <= source_rate <= MAX_RATE:
        raise AudioError(
            f"{path}: {channels} channels at {source_rate} Hz is not audio micro can use "
            f"(1 or more channels, {MIN_RATE}-{MAX_RATE} Hz)"
        )
    frames = len(raw) // (width * channels)
    if frames == 0:
        raise AudioError(f"{path}: the file holds no audio samples")
    if frames < announced:
        raise AudioError(
            f"{path}: truncated: the header announces {announced} frames, the file holds {frames}"
        )
    samples = decode_pcm(raw[: frames * width * channels], width).reshape(frames, channels)
    if width == 2 and channels == 1 and source_rate == rate:
        return samples[:, 0].astype(np.int16)
    mono = samples.astype(np.float64).mean(axis=1)
    scale = float(1 << (8 * width - 1))
    audio = resample(mono / scale, source_rate, rate)
    return to_int16(audio)


def decode_pcm(raw: bytes, width: int) -> np.ndarray:
    """Little-endian PCM samples as int32 (8-bit .wav is unsigned, the others signed)."""
    data = np.frombuffer(raw, dtype=np.uint8)
    if width == 1:
        return data.astype(np.int32) - 128
    if width == 2:
        return np.frombuffer(raw, dtype="<i2").astype(np.int32)
    if width == 4:
        return np.frombuffer(raw, dtype="<i4").astype(np.int32)
    b = data.reshape(-1, 3).astype(np.int32)
    value = b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)
    return np.where(value >= 1 << 23, value - (1 << 24), value)


def to_int16(audio: np.ndarray) -> np.ndarray:
    """Float audio in [-1, 1) to int16, rounded and clipped."""
    return np.clip(np.round(audio * 32768.0), -32768, 32767).astype(np.int16)


def resample(audio: np.ndarray, source: float, target: float, half_taps: int = 32) -> np.ndarray:
    """Band-limited resampling from `source` to `target` Hz (the one resampler: .wav files
    and the training data's speed changes): each output sample is a Kaiser-windowed sinc
    sum of its neighbours, with the cut-off at the lower Nyquist frequency (so downsampling
    does not alias)."""
    audio = np.asarray(audio)
    if source == target or len(audio) == 0:
        return audio.astype(np.float64)
    ratio = target / source
    n_out = int(np.floor(len(audio) * target / source + 1e-9))
    cutoff = min(1.0, ratio)
    offsets = np.arange(-half_taps + 1, half_taps + 1)
    out = np.zeros(n_out)
    padded = np.concatenate([np.zeros(half_taps), audio, np.zeros(half_taps + 1)])
    whole = float(source).is_integer() and float(target).is_integer()
    for start in range(0, n_out, 4096):  # bounded memory for long files
        n = np.arange(start, min(start + 4096, n_out), dtype=np.int64)
        if whole:  # whole rates (a file's): few phases, exact; one kernel per phase
            at = n * int(source)
            base, phase = at // int(target), at % int(target)
            phases, which = np.unique(phase, return_inverse=True)
            kernel = _kernel(phases[:, None] / int(target) - offsets, cutoff, half_taps)[which]
        else:  # any ratio (speed changes): a kernel per output sample
            t = n / ratio  # output times in input samples
            base = np.floor(t).astype(np.int64)
            kernel = _kernel(t[:, None] - (base[:, None] + offsets), cutoff, half_taps)
        idx = base[:, None] + offsets[None, :]
        out[n] = (padded[idx + half_taps] * kernel).sum(axis=1)
    return out


def _kernel(x: np.ndarray, cutoff: float, half_taps: int, beta: float = 8.0) -> np.ndarray:
    """The Kaiser-windowed sinc at distances ``x`` (input samples) from an output sample."""
    edge = np.clip(1.0 - (x / half_taps) ** 2, 0.0, 1.0)
    kernel: np.ndarray = cutoff * np.sinc(cutoff * x) * np.i0(beta * np.sqrt(edge))
    return kernel / np.i0(beta)


def write_wav(path: str | os.PathLike[str], audio: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    """Write mono int16 audio (tests, recordings)."""
    with wave.open(os.fspath(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.asarray(audio, dtype="<i2").tobytes())
