"""The board side the demo commands share (classify, gesture, speech): an emulated board
takes host files streamed in, a real one reads its own sensor; the project is built, its
size reported, and on a real board uploaded."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..boards import Board
from ..errors import MicroError
from ..firmware import Build, build, upload_project
from .output import out


def check_input(
    board: Board, wants_sensor: bool, has_files: bool, sensor: str, own_input: str
) -> None:
    """An emulated board has no `sensor` (the message says what to give instead); a real
    board cannot read host files (`own_input` says what it does instead)."""
    if board.emulated and wants_sensor:
        raise MicroError(f"{board.id} is emulated and has no {sensor}")
    if has_files and not board.emulated:
        raise MicroError(f"{board.id} cannot read host files: {own_input}")


def build_or_upload(
    project: Path, board: Board, describe: Callable[[Build], str], prints: str, quiet: bool
) -> Path | None:
    """Build `project` and say what it takes (`describe`, unless `quiet`). An emulated
    board's ELF is returned to run; a real board is uploaded (it `prints` on its console)."""
    built = build(project, board)
    if not quiet:
        out(describe(built))
    if board.emulated:
        return built.elf
    upload_project(project, board)
    out(f"uploaded {built.elf}: the board prints {prints} on its console")
    return None


def check_run(status: int, log: str, complete: bool) -> None:
    """Refuse a run that failed (non-zero status) or stopped early (not `complete`)."""
    if status != 0 or not complete:
        raise MicroError(f"the firmware failed (status {status}):\n{log}")
