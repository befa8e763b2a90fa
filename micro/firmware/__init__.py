"""Firmware for a board, along the pipeline:

    generate ──► a PlatformIO project: the Program as C (templates/), the kernels it uses
    build    ──► PlatformIO, offline (firmware/platform, the system arm-none-eabi-gcc)
    run      ──► qemu-system-arm + the plugin (instructions, estimated cycles); the console
    flash    ──► the three for one model, or an upload to a real board

The project links micro's C runtime (library.json) and a main(): the runner
(firmware/runner, printing outputs and costs) or the speech demo (micro.speech.board).
"""

from __future__ import annotations

from ..errors import FirmwareError, ToolchainError
from .build import Build, build, section_sizes, symbols
from .flash import (
    Flash,
    board_run,
    build_dir_for,
    flash,
    step_counts,
    step_instructions,
    upload_project,
)
from .generate import (
    Bundle,
    arena_budget,
    c_array_rows,
    c_bytes,
    check_fit,
    export,
    flash_budget,
    kernel_names,
    program_c,
    program_kernels,
    program_paths,
    render,
    write_kernel_table,
    write_platformio_ini,
)
from .run import (
    Emulation,
    Run,
    emulate,
    fault_error,
    format_stack,
    parse_console,
    plugin_core,
    run_qemu,
    stack_report,
)
from .toolchain import pio, plugin_path, require_plugin

__all__ = [
    "Build",
    "Bundle",
    "Emulation",
    "FirmwareError",
    "Flash",
    "Run",
    "ToolchainError",
    "arena_budget",
    "board_run",
    "build",
    "build_dir_for",
    "c_array_rows",
    "c_bytes",
    "check_fit",
    "emulate",
    "export",
    "fault_error",
    "flash",
    "flash_budget",
    "format_stack",
    "kernel_names",
    "parse_console",
    "pio",
    "plugin_core",
    "plugin_path",
    "program_c",
    "program_kernels",
    "program_paths",
    "render",
    "require_plugin",
    "run_qemu",
    "section_sizes",
    "stack_report",
    "step_counts",
    "step_instructions",
    "symbols",
    "upload_project",
    "write_kernel_table",
    "write_platformio_ini",
]
