"""The benchmarks find the reference models where the tests do: under $MICRO_SHARED_DIR
when it is set, else ../shared beside the repository (benchmarks/_shared.py), and no
benchmark names the place itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"


def reference_dir(shared: str | None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "MICRO_SHARED_DIR"}
    if shared is not None:
        env["MICRO_SHARED_DIR"] = shared
    code = "import _shared; print(_shared.REFERENCE)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BENCHMARKS, env=env, capture_output=True, text=True,
        check=True,
    ).stdout.strip()  # fmt: skip


def test_benchmarks_honour_micro_shared_dir(tmp_path: Path) -> None:
    assert reference_dir(str(tmp_path)) == str(tmp_path / "reference")
    assert reference_dir(None) == str(ROOT.parent / "shared" / "reference")


def test_no_benchmark_hard_codes_the_shared_folder() -> None:
    for script in BENCHMARKS.glob("*.py"):
        if script.name != "_shared.py":
            text = script.read_text()
            assert '"shared"' not in text and "../shared/reference" not in text, script.name
            if "REFERENCE" in text:
                assert "from _shared import REFERENCE" in text, script.name
