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
