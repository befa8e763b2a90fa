"""Arguments several commands share, spelled and explained the same way everywhere."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..errors import MicroError
from ..program import U32_MAX


def model_command(
    sub: Any, name: str, help: str, func: Callable[[argparse.Namespace], int], json: bool = True
) -> argparse.ArgumentParser:
    """A subcommand taking a .tflite file (and --json unless `json` is False)."""
    p: argparse.ArgumentParser = sub.add_parser(name, help=help)
    p.add_argument("model", help=".tflite file")
    if json:
        p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=func)
    return p


def board_option(p: argparse.ArgumentParser, required: bool = True) -> None:
    p.add_argument(
        "--board",
        required=required,
        help="board id, e.g. mps2-an386 or nano33ble (a folder of boards/)",
    )


def input_option(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument(
        "--input",
        action="append",
        metavar="NPY",
        help=f"input tensor as .npy (repeat per input; default: {default})",
    )


def load_input(path: str) -> np.ndarray:
    """An --input file: one array saved with numpy.save."""
    try:
        array = np.load(path, allow_pickle=False)
    except (ValueError, EOFError):  # numpy speaks of pickles: the file is no .npy array
        raise MicroError(
            f"--input {path}: not a .npy array file; write inputs with numpy.save"
        ) from None
    if not isinstance(array, np.ndarray):  # an .npz archive
        raise MicroError(f"--input {path}: an .npz archive; give one .npy file per input")
    return array


def load_inputs(paths: Sequence[str], n_inputs: int) -> list[np.ndarray]:
    """One --input .npy file per model input, in order."""
    if len(paths) != n_inputs:
        raise MicroError(
            f"the model has {n_inputs} input{'s' * (n_inputs != 1)}, {len(paths)} --input "
            f"files given: give one .npy file per input, in the model's order"
        )
    return [load_input(p) for p in paths]


def _whole_number(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"{value} is less than {least}")
    return value


def positive_int(text: str) -> int:
    return _whole_number(text, 1)


def nonnegative_int(text: str) -> int:
    return _whole_number(text, 0)


def share(text: str) -> float:
    """A fraction from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"{value:g} is not a share from 0 to 1")
    return value


def arena_bytes(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of bytes") from None
    if not 0 <= value <= U32_MAX:
        raise argparse.ArgumentTypeError(
            f"{value} is outside 0..{U32_MAX} (the runtime addresses its arena with 32-bit offsets)"
        )
    return value


def arena_option(p: argparse.ArgumentParser, default: str) -> None:
    p.add_argument("--arena", type=arena_bytes, metavar="BYTES", help=f"arena budget ({default})")


def overhead_fraction(text: str) -> float:
    """`--max-overhead` as a fraction: "15%" or "0.15"."""
    # ArgumentTypeError: argparse shows its message (a ValueError's it replaces).
    wrong = argparse.ArgumentTypeError(f"{text!r}: give a fraction like 0.15 or 15%")
    try:
        value = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    except ValueError:
        raise wrong from None
    if not 0 <= value < 10:
        raise wrong
    return value


def overhead_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--max-overhead",
        type=overhead_fraction,
        default=0.15,
        metavar="PCT",
        help="extra instructions a patched plan (a chain of ops run in strips) may cost for "
        "a smaller arena, e.g. 15%% (the default)",
    )


def stream_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--stream-input",
        action="store_true",
        help="patch the first stage so it pulls the image input's rows on demand (a camera's "
        "rows, through the C API's row reader): no resident copy of the input",
    )
