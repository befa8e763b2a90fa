"""Running the speech firmware on QEMU and reading its console (speech_main.c's format):
what it heard in each clip or file, every feature row and score (trace builds), and the
instructions of each 20 ms step (features, model, recognizer) from the firmware's marks.
`host_streams` gives the host pipeline's view of the same clips in the same shape.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..._ffi import lib
from ...firmware import emulate
from ..frontend import FrontendParams
from ..pipeline import Listener, Trace, heard_nothing
from ..recognizer import Detection
from ..wav import SAMPLE_RATE, read_wav, write_wav
from .generate import Bundle, Settings, samples

# speech_bundle.h: marks before the features, after them, after the model, after the recognizer
MARKS_PER_STEP = int(lib.SPEECH_MARKS_PER_STEP)


@dataclass
class Stream:
    """One clip or file as the pipeline saw it."""

    name: str
    frames: int = 0
    features: list[bytes] = field(default_factory=list)  # per frame (trace builds)
    scores: dict[int, bytes] = field(default_factory=dict)  # frame -> int8 scores (trace)
    detections: list[Detection] = field(default_factory=list)
    summary: str = ""  # "heard nothing (...)" when nothing was reported


@dataclass
class StepCost:
    """Instructions of one 20 ms step on the board."""

    features: int
    model: int  # 0-ish when the model did not run at this step
    recognizer: int
    classified: bool

    @property
    def total(self) -> int:
        return self.features + self.model + self.recognizer


@dataclass
class Run:
    status: int
    streams: list[Stream]
    steps: list[StepCost]
    log: str


_HEARD_RE = re.compile(r"^(.*): heard '(.*)' \(([\d.]+)\) at ([\d.]+) s$")
_NOTHING_RE = re.compile(r"^(.*): (heard nothing .*)$")
_FIELDS_RE = re.compile(r"(\w+)=(\S*)")


def parse(text: str, status: int, marks: Sequence[int] = (), rows: int = 0, every: int = 1) -> Run:
    """The firmware's console and marker counts, as a Run."""
    streams: list[Stream] = []
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        fields = dict(_FIELDS_RE.findall(rest))
        if kind == "stream" and "name" in fields:
            streams.append(Stream(rest.partition("name=")[2]))
        elif not streams:
            continue
        elif kind == "features":
            streams[-1].features.append(bytes.fromhex(fields["hex"]))
        elif kind == "scores":
            streams[-1].scores[int(fields["frame"])] = bytes.fromhex(fields["hex"])
        elif kind == "end":
            streams[-1].frames = int(fields["frames"])
        elif m := _HEARD_RE.match(line):
            streams[-1].detections.append(Detection(m[2], float(m[3]), float(m[4])))
        elif m := _NOTHING_RE.match(line):
            streams[-1].summary = m[2]
    steps = []
    frames = [k for s in streams for k in range(s.frames)]
    for i, frame in enumerate(frames):
        group = marks[MARKS_PER_STEP * i : MARKS_PER_STEP * (i + 1)]
        if len(group) < MARKS_PER_STEP:
            break
        classified = frame + 1 >= rows and frame % every == 0
        steps.append(
            StepCost(group[1] - group[0], group[2] - group[1], group[3] - group[2], classified)
        )
    return Run(status, streams, steps, text)


def run(
    bundle: Bundle,
    elf: Path,
    files: Sequence[str | os.PathLike[str]] = (),
    count: bool = True,
    timeout: float = 600,
) -> Run:
    """Run the firmware on QEMU: its bundled clips, then `files` (any .wav: converted to
    16 kHz mono 16-bit as the host reads them, then streamed in through semihosting)."""
    with tempfile.TemporaryDirectory(prefix="micro-speech-") as tmp:
        paths = []
        for i, f in enumerate(files):
            name = re.sub(r"[^A-Za-z0-9_.\-]", "_", Path(f).name)
            path = Path(tmp) / f"{i}" / name
            path.parent.mkdir()
            write_wav(path, read_wav(f))
            paths.append(str(path))
        result = emulate(elf, bundle.board, count=count, timeout=timeout, args=paths)
    return parse(result.log, result.status, result.marks, bundle.rows, bundle.settings.every)


def host_streams(
    model: bytes,
    clips: Sequence[tuple[str, np.ndarray]],
    settings: Settings | None = None,
    preprocessor: bytes | None = None,
) -> list[Stream]:
    """What the host pipeline (Listener) makes of the same clips, tail included: feature
    rows, the model's int8 scores at the frames it ran, detections (rounded as printed)."""
    settings = settings or Settings()
    listener = Listener(model, preprocessor, settings.recognizer(), settings.labels, settings.every)
    it = listener.model.interpreter
    streams = []
    for name, audio in clips:
        detections = listener.run_clip(audio, samples(settings.tail))
        rows = listener.trace.features
        stream = Stream(name, len(rows), [r.tobytes() for r in rows])
        for frame in range(listener.rows - 1, len(rows)):
            if frame % settings.every:
                continue  # as Listener.push: the model runs on frames divisible by every
            window = np.stack(rows[frame + 1 - listener.rows : frame + 1])
            it.set_input(window.reshape(listener.model.input_shape), 0)
            it.invoke()
            stream.scores[frame] = it.get_output(0).tobytes()
        stream.detections = [
            Detection(d.label, round(d.score, 2), round(d.time, 2)) for d in detections
        ]
        if not detections and listener.trace.scores:  # as `micro speech` says it
            stream.summary = heard_nothing(listener.trace.scores, settings.labels, settings.decoys)
        streams.append(stream)
    return streams


def stream_trace(stream: Stream, bundle: Bundle) -> Trace:
    """A traced firmware stream as the host's Trace, to plot it the same way."""
    params = FrontendParams()
    trace = Trace()
    for k, row in enumerate(stream.features):
        trace.features.append(np.frombuffer(row, np.int8))
        trace.times.append((k * params.stride_samples + params.window_samples) / SAMPLE_RATE)
    for frame, scores in sorted(stream.scores.items()):
        q = np.frombuffer(scores, np.int8).astype(np.float64)
        trace.scores.append(bundle.score_scale * (q - bundle.score_zero_point))
        trace.score_times.append(trace.times[frame])
    trace.detections = list(stream.detections)
    return trace
