"""The recognizer's averaging window and min_results chosen with the bars on the tuning stream
(micro/speech/tuning.py ``choose_recognizer``): the choice on hand-made traces whose best
window is worked out by hand, the replay against ``Recognizer`` for any window and
min_results, the counting against its definition, and the card's fields as the demo and the
board read them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from micro.speech import card, evaluate, tuning
from micro.speech.bundled import data_file, model_recognizer
from micro.speech.pipeline import DEMO_THRESHOLD, DEMO_WINDOW
from micro.speech.recognizer import Detection, Recognizer

LABELS = ("silence", "unknown", "yes", "no")
STEP = 0.02  # s between results, as the demo streams
Y = 14 / 16  # a score whose averages over whole results are exact


def _trace(plateaus: list[tuple[str, float, int, float]], seconds: float) -> tuning.Trace:
    """Scores every 20 ms from 0.03 s: silence 1.0, except (label, from (s), steps, score)
    plateaus where the label holds ``score`` for that many results and silence the rest."""
    times = 0.03 + STEP * np.arange(round(seconds / STEP))
    scores = np.zeros((len(times), len(LABELS)))
    scores[:, 0] = 1.0
    for label, lo, steps, score in plateaus:
        first = int(np.searchsorted(times, lo - 1e-9))
        scores[first : first + steps, LABELS.index(label)] = score
        scores[first : first + steps, 0] = 1.0 - score
    return tuning.Trace(times, scores)


def _seg(source: str, lo: float, hi: float) -> evaluate.Segment:
    return evaluate.Segment(source, int(lo * 16000), int(hi * 16000))


# A "yes" clip heard for 30 results (0.6 s) and another word taken for "yes" for 20 (0.4 s),
# both at 14/16. A window of n results peaks at 14/16 * min(30, n) / n on the clip and
# 14/16 * min(20, n) / n on the other word; by hand, per window (clip, other word):
#   0.4 s (20): 0.875, 0.875  -> no bar tells them apart: at best 0 (no hit, no alarm)
#   0.5 s (25): 0.875, 0.7    -> a bar of 0.71..0.87 hears the clip alone: 1
#   0.6 s (30): 0.875, 0.583  -> 1;  0.7 s: 0.75, 0.5 -> 1;  0.8 s: 0.656, 0.4375 -> 1
#   0.9 s (45): 0.583, ...    -> under the grid's lowest bar (0.6): 0
# The best score (1) at 0.5-0.8 s, no alarm in any: the shortest, 0.5 s, is the choice.
KNOWN = [("yes", 2.2, 30, Y), ("yes", 6.2, 20, Y)]
KNOWN_SEGMENTS = [_seg("yes", 2.0, 3.0), _seg("other words", 6.0, 7.0)]


def test_the_tuning_chooses_the_window_worked_out_by_hand() -> None:
    trace = _trace(KNOWN, 9.0)
    got = tuning.choose_recognizer(trace, LABELS, KNOWN_SEGMENTS, hours=1.0, rule="score")
    assert (got["window_s"], got["min_results"]) == (0.5, 1)
    assert 0.71 <= got["thresholds"]["yes"] <= 0.87
    rows = {(r["window_s"], r["min_results"]): r for r in got["settings"]}
    assert len(rows) == len(tuning.WINDOWS) * len(tuning.MIN_RESULTS)
    score = {w: rows[w, 1]["score"] for w in tuning.WINDOWS}
    assert score == {0.4: 0, 0.5: 1, 0.6: 1, 0.7: 1, 0.8: 1, 0.9: 0, 1.0: 0, 1.1: 0, 1.2: 0}
    assert (rows[0.4, 1]["hits"], rows[0.4, 1]["alarms"]) == (0, 0)
    # on a stream min_results only holds back the first steps: here it changes nothing
    for w in tuning.WINDOWS:
        assert {rows[w, m]["score"] for m in tuning.MIN_RESULTS} == {score[w]}
    # the bars' rows of the chosen pair, as ``choose`` gives them for that window
    average = tuning.averages(trace, 0.5)
    bars, tried = tuning.choose(trace.times, average, LABELS, KNOWN_SEGMENTS, 1.0, rule="score")
    assert got["thresholds"] == bars and got["tried"] == tried
    # the budget rule: most hits within one alarm an hour a keyword (two over an hour): 0.4 s
    # hears the clip with its alarm; with no alarm allowed, 0.5 s
    loose = tuning.choose_recognizer(trace, LABELS, KNOWN_SEGMENTS, hours=1.0, rule="budget")
    assert loose["window_s"] in (0.4, 0.5, 0.6, 0.7, 0.8)
    strict = tuning.choose_recognizer(trace, LABELS, KNOWN_SEGMENTS, 1.0, budget=0.0)
    assert strict["window_s"] == 0.5


def test_min_results_is_chosen_where_the_stream_starts_on_a_false_word() -> None:
    # three results of "yes" at 1.0 at the stream's start, inside another word: one result
    # in view reports it (an alarm at a bar of 0.7); five average 3/5 = 0.6 and do not
    trace = _trace([("yes", 0.0, 3, 1.0), ("yes", 2.2, 30, Y)], 5.0)
    segments = [_seg("other words", 0.0, 1.0), _seg("yes", 2.0, 3.0)]
    got = tuning.choose_recognizer(
        trace, LABELS, segments, 1.0, rule="score", windows=(0.8,), min_results=(1, 5),
        grid=(0.65,),
    )  # fmt: skip
    rows = {r["min_results"]: (r["hits"], r["alarms"]) for r in got["settings"]}
    assert rows == {1: (1, 1), 5: (1, 0)}
    assert (got["window_s"], got["min_results"], got["thresholds"]["yes"]) == (0.8, 5, 0.65)


def test_pick_setting_breaks_ties_by_alarms_then_the_shorter_window_then_fewer_results() -> None:
    rows: list[dict[str, Any]] = [
        {"window_s": 0.8, "min_results": 1, "hits": 5, "alarms": 1, "score": 3.0},
        {"window_s": 0.6, "min_results": 5, "hits": 3, "alarms": 0, "score": 3.0},
        {"window_s": 0.6, "min_results": 1, "hits": 3, "alarms": 0, "score": 3.0},
        {"window_s": 1.0, "min_results": 1, "hits": 9, "alarms": 4, "score": 1.0},
    ]
    assert tuning.pick_setting(rows, "score", 0.0) is rows[2]
    assert tuning.pick_setting(rows, "budget", 1.0) is rows[0]  # most hits within 1 alarm
    assert tuning.pick_setting(rows, "budget", 4.0) is rows[3]
    assert tuning.pick_setting(rows[3:], "budget", 1.0) is rows[3]  # none within: fewest
    with pytest.raises(ValueError, match="unknown tuning rule"):
        tuning.pick_setting(rows, "best", 1.0)


def test_the_replay_is_the_recognizer_for_any_window_and_min_results() -> None:
    rng = np.random.default_rng(7)
    n = 2500
    times = 0.03 + STEP * np.arange(n)
    logits = rng.normal(0, 1, (n, 4)).cumsum(axis=0) * 0.3
    logits[:40, 2] += 6.0  # a confident "yes" from the first step: min_results matters
    scores = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    trace = tuning.Trace(times, scores)
    spoke = 0
    for window, least, bars in [
        (0.4, 1, {"yes": 0.7}),
        (1.2, 30, {}),
        (0.5, 7, {"yes": 0.95, "no": 0.62}),
        (0.02, 1, {"no": 0.9}),  # one result in view
    ]:
        r = tuning.recognizer(LABELS, bars, window, least)
        assert (r.window, r.min_results) == (window, least)
        expected = [d for t, s in zip(times, scores, strict=True) if (d := r.update(s, t))]
        held = tuning.in_view(times, window)
        got = tuning.replay(
            times, tuning.averages(trace, window), LABELS, bars, held=held, min_results=least
        )
        assert [(d.label, d.time) for d in got] == [(d.label, d.time) for d in expected]
        assert [d.score for d in got] == pytest.approx([d.score for d in expected], abs=1e-9)
        spoke += len(expected)
        # the results in view are those the recognizer keeps
        r.reset()
        for i in range(0, n, 97):
            kept = [t for t in times[: i + 1] if t > times[i] - window + 1e-9] or [times[i]]
            assert held[i] == len(kept)
    assert spoke > 10
    with pytest.raises(ValueError, match="held"):
        tuning.replay(times, tuning.averages(trace), LABELS, {}, min_results=3)


def test_the_count_is_its_definition_on_random_commands() -> None:
    """``count`` (vectorised) against the definition written out: a clip is heard when the
    commands in (start, end + AFTER] are exactly its word; a command of a word outside every
    such span of that word is an alarm."""
    rng = np.random.default_rng(3)
    for _ in range(30):
        segments, at = [], 0.0
        for _ in range(int(rng.integers(0, 25))):
            at += float(rng.uniform(0.1, 1.5))
            length = float(rng.uniform(0.3, 1.2))
            source = str(rng.choice(["yes", "no", "other words", "PICOVOICE"]))
            segments.append(_seg(source, at, at + length))
            at += length
        times = np.sort(rng.uniform(0, at + 2.0, int(rng.integers(0, 40))))
        found = [Detection(str(rng.choice(["yes", "no"])), 0.9, float(t)) for t in times]
        want: dict[str, dict[str, int]] = {}
        for k in ("yes", "no"):
            spans = [(s.start / 16000, s.end / 16000 + tuning.AFTER) for s in segments
                     if s.source == k]  # fmt: skip
            hits = sum([d.label for d in found if lo < d.time <= hi] == [k] for lo, hi in spans)
            alarms = sum(
                d.label == k and not any(lo < d.time <= hi for lo, hi in spans) for d in found
            )
            want[k] = {"hits": hits, "total": len(spans), "alarms": alarms}
        assert tuning.count(found, segments, ["yes", "no"]) == want


# --------------------------------------------------------------------------- the card


def test_the_card_records_the_window_and_min_results_chosen() -> None:
    trace = _trace(KNOWN, 9.0)
    samples = int(9.0 * 16000)
    got = tuning.tune_trace(trace, LABELS, samples, KNOWN_SEGMENTS, rule="score", passes=2)
    assert (got["window_s"], got["min_results"], got["passes"]) == (0.5, 1, 2)
    assert "window of 0.4, 0.5" in got["rule"] and "min_results of 1, 5, 10, 20" in got["rule"]
    held = tuning.in_view(trace.times, 0.5)
    found = tuning.replay(
        trace.times, tuning.averages(trace, 0.5), LABELS, got["thresholds"], held=held
    )
    assert got["at_chosen"] == tuning.count(found, KNOWN_SEGMENTS, ["yes", "no"])
    assert got["at_chosen"]["yes"] == {"hits": 1, "total": 1, "alarms": 0}
    # the demo's recognizer (0.8 s) hears the clip too, at the demo's bar not (0.656 < 0.8)
    assert got["at_demo_threshold"]["yes"] == {"hits": 0, "total": 1, "alarms": 0}
    settings = card.recognizer_settings(got["thresholds"], got["window_s"], got["min_results"])
    assert (settings["window_s"], settings["min_results"]) == (0.5, 1)
    assert settings["thresholds"]["yes"] == got["thresholds"]["yes"]
    assert settings["threshold"] == DEMO_THRESHOLD
    assert card.recognizer_settings()["window_s"] == DEMO_WINDOW
    assert card.recognizer_settings()["min_results"] == 1
    json.dumps(got)  # the card is JSON


def test_model_recognizer_reads_the_card_and_refuses_bad_values(tmp_path: Path) -> None:
    from micro.errors import MicroError

    model = tmp_path / "m.tflite"
    model.write_bytes(b"")
    assert model_recognizer(model) == {}  # no card
    model.with_suffix(".json").write_text('{"recognizer": {"window_s": 0.5, "min_results": 5}}')
    assert model_recognizer(model) == {"window": 0.5, "min_results": 5}
    model.with_suffix(".json").write_text('{"recognizer": {"thresholds": {}}}')
    assert model_recognizer(model) == {}  # an older card: the demo's
    for bad in ('{"window_s": 0}', '{"window_s": "1"}', '{"min_results": 0}',
                '{"min_results": 2.5}', '{"min_results": true}'):  # fmt: skip
        model.with_suffix(".json").write_text(f'{{"recognizer": {bad}}}')
        with pytest.raises(MicroError, match="recognizer"):
            model_recognizer(model)


def _card(path: Path, recognizer: dict[str, Any]) -> None:
    path.with_suffix(".json").write_text(
        json.dumps({"labels": list(LABELS), "recognizer": recognizer})
    )


def _bundled_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the bundled model (for a test's own card beside it) and the demo's yes clip."""
    model_file, yes = data_file("yes_no.tflite"), data_file("demo_yes.wav")
    if model_file is None or yes is None:
        pytest.skip("the bundled model or demo clips are missing")
    model = tmp_path / "m.tflite"
    model.write_bytes(model_file.read_bytes())
    return model, yes


def test_the_demo_runs_the_card_s_window_and_min_results(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from micro.cli import main
    from micro.cli import speech as cli_speech

    model, yes = _bundled_copy(tmp_path)
    assert main(["speech", str(yes), "--model", str(model)]) == 0
    assert "heard 'yes'" in capsys.readouterr().out
    # a clip gives 26 results: a card asking for more in view hears nothing
    _card(model, {"window_s": 1.2, "min_results": 60})
    assert main(["speech", str(yes), "--model", str(model)]) == 0
    assert "heard nothing" in capsys.readouterr().out
    # the recognizer the demo builds: the card's window unless --window is given
    built: list[Recognizer] = []
    real = cli_speech.Listener

    def spy(model: Any, preprocessor: Any, recognizer: Recognizer, labels: Any) -> Any:
        built.append(recognizer)
        return real(model, preprocessor, recognizer, labels)

    monkeypatch.setattr(cli_speech, "Listener", spy)
    _card(model, {"window_s": 0.5, "min_results": 3})
    assert main(["speech", str(yes), "--model", str(model)]) == 0
    assert main(["speech", str(yes), "--model", str(model), "--window", "0.7"]) == 0
    assert [(r.window, r.min_results) for r in built] == [(0.5, 3), (0.7, 3)]
    capsys.readouterr()


def test_the_board_firmware_gets_the_card_s_window_and_min_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from micro.cli import main, speech_board

    model, yes = _bundled_copy(tmp_path)
    _card(model, {"window_s": 0.6, "min_results": 4, "thresholds": {"no": 0.7}})

    class Stop(Exception):
        pass

    seen: list[Any] = []

    def export(*args: Any, **kwargs: Any) -> Any:
        seen.append(args[4])  # the Settings
        raise Stop

    monkeypatch.setattr(speech_board.speech, "export", export)
    with pytest.raises(Stop):
        main(["speech", str(yes), "--model", str(model), "--board", "mps2-an386"])
    (settings,) = seen
    assert (settings.window, settings.min_results, settings.every) == (0.6, 4, 1)
    assert settings.thresholds == {"no": 0.7}
    # the model every 3rd step: 4 results of every step span what 2 results of every 3rd do
    with pytest.raises(Stop):
        main(["speech", str(yes), "--model", str(model), "--board", "mps2-an386", "--every", "3"])
    assert (seen[1].window, seen[1].min_results, seen[1].every) == (0.6, 2, 3)


def test_each_pair_s_row_is_what_choose_gives_for_it() -> None:
    """``choose_recognizer`` reuses a pair's bars where a larger min_results holds back no step
    a bar could pass: each row must still be exactly ``choose`` and ``count`` for its pair."""
    rng = np.random.default_rng(11)
    n = 1500
    times = 0.03 + STEP * np.arange(n)
    logits = rng.normal(0, 1, (n, 4)).cumsum(axis=0) * 0.3
    logits[:15, 3] += 8.0  # a confident "no" on the first steps: min_results 10 and 20 differ
    scores = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    trace = tuning.Trace(times, scores)
    segments = [_seg("no", 0.0, 0.5), _seg("yes", 10.0, 11.0), _seg("other words", 15.0, 16.0)]
    got = tuning.choose_recognizer(trace, LABELS, segments, 0.5, rule="score", windows=(0.4, 1.0))
    assert len(got["settings"]) == 2 * len(tuning.MIN_RESULTS)
    for row in got["settings"]:
        window, least = row["window_s"], row["min_results"]
        average, held = tuning.averages(trace, window), tuning.in_view(times, window)
        bars, _ = tuning.choose(
            times, average, LABELS, segments, 0.5, rule="score", held=held, min_results=least
        )
        found = tuning.replay(times, average, LABELS, bars, held=held, min_results=least)
        counted = tuning.count(found, segments, ["yes", "no"])
        assert row["thresholds"] == bars
        assert row["hits"] == sum(c["hits"] for c in counted.values())
        assert row["alarms"] == sum(c["alarms"] for c in counted.values())
    # the first steps' "no" is heard with few results in view and held back with many
    heard = {r["min_results"]: r["hits"] for r in got["settings"] if r["window_s"] == 0.4}
    assert heard[1] > heard[20]
