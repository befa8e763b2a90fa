"""Train a gesture model on synthetic strokes and write it as a full-integer int8 .tflite.

    micro gesture train --gestures wing,ring,slope --out gestures.tflite
    (the command: micro/cli/gesture_train.py)

1. **Strokes.** `synth.dataset` draws each gesture (and the negative class) by random
   writers (synth.py: size, speed, tilt, hold, handedness, sensor bias and noise), WINDOW
   samples at 25 Hz. Training, validation and held-out writers come from three different
   random streams of the seed: the held-out writers are never seen in training or tuning.
2. **Input.** Each window is quantized exactly as the pipeline does (pipeline.py: sensor
   counts, then int8 at 1/32 g), so the model trains on what it will see.
3. **Model.** A small 1-D CNN (Keras, convolutions over time as CONV_2D with 1-wide
   kernels, global average pooling, softmax), converted to int8 with the input fixed at
   1/32 g and zero point 0 (the calibration set spans -4 .. 127/32 g).
4. **Card.** The int8 model is scored on the held-out writers; a JSON model card goes next
   to the model (what it was trained on, how, and its held-out accuracy per class).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import training
from ..errors import MicroError
from ..progress import Progress, keras_callback
from . import synth
from .pipeline import INPUT_SCALE, WINDOW, GestureModel, counts, to_int8, write_trace

TRAIN_WRITERS, VAL_WRITERS, HELD_OUT_WRITERS = 400, 30, 60
PER_WRITER = 6  # examples of each label per writer (the negative class: 3x as many)
STREAM_WRITERS = 30  # writers drawing whole streams for the card's pipeline report


def quantized(x_g: np.ndarray) -> np.ndarray:
    """Windows in g as the model's int8 input, back in g (what the model will see)."""
    return to_int8(counts(x_g)).astype(np.float32) * INPUT_SCALE


def make_data(
    gestures: Sequence[str], writers: int, seed: int, stream: int
) -> tuple[np.ndarray, np.ndarray]:
    labels = [*gestures, synth.NEGATIVE]
    others = tuple(s for s in synth.OTHER_SHAPES if s not in gestures)
    x, y = synth.dataset(labels, writers, PER_WRITER, WINDOW, (seed, stream), others)
    return quantized(x), y


def build_model(n_labels: int, batch_size: int | None = None) -> Any:
    import keras
    from keras import layers

    inp = keras.Input((WINDOW, 3), batch_size=batch_size, name="accel")
    x = layers.Reshape((WINDOW, 1, 3))(inp)
    for filters in (16, 24, 32):
        x = layers.Conv2D(filters, (5, 1), padding="same", activation="relu")(x)
        x = layers.MaxPooling2D((2, 1))(x)
    x = layers.Conv2D(32, (3, 1), padding="same", activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dropout(0.2)(x)
    out = layers.Dense(n_labels, activation="softmax")(x)
    return keras.Model(inp, out)


def train(
    x: np.ndarray,
    y: np.ndarray,
    val: tuple[np.ndarray, np.ndarray],
    n: int,
    epochs: int,
    seed: int,
    bar: Progress,
) -> Any:
    import keras

    keras.utils.set_random_seed(seed)
    model = build_model(n)
    steps = int(np.ceil(len(x) / 64))
    lr = keras.optimizers.schedules.CosineDecay(3e-3, decay_steps=epochs * steps, alpha=0.05)
    model.compile(
        optimizer=keras.optimizers.Adam(lr),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    weights = len(y) / (n * np.bincount(y, minlength=n))
    model.fit(
        x, y, batch_size=64, epochs=epochs, validation_data=val, verbose=0,
        class_weight=dict(enumerate(weights)), callbacks=[keras_callback(bar, "train", False)],
    )  # fmt: skip
    return model


def convert_int8(model: Any, x_calibration: np.ndarray) -> bytes:
    span = np.zeros((2, WINDOW, 3), np.float32)
    span[0] = -4.0  # fixes the input range to [-4, 127/32] g: scale 1/32, zero point 0
    span[1] = 127 * INPUT_SCALE
    calibration = np.concatenate([span, x_calibration[:500]])

    single = build_model(model.output_shape[-1], batch_size=1)  # static shapes: no SHAPE op
    single.set_weights(model.get_weights())
    return training.convert_int8(single, [window[None] for window in calibration])


def evaluate(model: bytes, labels: Sequence[str], x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """Accuracy of the int8 model (micro's interpreter) on windows x (g) with labels y."""
    m = GestureModel(model, labels)
    q = np.clip(np.round(x / INPUT_SCALE), -128, 127).astype(np.int8)
    predicted = np.array([int(np.argmax(m.scores(w))) for w in q])
    per_class = {
        label: round(float(np.mean(predicted[y == k] == k)), 4) for k, label in enumerate(labels)
    }
    confusion = [
        [int(np.sum((y == a) & (predicted == b))) for b in range(len(labels))]
        for a in range(len(labels))
    ]
    return {
        "accuracy": round(float(np.mean(predicted == y)), 4),
        "per_class": per_class,
        "confusion": confusion,
        "windows": len(y),
    }


def stream_report(
    model: bytes, labels: Sequence[str], seed: int, writers: int = STREAM_WRITERS
) -> dict[str, Any]:
    """The whole pipeline (sliding window, recognizer) on streams of new writers (seeds
    training never used): each draws every gesture once, in a random order, with pauses,
    then four other shapes. A gesture counts as found when the first detection from half
    a second before its stroke ends to a window after names it; any other detection is a
    false alarm."""
    gm = GestureModel(model, labels)
    gestures = [label for label in labels if label != synth.NEGATIVE]
    others = [s for s in synth.OTHER_SHAPES if s not in gestures]
    late = WINDOW / synth.RATE
    found = wrong = missed = false_alarms = 0
    for w in range(writers):
        rng = np.random.default_rng((seed, 3, w))
        shapes = [*rng.permutation(gestures), *rng.choice(others, 4, replace=False)]
        trace, marks = synth.demo_trace([str(s) for s in shapes], seed * 1000 + 500 + w)
        detections = gm.run(trace).detections
        claimed: set[int] = set()
        for shape, end in marks[: len(gestures)]:
            near = [d for d in detections if end - 0.5 <= d.time <= end + late]
            claimed.update(id(d) for d in near[:1])
            if not near:
                missed += 1
            elif near[0].label == shape:
                found += 1
            else:
                wrong += 1
        false_alarms += sum(id(d) not in claimed for d in detections)
    return {
        "writers": writers,
        "gestures_drawn": writers * len(gestures),
        "found": found,
        "named_wrong": wrong,
        "missed": missed,
        "other_shapes_drawn": writers * 4,
        "false_alarms": false_alarms,
    }


def run(gestures: Sequence[str], out: Path, epochs: int, seed: int) -> dict[str, Any]:

    unknown = [g for g in gestures if g not in synth.SHAPES]
    if unknown or not gestures:
        raise MicroError(
            f"unknown gesture(s) {', '.join(unknown) or '(none)'}; "
            f"shapes: {', '.join(synth.SHAPES)}"
        )
    with Progress(4, "gesture train", stages=True) as bar:
        bar.stage("synthesize strokes")
        x, y = make_data(gestures, TRAIN_WRITERS, seed, 0)
        val = make_data(gestures, VAL_WRITERS, seed, 1)
        bar.stage("train")
        model = train(x, y, val, len(gestures) + 1, epochs, seed, bar)
        bar.stage("convert to int8")
        out.write_bytes(convert_int8(model, x))
        bar.stage("score held-out writers and streams")
        return write_card(out, gestures, epochs, seed)


def write_card(out: Path, gestures: Sequence[str], epochs: int, seed: int) -> dict[str, Any]:
    """The model card of the model `out` trained with these settings: what it was trained
    on, its accuracy on the held-out writers (stream 2 of the seed), and a demo trace of
    one more writer (written next to the model)."""
    tflite = out.read_bytes()
    labels = [*gestures, synth.NEGATIVE]
    held = make_data(gestures, HELD_OUT_WRITERS, seed, 2)
    per_writer = PER_WRITER * (len(gestures) + 3)  # the negative class: 3x
    card = {
        "model": out.name,
        "labels": labels,
        "size_bytes": len(tflite),
        "date": datetime.date.today().isoformat(),
        "versions": training.versions(),
        "input": {
            "shape": [1, WINDOW, 3],
            "rate_hz": synth.RATE,
            "units": "acceleration in g (specific force, gravity included), int8 at 1/32 g",
        },
        "seed": seed,
        "epochs": epochs,
        "trained_on": (
            "synthetic strokes only (micro.gesture.synth: a kinematic hand model with random "
            "writers); no recordings of real people"
        ),
        "writers": {
            "train": TRAIN_WRITERS,
            "validation": VAL_WRITERS,
            "held_out": HELD_OUT_WRITERS,
        },
        "windows": {"train": TRAIN_WRITERS * per_writer, "validation": VAL_WRITERS * per_writer},
        "negative_class": (
            "holding still, random smooth motions, other shapes ("
            + ", ".join(s for s in synth.OTHER_SHAPES if s not in gestures)
            + ") whole or only their start or end, and at most half of a gesture"
        ),
        "held_out": evaluate(tflite, labels, *held),
        "held_out_streams": stream_report(tflite, labels, seed),
        "measured_on_real_recordings": None,
    }
    other = next(s for s in synth.OTHER_SHAPES if s not in gestures)
    demo, marks = synth.demo_trace([*gestures, other], seed)
    write_trace(out.with_name(out.stem + "_demo.csv"), demo)
    card["demo_trace"] = {
        "file": out.stem + "_demo.csv",
        "drawn": [{"shape": s, "ends_at_s": t} for s, t in marks],
        "writer": "one more synthetic writer, from a random stream training never used",
    }
    out.with_suffix(".json").write_text(json.dumps(card, indent=1) + "\n")
    return card
