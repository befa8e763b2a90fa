"""Shared fixtures. Reference models live in ../shared/reference (not part of the project):
tests that need them skip with a clear message when it is absent, and fail instead when
MICRO_REQUIRE_REFERENCE=1 (CI)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"


def reference_path(rel: str) -> Path:
    """Path of a reference file; skips (or fails under MICRO_REQUIRE_REFERENCE=1) if absent."""
    path = REFERENCE / rel
    if not path.exists():
        message = f"reference data not found: {path} (../shared/reference is absent)"
        if os.environ.get("MICRO_REQUIRE_REFERENCE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def reference() -> Callable[[str], Path]:
    return reference_path
