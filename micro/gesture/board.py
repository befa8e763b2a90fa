"""The gesture pipeline in firmware (firmware/gesture): accelerometer samples in, gestures out.

    export ──► the project (micro/demo_firmware.py): the Program, its arena, the window,
               labels and recognizer settings in src/gesture_bundle.c
    build  ──► micro.firmware.build (PlatformIO, offline)
    run    ──► QEMU: each trace as the sensor's int16 counts (pipeline.counts), streamed in
               through semihosting; the firmware quantizes, slides the window, runs the
               model every HOP samples and reports gestures; instructions per inference

On the Nano 33 BLE Sense the samples come from the LSM9DS1 (boards/nano33ble/imu.c).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from .. import demo_firmware
from ..boards import Board
from ..firmware.run import mark_costs
from ..resources import firmware_dir
from .pipeline import HOP, SHIFT, SUPPRESS, THRESHOLD, WINDOW, Detection, GestureModel, counts
from .synth import NEGATIVE


@dataclass
class Stream:
    name: str
    samples: int = 0
    scores: dict[int, bytes] = field(default_factory=dict)  # window end -> int8 scores (trace)
    detections: list[Detection] = field(default_factory=list)
    instructions: list[int] = field(default_factory=list)  # per inference


@dataclass
class Run:
    status: int
    streams: list[Stream]
    log: str


def export(
    model: GestureModel,
    board: Board,
    out_dir: str | os.PathLike[str],
    threshold: float = THRESHOLD,
    trace: bool = False,
) -> demo_firmware.Bundle:
    """Write the gesture firmware's PlatformIO project for `board`."""
    compiled = demo_firmware.compile_for(model.model, board, WINDOW * 3)
    scale = Fraction(model.scale)
    labels = model.labels
    return demo_firmware.write_project(
        Path(out_dir),
        board,
        firmware_dir() / "gesture",
        "gesture",
        compiled,
        window_bytes=WINDOW * 3,
        window_samples=WINDOW,
        hop=HOP,
        suppress=SUPPRESS,
        shift=SHIFT,
        n_labels=len(labels),
        labels=", ".join(demo_firmware.c_string(label) for label in labels),
        negative=labels.index(NEGATIVE) if NEGATIVE in labels else len(labels),
        threshold=threshold,
        min_score=model.min_score(threshold),
        zero_point=model.zero_point,
        scale=model.scale,
        scale_num=scale.numerator,
        scale_den=scale.denominator,
        trace=int(trace),
    )


def parse(text: str, status: int, marks: Sequence[int] = ()) -> Run:
    """The firmware's console (gesture_main.c's format) and marker counts, as a Run."""
    streams: list[Stream] = []
    for line in text.splitlines():
        kind, _, _rest = line.partition(" ")
        fields = dict(demo_firmware.field_lines(line, kind)[0]) if kind else {}
        if kind == "stream":
            streams.append(Stream(fields.get("name", "")))
        elif not streams:
            continue
        elif kind == "scores":
            streams[-1].scores[int(fields["end"])] = bytes.fromhex(fields["hex"])
        elif kind == "end":
            streams[-1].samples = int(fields["samples"])
        elif " gesture '" in line:
            label = line.split("'")[1]
            score = float(line.split("(")[-1].split(")")[0])
            time = float(line.rsplit(" at ", 1)[1].split()[0])
            streams[-1].detections.append(Detection(label, score, time))
    pairs = mark_costs(marks)
    for stream in streams:
        runs = max(0, (stream.samples - WINDOW) // HOP + 1) if stream.samples >= WINDOW else 0
        stream.instructions, pairs = pairs[:runs], pairs[runs:]
    return Run(status, streams, text)


def run(
    bundle: demo_firmware.Bundle,
    elf: Path,
    traces: Sequence[tuple[str, np.ndarray]],
    count: bool = True,
    timeout: float = 600,
) -> Run:
    """Run the firmware on QEMU on `traces` (name, [n, 3] accelerations in g)."""
    streams = [(name, counts(t).astype("<i2").tobytes()) for name, t in traces]
    return demo_firmware.run_streams(elf, bundle.board, streams, parse, count, timeout)
