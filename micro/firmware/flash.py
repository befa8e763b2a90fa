"""The whole path for one model: export, build, then run on QEMU (emulated board) or
upload (real board)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..boards import Board, load_board
from ..compiler import CompiledModel
from ..errors import FirmwareError
from ..progress import Progress
from ..resources import build_root
from .build import Build, build
from .generate import Bundle, export
from .run import Run, fault_error, run_qemu
from .toolchain import pio


@dataclass
class Flash:
    bundle: Bundle
    build: Build
    run: Run | None  # None for a real board (uploaded, not run here)


def build_dir_for(model: str | os.PathLike[str], board: Board) -> Path:
    return build_root() / f"{Path(model).stem}-{board.id}"


def upload_project(project: Path, board: Board) -> None:
    pio(["run", "-d", str(project), "-e", board.id, "-t", "upload"])


def flash(
    program: bytes,
    board_id: str,
    input_sets: Sequence[Sequence[bytes]] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    upload: bool = True,
    count: bool = True,
    carry_state: bool = False,
) -> Flash:
    """Export, build, then run on QEMU (emulated board) or upload (real board).
    `carry_state`: see export."""
    board = load_board(board_id)
    project = Path(out_dir) if out_dir is not None else Path(tempfile.mkdtemp(prefix="micro-"))
    run = None
    with Progress(3 if board.emulated or upload else 2, board.id, stages=True) as bar:
        bar.stage("export")
        bundle = export(program, board, project, input_sets, carry_state=carry_state)
        bar.stage("build (PlatformIO)")
        built = build(project, board)
        if board.emulated:
            bar.stage("run on QEMU")
            run = run_qemu(built.elf, board, count=count)
        elif upload:
            bar.stage("upload")
            upload_project(project, board)
    return Flash(bundle, built, run)


def board_run(compiled: CompiledModel, board_id: str) -> Run:
    """A compiled model's firmware run once on an emulated board (inputs zero), checked to
    have run every step: its per-step counts and stack measurement."""
    if not load_board(board_id).emulated:
        raise FirmwareError(f"{board_id} is a real board: instructions are counted on QEMU")
    with tempfile.TemporaryDirectory(prefix="micro-") as tmp:
        run = flash(compiled.program, board_id, None, tmp).run
    if run is None or run.status != 0 or len(run.step_instructions) != len(compiled.steps):
        log = run.log if run else ""
        failed = f"the firmware failed on {board_id}:\n{log}"
        raise FirmwareError(fault_error(log, board_id) or failed)
    return run


def step_counts(compiled: CompiledModel, board_id: str) -> tuple[list[int], list[int]]:
    """Instructions and estimated cycles each step of a compiled model takes on an emulated
    board (inputs zero)."""
    run = board_run(compiled, board_id)
    return run.step_instructions, run.step_estimated_cycles


def step_instructions(compiled: CompiledModel, board_id: str) -> list[int]:
    """Instructions each step of a compiled model takes on an emulated board (inputs zero)."""
    return step_counts(compiled, board_id)[0]
