"""A small Speech Commands tree of tones for the training tests: `<root>/sc/<word>/
<speaker>_nohash_0.wav`, one clip per word and speaker (a Hann-windowed tone whose pitch
tells the word, shifted a little per speaker, in faint noise), the first speaker listed as
reserved in `<root>/reserved.txt`."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from micro.speech.wav import write_wav

RESERVED = "0badbeef"


def tone_tree(root: Path, words: Sequence[tuple[str, float]], speakers: int) -> Path:
    """The tree's folder; `words` are (word, pitch in radians a sample), `speakers` the
    speakers besides the reserved one."""
    rng = np.random.default_rng(0)
    data = root / "sc"
    ids = [RESERVED, *("%08x" % (0x10000000 * k + 7) for k in range(1, speakers + 1))]
    t = np.arange(16000)
    for i, speaker in enumerate(ids):
        for word, pitch in words:
            tone = np.sin(t * (pitch + 0.002 * i)) * np.hanning(16000) * 8000
            path = data / word / f"{speaker}_nohash_0.wav"
            path.parent.mkdir(parents=True, exist_ok=True)
            noisy = np.clip(tone + rng.normal(0, 50, 16000), -32768, 32767)
            write_wav(path, noisy.astype(np.int16))
    (root / "reserved.txt").write_text(f"{RESERVED}\n")
    return data
