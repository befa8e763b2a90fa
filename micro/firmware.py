"""Firmware: the compiled model's Program, as C, built with PlatformIO for a board, run on
QEMU (emulated boards) or uploaded (real boards).

    export ──► DIR/  platformio.ini          a PlatformIO project for the board
                     include/micro_model.h   arena size, counts, the input sets' table type
                     src/micro_model.c       the Program bytes (exactly the host's) + inputs
                     src/micro_kernels.c     kernel table of only the kernels it uses
    build  ──► pio run (offline: firmware/platform, the system arm-none-eabi-gcc)
    run    ──► qemu-system-arm + firmware/qemu/insncount.c: outputs, instruction counts

The project links micro's C runtime (library.json at the repository root) and the runner
(firmware/runner: main() printing outputs and costs). The generated kernel table defines
micro_kernel_get, so the linker never pulls csrc/runtime/kernel_table.o, and with it every
kernel, out of the runtime's archive: only the kernels the model uses are linked.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ._ffi import lib
from .boards import ROOT, Board, load_board
from .errors import MicroError
from .program import read_header, read_steps

PLATFORM_DIR = ROOT / "firmware" / "platform"
RUNNER_DIR = ROOT / "firmware" / "runner"

# What the firmware needs besides the Program and the arena, to refuse a model that cannot
# fit before anything is built. Measured on mps2-an386 (runner + executor + the FC kernel +
# startup: 3.9 KB of flash); the margin leaves room for the larger kernels.
RUNTIME_FLASH = 24 * 1024
RUNTIME_RAM = 1024

MARK_INVOKE = 2  # markers per inference (begin, end)


class FirmwareError(MicroError):
    """Firmware could not be exported, built or run, or does not fit its board."""


def core_dir() -> Path:
    """PlatformIO's core folder for micro: project-local, so ~/.platformio is untouched.
    scripts/setup_firmware.sh seeds it (same default, same MICRO_PIO_CORE_DIR)."""
    return Path(os.environ.get("MICRO_PIO_CORE_DIR", ROOT / ".pio-core"))


def plugin_path() -> Path:
    return core_dir() / "micro" / "libinsncount.so"


def pio_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PLATFORMIO_CORE_DIR=str(core_dir()),
        PLATFORMIO_SETTING_ENABLE_TELEMETRY="No",  # else a DNS query per command
        PLATFORMIO_DISABLE_UPGRADE_CHECK="true",  # else a 60 s network timeout once a week
    )
    return env


# -- export --------------------------------------------------------------------------------


def kernel_names() -> dict[int, str]:
    """C kernel id -> kernel name, read from the C enum (MICRO_K_<NAME>)."""
    return {
        int(getattr(lib, n)): n[len("MICRO_K_") :].lower()
        for n in dir(lib)
        if n.startswith("MICRO_K_") and n != "MICRO_K_COUNT"
    }


def program_kernels(program: bytes) -> list[str]:
    """Names of the kernels a Program's steps use, sorted (reads its step table)."""
    names = kernel_names()
    used = set()
    for i, step in enumerate(read_steps(program)):
        if step.kernel not in names:
            raise FirmwareError(f"step {i} uses kernel id {step.kernel}, unknown to this runtime")
        used.add(names[step.kernel])
    return sorted(used)


@dataclass
class Bundle:
    dir: Path
    board: Board
    program_size: int
    arena_size: int
    n_steps: int
    n_sets: int
    kernels: list[str]


def arena_budget(board: Board) -> int:
    """RAM a board leaves for the arena: the default budget of `micro flash` and `export`,
    so the fastest plan that fits the board is chosen (optional scratch kept if it fits)."""
    return max(board.ram_size - board.stack_size - RUNTIME_RAM, 0)


def _compile_for(args: argparse.Namespace, board: Board) -> Any:
    from .compiler import compile_model
    from .model import load_model

    budget = args.arena if args.arena is not None else arena_budget(board)
    return compile_model(load_model(args.model), arena_budget=budget)


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


def c_bytes(data: bytes, indent: str = "    ") -> str:
    """Bytes as the body of a C array initializer, 16 a line."""
    rows = []
    for i in range(0, len(data), 16):
        rows.append(indent + ", ".join(f"0x{b:02x}" for b in data[i : i + 16]) + ",")
    return "\n".join(rows) if rows else indent + "0"


def program_c(name: str, program: bytes) -> tuple[str, str]:
    """A Program as C: (declaration for a header, definition). The array `name` is 8-byte
    aligned, as micro_init requires, and `name`_size holds its length."""
    declaration = f"""/* The Program, 8-byte aligned as micro_init requires. */
extern const union {name}_u {{
    uint64_t align;
    uint8_t bytes[{max(len(program), 1)}];
}} {name};
extern const uint32_t {name}_size;"""
    definition = f"""const union {name}_u {name} = {{.bytes = {{
{c_bytes(program)}
}}}};
const uint32_t {name}_size = {len(program)}u;"""
    return declaration, definition


def write_kernel_table(path: Path, kernels: Sequence[str]) -> None:
    """micro_kernels.c: micro_kernel_get over `kernels` only (see the module docstring)."""
    externs = "\n".join(f"extern const micro_kernel_t micro_kernel_{k};" for k in kernels)
    cases = "\n".join(
        f"    case MICRO_K_{k.upper()}:\n        return &micro_kernel_{k};" for k in kernels
    )
    path.write_text(
        f"""/* Generated by `micro export`: the kernels this firmware uses. It replaces
 * csrc/runtime/kernel_table.c, so the linker leaves every other kernel out. */
#include <stddef.h>

#include "micro/kernel.h"

{externs}

const micro_kernel_t *micro_kernel_get(uint32_t id)
{{
    switch (id) {{
{cases}
    default:
        return NULL;
    }}
}}
"""
    )


def write_platformio_ini(out: Path, board: Board, libraries: Sequence[Path]) -> None:
    """The project's platformio.ini: micro's offline platform, the board, micro's C runtime
    and `libraries` (PlatformIO libraries holding main())."""
    # Named links: PlatformIO otherwise names a link by its folder, and a checkout in a
    # folder called like one of the libraries (e.g. "speech") would shadow it.
    libs = "".join(f"\n    micro-{lib.name}=symlink://{lib}" for lib in libraries)
    (out / "platformio.ini").write_text(
        f"""; Generated by micro: `pio run` builds, `pio run -t upload` runs it
; ({"on QEMU" if board.emulated else "uploads it to the board"}).
[platformio]
default_envs = {board.id}
build_cache_dir = {core_dir() / "build-cache"}

[env:{board.id}]
platform = symlink://{PLATFORM_DIR}
board = {board.id}
lib_deps =
    micro=symlink://{ROOT}{libs}
"""
    )


def export(
    program: bytes,
    board: Board,
    out_dir: str | os.PathLike[str],
    input_sets: Sequence[Sequence[bytes]] | None = None,
    profile: bool = True,
    check: bool = True,
    sources_only: bool = False,
) -> Bundle:
    """Write a PlatformIO project that runs `program` (the exact bytes) on `board`.

    input_sets: inputs to run, each a list of every model input's bytes; None runs once
    on zeros. profile: also time each step on input set 0. sources_only: write only
    micro_model.h, micro_model.c and micro_kernels.c into out_dir, for a project of one's own
    (firmware/example).
    """
    header = read_header(program)
    if header.magic != int(lib.MICRO_PROGRAM_MAGIC):
        if check:
            raise FirmwareError("not a micro program (bad magic)")
        header = read_header(b"")
    arena_size, n_steps, n_inputs = header.arena_size, header.n_steps, header.n_inputs
    kernels = program_kernels(program) if check else sorted(kernel_names().values())
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
        f"""/* Generated by `micro export` for {board.id}: the model's Program and inputs. */
#ifndef MICRO_MODEL_H
#define MICRO_MODEL_H

#include <stdint.h>

#define MICRO_MODEL_ARENA_SIZE {arena_size}u
#define MICRO_MODEL_N_STEPS {n_steps}u
#define MICRO_MODEL_N_INPUTS {n_inputs}u
#define MICRO_MODEL_N_SETS {len(sets)}u
#define MICRO_MODEL_PROFILE {int(profile)}

{declaration}

/* Input i of set s is micro_model_inputs[s * MICRO_MODEL_N_INPUTS + i]; data NULL = zeros. */
typedef struct {{
    const uint8_t *data;
    uint32_t size;
}} micro_model_tensor_t;
extern const micro_model_tensor_t micro_model_inputs[];

#endif
"""
    )
    arrays = []
    table = []
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
    (src / "micro_model.c").write_text(
        f"""/* Generated by `micro export`: the Program bytes, exactly those the host runs. */
#include <stddef.h>

#include "micro_model.h"

{definition}

{chr(10).join(arrays)}

const micro_model_tensor_t micro_model_inputs[] = {{
{chr(10).join(table) or "    {NULL, 0u},"}
}};
"""
    )
    write_kernel_table(src / "micro_kernels.c", kernels)
    bundle = Bundle(out, board, len(program), arena_size, n_steps, len(sets), kernels)
    if sources_only:
        return bundle
    write_platformio_ini(out, board, [RUNNER_DIR])
    (out / "bundle.json").write_text(
        json.dumps(
            {
                "board": board.id,
                "program_size": bundle.program_size,
                "arena_size": arena_size,
                "steps": n_steps,
                "input_sets": len(sets),
                "kernels": kernels,
            },
            indent=2,
        )
        + "\n"
    )
    return bundle


# -- build ---------------------------------------------------------------------------------


@dataclass
class Build:
    elf: Path
    flash: int  # bytes: vectors, code, constants (the Program), .data's load image
    ram: int  # bytes: stack, .data, .bss (the arena)
    sections: dict[str, int]


def pio(args: Sequence[str], extra_env: dict[str, str] | None = None, timeout: float = 900) -> str:
    """Run PlatformIO (offline settings, micro's core folder); its output, or FirmwareError."""
    cmd = [sys.executable, "-m", "platformio", *args]
    env = {**pio_env(), **(extra_env or {})}
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-40:])
        raise FirmwareError(f"`pio {' '.join(args)}` failed:\n{tail}")
    return proc.stdout


def build(project: str | os.PathLike[str], board: Board) -> Build:
    project = Path(project)
    if not (core_dir() / "packages" / "tool-scons" / ".piopm").is_file():
        raise FirmwareError(
            "PlatformIO is not set up for offline builds: run scripts/setup_firmware.sh"
        )
    pio(["run", "-d", str(project), "-e", board.id])
    elf = project / ".pio" / "build" / board.id / "firmware.elf"
    return Build(elf, *_sizes(elf))


def _sizes(elf: Path) -> tuple[int, int, dict[str, int]]:
    out = subprocess.run(
        ["arm-none-eabi-size", "-A", "-d", str(elf)], capture_output=True, text=True, check=True
    ).stdout
    sections = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0].startswith(".") and parts[1].isdigit():
            sections[parts[0]] = int(parts[1])
    flash = sum(sections.get(s, 0) for s in (".vectors", ".text", ".rodata", ".ARM.exidx", ".data"))
    ram = sum(sections.get(s, 0) for s in (".stack", ".data", ".bss"))
    return flash, ram, sections


# -- run -----------------------------------------------------------------------------------


@dataclass
class Run:
    status: int  # the firmware's exit status (0: every step ran)
    init_status: int
    init_message: str
    outputs: dict[tuple[int, int], bytes]  # (input set, output index) -> bytes
    instructions: list[int] = field(default_factory=list)  # per input set, one inference
    step_instructions: list[int] = field(default_factory=list)  # per step, input set 0
    cycles: list[int] = field(default_factory=list)
    marks: list[int] = field(default_factory=list)  # instructions executed before each mark
    log: str = ""


def symbols(elf: Path) -> dict[str, int]:
    """Symbol name -> address (Thumb bit cleared) of an ELF, through arm-none-eabi-nm."""
    out = subprocess.run(
        ["arm-none-eabi-nm", str(elf)], capture_output=True, text=True, check=True
    ).stdout
    table = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            table[parts[2]] = int(parts[0], 16) & ~1
    return table


def run_qemu(
    elf: Path, board: Board, count: bool = True, timeout: float = 300, args: Sequence[str] = ()
) -> Run:
    """Run an emulated board's firmware; with `count`, measure instructions per inference.
    `args` become the semihosting command line after the program name (SYS_GET_CMDLINE)."""
    if board.qemu_machine is None:
        raise FirmwareError(f"{board.id} is a real board; it cannot run on QEMU")
    cmd = [
        "qemu-system-arm",
        "-machine",
        board.qemu_machine,
        "-nographic",
        "-monitor",
        "none",
        "-serial",
        "null",
        "-semihosting-config",
        ",".join(["enable=on,target=native,arg=firmware", *(f"arg={_qemu_arg(a)}" for a in args)]),
        "-kernel",
        str(elf),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        counts = Path(tmp) / "counts.txt"
        if count:
            if not plugin_path().is_file():
                raise FirmwareError(
                    "the QEMU counting plugin is not built: run scripts/setup_firmware.sh"
                )
            mark = symbols(elf).get("micro_port_mark")
            if mark is None:
                raise FirmwareError(f"{elf} has no micro_port_mark: not micro's runner")
            cmd += ["-plugin", f"{plugin_path()},mark={mark:#x},out={counts}"]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired as exc:
            raise FirmwareError(f"{elf} did not finish on QEMU within {timeout:.0f} s") from exc
        marks = []
        if count and counts.is_file():
            marks = [
                int(line.split()[1])
                for line in counts.read_text().splitlines()
                if line.startswith("mark ")
            ]
    # QEMU prints the semihosting console on its stderr.
    result = _parse_run(proc.stderr, proc.returncode)
    result.log = proc.stdout + proc.stderr
    if count:
        result.marks = marks
        _attribute(result, marks)
    return result


def _qemu_arg(arg: str) -> str:
    """An argument for -semihosting-config: QEMU splits options at commas (doubled ones
    escape), and the guest splits its command line at spaces."""
    if " " in arg:
        raise FirmwareError(f"a semihosting argument cannot hold a space: {arg!r}")
    return arg.replace(",", ",,")


_FIELD_RE = re.compile(r"(\w+)=(\S*)")


def _parse_run(text: str, returncode: int) -> Run:
    run = Run(returncode, -1, "", {})
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "init":
            run.init_status = int(_FIELD_RE.findall(rest)[0][1])
            run.init_message = rest.partition(" msg=")[2]
        elif kind == "output":
            f = dict(_FIELD_RE.findall(rest))
            run.outputs[(int(f["set"]), int(f["index"]))] = bytes.fromhex(f["hex"])
        elif kind == "invoke":
            f = dict(_FIELD_RE.findall(rest))
            if "cycles" in f:
                run.cycles.append(int(f["cycles"]))
    return run


def _attribute(run: Run, marks: list[int]) -> None:
    """Marks come in runner order: (begin, end) per input set, then the profile pass:
    begin, (step begin, step end) per step, end."""
    n_sets = len({s for s, _ in run.outputs}) if run.outputs else 0
    plain = marks[: MARK_INVOKE * n_sets]
    run.instructions = [plain[i + 1] - plain[i] for i in range(0, len(plain) - 1, 2)]
    prof = marks[MARK_INVOKE * n_sets :]
    if len(prof) >= 2:
        steps = prof[1:-1]
        run.step_instructions = [steps[i + 1] - steps[i] for i in range(0, len(steps) - 1, 2)]


# -- the whole path --------------------------------------------------------------------------


@dataclass
class Flash:
    bundle: Bundle
    build: Build
    run: Run | None  # None for a real board (uploaded, not run here)


def build_dir_for(model: str | os.PathLike[str], board: Board) -> Path:
    return ROOT / ".micro-build" / f"{Path(model).stem}-{board.id}"


def flash(
    program: bytes,
    board_id: str,
    input_sets: Sequence[Sequence[bytes]] | None = None,
    out_dir: str | os.PathLike[str] | None = None,
    upload: bool = True,
    count: bool = True,
) -> Flash:
    """Export, build, then run on QEMU (emulated board) or upload (real board)."""
    board = load_board(board_id)
    project = Path(out_dir) if out_dir is not None else Path(tempfile.mkdtemp(prefix="micro-"))
    bundle = export(program, board, project, input_sets)
    built = build(project, board)
    run = None
    if board.emulated:
        run = run_qemu(built.elf, board, count=count)
    elif upload:
        pio(["run", "-d", str(project), "-e", board.id, "-t", "upload"])
    return Flash(bundle, built, run)


def step_instructions(compiled: Any, board_id: str) -> list[int]:
    """Instructions each step of a compiled model takes on an emulated board (inputs zero)."""
    if not load_board(board_id).emulated:
        raise FirmwareError(f"{board_id} is a real board: instructions are counted on QEMU")
    with tempfile.TemporaryDirectory(prefix="micro-") as tmp:
        run = flash(compiled.program, board_id, None, tmp).run
    assert run is not None
    if run.status != 0 or len(run.step_instructions) != len(compiled.steps):
        raise FirmwareError(f"the firmware failed on {board_id}:\n{run.log}")
    return run.step_instructions


# -- command line ----------------------------------------------------------------------------


def _input_sets(compiled: Any, paths: Sequence[str]) -> list[list[bytes]] | None:
    if not paths:
        return None
    if len(paths) != len(compiled.inputs):
        raise FirmwareError(
            f"the model has {len(compiled.inputs)} inputs; {len(paths)} --input files given"
        )
    tensors = []
    for slot, path in zip(compiled.inputs, paths, strict=True):
        array = np.load(path, allow_pickle=False)
        if array.dtype != slot.dtype or array.size * array.itemsize != slot.size:
            raise FirmwareError(
                f"{path}: input '{slot.name}' needs {slot.dtype.name} {list(slot.shape)}, "
                f"got {array.dtype.name} {list(array.shape)}"
            )
        tensors.append(np.ascontiguousarray(array).tobytes())
    return [tensors]


def _cmd_export(args: argparse.Namespace) -> int:
    board = load_board(args.board)
    compiled = _compile_for(args, board)
    bundle = export(
        compiled.program,
        board,
        args.output,
        _input_sets(compiled, args.input or []),
        sources_only=args.sources_only,
    )
    sys.stdout.write(
        f"wrote {bundle.dir} for {board.id}: program {bundle.program_size:,} B, arena "
        f"{bundle.arena_size:,} B, kernels {', '.join(bundle.kernels)}\n"
        + ("" if args.sources_only else f"build it with: pio run -d {bundle.dir}\n")
    )
    return 0


def _cmd_flash(args: argparse.Namespace) -> int:
    board = load_board(args.board)
    compiled = _compile_for(args, board)
    out = args.build_dir or build_dir_for(args.model, board)
    result = flash(compiled.program, board.id, _input_sets(compiled, args.input or []), out)
    report = _flash_report(compiled, board, result)
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        sys.stdout.write(_format_flash_report(report))
    return 0 if report.get("ok", True) else 1


def _flash_report(compiled: Any, board: Board, result: Any) -> dict[str, Any]:
    """What `micro flash` reports, as JSON-able data."""
    report: dict[str, Any] = {
        "board": board.id,
        "board_name": board.name,
        "flash": result.build.flash,
        "flash_size": board.flash_size,
        "ram": result.build.ram,
        "ram_size": board.ram_size,
        "arena": result.bundle.arena_size,
        "stack": board.stack_size,
    }
    run = result.run
    if run is None:
        report["uploaded"] = str(result.build.elf)
        return report
    report["ok"] = run.init_status == 0 and run.status == 0
    if not report["ok"]:
        report["error"] = run.init_message or run.log
        return report
    report["outputs"] = [
        {
            "name": slot.name,
            "dtype": slot.dtype.name,
            "shape": list(slot.shape),
            "values": np.frombuffer(run.outputs[(0, i)], dtype=slot.dtype).tolist(),
        }
        for i, slot in enumerate(compiled.outputs)
    ]
    report["instructions"] = run.instructions[0] if run.instructions else None
    report["steps"] = [
        {"index": i, "op": step.op_name, "kernel": step.kernel, "instructions": n}
        for i, (step, n) in enumerate(zip(compiled.steps, run.step_instructions, strict=False))
    ]
    return report


def _format_flash_report(report: dict[str, Any]) -> str:
    lines = [
        f"{report['board_name']}: flash {report['flash']:,} B of {report['flash_size']:,} B, "
        f"RAM {report['ram']:,} B of {report['ram_size']:,} B "
        f"(arena {report['arena']:,} B, stack {report['stack']:,} B)"
    ]
    if "uploaded" in report:
        return "\n".join([*lines, f"uploaded {report['uploaded']}"]) + "\n"
    if not report["ok"]:
        return (
            "\n".join([*lines, f"the board refused or failed the program: {report['error']}"])
            + "\n"
        )
    for out in report["outputs"]:
        value = np.array(out["values"], dtype=out["dtype"]).reshape(out["shape"])
        lines.append(f"output '{out['name']}' {out['dtype']} {out['shape']}:")
        lines.append(np.array2string(value, threshold=64, max_line_width=100))
    if report["instructions"] is not None:
        lines.append(f"instructions per inference: {report['instructions']:,}")
    for st in report["steps"]:
        lines.append(
            f"  step {st['index']:3d} {st['op']:<24} {st['kernel']:<24} {st['instructions']:>12,}"
        )
    return "\n".join(lines) + "\n"


def add_firmware_commands(sub: Any) -> None:
    """Add `export` and `flash` to the `micro` command line's subparsers."""
    p = sub.add_parser("export", help="write a board's firmware project (Program as C source)")
    p.add_argument("model", help=".tflite file")
    p.add_argument("--board", required=True, help="board id (a folder in boards/)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="project folder to write")
    p.add_argument(
        "--input",
        action="append",
        metavar="NPY",
        help="input tensor to run, as .npy (repeat per input; default zeros)",
    )
    p.add_argument(
        "--sources-only",
        action="store_true",
        help="write only the model's C files into DIR (for your own PlatformIO project)",
    )
    p.add_argument(
        "--arena",
        type=int,
        metavar="BYTES",
        help="arena budget (default: the RAM the board leaves for it; the plan is the "
        "fastest that fits)",
    )
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("flash", help="build the firmware with PlatformIO and run or upload it")
    p.add_argument("model", help=".tflite file")
    p.add_argument("--board", required=True, help="board id (a folder in boards/)")
    p.add_argument(
        "--input",
        action="append",
        metavar="NPY",
        help="input tensor, as .npy (repeat per input; default zeros)",
    )
    p.add_argument(
        "--build-dir",
        metavar="DIR",
        help="where to write the project (default .micro-build/<model>-<board>)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--arena",
        type=int,
        metavar="BYTES",
        help="arena budget (default: the RAM the board leaves for it; the plan is the "
        "fastest that fits)",
    )
    p.set_defaults(func=_cmd_flash)
