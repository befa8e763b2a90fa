"""`micro export` and `micro flash`: a model's firmware for a board."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..boards import Board, load_board
from ..compiler import CompiledModel, compile_model
from ..errors import ArenaTooSmallError
from ..firmware import (
    FirmwareError,
    arena_budget,
    build_dir_for,
    export,
    fault_error,
    flash,
    flash_budget,
    format_stack,
    stack_report,
)
from ..model import load_model
from .options import (
    arena_option,
    board_option,
    input_option,
    load_inputs,
    model_command,
    overhead_option,
    stream_option,
)
from .output import array, emit_json, out


def _compile_for(args: argparse.Namespace, board: Board) -> CompiledModel:
    budget = args.arena if args.arena is not None else arena_budget(board)
    model = load_model(args.model)
    stream = args.stream_input  # the runner serves the input set's rows (micro_memory_rows)
    compiled = compile_model(
        model,
        arena_budget=budget,
        max_overhead=args.max_overhead,
        stream=stream,
        dsp=board.dsp,
        flash_budget=flash_budget(board),
    )
    if args.arena is not None and compiled.arena_bytes_needed > args.arena:
        raise ArenaTooSmallError(compiled.arena_bytes_needed, args.arena)
    return compiled


def _input_sets(compiled: CompiledModel, paths: Sequence[str]) -> list[list[bytes]] | None:
    if not paths:
        return None
    tensors = []
    arrays = load_inputs(paths, len(compiled.inputs))
    for slot, path, values in zip(compiled.inputs, paths, arrays, strict=True):
        if values.dtype != slot.dtype or values.size * values.itemsize != slot.size:
            raise FirmwareError(
                f"{path}: input '{slot.name}' needs {slot.dtype.name} {list(slot.shape)}, "
                f"got {values.dtype.name} {list(values.shape)}"
            )
        tensors.append(np.ascontiguousarray(values).tobytes())
    return [tensors]


def cmd_export(args: argparse.Namespace) -> int:
    board = load_board(args.board)
    compiled = _compile_for(args, board)
    bundle = export(
        compiled.program,
        board,
        args.output,
        _input_sets(compiled, args.input or []),
        sources_only=args.sources_only,
    )
    out(
        f"wrote {bundle.dir} for {board.id}: program {bundle.program_size:,} B, arena "
        f"{bundle.arena_size:,} B, kernels {', '.join(bundle.kernels)}"
    )
    if not args.sources_only:
        out(f"build it with: pio run -d {bundle.dir}")
    return 0


def cmd_flash(args: argparse.Namespace) -> int:
    board = load_board(args.board)
    compiled = _compile_for(args, board)
    build_dir = args.build_dir or build_dir_for(args.model, board)
    result = flash(compiled.program, board.id, _input_sets(compiled, args.input or []), build_dir)
    report = flash_report(compiled, board, result)
    if args.json:
        emit_json(report)
    else:
        out(format_flash_report(report))
    return 0 if report.get("ok", True) else 1


def flash_report(compiled: CompiledModel, board: Board, result: Any) -> dict[str, Any]:
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
        report["error"] = fault_error(run.log, board.id) or run.init_message or run.log
        report["fault"] = run.fault
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
    report.update(stack_report(run))
    report["instructions"] = run.instructions[0] if run.instructions else None
    report["estimated_cycles"] = run.estimated_cycles[0] if run.estimated_cycles else None
    report["clock_hz"] = board.clock_hz
    report["steps"] = [
        {"index": i, "op": step.op_name, "kernel": step.kernel, "instructions": n, "cycles": c}
        for i, (step, n, c) in enumerate(
            zip(compiled.steps, run.step_instructions, run.step_estimated_cycles, strict=False)
        )
    ]
    return report


def format_flash_report(report: dict[str, Any]) -> str:
    lines = [
        f"{report['board_name']}: flash {report['flash']:,} B of {report['flash_size']:,} B, "
        f"RAM {report['ram']:,} B of {report['ram_size']:,} B "
        f"(arena {report['arena']:,} B, stack {report['stack']:,} B)"
    ]
    if "uploaded" in report:
        return "\n".join([*lines, f"uploaded {report['uploaded']}"])
    if not report["ok"]:
        return "\n".join([*lines, f"the board refused or failed the program: {report['error']}"])
    for output in report["outputs"]:
        value = np.array(output["values"], dtype=output["dtype"]).reshape(output["shape"])
        lines.append(f"output '{output['name']}' {output['dtype']} {output['shape']}:")
        lines.append(array(value))
    stack = format_stack(report)
    if stack is not None:
        lines.append(stack)
    if report["instructions"] is not None:
        lines.append(f"instructions per inference: {report['instructions']:,}")
    if report["estimated_cycles"] is not None:
        ms = 1000.0 * report["estimated_cycles"] / report["clock_hz"]
        lines.append(
            f"estimated cycles per inference: {report['estimated_cycles']:,} = {ms:.3f} ms at "
            f"{report['clock_hz'] / 1e6:g} MHz (TRM timings, zero-wait-state memory)"
        )
    if report["steps"]:
        head = f"  step {'':3} {'op':<24} {'kernel':<24} {'instructions':>12} {'est. cycles':>12}"
        lines.append(head)
    for st in report["steps"]:
        lines.append(
            f"  step {st['index']:3d} {st['op']:<24} {st['kernel']:<24} {st['instructions']:>12,}"
            f" {st['cycles']:>12,}"
        )
    return "\n".join(lines)


BOARD_HELP = "board id, e.g. mps2-an386 or nano33ble (a folder of boards/)"


BOARD_ARENA = "default: the RAM the board leaves for it; the plan is the fastest that fits"


def add_commands(sub: Any) -> None:
    p = model_command(
        sub, "export", "write a board's firmware project (Program as C source)", cmd_export, False
    )
    board_option(p)
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="project folder to write")
    input_option(p, "zeros")
    p.add_argument(
        "--sources-only",
        action="store_true",
        help="write only the model's C files into DIR (for your own PlatformIO project)",
    )
    arena_option(p, BOARD_ARENA)
    overhead_option(p)
    stream_option(p)

    p = model_command(
        sub, "flash", "build the firmware with PlatformIO and run or upload it", cmd_flash
    )
    board_option(p)
    input_option(p, "zeros")
    p.add_argument(
        "--build-dir",
        metavar="DIR",
        type=Path,
        help="where to write the project (default: .micro-build/<model>-<board> in the "
        "checkout, or under ~/.cache/micro for an installed micro)",
    )
    arena_option(p, BOARD_ARENA)
    overhead_option(p)
    stream_option(p)
