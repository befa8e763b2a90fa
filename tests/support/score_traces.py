"""Streams of recognizer scores drawn by hand for the tuning tests: a result every STEP
seconds, as the demo streams, and the stretches of audio (segments) they stand for."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from micro.speech import evaluate, tuning

STEP = 0.02  # s between results, as the demo streams


def plateau_trace(
    labels: Sequence[str], plateaus: list[tuple[str, float, float, float]], seconds: float
) -> tuning.Trace:
    """Scores every STEP s over `labels` (silence first): silence 1.0, except (label, from,
    to, score) plateaus where the label holds ``score`` and silence the rest. Scores are
    sixteenths, so the averages of a plateau are exact: an average over a window within a
    plateau is its score."""
    times = 0.03 + STEP * np.arange(int(seconds / STEP))
    scores = np.zeros((len(times), len(labels)))
    scores[:, 0] = 1.0
    for label, lo, hi, score in plateaus:
        inside = (times >= lo) & (times < hi)
        scores[inside, list(labels).index(label)] = score
        scores[inside, 0] = 1.0 - score
    return tuning.Trace(times, scores)


def segment(source: str, lo: float, hi: float) -> evaluate.Segment:
    """The samples of 16 kHz audio from `lo` to `hi` s, labelled `source`."""
    return evaluate.Segment(source, int(lo * 16000), int(hi * 16000))
