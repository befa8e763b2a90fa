"""An image model in firmware (firmware/classify): frames from a camera, or from the host.

    export ──► the project (micro/demo_firmware.py): the Program, its arena, the input
               format, the pixel table (image.py's, so the board converts as the host) and
               the labels in src/classify_bundle.c
    build  ──► micro.firmware.build (PlatformIO, offline)
    run    ──► QEMU: each picture, cropped and scaled as on the host (image.py), streamed
               in through semihosting as raw pixels; the firmware applies the pixel table,
               runs the model and prints its scores; instructions per inference

On the Nano 33 BLE Sense the frames come from the OV7675 (boards/nano33ble/camera.c)
instead, endlessly.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import demo_firmware, firmware
from ..boards import Board
from ..firmware.run import mark_costs
from ..resources import firmware_dir
from .image import InputFormat


@dataclass
class Frame:
    name: str
    status: int
    scores: bytes = b""  # the model's output bytes
    instructions: int | None = None


@dataclass
class Run:
    status: int
    frames: list[Frame] = field(default_factory=list)
    log: str = ""


def export(
    model: bytes,
    board: Board,
    out_dir: str | os.PathLike[str],
    fmt: InputFormat,
    labels: Sequence[str],
    max_frames: int = 0,
    stream: bool = False,
    max_overhead: float = 0.15,
) -> demo_firmware.Bundle:
    """Write the classify firmware's PlatformIO project for `board`. `stream`: the Program
    pulls the camera's rows as its first (patched) stage needs them, so neither a frame
    buffer nor the input is held (emulated boards: their camera is the host's pictures,
    streamed; a real camera's driver must hold its rows until asked, which the OV7675's
    does not)."""
    if stream and not board.emulated:
        raise firmware.FirmwareError(
            f"{board.id}: its camera driver captures whole frames; streaming the camera's rows "
            f"into the model needs a driver that gives rows on demand (drop --stream-input)"
        )
    pixel_count = 0 if stream else fmt.height * fmt.width * fmt.channels
    compiled = demo_firmware.compile_for(model, board, pixel_count, stream, max_overhead)
    (x,), (y,) = compiled.model.inputs, compiled.model.outputs
    if x.dtype not in (np.int8, np.uint8) or y.dtype not in (np.int8, np.uint8):
        raise firmware.FirmwareError(
            f"the firmware runs int8 or uint8 image models; this one takes {x.dtype.name} "
            f"and gives {y.dtype.name}"
        )
    if y.size != len(labels):
        raise firmware.FirmwareError(f"the model gives {y.size} scores for {len(labels)} labels")
    return demo_firmware.write_project(
        Path(out_dir),
        board,
        firmware_dir() / "classify",
        "classify",
        compiled,
        pixel_count=max(pixel_count, 1),
        table_note=f"{fmt.dtype.name}, scale {fmt.scale:g}, zero point {fmt.zero_point}, "
        f"pixel 0..255 = {fmt.low:g}..{fmt.high:g}",
        table=firmware.c_bytes(fmt.table().view(np.uint8).tobytes()),
        n_labels=len(labels),
        labels=", ".join(demo_firmware.c_string(label) for label in labels),
        width=fmt.width,
        height=fmt.height,
        channels=fmt.channels,
        output_signed=int(y.dtype == np.int8),
        max_frames=max_frames,
    )


def parse(text: str, status: int, marks: Sequence[int] = ()) -> Run:
    """The firmware's console (classify_main.c's format) and marker counts, as a Run."""
    result = Run(status, log=text)
    for fields in demo_firmware.field_lines(text, "frame"):
        frame = Frame(fields.get("name", ""), int(fields.get("status", "-1")))
        frame.scores = bytes.fromhex(fields.get("hex", ""))
        result.frames.append(frame)
    for frame, cost in zip(result.frames, mark_costs(marks), strict=False):
        frame.instructions = cost
    return result


def run(
    bundle: demo_firmware.Bundle,
    elf: Path,
    frames: Sequence[tuple[str, np.ndarray]],
    count: bool = True,
    timeout: float = 600,
) -> Run:
    """Run the firmware on QEMU on `frames` (name, uint8 pixels at the model's size)."""
    streams = [(name, np.ascontiguousarray(p, np.uint8).tobytes()) for name, p in frames]
    return demo_firmware.run_streams(elf, bundle.board, streams, parse, count, timeout)
