""".wav files of any layout for the audio readers' tests: channels, sample width and rate as
given, the frames' bytes as they are (micro.speech.wav.write_wav writes only mono int16)."""

from __future__ import annotations

import wave
from pathlib import Path


def write_pcm(path: Path, data: bytes, channels: int, width: int, rate: int) -> Path:
    """A PCM .wav at `path` holding `data` (interleaved frames of `width`-byte samples)."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(data)
    return path
