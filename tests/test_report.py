"""`micro inspect` and `micro plan`: JSON that agrees with the compiled model, and the PNG."""

from __future__ import annotations

import json
import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from micro import cli
from micro.compiler import compile_model
from micro.model import load_model

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
    blob = png.read_bytes()
    assert blob[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", blob[16:24])
    assert width > 100 and height > 100
    # The image data decompresses to one filter byte plus RGB per pixel per row.
    idat = blob.index(b"IDAT")
    size = struct.unpack(">I", blob[idat - 4 : idat])[0]
    assert len(zlib.decompress(blob[idat + 4 : idat + 4 + size])) == height * (1 + 3 * width)


def test_plan_text_names_every_buffer(
    reference: Callable[[str], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["plan", str(reference(SPEECH))]) == 0
    text = capsys.readouterr().out
    assert "lower bound" in text and "Reshape_1" in text and "labels_softmax" in text
