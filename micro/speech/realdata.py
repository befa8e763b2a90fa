"""Training and validation examples from recorded speech and noise (see ``corpus``).

Train side (augmented copies): each keyword clip is (if asked) played faster or slower,
shifted in time, made quiet or loud, sometimes put in a room or through a cheap microphone,
and mixed with a recorded noise (or a synthetic one) at a random SNR; other words are the
*unknown* class; one-second noise excerpts at random levels join the *silence* class; other
recorded speech (wake words, digits: ``RealConfig.speech``), augmented the same way, widens
the *unknown* class. Validation side: the validation speakers' clips as recorded, and
excerpts of the validation noise files.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from . import corpus, synth, wav

Features = Callable[[np.ndarray], np.ndarray]
CLIP = synth.CLIP_SAMPLES
VERSION = 1  # bump when augmentation changes

#: SNR range (dB, as ``mix_noise`` measures it) of the ``low_snr`` share of the copies. On the
#: keyword stream (``evaluate.laid_stream``: the validation bed 15 dB below the keywords'
#: median peak) the validation keywords' SNR, so measured, is below 0 dB for 13 % of them and
#: below 5 dB for 22 % (5th percentile -7 dB); the usual copies' SNR is never below 0 dB.
LOW_SNR_DB = (-8.0, 8.0)
#: Where the ``edge`` share puts the word's onset in the one-second window (s): early, the
#: word at the window's start as the stream's model sees it leave; late, the word coming in.
EDGE_EARLY = (0.0, 0.2)
EDGE_LATE = (0.6, 0.8)


@dataclass
class RealConfig:
    data: Path | None
    reserved: frozenset[str]
    noise: tuple[Path, ...] = ()
    validation_fraction: float = 0.3
    keyword_copies: int = 16
    unknown_copies: int = 6  # other words teach what is not a keyword: as many as keywords
    silence_per_file_second: float = 4.0  # train silence excerpts per second of noise
    speech: tuple[Path, ...] = ()  # folders of other speech: train-side unknown (add_speech)
    speech_copies: int = 1
    seed: int = 4321
    more_data: tuple[Path, ...] = ()  # further Speech Commands-layout folders (scan_many)
    speed: float = 0.0  # the pool's clips play up to this much faster or slower (``augment``)
    # of the train side's speakers (and other-speech groups), held out of training for the
    # tuning stream (``corpus.tuning_split``); 0: none
    tuning_fraction: float = 0.0
    # the keyword stream's conditions (``augment``), for keyword and other-word copies alike
    # so neither a low SNR nor a word at the window's edge tells a keyword; 0: none
    low_snr: float = 0.0  # share of copies mixed with noise at ``LOW_SNR_DB``
    edge: float = 0.0  # share of copies with the word's onset at an edge (``edge_shift``)
    # the labels after the keywords (``--decoys``): other words with a class of their own,
    # each clip with the other words' copies (only its label differs from an other word's)
    decoys: tuple[str, ...] = ()

    @property
    def roots(self) -> list[Path]:
        return [] if self.data is None else [self.data, *self.more_data]


@dataclass
class RealSet:
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    val_words: list[str]  # the word of each validation example ("" for silence)
    val_audio: np.ndarray  # int16 [N, 16000]: the validation examples as heard
    files_train: list[str] = field(default_factory=list)
    files_val: list[str] = field(default_factory=list)
    noise_train: list[str] = field(default_factory=list)
    noise_val: list[str] = field(default_factory=list)
    speech_train: list[str] = field(default_factory=list)  # other speech, "<folder>/<path>"
    counts: dict[str, int] = field(default_factory=dict)
    # the tuning part (``RealConfig.tuning_fraction``): clips as recorded, never trained on
    tune_words: list[str] = field(default_factory=list)
    tune_audio: np.ndarray = field(default_factory=lambda: np.zeros((0, CLIP), np.int16))
    files_tune: list[str] = field(default_factory=list)
    # per folder of the pool ("" the first, else its name, as the training list names it): its
    # own credit (``corpus.source_info``) and its clips per word on each side (``source_counts``)
    data_sources: dict[str, dict[str, Any]] = field(default_factory=dict)


def excerpt(rng: np.random.Generator, noise: np.ndarray, n: int = CLIP) -> np.ndarray:
    """A random ``n``-sample piece of a recording (float), looped if it is shorter."""
    if len(noise) < n:
        noise = np.tile(noise, n // len(noise) + 1)
    start = int(rng.integers(0, len(noise) - n + 1))
    return noise[start : start + n].astype(np.float64)


def mix_noise(
    rng: np.random.Generator, clip: np.ndarray, noises: Sequence[np.ndarray], snr_db: float
) -> np.ndarray:
    """Add a recorded noise (a synthetic one when there is none) at ``snr_db`` below the
    clip's loudest 100 ms."""
    x = np.asarray(clip, dtype=np.float64)
    blocks = x[: len(x) // 1600 * 1600].reshape(-1, 1600)
    level = float(np.sqrt((blocks**2).mean(axis=1).max())) + 1e-9
    if noises:
        noise = excerpt(rng, noises[int(rng.integers(len(noises)))])
    else:
        noise = synth.background(rng)
    noise /= np.sqrt(np.mean(noise**2)) + 1e-9
    return x + noise * level * 10.0 ** (-snr_db / 20.0)


def change_speed(x: np.ndarray, factor: float) -> np.ndarray:
    """``x`` stretched ``factor`` times longer (tempo and pitch together, as a tape run
    slower), cut or padded about its middle back to its own length. A short resampling
    kernel: an augmentation needs no better, and it is four times cheaper."""
    y = wav.resample(x, CLIP, CLIP * factor, half_taps=8)
    start = (len(y) - len(x)) // 2
    if start >= 0:
        return y[start : start + len(x)]
    return np.concatenate([np.zeros(-start), y, np.zeros(len(x) - len(y) + start)])


def onset(x: np.ndarray, frame: int = 160, below_db: float = 20.0) -> int:
    """The sample where a word starts: the first 10 ms frame whose RMS is within
    ``below_db`` of the loudest frame's (0 for a silent clip)."""
    x = np.asarray(x, dtype=np.float64)
    frames = x[: len(x) // frame * frame].reshape(-1, frame)
    rms = np.sqrt((frames**2).mean(axis=1))
    if not len(rms) or rms.max() <= 0.0:
        return 0
    return int(np.flatnonzero(rms >= rms.max() * 10.0 ** (-below_db / 20.0))[0]) * frame


def edge_shift(rng: np.random.Generator, x: np.ndarray) -> int:
    """The shift that puts ``x``'s word onset (``onset``) at a random point of
    ``EDGE_EARLY`` or ``EDGE_LATE`` (even odds) of the window; a late word runs past the
    window's end, as a word the stream's model is only starting to hear."""
    lo, hi = EDGE_EARLY if rng.random() < 0.5 else EDGE_LATE
    target = int(rng.uniform(lo, hi) * 16000)
    return target - onset(x)


def augment(
    rng: np.random.Generator,
    audio: np.ndarray,
    noises: Sequence[np.ndarray],
    speed: float = 0.0,
    low_snr: float = 0.0,
    edge: float = 0.0,
) -> np.ndarray:
    """One augmented copy of a one-second recording (int16); 80 % of the copies are
    stretched by a factor within 1 +- ``speed`` (``change_speed``). A share ``edge`` of
    the copies has its word's onset put near the window's start or end (``edge_shift``), the
    others are shifted up to 1/6 s; a share ``low_snr`` is mixed with noise at an SNR within
    ``LOW_SNR_DB``, 75 % of the others within 0..30 dB. With both shares 0 the random draws,
    and so the copies, are the same as before the shares existed."""
    x = np.asarray(audio, dtype=np.float64)
    if speed and rng.random() < 0.8:
        x = change_speed(x, rng.uniform(1.0 - speed, 1.0 + speed))
    if edge and rng.random() < edge:
        shift = edge_shift(rng, x)
    else:
        shift = int(rng.integers(-CLIP // 6, CLIP // 6 + 1))
    x = np.roll(x, shift)
    if shift > 0:
        x[:shift] = 0.0
    elif shift < 0:
        x[shift:] = 0.0
    if rng.random() < 0.3:
        x = synth.convolve(x, synth.room_impulse(rng, rng.uniform(0.1, 0.7)))[:CLIP]
    if rng.random() < 0.3:
        x = synth.microphone(rng, x)
    x *= 32767.0 * 10.0 ** (rng.uniform(-40.0, -1.0) / 20.0) / (np.max(np.abs(x)) + 1e-9)
    if low_snr and rng.random() < low_snr:
        x = mix_noise(rng, x, noises, rng.uniform(*LOW_SNR_DB))
    elif rng.random() < 0.75:
        x = mix_noise(rng, x, noises, rng.uniform(0.0, 30.0))
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def silence_example(rng: np.random.Generator, noises: Sequence[np.ndarray]) -> np.ndarray:
    """A noise excerpt at a random level, 0.1 % .. 30 % of full scale RMS (int16)."""
    x = excerpt(rng, noises[int(rng.integers(len(noises)))])
    x *= 32767.0 * 10.0 ** (rng.uniform(-60.0, -10.0) / 20.0) / (np.sqrt(np.mean(x**2)) + 1e-9)
    return np.clip(np.round(x), -32768, 32767).astype(np.int16)


def noise_split(cfg: RealConfig) -> tuple[list[Path], list[Path]]:
    """The noise files of the train side and of the validation side (by file name)."""
    paths = [p for root in cfg.noise for p in corpus.noise_files(root)]
    val = [p for p in paths if corpus.is_validation(p.stem, cfg.validation_fraction)]
    return [p for p in paths if p not in val], val


def source_counts(
    roots: Sequence[Path], sides: dict[str, Sequence[corpus.Clip]]
) -> dict[str, dict[str, Any]]:
    """Per folder of the pool, keyed as ``Clip.source`` names it ("" for the first): its own
    credit (``corpus.source_info``) and how many of its clips of each word each side holds
    (``sides``: name -> clips, e.g. train, validation, tuning)."""
    out: dict[str, dict[str, Any]] = {}
    for i, root in enumerate(roots):
        name = "" if i == 0 else Path(root).name
        per_word: dict[str, dict[str, int]] = {}
        for side, clips in sides.items():
            for clip in clips:
                if clip.source == name:
                    counts = per_word.setdefault(clip.word, dict.fromkeys(sides, 0))
                    counts[side] += 1
        out[name] = {**corpus.source_info(root), "per_word": dict(sorted(per_word.items()))}
    return out


def build(
    cfg: RealConfig,
    labels: Sequence[str],
    features: Features,
    progress: Callable[[int], None] | None = None,
) -> RealSet:
    """Features of the recorded pool: augmented train copies and the validation clips."""
    if cfg.data is None:
        raise ValueError("no data folder")
    words = list(labels[2:])
    rng = np.random.default_rng(cfg.seed)
    names = sorted(Path(r).name for r in cfg.more_data)
    if len(set(names)) < len({Path(r).resolve() for r in cfg.more_data}):
        # the training list and the card name a further folder's clips by the folder's name
        raise ValueError(f"two further --data folders share a name: {names}")
    clips = corpus.scan_many(cfg.roots, cfg.reserved)
    train, val = corpus.split(clips, cfg.validation_fraction)
    train, tune = corpus.tuning_split(train, cfg.tuning_fraction)
    noise_train, noise_val = noise_split(cfg)
    noises = corpus.load_noise(noise_train)
    noises_val = corpus.load_noise(noise_val)

    def label(word: str) -> int:
        return 2 + words.index(word) if word in words else 1

    xs: list[np.ndarray] = []
    ys: list[int] = []
    audio = corpus.load(train)
    for clip, samples in zip(train, audio, strict=True):
        y = label(clip.word)
        keyword = y >= 2 and clip.word not in cfg.decoys
        copies = cfg.keyword_copies if keyword else cfg.unknown_copies
        for _ in range(copies):
            xs.append(features(augment(rng, samples, noises, cfg.speed, cfg.low_snr, cfg.edge)))
            ys.append(y)
        if progress:
            progress(1)
    seconds = sum(len(n) for n in noises) / 16000
    n_silence = int(seconds * cfg.silence_per_file_second) if noises else 0
    for _ in range(n_silence):
        xs.append(features(silence_example(rng, noises)))
        ys.append(0)
    for _ in range(max(0, len(xs) // 7 - n_silence)):  # at least 1/8 silence
        xs.append(features(synth.silence_clip(rng)))
        ys.append(0)

    xv, yv, val_words, val_audio = [], [], [], []
    for clip, samples in zip(val, corpus.load(val), strict=True):
        val_audio.append(samples)
        xv.append(features(samples))
        yv.append(label(clip.word))
        val_words.append(clip.word)
        if progress:
            progress(1)
    for noise in noises_val:  # every second of each validation noise file, at two levels
        for start in range(0, len(noise) - CLIP + 1, CLIP):
            piece = noise[start : start + CLIP].astype(np.float64)
            for gain in (1.0, 0.1):
                val_audio.append(np.clip(np.round(piece * gain), -32768, 32767).astype(np.int16))
                xv.append(features(val_audio[-1]))
                yv.append(0)
                val_words.append("")

    counts = {name: int(sum(1 for y in ys if y == i)) for i, name in enumerate(labels)}
    return RealSet(
        np.stack(xs) if xs else np.zeros((0, 49, 40), np.int8),
        np.array(ys, np.int64),
        np.stack(xv) if xv else np.zeros((0, 49, 40), np.int8),
        np.array(yv, np.int64),
        val_words,
        np.stack(val_audio) if val_audio else np.zeros((0, CLIP), np.int16),
        [c.name for c in train],
        [c.name for c in val],
        [str(p) for p in noise_train],
        [str(p) for p in noise_val],
        [],
        counts,
        [c.word for c in tune],
        np.stack(corpus.load(tune)) if tune else np.zeros((0, CLIP), np.int16),
        [c.name for c in tune],
        source_counts(cfg.roots, {"train": train, "validation": val, "tuning": tune}),
    )


def add_speech(
    data: RealSet, cfg: RealConfig, features: Features, cache: Path, frontend: str
) -> RealSet:
    """``data`` with the other recorded speech of ``cfg.speech`` on its train side, as
    *unknown*: ``speech_copies`` augmented copies of the loudest second of each readable file
    of the folders' training shares (``corpus.training_speech``, less the tuning part; the
    held-out share is for false alarms only).
    Its features are cached apart from the pool's, by the files, the noise and the copies."""
    import hashlib

    fraction = cfg.validation_fraction
    tuning = cfg.tuning_fraction
    files = [
        (root, p) for root in cfg.speech for p in corpus.training_speech(root, fraction, tuning)
    ]
    noise_train = noise_split(cfg)[0]
    key = repr(([(str(p), p.stat().st_size) for _, p in files], [str(p) for p in noise_train],
                cfg.speech_copies, cfg.seed, frontend, VERSION))  # fmt: skip
    path = cache / f"speech-{hashlib.sha1(key.encode()).hexdigest()[:12]}.npz"
    if path.exists():
        saved = np.load(path)
        x, used = saved["x"], [str(n) for n in saved["files"]]
    else:
        rng = np.random.default_rng(cfg.seed + 1)
        noises = corpus.load_noise(noise_train)
        xs, used = [], []
        for root, file in files:
            for samples in corpus.load_speech([file]):  # none when unreadable
                used.append(f"{root.name}/{file.relative_to(root)}")
                xs += [features(augment(rng, samples, noises)) for _ in range(cfg.speech_copies)]
        x = np.stack(xs) if xs else np.zeros((0, 49, 40), np.int8)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, x=x, files=np.array(used))
    counts = {**data.counts, "unknown": data.counts.get("unknown", 0) + len(x)}
    return replace(
        data,
        x_train=np.concatenate([data.x_train, x]),
        y_train=np.concatenate([data.y_train, np.ones(len(x), np.int64)]),
        speech_train=used,
        counts=counts,
    )


def save(data: RealSet, path: Path) -> None:
    import json

    arrays = {k: v for k, v in vars(data).items() if isinstance(v, np.ndarray)}
    lists = {k: v for k, v in vars(data).items() if not isinstance(v, np.ndarray)}
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays["meta"] = np.array(json.dumps(lists))
    np.savez_compressed(path, allow_pickle=False, **arrays)


def load_saved(path: Path) -> RealSet:
    import json

    saved = np.load(path)
    fields = {k: saved[k] for k in saved.files if k != "meta"}
    return RealSet(**fields, **json.loads(str(saved["meta"])))


def digest(cfg: RealConfig, labels: Sequence[str], frontend: str) -> str:
    """Names the cached features of a recorded pool (a change of any input renames them)."""
    import hashlib

    skip = ("speech", "speech_copies")  # cached apart (add_speech)
    items = [
        (k, sorted(v) if isinstance(v, frozenset) else v)
        for k, v in vars(cfg).items()
        if k not in skip  # the options added later count only when set, as before they were
        and not (
            k in ("more_data", "speed", "tuning_fraction", "low_snr", "edge", "decoys") and not v
        )
    ]
    if cfg.more_data:  # a further folder's files may change under the same name
        listing = repr(corpus.listing(cfg.more_data)).encode()
        items.append(("more_data_files", hashlib.sha1(listing).hexdigest()))
    text = repr((items, tuple(labels), frontend, VERSION))
    return hashlib.sha1(text.encode()).hexdigest()[:12]
