"""Shared fixtures and the report header. The helpers live in tests/support (see its
__init__); reference models in ../shared/reference (not part of the project): tests that
need one skip with a clear message when it is absent, and fail instead when
MICRO_REQUIRE_REFERENCE=1 (CI)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support import oracle
from support.reference import reference_path


def pytest_report_header(config: pytest.Config) -> str:
    return oracle.report_header()


@pytest.fixture
def reference() -> Callable[[str], Path]:
    return reference_path
