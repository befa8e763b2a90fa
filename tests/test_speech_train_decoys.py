"""`micro speech train --decoys` end to end, on a tiny Speech Commands tree and three espeak
voices: a decoy is a class of its own trained from its recordings only (its synthetic takes
among the unknown words left out), the reserved speakers' clips of it are never used, and
nothing that reports commands (tuning, the card's evaluation) ever reports it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from support.speech_tree import RESERVED, tone_tree

from micro.cli import main
from micro.speech import synth
from micro.speech.network import predict_int8

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"),
]


def test_train_with_a_decoy_learns_it_and_never_reports_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("tensorflow")
    data = tone_tree(tmp_path, [("up", 0.05), ("bed", 0.08), ("yes", 0.11), ("cat", 0.17)], 12)
    reserved = RESERVED
    voices = [
        synth.Voice("espeak", "en-us"),
        synth.Voice("espeak", "en-us+m3"),
        synth.Voice("espeak", "en-us+f3"),
    ]  # f3: a held-out voice
    monkeypatch.setattr(synth, "available_voices", lambda: voices)
    out = tmp_path / "up_down.tflite"
    code = main(["speech", "train", "--words", "up,down", "--decoys", "bed", "--data", str(data),
                 "--reserved", str(tmp_path / "reserved.txt"), "--epochs", "1",
                 "--cache", str(tmp_path / "cache"), "--out", str(out), "--jobs", "1",
                 "--keyword-copies", "2", "--unknown-copies", "1", "--train-seed", "3",
                 "--tuning-fraction", "0.3"])  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0
    assert "'bed' (decoy, never reported): recorded only" in text
    report = json.loads(out.with_suffix(".json").read_text())
    assert report["labels"] == ["silence", "unknown", "up", "down", "bed"]
    assert report["decoys"] == ["bed"]
    assert report["sources"]["keywords"] == {"up": "recorded + synthetic", "down": "synthetic only"}
    assert report["sources"]["decoys"] == {"bed": "recorded only"}
    # its class: the other words' copies of each of its recorded train clips, nothing synthetic
    used = out.with_suffix(".files.txt").read_text()
    beds = sum(1 for line in used.splitlines() if line.startswith("bed/"))
    assert beds > 0 and report["train_clips"]["bed"] == 1 * beds
    gone = report["decoy_synthetic_unknown_dropped"]
    assert gone["words"] == ["bed"] and gone["train_clips"] >= 0  # as its voices drew them
    # the reserved speaker's clips are never used, a decoy's no more than any other
    assert reserved not in used
    # no bar for it, nothing reported as it: tuning, the validation table, the alarms
    tuning = report["tuning"]
    assert set(tuning["thresholds"]) == {"up", "down"}
    assert set(tuning["at_chosen"]) == {"up", "down"}
    assert tuning["clips"] == {"up": 3, "down": 0, "other words": 9}  # bed among the others
    assert "bed" not in report["recognizer"]["thresholds"]
    val = report["validation_speakers"]
    assert set(val["demo"]) <= {"up", "down", "other words", "silence"}
    for row in val["false_alarms"]["by_source"].values():
        assert "bed" not in row.get("words", {})
    # its clips are classified as it (the card's clip table lists every label)
    assert "bed" in val["clips"]["per_class"]
    scores = predict_int8(out.read_bytes(), np.zeros((1, 49, 40), np.int8))
    assert scores.shape == (1, 5)
    # a decoy the data holds no recording of: a clear error, no model
    again = tmp_path / "again.tflite"
    with pytest.raises(SystemExit, match="--decoys dog: no recorded clip of it"):
        main(["speech", "train", "--words", "up,down", "--decoys", "bed,dog", "--data",
              str(data), "--reserved", str(tmp_path / "reserved.txt"), "--epochs", "1",
              "--cache", str(tmp_path / "cache"), "--out", str(again), "--jobs", "1",
              "--keyword-copies", "2", "--unknown-copies", "1"])  # fmt: skip
    assert not again.exists()
