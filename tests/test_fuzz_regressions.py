"""The fuzzing campaigns' findings, replayed on every test run.

tests/fuzz/regressions/ holds what a campaign keeps in its findings folder (see
tests/fuzz/campaign.py): Programs (*.bin) run in the host extension with the Program and
arena against unmapped pages (tests/fuzz/guarded.py), so a read past either faults in the
normal build too, and under MICRO_SANITIZE=1 in the ASan+UBSan harness; models (*.tflite)
through load_model / compile_model / invoke and the CLI; wavs (*.wav) through `micro
speech`. Each must be refused with a status or a one-line MicroError, or run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from fuzz import models
from fuzz.native import REGRESSIONS
from support import sanitized
from support.models import T, one_op_model
from support.programs import params_at_end
from test_patches import random_chain

import micro
from micro._ffi import lib
from micro.program import read_header

# The statuses a Program gets before any of its contents are checked: a kept Program
# refused so tests nothing (the format changed: rebuild it, as broadcast_rank_programs does).
HEADER_REFUSALS = {int(lib.MICRO_ERR_MAGIC), int(lib.MICRO_ERR_VERSION), int(lib.MICRO_ERR_CRC)}


def guarded(paths: list[Path]) -> dict[str, int]:
    """Status of each Program in fuzz.guarded (a subprocess: a fault is a failure naming
    the Program it happened in)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.run(
        [sys.executable, "-m", "fuzz.guarded", *map(str, paths)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    statuses = {}
    for line in proc.stdout.splitlines():
        name, status = line.rsplit(" ", 1)
        statuses[name] = int(status)
    if proc.returncode != 0:
        running = paths[len(statuses)] if len(statuses) < len(paths) else "(none)"
        pytest.fail(f"exit {proc.returncode} while running {running}: {proc.stderr[-2000:]}")
    return statuses


def sanitized_status(program: bytes) -> int:
    """micro_init's (or micro_invoke's) status in the ASan+UBSan harness; a report fails."""
    arena = int(read_header(program).arena_size)
    status, _, err = sanitized.run(program, arena, [bytes(1 << 16)])
    assert "Sanitizer" not in err and "runtime error" not in err, err
    assert status == 0 or status >= 10, err
    return status - 10 if status else 0


def broadcast_rank_programs() -> dict[str, bytes]:
    """libFuzzer's heap read in CI's campaign: COMPARE and SQUARED_DIFFERENCE asked for the
    broadcast extent before checking the rank, so a rank past the layout's arrays read on
    past the params, here placed at the end of the Program (fixed in 4d67ce2)."""
    x1, x2 = T((2, 3), "int8", quant=(0.5, 0)), T((3,), "int8", quant=(0.5, 0))
    big = 2**31 - 1
    compare = one_op_model("LESS", [x1, x2], [T((2, 3), "bool")])
    squared = one_op_model("SQUARED_DIFFERENCE", [x1, x2], [T((2, 3), "int8", quant=(0.5, 0))])
    layout = micro.Interpreter.from_bytes(compare).compiled.steps[0].params["broadcast"]
    rank = {**layout, "rank": big}
    # Non-negative fields after the layout, so the old loop kept reading to the end.
    return {
        "compare_rank": params_at_end(compare, broadcast=rank),
        "squared_difference_rank": params_at_end(
            squared, broadcast=rank, shift=0, act_min=0, act_max=127
        ),
        "compare_intact": params_at_end(compare),
        # The long Program campaign: a dimension of INT32_MIN overflowed `dims[d] - 1` in the
        # extent (UBSan; the normal build wrapped and refused later).
        "compare_dim_min": params_at_end(compare, broadcast={**layout, "dims": [-(2**31), 3]}),
    }


def test_broadcast_rank_past_the_layout_is_refused_before_reading_past_the_params(
    tmp_path: Path,
) -> None:
    paths = []
    for name, program in broadcast_rank_programs().items():
        paths.append(tmp_path / f"{name}.bin")
        paths[-1].write_bytes(program)
    statuses = guarded(paths)
    params = int(lib.MICRO_ERR_PARAMS)
    assert statuses == {
        str(tmp_path / "compare_rank.bin"): params,
        str(tmp_path / "squared_difference_rank.bin"): params,
        str(tmp_path / "compare_intact.bin"): 0,  # moving the params alone changes nothing
        str(tmp_path / "compare_dim_min.bin"): params,
    }
    if sanitized.enabled():
        for path in paths:
            assert sanitized_status(path.read_bytes()) == statuses[str(path)]


def test_a_streamed_input_is_served_rows_by_every_harness(tmp_path: Path) -> None:
    """Found by the long Program campaign: a Program with a streamed input has no input
    buffer (micro_input gives NULL), and the harnesses wrote their input pattern through it.
    They now install a row reader, as an application does."""
    model = random_chain(0)  # a chain whose first stage can stream its input
    program = micro.Interpreter.from_bytes(model, max_overhead=0.5, stream=True).compiled.program
    path = tmp_path / "streamed.bin"
    path.write_bytes(program)
    assert guarded([path]) == {str(path): 0}
    if sanitized.enabled():
        assert sanitized_status(program) == 0


def test_kept_programs_are_refused_or_run_inside_their_buffers() -> None:
    kept = sorted(REGRESSIONS.glob("*.bin"))
    assert kept, f"no kept Programs in {REGRESSIONS}"
    statuses = guarded(kept)
    for path in kept:
        assert statuses[str(path)] not in HEADER_REFUSALS, (
            f"{path.name} no longer reaches the checks (status {statuses[str(path)]}): the "
            "Program format changed; rebuild it or remove it"
        )
        if sanitized.enabled():
            assert sanitized_status(path.read_bytes()) == statuses[str(path)]


def test_kept_models_and_wavs_are_one_line_errors_or_run() -> None:
    kept = sorted(REGRESSIONS.glob("*.tflite")) + sorted(REGRESSIONS.glob("*.wav"))
    assert {p.suffix for p in kept} == {".tflite", ".wav"}, kept
    for path in kept:
        if path.suffix == ".tflite":
            with models.hang_guard():  # anything but a MicroError propagates: a failure
                models.try_model(path.read_bytes(), np.random.default_rng(0))
            commands = [["inspect", str(path)], ["run", str(path)]]
        else:
            commands = [["speech", str(path)]]
        for argv in commands:
            with models.hang_guard():
                assert models.cli_outcome(argv) in ("ok", "error"), (path.name, argv)
