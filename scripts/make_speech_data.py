"""Regenerate micro/speech/data: micro's audio preprocessor model and the demo clips.

    python scripts/make_speech_data.py

The preprocessor is built by micro.speech.frontend (tests check it is bit-identical to
TFLM's). The clips are spoken by espeak-ng (Debian package `espeak-ng`), resampled to
16 kHz, placed in one second with a little noise, and stored as 16-bit mono .wav.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from micro.progress import Progress  # noqa: E402
from micro.speech.features import BUNDLED_PREPROCESSOR  # noqa: E402
from micro.speech.frontend import build_preprocessor  # noqa: E402
from micro.speech.wav import read_wav, write_wav  # noqa: E402

DATA = ROOT / "micro" / "speech" / "data"


def spoken(word: str, voice: str = "en-us", speed: int = 150) -> np.ndarray:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "word.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(path), word], check=True
        )
        return read_wav(path)


def clip(word: str | None, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = rng.normal(0, 20, 16000)
    if word is not None:
        audio = spoken(word).astype(np.float64)
        nz = np.flatnonzero(np.abs(audio) > 200)
        audio = audio[nz[0] : nz[-1] + 1][:14000]
        start = (16000 - len(audio)) // 2
        out[start : start + len(audio)] += audio * (12000 / max(1.0, np.abs(audio).max()))
    return np.clip(np.round(out), -32768, 32767).astype(np.int16)


CLIPS = (("yes", "yes", 1), ("no", "no", 2), ("silence", None, 3))


def main() -> None:
    DATA.mkdir(parents=True, exist_ok=True)
    with Progress(1 + len(CLIPS), "speech data", stages=True) as bar:
        bar.stage(BUNDLED_PREPROCESSOR)
        (DATA / BUNDLED_PREPROCESSOR).write_bytes(build_preprocessor())
        for name, word, seed in CLIPS:
            bar.stage(f"demo_{name}.wav")
            write_wav(DATA / f"demo_{name}.wav", clip(word, seed))


if __name__ == "__main__":
    main()
