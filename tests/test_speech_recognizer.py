"""The speech demo's recognizer (micro/speech/recognizer.py) on synthetic score streams:
averaging over a window, thresholds, suppression, and what it refuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from micro.speech.card import recognizer_settings
from micro.speech.recognizer import Detection, Recognizer

DATA = Path(__file__).resolve().parents[1] / "micro" / "speech" / "data"

YES, NO, SIL = [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0], [1.0, 0.0, 0.0, 0.0]


def _run(r: Recognizer, stream: list[list[float]], dt: float = 0.02) -> list[Detection]:
    out = []
    for i, s in enumerate(stream):
        d = r.update(s, i * dt)
        if d is not None:
            out.append(d)
    return out


def test_recognizer_reports_once_then_suppresses() -> None:
    r = Recognizer(window=0.2, threshold=0.8, suppression=1.0, min_results=3)
    heard = _run(r, [SIL] * 10 + [YES] * 40 + [SIL] * 20)
    assert len(heard) == 1
    assert heard[0].label == "yes" and heard[0].score >= 0.8
    # The last 0.2 s hold 10 results; the average reaches 0.8 with the 8th "yes" (step 17).
    assert heard[0].time == pytest.approx(0.02 * 17)
    assert str(heard[0]) == f"heard 'yes' ({heard[0].score:.2f}) at {heard[0].time:.2f} s"


def test_recognizer_reports_again_after_suppression() -> None:
    r = Recognizer(window=0.1, threshold=0.9, suppression=0.5, min_results=1)
    heard = _run(r, [YES] * 10 + [SIL] * 20 + [NO] * 10 + [SIL] * 5 + [YES] * 10)
    assert [d.label for d in heard] == ["yes", "no"]  # the last "yes" falls in suppression
    assert heard[1].time - heard[0].time >= 0.5


def test_recognizer_ignores_silence_and_unknown_and_low_scores() -> None:
    r = Recognizer(window=0.1, threshold=0.8, min_results=1)
    assert _run(r, [SIL] * 50 + [[0.0, 1.0, 0.0, 0.0]] * 50 + [[0.3, 0.0, 0.7, 0.0]] * 50) == []


def test_recognizer_needs_min_results_and_averages() -> None:
    r = Recognizer(window=1.0, threshold=0.75, min_results=4, suppression=0)
    assert _run(r, [YES] * 3) == []
    r = Recognizer(window=1.0, threshold=0.75, min_results=1, suppression=0)
    heard = _run(r, [YES, NO, YES, YES])  # averages 1, .5, .67, .75
    assert [(d.label, round(d.score, 2)) for d in heard] == [("yes", 1.0), ("yes", 0.75)]


def test_recognizer_holds_a_word_to_its_own_threshold() -> None:
    """Averages of 0.7: "no" (its own 0.6) is reported, "yes" (the common 0.8) is not; a label
    the model lacks is ignored."""
    yes, no = [0.3, 0.0, 0.7, 0.0], [0.3, 0.0, 0.0, 0.7]
    r = Recognizer(window=0.1, threshold=0.8, min_results=1, thresholds={"no": 0.6, "up": 0.1})
    assert r.thresholds == (0.8, 0.8, 0.8, 0.6)
    heard = _run(r, [yes] * 20 + [SIL] * 60 + [no] * 20)
    # 0.1 s holds 5 results: 0.7 * n / 5 >= 0.6 needs n = 5 of "no" (from 1.60 s: at 1.68 s)
    assert [(d.label, round(d.time, 2)) for d in heard] == [("no", 1.68)]
    # the highest average is held to its own threshold, even when another word passes its own
    r = Recognizer(window=0.1, threshold=0.8, min_results=1, thresholds={"no": 0.3})
    assert _run(r, [[0.0, 0.0, 0.55, 0.45]] * 20) == []


def test_card_records_the_demo_s_recognizer() -> None:
    """The bundled model's card names the recognizer settings the demo, the firmware and
    the evaluation run (pipeline.demo_recognizer)."""
    card = json.loads((DATA / "yes_no.json").read_text())
    assert card["recognizer"] == recognizer_settings()


def test_recognizer_rejects_bad_input() -> None:
    r = Recognizer()
    with pytest.raises(ValueError, match="4 labels"):
        r.update([1.0, 0.0], 0.0)
    r.update(YES, 1.0)
    with pytest.raises(ValueError, match="backwards"):
        r.update(YES, 0.5)
    with pytest.raises(ValueError):
        Recognizer(threshold=0)
    with pytest.raises(ValueError, match=r"^threshold 1\.5: a threshold is a score in \(0, 1\]$"):
        Recognizer(thresholds={"yes": 1.5})
    with pytest.raises(ValueError, match=r"^window -1: "):
        Recognizer(window=-1)
