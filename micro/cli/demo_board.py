"""The board side the demo commands share (classify, gesture, speech): an emulated board
takes host files streamed in, a real one reads its own sensor; the project is built, its
size reported, and on a real board uploaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..boards import Board
from ..errors import MicroError
from ..firmware import Build, build, fault_error, upload_project
from ..progress import Progress
from .output import out

T = TypeVar("T")


def check_input(
    board: Board, wants_sensor: bool, has_files: bool, sensor: str, own_input: str
) -> None:
    """An emulated board has no `sensor` (the message says what to give instead); a real
    board cannot read host files (`own_input` says what it does instead)."""
    if board.emulated and wants_sensor:
        raise MicroError(f"{board.id} is emulated and has no {sensor}")
    if has_files and not board.emulated:
        raise MicroError(f"{board.id} cannot read host files: {own_input}")


def build_and_run(
    project: Path,
    board: Board,
    describe: Callable[[Build], str],
    prints: str,
    quiet: bool,
    run: Callable[[Path], T],
) -> T | None:
    """Build `project` and say what it takes (`describe`, unless `quiet`). An emulated
    board runs the ELF (`run`, whose result is returned); a real board is uploaded (it
    `prints` on its console). A progress line names the stage while they run."""
    result = None
    with Progress(2, f"{project.name} on {board.id}", stages=True) as bar:
        bar.stage("build (PlatformIO)")
        built = build(project, board)
        bar.stage("run on QEMU" if board.emulated else "upload")
        if board.emulated:
            result = run(built.elf)
        else:
            upload_project(project, board)
    if not quiet:
        out(describe(built))
    if not board.emulated:
        out(f"uploaded {built.elf}: the board prints {prints} on its console")
    return result


def check_run(board: Board, status: int, log: str, complete: bool) -> None:
    """Refuse a run on `board` that failed (non-zero status) or stopped early (not
    `complete`); a fault the firmware reported becomes the error that says what to do."""
    if status != 0 or not complete:
        failed = f"the firmware failed on {board.id} (status {status}):\n{log}"
        raise MicroError(fault_error(log, board.id) or failed)
