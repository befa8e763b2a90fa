"""Running an emulated board's firmware on QEMU, counting instructions and estimating
cycles (the core's TRM timings, zero-wait-state memory) between the firmware's markers
(firmware/qemu/insncount.c), and reading the runner's console.

The runner (firmware/runner/src/runner.c) prints one line per fact:
    init status=<n> msg=<text>
    output set=<s> index=<i> hex=<bytes>
    invoke set=<s> status=<n> stack=<bytes> [cycles=<n>]
    stack used=<bytes> size=<bytes>      (firmware/port/startup.c, after main() returns)
    fault: <what happened>               (firmware/port/fault.c: a fault ended the run)
and marks (begin, end) of each inference, then, for the profile pass, begin, (step begin,
step end) per step, end.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._ffi import lib
from ..boards import Board
from ..errors import FirmwareError
from .build import symbols
from .toolchain import require_plugin, require_tool

# Marks per inference and per profiled step (firmware/port/micro_marks.h).
MARKS_PER_INVOKE = int(lib.MICRO_MARKS_PER_INVOKE)
MARKS_PER_STEP = int(lib.MICRO_MARKS_PER_STEP)


@dataclass
class Emulation:
    """What QEMU gave back: exit status, console (semihosting) and the marker counts."""

    status: int
    console: str
    log: str
    marks: list[int]  # instructions executed before each mark
    mark_cycles: list[int] = field(default_factory=list)  # estimated cycles, likewise


@dataclass
class Run:
    status: int  # the firmware's exit status (0: every step ran)
    init_status: int
    init_message: str
    outputs: dict[tuple[int, int], bytes]  # (input set, output index) -> bytes
    # micro_invoke's status per input set, then the profile pass's (MICRO_STOPPED: a step
    # ended the invocation early).
    invoke_status: list[int] = field(default_factory=list)
    instructions: list[int] = field(default_factory=list)  # per input set, one inference
    step_instructions: list[int] = field(default_factory=list)  # per step, input set 0
    cycles: list[int] = field(default_factory=list)  # the board's own cycle counter
    # The stack's high-water mark, measured on the board by painting it (micro_stack.h):
    # bytes from the top of the stack to the deepest word touched, per inference (input
    # sets, then the profile pass), and over the whole run (None: the line is missing).
    invoke_stack: list[int] = field(default_factory=list)
    stack_used: int | None = None
    stack_size: int | None = None
    marks: list[int] = field(default_factory=list)
    # The "fault: ..." line a fault handler printed before ending the run (fault_error).
    fault: str | None = None
    # The plugin's cycle estimate (zero-wait-state memory), like the instruction counts.
    estimated_cycles: list[int] = field(default_factory=list)
    step_estimated_cycles: list[int] = field(default_factory=list)
    log: str = ""


def emulate(
    elf: Path, board: Board, count: bool = True, timeout: float = 300, args: Sequence[str] = ()
) -> Emulation:
    """Run `elf` on the board's QEMU machine; with `count`, the instructions before each
    call of micro_port_mark. `args` become the semihosting command line (SYS_GET_CMDLINE)."""
    if board.qemu_machine is None:
        raise FirmwareError(f"{board.id} is a real board; it cannot run on QEMU")
    cmd = [
        require_tool("qemu-system-arm"),
        *("-machine", board.qemu_machine, "-nographic", "-monitor", "none", "-serial", "null"),
        "-semihosting-config",
        ",".join(["enable=on,target=native,arg=firmware", *(f"arg={_qemu_arg(a)}" for a in args)]),
        *("-kernel", str(elf)),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        counts = Path(tmp) / "counts.txt"
        if count:
            plugin = require_plugin()
            mark = symbols(elf).get("micro_port_mark")
            if mark is None:
                raise FirmwareError(f"{elf} has no micro_port_mark: not micro's firmware")
            core = plugin_core(board)
            cmd += ["-plugin", f"{plugin},mark={mark:#x},out={counts},core={core}"]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
            )
        except subprocess.TimeoutExpired as exc:
            raise FirmwareError(f"{elf} did not finish on QEMU within {timeout:.0f} s") from exc
        marks = []  # "mark <instructions> <estimated cycles>"
        if count and counts.is_file():
            marks = [
                (int(line.split()[1]), int(line.split()[2]))
                for line in counts.read_text().splitlines()
                if line.startswith("mark ")
            ]
    # QEMU prints the semihosting console on its stderr.
    log = proc.stdout + proc.stderr
    return Emulation(
        proc.returncode, proc.stderr, log, [n for n, _ in marks], [c for _, c in marks]
    )


def plugin_core(board: Board) -> str:
    """The plugin's cycle model for a board's core: m3, m4 or m7."""
    cpu = str(board.manifest["build"]["cpu"]).removeprefix("cortex-")
    if cpu not in ("m3", "m4", "m7"):
        raise FirmwareError(f"{board.id}: no cycle model for {cpu} (the plugin has m3, m4, m7)")
    return cpu


def run_qemu(
    elf: Path, board: Board, count: bool = True, timeout: float = 300, args: Sequence[str] = ()
) -> Run:
    """Run the runner's firmware and read its outputs and instruction counts."""
    emulation = emulate(elf, board, count, timeout, args)
    result = parse_console(emulation.console, emulation.status)
    result.log = emulation.log
    if count:
        result.marks = emulation.marks
        result.instructions, result.step_instructions = _attribute(result, emulation.marks)
        result.estimated_cycles, result.step_estimated_cycles = _attribute(
            result, emulation.mark_cycles
        )
    return result


def _qemu_arg(arg: str) -> str:
    """An argument for -semihosting-config: QEMU splits options at commas (doubled ones
    escape), and the guest splits its command line at spaces."""
    if " " in arg:
        raise FirmwareError(f"a semihosting argument cannot hold a space: {arg!r}")
    return arg.replace(",", ",,")


FIELD_RE = re.compile(r"(\w+)=(\S*)")


def parse_console(text: str, returncode: int) -> Run:
    run = Run(returncode, -1, "", {})
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "init":
            run.init_status = int(FIELD_RE.findall(rest)[0][1])
            run.init_message = rest.partition(" msg=")[2]
        elif kind == "output":
            f = dict(FIELD_RE.findall(rest))
            run.outputs[(int(f["set"]), int(f["index"]))] = bytes.fromhex(f["hex"])
        elif kind == "invoke":
            f = dict(FIELD_RE.findall(rest))
            if "status" in f:
                run.invoke_status.append(int(f["status"]))
            if "cycles" in f:
                run.cycles.append(int(f["cycles"]))
            if "stack" in f:
                run.invoke_stack.append(int(f["stack"]))
        elif kind == "stack":
            f = dict(FIELD_RE.findall(rest))
            run.stack_used, run.stack_size = int(f["used"]), int(f["size"])
        elif kind == "fault:":
            run.fault = rest
    return run


FAULT_RE = re.compile(r"^fault: (.*)$", re.MULTILINE)
OVERFLOW_RE = re.compile(r"^stack overflow .* stack size=(\d+)$")


def fault_error(console: str, board_id: str | None = None) -> str | None:
    """The error a firmware's "fault: ..." line (firmware/port/fault.c) stands for, saying
    what to do; None when the console holds none. A stack overflow names the stack's size
    and how to set it: the arena is a static array, not on the stack, so a smaller one
    does not help."""
    found = FAULT_RE.search(console)
    if found is None:
        return None
    line = found.group(1).strip()
    where = f" on {board_id}" if board_id else ""
    manifest = f"boards/{board_id or '<board>'}/board.json"
    overflow = OVERFLOW_RE.match(line)
    if overflow is not None:
        size = int(overflow.group(1))
        return (
            f"the firmware's stack overflowed{where}: it needs more than its {size:,} B "
            f"(the board's guard below the stack faulted: {line}). A smaller arena does not "
            "help: the arena is a static array, not on the stack. Give the firmware a deeper "
            f'stack: raise "stack_size" in the "micro" section of {manifest} (`micro flash`, '
            "`export` and `profile --board` read it, and refuse a model that then no longer "
            "fits the RAM), or, for one exported project, add `board_micro.stack_size = "
            f"<bytes>` to its platformio.ini. `micro flash --json` reports the stack a run "
            f"used (stack_used); leave {STACK_MARGIN} B beyond it for interrupts."
        )
    return (
        f"the firmware faulted{where}: {line}. The PC is an address in the build's "
        "firmware.elf (`arm-none-eabi-addr2line -f -e firmware.elf PC` names the function)."
    )


def _attribute(run: Run, marks: list[int]) -> tuple[list[int], list[int]]:
    """Per input set and per step costs from a counter read at each mark. Marks come in
    runner order: (begin, end) per input set, then the profile pass: begin, (step begin,
    step end) per step, end."""
    n_sets = len({s for s, _ in run.outputs}) if run.outputs else 0
    per_set = mark_costs(marks[: MARKS_PER_INVOKE * n_sets])
    prof = marks[MARKS_PER_INVOKE * n_sets :]
    return per_set, mark_costs(prof[1:-1] if len(prof) >= 2 else [], MARKS_PER_STEP)


def mark_costs(marks: Sequence[int], per: int = MARKS_PER_INVOKE) -> list[int]:
    """What a counter read at each mark says each bracketed piece cost: the difference between
    its first and last mark, `per` marks a piece (micro_marks.h; an unfinished piece is left
    out)."""
    return [marks[i + per - 1] - marks[i] for i in range(0, len(marks) - per + 1, per)]


# Stack a firmware should leave free beyond its measured high-water mark: an exception taken
# with FP state pushes 26 words (104 B) on a Cortex-M4F/M7F, and a real board's interrupt
# handler (the Nano 33 BLE's PDM driver) adds its own frame; 512 B covers both. Nothing else
# makes the depth vary between runs: the kernels take their paths by shape, not by value,
# and nothing recurses, so an inference on zeros reaches the depth of any other.
STACK_MARGIN = 512


def stack_report(run: Run) -> dict[str, Any]:
    """The stack's high-water mark an emulated run measured (painted stack, firmware/port/
    micro_stack.h): over the whole run, and the deepest of its inferences (None: the
    firmware printed none)."""
    return {
        "stack_used": run.stack_used,
        "stack_inference": max(run.invoke_stack) if run.invoke_stack else None,
    }


def format_stack(report: dict[str, Any]) -> str | None:
    """The printed line of stack_report's figures, or None without a measurement."""
    if report.get("stack_used") is None:
        return None
    line = f"stack used: {report['stack_used']:,} B of {report['stack']:,} B"
    if report.get("stack_inference") is not None:
        line += f" (an inference: {report['stack_inference']:,} B)"
    line += ", measured on the emulated board (deepest word of the painted stack touched)"
    if report["stack"] - report["stack_used"] < STACK_MARGIN:
        line += (
            f"\nwarning: less than {STACK_MARGIN} B of stack left for an interrupt; at its "
            "bottom word the stack may have overflowed (raise the board's micro.stack_size)"
        )
    return line
