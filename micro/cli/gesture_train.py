"""`micro gesture train`: retrain the gesture model (micro/gesture/train.py does the work)."""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path

from ..errors import MicroError
from ..gesture import train
from ..gesture.synth import SHAPES
from .output import out


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="micro gesture train",
        description="Train an accelerometer gesture model on synthetic strokes (int8 .tflite "
        "and a JSON model card).",
    )
    p.add_argument(
        "--gestures",
        default="wing,ring,slope",
        help=f"comma-separated shapes to recognise (of: {', '.join(SHAPES)})",
    )
    p.add_argument("--out", default="gestures.tflite", help="the model to write (.tflite)")
    p.add_argument("--epochs", type=int, default=25)
    p.add_argument("--seed", type=int, default=1234)
    args = p.parse_args(argv)
    missing = [m for m in ("tensorflow", "keras") if importlib.util.find_spec(m) is None]
    if missing:
        print("error: training needs TensorFlow: pip install 'micro[train]'", file=sys.stderr)
        return 2
    try:
        card = train.run(
            [g.strip() for g in args.gestures.split(",")], Path(args.out), args.epochs, args.seed
        )
    except MicroError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    held = card["held_out"]
    out(
        f"wrote {args.out} ({card['size_bytes']:,} B) and its card; held-out writers: "
        f"{held['accuracy']:.1%} of {held['windows']} windows "
        + ", ".join(f"{k} {v:.1%}" for k, v in held["per_class"].items())
    )
    return 0
