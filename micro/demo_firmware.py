"""What the demo firmwares (firmware/classify, firmware/gesture) share on the host side:
a model compiled for a board, the bundle written from the demo's template
(micro/firmware/templates/<demo>_bundle.c.in), and host files streamed into the firmware
on QEMU (firmware/port/semihosting_stream.c).

    DIR/ platformio.ini         the board, micro's C runtime, the demo's library
         src/<demo>_bundle.c    the demo's template, filled: the Program (the host's
                                bytes), arena and the demo's settings
         src/micro_kernels.c    the kernels the Program uses, no others
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from . import firmware
from .boards import Board
from .compiler import CompiledModel, compile_model
from .errors import MicroError
from .model import load_model
from .program import read_header

T = TypeVar("T")


@dataclass
class Bundle:
    """A demo firmware's project, written for a board."""

    dir: Path
    board: Board
    program_size: int
    arena_size: int
    kernels: list[str]


@dataclass
class Compiled:
    model: CompiledModel
    arena_size: int
    kernels: list[str]

    @property
    def program(self) -> bytes:
        return self.model.program


def compile_for(
    model: bytes, board: Board, extra_ram: int = 0, stream: bool = False, max_overhead: float = 0.15
) -> Compiled:
    """The model compiled for the RAM `board` leaves (the fastest plan that fits), refused
    before any build if it cannot fit with `extra_ram` bytes of the demo's own buffers.
    `stream`: the smallest plan whose first stage pulls the image input's rows (within
    `max_overhead` extra instructions), the input never resident."""
    budget = None if stream else firmware.arena_budget(board)
    try:
        compiled = compile_model(
            load_model(model),
            arena_budget=budget,
            max_overhead=max_overhead,
            stream=stream,
            dsp=board.dsp,
            flash_budget=firmware.flash_budget(board),
        )
    except MicroError as exc:
        raise firmware.FirmwareError(f"the model cannot be compiled for {board.id}: {exc}") from exc
    arena = int(read_header(compiled.program).arena_size)
    firmware.check_fit(board, len(compiled.program), arena + extra_ram)
    return Compiled(compiled, arena, firmware.program_kernels(compiled.program))


def c_string(text: str) -> str:
    """A label as a C string literal (a restricted alphabet: nothing to escape)."""
    if not re.fullmatch(r"[A-Za-z0-9_.\- ]*", text):
        raise firmware.FirmwareError(
            f"{text!r}: a label on a board may hold letters, digits, space and _ . - only"
        )
    return f'"{text}"'


def write_project(
    out: Path, board: Board, library: Path, name: str, compiled: Compiled, **values: object
) -> Bundle:
    """The PlatformIO project of demo `name` (its template, micro/firmware/templates/
    <name>_bundle.c.in, filled in) with its firmware library `library` (main())."""
    (out / "src").mkdir(parents=True, exist_ok=True)
    program = compiled.program
    text = firmware.render(
        f"{name}_bundle.c.in",
        board=board.id,
        program_array=max(len(program), 1),
        program_bytes=firmware.c_bytes(program),
        program_size=len(program),
        arena_size=max(compiled.arena_size, 8),
        **values,
    )
    (out / "src" / f"{name}_bundle.c").write_text(text)
    firmware.write_kernel_table(out / "src" / "micro_kernels.c", compiled.kernels)
    firmware.write_platformio_ini(out, board, [library], firmware.program_paths(program))
    return Bundle(out, board, len(program), compiled.arena_size, compiled.kernels)


def describe(bundle: Bundle, built: firmware.Build) -> str:
    """A line on the flash and RAM the built project takes."""
    board = bundle.board
    return (
        f"{board.name}: flash {built.flash:,} B of {board.flash_size:,} B, RAM {built.ram:,} B "
        f"of {board.ram_size:,} B (arena {bundle.arena_size:,} B)"
    )


def run_streams(
    elf: Path,
    board: Board,
    streams: Sequence[tuple[str, bytes]],
    parse: Callable[[str, int, Sequence[int]], T],
    count: bool = True,
    timeout: float = 600,
) -> T:
    """Run the firmware on QEMU with `streams` (name, bytes) as host files it opens in turn;
    what `parse` makes of its console, exit status and marks."""
    with tempfile.TemporaryDirectory(prefix="micro-stream-") as tmp:
        paths = []
        for i, (name, data) in enumerate(streams):
            safe = re.sub(r"[^A-Za-z0-9_.\-]", "_", Path(name).name) or "stream"
            path = Path(tmp) / str(i) / safe
            path.parent.mkdir()
            path.write_bytes(data)
            paths.append(str(path))
        result = firmware.emulate(elf, board, count=count, timeout=timeout, args=paths)
    return parse(result.console, result.status, result.marks)


def field_lines(text: str, kind: str) -> list[dict[str, str]]:
    """The `field=value` pairs of each console line that starts with `kind`."""
    found = []
    for line in text.splitlines():
        head, _, rest = line.partition(" ")
        if head == kind:
            found.append(dict(re.findall(r"(\w+)=(\S*)", rest)))
    return found
