"""What the package ships for the speech demo: the yes/no keyword model and the demo clips
(micro/speech/data)."""

from __future__ import annotations

import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

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


def model_decoys(path: str | os.PathLike[str]) -> tuple[str, ...]:
    """The decoys of keyword model `path` (its card's ``decoys``: labels trained as classes of
    their own that the recognizer never reports), else none. A card whose decoys are not
    among its labels' words is refused."""
    card = Path(path).with_suffix(".json")
    try:
        found = json.loads(card.read_text())
        decoys, labels = found.get("decoys") or [], found.get("labels") or list(LABELS)
    except (OSError, ValueError, AttributeError):
        return ()
    if (
        not isinstance(decoys, list)
        or not isinstance(labels, list)
        or not all(isinstance(x, str) and x in labels[2:] for x in decoys)
    ):
        raise MicroError(
            f"{card}: 'decoys' is not a list of the words among its 'labels'; fix or remove "
            "the card"
        )
    return tuple(decoys)


def model_thresholds(path: str | os.PathLike[str]) -> dict[str, float]:
    """The bar per word of keyword model `path`: its card's ``recognizer.thresholds`` (chosen
    on a tuning stream by `micro speech train --tuning-fraction`), else none (the demo's bar).
    A card whose bars are not scores in (0, 1] is refused."""
    card = Path(path).with_suffix(".json")
    try:
        recognizer = json.loads(card.read_text()).get("recognizer") or {}
        bars = recognizer.get("thresholds") or {}
    except (OSError, ValueError, AttributeError):
        return {}
    if not isinstance(bars, dict) or not all(
        isinstance(k, str) and isinstance(v, (int, float)) and 0 < v <= 1 for k, v in bars.items()
    ):
        raise MicroError(
            f"{card}: 'recognizer.thresholds' is not a map of word -> score in (0, 1]; fix or "
            "remove the card"
        )
    return {k: float(v) for k, v in bars.items()}


def model_recognizer(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The averaging window (``window``, s) and ``min_results`` of keyword model `path`: its
    card's ``recognizer.window_s`` and ``recognizer.min_results`` (chosen with its bars on the
    tuning stream), each only when the card gives it. A card whose values are out of range
    (a window of no time, fewer than one result) is refused."""
    card = Path(path).with_suffix(".json")
    try:
        recognizer = json.loads(card.read_text()).get("recognizer") or {}
        window, least = recognizer.get("window_s"), recognizer.get("min_results")
    except (OSError, ValueError, AttributeError):
        return {}
    got: dict[str, Any] = {}
    if window is not None:
        if isinstance(window, bool) or not isinstance(window, (int, float)) or not window > 0:
            raise MicroError(f"{card}: 'recognizer.window_s' is not seconds > 0; fix or remove it")
        got["window"] = float(window)
    if least is not None:
        if isinstance(least, bool) or not isinstance(least, int) or least < 1:
            raise MicroError(f"{card}: 'recognizer.min_results' is not an integer >= 1")
        got["min_results"] = least
    return got


def demo_clips() -> list[tuple[str, np.ndarray]]:
    """The demo clips as (file name, 16 kHz int16 audio)."""
    clips = []
    for name in DEMO_CLIPS:
        path = data_file(name)
        if path is None:
            raise MicroError(f"the demo clip {name} is missing from this install; reinstall micro")
        clips.append((name, read_wav(path)))
    return clips
