"""Per-op profiling on the host: every op exactly once, totals add up, JSON is complete."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_op_control_flow import if_model

from micro import cli
from micro.compiler import compile_model
from micro.model import load_model
from micro.profile import build_profile, format_profile, host_step_times, op_label, ran_as

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


def test_ran_as_names_another_operators_kernel() -> None:
    assert ran_as("DEPTHWISE_CONV_2D", ["conv_s8"]) == "CONV_2D"
    assert ran_as("SUB", ["add_s8"]) == "ADD"
    assert ran_as("MEAN", ["average_pool_s8"]) == "AVERAGE_POOL_2D"
    # Its own kernels, helpers of no operator, and operators micro does not run: none.
    assert ran_as("DEPTHWISE_CONV_2D", ["depthwise_conv_s8"]) is None
    assert ran_as("CONV_2D", ["conv_s8", "strided_copy"]) is None
    assert ran_as("AVERAGE_POOL_2D", ["average_pool_s8"]) is None
    assert ran_as("UNIDIRECTIONAL_SEQUENCE_LSTM", ["lstm_s8"]) is None
    assert op_label("DEPTHWISE_CONV_2D", ["conv_s8"]) == "DEPTHWISE_CONV_2D (as CONV_2D)"
    assert op_label("CONV_2D", ["conv_s8"]) == "CONV_2D"


@pytest.mark.parametrize("dsp", [False, True])
def test_person_detect_first_depthwise_shows_it_ran_as_conv(
    dsp: bool, reference: Callable[[str], Path]
) -> None:
    """person_detect's layer 0, a DEPTHWISE_CONV_2D of one input channel, is compiled to a
    CONV_2D step (conv_s8); the table and the summary say so, the rest stay as they are."""
    compiled = compile_model(load_model(reference(MODELS[2])), dsp=dsp)
    data = build_profile(compiled, [1.0] * len(compiled.steps), "instructions", "test")
    first = data["ops"][0]
    assert first["op"] == "DEPTHWISE_CONV_2D" and first["kernels"] == ["conv_s8"]
    assert first["ran_as"] == "CONV_2D"
    assert all(r["ran_as"] is None for r in data["ops"][1:])
    by_type = {s["op"]: s["count"] for s in data["by_type"]}
    assert by_type["DEPTHWISE_CONV_2D (as CONV_2D)"] == 1
    depthwise = [op for op in compiled.graph.operators if op.name == "DEPTHWISE_CONV_2D"]
    assert by_type["DEPTHWISE_CONV_2D"] == len(depthwise) - 1
    table = format_profile(data).splitlines()
    assert table[3].split()[:5] == ["0", "DEPTHWISE_CONV_2D", "(as", "CONV_2D)", "1x48x48x8"]


def test_bench_firmware_per_op_shows_what_ran() -> None:
    """benchmarks/bench_firmware.py's per-op figures count a step under what it ran."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    try:
        from bench_firmware import per_op
    finally:
        sys.path.pop(0)
    steps = [
        SimpleNamespace(op_name="DEPTHWISE_CONV_2D", kernel="conv_s8", macs=10),
        SimpleNamespace(op_name="DEPTHWISE_CONV_2D", kernel="depthwise_conv_s8", macs=4),
        SimpleNamespace(op_name="DEPTHWISE_CONV_2D", kernel="depthwise_conv_s8", macs=5),
        SimpleNamespace(op_name="CONV_2D", kernel="conv_s8", macs=7),
    ]
    figures = per_op(steps, [100, 20, 30, 60], [150, 40, 45, 90])
    assert figures == {
        "DEPTHWISE_CONV_2D (as CONV_2D)": [100, 150, 10],
        "CONV_2D": [60, 90, 7],
        "DEPTHWISE_CONV_2D": [50, 85, 9],
    }
    assert list(figures) == ["DEPTHWISE_CONV_2D (as CONV_2D)", "CONV_2D", "DEPTHWISE_CONV_2D"]
