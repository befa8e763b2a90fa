"""Firmware sources: a compiled model's Program as C, in a PlatformIO project for a board.

    DIR/  platformio.ini          micro's offline platform, the board, the C runtime, main()
          include/micro_model.h   arena size, counts, the input sets' table type
          src/micro_model.c       the Program bytes (exactly the host's) + inputs
          src/micro_kernels.c     kernel table of only the kernels the Program uses

The C comes from the template files in templates/. The generated kernel table defines
micro_kernel_get, so the linker never pulls csrc/runtime/kernel_table.o, and with it every
kernel, out of the runtime's archive: only the kernels the model uses are linked.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from string import Template

from .._ffi import kernel_access, lib
from ..boards import Board
from ..errors import FirmwareError, MicroError
from ..program import read_header, read_steps
from ..resources import data_root, firmware_dir, pio_core_dir

# What the firmware needs besides the Program and the arena, to refuse a model that cannot
# fit before anything is built. Flash: the runner, executor, verifier, startup and the
# kernels (only the paths the Program takes), measured on mps2-an386 as firmware less
# Program for the reference models (firmware/README.md): 11,496 B (hello_world, ad: FC
# only) to 87,540 B (person_detect; vww 86,164, kws 48,500, micro_speech 25,188). The
# largest plus a margin; 24 KB before, which every model with a conv layer exceeded.
RUNTIME_FLASH = 96 * 1024
RUNTIME_RAM = 1024


def render(template: str, **values: object) -> str:
    """A template of templates/ with its ${name} fields filled (every one must be given)."""
    text = (resources.files("micro.firmware") / "templates" / template).read_text()
    return Template(text).substitute({k: str(v) for k, v in values.items()})


def kernel_names() -> dict[int, str]:
    """C kernel id -> kernel name, read from the C enum (MICRO_K_<NAME>)."""
    return {
        int(getattr(lib, n)): n[len("MICRO_K_") :].lower()
        for n in dir(lib)
        if n.startswith("MICRO_K_") and n != "MICRO_K_COUNT"
    }


def program_kernels(program: bytes) -> list[str]:
    """Names of the kernels a Program's steps use, sorted."""
    names = kernel_names()
    used = set()
    for i, step in enumerate(read_steps(program)):
        if step.kernel not in names:
            raise FirmwareError(f"step {i} uses kernel id {step.kernel}, unknown to this runtime")
        used.add(names[step.kernel])
    return sorted(used)


def arena_budget(board: Board) -> int:
    """RAM a board leaves for the arena: the default budget of `micro flash` and `export`,
    so the fastest plan that fits the board is chosen (optional scratch kept if it fits)."""
    return max(board.ram_size - board.stack_size - RUNTIME_RAM, 0)


def flash_budget(board: Board) -> int:
    """Flash a board leaves for the Program: compile_model's flash_budget, so a DSP board
    gets int16 weights where its kernels want them only if they fit."""
    return max(board.flash_size - RUNTIME_FLASH, 0)


def check_fit(board: Board, program_size: int, arena_size: int, input_bytes: int = 0) -> None:
    """Refuse, before building, a model whose firmware cannot fit the board."""
    flash = program_size + input_bytes + RUNTIME_FLASH
    ram = arena_size + board.stack_size + RUNTIME_RAM
    problems = []
    if flash > board.flash_size:
        problems.append(
            f"flash: program {program_size:,} B + inputs {input_bytes:,} B + runtime "
            f"~{RUNTIME_FLASH:,} B = {flash:,} B > {board.flash_size:,} B"
        )
    if ram > board.ram_size:
        problems.append(
            f"RAM: arena {arena_size:,} B + stack {board.stack_size:,} B + runtime "
            f"~{RUNTIME_RAM:,} B = {ram:,} B > {board.ram_size:,} B"
        )
    if problems:
        raise FirmwareError(f"the model does not fit {board.id}: " + "; ".join(problems))


def c_array_rows(values: Sequence[str], indent: str = "    ") -> str:
    """Values of a C array initializer, 16 a line."""
    rows = [indent + ", ".join(values[i : i + 16]) + "," for i in range(0, len(values), 16)]
    return "\n".join(rows) if rows else indent + "0"


def c_bytes(data: bytes) -> str:
    return c_array_rows([f"0x{b:02x}" for b in data])


def program_c(name: str, program: bytes) -> tuple[str, str]:
    """A Program as C: (declaration for a header, definition). The array `name` is 8-byte
    aligned, as micro_init requires, and `name`_size holds its length."""
    declaration = render("program.h.in", name=name, size=max(len(program), 1))
    definition = render("program.c.in", name=name, bytes=c_bytes(program), length=len(program))
    return declaration.rstrip(), definition.rstrip()


def write_kernel_table(path: Path, kernels: Sequence[str]) -> None:
    """micro_kernels.c: micro_kernel_get and micro_kernel_access (the operand access letters
    micro_init enforces) over `kernels` only (see the module docstring)."""
    externs = "\n".join(f"extern const micro_kernel_t micro_kernel_{k};" for k in kernels)
    cases = "\n".join(
        f"    case MICRO_K_{k.upper()}:\n        return &micro_kernel_{k};" for k in kernels
    )
    access = "\n".join(
        f'    case MICRO_K_{k.upper()}:\n        return "{kernel_access(k)}";' for k in kernels
    )
    path.write_text(render("micro_kernels.c.in", externs=externs, cases=cases, access=access))


def program_paths(program: bytes) -> int | None:
    """The DSP kernel paths (csrc/include/micro/paths.h) a Program's steps take: the OR of
    each step's path bit, as the kernels' own path functions give it for the operands
    micro_init resolves (csrc/runtime/paths.c). Alignments, all the path functions read of
    a pointer, are the board's: the Program and the arena are 8-byte aligned on both.
    None (keep every path) for a Program the runtime refuses: the board refuses it too."""
    from ..interpreter import Runtime  # the interpreter imports the compiler, which imports us

    try:
        runtime = Runtime(program, read_header(program).arena_size)  # kept: _rt points into it
    except MicroError:
        return None
    return int(lib.micro_program_paths(runtime._rt))


def write_platformio_ini(
    out: Path, board: Board, libraries: Sequence[Path], paths: int | None = None
) -> None:
    """The project's platformio.ini: micro's offline platform, the board, micro's C runtime
    and `libraries` (PlatformIO libraries holding main()). paths: the kernel paths to keep
    (program_paths), passed as -DMICRO_PATHS to every source, the runtime library's
    included (PlatformIO applies build_flags to libraries, and its build cache keys on
    the command line); None keeps them all."""
    flags = "" if paths is None else f"\nbuild_flags = -DMICRO_PATHS=0x{paths:08x}u"
    (out / "platformio.ini").write_text(
        render(
            "platformio.ini.in",
            board=board.id,
            build_flags=flags,
            upload="on QEMU" if board.emulated else "uploads it to the board",
            build_cache=pio_core_dir() / "build-cache",
            platform=firmware_dir() / "platform",
            runtime=data_root(),
            # Named links: PlatformIO otherwise names a link by its folder, and a checkout
            # in a folder called like one of the libraries ("speech") would shadow it.
            libraries="".join(f"\n    micro-{lib.name}=symlink://{lib}" for lib in libraries),
        )
    )


@dataclass
class Bundle:
    dir: Path
    board: Board
    program_size: int
    arena_size: int
    n_steps: int
    n_sets: int
    kernels: list[str]
    paths: int | None = None  # the kernel paths kept (program_paths), None: all


def _inputs_c(sets: Sequence[Sequence[bytes]]) -> tuple[str, str]:
    """The input sets as C: (static arrays, rows of the micro_model_inputs table)."""
    arrays, table = [], []
    for s, tensors in enumerate(sets):
        for i, data in enumerate(tensors):
            if data:
                name = f"input_{s}_{i}"
                arrays.append(
                    f"static const uint8_t {name}[{len(data)}] = {{\n{c_bytes(data)}\n}};"
                )
                table.append(f"    {{{name}, {len(data)}u}},")
            else:
                table.append("    {NULL, 0u},")
    return "\n".join(arrays), "\n".join(table) or "    {NULL, 0u},"


def export(
    program: bytes,
    board: Board,
    out_dir: str | os.PathLike[str],
    input_sets: Sequence[Sequence[bytes]] | None = None,
    profile: bool = True,
    check: bool = True,
    sources_only: bool = False,
    carry_state: bool = False,
) -> Bundle:
    """Write a PlatformIO project that runs `program` (the exact bytes) on `board`.

    input_sets: inputs to run, each a list of every model input's bytes; None runs once
    on zeros. profile: also time each step on input set 0. check: refuse a Program that is
    not micro's or does not fit (off: tests that feed the firmware a corrupt one).
    carry_state: run the sets one after the other on the state the previous one left
    (a stateful model's stream); otherwise the runtime is reset before each set after the
    first.
    sources_only: write only micro_model.h, micro_model.c and micro_kernels.c into out_dir,
    for a project of one's own (firmware/example).
    """
    header = read_header(program)
    if header.magic != int(lib.MICRO_PROGRAM_MAGIC):
        if check:
            raise FirmwareError("not a micro program (bad magic)")
        header = read_header(b"")
    arena_size, n_steps, n_inputs = header.arena_size, header.n_steps, header.n_inputs
    kernels = program_kernels(program) if check else sorted(kernel_names().values())
    # Only the kernel paths the Program takes; an unchecked Program keeps them all.
    paths = program_paths(program) if check else None
    sets = [list(s) for s in input_sets] if input_sets else [[b""] * n_inputs]
    input_bytes = sum(len(data) for tensors in sets for data in tensors)
    if check:
        check_fit(board, len(program), arena_size, input_bytes)
    for tensors in sets:
        if len(tensors) != n_inputs:
            raise FirmwareError(f"an input set has {len(tensors)} inputs; the model has {n_inputs}")

    out = Path(out_dir)
    src, include = (out, out) if sources_only else (out / "src", out / "include")
    src.mkdir(parents=True, exist_ok=True)
    include.mkdir(parents=True, exist_ok=True)
    declaration, definition = program_c("micro_model_program", program)
    (include / "micro_model.h").write_text(
        render(
            "micro_model.h.in",
            board=board.id,
            arena_size=arena_size,
            n_steps=n_steps,
            n_inputs=n_inputs,
            n_sets=len(sets),
            profile=int(profile),
            carry_state=int(carry_state),
            program_declaration=declaration,
        )
    )
    arrays, table = _inputs_c(sets)
    (src / "micro_model.c").write_text(
        render(
            "micro_model.c.in",
            program_definition=definition,
            input_arrays=arrays,
            input_table=table,
        )
    )
    write_kernel_table(src / "micro_kernels.c", kernels)
    bundle = Bundle(out, board, len(program), arena_size, n_steps, len(sets), kernels, paths)
    if sources_only:
        return bundle
    write_platformio_ini(out, board, [firmware_dir() / "runner"], paths)
    summary = {
        "board": board.id,
        "program_size": bundle.program_size,
        "arena_size": arena_size,
        "steps": n_steps,
        "input_sets": len(sets),
        "kernels": kernels,
        "paths": None if paths is None else f"0x{paths:08x}",
    }
    (out / "bundle.json").write_text(json.dumps(summary, indent=2) + "\n")
    return bundle
