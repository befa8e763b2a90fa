"""Where the reference data is (../shared/reference, not part of the project), and the one
rule for using it: skip with a clear message when it is absent, fail instead when
MICRO_REQUIRE_REFERENCE=1 (CI). Import this module, not conftest (several conftests exist)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

#: ../shared beside the repository; MICRO_SHARED_DIR points elsewhere (a git worktree's
#: parent holds no shared/).
SHARED = Path(os.environ.get("MICRO_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared")
REFERENCE = SHARED / "reference"


def reference_path(rel: str) -> Path:
    """Path of a reference file; skips (or fails under MICRO_REQUIRE_REFERENCE=1) if absent."""
    path = REFERENCE / rel
    if not path.exists():
        message = f"reference data not found: {path} (../shared/reference is absent)"
        if os.environ.get("MICRO_REQUIRE_REFERENCE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path
