"""What the two real-speech reports (card.on_real_speech for a trained model's card,
evaluate.speakers_report for `micro speech evaluate`) lay into the false-alarm stream: the
clips of words that are not labels, in order, each named by its word; keywords and silence
stay out."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from micro.speech import card, evaluate
from micro.speech.network import CHANNELS, FRAMES
from micro.speech.realdata import RealSet
from micro.speech.recognizer import LABELS
from micro.speech.wav import write_wav

DATA = Path(__file__).resolve().parents[1] / "micro" / "speech" / "data"


class Laid(Exception):
    """Raised by the stand-in stream once it has seen its arguments."""


def _capture(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    seen: dict[str, Any] = {}

    def stream(
        others: Any, speech: Any = (), noises: Any = (), seed: int = 0, fraction: float = 0.3,
        other_words: Any = (),
    ) -> Any:  # fmt: skip
        seen["levels"] = [int(a[0]) for a in others]  # each clip is one constant level
        seen["words"] = list(other_words)
        raise Laid

    monkeypatch.setattr(evaluate, "false_alarm_stream", stream)
    monkeypatch.setattr(evaluate, "table", lambda *args, **kwargs: {})
    return seen


def test_the_card_lays_the_validation_speakers_other_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    words = ["yes", "bed", "", "go", "no", "bed"]
    audio = np.stack([np.full(16000, 100 * (i + 1), np.int16) for i in range(len(words))])
    x = np.zeros((len(words), FRAMES, CHANNELS), np.int8)
    real = RealSet(x, np.zeros(0, np.int64), x, np.array([2, 1, 0, 1, 3, 1]), words, audio)
    seen = _capture(monkeypatch)
    with pytest.raises(Laid):
        card.on_real_speech((DATA / "yes_no.tflite").read_bytes(), LABELS, real)
    assert seen == {"levels": [200, 400, 600], "words": ["bed", "go", "bed"]}


def test_the_speakers_report_lays_the_reserved_speakers_other_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {"yes": "aaaa0001", "bed": "aaaa0001", "go": "aaaa0002", "no": "bbbb0003"}
    for i, (word, speaker) in enumerate(files.items()):
        (tmp_path / word).mkdir()
        write_wav(tmp_path / word / f"{speaker}_nohash_0.wav", np.full(16000, 100 * (i + 1)))
    seen = _capture(monkeypatch)
    with pytest.raises(Laid):
        evaluate.speakers_report(b"", str(tmp_path), frozenset({"aaaa0001", "aaaa0002"}))
    assert seen == {"levels": [200, 300], "words": ["bed", "go"]}
