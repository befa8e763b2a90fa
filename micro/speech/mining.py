"""Hard negatives: the windows of non-keyword audio that a keyword model takes for a keyword.

The usual cure for false alarms: stream audio that holds no keyword through a trained model
as the demo does (the streaming front end, the model on every other 20 ms step), keep each
one-second feature window whose keyword score reaches ``threshold``, and train the next model
with those windows as *unknown*. Only train-side audio is streamed -- the train speakers'
other words, other recorded speech (``--speech``), on a bed of the train-side noise -- never
a validation or reserved speaker.

A stream's features differ from a lone clip's: the front end has adapted to the noise bed.
Were every streamed window a negative, the model would learn "adapted front end: unknown"
and stop hearing keywords in a stream (measured: 4 of 88 validation keywords heard in a
stream, from 56). So the train speakers' keyword clips are laid into the same streams, and
windows that hold one whole join their keyword's class: ``POSITIVES`` of them for each laid
copy, their starts drawn from every window that holds the whole *word* (the clip's frames
within ``WORD_DB`` of its loudest, ``word_span``; located in the augmented copy by its lag,
``lag``), not only the windows aligned with the clip: the recognizer averages 0.8 s of
windows, so a word must be heard wherever it lies in the window (mining version 2 took only
the windows starting 0.1-0 s before the clip: 17 of 88 keywords heard in a stream, from 46).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import corpus, evaluate, realdata
from .cache import cache_name
from .features import FeatureGenerator
from .network import CHANNELS, FRAMES
from .pipeline import KeywordModel
from .wav import AudioError, read_wav

VERSION = 3  # bump when the mining changes
STRIDE = 320  # samples between feature rows
FRAME = 480  # samples a feature row reads
BATCH = 200  # recordings per stream: bounds the memory of one stream
KEYWORD_REPEATS = 8  # augmented copies of each keyword clip laid into the streams
POSITIVES = 3  # windows taken from each laid keyword copy
WORD_DB = -20.0  # a clip's word: its 20 ms frames within this many dB of its loudest


@dataclass
class Mined:
    x: np.ndarray  # int8 [N, 49, 40]: windows that fired, then windows that hold a keyword
    y: np.ndarray  # their labels: 1 (unknown) for the first, the keyword's for the others
    seconds: float  # of audio streamed
    model_sha256: str


def windows(
    model: KeywordModel, rows: np.ndarray, threshold: float, every: int = 2,
    skip: np.ndarray | None = None,
) -> np.ndarray:  # fmt: skip
    """The windows of a stream's feature ``rows`` at every ``every``-th step whose highest
    keyword score (labels after silence and unknown) reaches ``threshold``; a window whose
    last row is marked in ``skip`` is passed over."""
    keep = []
    for end in range(FRAMES, len(rows) + 1, every):
        if skip is not None and skip[end - 1]:
            continue
        window = rows[end - FRAMES : end]
        if model.scores(window)[2:].max() >= threshold:
            keep.append(window.copy())
    return np.stack(keep) if keep else np.zeros((0, FRAMES, CHANNELS), np.int8)


def train_side_audio(
    roots: Sequence[Path], reserved: frozenset[str], fraction: float, keywords: Sequence[str],
    speech: Sequence[Path], tuning: float = 0.0, skip: Sequence[str] = (),
) -> list[np.ndarray]:  # fmt: skip
    """The non-keyword recordings of the train side: the train speakers' other words (one
    second each) but those in ``skip``, and every readable file of the other-speech folders'
    training shares, whole; the tuning part (``tuning`` > 0) left out, as training leaves it
    out. ``skip``: words too near a keyword to mine (``--mine-skip``: a window of a real "go"
    that a model takes for "no" taught as unknown also teaches it to reject real "no"s; the
    skipped words' clips stay in training as ordinary unknown examples)."""
    audio: list[np.ndarray] = []
    train = corpus.split(corpus.scan_many(roots, reserved), fraction)[0]
    train = corpus.tuning_split(train, tuning)[0]
    audio += corpus.load([c for c in train if c.word not in keywords and c.word not in skip])
    for root in speech:
        for path in corpus.training_speech(root, fraction, tuning):
            try:
                audio.append(read_wav(path))
            except AudioError:
                continue  # corpus.load_speech has already warned about it
    return audio


def train_side_keywords(
    roots: Sequence[Path], reserved: frozenset[str], fraction: float, keywords: Sequence[str],
    tuning: float = 0.0,
) -> list[tuple[int, np.ndarray]]:  # fmt: skip
    """(label, one-second clip) of every train-side recording of a keyword (labels 2, 3, ...),
    the tuning part left out."""
    train = corpus.split(corpus.scan_many(roots, reserved), fraction)[0]
    train = corpus.tuning_split(train, tuning)[0]
    clips = [c for c in train if c.word in keywords]
    return [
        (2 + list(keywords).index(c.word), a)
        for c, a in zip(clips, corpus.load(clips), strict=True)
    ]


def word_span(clip: np.ndarray) -> tuple[int, int]:
    """The samples ``[first, end)`` of a clip's word: from the first to the last of its
    ``STRIDE``-sample frames whose RMS lies within ``WORD_DB`` of the loudest frame's (the
    whole clip when it is silent)."""
    x = np.asarray(clip, np.float64)
    n = len(x) // STRIDE
    if n == 0:
        return 0, len(x)
    rms = np.sqrt(np.mean(x[: n * STRIDE].reshape(n, STRIDE) ** 2, axis=1))
    if rms.max() <= 0:
        return 0, len(x)
    loud = np.flatnonzero(rms >= rms.max() * 10.0 ** (WORD_DB / 20.0))
    return int(loud[0]) * STRIDE, min(len(x), (int(loud[-1]) + 1) * STRIDE)


def lag(original: np.ndarray, copy: np.ndarray, most: int) -> int:
    """The shift (samples, at most ``most`` either way) by which ``copy`` lies later than
    ``original``: the peak of their cross-correlation (an augmented copy is the original
    shifted, filtered, scaled and on noise)."""
    a = np.asarray(original, np.float64)
    b = np.asarray(copy, np.float64)
    n = 1 << int(np.ceil(np.log2(len(a) + len(b))))
    corr = np.fft.irfft(np.fft.rfft(b, n) * np.conj(np.fft.rfft(a, n)), n)
    lags = np.arange(-most, most + 1)
    return int(lags[np.argmax(corr[lags % n])])


def whole_word_starts(first: int, end: int, rows: int) -> range:
    """The feature rows at which a window of ``FRAMES`` rows starts and holds every sample
    of ``[first, end)`` of the stream (row ``k`` reads samples ``k * STRIDE`` up to
    ``k * STRIDE + FRAME``), in a stream of ``rows`` rows; empty when the word is longer
    than a window."""
    lo = max(0, -(-(end - FRAME) // STRIDE) - (FRAMES - 1))
    hi = min(first // STRIDE, rows - FRAMES)
    return range(lo, hi + 1)


def mine(
    model: bytes, labels: Sequence[str], audio: Sequence[np.ndarray],
    noises: Sequence[np.ndarray], threshold: float = 0.5, seed: int = 0,
    progress: Callable[[int], None] | None = None,
    keywords: Sequence[tuple[int, np.ndarray]] = (),
    repeats: int = KEYWORD_REPEATS,
) -> Mined:  # fmt: skip
    """Stream ``audio`` (recordings one after another with pauses, on the noise bed, in
    batches of BATCH), with ``repeats`` augmented copies of each (label, one-second clip)
    of ``keywords`` laid among them, through ``model``: the windows that fired outside the
    keywords, then ``POSITIVES`` windows of each laid keyword copy that hold its whole word
    (``whole_word_starts``; the windows starting 0.1-0 s before the clip when none does)."""
    net = KeywordModel(model, tuple(labels))
    rng = np.random.default_rng(seed)
    laid = [(label, clip) for label, clip in keywords for _ in range(repeats)]
    order = rng.permutation(len(laid))
    per_batch = -(-len(laid) // max(1, -(-len(audio) // BATCH)))
    negatives, positives, labels_pos, seconds = [], [], [], 0.0
    for b, start in enumerate(range(0, len(audio), BATCH)):
        batch = [(1, a) for a in audio[start : start + BATCH]]
        batch += [laid[i] for i in order[b * per_batch : (b + 1) * per_batch]]
        batch = [batch[i] for i in rng.permutation(len(batch))]
        recordings = [a if k == 1 else realdata.augment(rng, a, noises) for k, a in batch]
        stream, starts = evaluate.laid_stream(rng, recordings, noises)
        seconds += len(stream) / 16000
        rows = FeatureGenerator().push(stream)
        skip = np.zeros(len(rows), bool)
        for (label, clip), copy, at in zip(batch, recordings, starts, strict=True):
            if label == 1:
                continue
            first, end = word_span(clip)
            shift = lag(clip, copy, realdata.CLIP // 6 + STRIDE)
            whole = whole_word_starts(at + first + shift, at + end + shift, len(rows))
            if not whole:  # a word longer than a window: the windows from 0.1 s before
                whole = range(max(0, at // STRIDE - 5), min(at // STRIDE, len(rows) - FRAMES) + 1)
            for k in rng.choice(np.array(whole), min(POSITIVES, len(whole)), replace=False):
                positives.append(rows[k : k + FRAMES].copy())
                labels_pos.append(label)
            lo, hi = max(0, at // STRIDE - 2), (at + realdata.CLIP) // STRIDE + FRAMES
            skip[lo : min(hi, len(skip))] = True  # windows that hold part of a keyword
        negatives.append(windows(net, rows, threshold, skip=skip))
        if progress:
            progress(len(audio[start : start + BATCH]))
    x = np.concatenate(negatives + ([np.stack(positives)] if positives else []))
    y = np.ones(len(x), np.int64)
    y[len(x) - len(positives) :] = labels_pos
    return Mined(x, y, seconds, hashlib.sha256(model).hexdigest())


def cached(
    path_of: Callable[[str], Path], model: bytes, key: object,
    compute: Callable[[], Mined],
) -> Mined:  # fmt: skip
    """``compute()``'s result, saved at ``path_of(digest)`` of the model and ``key``."""
    path = path_of(cache_name(model, key, VERSION))
    if path.exists():
        saved = np.load(path)
        return Mined(saved["x"], saved["y"], float(saved["seconds"]), str(saved["sha256"]))
    mined = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        path, x=mined.x, y=mined.y, seconds=mined.seconds, sha256=mined.model_sha256
    )
    return mined
