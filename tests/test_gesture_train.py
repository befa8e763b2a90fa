"""`micro gesture train` retrains for other shapes, end to end, at a toy size (a few
writers, two epochs): the int8 model, its card and demo trace, usable by `micro gesture`.
The bundled model's accuracy is tests/test_gesture.py's job."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from micro import cli
from micro.gesture import pipeline, train


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None, reason="needs micro[train]")
def test_train_other_shapes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in (("TRAIN_WRITERS", 6), ("VAL_WRITERS", 2), ("HELD_OUT_WRITERS", 2)):
        monkeypatch.setattr(train, name, value)
    out = tmp_path / "vz.tflite"
    assert (
        cli.main(["gesture", "train", "--gestures", "v,z", "--out", str(out), "--epochs", "2"]) == 0
    )
    card = json.loads(out.with_suffix(".json").read_text())
    assert card["labels"] == ["v", "z", "negative"]
    assert card["size_bytes"] == out.stat().st_size <= 20 * 1024
    assert card["held_out"]["windows"] == 2 * train.PER_WRITER * (2 + 3)
    others = card["negative_class"].split("(")[1].split(")")[0].split(", ")
    assert "v" not in others and "z" not in others and "zigzag" in others
    assert [d["shape"] for d in card["demo_trace"]["drawn"]] == ["v", "z", "s"]
    demo = out.with_name("vz_demo.csv")
    assert len(pipeline.read_trace(demo)) > pipeline.WINDOW
    capsys.readouterr()
    assert cli.main(["gesture", str(demo), "--model", str(out)]) == 0
    assert "vz_demo.csv: " in capsys.readouterr().out


def test_unknown_shape_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    if importlib.util.find_spec("tensorflow") is None:
        pytest.skip("needs micro[train]")
    assert cli.main(["gesture", "train", "--gestures", "wing,heart"]) == 1
    assert "unknown gesture(s) heart" in capsys.readouterr().err
