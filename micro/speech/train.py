"""Train a small keyword model on synthesized speech and write it as a full-integer int8 .tflite.

    micro speech train --words yes,no --out yes_no.tflite

The pipeline, end to end on this machine (``pip install micro[train]`` plus Debian's
``espeak-ng flite festival festvox-*`` packages):

1. **Takes.** Every installed text-to-speech voice says each keyword a few times at
   different rates and pitches, and a sample of other English words (the *unknown* class);
   some voices are held out entirely for the report (``HELD_OUT``).
2. **Clips.** Each take is augmented (speed/pitch, reverb from a synthetic room, microphone
   colour, gain, background noise at a random SNR, time shift) into a one-second 16 kHz
   clip; synthetic backgrounds alone make the *silence* class (see ``synth``).
3. **Features.** Each clip becomes 49x40 int8 features through micro's own copy of TFLM's
   micro_speech front end, the same features the demo computes at run time.
4. **Model.** A small depthwise-separable CNN (Keras) trains on them; the converter makes
   it full-integer int8 (int8 input with the front end's own scale, int8 softmax output).
5. **Report.** The int8 model is scored on the held-out voices (per class); a JSON report
   goes next to the model.

Labels are ``silence, unknown, <words...>`` in that order, like TFLM's micro_speech.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import logging
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from . import card, corpus, realdata, synth
from . import voices as voices_mod
from .network import (
    CHANNELS,
    FRAMES,
    Shape,
    build_model,
    check_io,
    check_ops,
    convert_int8,
    predict_int8,
    to_float,
)

log = logging.getLogger(__name__)

WINDOW, STRIDE = 480, 320  # 30 ms windows every 20 ms at 16 kHz

DATA_VERSION = 2
FESTVOX_PACKAGES = ("kallpc16k", "kdlpc16k", "us-slt-hts")

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


# --------------------------------------------------------------------------- progress


class Progress:
    """A one-line text progress bar on a terminal stream (redrawn at most 10 times a second)."""

    def __init__(self, total: int, label: str, stream: TextIO | None = None) -> None:
        self.total, self.label, self.done = max(total, 1), label, 0
        self.stream = stream if stream is not None else sys.stderr
        self.start = self._last = time.monotonic()
        self.note = ""
        self._draw(force=True)

    def update(self, n: int = 1, note: str | None = None) -> None:
        self.done = min(self.total, self.done + n)
        if note is not None:
            self.note = note
        self._draw(force=self.done == self.total)

    def close(self) -> None:
        self._draw(force=True)
        self.stream.write("\n")
        self.stream.flush()

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < 0.1:
            return
        self._last = now
        width = 30
        filled = width * self.done // self.total
        elapsed = now - self.start
        eta = elapsed / self.done * (self.total - self.done) if self.done else 0.0
        line = (
            f"\r{self.label:<10} [{'#' * filled}{'.' * (width - filled)}] "
            f"{self.done}/{self.total} {elapsed:4.0f}s eta {eta:4.0f}s {self.note}"
        )
        self.stream.write(line[:120].ljust(80))
        self.stream.flush()


# --------------------------------------------------------------------------- features

FeatureFn = Callable[[np.ndarray], np.ndarray]


def feature_extractor(frontend_model: str | None = None) -> tuple[FeatureFn, str]:
    """The function clip (int16[16000]) -> int8[49, 40] features, and its description.

    By default micro computes the features, as the demo does at run time: its own
    preprocessor model in micro's interpreter (``features.FeatureGenerator``), state reset
    per clip. ``frontend_model`` instead runs that .tflite (TFLM's
    ``audio_preprocessor_int8.tflite``) in TFLM's Python interpreter -- the same bytes, a
    cross-check."""
    if frontend_model is None:
        from .features import FeatureGenerator

        generator = FeatureGenerator()
        return generator.features, "micro.speech.features.FeatureGenerator"

    from tflite_micro.python.tflite_micro import runtime

    pre = runtime.Interpreter.from_bytes(Path(frontend_model).read_bytes())

    def tflm(clip: np.ndarray) -> np.ndarray:
        pre.reset()
        out = np.empty((FRAMES, CHANNELS), np.int8)
        for i in range(FRAMES):
            pre.set_input(clip[i * STRIDE : i * STRIDE + WINDOW].reshape(1, WINDOW), 0)
            pre.invoke()
            out[i] = np.asarray(pre.get_output(0)).reshape(CHANNELS)
        return out

    return tflm, f"TFLM interpreter running {Path(frontend_model).name}"


# --------------------------------------------------------------------------- data set

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
    if not cfg.rhymes:
        unknown = [w for w in unknown if w not in RHYMES]
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
                plan.append((espeak_take(voice, str(word)), 1, cfg.espeak_unknown_copies))
        else:
            for label, word in enumerate(cfg.words, start=2):
                for rate in np.linspace(0.8, 1.25, cfg.natural_takes):
                    take = synth.Take(voice, word, round(float(rate), 2))
                    plan.append((take, label, cfg.natural_copies))
            for word in unknown:
                take = synth.Take(voice, word, round(float(rng.uniform(0.85, 1.15)), 2))
                plan.append((take, 1, cfg.natural_unknown_copies))
    return plan


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


# --------------------------------------------------------------------------- model


def spec_augment(x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Mask a random band of channels and a run of frames in each example (float inputs
    [N, 1960], in place; 0.0 is the front end's lowest value)."""
    view = x.reshape(len(x), FRAMES, CHANNELS)
    for example in view:
        if rng.random() < 0.5:
            f0 = rng.integers(0, CHANNELS - 6)
            example[:, f0 : f0 + rng.integers(1, 7)] = 0.0
        if rng.random() < 0.5:
            t0 = rng.integers(0, FRAMES - 6)
            example[t0 : t0 + rng.integers(1, 7), :] = 0.0
    return x


def train_keras(
    x_train: np.ndarray,
    y_train: np.ndarray,
    num_classes: int,
    epochs: int,
    seed: int,
    stream: TextIO | None = None,
    shape: Shape | None = None,
) -> Any:
    import keras

    keras.utils.set_random_seed(seed)
    model = build_model(num_classes, shape or Shape())
    batch = 64
    steps = (len(y_train) + batch - 1) // batch
    lr = keras.optimizers.schedules.CosineDecay(3e-3, decay_steps=epochs * steps, alpha=0.02)
    model.compile(
        optimizer=keras.optimizers.Adam(lr),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    bar = Progress(epochs * steps, "train", stream)

    class Bar(keras.callbacks.Callback):
        def on_train_batch_end(self, batch: int, logs: dict[str, float] | None = None) -> None:
            logs = logs or {}
            bar.update(1, f"loss {logs.get('loss', 0):.3f} acc {logs.get('accuracy', 0):.3f}")

    rng = np.random.default_rng(seed)
    x = to_float(x_train)
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        xe = spec_augment(x[order].copy(), rng)
        model.fit(
            xe,
            y_train[order],
            batch_size=batch,
            epochs=epoch + 1,
            initial_epoch=epoch,
            verbose=0,
            callbacks=[Bar()],
            shuffle=False,
        )
    bar.close()
    return model


# --------------------------------------------------------------------------- command


def _package_versions(names: Sequence[str]) -> dict[str, str]:
    """Debian package versions of the synthesizers (dpkg-query), "absent" when not installed."""
    found: dict[str, str] = {}
    for name in names:
        try:
            out = subprocess.run(
                ["dpkg-query", "-W", "-f=${Version}", name], capture_output=True, text=True
            )
            found[name] = out.stdout.strip() if out.returncode == 0 else "absent"
        except OSError:
            found[name] = "unknown (no dpkg-query)"
    return found


def versions() -> dict[str, str]:
    import tensorflow as tf

    from .. import __version__

    return {
        "micro": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "tensorflow": tf.__version__,
        **_package_versions(
            ["espeak-ng", "flite", "festival", *(f"festvox-{v}" for v in FESTVOX_PACKAGES)]
        ),
    }


def _words(text: str) -> tuple[str, ...]:
    words = tuple(w.strip().lower() for w in text.split(",") if w.strip())
    if len(words) < 1 or len(set(words)) != len(words):
        raise SystemExit(f"--words needs distinct words, got {text!r}")
    return words


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


def recorded_set(
    cfg: realdata.RealConfig, labels: Sequence[str], cache: Path, features: FeatureFn,
    frontend: str, rebuild: bool, stream: TextIO | None,
) -> realdata.RealSet:  # fmt: skip
    """The recorded pool's features (train copies and validation clips), cached."""
    path = cache / f"recorded-{realdata.digest(cfg, labels, frontend)}.npz"
    if path.exists() and not rebuild:
        return realdata.load_saved(path)
    n = len(corpus.scan(cfg.data, cfg.reserved)) if cfg.data else 0
    bar = Progress(n, "recorded", stream)
    data = realdata.build(cfg, labels, features, bar.update)
    bar.close()
    realdata.save(data, path)
    return data


def run(args: argparse.Namespace, stream: TextIO | None = None) -> dict[str, Any]:
    """Train, convert, evaluate and write the model and its card; returns the card."""
    words = _words(args.words)
    sources = {s.strip() for s in args.sources.split(",") if s.strip()}
    if not sources or sources - {"synthetic", "recorded"}:
        raise SystemExit(f"--sources takes synthetic and/or recorded, got {args.sources!r}")
    if "recorded" in sources and not args.data:
        raise SystemExit("--sources recorded needs --data DIR (Speech Commands layout)")
    reserved = corpus.read_reserved(args.reserved) if args.reserved else frozenset()
    if args.data and not reserved:
        log.warning("no --reserved speakers: every recorded speaker may be used")
    fraction = args.validation_fraction
    noise = [p for d in args.noise for p in corpus.noise_files(d)]
    noise_train = tuple(str(p) for p in noise if not corpus.is_validation(p.stem, fraction))
    cfg = DataConfig(words=words, seed=args.seed, rhymes=args.rhymes, noise=noise_train)
    out = Path(args.out or f"{'_'.join(words)}.tflite")
    cache = Path(args.cache)
    features, frontend = feature_extractor(args.frontend_model)

    synthetic = (
        synthetic_set(cfg, cache, features, frontend, args, stream)
        if "synthetic" in sources
        else None
    )
    real = None
    if args.data:
        real_cfg = realdata.RealConfig(
            Path(args.data), reserved, tuple(Path(d) for d in args.noise), fraction
        )
        real = recorded_set(real_cfg, cfg.labels, cache, features, frontend, args.rebuild, stream)
    parts = ([synthetic.x_train] if synthetic else []) + (
        [real.x_train] if real is not None and "recorded" in sources else []
    )
    labels_parts = ([synthetic.y_train] if synthetic else []) + (
        [real.y_train] if real is not None and "recorded" in sources else []
    )
    x_train, y_train = np.concatenate(parts), np.concatenate(labels_parts)

    shape = Shape.parse(args.channels)
    model = train_keras(x_train, y_train, len(cfg.labels), args.epochs, args.seed, stream, shape)
    pick = np.random.default_rng(args.seed).choice(len(x_train), 400, replace=False)
    tflite = convert_int8(model, x_train[pick], shape)
    check_io(tflite)
    ops = check_ops(tflite)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(tflite)

    counts = np.bincount(y_train, minlength=len(cfg.labels))
    report: dict[str, Any] = {
        "labels": cfg.labels,
        "size_bytes": len(tflite),
        "versions": versions(),
        "features": frontend,
        "ops": ops,
        "seed": args.seed,
        "epochs": args.epochs,
        "channels": str(shape),
        "trained_on": sorted(sources),
        "unknown_near_rhymes": args.rhymes,
        "train_clips": {name: int(c) for name, c in zip(cfg.labels, counts, strict=True)},
        "sources": card.sources(real if "recorded" in sources else None, args.data, words),
    }
    if synthetic is not None:
        report["train_voices"] = len(synthetic.voices_train)
        report["held_out"] = {
            "espeak_accents": list(HELD_OUT_ACCENTS),
            "espeak_variants": list(HELD_OUT_VARIANTS),
            "voices": list(HELD_OUT_VOICES),
            "voice_count": len(synthetic.voices_test),
        }
        scores = predict_int8(tflite, synthetic.x_test)
        report["held_out_accuracy"] = card.accuracy_report(scores, synthetic.y_test, cfg.labels)
    if real is not None:
        report["validation_speakers"] = card.on_real_speech(tflite, cfg.labels, real)
    card.write(out, report, real if "recorded" in sources else None)
    return report


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--words", default="yes,no", help="comma-separated keywords (default yes,no)")
    p.add_argument(
        "--out",
        help="output .tflite (default WORD_WORD.tflite); a .json report is written beside it",
    )
    p.add_argument(
        "--cache",
        default=".cache/micro-speech",
        help="where synthesized audio and features are cached",
    )
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument(
        "--channels",
        default=str(Shape()),
        help="channels of the first convolution, then of each depthwise-separable block",
    )
    p.add_argument(
        "--data",
        metavar="DIR",
        help="recorded speech in the Speech Commands layout (DIR/<word>/<speaker>_nohash_<n>.wav)",
    )
    p.add_argument(
        "--reserved",
        metavar="FILE",
        help="speaker hashes never to use, one a line (../shared/speech/reserved_speakers.txt)",
    )
    p.add_argument(
        "--noise",
        metavar="DIR",
        action="append",
        default=[],
        help="a folder of recorded noise .wav files (repeatable); split by file name",
    )
    p.add_argument(
        "--sources",
        default="synthetic,recorded",
        help="what to train on: synthetic, recorded or both (validation is always recorded)",
    )
    p.add_argument(
        "--validation-fraction",
        type=float,
        default=0.3,
        help="share of the recorded speakers (and noise files) kept for validation",
    )
    p.add_argument(
        "--no-rhymes",
        dest="rhymes",
        action="store_false",
        help="leave the keywords' near-rhymes out of the synthetic unknown words",
    )
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("--jobs", type=int, default=2, help="parallel synthesizer processes")
    p.add_argument("--rebuild", action="store_true", help="recompute cached features")
    p.add_argument(
        "--frontend-model",
        metavar="TFLITE",
        help="compute features by running this preprocessor .tflite in TFLM's "
        "interpreter instead of micro's front end (a cross-check)",
    )


def cmd_train(args: argparse.Namespace) -> int:
    report = run(args)
    print(f"wrote {report['model']} ({report['size_bytes']:,} B)")
    if "held_out_accuracy" in report:
        acc = report["held_out_accuracy"]
        per = ", ".join(f"{k} {v['accuracy']:.1%}" for k, v in acc["per_class"].items())
        print(f"held-out synthetic voices: {acc['accuracy']:.1%} ({per})")
    for word, where in report["sources"]["keywords"].items():
        print(f"'{word}': {where}")
    if "validation_speakers" in report:
        val = report["validation_speakers"]
        rows = ", ".join(f"{k} {v['right']}/{v['total']}" for k, v in val["demo"].items())
        alarms = val["false_alarms"]
        print(f"validation speakers, as the demo hears them: {rows}")
        print(
            f"false alarms: {alarms['count']} in {alarms['minutes']} min "
            f"({alarms['per_hour']} per hour)"
        )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="micro speech train", description=__doc__.split("\n")[0])
    add_arguments(parser)
    args = parser.parse_args(argv)
    missing = [m for m in ("tensorflow", "keras") if importlib.util.find_spec(m) is None]
    missing += [t for t in ("espeak-ng", "flite", "festival") if shutil.which(t) is None]
    if missing:
        print(
            f"error: training needs {', '.join(missing)}: pip install 'micro[train]' and "
            "apt-get install espeak-ng flite festival festvox-kallpc16k festvox-kdlpc16k "
            "festvox-us-slt-hts",
            file=sys.stderr,
        )
        return 2
    logging.basicConfig(level=logging.INFO)
    return cmd_train(args)


if __name__ == "__main__":
    sys.exit(main())
