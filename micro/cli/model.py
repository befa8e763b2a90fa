"""`micro inspect`, `run`, `plan` and `profile`: a model on the host."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import profile, report
from ..compiler import CompiledModel, compile_model
from ..errors import UnsupportedOpError
from ..interpreter import Interpreter
from ..model import Model, load_model
from .options import (
    arena_option,
    input_option,
    load_inputs,
    model_command,
    overhead_option,
    positive_int,
    stream_option,
)
from .output import array, emit_json, note, out


def _compile(args: argparse.Namespace, fastest: bool = False) -> CompiledModel:
    """The plan the options pick: with --arena the fastest that fits (patched only if it
    must, within --max-overhead), else the smallest arena without extra instructions (or
    the fastest plan, `fastest`); with --stream-input, the patched plan that streams the
    image input."""
    stream = getattr(args, "stream_input", False)
    overhead = args.max_overhead if args.arena is not None or stream else 0.0
    model = load_model(args.model)
    return compile_model(
        model, arena_budget=args.arena, max_overhead=overhead, stream=stream, fastest=fastest
    )


STREAMED = "patched, streamed input"
FASTEST = "overlapped, fastest"  # every optional scratch kept (im2col: several times faster)


def _choices(args: argparse.Namespace, model: Model) -> list[dict[str, Any]]:
    # Measured on a board, the Programs are laid out for its core (as `micro flash` does):
    # a DSP core's twins run slower paths on the other layouts.
    dsp = False
    if args.board:
        from ..boards import load_board

        dsp = load_board(args.board).dsp
    plans = {
        "tensor bound": compile_model(model, overlap=False, dsp=dsp),
        "overlapped": compile_model(model, dsp=dsp),
        FASTEST: compile_model(model, fastest=True, dsp=dsp),
        "patched": compile_model(model, max_overhead=args.max_overhead, dsp=dsp),
    }
    # Beside the resident input's plans, never instead of them; absent where no chain
    # starts at an image input.
    with contextlib.suppress(UnsupportedOpError):
        plans[STREAMED] = compile_model(model, max_overhead=args.max_overhead, stream=True, dsp=dsp)
    instructions = None
    if args.board:
        from ..firmware import step_instructions

        instructions = {name: sum(step_instructions(c, args.board)) for name, c in plans.items()}
    return report.plan_choices(plans, instructions)


def _over_budget(args: argparse.Namespace, compiled: CompiledModel) -> None:
    """inspect and plan show the smallest plan when none fits --arena: say so."""
    if args.arena is not None and compiled.arena_bytes_needed > args.arena:
        note(
            f"no plan fits --arena {args.arena:,} B: the smallest needs "
            f"{compiled.arena_bytes_needed:,} B (shown below)"
        )


def cmd_inspect(args: argparse.Namespace) -> int:
    compiled = _compile(args)
    _over_budget(args, compiled)
    info = report.summary(compiled)
    info["plans"] = _choices(args, compiled.model)
    if args.json:
        emit_json(info)
    else:
        out(report.format_summary(info, args.model))
        out("")
        out(report.format_choices(info["plans"], args.board))
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    compiled = _compile(args)
    _over_budget(args, compiled)
    data = report.plan_data(compiled)
    data["plans"] = _choices(args, compiled.model)
    if args.json:
        emit_json(data)
    else:
        out(report.format_plan(data))
        out("")
        out(report.format_choices(data["plans"], args.board))
    if args.png:
        from ..plot import draw_plan

        draw_plan(data, args.png)
        note(f"wrote {args.png}")
    return 0


def _load_inputs(it: Interpreter, paths: Sequence[str], seed: int) -> list[np.ndarray]:
    details = it.get_input_details()
    if paths:
        return load_inputs(paths, len(details))
    rng = np.random.default_rng(seed)
    arrays = []
    for d in details:
        dtype = np.dtype(d["dtype"])
        shape = tuple(int(s) for s in d["shape"])
        if dtype.kind in "iu":
            info = np.iinfo(dtype)
            arrays.append(rng.integers(info.min, info.max, shape, endpoint=True, dtype=dtype))
        else:
            arrays.append(rng.uniform(-1, 1, shape).astype(dtype))
    return arrays


def cmd_run(args: argparse.Namespace) -> int:
    it = Interpreter(_compile(args, fastest=True), args.arena)
    inputs = _load_inputs(it, args.input or [], args.seed)
    for i, x in enumerate(inputs):
        it.set_input(x, i)
    complete = it.invoke()
    outputs = [it.get_output(i) for i in range(len(it.get_output_details()))]
    origin = "from files" if args.input else f"random, seed {args.seed}"
    out(f"arena: {it.arena_used_bytes():,} B used of {it.arena_size:,} B; inputs {origin}")
    if not complete:
        note(
            "the invocation ended early (a CIRCULAR_BUFFER waits for more frames, as TFLM's "
            "kTfLiteAbort): outputs of the steps after it hold no result of this input"
        )
    for d, y in zip(it.get_output_details(), outputs, strict=True):
        out(f"output '{d['name']}' {y.dtype.name} {list(y.shape)}:")
        out(array(y))
        if d["scale"]:
            real = (y.astype(np.float64) - d["zero_point"]) * d["scale"]
            out("  dequantized: " + array(real, precision=4))
    if args.output:
        with open(args.output, "wb") as f:  # numpy would add a suffix to a name without one
            if len(outputs) == 1:
                np.save(f, outputs[0])
            else:
                np.savez(f, *outputs)
        note(f"wrote {args.output}")
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    if args.board:
        from ..boards import load_board
        from ..firmware import arena_budget, board_run, flash_budget, stack_report

        # The plan `micro flash` runs: the fastest that fits the board's RAM.
        board = load_board(args.board)
        compiled = compile_model(
            load_model(args.model),
            arena_budget=arena_budget(board),
            dsp=board.dsp,
            flash_budget=flash_budget(board),
        )
        run = board_run(compiled, args.board)
        where = f"board {args.board}"
        data = profile.build_profile(
            compiled,
            run.step_instructions,
            "instructions",
            where,
            run.step_estimated_cycles,
            board.clock_hz,
        )
        data.update(stack=board.stack_size, **stack_report(run))
    else:
        compiled = compile_model(load_model(args.model), fastest=True)  # as Interpreter's
        costs = profile.host_step_times(compiled, runs=args.runs)
        data = profile.build_profile(compiled, costs, "us", f"host, mean of {args.runs} runs")
    if args.json:
        emit_json(data)
    else:
        out(profile.format_profile(data))
    return 0


def cmd_ops(args: argparse.Namespace) -> int:
    from .. import optable

    text = optable.markdown() if args.markdown else optable.text()
    out(text.rstrip("\n"))
    return 0


def _plan_options(p: argparse.ArgumentParser) -> None:
    """inspect and plan: which plan to show, and the plans to compare it with."""
    arena_option(
        p,
        "show the fastest plan that fits; default: the smallest without overhead (the "
        "'overlapped' row; 'overlapped, fastest' keeps every im2col scratch)",
    )
    overhead_option(p)
    stream_option(p)
    p.add_argument("--board", help="measure each plan's instructions on this emulated board (QEMU)")


def add_commands(sub: Any) -> None:
    p = model_command(
        sub, "inspect", "ops, tensors, MACs, weights and the arena a model needs", cmd_inspect
    )
    _plan_options(p)

    p = model_command(sub, "run", "run a model on the host in a fixed arena", cmd_run, False)
    input_option(p, "seeded random")
    p.add_argument("--output", metavar="NPY", help="write the output(s) (.npy, or .npz if several)")
    arena_option(p, "default: exactly what the model needs")
    overhead_option(p)
    stream_option(p)
    p.add_argument("--seed", type=int, default=0, help="seed of the random input (default 0)")

    p = model_command(sub, "plan", "the arena layout over time, as a table and a picture", cmd_plan)
    p.add_argument(
        "--png",
        metavar="FILE",
        help="also draw the arena over time (.png, .svg or .pdf by the suffix; needs micro[plot])",
    )
    _plan_options(p)

    p = model_command(
        sub,
        "profile",
        "time (host) or instructions and estimated cycles (emulated board) per op",
        cmd_profile,
    )
    p.add_argument("--runs", type=positive_int, default=50, help="invokes to average on the host")
    p.add_argument(
        "--board", help="count instructions (and estimate cycles) on an emulated board instead"
    )

    p = sub.add_parser("ops", help="the operators micro runs, and why it lacks TFLM's others")
    p.add_argument("--markdown", action="store_true", help="the README's table")
    p.set_defaults(func=cmd_ops)
