"""The `micro` command line: inspect, run and plan a .tflite model."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from . import __version__, report
from .compiler import CompiledModel, compile_model
from .errors import MicroError
from .firmware import add_firmware_commands
from .interpreter import Interpreter
from .model import load_model
from .speech.cli import add_speech_command


def _compile(path: str) -> CompiledModel:
    return compile_model(load_model(path))


def _emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, default=_json_default)
    sys.stdout.write("\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def cmd_inspect(args: argparse.Namespace) -> int:
    info = report.summary(_compile(args.model))
    if args.json:
        _emit_json(info)
    else:
        print(report.format_summary(info, args.model))
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    data = report.plan_data(_compile(args.model))
    if args.json:
        _emit_json(data)
    else:
        print(report.format_plan(data))
    if args.png:
        report.draw_plan(data, args.png)
        print(f"wrote {args.png}", file=sys.stderr)
    return 0


def _load_inputs(it: Interpreter, paths: Sequence[str], seed: int) -> list[np.ndarray]:
    details = it.get_input_details()
    if paths and len(paths) != len(details):
        raise MicroError(f"the model has {len(details)} inputs; {len(paths)} --input files given")
    if paths:
        return [np.load(p, allow_pickle=False) for p in paths]
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
    it = Interpreter.from_file(args.model, arena_size=args.arena)
    inputs = _load_inputs(it, args.input or [], args.seed)
    for i, x in enumerate(inputs):
        it.set_input(x, i)
    it.invoke()
    outputs = [it.get_output(i) for i in range(len(it.get_output_details()))]
    origin = "from files" if args.input else f"random, seed {args.seed}"
    print(f"arena: {it.arena_used_bytes():,} B used of {it.arena_size:,} B; inputs {origin}")
    for d, y in zip(it.get_output_details(), outputs, strict=True):
        print(f"output '{d['name']}' {y.dtype.name} {list(y.shape)}:")
        print(np.array2string(y, threshold=64, max_line_width=100))
        if d["scale"]:
            real = (y.astype(np.float64) - d["zero_point"]) * d["scale"]
            print(
                "  dequantized: "
                + np.array2string(real, threshold=64, precision=4, max_line_width=100)
            )
    if args.output:
        if len(outputs) == 1:
            np.save(args.output, outputs[0])
        else:
            np.savez(args.output, *outputs)
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def cmd_profile(args: argparse.Namespace) -> int:
    from . import profile

    if args.board:
        from . import boards, firmware

        # The plan `micro flash` runs: the fastest that fits the board's RAM.
        budget = firmware.arena_budget(boards.load_board(args.board))
        compiled = compile_model(load_model(args.model), arena_budget=budget)
        costs: list[float] = list(firmware.step_instructions(compiled, args.board))
        data = profile.build_profile(compiled, costs, "instructions", f"board {args.board}")
    else:
        compiled = _compile(args.model)
        costs = profile.host_step_times(compiled, runs=args.runs)
        data = profile.build_profile(compiled, costs, "us", f"host, mean of {args.runs} runs")
    if args.json:
        _emit_json(data)
    else:
        print(profile.format_profile(data))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="micro",
        description="Inspect, run and plan int8 .tflite models, bit-exact with TFLM.",
    )
    parser.add_argument("--version", action="version", version=f"micro {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("inspect", help="ops, tensors, MACs, weights and the arena a model needs")
    p.add_argument("model", help=".tflite file")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_inspect)

    p = sub.add_parser("run", help="run a model on the host in a fixed arena")
    p.add_argument("model", help=".tflite file")
    p.add_argument(
        "--input",
        action="append",
        metavar="NPY",
        help="input tensor as .npy (repeat per input; default: seeded random)",
    )
    p.add_argument("--output", metavar="NPY", help="write the output(s) (.npy, or .npz if several)")
    p.add_argument(
        "--arena",
        type=int,
        metavar="BYTES",
        help="arena budget in bytes (default: exactly what the model needs)",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the random input (default 0)")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("plan", help="the arena layout over time, as a table and a picture")
    p.add_argument("model", help=".tflite file")
    p.add_argument("--png", metavar="FILE", help="also draw the arena over time as a PNG")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("profile", help="time (host) or instructions (emulated board) per op")
    p.add_argument("model", help=".tflite file")
    p.add_argument("--runs", type=int, default=50, help="invokes to average on the host")
    p.add_argument("--board", help="count instructions on an emulated board instead")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_profile)

    add_firmware_commands(sub)
    add_speech_command(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:2] == ["speech", "evaluate"]:
        from .speech import evaluate

        return evaluate.main(argv[2:])
    if argv[:2] == ["speech", "train"]:  # its own parser: `speech` takes a positional file
        from .speech import train

        return train.main(argv[2:])
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except MicroError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
