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

Either way the other keywords are held at the demo's bar while one is chosen. The recognizer's
averaging ``window`` and ``min_results`` are chosen with the bars (``choose_recognizer``): for
each pair of ``WINDOWS`` x ``MIN_RESULTS`` the bars are chosen as above, and the pair whose
bars give the most hits less ``ALARM_COST`` times the alarms over all keywords (``"score"``; the
most hits among pairs within the budget for ``"budget"``) wins; the fewest alarms, then the
shorter window, then the fewer results, among equals. On a stream the front end never restarts,
so ``min_results`` only holds back the stream's first steps: it matters where a clip starts the
pipeline afresh (``micro speech FILE``), and the stream cannot tell its values apart (the
smallest wins the tie). Validation
speakers, the held-out other speech and the reserved speakers never choose: they only report,
with the bars chosen here.
"""

from __future__ import annotations

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
from .recognizer import TIME_TOLERANCE, Detection, Recognizer, commands, ignored

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
#: The averaging windows tried (s) and the least results in view before a command.
WINDOWS = tuple(round(0.4 + 0.1 * i, 1) for i in range(9))
MIN_RESULTS = (1, 5, 10, 20)
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
    ``window`` of the step's (``Recognizer.update``'s rule, min_results 1). Running sums: the
    int8 scores' multiples of the output scale add up exactly."""
    scores = np.asarray(trace.scores, np.float64)
    held = in_view(trace.times, window)
    sums = np.vstack([np.zeros((1, scores.shape[1])), np.cumsum(scores, axis=0)])
    steps = np.arange(1, len(scores) + 1)
    return (sums[steps] - sums[steps - held]) / held[:, None]


def in_view(times: np.ndarray, window: float = DEMO_WINDOW) -> np.ndarray:
    """The results the recognizer holds at each step (``Recognizer.update``'s rule): those
    whose time lies within ``window`` of the step's."""
    times = np.asarray(times, np.float64)
    first = np.searchsorted(times, times - window + TIME_TOLERANCE, side="right")
    # the newest result always stays, however short the window
    return np.arange(1, len(times) + 1) - np.minimum(first, np.arange(len(times)))


@dataclass(frozen=True)
class Ranked:
    """The steps of a trace whose best command's average reaches ``lowest`` (with at least
    ``min_results`` results in view): their index, that command and its average. Every bar of
    at least ``lowest`` is passed only there, so ``replay`` need not look at the others."""

    steps: np.ndarray  # int [S]
    best: np.ndarray  # int [S]: the label index
    top: np.ndarray  # float64 [S]
    lowest: float


def ranked(
    average: np.ndarray,
    labels: Sequence[str],
    lowest: float,
    ignore: Sequence[str] = ("silence", "unknown"),
    held: np.ndarray | None = None,
    min_results: int = 1,
) -> Ranked:
    is_command = np.array([label not in ignore for label in labels])
    candidates = np.where(is_command, average, -1.0)
    best = np.argmax(candidates, axis=1)
    top = candidates[np.arange(len(best)), best]
    keep = top >= lowest
    if min_results > 1:
        if held is None:
            raise ValueError("min_results > 1 needs the results in view (held)")
        keep &= held >= min_results
    steps = np.flatnonzero(keep)
    return Ranked(steps, best[steps], top[steps], lowest)


def replay(
    times: np.ndarray,
    average: np.ndarray,
    labels: Sequence[str],
    thresholds: Mapping[str, float],
    suppression: float = DEMO_SUPPRESSION,
    ignore: Sequence[str] = ("silence", "unknown"),
    held: np.ndarray | None = None,
    min_results: int = 1,
    ranks: Ranked | None = None,
) -> list[Detection]:
    """The commands the recognizer reports given its averages (``averages``) and a bar per
    label (``thresholds``; a label not given has the demo's bar); with ``min_results`` > 1,
    none while fewer results are in view (``held``: ``in_view`` of the averages' window).
    ``ranks``: ``ranked`` of the same averages, ignored labels and min_results, made once for
    many bars (none below its ``lowest``)."""
    bars = np.array([float(thresholds.get(label, DEMO_THRESHOLD)) for label in labels])
    if ranks is None:
        ranks = ranked(average, labels, float(bars.min()), ignore, held, min_results)
    elif bars.min() < ranks.lowest:
        raise ValueError(f"a bar of {bars.min():g} under the ranked steps' {ranks.lowest:g}")
    over = ranks.top >= bars[ranks.best]
    steps, best = ranks.steps[over], ranks.best[over]
    at = np.asarray(times, np.float64)[steps]
    found: list[Detection] = []
    k = 0
    while k < len(steps):  # a command, then the first step over the bar after its suppression
        i, label = int(steps[k]), int(best[k])
        found.append(Detection(labels[label], float(average[i, label]), float(times[i])))
        k += 1
        # the next step whose time - this one's is not < suppression (to the tolerance)
        k = max(k, int(np.searchsorted(at, at[k - 1] + suppression - TIME_TOLERANCE, "left")))
    return found


def count(
    found: Sequence[Detection], segments: Sequence[Segment], keywords: Sequence[str]
) -> dict[str, dict[str, int]]:
    """Per keyword: its clips in the stream (``total``), those heard (the commands from the
    clip's start to ``AFTER`` s after its end are exactly its word: ``hits``), and its
    commands outside every clip of that word (``alarms``). Commands come in time order (as
    ``replay`` gives them)."""
    result = {k: {"hits": 0, "total": 0, "alarms": 0} for k in keywords}
    times = np.array([d.time for d in found], np.float64)
    names = [d.label for d in found]
    for k in keywords:
        spans = np.array(
            [(s.start / 16000, s.end / 16000 + AFTER) for s in segments if s.source == k],
            np.float64,
        ).reshape(-1, 2)
        result[k]["total"] = len(spans)
        # the commands in (lo, hi] of each clip of the word: exactly one, and it is the word
        first = np.searchsorted(times, spans[:, 0], side="right")
        end = np.searchsorted(times, spans[:, 1], side="right")
        one = np.flatnonzero(end - first == 1)
        result[k]["hits"] = int(sum(names[int(first[i])] == k for i in one))
        # a command of the word is an alarm unless a clip of it started before and spans it
        mine = times[[i for i, n in enumerate(names) if n == k]]
        covered = np.zeros(len(mine), bool)
        if len(spans):
            spans = spans[np.argsort(spans[:, 0], kind="stable")]
            before = np.searchsorted(spans[:, 0], mine, side="left")  # clips with lo < time
            reach = np.maximum.accumulate(spans[:, 1])  # the furthest hi among them
            covered = (before > 0) & (reach[np.maximum(before - 1, 0)] >= mine)
        result[k]["alarms"] = int((~covered).sum())
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
    held: np.ndarray | None = None,
    min_results: int = 1,
    decoys: Sequence[str] = (),
) -> tuple[dict[str, float], dict[str, list[dict[str, float]]]]:
    """Each keyword's bar by ``rule`` (``pick``: ``"budget"``, ``budget`` alarms an hour of
    the stream's ``hours``; ``"score"``, hits less ``cost`` times alarms), the other keywords
    at the demo's bar while one is chosen. Returns the bars and, per word, every bar tried with
    its hits and alarms. ``decoys``: labels never reported (no bar)."""
    keywords = commands(labels, decoys)
    ignore = ignored(decoys)
    allowed = budget * hours
    chosen: dict[str, float] = {}
    tried: dict[str, list[dict[str, float]]] = {}
    lowest = min(min(grid), DEMO_THRESHOLD)
    ranks = ranked(average, labels, lowest, ignore, held=held, min_results=min_results)
    for word in keywords:
        rows = []
        for bar in grid:
            found = replay(times, average, labels, {word: bar}, ignore=ignore, ranks=ranks)
            got = count(found, segments, [word])[word]
            rows.append({"bar": bar, "hits": got["hits"], "alarms": got["alarms"]})
        chosen[word] = pick(rows, rule, allowed, cost)
        tried[word] = rows
    return chosen, tried


def rule_text(
    rule: str,
    budget: float,
    cost: float,
    grid: Sequence[float] = GRID,
    windows: Sequence[float] = WINDOWS,
    min_results: Sequence[int] = MIN_RESULTS,
) -> str:
    """The rule as the card records it."""
    others = f"(the other keywords at {DEMO_THRESHOLD:g})"
    joint = (
        f"; with the averaging window of {', '.join(f'{w:g}' for w in windows)} s and "
        f"min_results of {', '.join(str(m) for m in min_results)}: the pair whose bars "
    )
    if rule == "score":
        return (
            f"per keyword, the bar of {grid_text(grid)} with the most hits of that word less "
            f"{cost:g} x its false alarms on the tuning stream {others}; the fewest alarms, "
            f"then the lowest bar, among equals{joint}give the most hits less {cost:g} x "
            "alarms over all keywords; the fewest alarms, the shorter window, the fewer "
            "results among equals"
        )
    return (
        f"per keyword, the lowest bar of {grid_text(grid)} whose alarms of that word on the "
        f"tuning stream are <= {budget:g} an hour {others}; the fewest alarms when none is"
        f"{joint}give the most hits with <= {budget:g} alarm an hour a keyword (else the "
        "fewest alarms); the fewest alarms, the shorter window, the fewer results among equals"
    )


def choose_recognizer(
    trace: Trace,
    labels: Sequence[str],
    segments: Sequence[Segment],
    hours: float,
    budget: float = BUDGET_PER_HOUR,
    rule: str = "budget",
    cost: float = ALARM_COST,
    windows: Sequence[float] = WINDOWS,
    min_results: Sequence[int] = MIN_RESULTS,
    grid: Sequence[float] = GRID,
    decoys: Sequence[str] = (),
) -> dict[str, Any]:
    """The window, min_results and bars together: for each pair the bars by ``rule``
    (``choose``), then the pair whose bars do best on the whole stream (``"score"``: the most
    hits less ``cost`` x alarms over all keywords; ``"budget"``: the most hits among pairs with
    at most ``budget`` alarms an hour a keyword, else the fewest alarms); the fewest alarms,
    the shorter window, the fewer results among equals. Returns ``window_s``, ``min_results``,
    ``thresholds``, the bars' rows (``tried``) of the chosen pair and every pair's result
    (``settings``). ``decoys``: labels never reported."""
    keywords = commands(labels, decoys)
    ignore = ignored(decoys)
    allowed = budget * hours * len(keywords)
    rows: list[dict[str, Any]] = []
    tried_of: dict[tuple[float, int], dict[str, list[dict[str, float]]]] = {}
    reported = [i for i, label in enumerate(labels) if label in keywords]
    lowest = min(min(grid), DEMO_THRESHOLD)
    for window in windows:
        average = averages(trace, window)
        held = in_view(trace.times, window)
        loudest = average[:, reported].max(axis=1) if reported else np.zeros(len(held))
        done: dict[int, tuple[dict[str, float], Any, int, int]] = {}
        for least in min_results:
            # a min_results that holds back no step any bar could pass changes nothing: the
            # choice of the fewest results that does (on a stream, only its first steps differ)
            same = min(
                [m for m in done if not (loudest[(held < least) & (held >= m)] >= lowest).any()],
                default=least,
            )
            if same not in done:
                bars, tried = choose(
                    trace.times, average, labels, segments, hours, budget, grid, rule, cost,
                    held, least, decoys,
                )  # fmt: skip
                found = replay(
                    trace.times, average, labels, bars, ignore=ignore, held=held,
                    min_results=least,
                )  # fmt: skip
                got = count(found, segments, keywords)
                hits = sum(g["hits"] for g in got.values())
                alarms = sum(g["alarms"] for g in got.values())
                done[least] = (bars, tried, hits, alarms)
            bars, tried, hits, alarms = done[same]
            rows.append(
                {"window_s": window, "min_results": least, "thresholds": bars, "hits": hits,
                 "alarms": alarms, "score": hits - cost * alarms}
            )  # fmt: skip
            tried_of[window, least] = tried
    best = pick_setting(rows, rule, allowed)
    return {
        "window_s": best["window_s"],
        "min_results": best["min_results"],
        "thresholds": best["thresholds"],
        "tried": tried_of[best["window_s"], best["min_results"]],
        "settings": rows,
    }


def pick_setting(rows: Sequence[Mapping[str, Any]], rule: str, allowed: float) -> Mapping[str, Any]:
    """The (window, min_results) row ``choose_recognizer`` takes (see there)."""

    def tie(r: Mapping[str, Any]) -> tuple[float, float, int]:
        return (-r["alarms"], -r["window_s"], -r["min_results"])

    if rule == "score":
        return max(rows, key=lambda r: (r["score"], *tie(r)))
    if rule == "budget":
        within = [r for r in rows if r["alarms"] <= allowed + 1e-9]
        if within:
            return max(within, key=lambda r: (r["hits"], *tie(r)))
        return max(rows, key=lambda r: (-r["alarms"], r["hits"], *tie(r)[1:]))
    raise ValueError(f"unknown tuning rule {rule!r}: one of {', '.join(RULES)}")


def tune(
    model: bytes,
    labels: Sequence[str],
    stream: np.ndarray,
    segments: Sequence[Segment],
    budget: float = BUDGET_PER_HOUR,
    rule: str = "budget",
    cost: float = ALARM_COST,
    passes: int = 1,
    windows: Sequence[float] = WINDOWS,
    min_results: Sequence[int] = MIN_RESULTS,
    decoys: Sequence[str] = (),
) -> dict[str, Any]:
    """Score the tuning stream, choose the window, min_results and bars by ``rule``, and what
    the card records of it (``passes``: how many times the stream lays the tuning part, as
    recorded; ``decoys``: labels never reported)."""
    return tune_trace(
        score_trace(model, labels, stream), labels, len(stream), segments, budget, rule, cost,
        passes, windows, min_results, decoys,
    )  # fmt: skip


def tune_trace(
    trace: Trace,
    labels: Sequence[str],
    samples: int,
    segments: Sequence[Segment],
    budget: float = BUDGET_PER_HOUR,
    rule: str = "budget",
    cost: float = ALARM_COST,
    passes: int = 1,
    windows: Sequence[float] = WINDOWS,
    min_results: Sequence[int] = MIN_RESULTS,
    decoys: Sequence[str] = (),
) -> dict[str, Any]:
    """``tune`` on a stream of ``samples`` already scored (``trace``)."""
    hours = samples / 16000 / 3600
    chosen = choose_recognizer(
        trace, labels, segments, hours, budget, rule, cost, windows, min_results, decoys=decoys
    )
    keywords = commands(labels, decoys)
    ignore = ignored(decoys)
    at_demo = count(
        replay(trace.times, averages(trace), labels, {}, ignore=ignore), segments, keywords
    )
    window, least = chosen["window_s"], chosen["min_results"]
    held = in_view(trace.times, window)
    found = replay(
        trace.times, averages(trace, window), labels, chosen["thresholds"], ignore=ignore,
        held=held, min_results=least,
    )  # fmt: skip
    at_chosen = count(found, segments, keywords)
    minutes: dict[str, float] = {}
    for s in segments:
        minutes[s.source] = minutes.get(s.source, 0.0) + (s.end - s.start) / 16000 / 60
    return {
        "rule": rule_text(rule, budget, cost, windows=windows, min_results=min_results),
        "rule_name": rule,
        **({"alarm_cost": cost} if rule == "score" else {"budget_per_hour": budget}),
        "passes": passes,
        "window_s": window,
        "min_results": least,
        "thresholds": chosen["thresholds"],
        "stream_minutes": round(hours * 60, 2),
        "clips_minutes": {k: round(v, 2) for k, v in sorted(minutes.items())},
        "at_demo_threshold": at_demo,
        "at_chosen": at_chosen,
        "tried": chosen["tried"],
        "settings": chosen["settings"],
    }


def grid_text(grid: Sequence[float] = GRID) -> str:
    return f"{grid[0]:g}, {grid[1]:g} ... {grid[-1]:g}"


def recognizer(
    labels: Sequence[str],
    thresholds: Mapping[str, float],
    window: float = DEMO_WINDOW,
    min_results: int = 1,
    decoys: Sequence[str] = (),
) -> Recognizer:
    """The demo's recognizer with a bar per word (and a window and min_results, as chosen);
    ``decoys`` are never reported."""
    return Recognizer(
        tuple(labels),
        window=window,
        threshold=DEMO_THRESHOLD,
        suppression=DEMO_SUPPRESSION,
        min_results=min_results,
        ignore=ignored(decoys),
        thresholds=thresholds,
    )
