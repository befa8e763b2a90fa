"""How a keyword model does on recorded speech, measured as the demo uses it.

- ``heard``: each clip through ``micro speech FILE``'s pipeline (the streaming front end,
  the model on every 20 ms step, the recognizer with the command's defaults, a silent tail);
  a keyword counts when exactly that word is reported, any other clip when no command is.
- ``false_alarms``: the same pipeline run over a long stream of non-keyword speech and noise;
  every command it reports is a false alarm.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..progress import progress
from .pipeline import DEMO_SUPPRESSION, DEMO_THRESHOLD, DEMO_WINDOW, Listener
from .recognizer import Recognizer

log = logging.getLogger(__name__)


def listener(model: bytes, labels: Sequence[str]) -> Listener:
    recognizer = Recognizer(
        tuple(labels),
        window=DEMO_WINDOW,
        threshold=DEMO_THRESHOLD,
        suppression=DEMO_SUPPRESSION,
        min_results=1,
    )
    return Listener(model, recognizer=recognizer, labels=tuple(labels))


def heard(model: bytes, labels: Sequence[str], clips: Sequence[np.ndarray]) -> list[list[str]]:
    """The commands reported for each clip (int16, 16 kHz), a silent tail appended."""
    run = listener(model, labels)
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
    model: bytes, labels: Sequence[str], words: Sequence[str], clips: Sequence[np.ndarray]
) -> dict[str, Row]:
    """Per keyword: clips of it heard as it alone; ``other words``: clips of any other word
    with no command; ``silence`` (word ""): no command."""
    keywords = list(labels[2:])
    results = heard(model, labels, clips)
    rows = {k: Row(k, 0, 0) for k in keywords}
    rows["other words"] = Row("other words", 0, 0)
    rows["silence"] = Row("silence", 0, 0)
    for word, got in zip(words, results, strict=True):
        key = word if word in keywords else "silence" if word == "" else "other words"
        row = rows[key]
        row.total += 1
        row.right += got == [word] if word in keywords else not got
    return {k: r for k, r in rows.items() if r.total}


def long_stream(
    rng: np.random.Generator,
    clips: Sequence[np.ndarray],
    noises: Sequence[np.ndarray],
    noise_db: float = -15.0,
) -> np.ndarray:
    """Clips one after another with 0.2..1.5 s gaps, over a bed of the noises (one after
    another) ``noise_db`` below the speech's typical peak level (int16)."""
    return laid_stream(rng, clips, noises, noise_db)[0]


def laid_stream(
    rng: np.random.Generator,
    clips: Sequence[np.ndarray],
    noises: Sequence[np.ndarray],
    noise_db: float = -15.0,
) -> tuple[np.ndarray, list[int]]:
    """``long_stream``, and the sample at which each clip starts in it."""
    pieces, starts, at = [], [], 0
    for clip in clips:
        starts.append(at)
        pieces.append(np.asarray(clip, np.float64))
        pieces.append(np.zeros(int(rng.uniform(0.2, 1.5) * 16000)))
        at += len(pieces[-2]) + len(pieces[-1])
    speech = np.concatenate(pieces) if pieces else np.zeros(16000)
    if noises:
        bed = np.concatenate([np.asarray(n, np.float64) for n in noises])
        bed = np.tile(bed, len(speech) // len(bed) + 1)[: len(speech)]
        peak = np.median([np.max(np.abs(c)) for c in clips]) if clips else 3000.0
        rms = np.sqrt(np.mean(bed**2)) + 1e-9
        speech = speech + bed / rms * peak * 10.0 ** (noise_db / 20.0)
    out: np.ndarray = np.clip(np.round(speech), -32768, 32767).astype(np.int16)
    return out, starts


def false_alarms(model: bytes, labels: Sequence[str], stream: np.ndarray) -> tuple[int, float]:
    """(commands reported, hours of audio) over ``stream``."""
    run = listener(model, labels)
    minute = 60 * 16000  # the pipeline streams: pushing a minute at a time changes nothing
    chunks = [stream[i : i + minute] for i in range(0, len(stream), minute)]
    detections = [d for chunk in progress(chunks, "false alarms (min)") for d in run.push(chunk)]
    for d in detections:
        log.debug("false alarm: %s", d)
    return len(detections), len(stream) / 16000 / 3600


def keywords_in_stream(
    model: bytes,
    labels: Sequence[str],
    words: Sequence[str],
    clips: Sequence[np.ndarray],
    noises: Sequence[np.ndarray],
    seed: int = 1,
) -> dict[str, int]:
    """The keyword clips one after another on a bed of the noises (``laid_stream``), the
    front end running on, never reset: a clip is heard when the commands reported from its
    start to 1 s after its end are exactly its word; a command outside every such span is
    stray. Harder than ``table``, where each clip starts the front end afresh."""
    keywords = [(w, c) for w, c in zip(words, clips, strict=True) if w in labels[2:]]
    rng = np.random.default_rng(seed)
    stream, starts = laid_stream(rng, [c for _, c in keywords], noises)
    run = listener(model, labels)
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
) -> tuple[dict[str, Any], dict[str, Row], float]:
    """How the demo does on recorded speakers: the reserved ones (held out: report, never
    tune; Speech Commands' own silence clips as silence) or the validation ones (the
    validation side of the recorded `noise` folders as silence), and its false alarms: the
    report, its rows, and the hours of audio the false alarms were counted over."""
    from . import corpus
    from .recognizer import LABELS

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
    rows = table(model, LABELS, words, audio)
    others = [a for a, c in zip(audio, clips, strict=False) if c.word not in LABELS]
    stream = long_stream(np.random.default_rng(0), others, silence)
    alarms, hours = false_alarms(model, LABELS, stream)
    result = {
        "speakers": speakers,
        "count": len({c.speaker for c in clips}),
        "demo": {k: r.as_dict() for k, r in rows.items()},
        "false_alarms": {"count": alarms, "minutes": round(hours * 60, 2)},
    }
    return result, rows, hours
