"""What the package ships for the speech demo: the yes/no keyword model and the demo clips
(micro/speech/data)."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path

import numpy as np

from ..errors import MicroError
from .recognizer import LABELS
from .wav import read_wav

BUNDLED_MODEL = "yes_no.tflite"
DEMO_CLIPS = ("demo_yes.wav", "demo_no.wav", "demo_silence.wav")


def data_file(name: str) -> Path | None:
    path = Path(str(resources.files("micro.speech") / "data" / name))
    return path if path.is_file() else None


def model_path(given: str | os.PathLike[str] | None = None) -> str:
    """The keyword model to use: `given`, else the bundled yes/no model."""
    if given:
        return os.fspath(given)
    bundled = data_file(BUNDLED_MODEL)
    if bundled is None:
        raise MicroError(
            f"the bundled keyword model ({BUNDLED_MODEL}) is missing from this install; "
            "reinstall micro, or pass a model with --model PATH"
        )
    return str(bundled)


def model_labels(path: str | os.PathLike[str]) -> tuple[str, ...]:
    """The labels of keyword model `path`: those its card (`<model>.json`, written by `micro
    speech train`) lists, else the demo's (silence, unknown, yes, no)."""
    card = Path(path).with_suffix(".json")
    try:
        labels = json.loads(card.read_text()).get("labels")
    except (OSError, ValueError, AttributeError):
        return LABELS
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise MicroError(f"{card}: 'labels' is not a list of names; fix or remove the card")
    return tuple(labels)


def demo_clips() -> list[tuple[str, np.ndarray]]:
    """The demo clips as (file name, 16 kHz int16 audio)."""
    clips = []
    for name in DEMO_CLIPS:
        path = data_file(name)
        if path is None:
            raise MicroError(f"the demo clip {name} is missing from this install; reinstall micro")
        clips.append((name, read_wav(path)))
    return clips
