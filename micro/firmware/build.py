"""Building a generated project with PlatformIO (offline: firmware/platform and the system
arm-none-eabi-gcc), and what the image costs in flash and RAM."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..boards import Board
from .toolchain import binutil, pio, require_build_tools

FLASH_SECTIONS = (".vectors", ".text", ".rodata", ".ARM.exidx", ".data")  # .data: load image
RAM_SECTIONS = (".stack_guard", ".stack", ".data", ".bss")


@dataclass
class Build:
    elf: Path
    flash: int  # bytes: vectors, code, constants (the Program), .data's load image
    ram: int  # bytes: stack, .data, .bss (the arena)
    sections: dict[str, int]


def build(project: str | os.PathLike[str], board: Board) -> Build:
    require_build_tools()
    project = Path(project)
    pio(["run", "-d", str(project), "-e", board.id])
    elf = project / ".pio" / "build" / board.id / "firmware.elf"
    sections = section_sizes(elf)
    flash = sum(sections.get(s, 0) for s in FLASH_SECTIONS)
    ram = sum(sections.get(s, 0) for s in RAM_SECTIONS)
    return Build(elf, flash, ram, sections)


def section_sizes(elf: Path) -> dict[str, int]:
    """Section name -> bytes, through arm-none-eabi-size."""
    sections = {}
    for line in binutil("size", elf).splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith(".") and parts[1].isdigit():
            sections[parts[0]] = int(parts[1])
    return sections


def symbols(elf: Path) -> dict[str, int]:
    """Symbol name -> address (Thumb bit cleared) of an ELF, through arm-none-eabi-nm."""
    table = {}
    for line in binutil("nm", elf).splitlines():
        parts = line.split()
        if len(parts) == 3:
            table[parts[2]] = int(parts[0], 16) & ~1
    return table
