"""`micro gesture`: the accelerometer gesture demo on the host or in firmware.

micro gesture trace.csv                       ax,ay,az in g at 25 Hz (or t,ax,ay,az)
micro gesture --demo                          the bundled example trace
micro gesture trace.csv --board mps2-an386    the pipeline in firmware on QEMU
micro gesture --board nano33ble               its LSM9DS1 (builds and uploads)
micro gesture train --gestures wing,ring,slope --out my.tflite
"""

from __future__ import annotations

import argparse
import json
import sys
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import MicroError
from .pipeline import HOP, THRESHOLD, GestureModel, read_trace
from .synth import RATE

BUNDLED_MODEL = "gestures.tflite"
DEMO_TRACE = "gestures_demo.csv"


def data_file(name: str) -> Path | None:
    path = Path(str(resources.files("micro.gesture") / "data" / name))
    return path if path.is_file() else None


def load_model(path: str | None) -> GestureModel:
    """A gesture model and its labels (its JSON card, next to it)."""
    model = Path(path) if path else data_file(BUNDLED_MODEL)
    if model is None:
        raise MicroError("no gesture model is bundled with this install: pass --model PATH")
    card = model.with_suffix(".json")
    if not model.is_file():
        raise MicroError(f"{model}: no such model file")
    try:
        labels = json.loads(card.read_text())["labels"]
    except (OSError, ValueError, KeyError) as exc:
        raise MicroError(
            f"{card}: the model's card (its labels) cannot be read ({exc}); "
            "`micro gesture train` writes it next to the model"
        ) from exc
    return GestureModel(model, labels)


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def cmd_gesture(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    trace_path = args.trace
    if args.demo:
        demo = data_file(DEMO_TRACE)
        if demo is None:
            raise MicroError("the demo trace is missing from this install")
        trace_path = str(demo)
    if args.board:
        return _on_board(args, model, trace_path)
    if trace_path is None:
        raise MicroError("give a trace (CSV of ax,ay,az in g at 25 Hz) or --demo")
    result = model.run(read_trace(trace_path), args.threshold)
    name = Path(trace_path).name
    if args.json:
        _out(json.dumps([d.__dict__ for d in result.detections], indent=2))
        return 0
    for d in result.detections:
        _out(f"{name}: gesture {d}")
    if not result.detections:
        _out(f"{name}: no gesture ({len(result.ends)} windows scored)")
    return 0


def _on_board(args: argparse.Namespace, model: GestureModel, trace_path: str | None) -> int:
    from .. import demo_firmware
    from ..boards import ROOT, load_board
    from . import board as gesture_board

    target = load_board(args.board)
    if target.emulated and trace_path is None:
        raise MicroError(f"{target.id} is emulated and has no sensor: give a trace or --demo")
    if trace_path is not None and not target.emulated:
        raise MicroError(f"{target.id} cannot read host files: it reads its own IMU")
    out = ROOT / ".micro-build" / f"gesture-{target.id}"
    bundle = gesture_board.export(model, target, out, args.threshold)
    built, described = demo_firmware.build_and_describe(bundle)
    _out(described)
    if not target.emulated:
        demo_firmware.upload(bundle)
        _out(f"uploaded {built.elf}: the board prints the gestures it sees on its console")
        return 0
    assert trace_path is not None
    name = Path(trace_path).name
    result = gesture_board.run(bundle, built.elf, [(name, read_trace(trace_path))])
    if result.status != 0 or len(result.streams) != 1:
        raise MicroError(f"the firmware failed (status {result.status}):\n{result.log}")
    stream = result.streams[0]
    for d in stream.detections:
        _out(f"{name}: gesture {d}")
    if not stream.detections:
        _out(f"{name}: no gesture")
    if stream.instructions:
        _out(
            f"instructions per inference on the {target.core}: {max(stream.instructions):,} "
            f"(one every {HOP / RATE:.2f} s of samples)"
        )
    return 0


def add_gesture_command(sub: Any) -> None:
    p = sub.add_parser(
        "gesture",
        help="accelerometer gestures (wing W, ring O, slope L) in a 25 Hz trace; "
        "`micro gesture train` retrains",
    )
    p.add_argument("trace", nargs="?", help="CSV: ax,ay,az in g (or t,ax,ay,az) at 25 Hz")
    p.add_argument("--demo", action="store_true", help="the bundled example trace")
    p.add_argument("--model", help="a gesture model (.tflite with its .json card next to it)")
    p.add_argument(
        "--threshold", type=float, default=THRESHOLD, help=f"score to report (default {THRESHOLD})"
    )
    p.add_argument("--board", help="run in firmware (the trace streamed in on an emulator)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_gesture)
