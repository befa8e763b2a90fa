"""The `micro` command line. Each command group lives in its own module and adds its
subcommands with `add_commands(subparsers)`; the library returns data, these modules format
it. Errors become one line on stderr and a non-zero exit status."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .. import __version__
from ..errors import ArenaTooSmallError, MicroError
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
    except ArenaTooSmallError as exc:  # its own message speaks of the Python API's arena_size
        print(
            f"error: arena too small: the model needs {exc.needed:,} B, --arena gave "
            f"{exc.given:,} B; pass --arena {exc.needed} or more, or leave --arena out",
            file=sys.stderr,
        )
        return 1
    except MicroError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"error: {file_error(exc)}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def file_error(exc: OSError) -> str:
    """A file the user named that cannot be read or written, said plainly."""
    if exc.filename is None:
        return str(exc)
    name = exc.filename
    if isinstance(exc, FileNotFoundError):
        return f"{name}: no such file or folder (check the path)"
    if isinstance(exc, IsADirectoryError):
        return f"{name}: is a folder; give a file name"
    if isinstance(exc, PermissionError):
        return f"{name}: permission denied"
    return f"{name}: {exc.strerror or exc}"


if __name__ == "__main__":
    sys.exit(main())
