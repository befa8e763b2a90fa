"""Arenas below the tensor bound on the emulated Cortex-M4F (DSP twins, real instruction
counts): overlapped, patched and streamed-input programs give the host's bytes;
person_detect's patched plan stays under half its tensor bound, and vww's streamed plan
under its own input's size, within 15 % more instructions than unpatched."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from test_overlap_rules import RULES
from test_parity import assert_board_matches_host
from test_patches import random_chain

import micro
from micro.program import NO_OPERAND, read_steps

M4F = "mps2-an386"
PERSON_DETECT = "tflm/person_detection/person_detect.tflite"
VWW = "mlperf_tiny/vww_96_int8.tflite"
KWS = "mlperf_tiny/kws_ref_model.tflite"


@pytest.mark.slow
def test_person_detect_patched_on_m4f(
    toolchain: None, reference: Callable[[str], Path], tmp_path: Path
) -> None:
    """Against the fastest overlapped plan (every im2col scratch kept): the patching's cost
    model (patches.step_cost: MACs, outputs, window bytes, calls) keeps the measured extra
    instructions within the 15 % asked for."""
    model = reference(PERSON_DETECT).read_bytes()
    overlapped = assert_board_matches_host(model, M4F, tmp_path / "overlapped")
    patched = assert_board_matches_host(model, M4F, tmp_path / "patched", max_overhead=0.15)
    assert overlapped.run is not None and patched.run is not None
    assert patched.bundle.arena_size <= 55296 // 2 < overlapped.bundle.arena_size
    assert max(patched.run.instructions) <= 1.15 * min(overlapped.run.instructions)


@pytest.mark.slow
def test_kws_overlapped_chain_on_m4f(
    toolchain: None, reference: Callable[[str], Path], tmp_path: Path
) -> None:
    """kws's run of eight overlapping steps on 8,000 B tensors, each output 640 B (depthwise
    3x3) or 384 B (1x1 conv) below its input (test_planner.py), runs as on the host."""
    result = assert_board_matches_host(reference(KWS).read_bytes(), M4F, tmp_path)
    assert result.bundle.arena_size == 8000 + 4 * 640 + 4 * 384


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3))
def test_patched_random_chains_on_m4f(seed: int, toolchain: None, tmp_path: Path) -> None:
    """Any overhead allowed: the smallest-arena patching of each chain."""
    assert_board_matches_host(random_chain(seed), M4F, tmp_path, max_overhead=10.0)


@pytest.mark.slow
def test_vww_streamed_on_m4f(
    toolchain: None, reference: Callable[[str], Path], tmp_path: Path
) -> None:
    model = reference(VWW).read_bytes()
    overlapped = assert_board_matches_host(model, M4F, tmp_path / "overlapped")
    streamed = assert_board_matches_host(
        model, M4F, tmp_path / "streamed", max_overhead=0.15, stream=True
    )
    assert overlapped.run is not None and streamed.run is not None
    assert streamed.bundle.arena_size <= 96 * 96 * 3 < overlapped.bundle.arena_size
    assert max(streamed.run.instructions) <= 1.15 * min(overlapped.run.instructions)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 2, 3])  # chain 1 starts with no streamable layer
def test_streamed_random_chains_on_m4f(seed: int, toolchain: None, tmp_path: Path) -> None:
    assert_board_matches_host(random_chain(seed), M4F, tmp_path, max_overhead=10.0, stream=True)


@pytest.mark.slow
@pytest.mark.parametrize("kernel", sorted(RULES))
def test_overlap_rules_on_m4f(kernel: str, toolchain: None, tmp_path: Path) -> None:
    """Each rule's one-op model, planned with its output over its input, on the board."""
    builders, _ = RULES[kernel]
    declared = 0
    for k, build in enumerate(builders):
        model = build(np.random.default_rng([k, 13]))
        (step,) = read_steps(micro.Interpreter.from_bytes(model).compiled.program)
        overlapping = step.overlap_out != NO_OPERAND
        result = assert_board_matches_host(model, M4F, tmp_path / str(k))
        assert result.run is not None
        declared += overlapping
    assert declared > 0
