"""Writing results: text to stdout as it comes, JSON with numpy values converted."""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np


def out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def note(text: str) -> None:
    """A side remark (files written): stderr, so stdout stays the result."""
    print(text, file=sys.stderr)


def emit_json(data: Any) -> None:
    json.dump(data, sys.stdout, indent=2, default=_json_default)
    sys.stdout.write("\n")


def _json_default(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def array(values: np.ndarray, precision: int | None = None) -> str:
    return np.array2string(values, threshold=64, precision=precision, max_line_width=100)
