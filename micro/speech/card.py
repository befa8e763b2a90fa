"""The model card: what a trained keyword model was made from and how it does on real speech.

Written next to the model as ``<model>.json``; the exact recorded files it was trained on
go to ``<model>.files.txt`` (one ``<folder>/<file>`` a line, then the noise files).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from . import corpus, evaluate
from .network import predict_int8
from .pipeline import DEMO_WINDOW, demo_recognizer
from .realdata import RealSet
from .recognizer import commands

#: The recorded data sets the project knows, for the card's credits.
SPEECH_COMMANDS = {
    "name": "Speech Commands v0.02, test partition (Warden 2018)",
    "licence": "CC BY 4.0",
    "source": "github.com/thegtagamer/PICO-tinyML-benchmark, MLTK_keyworkSpotting/dataset/",
    "commit": "c66f6b0d78fe9218f6de9d07189691cfae077bee",
}
NOISE_SOURCES = {
    "felixchenfy": {
        "source": "github.com/felixchenfy/Speech-Commands-Classification-by-LSTM-PyTorch "
        "data/noises/ (the author's own recordings only)",
        "commit": "173ef9c09198572ee42628e5351abc43fa506030",
        "licence": "MIT",
    },
    "ibm": {
        "source": "github.com/IBM/MAX-Audio-Classifier samples/ (freesound.org recordings)",
        "commit": "3c308abcb04e1523e668ebaf76ca55898cd97d28",
        "licence": "per file CC0 or CC BY, authors in the repository's samples/README.md",
    },
}

#: Further copies of parts of Speech Commands (a second ``--data DIR``), by the folder's name.
MORE_SPEECH_COMMANDS = {
    "sc-v0.01-vinsis": {
        "name": "Speech Commands v0.01 (Warden 2017), 10 clips of each of the 30 words",
        "source": "github.com/vinsis/speech-commands-recognition speech_commands_v0.01/",
        "commit": "53317d51bc2c75de6118ede48b0da06a412a1341",
        "licence": "CC BY 4.0",
    },
}

#: Other recorded speech (``--speech DIR``), credited by the folder's name.
SPEECH_SOURCES = {
    "picovoice": {
        "name": "Picovoice wake-word-benchmark: crowd-sourced wake words (alexa, computer, "
        "jarvis, smart mirror, snowboy, view glass), 50+ speakers",
        "source": "github.com/Picovoice/wake-word-benchmark audio/ (FLAC converted to 16 kHz)",
        "commit": "84919190fb1891bf0936dcb577d9268e467f876f",
        "licence": "Apache-2.0",
    },
    "fsdd": {
        "name": "Free Spoken Digit Dataset: digits 0-9 from 6 speakers (8 kHz, resampled)",
        "source": "github.com/Jakobovski/free-spoken-digit-dataset recordings/",
        "commit": "26eb9aaf76e81b692f806f9140c2d2777410d7a1",
        "licence": "CC BY-SA 4.0",
    },
}


def accuracy_report(scores: np.ndarray, y: np.ndarray, labels: Sequence[str]) -> dict[str, Any]:
    """Per-class accuracy and the confusion matrix of one-second clips (argmax)."""
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
        "accuracy": round(float((pred == y).mean()), 4) if len(y) else None,
        "per_class": per_class,
        "confusion": {"rows_true_cols_predicted": list(labels), "counts": confusion.tolist()},
    }


def on_real_speech(
    model: bytes,
    labels: Sequence[str],
    real: RealSet,
    seed: int = 0,
    speech: Sequence[Path] = (),
    fraction: float = 0.3,
    thresholds: evaluate.Bars = None,
    window: float = DEMO_WINDOW,
    min_results: int = 1,
    decoys: Sequence[str] = (),
) -> dict[str, Any]:
    """The validation speakers: clips classified (every label, the decoys' too), the demo's
    table (with the demo's recognizer and ``thresholds``, a bar per word when given, and its
    ``window`` and ``min_results``, recorded here), false alarms
    per hour over their other words and the held-out recordings of the ``speech`` folders (one
    after another) on a bed of the validation noise, and their keywords heard one after
    another on that bed. ``decoys``: labels never reported; their clips are other words here."""
    scores = predict_int8(model, real.x_val)
    tuned: dict[str, Any] = {
        "thresholds": thresholds, "window": window, "min_results": min_results, "decoys": decoys
    }  # fmt: skip
    rows = evaluate.table(model, labels, real.val_words, list(real.val_audio), **tuned)
    keywords = commands(labels, decoys)
    others = [i for i, w in enumerate(real.val_words) if w and w not in keywords]
    noises = corpus.load_noise([Path(p) for p in real.noise_val])
    stream, segments = evaluate.false_alarm_stream(
        [real.val_audio[i] for i in others], speech, noises, seed, fraction,
        other_words=[real.val_words[i] for i in others],
    )  # fmt: skip
    found = evaluate.detections(model, labels, stream, **tuned)
    words, audio = real.val_words, list(real.val_audio)
    in_stream = evaluate.keywords_in_stream(model, labels, words, audio, noises, 1, **tuned)
    return {
        "recognizer": recognizer_settings(thresholds, window, min_results),
        "clips": accuracy_report(scores, real.y_val, labels),
        "demo": {k: r.as_dict() for k, r in rows.items()},
        "false_alarms": evaluate.false_alarm_report(found, len(stream), segments),
        "keywords_in_a_stream": in_stream,
    }


def recognizer_settings(
    thresholds: evaluate.Bars = None, window: float = DEMO_WINDOW, min_results: int = 1
) -> dict[str, Any]:
    """The demo's recognizer (``pipeline.demo_recognizer``) with a bar per word when given
    (``thresholds``, e.g. chosen on the tuning stream, with its ``window`` and
    ``min_results``), as the card records it."""
    r = demo_recognizer()
    bars = dict(zip(r.labels, r.thresholds, strict=True)) | dict(thresholds or {})
    own = {k: float(t) for k, t in bars.items() if t != r.threshold}
    return {
        "window_s": window,
        "min_results": min_results,
        "threshold": r.threshold,
        "thresholds": own,
        "suppression_s": r.suppression,
    }


def write(
    out: Path,
    report: dict[str, Any],
    real: RealSet | None,
) -> None:
    """``out.json`` (the card) and ``out.files.txt`` (the recorded training files)."""
    report = {"model": out.name, "date": datetime.date.today().isoformat(), **report}
    out.with_suffix(".json").write_text(json.dumps(report, indent=1) + "\n")
    if real is not None:
        lines = [*real.files_train, *(f"noise: {Path(p).name}" for p in real.noise_train)]
        lines += [f"speech: {name}" for name in real.speech_train]
        out.with_suffix(".files.txt").write_text("\n".join(lines) + "\n")


def sources(real: RealSet | None, words: Sequence[str], synthetic: bool = True) -> dict[str, Any]:
    """Where each keyword's training speech came from, and the recorded sets' credits."""
    recorded = {w for w in words if real is not None and real.counts.get(w)}
    kinds = {(True, True): "recorded + synthetic", (True, False): "recorded only"}
    kinds.update({(False, True): "synthetic only", (False, False): "none"})
    per_word = {w: kinds[w in recorded, synthetic] for w in words}
    info: dict[str, Any] = {"keywords": per_word}
    if real is not None:
        names = real.files_train + real.files_val + real.files_tune
        copies = sorted({n.split("/", 1)[0] for n in names if n.count("/") == 2})
        first = {**SPEECH_COMMANDS, **_counts(real, lambda n: n.count("/") == 1)}
        info["speech_commands"] = {**first, **real.data_sources.get("", {})}
        if copies:
            info["more_speech_commands"] = {
                f: {
                    **MORE_SPEECH_COMMANDS.get(f, {"source": "not a known source: credit it"}),
                    # the folder's own SOURCE.json credit and its clips per word and side
                    **real.data_sources.get(f, {}),
                    **_counts(real, partial(_under, f)),
                }
                for f in copies
            }
        info["noise"] = {
            "train_files": [Path(p).name for p in real.noise_train],
            "validation_files": [Path(p).name for p in real.noise_val],
            "sources": NOISE_SOURCES,
        }
        folders = sorted({name.split("/", 1)[0] for name in real.speech_train})
        if folders:
            info["other_speech"] = {
                f: {
                    # a folder is known by its name in any case (PICOVOICE/ or picovoice/)
                    **SPEECH_SOURCES.get(f.lower(), {"source": "not a known source: credit it"}),
                    "train_files": sum(1 for n in real.speech_train if n.startswith(f + "/")),
                }
                for f in folders
            }
    return info


def _under(folder: str, name: str) -> bool:
    return name.startswith(folder + "/")


def _counts(real: RealSet, pick: Callable[[str], bool]) -> dict[str, int]:
    """Files and speakers of each side whose training-list name ``pick`` accepts."""
    train = [n for n in real.files_train if pick(n)]
    val = [n for n in real.files_val if pick(n)]
    return {
        "train_files": len(train),
        "validation_files": len(val),
        "train_speakers": len(_speakers(train)),
        "validation_speakers": len(_speakers(val)),
    }


def speakers_of(names: Sequence[str]) -> set[str]:
    """The speakers of Speech Commands files named as the training list names them."""
    return _speakers(names)


def _speakers(names: Sequence[str]) -> set[str]:
    return {Path(n).name.split("_nohash_")[0][-8:] for n in names}
