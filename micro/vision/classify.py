"""An image model on pictures: input conversion (image.py), one inference, labelled scores."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..interpreter import Interpreter
from .image import ImageError, InputFormat, input_format, load_input


@dataclass(frozen=True)
class Score:
    label: str
    score: float  # dequantized output (a probability for a softmax model)
    raw: int | float  # the output value as the model gave it


def read_labels(spec: str | None, count: int) -> list[str]:
    """Labels from `a,b,c` or a file of one label a line; `class 0..` when none are given."""
    if spec is None:
        return [f"class {i}" for i in range(count)]
    path = Path(spec)
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ImageError(f"{spec}: cannot read the labels file ({exc})") from exc
        labels = [line.strip() for line in text.splitlines() if line.strip()]
    else:
        labels = [label.strip() for label in spec.split(",")]
    if len(labels) != count or not all(labels):
        raise ImageError(
            f"the model gives {count} scores; {len(labels)} labels given ({spec!r}): "
            "give one non-empty label per score, as a,b,... or a file of one label a line"
        )
    return labels


def output_scores(output: np.ndarray, details: dict[str, Any]) -> np.ndarray:
    """The model's output as real numbers (dequantized with its scale and zero point)."""
    values = np.asarray(output).reshape(-1)
    if values.dtype.kind == "f" or not details.get("scale"):
        return values.astype(np.float64)
    return (values.astype(np.float64) - int(details["zero_point"])) * float(details["scale"])


def ranked(output: np.ndarray, details: dict[str, Any], labels: Sequence[str]) -> list[Score]:
    """Every label with its score, best first (ties in label order)."""
    real = output_scores(output, details)
    raw = np.asarray(output).reshape(-1)
    order = sorted(range(len(real)), key=lambda i: (-real[i], i))
    return [Score(labels[i], float(real[i]), raw[i].item()) for i in order]


class Classifier:
    """An image model loaded once; `classify` converts a picture and runs it on the host."""

    def __init__(
        self,
        model: str | os.PathLike[str] | bytes,
        labels: str | None = None,
        value_range: tuple[float, float] | None = None,
        signed: bool = False,
    ) -> None:
        self.signed = signed
        if isinstance(model, bytes):
            self.interpreter = Interpreter.from_bytes(model)
        else:
            self.interpreter = Interpreter.from_file(model)
        inputs = self.interpreter.get_input_details()
        outputs = self.interpreter.get_output_details()
        if len(inputs) != 1 or len(outputs) != 1:
            raise ImageError(
                f"an image classifier has one input and one output; this model has "
                f"{len(inputs)} and {len(outputs)}"
            )
        self.format: InputFormat = input_format(inputs[0], value_range)
        self.output_details = outputs[0]
        n_scores = int(np.prod(outputs[0]["shape"]))
        self.labels = read_labels(labels, n_scores)

    def convert(self, path: str | os.PathLike[str]) -> np.ndarray:
        return load_input(path, self.format, self.signed)

    def run(self, x: np.ndarray) -> np.ndarray:
        """The raw output for an input tensor."""
        self.interpreter.set_input(x, 0)
        self.interpreter.invoke()
        return self.interpreter.get_output(0)

    def classify(self, path: str | os.PathLike[str]) -> list[Score]:
        return ranked(self.run(self.convert(path)), self.output_details, self.labels)
