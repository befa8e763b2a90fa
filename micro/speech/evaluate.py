"""How a keyword model does on recorded speech, measured as the demo uses it.

- ``heard``: each clip through ``micro speech FILE``'s pipeline (the streaming front end,
  the model on every 20 ms step, the recognizer with the command's defaults, a silent tail);
  a keyword counts when exactly that word is reported, any other clip when no command is.
- ``false_alarm_stream`` / ``false_alarm_report``: the same pipeline over hours of real
  non-keyword audio (other words, other recorded speech, on recorded noise); every command it
  reports is a false alarm, counted per source.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..progress import progress
from . import corpus
from .pipeline import DEMO_SUPPRESSION, DEMO_THRESHOLD, DEMO_WINDOW, Listener
from .recognizer import LABELS, Detection, Recognizer, commands, ignored

log = logging.getLogger(__name__)


#: A bar per keyword (a model's card's ``recognizer.thresholds``); none: the demo's bar.
Bars = Mapping[str, float] | None


def listener(
    model: bytes, labels: Sequence[str], thresholds: Bars = None, window: float = DEMO_WINDOW,
    min_results: int = 1, decoys: Sequence[str] = (),
) -> Listener:  # fmt: skip
    """The demo's pipeline; ``thresholds``: a bar per word instead of the demo's; ``window``
    and ``min_results``: the recognizer's (a model card's, chosen with its bars); ``decoys``:
    labels never reported (a model card's)."""
    recognizer = Recognizer(
        tuple(labels), window=window, threshold=DEMO_THRESHOLD,
        suppression=DEMO_SUPPRESSION, min_results=min_results, ignore=ignored(decoys),
        thresholds=thresholds,
    )  # fmt: skip
    return Listener(model, recognizer=recognizer, labels=tuple(labels))


def heard(
    model: bytes, labels: Sequence[str], clips: Sequence[np.ndarray], thresholds: Bars = None,
    window: float = DEMO_WINDOW, min_results: int = 1, decoys: Sequence[str] = (),
) -> list[list[str]]:  # fmt: skip
    """The commands reported for each clip (int16, 16 kHz), a silent tail appended."""
    run = listener(model, labels, thresholds, window, min_results, decoys)
    return [[d.label for d in run.run_clip(clip)] for clip in progress(clips, "clips")]


@dataclass
class Row:
    """One class of clips: how many, and how many the demo got right."""

    name: str
    right: int
    total: int

    @property
    def rate(self) -> float:
        return self.right / self.total if self.total else float("nan")

    def as_dict(self) -> dict[str, float | int]:
        return {"right": self.right, "total": self.total, "rate": round(self.rate, 4)}


def table(
    model: bytes, labels: Sequence[str], words: Sequence[str], clips: Sequence[np.ndarray],
    thresholds: Bars = None, window: float = DEMO_WINDOW, min_results: int = 1,
    decoys: Sequence[str] = (),
) -> dict[str, Row]:  # fmt: skip
    """Per keyword: clips of it heard as it alone; ``other words``: clips of any other word
    (a decoy's too) with no command; ``silence`` (word ""): no command."""
    keywords = commands(labels, decoys)
    results = heard(model, labels, clips, thresholds, window, min_results, decoys)
    rows = {k: Row(k, 0, 0) for k in keywords}
    rows["other words"] = Row("other words", 0, 0)
    rows["silence"] = Row("silence", 0, 0)
    for word, got in zip(words, results, strict=True):
        key = word if word in keywords else "silence" if word == "" else "other words"
        row = rows[key]
        row.total += 1
        row.right += got == [word] if word in keywords else not got
    return {k: r for k, r in rows.items() if r.total}


@dataclass(frozen=True)
class Segment:
    """Where one clip of a laid stream lies (samples) and what it is: its ``source``, and
    within it its ``group`` when known (the word of an other-word clip, the wake-word folder
    or speaker of other speech, ``corpus.speech_group``), so false alarms can be traced."""

    source: str
    start: int
    end: int
    group: str = ""


def laid_stream(
    rng: np.random.Generator,
    clips: Sequence[np.ndarray],
    noises: Sequence[np.ndarray],
    noise_db: float = -15.0,
) -> tuple[np.ndarray, list[int]]:
    """Clips one after another with 0.2..1.5 s gaps, over a bed of the noises (one after
    another) ``noise_db`` below the speech's typical peak level (int16), and the sample at
    which each clip starts. Built a million samples at a time: an hour of audio costs its
    int16 bytes, not float64 copies."""
    gaps = [int(rng.uniform(0.2, 1.5) * 16000) for _ in clips]
    ends = np.cumsum([len(c) + g for c, g in zip(clips, gaps, strict=True)], dtype=np.int64)
    starts = [0, *(int(e) for e in ends[:-1])] if clips else []
    out = np.zeros(int(ends[-1]) if clips else 16000, np.int16)
    for clip, start in zip(clips, starts, strict=True):
        out[start : start + len(clip)] = clip
    if noises:
        bed = np.concatenate([np.asarray(n, np.float64) for n in noises])
        peak = np.median([np.max(np.abs(c)) for c in clips]) if clips else 3000.0
        # the RMS of the bed as laid: whole loops of it and a part
        loops, part = divmod(len(out), len(bed))
        rms = np.sqrt((loops * np.sum(bed**2) + np.sum(bed[:part] ** 2)) / len(out)) + 1e-9
        chunk = 1 << 20
        for at in range(0, len(out), chunk):
            here = out[at : at + chunk].astype(np.float64)
            noise = bed[np.arange(at, at + len(here)) % len(bed)]
            here = here + noise / rms * peak * 10.0 ** (noise_db / 20.0)
            out[at : at + chunk] = np.clip(np.round(here), -32768, 32767)
    return out, starts


def false_alarm_stream(
    others: Sequence[np.ndarray],
    speech: Sequence[str | os.PathLike[str]] = (),
    noises: Sequence[np.ndarray] = (),
    seed: int = 0,
    fraction: float = 0.3,
    other_words: Sequence[str] = (),
) -> tuple[np.ndarray, list[Segment]]:
    """Real non-keyword audio to count false alarms over: the clips ``others`` (other words,
    named by ``other_words`` when given), then every recording of each ``speech`` folder's
    held-out share (``fraction``, as ``corpus.speech_split`` cuts it: training never read
    them), whole (any rate: wake words, digits), one after another on the noise bed
    (``laid_stream``, seeded); and where each clip lies, with its group (the word; the
    recording's wake-word folder or speaker)."""
    if other_words and len(other_words) != len(others):
        raise ValueError(f"{len(other_words)} names for {len(others)} other-word clips")
    names = list(other_words) or [""] * len(others)
    clips = [
        ("other words", name, np.asarray(c, np.int16))
        for name, c in zip(names, others, strict=True)
    ]
    for folder in speech:
        for path in corpus.held_out_speech(folder, fraction):
            group = corpus.speech_group(folder, path)
            clips += [(Path(folder).name, group, r) for r in corpus.load_noise([path], 0.0)]
    stream, starts = laid_stream(np.random.default_rng(seed), [c for *_, c in clips], noises)
    segments = [
        Segment(source, start, start + len(clip), group)
        for (source, group, clip), start in zip(clips, starts, strict=True)
    ]
    return stream, segments


def detections(
    model: bytes, labels: Sequence[str], stream: np.ndarray, thresholds: Bars = None,
    window: float = DEMO_WINDOW, min_results: int = 1, decoys: Sequence[str] = (),
) -> list[Detection]:  # fmt: skip
    """The commands the demo reports over a stream."""
    run = listener(model, labels, thresholds, window, min_results, decoys)
    minute = 60 * 16000  # the pipeline streams: pushing a minute at a time changes nothing
    chunks = [stream[i : i + minute] for i in range(0, len(stream), minute)]
    return [d for chunk in progress(chunks, "stream (min)") for d in run.push(chunk)]


def false_alarm_report(
    found: Sequence[Detection], samples: int, segments: Sequence[Segment]
) -> dict[str, Any]:
    """Commands reported over a ``false_alarm_stream`` of ``samples``: count, minutes, per
    hour, and per source (a command while a clip is in view, to 1 s after its end, is its
    source's; minutes are the source's clips alone), with the words reported (``words``) and,
    where the segments name a group (the other word, the wake-word folder or speaker), the
    words reported per group (``groups``, only groups with an alarm)."""
    hours = samples / 16000 / 3600
    starts = np.array([s.start for s in segments])
    by_source: dict[str, dict[str, Any]] = {}
    for s in segments:
        row = by_source.setdefault(s.source, {"count": 0, "minutes": 0.0})
        row["minutes"] += (s.end - s.start) / 16000 / 60
    clip_minutes = sum(s.end - s.start for s in segments) / 16000 / 60
    between: dict[str, Any] = {"count": 0, "minutes": hours * 60 - clip_minutes}
    words: dict[str, dict[str, int]] = {}
    groups: dict[str, dict[str, dict[str, int]]] = {}
    for d in found:
        at = d.time * 16000
        k = int(np.searchsorted(starts, at, side="left")) - 1
        inside = k >= 0 and at <= segments[k].end + 16000
        source = segments[k].source if inside else "between clips"
        (by_source[source] if inside else between)["count"] += 1
        tally = words.setdefault(source, {})
        tally[d.label] = tally.get(d.label, 0) + 1
        if inside and segments[k].group:
            group = groups.setdefault(source, {}).setdefault(segments[k].group, {})
            group[d.label] = group.get(d.label, 0) + 1
        log.debug("false alarm: %s (%s %s)", d, source, segments[k].group if inside else "")
    report: dict[str, dict[str, Any]] = {}
    for name, v in {**by_source, "between clips": between}.items():
        row = {"count": int(v["count"]), "minutes": round(v["minutes"], 2)}
        if name in words:
            row["words"] = dict(sorted(words[name].items()))
        if name in groups:
            row["groups"] = {g: dict(sorted(w.items())) for g, w in sorted(groups[name].items())}
        report[name] = row
    return {
        "count": len(found),
        "minutes": round(hours * 60, 2),
        "per_hour": round(len(found) / hours, 2) if hours else None,
        "by_source": report,
    }


def keywords_in_stream(
    model: bytes,
    labels: Sequence[str],
    words: Sequence[str],
    clips: Sequence[np.ndarray],
    noises: Sequence[np.ndarray],
    seed: int = 1,
    thresholds: Bars = None,
    window: float = DEMO_WINDOW,
    min_results: int = 1,
    decoys: Sequence[str] = (),
) -> dict[str, int]:
    """The keyword clips one after another on a bed of the noises (``laid_stream``), the
    front end running on, never reset: a clip is heard when the commands reported from its
    start to 1 s after its end are exactly its word; a command outside every such span is
    stray. Harder than ``table``, where each clip starts the front end afresh."""
    reported = commands(labels, decoys)
    keywords = [(w, c) for w, c in zip(words, clips, strict=True) if w in reported]
    rng = np.random.default_rng(seed)
    stream, starts = laid_stream(rng, [c for _, c in keywords], noises)
    run = listener(model, labels, thresholds, window, min_results, decoys)
    minute = 60 * 16000
    got = [d for i in range(0, len(stream), minute) for d in run.push(stream[i : i + minute])]
    heard, used = 0, set[int]()
    for (word, clip), start in zip(keywords, starts, strict=True):
        lo, hi = start / 16000, (start + len(clip)) / 16000 + 1.0
        inside = [d for d in got if lo < d.time <= hi]
        used.update(id(d) for d in inside)
        heard += [d.label for d in inside] == [word]
    return {"heard": heard, "total": len(keywords), "stray": sum(id(d) not in used for d in got)}


def speakers_report(
    model: bytes,
    data: str,
    reserved: frozenset[str],
    speakers: str = "reserved",
    validation_fraction: float = 0.3,
    noise: Sequence[str] = (),
    speech: Sequence[str] = (),
    thresholds: Bars = None,
    window: float = DEMO_WINDOW,
    min_results: int = 1,
    labels: Sequence[str] = LABELS,
    decoys: Sequence[str] = (),
) -> tuple[dict[str, Any], dict[str, Row], float]:
    """How the demo does on recorded speakers: the reserved ones (held out: report, never
    tune; Speech Commands' own silence clips as silence) or the validation ones (the
    validation side of the recorded `noise` folders as silence), and its false alarms over
    their other words and the held-out recordings of the `speech` folders
    (``false_alarm_stream``): the report, its rows, and the hours of audio the false alarms
    were counted over. ``thresholds``: a bar per word (the model's card's), else the demo's;
    ``window``, ``min_results``: the recognizer's (the card's, else the demo's); ``labels``,
    ``decoys``: the model's (its card's), a decoy's clips counted among the other words."""
    keywords = commands(labels, decoys)
    if speakers == "reserved":  # Speech Commands' own silence clips: evaluation only
        clips = corpus.reserved_only(data, reserved)
        silence = corpus.load([corpus.Clip("", "", p) for p in corpus.silence_folder(data)])
    else:  # the validation side of the recorded noise, cut into one-second pieces
        clips = corpus.split(corpus.scan(data, reserved), validation_fraction)[1]
        paths = [p for d in noise for p in corpus.noise_files(d)]
        sounds = corpus.load_noise(
            [p for p in paths if corpus.is_validation(p.stem, validation_fraction)]
        )
        silence = [n[i : i + 16000] for n in sounds for i in range(0, len(n) - 15999, 16000)]
    audio = corpus.load(clips) + silence
    words = [c.word for c in clips] + [""] * len(silence)
    rows = table(model, labels, words, audio, thresholds, window, min_results, decoys)
    others = [i for i, c in enumerate(clips) if c.word not in keywords]  # audio[i] is clips[i]'s
    stream, segments = false_alarm_stream(
        [audio[i] for i in others], speech, silence, fraction=validation_fraction,
        other_words=[clips[i].word for i in others],
    )  # fmt: skip
    found = detections(model, labels, stream, thresholds, window, min_results, decoys)
    result = {
        "speakers": speakers,
        "count": len({c.speaker for c in clips}),
        "thresholds": dict(thresholds or {}),
        "window_s": window,
        "min_results": min_results,
        "demo": {k: r.as_dict() for k, r in rows.items()},
        "false_alarms": false_alarm_report(found, len(stream), segments),
    }
    return result, rows, len(stream) / 16000 / 3600
