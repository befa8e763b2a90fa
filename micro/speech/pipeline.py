"""Audio to commands: features (FeatureGenerator) -> keyword model -> Recognizer.

listener = Listener(model_path)
for detection in listener.push(samples):   # any number of samples at a time
    print(detection)                         # heard 'yes' (0.93) at 1.24 s
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..errors import ModelError
from ..interpreter import Interpreter
from .features import FeatureGenerator
from .recognizer import LABELS, Detection, Recognizer

TAIL_SECONDS = 0.5  # silence appended to a clip so a word at its very end is still heard
# How the demo listens (`micro speech`'s defaults, the firmware's and the evaluation's):
# scores averaged over 0.8 s, a command reported at 0.8, then 1 s in which nothing is. Chosen
# on the validation speakers for the bundled model (docs/yes-no-model.md: the sweep of
# window and per-word thresholds against false alarms over 3.7 hours of other speech).
DEMO_WINDOW, DEMO_THRESHOLD, DEMO_SUPPRESSION = 0.8, 0.8, 1.0


def demo_recognizer(labels: tuple[str, ...] = LABELS) -> Recognizer:
    """The recognizer as the demo, the firmware and the evaluation run it."""
    return Recognizer(
        labels,
        window=DEMO_WINDOW,
        threshold=DEMO_THRESHOLD,
        suppression=DEMO_SUPPRESSION,
        min_results=1,
    )


class KeywordModel:
    """An int8 keyword model: features int8[frames, channels] in, class scores out."""

    def __init__(self, model: bytes | str | os.PathLike[str], labels: tuple[str, ...] = LABELS):
        data = model if isinstance(model, bytes) else open(model, "rb").read()  # noqa: SIM115
        self.interpreter = Interpreter.from_bytes(data)
        inp = self.interpreter.get_input_details(0)
        out = self.interpreter.get_output_details(0)
        self.input_shape = tuple(int(d) for d in inp["shape"])
        self.input_size = int(np.prod(self.input_shape))
        self.output_scale, self.output_zp = float(out["scale"]), int(out["zero_point"])
        self.output_dtype = np.dtype(out["dtype"])
        if np.dtype(inp["dtype"]) != np.int8:
            raise ModelError(
                "a keyword model takes int8 features (the preprocessor's rows); this model "
                f"takes {np.dtype(inp['dtype']).name}: convert it with full-integer int8 "
                "quantization"
            )
        n_out = int(np.prod(out["shape"]))
        if n_out != len(labels):
            raise ValueError(
                f"a keyword model's output holds one score per label ({', '.join(labels)}), "
                f"this model's holds {n_out} values: give a keyword model (`micro speech "
                "train` writes one, and its labels in the .json card beside it)"
            )
        self.labels = labels

    def scores(self, features: np.ndarray) -> np.ndarray:
        """Class probabilities (float) for int8 features of the model's input size."""
        x = np.asarray(features, dtype=np.int8).reshape(self.input_shape)
        self.interpreter.set_input(x, 0)
        self.interpreter.invoke()
        y = self.interpreter.get_output(0).reshape(-1)
        if self.output_dtype.kind == "f":
            return y.astype(np.float64)
        return self.output_scale * (y.astype(np.float64) - self.output_zp)

    def classify(self, features: np.ndarray) -> tuple[str, float]:
        s = self.scores(features)
        best = int(np.argmax(s))
        return self.labels[best], float(s[best])


@dataclass
class Trace:
    """Everything a run produced, for reports and plots."""

    features: list[np.ndarray] = field(default_factory=list)  # one int8 row per window
    times: list[float] = field(default_factory=list)  # end of each window, s
    scores: list[np.ndarray] = field(default_factory=list)  # at score_times
    score_times: list[float] = field(default_factory=list)
    detections: list[Detection] = field(default_factory=list)


class Listener:
    """The streaming pipeline: push audio, get detections."""

    def __init__(
        self,
        model: bytes | str | os.PathLike[str],
        preprocessor: bytes | str | os.PathLike[str] | None = None,
        recognizer: Recognizer | None = None,
        labels: tuple[str, ...] = LABELS,
        every: int = 1,
    ) -> None:
        self.features = FeatureGenerator(preprocessor)
        self.model = KeywordModel(model, labels)
        self.recognizer = recognizer or Recognizer(labels)
        rows, rem = divmod(self.model.input_size, self.features.channels)
        if rem:
            raise ValueError(
                f"the model's input of {self.model.input_size} values is not rows of "
                f"{self.features.channels} features"
            )
        self.rows = rows
        self.every = max(1, every)
        self._window = np.zeros((rows, self.features.channels), np.int8)
        self.trace = Trace()

    def reset(self) -> None:
        self.features.reset()
        self.recognizer.reset()
        self._window[:] = 0
        self.trace = Trace()

    def push(self, samples: np.ndarray) -> list[Detection]:
        detections = []
        rate = self.features.params.sample_rate
        for row in self.features.push(samples):
            self._window = np.roll(self._window, -1, axis=0)
            self._window[-1] = row
            frame = len(self.trace.features)
            time = (frame * self.features.stride + self.features.window) / rate
            self.trace.features.append(row)
            self.trace.times.append(time)
            if frame + 1 < self.rows or frame % self.every:
                continue  # the model needs a full window of features
            scores = self.model.scores(self._window)
            self.trace.scores.append(scores)
            self.trace.score_times.append(time)
            detection = self.recognizer.update(scores, time)
            if detection is not None:
                detections.append(detection)
                self.trace.detections.append(detection)
        return detections

    def run_clip(self, audio: np.ndarray, tail_samples: int | None = None) -> list[Detection]:
        """Reset, then run one whole clip and a tail of silence after it (default
        TAIL_SECONDS)."""
        self.reset()
        if tail_samples is None:
            tail_samples = int(TAIL_SECONDS * self.features.params.sample_rate)
        silence = np.zeros(tail_samples, np.int16)
        return self.push(np.concatenate([np.asarray(audio, np.int16), silence]))


def heard_nothing(
    scores: list[np.ndarray], labels: tuple[str, ...], decoys: Sequence[str] = ()
) -> str:
    """What a run that reported no command says instead (the firmware prints the same): the
    label of the highest average score, a decoy named as unknown (it is never reported)."""
    if not scores:
        return "heard nothing (the clip is shorter than one 30 ms window)"
    average = np.mean(scores, axis=0)
    k = int(np.argmax(average))
    return f"heard nothing (mostly '{shown(labels, decoys)[k]}', {average[k]:.2f} on average)"


def shown(labels: Sequence[str], decoys: Sequence[str] = ()) -> tuple[str, ...]:
    """The labels as the demo names them: a decoy as "unknown" (the firmware's label table)."""
    return tuple("unknown" if label in decoys else label for label in labels)
