"""Distillation: trained int8 keyword models (teachers) give soft targets for a new one.

One run's false alarms depend much on its seed (two seeds of the same recipe differ by a
factor of three or four on held-out speech). The mean of several seeds' class probabilities
is steadier than any one of them; a student trained towards it, next to the labels, learns
where the seeds agree and is taught less by the examples only one of them gets wrong.

For each training example (its cached int8 features, before the per-epoch masks) each
teacher runs in micro's own interpreter (``pipeline.KeywordModel``), its int8 softmax
dequantized; the teachers' probabilities are averaged and each row renormalized to sum 1
(the int8 outputs' sum is 1 only to within a few 1/256 steps). The student's target is

    (1 - weight) * one_hot(label) + weight * mean_of_teachers

and its loss the cross-entropy with that target, which is the same as
``(1 - weight) * CE(label) + weight * CE(teachers)``. Temperature 1: the teachers' int8
probabilities are taken as they are (a temperature would need their logits, which the int8
model does not give).

Each teacher's outputs are cached, keyed by the teacher's SHA-256 and a digest of the exact
training features, so a second student on the same data does not run the teachers again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .cache import cache_name
from .pipeline import KeywordModel

VERSION = 1  # bump when the teachers' outputs are computed differently
DEFAULT_WEIGHT = 0.5


@dataclass(frozen=True)
class Teacher:
    path: str
    sha256: str
    probabilities: np.ndarray  # float32 [N, classes], rows sum to 1
    agreement: float  # share of the examples whose label is the teacher's top class


def check_weight(weight: float) -> float:
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"--distill-weight must be in 0..1, got {weight:g}")
    return float(weight)


def check_labels(path: Path, labels: Sequence[str]) -> None:
    """A teacher's card (the .json beside it), if any, must list the student's labels."""
    card = path.with_suffix(".json")
    if not card.exists():
        return
    try:
        theirs = json.loads(card.read_text()).get("labels")
    except (OSError, ValueError, AttributeError):
        return  # an unreadable card says nothing; the output count is still checked
    if theirs is not None and list(theirs) != list(labels):
        raise ValueError(
            f"teacher {path} was trained for labels {theirs}, the student's are {list(labels)}"
        )


def probabilities(
    model: bytes, x: np.ndarray, labels: Sequence[str],
    update: Callable[[int], object] | None = None,
) -> np.ndarray:  # fmt: skip
    """The model's dequantized softmax on each int8 feature window of ``x`` [N, 49, 40]
    (micro's interpreter), each row renormalized to sum 1: float32 [N, len(labels)]."""
    net = KeywordModel(model, tuple(labels))
    out = np.empty((len(x), len(labels)), np.float64)
    for i, window in enumerate(x):
        out[i] = net.scores(window)
        if update is not None and i % 1000 == 999:
            update(1000)
    return normalize(out).astype(np.float32)


def normalize(p: np.ndarray) -> np.ndarray:
    """Rows scaled to sum 1; negative values (none from a softmax) clipped to 0; a row that
    sums to 0 becomes uniform."""
    p = np.clip(np.asarray(p, np.float64), 0.0, None)
    total = p.sum(axis=1, keepdims=True)
    uniform = np.full_like(p, 1.0 / p.shape[1])
    return np.where(total > 0, p / np.where(total > 0, total, 1.0), uniform)


def features_digest(x: np.ndarray) -> str:
    """SHA-256 of the training features (shape and bytes): the cache key's data part."""
    h = hashlib.sha256(repr((x.shape, str(x.dtype))).encode())
    h.update(np.ascontiguousarray(x).tobytes())
    return h.hexdigest()


def load(
    paths: Sequence[str], x: np.ndarray, y: np.ndarray, labels: Sequence[str], cache: Path,
    update: Callable[[int], object] | None = None,
) -> list[Teacher]:  # fmt: skip
    """Each teacher's probabilities on the training features ``x`` (labels ``y``), cached
    at ``cache/teacher-<digest>.npy``."""
    data = features_digest(x)
    teachers = []
    for path in paths:
        model = Path(path).read_bytes()
        check_labels(Path(path), labels)
        file = cache / f"teacher-{cache_name(model, data, list(labels), VERSION)}.npy"
        if file.exists():
            p = np.load(file)
        else:
            p = probabilities(model, x, labels, update)
            file.parent.mkdir(parents=True, exist_ok=True)
            np.save(file, p)
        agree = float(np.mean(p.argmax(axis=1) == y)) if len(y) else 0.0
        teachers.append(Teacher(str(path), hashlib.sha256(model).hexdigest(), p, agree))
    return teachers


def soft_targets(teachers: Sequence[Teacher]) -> np.ndarray:
    """The teachers' mean probabilities, rows renormalized to sum 1."""
    if not teachers:
        raise ValueError("soft targets need at least one teacher")
    return normalize(np.mean([t.probabilities for t in teachers], axis=0)).astype(np.float32)


def mix(y: np.ndarray, soft: np.ndarray, weight: float) -> np.ndarray:
    """The student's targets: ``(1 - weight) * one_hot(y) + weight * soft`` (float32)."""
    check_weight(weight)
    if soft.shape[0] != len(y):
        raise ValueError(f"{soft.shape[0]} soft targets for {len(y)} examples")
    hard = np.eye(soft.shape[1], dtype=np.float64)[np.asarray(y)]
    return ((1.0 - weight) * hard + weight * soft.astype(np.float64)).astype(np.float32)


def card(teachers: Sequence[Teacher], weight: float) -> dict[str, object]:
    """What the model card records of the distillation."""
    return {
        "weight": weight,
        "temperature": 1,
        "target": "(1 - weight) * label + weight * mean of the teachers' int8 softmax "
        "(dequantized, run in micro's interpreter on the cached training features)",
        "teachers": [
            {
                "file": t.path,  # as given: teachers of one recipe share a file name
                "sha256": t.sha256,
                "agreement_with_labels": round(t.agreement, 4),
            }
            for t in teachers
        ],
    }
