"""Shared fixtures. Reference models live in ../shared/reference (not part of the project):
tests that need them skip with a clear message when it is absent, and fail instead when
MICRO_REQUIRE_REFERENCE=1 (CI)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from reference import reference_path


@pytest.fixture
def reference() -> Callable[[str], Path]:
    return reference_path


def pytest_report_header() -> list[str]:
    """The oracles' versions (pinned in pyproject.toml's test extra), on every report."""
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for name in ("tflite-micro", "ai-edge-litert"):
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} not installed")
    return ["oracles: " + ", ".join(found)]
