"""The project's own checks, wired into the test run so they cannot rot: ruff (lint and
format), mypy, and the C sources under strict warnings."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import oracle
from support.reference import absent

ROOT = Path(__file__).resolve().parents[1]
C_FLAGS = ["-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-Wshadow", "-O2"]


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[test]')")
    return path


def test_ruff_lint() -> None:
    # The whole repository, as `ruff check .` sees it: boards' image scripts and the
    # firmware platform's SCons builder included.
    _run([_tool("ruff"), "check", "."])


def test_ruff_format() -> None:
    _run([_tool("ruff"), "format", "--check", "."])


def test_mypy() -> None:
    _tool("mypy")
    _run([sys.executable, "-m", "mypy", "micro"])


@pytest.mark.parametrize(
    "source", sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "csrc").rglob("*.c"))
)
def test_c_compiles_cleanly(source: str, tmp_path: Path) -> None:
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler")
    _run([cc, *C_FLAGS, "-Icsrc/include", "-c", source, "-o", str(tmp_path / "x.o")])


def test_oracles_are_the_pinned_versions() -> None:
    """The byte-exact tests mean what they say only against the pinned oracle builds."""
    pins, have = oracle.pinned(), oracle.installed()
    assert set(pins) == set(oracle.ORACLES), f"pyproject.toml pins {pins}"
    for name, version in have.items():
        if version is None:
            absent(f"the oracle {name} is not installed (pip install -e '.[test]')")
        assert version == pins[name], f"{name} {version} is installed; the tests pin {pins[name]}"
