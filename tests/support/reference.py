"""Where the reference data is (../shared/reference, not part of the project, or under
$MICRO_SHARED_DIR), and the one rule for anything a test needs that may be absent (the
data, an oracle package): skip with a clear message, or fail instead when
MICRO_REQUIRE_REFERENCE=1 (CI); a firmware tool likewise, failing under
MICRO_REQUIRE_FIRMWARE=1 (CI, which runs `micro setup` first). Nothing else skips for a
missing prerequisite."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

import numpy as np
import pytest

#: ../shared beside the repository; MICRO_SHARED_DIR points elsewhere (a git worktree's
#: parent holds no shared/).
SHARED = Path(os.environ.get("MICRO_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared")
REFERENCE = SHARED / "reference"


def absent(message: str) -> NoReturn:
    """Skip the test for a prerequisite that is truly absent (fail under CI's
    MICRO_REQUIRE_REFERENCE=1)."""
    if os.environ.get("MICRO_REQUIRE_REFERENCE") == "1":
        pytest.fail(message)
    pytest.skip(message, allow_module_level=True)


def firmware_absent(message: str) -> NoReturn:
    """Skip the test for a firmware tool `micro setup` installs (fail under CI's
    MICRO_REQUIRE_FIRMWARE=1)."""
    if os.environ.get("MICRO_REQUIRE_FIRMWARE") == "1":
        pytest.fail(message)
    pytest.skip(message)


def require_tools(*names: str) -> None:
    """`firmware_absent` unless every program in `names` is on the PATH."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        firmware_absent(f"{', '.join(missing)} not installed: run `micro setup`")


def reference_path(rel: str) -> Path:
    """Path of a reference file; `absent` if it is not there."""
    path = REFERENCE / rel
    if not path.exists():
        absent(f"reference data not found: {path} (../shared/reference is absent)")
    return path


def read_vectors(text: str) -> tuple[list[str], list[np.ndarray]]:
    """A TFLM signal test vector file: its first line's fields and every line after it."""
    lines = text.splitlines()
    header = lines[0].split()
    rows = [np.array([int(v) for v in line.split()], dtype=np.int64) for line in lines[1:]]
    return header, rows
