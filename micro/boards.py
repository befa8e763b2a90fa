"""Boards are data: boards/<id>/board.json (a PlatformIO board manifest with a "micro"
section), memory.ld and a README. This module reads them; nothing about a board is
written anywhere else.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import MicroError
from .resources import boards_dir

DSP_CORES = {"Cortex-M4", "Cortex-M4F", "Cortex-M7", "Cortex-M7F", "Cortex-M33", "Cortex-M55"}


class BoardError(MicroError):
    """An unknown board, or a board folder that is not valid."""


@dataclass(frozen=True)
class Board:
    id: str
    name: str
    core: str
    path: Path
    flash_size: int  # bytes of flash the firmware may use
    ram_size: int  # bytes of RAM the firmware may use (stack, data, arena)
    stack_size: int
    clock_hz: int  # the core clock (the manifest's build.f_cpu)
    qemu_machine: str | None  # None for a real board
    manifest: dict[str, Any]

    @property
    def emulated(self) -> bool:
        return self.qemu_machine is not None

    @property
    def dsp(self) -> bool:
        """The core has the Armv7E-M DSP extension, so the firmware runs the *_dsp twins."""
        return self.core in DSP_CORES

    @property
    def has_cycle_counter(self) -> bool:
        return bool(self.manifest["micro"].get("cycle_counter"))


def list_boards() -> list[str]:
    return sorted(p.parent.name for p in boards_dir().glob("*/board.json"))


def load_board(board_id: str) -> Board:
    path = boards_dir() / board_id / "board.json"
    if not path.is_file():
        known = ", ".join(list_boards()) or f"none ({boards_dir()} is empty)"
        raise BoardError(f"unknown board {board_id!r}; known boards: {known}")
    try:
        manifest = json.loads(path.read_text())
        micro = manifest["micro"]
        return Board(
            id=board_id,
            name=manifest["name"],
            core=micro["core"],
            path=path.parent,
            flash_size=int(manifest["upload"]["maximum_size"]),
            ram_size=int(manifest["upload"]["maximum_ram_size"]),
            stack_size=int(micro["stack_size"]),
            clock_hz=int(str(manifest["build"]["f_cpu"]).rstrip("Ll")),
            qemu_machine=micro.get("qemu_machine"),
            manifest=manifest,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BoardError(f"{path}: invalid board manifest ({exc!r})") from exc
