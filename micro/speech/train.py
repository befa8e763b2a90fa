"""Train a small keyword model on synthesized and recorded speech; write it as int8 .tflite.

    micro speech train --words yes,no --data DIR --reserved FILE --noise DIR --out yes_no.tflite
    (the command: micro/cli/speech_train.py)

The pipeline (``pip install micro[train]`` plus Debian's ``espeak-ng flite festival
festvox-*`` packages):

1. **Synthetic speech** (``synthset``): text-to-speech takes of the keywords and of other
   words, some re-spoken by new WORLD voices, augmented into one-second clips; some voices
   are held out for the card's synthetic score.
2. **Recorded speech** (``corpus``, ``realdata``, with ``--data``): a Speech Commands-layout
   folder minus the reserved speakers, split by speaker into train and validation;
   keyword clips augmented (speed if asked, shift, level, room, microphone, noise), other words
   as *unknown*, recorded noise as *silence*. Words the data set lacks stay synthetic.
3. **Features**: micro's own copy of TFLM's micro_speech front end, as the demo computes.
4. **Hard negatives** (``mining``, with ``--hard-negatives MODEL``): train-side windows that
   a trained model takes for a keyword join *unknown*, and keywords heard in those streams
   their own classes.
5. **Model** (``network``): a small DS-CNN in Keras, converted to full-integer int8; with
   ``--teacher MODEL`` (``teachers``) its targets mix the labels with trained models'
   averaged probabilities (distillation).
6. **Card** (``card``): scores on the held-out voices and, as the demo hears them, on the
   validation speakers, with false alarms per hour; ``--sources`` trains on one kind of
   speech only, for the ablation.

Labels are ``silence, unknown, <words...>`` in that order, like TFLM's micro_speech, then
the decoys (``--decoys``: words trained as classes of their own from their recorded clips
alone, never reported: they only keep the model from taking them for a keyword).
"""

from __future__ import annotations

import argparse
import logging
import subprocess
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from .. import training
from ..progress import Progress, keras_callback
from . import averaging, card, confusers, corpus, mining, realdata, teachers, tuning
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
from .recognizer import commands
from .synthset import (
    HELD_OUT_ACCENTS,
    HELD_OUT_VARIANTS,
    HELD_OUT_VOICES,
    DataConfig,
    FeatureFn,
    synthetic_set,
    takes_of,
    without_words,
)

log = logging.getLogger(__name__)

WINDOW, STRIDE = 480, 320  # 30 ms windows every 20 ms at 16 kHz

FESTVOX_PACKAGES = ("kallpc16k", "kdlpc16k", "us-slt-hts")

# --------------------------------------------------------------------------- features


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


def shift_frames(x: np.ndarray, rng: np.random.Generator, most: int) -> np.ndarray:
    """Move each example's frames later or earlier by up to ``most`` (float inputs
    [N, 1960], in place), the frames left empty at the front end's lowest value: a word
    anywhere in the window, as the streaming demo sees it on successive steps."""
    view = x.reshape(len(x), FRAMES, CHANNELS)
    for example, s in zip(view, rng.integers(-most, most + 1, len(view)), strict=True):
        if s > 0:
            example[s:] = example[:-s].copy()
            example[:s] = 0.0
        elif s < 0:
            example[:s] = example[-s:].copy()
            example[s:] = 0.0
    return x


def train_keras(
    x_train: np.ndarray,
    y_train: np.ndarray,
    num_classes: int,
    epochs: int,
    seed: int,
    stream: TextIO | None = None,
    shape: Shape | None = None,
    balance: bool = False,
    frame_shift: int = 0,
    average_last: int = 0,
    sample_weight: np.ndarray | None = None,
    targets: np.ndarray | None = None,
) -> Any:
    """``targets``: float class probabilities [N, classes] to train towards instead of the
    labels ``y_train`` (``teachers.mix``: labels mixed with teachers' outputs; the loss is
    the cross-entropy with them; ``balance`` still weighs each example by its label's class);
    ``balance``: weight each class by the inverse of its share of the examples;
    ``sample_weight``: a weight per example in the loss (``confusers``; with ``balance`` the
    two multiply);
    ``frame_shift``: each epoch moves each example by a new random number of frames, up to
    this many either way (``shift_frames``), before the masks; ``average_last``: the model
    ends with the mean of its weights at the end of each of its last this many epochs, its
    batch-norm statistics recomputed on the training examples (``averaging``)."""
    import keras

    if not 0 <= average_last <= epochs:
        raise ValueError(f"average_last must be in 0..{epochs} (the epochs), got {average_last}")

    keras.utils.set_random_seed(seed)
    model = build_model(num_classes, shape or Shape())
    batch = 64
    steps = (len(y_train) + batch - 1) // batch
    lr = keras.optimizers.schedules.CosineDecay(3e-3, decay_steps=epochs * steps, alpha=0.02)
    if targets is not None and targets.shape != (len(y_train), num_classes):
        raise ValueError(
            f"targets of shape {targets.shape}, expected {(len(y_train), num_classes)}"
        )
    model.compile(
        optimizer=keras.optimizers.Adam(lr),
        loss="sparse_categorical_crossentropy" if targets is None else "categorical_crossentropy",
        metrics=["accuracy"],
    )
    bar = Progress(epochs * steps, "train", stream)
    callback = keras_callback(bar)

    counts = np.bincount(y_train, minlength=num_classes)
    weights = len(y_train) / (num_classes * np.maximum(counts, 1)) if balance else None
    class_weight = None if weights is None else {i: float(w) for i, w in enumerate(weights)}
    if targets is not None and weights is not None and sample_weight is None:
        sample_weight = np.ones(len(y_train))  # soft targets: the labels' classes weigh
    if sample_weight is not None:  # Keras takes one or the other: fold the classes' in
        sample_weight = np.asarray(sample_weight, np.float64)
        if weights is not None:
            sample_weight = sample_weight * weights[y_train]
        class_weight = None
    rng = np.random.default_rng(seed)
    x = to_float(x_train)
    average = averaging.WeightAverage()
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        xe = x[order].copy()
        if frame_shift:
            xe = shift_frames(xe, rng, frame_shift)
        xe = spec_augment(xe, rng)
        model.fit(
            xe,
            y_train[order] if targets is None else targets[order],
            batch_size=batch,
            epochs=epoch + 1,
            initial_epoch=epoch,
            verbose=0,
            callbacks=[callback],
            shuffle=False,
            class_weight=class_weight,
            sample_weight=None if sample_weight is None else sample_weight[order],
        )
        if epoch >= epochs - average_last:
            average.add(model)
    bar.close()
    if average_last:
        average.apply(model)
        averaging.recompute_batch_norm(model, x)
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
    return {
        **training.versions(),
        **_package_versions(
            ["espeak-ng", "flite", "festival", *(f"festvox-{v}" for v in FESTVOX_PACKAGES)]
        ),
    }


def _words(text: str) -> tuple[str, ...]:
    words = tuple(w.strip().lower() for w in text.split(",") if w.strip())
    if len(words) < 1 or len(set(words)) != len(words):
        raise SystemExit(f"--words needs distinct words, got {text!r}")
    return words


def decoy_words(args: argparse.Namespace, words: Sequence[str]) -> tuple[str, ...]:
    """The decoys (``--decoys``): words the model learns as classes of their own, from the
    recorded clips of ``--data`` only, and the recognizer never reports. Refused: a decoy that
    is also a keyword, decoys without recorded clips to train on, or with ``--hard-negatives``
    (its miner takes every class after unknown for a keyword)."""
    text = getattr(args, "decoys", None)
    if not text:
        return ()
    decoys = _words(text)
    both = [w for w in decoys if w in words]
    if both:
        raise SystemExit(f"--decoys {','.join(both)}: a keyword cannot be a decoy too")
    sources = {s.strip() for s in args.sources.split(",")}
    if not args.data or "recorded" not in sources:
        raise SystemExit("--decoys train from recorded clips only: they need --data DIR")
    if args.hard_negatives:
        raise SystemExit("--decoys and --hard-negatives cannot be used together")
    return decoys


def check_decoy_clips(real: realdata.RealSet, decoys: Sequence[str]) -> None:
    """Each decoy must have recorded training clips (``real.counts``: augmented copies)."""
    missing = [w for w in decoys if not real.counts.get(w)]
    if missing:
        raise SystemExit(
            f"--decoys {','.join(missing)}: no recorded clip of it on the train side of --data "
            "(a decoy trains from recorded clips only, never synthetic ones)"
        )


def recorded_set(
    cfg: realdata.RealConfig, labels: Sequence[str], cache: Path, features: FeatureFn,
    frontend: str, rebuild: bool, stream: TextIO | None,
) -> realdata.RealSet:  # fmt: skip
    """The recorded pool's features (train copies and validation clips), cached; then the
    other recorded speech, if any (cached apart)."""
    path = cache / f"recorded-{realdata.digest(cfg, labels, frontend)}.npz"
    if path.exists() and not rebuild:
        data = realdata.load_saved(path)
    else:
        n = len(corpus.scan_many(cfg.roots, cfg.reserved))
        bar = Progress(n, "recorded", stream)
        data = realdata.build(cfg, labels, features, bar.update)
        bar.close()
        realdata.save(data, path)
    return realdata.add_speech(data, cfg, features, cache, frontend) if cfg.speech else data


def hard_negatives(
    args: argparse.Namespace, labels: Sequence[str], reserved: frozenset[str],
    noise_train: Sequence[str], stream: TextIO | None,
) -> mining.Mined:  # fmt: skip
    """The train-side windows that ``--hard-negatives MODEL`` takes for a keyword (cached)."""
    model = Path(args.hard_negatives).read_bytes()
    roots = [Path(d) for d in args.data]
    speech = [Path(d) for d in args.speech]
    fraction = args.validation_fraction
    data_key = str(roots[0]) if len(roots) == 1 else [str(d) for d in roots]  # as before: 1
    key: tuple[Any, ...] = (data_key, sorted(reserved), fraction, list(labels),
                            [str(d) for d in speech], list(noise_train), args.mine_threshold,
                            args.seed)  # fmt: skip
    if args.tuning_fraction:  # the tuning part left out: other windows
        key = (*key, args.tuning_fraction)
    skip = mine_skip(args)
    if skip:  # words not mined: other windows
        key = (*key, "skip", list(skip))
    repeats = mine_repeats(args)
    if repeats != mining.KEYWORD_REPEATS:  # other laid keywords: other windows
        key = (*key, "repeats", repeats)

    def compute() -> mining.Mined:
        tune = args.tuning_fraction
        audio = mining.train_side_audio(roots, reserved, fraction, labels[2:], speech, tune, skip)
        keywords = mining.train_side_keywords(roots, reserved, fraction, labels[2:], tune)
        noises = corpus.load_noise([Path(p) for p in noise_train])
        with Progress(len(audio), "hard negatives", stream) as bar:
            return mining.mine(
                model, labels, audio, noises, args.mine_threshold, args.seed, bar.update,
                keywords, repeats,
            )  # fmt: skip

    return mining.cached(lambda d: Path(args.cache) / f"hard-{d}.npz", model, key, compute)


def distillation(
    args: argparse.Namespace, x: np.ndarray, y: np.ndarray, labels: Sequence[str],
    stream: TextIO | None,
) -> tuple[list[teachers.Teacher], np.ndarray | None]:  # fmt: skip
    """With ``--teacher``: the teachers (their outputs on the training features, cached)
    and the student's targets, the labels mixed with the teachers' mean (``teachers``)."""
    paths = getattr(args, "teacher", None) or []
    if not paths:
        return [], None
    weight = teachers.check_weight(getattr(args, "distill_weight", teachers.DEFAULT_WEIGHT))
    with Progress(len(paths) * len(x), "teachers", stream) as bar:
        found = teachers.load(paths, x, y, labels, Path(args.cache), bar.update)
    return found, teachers.mix(y, teachers.soft_targets(found), weight)


def mine_repeats(args: argparse.Namespace) -> int:
    """Copies of each train-side keyword clip the miner lays into its streams
    (``--mine-repeats``)."""
    repeats = getattr(args, "mine_repeats", None)
    return mining.KEYWORD_REPEATS if repeats is None else int(repeats)


def mine_skip(args: argparse.Namespace) -> tuple[str, ...]:
    """The recorded words the hard-negative miner leaves out (``--mine-skip``), sorted."""
    text = getattr(args, "mine_skip", None)
    return tuple(sorted(_words(text))) if text else ()


def tune_bars(
    tflite: bytes, labels: Sequence[str], real: realdata.RealSet, speech: Sequence[Path],
    args: argparse.Namespace, stream: TextIO | None, decoys: Sequence[str] = (),
) -> dict[str, Any]:  # fmt: skip
    """The tuning part's stream (its speakers' clips, then the other speech's tuning files, on
    the training noise), scored by the trained model, and each keyword's bar chosen on it
    (``tuning``): what the card records."""
    fraction, share = args.validation_fraction, args.tuning_fraction
    files = [(d.name, corpus.tuning_speech(d, fraction, share)) for d in speech]
    noises = corpus.load_noise([Path(p) for p in real.noise_train])
    passes = args.tuning_passes
    keywords = commands(labels, decoys)  # a decoy's clips are other words here
    audio, segments = tuning.tuning_stream(
        real.tune_words, list(real.tune_audio), files, noises, keywords, passes=passes
    )
    with Progress(1, "tune", stream, stages=True) as bar:
        bar.stage("the bars per word on the tuning stream")
        chosen = tuning.tune(
            tflite, labels, audio, segments, args.tune_budget,
            rule=args.tune_rule, cost=args.alarm_cost, passes=passes, decoys=decoys,
        )  # fmt: skip
    return {
        "fraction": share,
        "speakers": len(card.speakers_of(real.files_tune)),
        "clips": {w: sum(1 for x in real.tune_words if x == w) for w in keywords}
        | {"other words": sum(1 for x in real.tune_words if x not in keywords)},
        "other_speech_files": {name: len(f) for name, f in files},
        "noise": "the training noise files",
        **chosen,
    }


def run(args: argparse.Namespace, stream: TextIO | None = None) -> dict[str, Any]:
    """Train, convert, evaluate and write the model and its card; returns the card."""
    words = _words(args.words)
    decoys = decoy_words(args, words)
    skip = mine_skip(args)
    if skip and not args.hard_negatives:
        raise SystemExit("--mine-skip names words the miner leaves out: it needs --hard-negatives")
    if set(skip) & set(words):
        raise SystemExit(f"--mine-skip {','.join(skip)}: a keyword is never mined as unknown")
    if getattr(args, "mine_repeats", None) is not None and (
        not args.hard_negatives or args.mine_repeats < 0
    ):
        raise SystemExit("--mine-repeats N (0 or more) is what --hard-negatives lays: it needs it")
    sources = {s.strip() for s in args.sources.split(",") if s.strip()}
    if not sources or sources - {"synthetic", "recorded"}:
        raise SystemExit(f"--sources takes synthetic and/or recorded, got {args.sources!r}")
    if "recorded" in sources and not args.data:
        raise SystemExit("--sources recorded needs --data DIR (Speech Commands layout)")
    for path in getattr(args, "teacher", None) or []:
        if not Path(path).is_file():
            raise SystemExit(f"--teacher {path}: no such file")
    try:
        teachers.check_weight(getattr(args, "distill_weight", teachers.DEFAULT_WEIGHT))
    except ValueError as e:
        raise SystemExit(str(e)) from None
    reserved = corpus.read_reserved(args.reserved) if args.reserved else frozenset()
    if args.data and not reserved:
        log.warning("no --reserved speakers: every recorded speaker may be used")
    fraction = args.validation_fraction
    noise = [p for d in args.noise for p in corpus.noise_files(d)]
    noise_train = tuple(str(p) for p in noise if not corpus.is_validation(p.stem, fraction))
    # the synthetic set is the keywords' alone (a decoy is never synthesized)
    cfg = DataConfig(words=words, seed=args.seed, rhymes=args.rhymes, noise=noise_train)
    labels = [*cfg.labels, *decoys]
    out = Path(args.out or f"{'_'.join(words)}.tflite")
    cache = Path(args.cache)
    features, frontend = feature_extractor(args.frontend_model)

    synthetic = (
        synthetic_set(cfg, cache, features, frontend, args, stream)
        if "synthetic" in sources
        else None
    )
    dropped = _words(args.drop_unknown) if args.drop_unknown else ()
    n_dropped = n_decoys_dropped = 0
    # a decoy's synthetic takes among the unknown words go: it is a class of its own now
    synthetic_decoys = [w for w in decoys if w in cfg.unknown_words and w not in dropped]
    if synthetic is not None and (dropped or synthetic_decoys):
        synthetic, n_gone = without_words(synthetic, cfg, [*dropped, *synthetic_decoys])
        n_decoys_dropped = takes_of(cfg, synthetic_decoys)
        n_dropped = n_gone - n_decoys_dropped
    real = None
    if args.data:
        real_cfg = realdata.RealConfig(
            Path(args.data[0]), reserved, tuple(Path(d) for d in args.noise), fraction,
            speech=tuple(Path(d) for d in args.speech),
            more_data=tuple(Path(d) for d in args.data[1:]),
            keyword_copies=args.keyword_copies, unknown_copies=args.unknown_copies,
            speed=args.speed_change, low_snr=getattr(args, "low_snr", 0.0),
            edge=getattr(args, "edge", 0.0),
            speech_copies=args.speech_copies, tuning_fraction=args.tuning_fraction,
            decoys=decoys,
        )  # fmt: skip
        real = recorded_set(real_cfg, labels, cache, features, frontend, args.rebuild, stream)
        check_decoy_clips(real, decoys)
    parts = ([synthetic.x_train] if synthetic else []) + (
        [real.x_train] if real is not None and "recorded" in sources else []
    )
    labels_parts = ([synthetic.y_train] if synthetic else []) + (
        [real.y_train] if real is not None and "recorded" in sources else []
    )
    hard = None
    if args.hard_negatives:
        if not (args.data or args.speech):
            raise SystemExit("--hard-negatives needs recorded audio: --data DIR or --speech DIR")
        hard = hard_negatives(args, cfg.labels, reserved, noise_train, stream)
        parts.append(hard.x)
        labels_parts.append(hard.y)
    x_train, y_train = np.concatenate(parts), np.concatenate(labels_parts)
    text = getattr(args, "confuser_weight", None)
    weighted = confusers.parse(text) if text else {}
    sample_weight, confuser_rows = None, {}
    if weighted:
        if real is None or "recorded" not in sources:
            raise SystemExit("--confuser-weight weighs recorded words: it needs --data DIR")
        rows = confusers.example_words(
            real, words, real_cfg.keyword_copies, real_cfg.unknown_copies, decoys
        )
        confuser_rows = confusers.counts(rows, weighted)
        absent = [w for w, n in confuser_rows.items() if not n or w in words or w in decoys]
        if absent:
            raise SystemExit(
                f"--confuser-weight {', '.join(absent)}: a keyword or decoy, or no recorded "
                "train clip"
            )
        offset = len(synthetic.x_train) if synthetic else 0
        sample_weight = confusers.sample_weights(len(y_train), offset, rows, weighted)

    taught, targets = distillation(args, x_train, y_train, labels, stream)

    shape = replace(
        Shape.parse(args.channels),
        first_kernel=tuple(args.first_kernel),
        first_stride=tuple(args.first_stride),
    )
    train_seed = args.seed if args.train_seed is None else args.train_seed
    model = train_keras(
        x_train, y_train, len(labels), args.epochs, train_seed, stream, shape, args.balance,
        args.frame_shift, args.average_last, sample_weight, targets,
    )  # fmt: skip
    calibration = min(400, len(x_train))
    pick = np.random.default_rng(args.seed).choice(len(x_train), calibration, replace=False)
    with Progress(1, "convert", stream, stages=True) as bar:
        bar.stage("int8 (TFLite converter)")
        tflite = convert_int8(model, x_train[pick], shape)
    check_io(tflite)
    ops = check_ops(tflite)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(tflite)

    counts = np.bincount(y_train, minlength=len(labels))
    report: dict[str, Any] = {
        "labels": labels,
        "size_bytes": len(tflite),
        "versions": versions(),
        "features": frontend,
        "ops": ops,
        "seed": args.seed,
        "train_seed": train_seed,
        "epochs": args.epochs,
        "channels": str(shape),
        "first_kernel": list(shape.first_kernel),
        "first_stride": list(shape.first_stride),
        "trained_on": sorted(sources),
        "unknown_near_rhymes": args.rhymes,
        "balanced_classes": args.balance,
        "frame_shift": args.frame_shift,
        "average_last_epochs": args.average_last,
        "train_clips": {name: int(c) for name, c in zip(labels, counts, strict=True)},
        "sources": card.sources(
            real if "recorded" in sources else None, words, synthetic is not None
        ),
    }
    if decoys:  # the recognizer (host, board, tuning, evaluation) never reports these
        report["decoys"] = list(decoys)
        report["sources"]["decoys"] = {w: "recorded only" for w in decoys}
        report["decoy_synthetic_unknown_dropped"] = {
            "words": synthetic_decoys,
            "train_clips": n_decoys_dropped,
        }
    if taught:
        report["distillation"] = teachers.card(taught, args.distill_weight)
    if weighted:
        report["confuser_weights"] = {"weights": weighted, "train_rows": confuser_rows}
    if dropped:
        report["unknown_words_dropped"] = {"words": list(dropped), "train_clips": n_dropped}
    if hard is not None:
        report["hard_negatives"] = {
            "model_sha256": hard.model_sha256,
            "threshold": args.mine_threshold,
            "words_not_mined": list(mine_skip(args)),
            "keyword_repeats": mine_repeats(args),
            "minutes_streamed": round(hard.seconds / 60, 1),
            "windows_unknown": int((hard.y == 1).sum()),
            "windows_keywords_in_streams": int((hard.y >= 2).sum()),
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
        report["held_out_accuracy"] = card.accuracy_report(scores, synthetic.y_test, labels)
    if real is not None:
        report["recorded_augmentation"] = {
            "keyword_copies": real_cfg.keyword_copies,
            "unknown_copies": real_cfg.unknown_copies,
            "speech_copies": real_cfg.speech_copies,
            "speed_change": real_cfg.speed,
        }
        if real_cfg.low_snr:  # the keyword stream's conditions, when asked (realdata.augment)
            report["recorded_augmentation"]["low_snr"] = {
                "share": real_cfg.low_snr, "snr_db": list(realdata.LOW_SNR_DB)
            }  # fmt: skip
        if real_cfg.edge:
            report["recorded_augmentation"]["edge"] = {
                "share": real_cfg.edge,
                "onset_s": [list(realdata.EDGE_EARLY), list(realdata.EDGE_LATE)],
            }
        speech = [Path(d) for d in args.speech]
        report["other_speech_split"] = {
            d.name: corpus.speech_split_card(d, fraction, args.tuning_fraction) for d in speech
        }
        tuned: dict[str, Any] = {"thresholds": {}}  # the demo's recognizer unless tuned
        if args.tuning_fraction:
            report["tuning"] = tune_bars(tflite, labels, real, speech, args, stream, decoys)
            t = report["tuning"]  # the bars, window and min_results chosen together
            tuned = {"thresholds": t["thresholds"], "window": t["window_s"],
                     "min_results": t["min_results"]}  # fmt: skip
        report["recognizer"] = card.recognizer_settings(**tuned)
        report["validation_speakers"] = card.on_real_speech(
            tflite, labels, real, speech=speech, fraction=fraction, decoys=decoys, **tuned
        )
    card.write(out, report, real if "recorded" in sources else None)
    return report
