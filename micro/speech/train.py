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
import datetime
import hashlib
import importlib.util
import json
import logging
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from ..progress import Progress
from . import synth

log = logging.getLogger(__name__)

FRAMES, CHANNELS = 49, 40
WINDOW, STRIDE = 480, 320  # 30 ms windows every 20 ms at 16 kHz
#: The model's input quantization: float feature = (int8 + 128) * 2**-5 (exact in float32),
#: so the int8 front-end output *is* the model's int8 input.
INPUT_SCALE, INPUT_ZERO_POINT = 2.0**-5, -128

DATA_VERSION = 1
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


def to_float(x: np.ndarray) -> np.ndarray:
    """int8 features [N, 49, 40] -> the float inputs [N, 1960] the Keras model sees (exact)."""
    flat = x.reshape(len(x), FRAMES * CHANNELS)
    return (flat.astype(np.float32) - INPUT_ZERO_POINT) * np.float32(INPUT_SCALE)


def build_model(num_classes: int, width: int = 24, batch_size: int | None = None) -> Any:
    """A small depthwise-separable CNN on [1, 1960] inputs (TFLM's micro_speech interface):
    conv 10x4/2 -> 2 x (depthwise 3x3 + pointwise) -> average pool -> fully connected ->
    softmax. With ``batch_size=1`` every shape is static, so the converted model holds only
    RESHAPE, CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, FULLY_CONNECTED and SOFTMAX."""
    import keras
    from keras import layers

    inp = keras.Input((FRAMES * CHANNELS,), batch_size=batch_size, name="features")
    x = layers.Reshape((FRAMES, CHANNELS, 1))(inp)
    x = layers.Conv2D(width, (10, 4), strides=(2, 2), padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    for stride in (2, 1):
        x = layers.DepthwiseConv2D((3, 3), strides=stride, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
        x = layers.Conv2D(width * 2 if stride == 1 else width, 1, use_bias=False)(x)
        x = layers.BatchNormalization()(x)
        x = layers.ReLU()(x)
    x = layers.AveragePooling2D(pool_size=(int(x.shape[1]), int(x.shape[2])))(x)
    x = layers.Reshape((int(x.shape[-1]),))(x)
    x = layers.Dropout(0.2)(x)
    out = layers.Dense(num_classes, activation="softmax", name="labels")(x)
    return keras.Model(inp, out)


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
    data: Dataset,
    num_classes: int,
    epochs: int,
    seed: int,
    stream: TextIO | None = None,
    width: int = 24,
) -> Any:
    import keras

    keras.utils.set_random_seed(seed)
    model = build_model(num_classes, width)
    batch = 64
    steps = (len(data.y_train) + batch - 1) // batch
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
    x = to_float(data.x_train)
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        xe = spec_augment(x[order].copy(), rng)
        model.fit(
            xe,
            data.y_train[order],
            batch_size=batch,
            epochs=epoch + 1,
            initial_epoch=epoch,
            verbose=0,
            callbacks=[Bar()],
            shuffle=False,
        )
    bar.close()
    return model


def convert_int8(model: Any, x_calibration: np.ndarray, width: int) -> bytes:
    """Full-integer int8 conversion of a batch-1 copy of ``model``; the input keeps the
    front end's int8 values unchanged (see ``INPUT_SCALE``)."""
    import tensorflow as tf

    single = build_model(int(model.output.shape[-1]), width, batch_size=1)
    single.set_weights(model.get_weights())
    lo = np.full((1, FRAMES, CHANNELS), -128, np.int8)
    hi = np.full((1, FRAMES, CHANNELS), 127, np.int8)
    calib = np.concatenate([lo, hi, x_calibration])

    def representative() -> Any:
        for example in calib:
            yield [to_float(example[None])]

    converter = tf.lite.TFLiteConverter.from_keras_model(single)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    tflite: bytes = converter.convert()
    return tflite


#: What the converted model may contain: ops that micro and TFLM's micro_speech build have.
ALLOWED_OPS = {
    "RESHAPE",
    "CONV_2D",
    "DEPTHWISE_CONV_2D",
    "AVERAGE_POOL_2D",
    "MAX_POOL_2D",
    "FULLY_CONNECTED",
    "SOFTMAX",
    "ADD",
    "MEAN",
}


def check_ops(model: bytes) -> list[str]:
    """The converted model's operators, in order; an error if one is outside ALLOWED_OPS."""
    from ..model import load_model

    names = [op.name for op in load_model(model).subgraphs[0].operators]
    extra = sorted(set(names) - ALLOWED_OPS)
    if extra:
        raise RuntimeError(f"the converted model uses {extra}; allowed: {sorted(ALLOWED_OPS)}")
    return names


def check_io(model: bytes) -> None:
    """The converted model must take the front end's int8 features as they are."""
    from tflite_micro.python.tflite_micro import runtime

    q = runtime.Interpreter.from_bytes(model).get_input_details(0)["quantization_parameters"]
    scale, zp = float(q["scales"][0]), int(q["zero_points"][0])
    if scale != INPUT_SCALE or zp != INPUT_ZERO_POINT:
        raise RuntimeError(
            f"converted input quantization is ({scale}, {zp}), expected "
            f"({INPUT_SCALE}, {INPUT_ZERO_POINT})"
        )


def predict_int8(model: bytes, x: np.ndarray) -> np.ndarray:
    """int8 scores of every example through TFLM's interpreter (the oracle)."""
    from tflite_micro.python.tflite_micro import runtime

    it = runtime.Interpreter.from_bytes(model)
    out = []
    for example in x:
        it.set_input(example.reshape(1, -1), 0)
        it.invoke()
        out.append(np.array(it.get_output(0)).reshape(-1))
    return np.stack(out)


def accuracy_report(scores: np.ndarray, y: np.ndarray, labels: Sequence[str]) -> dict[str, Any]:
    pred = scores.argmax(axis=1)
    per_class = {
        name: {
            "clips": int((y == i).sum()),
            "accuracy": round(float((pred[y == i] == i).mean()), 4),
        }
        for i, name in enumerate(labels)
        if (y == i).any()
    }
    confusion = np.zeros((len(labels), len(labels)), int)
    np.add.at(confusion, (y, pred), 1)
    return {
        "accuracy": round(float((pred == y).mean()), 4),
        "per_class": per_class,
        "confusion": {"rows_true_cols_predicted": list(labels), "counts": confusion.tolist()},
    }


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


def run(args: argparse.Namespace, stream: TextIO | None = None) -> dict[str, Any]:
    """Train, convert, evaluate and write the model and its report; returns the report."""
    words = tuple(w.strip().lower() for w in args.words.split(",") if w.strip())
    if len(words) < 1 or len(set(words)) != len(words):
        raise SystemExit(f"--words needs distinct words, got {args.words!r}")
    cfg = DataConfig(words=words, seed=args.seed)
    out = Path(args.out or f"{'_'.join(words)}.tflite")
    cache = Path(args.cache)
    feature_file = cache / f"features-{cfg.digest()}.npz"
    if feature_file.exists() and not args.rebuild:
        saved = np.load(feature_file)
        data = Dataset(
            saved["x_train"],
            saved["y_train"],
            saved["x_test"],
            saved["y_test"],
            [str(v) for v in saved["voices_train"]],
            [str(v) for v in saved["voices_test"]],
        )
        frontend = str(saved["frontend"])
    else:
        features, frontend = feature_extractor(args.frontend_model)
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
            frontend=np.array(frontend),
        )

    model = train_keras(data, len(cfg.labels), args.epochs, args.seed, stream, args.width)
    pick = np.random.default_rng(args.seed).choice(len(data.x_train), 400, replace=False)
    tflite = convert_int8(model, data.x_train[pick], args.width)
    check_io(tflite)
    ops = check_ops(tflite)
    scores = predict_int8(tflite, data.x_test)

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(tflite)
    counts = np.bincount(data.y_train, minlength=len(cfg.labels))
    report = {
        "model": out.name,
        "labels": cfg.labels,
        "size_bytes": len(tflite),
        "date": datetime.date.today().isoformat(),
        "versions": versions(),
        "features": frontend,
        "ops": ops,
        "seed": args.seed,
        "epochs": args.epochs,
        "width": args.width,
        "train_clips": {name: int(c) for name, c in zip(cfg.labels, counts, strict=True)},
        "train_voices": len(data.voices_train),
        "held_out": {
            "espeak_accents": list(HELD_OUT_ACCENTS),
            "espeak_variants": list(HELD_OUT_VARIANTS),
            "voices": list(HELD_OUT_VOICES),
            "voice_count": len(data.voices_test),
        },
        "held_out_accuracy": accuracy_report(scores, data.y_test, cfg.labels),
    }
    out.with_suffix(".json").write_text(json.dumps(report, indent=1) + "\n")
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
    p.add_argument("--width", type=int, default=24, help="channels of the first layer")
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
    acc = report["held_out_accuracy"]
    per = ", ".join(f"{k} {v['accuracy']:.1%}" for k, v in acc["per_class"].items())
    print(
        f"wrote {args.out or report['model']} ({report['size_bytes']:,} B); held-out voices: "
        f"{acc['accuracy']:.1%} ({per})"
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
