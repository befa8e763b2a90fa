"""Decoys (`micro speech train --decoys`): labels a keyword model learns as classes of their own
and the recognizer never reports -- on the host (the recognizer, `micro speech`, the tuning,
the evaluation tables), in the speech firmware's tables, in the card, and in training's
checks. The bundled yes/no model with "no" named a decoy by a card stands in for a trained
model: its "no" clip must then never be reported."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from support.score_traces import STEP, plateau_trace, segment

from micro.boards import load_board
from micro.cli import main
from micro.errors import MicroError
from micro.speech import board as speech_board
from micro.speech import evaluate, realdata, tuning
from micro.speech.bundled import data_file, model_decoys
from micro.speech.pipeline import heard_nothing, shown
from micro.speech.recognizer import Recognizer, commands, ignored
from micro.speech.wav import read_wav, write_wav

LABELS = ("silence", "unknown", "yes", "no", "go", "left")
DECOYS = ("go", "left")


def _bundled() -> tuple[bytes, np.ndarray, np.ndarray]:
    model, yes, no = (data_file(n) for n in ("yes_no.tflite", "demo_yes.wav", "demo_no.wav"))
    if model is None or yes is None or no is None:
        pytest.skip("the bundled model or demo clips are missing")
    return model.read_bytes(), read_wav(yes), read_wav(no)


def _with_card(tmp_path: Path, decoys: str) -> Path:
    """The bundled model under a card that names ``decoys`` (a JSON list)."""
    model, _, _ = _bundled()
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    path.with_suffix(".json").write_text(
        '{"labels": ["silence", "unknown", "yes", "no"], "decoys": ' + decoys + "}"
    )
    return path


# --------------------------------------------------------------------------- the recognizer


def test_the_keywords_are_the_labels_after_unknown_but_the_decoys() -> None:
    assert commands(LABELS, DECOYS) == ["yes", "no"]
    assert commands(LABELS) == ["yes", "no", "go", "left"]
    assert ignored(DECOYS) == ("silence", "unknown", "go", "left")
    assert ignored() == ("silence", "unknown")


def test_the_recognizer_never_reports_a_decoy() -> None:
    r = Recognizer(
        LABELS, window=0.1, threshold=0.5, suppression=0.0, min_results=1, ignore=ignored(DECOYS)
    )
    t = 0.0
    for _ in range(50):  # a decoy at full score, step after step: nothing
        t += STEP
        assert r.update([0.0, 0.0, 0.0, 0.0, 1.0, 0.0], t) is None
        assert r.update([0.0, 0.0, 0.0, 0.0, 0.0, 1.0], t + STEP / 2) is None
    r.reset()
    # a keyword under its bar beside a higher decoy: nothing (the decoy's score is not added)
    got = [r.update([0.0, 0.0, 0.0, 0.3, 0.7, 0.0], STEP * (k + 1)) for k in range(3)]
    assert [d for d in got if d] == []  # 0.3 < 0.5
    r.reset()
    # a keyword over its bar: reported, whatever the decoys score
    d = r.update([0.0, 0.0, 0.6, 0.0, 0.4, 0.0], STEP)
    assert d is not None and d.label == "yes"


def test_heard_nothing_names_a_decoy_unknown() -> None:
    scores = [np.array([0.1, 0.2, 0.0, 0.0, 0.7, 0.0])]
    assert "mostly 'go'" in heard_nothing(scores, LABELS)
    assert "mostly 'unknown', 0.70" in heard_nothing(scores, LABELS, DECOYS)
    assert shown(LABELS, DECOYS) == ("silence", "unknown", "yes", "no", "unknown", "unknown")


# --------------------------------------------------------------------------- the card


def test_the_card_names_the_decoys_and_a_wrong_one_is_refused(tmp_path: Path) -> None:
    assert model_decoys(tmp_path / "none.tflite") == ()  # no card: none
    assert model_decoys(_with_card(tmp_path, '["no"]')) == ("no",)
    for wrong in ('["go"]', '"no"', '["yes", 3]', '["silence"]'):
        with pytest.raises(MicroError, match="'decoys'"):
            model_decoys(_with_card(tmp_path, wrong))
    bundled = data_file("yes_no.tflite")
    assert bundled is not None and model_decoys(bundled) == ()  # the bundled card: none


def test_micro_speech_never_reports_a_decoy(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    yes, no = data_file("demo_yes.wav"), data_file("demo_no.wav")
    plain = _with_card(tmp_path, "[]")
    assert main(["speech", str(no), "--model", str(plain)]) == 0
    assert "heard 'no'" in capsys.readouterr().out  # the clip is heard as "no" ...
    model = _with_card(tmp_path, '["no"]')
    assert main(["speech", str(no), "--model", str(model)]) == 0
    text = capsys.readouterr().out
    assert "'no'" not in text and "heard nothing (mostly 'unknown'" in text  # ... but not now
    assert main(["speech", str(yes), "--model", str(model)]) == 0
    assert "heard 'yes'" in capsys.readouterr().out


# --------------------------------------------------------------------------- tuning, tables


def test_the_tuning_gives_a_decoy_no_bar_and_never_counts_it() -> None:
    # a "yes" clip heard at 15/16; a "go" clip (an other word) scored as "go" at 1.0, and a
    # wake word at 15/16 "left": as decoys they are never commands, so never alarms
    plateaus = [("yes", 2.2, 3.2, 15 / 16), ("go", 6.2, 7.2, 1.0), ("left", 10.2, 11.2, 15 / 16)]
    trace = plateau_trace(LABELS, plateaus, 13.0)
    segments = [segment("yes", 2, 3), segment("other words", 6, 7), segment("picovoice", 10, 11)]
    got = tuning.tune_trace(trace, LABELS, int(13.0 * 16000), segments, decoys=DECOYS)
    assert set(got["thresholds"]) == {"yes", "no"} and set(got["at_chosen"]) == {"yes", "no"}
    assert got["at_chosen"]["yes"] == {"hits": 1, "total": 1, "alarms": 0}
    found = tuning.replay(trace.times, tuning.averages(trace), LABELS, {}, ignore=ignored(DECOYS))
    assert [d.label for d in found] == ["yes"]
    # without the decoys the same scores are commands of "go" and "left"
    found = tuning.replay(trace.times, tuning.averages(trace), LABELS, {})
    assert [d.label for d in found] == ["yes", "go", "left"]


def test_the_evaluation_counts_a_decoy_s_clips_among_the_other_words() -> None:
    model, yes, no = _bundled()
    labels = ("silence", "unknown", "yes", "no")
    words, clips = ["yes", "no", ""], [yes, no, np.zeros(16000, np.int16)]
    rows = evaluate.table(model, labels, words, clips)
    assert {k: (r.right, r.total) for k, r in rows.items()} == {
        "yes": (1, 1), "no": (1, 1), "silence": (1, 1)
    }  # fmt: skip
    rows = evaluate.table(model, labels, words, clips, decoys=("no",))
    assert {k: (r.right, r.total) for k, r in rows.items()} == {
        "yes": (1, 1), "other words": (1, 1), "silence": (1, 1)
    }  # fmt: skip
    stream, _ = evaluate.laid_stream(np.random.default_rng(0), [yes, no, no], [])
    found = evaluate.detections(model, labels, stream, decoys=("no",))
    assert [d.label for d in found] == ["yes"]
    heard = evaluate.keywords_in_stream(model, labels, ["yes", "no"], [yes, no], [], decoys=("no",))
    assert heard == {"heard": 1, "total": 1, "stray": 0}


# --------------------------------------------------------------------------- the firmware


def test_the_board_s_tables_never_make_a_decoy_a_command(tmp_path: Path) -> None:
    model, _, _ = _bundled()
    board = load_board("mps2-an386")
    settings = speech_board.Settings(labels=("silence", "unknown", "yes", "no"), decoys=("no",))
    assert settings.recognizer().update([0.0, 0.0, 0.0, 1.0], 1.0) is None
    speech_board.export(model, board, tmp_path / "p", [], settings)
    c = (tmp_path / "p" / "src" / "speech_bundle.c").read_text()
    assert re.search(r"\.commands = 4u,", c)  # yes alone: bit 2
    assert '{"silence", "unknown", "yes", "unknown"}' in c  # the decoy named as unknown
    speech_board.export(model, board, tmp_path / "q", [], speech_board.Settings())
    c = (tmp_path / "q" / "src" / "speech_bundle.c").read_text()
    assert re.search(r"\.commands = 12u,", c) and '{"silence", "unknown", "yes", "no"}' in c
    with pytest.raises(speech_board.SpeechBoardError, match="decoys"):
        speech_board.export(model, board, tmp_path / "r", [], speech_board.Settings(decoys=("go",)))


# --------------------------------------------------------------------------- training's checks


def _train_args(*argv: str) -> argparse.Namespace:
    from micro.cli import speech_train

    p = argparse.ArgumentParser()
    speech_train.add_arguments(p)
    return p.parse_args(list(argv))


def test_training_refuses_decoys_it_cannot_train() -> None:
    from micro.speech import train

    words = ("yes", "no")
    assert train.decoy_words(_train_args("--data", "d"), words) == ()
    got = train.decoy_words(_train_args("--decoys", "go, Down,left", "--data", "d"), words)
    assert got == ("go", "down", "left")
    with pytest.raises(SystemExit, match="--decoys no: a keyword cannot be a decoy"):
        train.decoy_words(_train_args("--decoys", "go,no", "--data", "d"), words)
    with pytest.raises(SystemExit, match="recorded clips only: they need --data"):
        train.decoy_words(_train_args("--decoys", "go"), words)
    with pytest.raises(SystemExit, match="recorded clips only"):
        train.decoy_words(
            _train_args("--decoys", "go", "--data", "d", "--sources", "synthetic"), words
        )
    with pytest.raises(SystemExit, match="--hard-negatives"):
        train.decoy_words(
            _train_args("--decoys", "go", "--data", "d", "--hard-negatives", "m"), words
        )
    with pytest.raises(SystemExit, match="distinct words"):
        train.decoy_words(_train_args("--decoys", "go,go", "--data", "d"), words)
    real = SimpleNamespace(counts={"silence": 9, "unknown": 9, "yes": 4, "no": 4, "go": 8})
    train.check_decoy_clips(real, ("go",))  # type: ignore[arg-type]
    with pytest.raises(SystemExit, match="--decoys left: no recorded clip of it"):
        train.check_decoy_clips(real, ("go", "left"))  # type: ignore[arg-type]


def test_a_decoy_s_recorded_clips_keep_to_the_reserved_speakers_rule(tmp_path: Path) -> None:
    sc = tmp_path / "sc"
    speakers = [f"{0x01000000 * i + 0x1234:08x}" for i in range(1, 41)]
    reserved = speakers[:5]
    for speaker in speakers:
        for word in ("yes", "go", "bed"):
            path = sc / word / f"{speaker}_nohash_0.wav"
            path.parent.mkdir(parents=True, exist_ok=True)
            write_wav(path, np.zeros(16000, np.int16))
    cfg = realdata.RealConfig(
        sc, frozenset(reserved), keyword_copies=2, unknown_copies=1, tuning_fraction=0.25,
        decoys=("go",),
    )  # fmt: skip
    labels = ["silence", "unknown", "yes", "go"]  # "go" a decoy, after the keywords
    data = realdata.build(cfg, labels, lambda clip: np.zeros((49, 40), np.int8))
    names = data.files_train + data.files_val + data.files_tune
    assert any(n.startswith("go/") for n in data.files_train)
    assert not any(s in n for n in names for s in reserved)
    assert {Path(n).name.split("_nohash_")[0] for n in names} == set(speakers) - set(reserved)
    # its train clips: a class of its own, with the other words' copies of each
    gos = sum(1 for n in data.files_train if n.startswith("go/"))
    assert int((data.y_train == 3).sum()) == 1 * gos == data.counts["go"]
    assert data.val_words.count("go") == int((data.y_val == 3).sum()) > 0
    yeses = sum(1 for n in data.files_train if n.startswith("yes/"))
    assert int((data.y_train == 2).sum()) == 2 * yeses  # the keyword's copies
