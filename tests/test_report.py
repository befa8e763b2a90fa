"""`micro inspect` and `micro plan`: JSON that agrees with the compiled model, and the PNG."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import ImageColor

from micro import cli
from micro.compiler import compile_model
from micro.model import load_model
from micro.plot import KIND_COLORS

SPEECH = "tflm/micro_speech/micro_speech_quantized.tflite"


def _json(args: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert cli.main(args) == 0
    return json.loads(capsys.readouterr().out)


def test_inspect_json(reference: Callable[[str], Path], capsys: pytest.CaptureFixture[str]) -> None:
    path = reference(SPEECH)
    info = _json(["inspect", str(path), "--json"], capsys)
    graph = load_model(path).subgraphs[0]
    assert [o["op"] for o in info["operators"]] == [op.name for op in graph.operators]
    weights = sum(t.nbytes for t in graph.tensors if t.data is not None)
    assert info["weight_bytes"] == weights
    assert info["arena"]["needed"] == compile_model(load_model(path)).arena_bytes_needed
    assert info["arena"]["lower_bound"] <= info["arena"]["needed"]
    # MACs from the shapes alone: a 10x8 window on 1 channel for each of 25x20x8 outputs, and
    # a 4000 -> 4 fully connected layer.
    assert (
        info["total_macs"] == 25 * 20 * 8 * 10 * 8 + 4000 * 4 + info["op_types"]["SOFTMAX"]["macs"]
    )


def test_plan_json_and_png(
    reference: Callable[[str], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "plan.png"
    data = _json(["plan", str(reference(SPEECH)), "--json", "--png", str(png)], capsys)
    for a in data["buffers"]:
        assert a["offset"] + a["size"] <= data["arena_size"]
    assert max(data["live_bytes"]) == data["lower_bound"]
    assert data["live_bytes"][data["peak_step"]] == data["lower_bound"]
    from PIL import Image

    with Image.open(png) as image:
        assert image.format == "PNG" and image.width > 600 and image.height > 400
        colors = {c for _, c in image.convert("RGB").getcolors(1 << 20) or []}
    # Every kind of buffer the plan holds is drawn in its legend colour.
    for kind in {b["kind"] for b in data["buffers"]}:
        assert ImageColor.getrgb(KIND_COLORS[kind]) in colors, kind


@pytest.mark.parametrize("suffix, magic", [(".svg", b"<?xml"), (".pdf", b"%PDF")])
def test_plan_picture_format_follows_the_suffix(
    reference: Callable[[str], Path], tmp_path: Path, suffix: str, magic: bytes
) -> None:
    path = tmp_path / f"plan{suffix}"
    assert cli.main(["plan", str(reference(SPEECH)), "--png", str(path)]) == 0
    assert path.read_bytes().startswith(magic)


def test_plan_picture_without_matplotlib_is_one_line(
    reference: Callable[[str], Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    assert cli.main(["plan", str(reference(SPEECH)), "--png", str(tmp_path / "p.png")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "error: drawing the plan needs the matplotlib package: pip install 'micro[plot]'"
    ]


def test_plan_text_names_every_buffer(
    reference: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["plan", str(reference(SPEECH))]) == 0
    text = capsys.readouterr().out
    assert "lower bound" in text and "Reshape_1" in text and "labels_softmax" in text


def test_plan_shows_the_fastest_plan_and_arena_picks_it_when_it_fits(
    reference: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """micro_speech's smallest plan drops its conv's im2col scratch (2 rows of 10x8 taps as
    int16: 320 B); the fastest keeps it, and --arena picks it exactly when it fits."""
    path = str(reference(SPEECH))
    plans = {p["plan"]: p for p in _json(["plan", path, "--json"], capsys)["plans"]}
    fastest = plans["overlapped, fastest"]["arena"]
    assert fastest == plans["overlapped"]["arena"] + 2 * 10 * 8 * 2
    for arena, scratch in ((fastest, 1), (fastest - 1, 0)):
        data = _json(["plan", path, "--json", "--arena", str(arena)], capsys)
        assert sum(b["kind"] == "scratch" for b in data["buffers"]) == scratch
        assert data["arena_size"] == (fastest if scratch else plans["overlapped"]["arena"])
    # `micro run` with no --arena runs the fastest plan, as Interpreter does.
    assert cli.main(["run", path]) == 0
    assert f"used of {fastest:,} B" in capsys.readouterr().out


# -- models with subgraphs: every subgraph's operators, tensors, MACs and weights ----------


def test_inspect_lists_every_subgraph_under_the_operator_that_runs_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A WHILE whose body holds an IF: each subgraph's operators follow the operator that
    runs them, and the totals count every subgraph (read from the model, not the report)."""
    from test_op_control_flow import while_model

    path = tmp_path / "loop.tflite"
    path.write_bytes(while_model(nested=True))
    model = load_model(path)
    info = _json(["inspect", str(path), "--json"], capsys)
    listed = [(o["subgraph"], o["index"], o["op"]) for o in info["operators"]]
    every = [(g.index, op.index, op.name) for g in model.subgraphs for op in g.operators]
    assert sorted(listed) == sorted(every)
    # main: CAST, WHILE, ADD; the WHILE's cond (1) and body (4) after it; the IF of the body
    # (operator 2 of subgraph 4) before its branches, subgraphs 2 and 3.
    assert [o["label"] for o in info["operators"]] == [
        "0", "1", "1:0", "4:0", "4:1", "4:2", "2:0", "3:0", "4:3", "2",
    ]  # fmt: skip
    assert [o["depth"] for o in info["operators"]] == [0, 0, 1, 1, 1, 1, 2, 2, 1, 0]
    assert len(info["tensors"]) == sum(len(g.tensors) for g in model.subgraphs)
    weights = sum(t.nbytes for g in model.subgraphs for t in g.tensors if t.data is not None)
    assert info["weight_bytes"] == weights
    compiled = compile_model(model)
    assert info["total_macs"] == sum(s.macs for s in compiled.steps)
    # The control operators' own rows hold only their branches and copies.
    for o in info["operators"]:
        if o["op"] in ("WHILE", "IF"):
            assert set(o["kernels"]) == {"branch", "strided_copy"}, o
    assert info["subgraphs"][4]["run_by"] == ["1"] and info["subgraphs"][2]["run_by"] == ["4:2"]

    assert cli.main(["inspect", str(path)]) == 0
    text = capsys.readouterr().out.splitlines()
    ops = text[text.index("operators (10):") + 3 :][:10]
    assert [line.split()[:2] for line in ops] == [
        ["0", "CAST"], ["1", "WHILE"], ["1:0", "LESS"], ["4:0", "ADD"], ["4:1", "LESS"],
        ["4:2", "IF"], ["2:0", "ADD"], ["3:0", "SUB"], ["4:3", "ADD"], ["2", "ADD"],
    ]  # fmt: skip
    assert ops[6].startswith("    2:0      ADD")  # indented two levels, under the IF
    assert "  subgraph 3 'sub': 1 operator, 3 tensors, run by operator 4:2" in text
    assert any(line.startswith("4:9 ") and " k " in line for line in text)  # body's tensor 9


def test_inspect_says_a_folded_init_subgraph_runs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from test_op_resource import ring_buffer_model

    path = tmp_path / "ring.tflite"
    path.write_bytes(ring_buffer_model())
    info = _json(["inspect", str(path), "--json"], capsys)
    once = next(o for o in info["operators"] if o["op"] == "CALL_ONCE")
    inner = [o for o in info["operators"] if o["depth"] > 0]
    assert once["kernels"] == [] and once["folded"]
    assert inner and all(o["folded"] and not o["kernels"] for o in inner)
    assert cli.main(["inspect", str(path)]) == 0
    assert "(folded)" in capsys.readouterr().out
