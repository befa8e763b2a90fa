"""The gesture pipeline on the host, the integer twin of firmware/gesture/src/gesture_main.c.

trace (g, 25 Hz, 3 axes) ──► counts (1/8192 g, int16: the LSM9DS1 at +-4 g)
    ──► int8 at 1/32 g: (counts + 128) >> 8, clamped (the model's input quantization)
    ──► a window of the last WINDOW samples, every HOP samples once it is full
    ──► the model: int8 scores, one per label
    ──► a detection when a gesture's score reaches the threshold, then nothing for
        SUPPRESS samples (one gesture is seen by several overlapping windows)
"""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import numpy as np

from ..errors import MicroError
from ..interpreter import Interpreter
from .synth import COUNTS_PER_G, NEGATIVE, RATE

WINDOW = 64  # samples the model sees (2.56 s)
HOP = 4  # samples between two runs of the model (160 ms)
SUPPRESS = WINDOW  # samples after a detection with none: the stroke leaves the window
INPUT_SCALE = 1.0 / 32  # g per int8 step: the model's input quantization (zero point 0)
SHIFT = 8  # counts per int8 step = 2 ** SHIFT
THRESHOLD = 0.8


class GestureError(MicroError):
    """A trace or a gesture model that the pipeline cannot use."""


def counts(trace_g: np.ndarray) -> np.ndarray:
    """Accelerations in g as the sensor's int16 counts (round half away, saturate)."""
    x = np.asarray(trace_g, np.float64) * COUNTS_PER_G
    x = np.sign(x) * np.floor(np.abs(x) + 0.5)
    return np.clip(x, -32768, 32767).astype(np.int16)


def to_int8(raw: np.ndarray) -> np.ndarray:
    """Sensor counts as the model's int8 input: (counts + 128) >> 8, clamped."""
    q = (raw.astype(np.int32) + (1 << (SHIFT - 1))) >> SHIFT
    return np.clip(q, -128, 127).astype(np.int8)


TRACE_FORMAT = (
    f"a trace is CSV rows of ax,ay,az in g, or t,ax,ay,az with t in seconds at {RATE:g} Hz "
    "(an optional header line first)"
)


def read_trace(path: str | os.PathLike[str]) -> np.ndarray:
    """A CSV trace: rows of ax,ay,az in g (or t,ax,ay,az with t in seconds at 25 Hz); an
    optional header line. [n, 3] float64."""
    rows: list[list[float]] = []
    try:
        with open(path, newline="", encoding="utf-8") as f:
            for number, row in enumerate(csv.reader(f), 1):
                cells = [c.strip() for c in row if c.strip()]
                if not cells or cells[0].startswith("#"):
                    continue
                try:
                    values = [float(c) for c in cells]
                except ValueError:
                    if rows or number > 1:
                        raise GestureError(
                            f"{path}:{number}: not numbers: {','.join(cells)}"
                        ) from None
                    continue  # the header
                if len(values) not in (3, 4) or (rows and len(values) != len(rows[0])):
                    raise GestureError(
                        f"{path}:{number}: expected ax,ay,az or t,ax,ay,az, "
                        f"got {len(values)} values"
                    )
                rows.append(values)
    except FileNotFoundError:
        raise GestureError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise GestureError(f"{path}: not a text file; {TRACE_FORMAT}") from None
    except OSError as exc:
        raise GestureError(f"{path}: cannot read the trace ({exc.strerror or exc})") from exc
    if not rows:
        raise GestureError(f"{path}: no samples; {TRACE_FORMAT}")
    data = np.asarray(rows, np.float64)
    if not np.isfinite(data).all():
        raise GestureError(f"{path}: a value is not a finite number")
    if data.shape[1] == 4:
        t, data = data[:, 0], data[:, 1:]
        if len(t) > 1:
            rate = (len(t) - 1) / (t[-1] - t[0]) if t[-1] > t[0] else 0.0
            if abs(rate - RATE) > 0.05 * RATE:
                raise GestureError(
                    f"{path}: sampled at {rate:.1f} Hz; the model takes {RATE:g} Hz "
                    "(resample the trace first)"
                )
    return data


def write_trace(path: str | os.PathLike[str], trace_g: np.ndarray) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        f.write("t,ax,ay,az\n")
        for i, (x, y, z) in enumerate(np.asarray(trace_g)):
            f.write(f"{i / RATE:.2f},{x:.4f},{y:.4f},{z:.4f}\n")


@dataclass(frozen=True)
class Detection:
    label: str
    score: float
    time: float  # s, the end of the window that saw it

    def __str__(self) -> str:
        return f"'{self.label}' ({self.score:.2f}) at {self.time:.2f} s"


def min_score(threshold: float, scale: float, zero_point: int) -> int:
    """The smallest int8 score whose real value reaches `threshold` (exact arithmetic)."""
    steps = Fraction(threshold).limit_denominator(10**6) / Fraction(scale)
    return -(-steps.numerator // steps.denominator) + zero_point


def centi(value: Fraction) -> float:
    """A value >= 0 to two decimals, rounded half up (as gesture_main.c prints it)."""
    return int(value * 100 + Fraction(1, 2)) / 100 if value > 0 else 0.0


class Recognizer:
    """Scores of overlapping windows -> detections (the twin of gesture_main.c's)."""

    def __init__(self, labels: Sequence[str], scale: float, zero_point: int, threshold: float):
        self.labels = list(labels)
        self.scale, self.zero_point = scale, zero_point
        self.min_score = min_score(threshold, scale, zero_point)
        self.quiet_until = -1

    def push(self, end: int, scores: np.ndarray) -> Detection | None:
        """The int8 scores of the window ending at sample `end` (exclusive)."""
        k = int(np.argmax(scores))
        if self.labels[k] == NEGATIVE or end < self.quiet_until or scores[k] < self.min_score:
            return None
        self.quiet_until = end + SUPPRESS
        return Detection(
            self.labels[k],
            centi(Fraction(self.scale) * (int(scores[k]) - self.zero_point)),
            centi(Fraction(end) / int(RATE)),
        )


@dataclass
class Result:
    ends: list[int]  # sample index after each window
    scores: list[bytes]  # int8 scores of each window
    detections: list[Detection]


class GestureModel:
    """A gesture model and its labels, run over traces on the host."""

    def __init__(self, model: str | os.PathLike[str] | bytes, labels: Sequence[str]) -> None:
        data = model if isinstance(model, bytes) else Path(model).read_bytes()
        self.model = data
        self.interpreter = Interpreter.from_bytes(data)
        (x,), (y,) = self.interpreter.get_input_details(), self.interpreter.get_output_details()
        size = int(np.prod(x["shape"]))
        if x["dtype"] != np.int8 or size != WINDOW * 3 or abs(x["scale"] - INPUT_SCALE) > 1e-9:
            raise GestureError(
                f"a gesture model takes int8 [{WINDOW}, 3] at scale 1/32 g, zero point 0; "
                f"this one takes {np.dtype(x['dtype']).name} {list(x['shape'])} at scale "
                f"{x['scale']:g} (train one with `micro gesture train`)"
            )
        if (
            int(x["zero_point"]) != 0
            or y["dtype"] != np.int8
            or int(np.prod(y["shape"])) != len(labels)
        ):
            raise GestureError(
                f"the model must give {len(labels)} int8 scores for {', '.join(labels)} "
                "and take inputs at zero point 0"
            )
        self.input_shape = tuple(int(s) for s in x["shape"])
        self.labels = list(labels)
        self.scale, self.zero_point = float(y["scale"]), int(y["zero_point"])

    def min_score(self, threshold: float) -> int:
        return min_score(threshold, self.scale, self.zero_point)

    def scores(self, window_q: np.ndarray) -> np.ndarray:
        self.interpreter.set_input(window_q.reshape(self.input_shape), 0)
        self.interpreter.invoke()
        return self.interpreter.get_output(0).reshape(-1)

    def run(self, trace_g: np.ndarray, threshold: float = THRESHOLD) -> Result:
        q = to_int8(counts(trace_g))
        recognizer = Recognizer(self.labels, self.scale, self.zero_point, threshold)
        result = Result([], [], [])
        for end in range(WINDOW, len(q) + 1, HOP):
            s = self.scores(q[end - WINDOW : end])
            result.ends.append(end)
            result.scores.append(s.tobytes())
            detection = recognizer.push(end, s)
            if detection is not None:
                result.detections.append(detection)
        return result
