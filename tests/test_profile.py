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


def test_subgraph_steps_get_their_own_rows_under_the_control_operator() -> None:
    """The IF's row holds its own branch and copy steps; each branch's operator has its own
    row after it; the summary puts the else branch's DIV under DIV (step costs: 1 each)."""
    compiled = compile_model(load_model(if_model("int32", (4,), else_op="DIV")))
    steps = compiled.steps
    data = build_profile(compiled, [1.0] * len(steps), "us", "host")
    rows = {r["label"]: r for r in data["ops"]}
    assert [(r["label"], r["op"]) for r in data["ops"]] == [
        ("0", "GREATER"), ("1", "IF"), ("1:0", "ADD"), ("2:0", "DIV"), ("2", "ADD"),
    ]  # fmt: skip
    own = [s for s in steps if s.op_name == "IF" and s.inner is None]
    assert rows["1"]["cost"] == len(own) and {s.kernel for s in own} == {"branch", "strided_copy"}
    assert rows["1:0"]["kernels"] == ["binary_s32"] and rows["2:0"]["kernels"] == ["binary_s32"]
    assert sum(r["cost"] for r in data["ops"]) == data["total"] == len(steps)
    by_type = {s["op"]: (s["count"], s["total"]) for s in data["by_type"]}
    assert by_type == {"GREATER": (1, 1), "IF": (1, len(own)), "ADD": (2, 2), "DIV": (1, 1)}


def test_profile_cli_shows_subgraph_rows_indented(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "if.tflite"
    path.write_bytes(if_model("int8", (4,)))
    assert cli.main(["profile", str(path), "--runs", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    table = lines[lines.index("per op (host, mean of 2 runs):") + 3 :][:5]
    assert [line.split()[:2] for line in table] == [
        ["0", "GREATER"], ["1", "IF"], ["1:0", "ADD"], ["2:0", "MUL"], ["2", "ADD"],
    ]  # fmt: skip
    assert table[2].startswith("  1:0    ADD") and table[4].startswith("2      ADD")
    assert any(line.startswith("(an indented row S:N") for line in lines)
