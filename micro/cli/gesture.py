"""`micro gesture`: the accelerometer gesture demo on the host or in firmware.

micro gesture trace.csv                       ax,ay,az in g at 25 Hz (or t,ax,ay,az)
micro gesture --demo                          the bundled example trace
micro gesture trace.csv --board mps2-an386    the pipeline in firmware on QEMU
micro gesture --board nano33ble               its LSM9DS1 (builds and uploads)
micro gesture train --gestures wing,ring,slope --out my.tflite
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import MicroError
from ..gesture.bundled import demo_trace, load_model
from ..gesture.pipeline import HOP, THRESHOLD, GestureModel, read_trace
from ..gesture.synth import RATE
from .demo_board import build_and_run, check_input, check_run
from .options import board_option
from .output import emit_json, out


def train_main(argv: Sequence[str]) -> int:
    from . import gesture_train  # TensorFlow loads only for training

    return gesture_train.main(list(argv))


def cmd_gesture(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    trace_path = str(demo_trace()) if args.demo else args.trace
    if args.board:
        return _on_board(args, model, trace_path)
    if trace_path is None:
        raise MicroError("give a trace (CSV of ax,ay,az in g at 25 Hz) or --demo")
    result = model.run(read_trace(trace_path), args.threshold)
    name = Path(trace_path).name
    if args.json:
        emit_json([asdict(d) for d in result.detections])
        return 0
    for d in result.detections:
        out(f"{name}: gesture {d}")
    if not result.detections:
        out(f"{name}: no gesture ({len(result.ends)} windows scored)")
    return 0


def _on_board(args: argparse.Namespace, model: GestureModel, trace_path: str | None) -> int:
    from .. import demo_firmware
    from ..boards import load_board
    from ..gesture import board as gesture_board
    from ..resources import build_root

    target = load_board(args.board)
    given = trace_path is not None
    check_input(target, not given, given, "sensor: give a trace or --demo", "it reads its own IMU")
    dest = build_root() / f"gesture-{target.id}"
    bundle = gesture_board.export(model, target, dest, args.threshold)
    name = Path(trace_path).name if trace_path is not None else ""
    result = build_and_run(
        dest, target, partial(demo_firmware.describe, bundle), "the gestures it sees", args.json,
        lambda elf: gesture_board.run(bundle, elf, [(name, read_trace(str(trace_path)))]),
    )  # fmt: skip
    if result is None:
        return 0
    check_run(target, result.status, result.log, len(result.streams) == 1)
    stream = result.streams[0]
    if args.json:
        costs = {"instructions_per_inference": max(stream.instructions, default=None)}
        emit_json({"detections": [asdict(d) for d in stream.detections], **costs})
        return 0
    for d in stream.detections:
        out(f"{name}: gesture {d}")
    if not stream.detections:
        out(f"{name}: no gesture")
    if stream.instructions:
        out(
            f"instructions per inference on the {target.core}: {max(stream.instructions):,} "
            f"(one every {HOP / RATE:.2f} s of samples)"
        )
    return 0


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "gesture",
        help="accelerometer gestures (wing W, ring O, slope L) in a 25 Hz trace",
        epilog="Retrain for other shapes: micro gesture train --gestures wing,ring,z "
        "(needs pip install 'micro[train]').",
    )
    p.add_argument("trace", nargs="?", help="CSV: ax,ay,az in g (or t,ax,ay,az) at 25 Hz")
    p.add_argument("--demo", action="store_true", help="the bundled example trace")
    p.add_argument("--model", help="a gesture model (.tflite with its .json card next to it)")
    p.add_argument(
        "--threshold", type=float, default=THRESHOLD, help=f"score to report (default {THRESHOLD})"
    )
    board_option(p, required=False)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_gesture)
