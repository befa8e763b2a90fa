"""The synthetic training set: which takes to synthesize, and their augmented clips' features.

Every installed text-to-speech voice says each keyword a few times at different rates and
pitches, plus a sample of other English words (the *unknown* class); some voices are held
out entirely for the report (``HELD_OUT_*``). A share of the keyword takes is re-spoken by a
new WORLD voice (``voices``). Each take is augmented into one-second clips (``synth``), half
of them mixed with recorded noise when some is given; synthetic backgrounds make *silence*.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

import numpy as np

from ..progress import Progress
from . import corpus, realdata, synth
from . import voices as voices_mod
from .network import CHANNELS, FRAMES

log = logging.getLogger(__name__)

FeatureFn = Callable[[np.ndarray], np.ndarray]
DATA_VERSION = 2

#: Voices never used for training; the report's accuracy is measured on them.
HELD_OUT_ACCENTS = ("en-gb-scotland",)
HELD_OUT_VARIANTS = ("Andy", "f3", "m4", "klatt2", "croak", "whisper", "edward", "linda", "max")
HELD_OUT_VOICES = ("flite:rms", "festival:ked_diphone")


def is_held_out(voice: synth.Voice) -> bool:
    if voice.id in HELD_OUT_VOICES:
        return True
    if voice.engine != "espeak":
        return False
    accent, _, variant = voice.name.partition("+")
    return accent in HELD_OUT_ACCENTS or variant in HELD_OUT_VARIANTS


#: Unknown words that sound like "yes" or "no" (same onset or rhyme); ``--no-rhymes`` drops
#: them, to measure whether they teach the model to reject real keywords.
RHYMES = (
    "yet", "yard", "young", "yoga", "mess", "less", "guess", "chess", "dress", "test",
    "bless", "nose", "note", "nice", "new", "never", "show", "slow", "snow", "toe", "row",
    "bow",
)  # fmt: skip


@dataclass
class DataConfig:
    words: tuple[str, ...] = ("yes", "no")
    seed: int = 1234
    espeak_takes: int = 2  # takes of each keyword per espeak voice
    espeak_unknown: int = 4  # unknown words per espeak voice
    natural_takes: int = 8  # takes of each keyword per flite/festival voice
    espeak_copies: int = 2  # augmented clips per espeak keyword take
    espeak_unknown_copies: int = 1
    natural_copies: int = 24  # augmented clips per flite/festival keyword take
    natural_unknown_copies: int = 2
    silence_fraction: float = 0.16  # of the training clips
    unknown_words: tuple[str, ...] = field(default_factory=lambda: synth.UNKNOWN_WORDS)
    rhymes: bool = True  # keep the keywords' near-rhymes (RHYMES) among the unknown words
    world_fraction: float = 0.15  # of the keyword takes also re-spoken by a new WORLD voice
    world_copies: int = 10  # augmented clips per re-spoken take
    noise: tuple[str, ...] = ()  # recorded noise files mixed into half the clips

    @property
    def labels(self) -> list[str]:
        return ["silence", "unknown", *self.words]

    def digest(self) -> str:
        """Names the cached features; bump ``DATA_VERSION`` when synthesis or augmentation
        changes."""
        text = json.dumps({**self.__dict__, "version": DATA_VERSION}, sort_keys=True, default=list)
        return hashlib.sha1(text.encode()).hexdigest()[:12]


@dataclass
class Dataset:
    x_train: np.ndarray  # int8 [N, 49, 40]
    y_train: np.ndarray  # int [N]
    x_test: np.ndarray  # held-out voices
    y_test: np.ndarray
    voices_train: list[str]
    voices_test: list[str]


def plan_takes(cfg: DataConfig, voices: Sequence[synth.Voice]) -> list[tuple[synth.Take, int, int]]:
    """(take, label index, augmented copies) for every utterance to synthesize."""
    rng = np.random.default_rng(cfg.seed)
    unknown = [w for w in cfg.unknown_words if w not in cfg.words]
    # Without the rhymes the plan is the same takes minus theirs (the random draws do not
    # move), so the ablation changes nothing else and reuses the synthesized audio.
    dropped = () if cfg.rhymes else RHYMES
    plan: list[tuple[synth.Take, int, int]] = []

    def espeak_take(voice: synth.Voice, word: str) -> synth.Take:
        rate, pitch = round(float(rng.uniform(0.7, 1.3)), 2), int(rng.integers(15, 85))
        return synth.Take(voice, word, rate, pitch)

    for voice in voices:
        if voice.engine == "espeak":
            for label, word in enumerate(cfg.words, start=2):
                for _ in range(cfg.espeak_takes):
                    plan.append((espeak_take(voice, word), label, cfg.espeak_copies))
            for word in rng.choice(unknown, size=cfg.espeak_unknown, replace=False):
                take = espeak_take(voice, str(word))
                if word not in dropped:
                    plan.append((take, 1, cfg.espeak_unknown_copies))
        else:
            for label, word in enumerate(cfg.words, start=2):
                for rate in np.linspace(0.8, 1.25, cfg.natural_takes):
                    take = synth.Take(voice, word, round(float(rate), 2))
                    plan.append((take, label, cfg.natural_copies))
            for word in unknown:
                take = synth.Take(voice, word, round(float(rng.uniform(0.85, 1.15)), 2))
                if word not in dropped:
                    plan.append((take, 1, cfg.natural_unknown_copies))
    return plan


def train_words(cfg: DataConfig, voices: Sequence[synth.Voice]) -> list[str]:
    """The word of each training example ``build_dataset`` makes, in its order ("" for
    silence): its items replayed without synthesizing, for dropping some words' examples from
    cached features (``--drop-unknown``). Assumes the re-spoken voices were made (pyworld)."""
    plan = plan_takes(cfg, voices)
    rng = np.random.default_rng(cfg.seed + 1)
    words = [t.word for t, _, n in plan if not is_held_out(t.voice) for _ in range(n)]
    respeak = [
        take.word
        for take, label, _ in plan
        if label >= 2 and not is_held_out(take.voice) and rng.random() < cfg.world_fraction
    ]
    words += [w for w in respeak for _ in range(cfg.world_copies)]
    silence = int(cfg.silence_fraction / (1 - cfg.silence_fraction) * len(words))
    return words + [""] * silence


def without_words(data: Dataset, cfg: DataConfig, words: Sequence[str]) -> tuple[Dataset, int]:
    """``data`` minus the training examples of the unknown ``words`` (the held-out voices and
    every other example untouched: an ablation of just those words), and how many went."""
    bad = sorted(set(words) - set(cfg.unknown_words) | set(words) & set(cfg.words))
    if bad:
        raise ValueError(f"not synthetic unknown words: {', '.join(bad)}")
    per = np.array(train_words(cfg, synth.available_voices()))
    if len(per) != len(data.y_train) or not (data.y_train[per == ""] == 0).all():
        raise RuntimeError("the cached synthetic features do not follow the plan: --rebuild")
    drop = np.isin(per, list(words))
    kept = replace(data, x_train=data.x_train[~drop], y_train=data.y_train[~drop])
    return kept, int(drop.sum())


def takes_of(cfg: DataConfig, words: Sequence[str]) -> int:
    """How many training examples of the synthetic set are of the unknown ``words`` (what
    ``without_words`` drops of them)."""
    return int(np.isin(train_words(cfg, synth.available_voices()), list(words)).sum())


def build_dataset(
    cfg: DataConfig,
    cache_dir: Path,
    features: FeatureFn,
    jobs: int = 2,
    stream: TextIO | None = None,
) -> Dataset:
    """Synthesize (cached), augment and featurize the training and held-out clips."""
    voices = synth.available_voices()
    if not voices:
        raise RuntimeError(
            "no text-to-speech voices found: install Debian's espeak-ng, flite, festival and "
            "festvox-* packages"
        )
    plan = plan_takes(cfg, voices)
    bar = Progress(len(plan), "synthesize", stream)
    audio = synth.synthesize([t for t, _, _ in plan], cache_dir, jobs=jobs, progress=bar.update)
    bar.close()

    rng = np.random.default_rng(cfg.seed + 1)
    items: list[tuple[bool, int, np.ndarray | None, float]] = []  # held out, label, take, strength
    for take, label, copies in plan:
        held = is_held_out(take.voice)
        for _ in range(1 if held else copies):
            items.append((held, label, audio[take], 1.0))
    respeak = [
        (take, label)
        for take, label, _ in plan
        if label >= 2 and not is_held_out(take.voice) and rng.random() < cfg.world_fraction
    ]
    if respeak and voices_mod.available():
        bar = Progress(len(respeak), "re-speak", stream)
        for take, label in respeak:
            new_voice = voices_mod.respeak_cached(cache_dir, take.key(), audio[take])
            items += [(False, label, new_voice, 1.0)] * cfg.world_copies
            bar.update()
        bar.close()
    elif respeak:
        log.warning("pyworld is not installed: no re-spoken voices (pip install pyworld)")
    noises = corpus.load_noise([Path(p) for p in cfg.noise])
    n_train_words = sum(1 for held, *_ in items if not held)
    n_test_words = len(items) - n_train_words
    n_sil_train = int(cfg.silence_fraction / (1 - cfg.silence_fraction) * n_train_words)
    n_sil_test = int(cfg.silence_fraction / (1 - cfg.silence_fraction) * n_test_words)
    items += [(False, 0, None, 1.0)] * n_sil_train + [(True, 0, None, 1.0)] * n_sil_test

    xs = np.empty((len(items), FRAMES, CHANNELS), np.int8)
    ys = np.empty(len(items), np.int64)
    held_mask = np.empty(len(items), bool)
    bar = Progress(len(items), "features", stream)
    for i, (held, label, take_audio, strength) in enumerate(items):
        if take_audio is None:
            clip = synth.silence_clip(rng)
        else:
            clip = synth.place_word(rng, take_audio, strength)
        if noises and not held and rng.random() < 0.5:
            clip = realdata.mix_noise(rng, clip, noises, rng.uniform(0.0, 30.0))
            clip = np.clip(np.round(clip), -32768, 32767).astype(np.int16)
        xs[i] = features(clip)
        ys[i] = label
        held_mask[i] = held
        bar.update()
    bar.close()
    voices_test = sorted(v.id for v in voices if is_held_out(v))
    voices_train = sorted(v.id for v in voices if not is_held_out(v))
    return Dataset(
        xs[~held_mask], ys[~held_mask], xs[held_mask], ys[held_mask], voices_train, voices_test
    )


def synthetic_set(
    cfg: DataConfig, cache: Path, features: FeatureFn, frontend: str, args: argparse.Namespace,
    stream: TextIO | None,
) -> Dataset:  # fmt: skip
    """The synthesized clips' features, cached by the configuration's digest."""
    tag = hashlib.sha1(frontend.encode()).hexdigest()[:6]
    feature_file = cache / f"features-{cfg.digest()}-{tag}.npz"
    if feature_file.exists() and not args.rebuild:
        saved = np.load(feature_file)
        return Dataset(
            saved["x_train"],
            saved["y_train"],
            saved["x_test"],
            saved["y_test"],
            [str(v) for v in saved["voices_train"]],
            [str(v) for v in saved["voices_test"]],
        )
    data = build_dataset(cfg, cache, features, jobs=args.jobs, stream=stream)
    cache.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        feature_file,
        x_train=data.x_train,
        y_train=data.y_train,
        x_test=data.x_test,
        y_test=data.y_test,
        voices_train=np.array(data.voices_train),
        voices_test=np.array(data.voices_test),
    )
    return data
