"""`micro classify`: an image model on pictures, on the host or in firmware.

micro classify photo.jpg --model person_detect.tflite --labels no_person,person
micro classify a.png b.png --model m.tflite --labels labels.txt --top 3 --json
micro classify photo.jpg --model m.tflite --labels a,b --board mps2-an386   (QEMU)
micro classify photo.jpg --model m.tflite --labels a,b --board mps2-an386 --stream-input
micro classify --model m.tflite --labels a,b --board nano33ble   (the camera; uploads)
"""

from __future__ import annotations

import argparse
from functools import partial
from pathlib import Path
from typing import Any

from ..errors import MicroError
from ..vision.classify import Classifier, Score, ranked
from .demo_board import build_and_run, check_input, check_run
from .options import board_option, overhead_option, positive_int, stream_option
from .output import emit_json, out


def _range(text: str) -> tuple[float, float]:
    try:
        low, high = (float(v) for v in text.split(","))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected LOW,HIGH (e.g. 0,1), got {text!r}") from exc
    return low, high


def _result(name: str, scores: list[Score], top: int, instructions: int | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "image": name,
        "top": [{"label": s.label, "score": round(s.score, 6), "raw": s.raw} for s in scores[:top]],
    }
    if instructions is not None:
        result["instructions"] = instructions
    return result


def _format(result: dict[str, Any]) -> str:
    best = result["top"][0]
    rest = ", ".join(f"{s['label']} {s['score']:.3f}" for s in result["top"][1:])
    cost = f" [{result['instructions']:,} instructions]" if "instructions" in result else ""
    return (
        f"{result['image']}: {best['label']} ({best['score']:.3f})"
        + (f"; then {rest}" if rest else "")
        + cost
    )


def cmd_classify(args: argparse.Namespace) -> int:
    if not Path(args.model).is_file():
        raise MicroError(f"{args.model}: no such model file")
    classifier = Classifier(args.model, args.labels, args.input_range, args.signed_pixels)
    if args.board:
        return _on_board(args, classifier)
    if args.stream_input:
        raise MicroError(
            "--stream-input streams a board's camera rows into the model: give --board"
        )
    if not args.images:
        raise MicroError("give one or more pictures (PNG, JPEG, BMP) to classify")
    results = [_result(path, classifier.classify(path), args.top, None) for path in args.images]
    _emit(args, results)
    return 0


def _emit(args: argparse.Namespace, results: list[dict[str, Any]]) -> None:
    if args.json:
        emit_json(results)
    else:
        for result in results:
            out(_format(result))


def _on_board(args: argparse.Namespace, classifier: Classifier) -> int:
    import numpy as np

    from .. import demo_firmware
    from ..boards import load_board
    from ..resources import build_root
    from ..vision import board as classify_board
    from ..vision.image import load_pixels

    target = load_board(args.board)
    images = bool(args.images)
    check_input(
        target, not images, images, "camera: give pictures to stream in",
        "it classifies its camera's frames",
    )  # fmt: skip
    frames = [
        (path, load_pixels(path, classifier.format, classifier.signed)) for path in args.images
    ]
    dest = build_root() / f"classify-{Path(args.model).stem}-{target.id}"
    model = Path(args.model).read_bytes()
    bundle = classify_board.export(
        model,
        target,
        dest,
        classifier.format,
        classifier.labels,
        stream=args.stream_input,
        max_overhead=args.max_overhead,
    )
    result = build_and_run(
        dest, target, partial(demo_firmware.describe, bundle), "the scores of each camera frame",
        args.json, lambda elf: classify_board.run(bundle, elf, frames),
    )  # fmt: skip
    if result is None:
        return 0
    check_run(target, result.status, result.log, len(result.frames) == len(frames))
    dtype = np.dtype(classifier.output_details["dtype"])
    results = [
        _result(
            path,
            ranked(
                np.frombuffer(frame.scores, dtype), classifier.output_details, classifier.labels
            ),
            args.top,
            frame.instructions,
        )
        for (path, _), frame in zip(frames, result.frames, strict=True)
    ]
    _emit(args, results)
    return 0


def add_commands(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "classify", help="an image model on pictures (PNG, JPEG, BMP): the top labels"
    )
    p.add_argument("images", nargs="*", metavar="IMAGE", help="pictures to classify")
    p.add_argument("--model", required=True, help="the image model (.tflite)")
    p.add_argument("--labels", help="the labels of the scores: a,b,c or a file of one label a line")
    p.add_argument(
        "--top", type=positive_int, default=3, help="labels to show per picture (default 3)"
    )
    p.add_argument(
        "--input-range",
        type=_range,
        metavar="LOW,HIGH",
        help="the real values of pixels 0 and 255 (default: read from the input's "
        "quantization; needed for float inputs)",
    )
    p.add_argument(
        "--signed-pixels",
        action="store_true",
        help="the file's bytes are int8 values, not pixels (TFLM's person_detection test "
        "pictures are stored so)",
    )
    board_option(p, required=False)
    stream_option(p)
    overhead_option(p)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_classify)
