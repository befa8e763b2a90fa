"""`micro speech train` end to end, on a tiny Speech Commands tree and three espeak voices:
a keyword the data set has is trained on its recordings and synthetic takes, one it lacks
on synthetic takes only, and the command says which."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from support.speech_tree import RESERVED, tone_tree

from micro.cli import main
from micro.speech import synth
from micro.speech import tuning as tuning_module
from micro.speech.network import predict_int8

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"),
]


def test_train_up_down_uses_recordings_where_the_data_set_has_the_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("tensorflow")
    data = tone_tree(tmp_path, [("up", 0.05), ("yes", 0.11), ("bed", 0.17)], 12)
    reserved = RESERVED
    voices = [
        synth.Voice("espeak", "en-us"),
        synth.Voice("espeak", "en-us+m3"),
        synth.Voice("espeak", "en-us+f3"),
    ]  # f3: a held-out voice
    monkeypatch.setattr(synth, "available_voices", lambda: voices)
    out = tmp_path / "up_down.tflite"
    code = main(["speech", "train", "--words", "up,down", "--data", str(data),
                 "--reserved", str(tmp_path / "reserved.txt"), "--epochs", "1",
                 "--cache", str(tmp_path / "cache"), "--out", str(out), "--jobs", "1",
                 "--speed-change", "0.1", "--keyword-copies", "2", "--unknown-copies", "3",
                 "--train-seed", "3", "--low-snr", "0.2", "--edge", "0.3",
                 "--average-last", "1", "--tuning-fraction", "0.3",
                 "--confuser-weight", "bed=2", "--first-kernel", "10,4",
                 "--first-stride", "2,2"])  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0
    assert "'up': recorded + synthetic" in text and "'down': synthetic only" in text
    assert "validation speakers, as the demo hears them: up " in text
    report = json.loads(out.with_suffix(".json").read_text())
    assert report["labels"] == ["silence", "unknown", "up", "down"]
    assert report["sources"]["keywords"] == {"up": "recorded + synthetic", "down": "synthetic only"}
    assert report["recorded_augmentation"] == {
        "keyword_copies": 2, "unknown_copies": 3, "speech_copies": 1, "speed_change": 0.1,
        "low_snr": {"share": 0.2, "snr_db": [-8.0, 8.0]},
        "edge": {"share": 0.3, "onset_s": [[0.0, 0.2], [0.6, 0.8]]},
    }  # fmt: skip
    assert report["average_last_epochs"] == 1
    assert (report["first_kernel"], report["first_stride"]) == ([10, 4], [2, 2])
    assert report["train_clips"]["up"] > 0 and (report["seed"], report["train_seed"]) == (1234, 3)
    used = out.with_suffix(".files.txt").read_text()
    assert "up/" in used and reserved not in used and "down/" not in used
    # "bed", an other word, weighs twice: its 3 copies (--unknown-copies) of each train clip
    beds = sum(1 for line in used.splitlines() if line.startswith("bed/"))
    assert beds > 0 and report["confuser_weights"] == {
        "weights": {"bed": 2.0}, "train_rows": {"bed": 3 * beds}
    }  # fmt: skip
    # the tuning part (3 of the 10 train-side speakers here): never trained on, and the bars
    # chosen on its stream are the card's recognizer's
    tuning = report["tuning"]
    assert tuning["speakers"] == 3 and tuning["clips"] == {"up": 3, "down": 0, "other words": 6}
    assert all(s not in used for s in ("30000007", "50000007", "80000007"))
    assert set(tuning["thresholds"]) == {"up", "down"}
    assert (tuning["rule_name"], tuning["alarm_cost"], tuning["passes"]) == ("score", 2.0, 8)
    for word, bar in tuning["thresholds"].items():
        assert report["recognizer"]["thresholds"].get(word, 0.8) == bar
        assert report["validation_speakers"]["recognizer"]["thresholds"].get(word, 0.8) == bar
    # the window and min_results chosen with them are the card's recognizer's too
    chosen = (tuning["window_s"], tuning["min_results"])
    assert chosen[0] in tuning_module.WINDOWS and chosen[1] in tuning_module.MIN_RESULTS
    for settings in (report["recognizer"], report["validation_speakers"]["recognizer"]):
        assert (settings["window_s"], settings["min_results"]) == chosen
    assert "bars chosen on the tuning stream" in text
    assert f"with a {chosen[0]:g} s window and min_results {chosen[1]}" in text
    scores = predict_int8(out.read_bytes(), np.zeros((1, 49, 40), np.int8))
    assert scores.shape == (1, 4)
