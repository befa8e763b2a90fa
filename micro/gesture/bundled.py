"""What the package ships for the gesture demo: the model, its card and an example trace
(micro/gesture/data, written by `micro gesture train`)."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

from ..errors import MicroError
from .pipeline import GestureModel

BUNDLED_MODEL = "gestures.tflite"
DEMO_TRACE = "gestures_demo.csv"


def data_file(name: str) -> Path | None:
    path = Path(str(resources.files("micro.gesture") / "data" / name))
    return path if path.is_file() else None


def demo_trace() -> Path:
    path = data_file(DEMO_TRACE)
    if path is None:
        raise MicroError(f"the demo trace ({DEMO_TRACE}) is missing from this install")
    return path


def load_model(given: str | os.PathLike[str] | None = None) -> GestureModel:
    """A gesture model (`given`, else the bundled one) with the labels of its JSON card,
    which `micro gesture train` writes next to it."""
    model = Path(given) if given else data_file(BUNDLED_MODEL)
    if model is None:
        raise MicroError(
            f"the bundled gesture model ({BUNDLED_MODEL}) is missing from this install; "
            "pass a model with --model PATH"
        )
    if not model.is_file():
        raise MicroError(f"{model}: no such model file")
    card = model.with_suffix(".json")
    try:
        labels = json.loads(card.read_text())["labels"]
    except (OSError, ValueError, KeyError) as exc:
        raise MicroError(
            f"{card}: the model's card (its labels) cannot be read ({exc}); "
            "`micro gesture train` writes it next to the model"
        ) from exc
    return GestureModel(model, labels)
