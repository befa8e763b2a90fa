"""An image model in firmware (firmware/classify): frames from a camera, or from the host.

    export ──► DIR/ platformio.ini           the board, micro's C runtime, firmware/classify
                    src/classify_bundle.c    the Program (the host's bytes), arena, input
                                             format, pixel table, labels
                    src/micro_kernels.c      the kernels the Program uses, no others
    build  ──► micro.firmware.build (PlatformIO, offline)
    run    ──► QEMU: each picture, cropped and scaled as on the host (image.py), streamed
               in through semihosting as raw pixels; the firmware applies the pixel table,
               runs the model and prints its scores; instructions per inference

On the Nano 33 BLE Sense the frames come from the OV7675 (boards/nano33ble/camera.c)
instead, endlessly.
"""

from __future__ import annotations

import os
import re
import struct
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

import numpy as np

from .. import firmware
from ..boards import ROOT, Board
from ..compiler import compile_model
from ..errors import MicroError
from ..model import load_model
from ..program import HEADER_FORMAT
from .image import InputFormat

CLASSIFY_DIR = ROOT / "firmware" / "classify"
BUNDLE_TEMPLATE = CLASSIFY_DIR / "classify_bundle.c.in"
MARKS_PER_FRAME = 2  # classify_main.c: before and after each inference


class ClassifyBoardError(firmware.FirmwareError):
    """The classify firmware cannot be built for this model, or failed."""


@dataclass
class Bundle:
    dir: Path
    board: Board
    program_size: int
    arena_size: int
    kernels: list[str]


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


def _c_label(text: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9_.\- ]*", text):
        raise ClassifyBoardError(
            f"{text!r}: a label on a board may hold letters, digits, _ . - only"
        )
    return f'"{text}"'


def export(
    model: bytes,
    board: Board,
    out_dir: str | os.PathLike[str],
    fmt: InputFormat,
    labels: Sequence[str],
    max_frames: int = 0,
) -> Bundle:
    """Write the classify firmware's PlatformIO project for `board`."""
    try:
        compiled = compile_model(load_model(model), arena_budget=firmware.arena_budget(board))
    except MicroError as exc:
        raise ClassifyBoardError(f"the model cannot be compiled for {board.id}: {exc}") from exc
    (x,), (y,) = compiled.inputs, compiled.outputs
    if x.dtype not in (np.int8, np.uint8) or y.dtype not in (np.int8, np.uint8):
        raise ClassifyBoardError(
            f"the firmware runs int8 or uint8 image models; this one takes {x.dtype.name} "
            f"and gives {y.dtype.name}"
        )
    if y.size != len(labels):
        raise ClassifyBoardError(f"the model gives {y.size} scores for {len(labels)} labels")
    program = compiled.program
    arena = struct.unpack_from(HEADER_FORMAT, program)[4]
    pixel_count = fmt.height * fmt.width * fmt.channels
    firmware.check_fit(board, len(program), arena + pixel_count)
    kernels = firmware.program_kernels(program)
    table = fmt.table().view(np.uint8).tobytes()
    out = Path(out_dir)
    (out / "src").mkdir(parents=True, exist_ok=True)
    (out / "src" / "classify_bundle.c").write_text(
        Template(BUNDLE_TEMPLATE.read_text()).substitute(
            board=board.id,
            program_array=max(len(program), 1),
            program_bytes=firmware.c_bytes(program),
            arena_size=max(arena, 8),
            pixel_count=pixel_count,
            table_note=f"{fmt.dtype.name}, scale {fmt.scale:g}, zero point {fmt.zero_point}, "
            f"pixel 0..255 = {fmt.low:g}..{fmt.high:g}",
            table=firmware.c_bytes(table),
            n_labels=len(labels),
            labels=", ".join(_c_label(label) for label in labels),
            program_size=len(program),
            width=fmt.width,
            height=fmt.height,
            channels=fmt.channels,
            output_signed=int(y.dtype == np.int8),
            max_frames=max_frames,
        )
    )
    firmware.write_kernel_table(out / "src" / "micro_kernels.c", kernels)
    firmware.write_platformio_ini(out, board, [CLASSIFY_DIR])
    return Bundle(out, board, len(program), arena, kernels)


_FIELDS_RE = re.compile(r"(\w+)=(\S*)")


def parse(text: str, status: int, marks: Sequence[int] = ()) -> Run:
    """The firmware's console (classify_main.c's format) and marker counts, as a Run."""
    result = Run(status, log=text)
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        if kind != "frame":
            continue
        fields = dict(_FIELDS_RE.findall(rest))
        frame = Frame(fields.get("name", ""), int(fields.get("status", "-1")))
        frame.scores = bytes.fromhex(fields.get("hex", ""))
        result.frames.append(frame)
    for i, frame in enumerate(result.frames):
        pair = marks[MARKS_PER_FRAME * i : MARKS_PER_FRAME * (i + 1)]
        if len(pair) == MARKS_PER_FRAME:
            frame.instructions = pair[1] - pair[0]
    return result


def run(
    bundle: Bundle,
    elf: Path,
    frames: Sequence[tuple[str, np.ndarray]],
    count: bool = True,
    timeout: float = 600,
) -> Run:
    """Run the firmware on QEMU on `frames` (name, uint8 pixels at the model's size)."""
    with tempfile.TemporaryDirectory(prefix="micro-classify-") as tmp:
        paths = []
        for i, (name, pixels) in enumerate(frames):
            safe = re.sub(r"[^A-Za-z0-9_.\-]", "_", Path(name).name) or "frame"
            path = Path(tmp) / str(i) / safe
            path.parent.mkdir()
            path.write_bytes(np.ascontiguousarray(pixels, np.uint8).tobytes())
            paths.append(str(path))
        result = firmware.run_qemu(elf, bundle.board, count=count, timeout=timeout, args=paths)
    return parse(result.log, result.status, result.marks)
