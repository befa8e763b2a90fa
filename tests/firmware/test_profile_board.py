"""Per-op profiling on an emulated board: instruction counts are deterministic, and the
profile covers every op exactly once with totals that add up."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from micro import cli, firmware
from micro.compiler import compile_model
from micro.model import load_model
from micro.profile import build_profile


def test_instruction_counts_repeat_exactly(
    toolchain: None, reference: Callable[[str], Path]
) -> None:
    compiled = compile_model(load_model(reference("tflm/hello_world/hello_world_int8.tflite")))
    first = firmware.step_instructions(compiled, "mps2-an386")
    second = firmware.step_instructions(compiled, "mps2-an386")
    assert first == second
    assert len(first) == len(compiled.steps) and all(n > 0 for n in first)
    data = build_profile(compiled, first, "instructions", "board mps2-an386")
    graph = compiled.model.subgraphs[0]
    assert [r["index"] for r in data["ops"]] == [op.index for op in graph.operators]
    assert data["total"] == sum(first)
    assert data["ops"][-1]["cumulative_percent"] == pytest.approx(100.0)


def test_flash_json_on_an_emulated_board(
    toolchain: None,
    reference: Callable[[str], Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    model = reference("tflm/hello_world/hello_world_int8.tflite")
    args = ["flash", str(model), "--board", "mps2-an386", "--build-dir", str(tmp_path), "--json"]
    assert cli.main(args) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] and report["arena"] == 32
    assert report["flash"] <= report["flash_size"] and report["ram"] <= report["ram_size"]
    assert report["instructions"] >= sum(s["instructions"] for s in report["steps"]) > 0
    # Every instruction takes at least a cycle on the M4's table.
    assert report["estimated_cycles"] >= report["instructions"]
    assert all(s["cycles"] >= s["instructions"] for s in report["steps"])
    assert [s["op"] for s in report["steps"]] == ["FULLY_CONNECTED"] * 3
    # The stack's high-water marks (painted stack): an inference's within the run's, the
    # run's within the board's reservation; the text report prints them beside RAM.
    assert 0 < report["stack_inference"] <= report["stack_used"] <= report["stack"]
    text = cli.board.format_flash_report(report)
    assert f"stack used: {report['stack_used']:,} B of {report['stack']:,} B" in text


def test_profile_on_a_board_reports_the_stack(
    toolchain: None, reference: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    model = reference("tflm/hello_world/hello_world_int8.tflite")
    assert cli.main(["profile", str(model), "--board", "mps2-an386", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert 0 < data["stack_inference"] <= data["stack_used"] <= data["stack"] == 8192
