"""Per-op profiling on the host: every op exactly once, totals add up, JSON is complete."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from test_op_control_flow import if_model

from micro import cli
from micro.compiler import compile_model
from micro.model import load_model
from micro.profile import build_profile, format_profile, host_step_times

MODELS = [
    "tflm/hello_world/hello_world_int8.tflite",
    "tflm/micro_speech/micro_speech_quantized.tflite",
    "tflm/person_detection/person_detect.tflite",
]


@pytest.mark.parametrize("rel", MODELS, ids=lambda r: Path(r).stem)
def test_every_op_once_and_totals_add_up(rel: str, reference: Callable[[str], Path]) -> None:
    compiled = compile_model(load_model(reference(rel)))
    times = host_step_times(compiled, runs=3)
    assert len(times) == len(compiled.steps) and all(t > 0 for t in times)
    data = build_profile(compiled, times, "us", "host")
    graph = compiled.model.subgraphs[0]
    assert [r["index"] for r in data["ops"]] == [op.index for op in graph.operators]
    assert data["total"] == pytest.approx(sum(times))
    assert sum(r["cost"] for r in data["ops"]) == pytest.approx(data["total"])
    assert sum(r["percent"] for r in data["ops"]) == pytest.approx(100.0)
    assert data["ops"][-1]["cumulative_percent"] == pytest.approx(100.0)
    assert sum(s["count"] for s in data["by_type"]) == len(graph.operators)
    assert sum(r["macs"] for r in data["ops"]) == sum(s.macs for s in compiled.steps)
    text = format_profile(data)
    for op in graph.operators:
        assert op.name in text


def test_profile_cli_json(
    reference: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = reference(MODELS[0])
    assert cli.main(["profile", str(path), "--runs", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["unit"] == "us" and len(data["ops"]) == 3


def test_subgraph_steps_count_under_their_own_types() -> None:
    """A row of main's IF holds its branches' steps; the summary puts the else branch's DIV
    under DIV and leaves IF its branch steps (step costs: 1 each)."""
    compiled = compile_model(load_model(if_model("int32", (4,), else_op="DIV")))
    names = [s.inner.name if s.inner else s.op_name for s in compiled.steps]
    data = build_profile(compiled, [1.0] * len(compiled.steps), "us", "host")
    if_row = next(r for r in data["ops"] if r["op"] == "IF")
    assert if_row["cost"] == sum(1.0 for s in compiled.steps if s.op_name == "IF")
    by_type = {s["op"]: (s["count"], s["total"]) for s in data["by_type"]}
    assert by_type["DIV"] == (1, names.count("DIV")) and names.count("DIV") >= 1
    assert by_type["ADD"] == (2, names.count("ADD"))  # main's ADD and the then branch's
    assert by_type["IF"] == (1, names.count("IF")) and names.count("IF") >= 1
    assert sum(t for _, t in by_type.values()) == data["total"] == len(compiled.steps)
