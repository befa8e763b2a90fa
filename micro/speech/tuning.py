"""A bar per keyword, chosen on a tuning stream that training never read.

The train side's speakers (and the other speech's training share) are split once more
(``corpus.tuning_split``, ``corpus.speech_tuning_split``): the tuning part's keywords and other
words, then its other speech, are laid one after another on the *training* noise
(``tuning_stream``), ``PASSES`` times over, each pass in a new order at new offsets on the
noise bed (no new files: the minutes go up so that the stream can resolve an alarm an hour).
The trained model scores that stream once, as the demo streams it (``score_trace``); the
recognizer is then replayed over those scores for each candidate bar (``replay``), and each
keyword's bar is chosen by a rule fixed before any model is trained (``choose``):

- ``"score"`` (the default): **the bar of the grid with the most hits of that word less
  ``ALARM_COST`` times its false alarms**, the fewest alarms (then the lowest bar) among equals.
  ``ALARM_COST`` is the targets' own rate of exchange: each word heard >= 95 % of the time and
  at most 1 false alarm of it an hour; the tuning stream holds about 43 clips of each word an
  hour, whose 5 % is about 2 misses, so an alarm weighs as much as 2 missed keywords.
- ``"budget"`` (the first rule): the lowest bar whose false alarms of that word stay within
  ``BUDGET_PER_HOUR`` an hour; the fewest alarms (the lowest of equals) when none does. On a
  stream of under an hour it reads "no alarm at all", and the word's single most confident
  false alarm sets its bar.

Either way the other keywords are held at the demo's bar while one is chosen. Validation
speakers, the held-out other speech and the reserved speakers never choose: they only report,
with the bars chosen here.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..progress import progress
from . import corpus
from .evaluate import Segment, laid_stream
from .pipeline import DEMO_SUPPRESSION, DEMO_THRESHOLD, DEMO_WINDOW, Listener
from .recognizer import TIME_TOLERANCE, Detection, Recognizer

#: False alarms an hour allowed to each keyword on the tuning stream (the target is 2 an hour
#: over both yes and no).
BUDGET_PER_HOUR = 1.0
#: The "score" rule: hits less this many times the false alarms (one alarm = two misses).
ALARM_COST = 2.0
#: How many times the tuning part is laid in the stream (each pass in a new order, on new
#: gaps and a new stretch of the noise bed).
PASSES = 8
#: The rules ``choose`` knows.
RULES = ("score", "budget")
#: The bars tried: 0.60, 0.61, ... 0.99.
GRID = tuple(round(0.6 + 0.01 * i, 2) for i in range(40))
#: Seconds after a keyword clip's end in which its command still counts as hearing it (as
#: ``evaluate.keywords_in_stream`` counts).
AFTER = 1.0


@dataclass(frozen=True)
class Trace:
    """The model's scores over a stream: one row per 20 ms step, at ``times`` (s)."""

    times: np.ndarray  # float64 [T]
    scores: np.ndarray  # float64 [T, labels]


def tuning_stream(
    words: Sequence[str],
    clips: Sequence[np.ndarray],
    speech: Sequence[tuple[str, Sequence[str | os.PathLike[str]]]],
    noises: Sequence[np.ndarray],
    keywords: Sequence[str],
    seed: int = 2,
    passes: int = 1,
) -> tuple[np.ndarray, list[Segment]]:
    """The tuning part's clips (``words``: a keyword's segment is named by the keyword, any
    other word's "other words"), then each other-speech folder's tuning files
    (``speech``: (folder name, files)), whole, one after another on the noise bed
    (``evaluate.laid_stream``, seeded): the stream and where each clip lies. With ``passes``
    > 1 the same clips follow again, each further pass in a new (seeded) order; the gaps are
    drawn anew and the bed runs on, so a clip lands on another stretch of noise each time."""
    if passes < 1:
        raise ValueError(f"passes must be >= 1, got {passes}")
    named = [
        (w if w in keywords else "other words", np.asarray(c, np.int16))
        for w, c in zip(words, clips, strict=True)
        if w  # silence clips ("") are not in the stream: the bed is the silence
    ]
    for name, files in speech:
        named += [(name, r) for r in corpus.load_noise([Path(f) for f in files], 0.0)]
    rng = np.random.default_rng(seed)
    order = list(range(len(named)))
    for _ in range(passes - 1):
        order += [int(i) for i in rng.permutation(len(named))]
    named = [named[i] for i in order]
    stream, starts = laid_stream(rng, [c for _, c in named], noises)
    segments = [
        Segment(source, start, start + len(clip))
        for (source, clip), start in zip(named, starts, strict=True)
    ]
    return stream, segments


def score_trace(model: bytes, labels: Sequence[str], stream: np.ndarray) -> Trace:
    """The model's scores on every 20 ms step of the stream, as the demo computes them (the
    streaming front end, never reset)."""
    run = Listener(model, labels=tuple(labels))
    minute = 60 * 16000
    for at in progress(range(0, len(stream), minute), "tuning stream (min)"):
        run.push(stream[at : at + minute])
    scores = np.array(run.trace.scores).reshape(-1, len(labels))
    return Trace(np.array(run.trace.score_times), scores)


def averages(trace: Trace, window: float = DEMO_WINDOW) -> np.ndarray:
    """The recognizer's average at each step: the scores of the results whose time lies within
    ``window`` of the step's (``Recognizer.update``'s rule, min_results 1)."""
    out = np.empty_like(trace.scores)
    lo = 0
    for i, time in enumerate(trace.times):
        while lo < i and trace.times[lo] <= time - window + TIME_TOLERANCE:
            lo += 1
        out[i] = np.mean(trace.scores[lo : i + 1], axis=0)
    return out


def replay(
    times: np.ndarray,
    average: np.ndarray,
    labels: Sequence[str],
    thresholds: Mapping[str, float],
    suppression: float = DEMO_SUPPRESSION,
    ignore: Sequence[str] = ("silence", "unknown"),
) -> list[Detection]:
    """The commands the recognizer reports given its averages (``averages``) and a bar per
    label (``thresholds``; a label not given has the demo's bar)."""
    commands = np.array([label not in ignore for label in labels])
    bars = np.array([float(thresholds.get(label, DEMO_THRESHOLD)) for label in labels])
    candidates = np.where(commands, average, -1.0)
    best = np.argmax(candidates, axis=1)
    top = candidates[np.arange(len(best)), best]
    found: list[Detection] = []
    last = -math.inf
    for i in np.flatnonzero(top >= bars[best]):
        if times[i] - last < suppression - TIME_TOLERANCE:
            continue
        last = float(times[i])
        found.append(Detection(labels[best[i]], float(average[i, best[i]]), last))
    return found


def count(
    found: Sequence[Detection], segments: Sequence[Segment], keywords: Sequence[str]
) -> dict[str, dict[str, int]]:
    """Per keyword: its clips in the stream (``total``), those heard (the commands from the
    clip's start to ``AFTER`` s after its end are exactly its word: ``hits``), and its
    commands outside every clip of that word (``alarms``)."""
    result = {k: {"hits": 0, "total": 0, "alarms": 0} for k in keywords}
    spans: dict[str, list[tuple[float, float]]] = {k: [] for k in keywords}
    for s in segments:
        if s.source in result:
            lo, hi = s.start / 16000, s.end / 16000 + AFTER
            spans[s.source].append((lo, hi))
            inside = [d.label for d in found if lo < d.time <= hi]
            result[s.source]["total"] += 1
            result[s.source]["hits"] += inside == [s.source]
    for d in found:
        if d.label in result and not any(lo < d.time <= hi for lo, hi in spans[d.label]):
            result[d.label]["alarms"] += 1
    return result


def pick(rows: Sequence[Mapping[str, float]], rule: str, allowed: float, cost: float) -> float:
    """The bar a rule takes from one word's rows (``bar``, ``hits``, ``alarms``, bars rising):
    ``"score"``: the most ``hits - cost * alarms``, then the fewest alarms, then the lowest
    bar; ``"budget"``: the lowest bar with at most ``allowed`` alarms, else the fewest alarms
    (the lowest bar of equals)."""
    if rule == "score":
        best = max(rows, key=lambda r: (r["hits"] - cost * r["alarms"], -r["alarms"], -r["bar"]))
    elif rule == "budget":
        within = [r for r in rows if r["alarms"] <= allowed + 1e-9]
        best = within[0] if within else min(rows, key=lambda r: (r["alarms"], r["bar"]))
    else:
        raise ValueError(f"unknown tuning rule {rule!r}: one of {', '.join(RULES)}")
    return float(best["bar"])


def choose(
    times: np.ndarray,
    average: np.ndarray,
    labels: Sequence[str],
    segments: Sequence[Segment],
    hours: float,
    budget: float = BUDGET_PER_HOUR,
    grid: Sequence[float] = GRID,
    rule: str = "budget",
    cost: float = ALARM_COST,
) -> tuple[dict[str, float], dict[str, list[dict[str, float]]]]:
    """Each keyword's bar by ``rule`` (``pick``: ``"budget"``, ``budget`` alarms an hour of
    the stream's ``hours``; ``"score"``, hits less ``cost`` times alarms), the other keywords
    at the demo's bar while one is chosen. Returns the bars and, per word, every bar tried with
    its hits and alarms."""
    keywords = list(labels[2:])
    allowed = budget * hours
    chosen: dict[str, float] = {}
    tried: dict[str, list[dict[str, float]]] = {}
    for word in keywords:
        rows = []
        for bar in grid:
            got = count(replay(times, average, labels, {word: bar}), segments, [word])[word]
            rows.append({"bar": bar, "hits": got["hits"], "alarms": got["alarms"]})
        chosen[word] = pick(rows, rule, allowed, cost)
        tried[word] = rows
    return chosen, tried


def rule_text(rule: str, budget: float, cost: float, grid: Sequence[float] = GRID) -> str:
    """The rule as the card records it."""
    others = f"(the other keywords at {DEMO_THRESHOLD:g})"
    if rule == "score":
        return (
            f"per keyword, the bar of {grid_text(grid)} with the most hits of that word less "
            f"{cost:g} x its false alarms on the tuning stream {others}; the fewest alarms, "
            "then the lowest bar, among equals"
        )
    return (
        f"per keyword, the lowest bar of {grid_text(grid)} whose alarms of that word on the "
        f"tuning stream are <= {budget:g} an hour {others}; the fewest alarms when none is"
    )


def tune(
    model: bytes,
    labels: Sequence[str],
    stream: np.ndarray,
    segments: Sequence[Segment],
    budget: float = BUDGET_PER_HOUR,
    rule: str = "budget",
    cost: float = ALARM_COST,
    passes: int = 1,
) -> dict[str, Any]:
    """Score the tuning stream, choose the bars by ``rule``, and what the card records of it
    (``passes``: how many times the stream lays the tuning part, as recorded)."""
    trace = score_trace(model, labels, stream)
    average = averages(trace)
    hours = len(stream) / 16000 / 3600
    bars, tried = choose(
        trace.times, average, labels, segments, hours, budget, rule=rule, cost=cost
    )
    keywords = list(labels[2:])
    at_demo = count(replay(trace.times, average, labels, {}), segments, keywords)
    at_chosen = count(replay(trace.times, average, labels, bars), segments, keywords)
    minutes: dict[str, float] = {}
    for s in segments:
        minutes[s.source] = minutes.get(s.source, 0.0) + (s.end - s.start) / 16000 / 60
    return {
        "rule": rule_text(rule, budget, cost),
        "rule_name": rule,
        **({"alarm_cost": cost} if rule == "score" else {"budget_per_hour": budget}),
        "passes": passes,
        "thresholds": bars,
        "stream_minutes": round(hours * 60, 2),
        "clips_minutes": {k: round(v, 2) for k, v in sorted(minutes.items())},
        "at_demo_threshold": at_demo,
        "at_chosen": at_chosen,
        "tried": tried,
    }


def grid_text(grid: Sequence[float] = GRID) -> str:
    return f"{grid[0]:g}, {grid[1]:g} ... {grid[-1]:g}"


def recognizer(labels: Sequence[str], thresholds: Mapping[str, float]) -> Recognizer:
    """The demo's recognizer with a bar per word."""
    return Recognizer(
        tuple(labels),
        window=DEMO_WINDOW,
        threshold=DEMO_THRESHOLD,
        suppression=DEMO_SUPPRESSION,
        min_results=1,
        thresholds=thresholds,
    )
