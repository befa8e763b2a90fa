"""Turning a stream of per-window class scores into commands.

Scores arrive every stride (20 ms) for the last second of audio. The command with the
highest score averaged over the last `window` seconds is reported when that average reaches
its threshold (`threshold`, or its own in `thresholds`: a word the model confuses with other
speech more often can be held to a higher bar); after a report nothing more is reported for
`suppression` seconds (one utterance gives one command even though it stays in view for a
second).

Times are compared as the exact values they stand for (sums of 20 ms strides), to a
nanosecond: a 0.5 s window holds exactly 25 results of a 20 ms stride, whatever the float
rounding of the times. firmware/speech/src/speech_recognizer.c is the integer twin.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

LABELS = ("silence", "unknown", "yes", "no")
#: The labels that are never a command: the first two of every keyword model.
NOT_COMMANDS = ("silence", "unknown")
TIME_TOLERANCE = 1e-9  # s


def ignored(decoys: Sequence[str] = ()) -> tuple[str, ...]:
    """The labels a recognizer never reports: silence, unknown and the model's decoys (words
    trained as classes of their own only so that they are not taken for a keyword; a decoy's
    score counts as unknown's does: `micro speech train --decoys`)."""
    return (*NOT_COMMANDS, *decoys)


def commands(labels: Sequence[str], decoys: Sequence[str] = ()) -> list[str]:
    """The labels a recognizer reports: the keywords (every label after silence and unknown
    but the decoys)."""
    return [label for label in labels[2:] if label not in decoys]


@dataclass(frozen=True)
class Detection:
    label: str
    score: float  # the averaged score, in [0, 1]
    time: float  # seconds from the start of the stream

    def __str__(self) -> str:
        return f"heard '{self.label}' ({self.score:.2f}) at {self.time:.2f} s"


class Recognizer:
    def __init__(
        self,
        labels: Sequence[str] = LABELS,
        window: float = 1.0,
        threshold: float = 0.8,
        suppression: float = 1.5,
        min_results: int = 3,
        ignore: Sequence[str] = ("silence", "unknown"),
        thresholds: Mapping[str, float] | None = None,
    ) -> None:
        """thresholds: per label, instead of `threshold`; a label the model lacks is ignored
        (the demo's settings serve any model)."""
        self.thresholds = label_thresholds(labels, threshold, thresholds)
        wrong = list(dict.fromkeys(f"{t:g}" for t in self.thresholds if not 0 < t <= 1))
        if wrong:
            raise ValueError(f"threshold {', '.join(wrong)}: a threshold is a score in (0, 1]")
        if not window > 0:
            raise ValueError(f"window {window:g}: the seconds of scores averaged must be > 0")
        if not suppression >= 0 or min_results < 1:
            raise ValueError(
                f"suppression {suppression:g} s, min_results {min_results}: "
                "suppression must be >= 0 and min_results >= 1"
            )
        self.labels = tuple(labels)
        self.window = window
        self.threshold = threshold
        self.suppression = suppression
        self.min_results = min_results
        self._commands = np.array([label not in ignore for label in self.labels])
        self._history: deque[tuple[float, np.ndarray]] = deque()
        self._last: Detection | None = None

    def reset(self) -> None:
        self._history.clear()
        self._last = None

    def update(self, scores: Sequence[float] | np.ndarray, time: float) -> Detection | None:
        """Add the scores for the window ending at `time` (s); a Detection or None."""
        values = np.asarray(scores, dtype=np.float64).reshape(-1)
        if values.size != len(self.labels):
            raise ValueError(f"{values.size} scores for {len(self.labels)} labels")
        if self._history and time < self._history[-1][0]:
            raise ValueError(f"time went backwards: {time} after {self._history[-1][0]}")
        self._history.append((time, values))
        while len(self._history) > 1 and self._history[0][0] <= time - self.window + TIME_TOLERANCE:
            self._history.popleft()
        if len(self._history) < self.min_results:
            return None
        average = np.mean([s for _, s in self._history], axis=0)
        candidates = np.where(self._commands, average, -1.0)
        best = int(np.argmax(candidates))
        if candidates[best] < self.thresholds[best]:
            return None
        if self._last is not None and time - self._last.time < self.suppression - TIME_TOLERANCE:
            return None
        self._last = Detection(self.labels[best], float(average[best]), time)
        return self._last


def label_thresholds(
    labels: Sequence[str], threshold: float, thresholds: Mapping[str, float] | None
) -> tuple[float, ...]:
    """Each label's threshold: its own in ``thresholds``, else ``threshold``."""
    own = thresholds or {}
    return tuple(float(own.get(label, threshold)) for label in labels)
