"""FULLY_CONNECTED's DSP twin on word-aligned operands that are not 8-aligned.

The kernel API asks for word alignment only (fc_plan runs the reference otherwise), while a
Program puts every const array and arena offset on 8 bytes (MICRO_DATA_ALIGN,
MICRO_ARENA_ALIGN): a direct caller may hand the twin a filter or scratch 4 bytes past an
8-byte boundary. The twin's C loops read two words at a time through memcpy (fc_read8), not
a uint64_t pointer; tests/native/fc_offset.c runs the twin and the reference on such
operands in an AddressSanitizer + UBSan build (-fsanitize=alignment among them), and the
bytes must agree."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support import sanitized
from test_dsp_kernels import fully_connected_case

from micro._ffi import ffi, lib

ROOT = Path(__file__).resolve().parents[1]
PARAMS = [
    "batches",
    "input_depth",
    "output_depth",
    "filter_zp",
    "output_zp",
    "act_min",
    "act_max",
    "per_channel",
    "filter_layout",
]


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler")
    exe = tmp_path_factory.mktemp("fc_offset") / "fc_offset"
    kernels = ROOT / "csrc" / "kernels"
    sources = [*sorted(kernels.glob("fully_connected_s8*.c")), kernels / "host_scratch.c"]
    cmd = [
        cc,
        *sanitized.FLAGS,
        f"-I{ROOT / 'csrc' / 'include'}",
        *map(str, sources),
        str(ROOT / "tests" / "native" / "fc_offset.c"),
        "-o",
        str(exe),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return exe


def run_offset(exe: Path, params: Any, ops: list[np.ndarray]) -> tuple[bytes, bytes]:
    """(the twin's output, the reference's) with every operand 4 bytes past 8-alignment."""
    blobs = [np.ascontiguousarray(a).tobytes() for a in ops]
    head = [getattr(params, name) for name in PARAMS] + [len(b) for b in blobs]
    data = np.array(head, "<i4").tobytes() + b"".join(blobs)
    proc = subprocess.run([str(exe)], input=data, capture_output=True)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    out = proc.stdout
    n = len(blobs[-1])
    assert len(out) == 2 * n
    return out[:n], out[n:]


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("layout", [1, 2, 3])
def test_fc_dsp_on_operands_off_8_byte_alignment(harness: Path, seed: int, layout: int) -> None:
    """Random cases (every FC path: the widened scratch, the int8 row, K = 8, the rows after
    the blocks, per-channel and clamped requantizations) on each blocked layout."""
    fast = seed % 2 == 0
    params, ops = fully_connected_case(100 * layout + seed, layout, fast=fast)
    if layout == 3:
        # layout 3 is written only for fast per-tensor layers with a pair after the blocks
        params, ops = fully_connected_case(seed, layout, fast=True, units=4 * (seed % 5) + 2)
    twin, reference = run_offset(harness, params, ops)
    assert twin == reference


def test_the_harness_sees_the_offset_operands(harness: Path) -> None:
    """The case the fix is for: the scratch given (the widened loop, 8 bytes a load) and
    int16 groups (layout 2), so the C loop reads both through fc_read8; the twin must take
    its blocks, not the reference (fc_plan would refer a misaligned word to it)."""
    params, ops = fully_connected_case(5, 2, fast=True, units=12, groups=9)
    assert ops[int(lib.MICRO_FULLY_CONNECTED_S8_SCRATCH)].size > 0
    mults, shifts = (ffi.from_buffer(a) for a in ops[3:5])
    path = lib.micro_fully_connected_s8_dsp_path(
        params,
        ffi.cast("int8_t *", 4),
        ffi.cast("int32_t *", mults),
        ffi.cast("int32_t *", shifts),
        ffi.cast("int16_t *", 4),
    )
    assert path & lib.MICRO_PATH_FC_WIDENED and path & lib.MICRO_PATH_FC_INT16
    twin, reference = run_offset(harness, params, ops)
    assert twin == reference
