"""Where the benchmarks find the reference models: ../shared/reference beside the
repository, or under $MICRO_SHARED_DIR (a git worktree's parent holds no shared/), the
rule the tests follow (tests/support/reference.py)."""

from __future__ import annotations

import os
from pathlib import Path

SHARED = Path(os.environ.get("MICRO_SHARED_DIR") or Path(__file__).resolve().parents[2] / "shared")
REFERENCE = SHARED / "reference"
