"""The names of cached results computed with a model (micro/speech/cache.py), which hard
negatives (mining.cached) and teachers' outputs (teachers.load) share: a digest of the model
and of every part of the key, the same name the files had before the helper existed (so
caches on disk stay valid)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from micro.speech import mining, teachers
from micro.speech.cache import cache_name
from micro.speech.network import CHANNELS, FRAMES

DATA = Path(__file__).resolve().parents[1] / "micro" / "speech" / "data"
LABELS = ("silence", "unknown", "yes", "no")


def _digest(model: bytes, *key: object) -> str:
    """The naming the two modules wrote out before: SHA-1 of the repr of (the model's
    SHA-256, the key's parts), 12 hex digits."""
    text = repr((hashlib.sha256(model).hexdigest(), *key))
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def test_a_name_depends_on_the_model_and_every_part() -> None:
    model = b"model bytes"
    name = cache_name(model, ("a", 0.5), 3)
    assert len(name) == 12 and int(name, 16) >= 0 and name == name.lower()
    assert name == cache_name(model, ("a", 0.5), 3) == _digest(model, ("a", 0.5), 3)
    others = {
        cache_name(model + b"x", ("a", 0.5), 3),
        cache_name(model, ("a", 0.6), 3),
        cache_name(model, ("a", 0.5), 4),
        cache_name(model, ("a", 0.5)),
    }
    assert name not in others and len(others) == 4


def test_mined_windows_keep_their_file_name(tmp_path: Path) -> None:
    model = (DATA / "yes_no.tflite").read_bytes()
    mined = mining.Mined(np.ones((2, FRAMES, CHANNELS), np.int8), np.ones(2, np.int64), 1.0, "s")
    mining.cached(lambda d: tmp_path / f"hard-{d}.npz", model, ("k", 1), lambda: mined)
    expected = f"hard-{_digest(model, ('k', 1), mining.VERSION)}.npz"
    assert [p.name for p in tmp_path.iterdir()] == [expected]


def test_a_teacher_s_outputs_keep_their_file_name(tmp_path: Path) -> None:
    model = DATA / "yes_no.tflite"
    x = np.random.default_rng(0).integers(-128, 128, (3, FRAMES, CHANNELS)).astype(np.int8)
    teachers.load([str(model)], x, np.array([0, 2, 3]), LABELS, tmp_path)
    key = (teachers.features_digest(x), list(LABELS), teachers.VERSION)
    expected = f"teacher-{_digest(model.read_bytes(), *key)}.npy"
    assert [p.name for p in tmp_path.iterdir()] == [expected]
