"""Hard negatives: the windows of non-keyword audio that a keyword model takes for a keyword.

The usual cure for false alarms: stream audio that holds no keyword through a trained model
as the demo does (the streaming front end, the model on every other 20 ms step), keep each
one-second feature window whose keyword score reaches ``threshold``, and train the next model
with those windows as *unknown*. Only train-side audio is streamed -- the train speakers'
other words, other recorded speech (``--speech``), on a bed of the train-side noise -- never
a validation or reserved speaker.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import corpus, evaluate
from .features import FeatureGenerator
from .network import CHANNELS, FRAMES
from .pipeline import KeywordModel
from .wav import AudioError, read_wav

VERSION = 1  # bump when the mining changes
BATCH = 200  # recordings per stream: bounds the memory of one stream
COPIES = 1  # each mined window joins the unknown class this many times


@dataclass
class Mined:
    x: np.ndarray  # int8 [N, 49, 40]: windows that fired
    seconds: float  # of audio streamed
    model_sha256: str


def windows(model: KeywordModel, audio: np.ndarray, threshold: float, every: int = 2) -> np.ndarray:
    """The feature windows of ``audio`` (int16, one stream) at every ``every``-th step whose
    highest keyword score (labels after silence and unknown) reaches ``threshold``."""
    rows = FeatureGenerator().push(np.asarray(audio, np.int16))
    keep = []
    for end in range(FRAMES, len(rows) + 1, every):
        window = rows[end - FRAMES : end]
        if model.scores(window)[2:].max() >= threshold:
            keep.append(window.copy())
    return np.stack(keep) if keep else np.zeros((0, FRAMES, CHANNELS), np.int8)


def train_side_audio(
    data: Path | None, reserved: frozenset[str], fraction: float, keywords: Sequence[str],
    speech: Sequence[Path],
) -> list[np.ndarray]:  # fmt: skip
    """The non-keyword recordings of the train side: the train speakers' other words (one
    second each) and every readable file of the other-speech folders, whole."""
    audio: list[np.ndarray] = []
    if data is not None:
        train = corpus.split(corpus.scan(data, reserved), fraction)[0]
        audio += corpus.load([c for c in train if c.word not in keywords])
    for root in speech:
        for path in corpus.noise_files(root):
            try:
                audio.append(read_wav(path))
            except AudioError:
                continue  # corpus.load_speech has already warned about it
    return audio


def mine(
    model: bytes, labels: Sequence[str], audio: Sequence[np.ndarray],
    noises: Sequence[np.ndarray], threshold: float = 0.5, seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> Mined:  # fmt: skip
    """Stream ``audio`` (recordings one after another with pauses, on the noise bed, in
    batches of BATCH) through ``model``; the windows that fired."""
    net = KeywordModel(model, tuple(labels))
    rng = np.random.default_rng(seed)
    found, seconds = [], 0.0
    for start in range(0, len(audio), BATCH):
        stream = evaluate.long_stream(rng, audio[start : start + BATCH], noises)
        seconds += len(stream) / 16000
        found.append(windows(net, stream, threshold))
        if progress:
            progress(len(audio[start : start + BATCH]))
    x = np.concatenate(found) if found else np.zeros((0, FRAMES, CHANNELS), np.int8)
    return Mined(x, seconds, hashlib.sha256(model).hexdigest())


def cached(
    path_of: Callable[[str], Path], model: bytes, key: object,
    compute: Callable[[], Mined],
) -> Mined:  # fmt: skip
    """``compute()``'s result, saved at ``path_of(digest)`` of the model and ``key``."""
    text = repr((hashlib.sha256(model).hexdigest(), key, VERSION))
    path = path_of(hashlib.sha1(text.encode()).hexdigest()[:12])
    if path.exists():
        saved = np.load(path)
        return Mined(saved["x"], float(saved["seconds"]), str(saved["sha256"]))
    mined = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, x=mined.x, seconds=mined.seconds, sha256=mined.model_sha256)
    return mined
