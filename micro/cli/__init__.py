"""The `micro` command line. Each command group lives in its own module and adds its
subcommands with `add_commands(subparsers)`; the library returns data, these modules format
it. Errors become one line on stderr and a non-zero exit status."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import MicroError
from . import board, classify, gesture, model, setup, speech


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="micro",
        description="Inspect, run and plan int8 .tflite models, bit-exact with TFLM, on the "
        "host and on Cortex-M boards.",
    )
    parser.add_argument("--version", action="version", version=f"micro {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in (model, board, speech, classify, gesture, setup):
        group.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:2] == ["speech", "evaluate"]:
        from . import speech_evaluate

        return speech_evaluate.main(argv[2:])
    if argv[:2] == ["speech", "train"]:  # its own parser: `speech` takes a positional file
        return speech.train_main(argv[2:])
    if argv[:2] == ["gesture", "train"]:
        return gesture.train_main(argv[2:])
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
