"""Build and run the C runtime under AddressSanitizer + UBSan (tests/native/run_program.c).

`run(program, arena_size, inputs)` runs a program blob in the sanitized harness and returns
the output bytes, or raises with the sanitizer's report. The harness is built once per test
session into a temporary directory.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FLAGS = [
    "-std=c99",
    "-O1",
    "-g",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-ffp-contract=off",
    "-fsanitize=address,undefined",
    "-fno-sanitize-recover=all",
    "-fno-omit-frame-pointer",
]


@functools.cache
def harness() -> Path:
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        raise RuntimeError("no C compiler found to build the sanitized harness")
    out = Path(tempfile.mkdtemp(prefix="micro-asan-")) / "run_program"
    sources = sorted(str(p) for p in (ROOT / "csrc").rglob("*.c"))
    cmd = [
        cc,
        *FLAGS,
        f"-I{ROOT / 'csrc' / 'include'}",
        *sources,
        str(ROOT / "tests" / "native" / "run_program.c"),
        "-o",
        str(out),
    ]
    subprocess.run(cmd, check=True, capture_output=True, text=True)
    return out


def enabled() -> bool:
    return os.environ.get("MICRO_SANITIZE") == "1"


def run(
    program: bytes, arena_size: int, inputs: list[bytes], invokes: int = 1, resets: str = ""
) -> tuple[int, bytes, str]:
    """(exit status, output bytes, stderr) of the sanitized harness. With `invokes` > 1,
    `inputs` holds that many sets one after the other and the outputs follow likewise;
    `resets`: comma-separated invoke indices the runtime is reset before."""
    with tempfile.TemporaryDirectory(prefix="micro-asan-run-") as tmp:
        d = Path(tmp)
        (d / "program.bin").write_bytes(program)
        (d / "inputs.bin").write_bytes(b"".join(inputs))
        env = dict(
            os.environ,
            ASAN_OPTIONS="detect_leaks=0:abort_on_error=0",
            UBSAN_OPTIONS="print_stacktrace=1",
        )
        proc = subprocess.run(
            [
                str(harness()),
                str(d / "program.bin"),
                str(arena_size),
                str(d / "inputs.bin"),
                str(d / "outputs.bin"),
                str(invokes),
                resets,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        out = (d / "outputs.bin").read_bytes() if (d / "outputs.bin").exists() else b""
        return proc.returncode, out, proc.stderr
