"""The bar per keyword chosen on a tuning stream (micro/speech/tuning.py): the tuning part is
carved from the train side and training never reads it; the rule's choice on a score trace
whose averages are worked out by hand; the replay is the recognizer's; the card's fields."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from support.score_traces import STEP, plateau_trace, segment

from micro.speech import card, corpus, mining, realdata, tuning
from micro.speech.bundled import data_file
from micro.speech.pipeline import DEMO_SUPPRESSION, DEMO_THRESHOLD, DEMO_WINDOW
from micro.speech.recognizer import Recognizer
from micro.speech.wav import read_wav, write_wav

LABELS = ("silence", "unknown", "yes", "no")
DIGIT_SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")
WAKE_WORDS = ("alexa", "computer", "jarvis", "smart_mirror", "snowboy", "view_glass")


def _wav(path: Path, value: int, seconds: float = 1.0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, np.full(int(seconds * 16000), value, np.int16))


def _no_features(clip: np.ndarray) -> np.ndarray:
    return np.zeros((49, 40), np.int8)


# --------------------------------------------------------------------------- the split


def test_the_tuning_part_is_disjoint_from_training_validation_and_reserved(
    tmp_path: Path,
) -> None:
    sc = tmp_path / "sc"
    speakers = [f"{0x01000000 * i + 0x1234:08x}" for i in range(1, 61)]
    reserved = speakers[:5]
    for speaker in speakers:
        for word in ("yes", "no", "bed"):
            _wav(sc / word / f"{speaker}_nohash_0.wav", 0)
    cfg = realdata.RealConfig(
        sc, frozenset(reserved), keyword_copies=2, unknown_copies=1, tuning_fraction=0.25
    )
    data = realdata.build(cfg, list(LABELS), _no_features)

    def who(names: list[str]) -> set[str]:
        return {Path(n).name.split("_nohash_")[0] for n in names}

    train, val, tune = who(data.files_train), who(data.files_val), who(data.files_tune)
    assert tune and train and val  # each side holds speakers (else the test proves little)
    assert not (train & tune) and not (val & tune) and not (train & val)
    assert not (set(reserved) & (train | val | tune))
    assert train | val | tune == set(speakers) - set(reserved)
    # the rule: a train-side speaker whose tuning hash is below the fraction
    assert tune == {s for s in train | tune if corpus.is_tuning(s, 0.25)}
    assert val == {s for s in speakers[5:] if corpus.is_validation(s, 0.3)}
    # the tuning clips are kept as recorded, never among the training examples
    assert len(data.tune_words) == len(data.files_tune) == len(data.tune_audio) == 3 * len(tune)
    keywords = sum(1 for n in data.files_train if not n.startswith("bed/"))
    others = len(data.files_train) - keywords
    assert int((data.y_train != 0).sum()) == 2 * keywords + 1 * others
    # without a fraction nothing moves: the train side is what it was
    whole = realdata.build(
        realdata.RealConfig(sc, frozenset(reserved), keyword_copies=2, unknown_copies=1),
        list(LABELS), _no_features,
    )  # fmt: skip
    assert sorted(whole.files_train) == sorted(data.files_train + data.files_tune)
    assert not whole.files_tune and whole.files_val == data.files_val
    # a saved set keeps its tuning part
    realdata.save(data, tmp_path / "saved.npz")
    again = realdata.load_saved(tmp_path / "saved.npz")
    assert again.files_tune == data.files_tune and again.tune_words == data.tune_words
    assert np.array_equal(again.tune_audio, data.tune_audio)


def test_the_tuning_share_of_other_speech_is_never_trained_on(tmp_path: Path) -> None:
    root = tmp_path / "speech"
    digits, wake = root / "fsdd", root / "picovoice"
    group: dict[int, str] = {}
    value = 100
    for speaker in DIGIT_SPEAKERS:
        for take in range(2):
            value += 1
            _wav(digits / f"{take}_{speaker}_{take}.wav", value, 0.5)
            group[value] = speaker
    for word in WAKE_WORDS:
        for take in range(2):
            value += 1
            _wav(wake / word / f"{take}.wav", value, 1.5)
            group[value] = word
    held = {g for g in group.values() if corpus.is_validation(g, 0.3)}
    tune = {g for g in set(group.values()) - held if corpus.is_tuning(g, 0.21)}
    assert tune and set(group.values()) - held - tune  # both parts hold a group here

    for folder in (digits, wake):
        share, _ = corpus.speech_split(folder, 0.3)
        kept, tuned = corpus.speech_tuning_split(folder, 0.3, 0.21)
        assert sorted(kept + tuned) == sorted(share) and not set(kept) & set(tuned)
        assert corpus.tuning_speech(folder, 0.3, 0.21) == tuned
        assert corpus.training_speech(folder, 0.3, 0.21) == kept
        assert corpus.training_speech(folder, 0.3) == share  # no fraction: as before
        split = corpus.speech_split_card(folder, 0.3, 0.21)
        assert split["tuning_files"] == len(tuned) and split["train_files"] == len(kept)

    sc = tmp_path / "sc"
    for i in range(1, 7):
        _wav(sc / "bed" / f"{0x10000000 * i + 7:08x}_nohash_0.wav", 0)
    cfg = realdata.RealConfig(
        sc, frozenset(), speech=(digits, wake), keyword_copies=1, tuning_fraction=0.21
    )
    base = realdata.build(cfg, list(LABELS), _no_features)
    wide = realdata.add_speech(base, cfg, _no_features, tmp_path / "cache", "test")
    used = {group[int(read_wav(root / n)[0])] for n in wide.speech_train}
    assert used == set(group.values()) - held - tune
    audio = mining.train_side_audio([sc], frozenset(), 0.3, ["yes"], [digits, wake], 0.21)
    assert {group[int(a[0])] for a in audio if int(a[0]) in group} == used

    # the tuning stream lays exactly the tuning files, on the bed it is given
    files = [(f.name, corpus.tuning_speech(f, 0.3, 0.21)) for f in (digits, wake)]
    stream, segments = tuning.tuning_stream([], [], files, [], ["yes", "no"])
    assert {group[int(stream[s.start])] for s in segments} == tune
    assert len(segments) == sum(1 for g in group.values() if g in tune)


# --------------------------------------------------------------------------- the rule


# A "yes" clip heard at 15/16; other words taken for "yes" at 14/16 and 10/16; wake words
# taken for "no" at 12/16; two "no" clips at 13/16 and 11/16. Each plateau lasts 1 s, so the
# 0.8 s average reaches the plateau's score and lies above any bar of the grid for less than
# the 1 s suppression: one command per plateau at most.
PLATEAUS = [
    ("yes", 2.2, 3.2, 15 / 16),
    ("yes", 6.2, 7.2, 14 / 16),
    ("no", 10.2, 11.2, 12 / 16),
    ("no", 14.2, 15.2, 13 / 16),
    ("no", 18.2, 19.2, 11 / 16),
    ("yes", 22.2, 23.2, 10 / 16),
]
SEGMENTS = [
    segment("yes", 2.0, 3.0),
    segment("other words", 6.0, 7.0),
    segment("picovoice", 10.0, 11.0),
    segment("no", 14.0, 15.0),
    segment("no", 18.0, 19.0),
    segment("other words", 22.0, 23.0),
]


def test_the_rule_picks_the_lowest_bar_within_the_budget_on_a_hand_made_trace() -> None:
    trace = plateau_trace(LABELS, PLATEAUS, 26.0)
    average = tuning.averages(trace)
    # by hand: "yes" alarms fire at bars <= 14/16 = 0.875 (one) and <= 10/16 = 0.625 (two);
    # "no" alarms at bars <= 12/16 = 0.75 (one)
    # a budget of 1 an hour over an hour allows one alarm a word: "yes" needs a bar above
    # 0.625 (0.63), "no" keeps the lowest bar of the grid (0.6)
    bars, tried = tuning.choose(trace.times, average, LABELS, SEGMENTS, hours=1.0, budget=1.0)
    assert bars == {"yes": 0.63, "no": 0.6}
    # half an alarm an hour allows none: "yes" above 0.875 (0.88), "no" above 0.75 (0.76)
    bars, tried = tuning.choose(trace.times, average, LABELS, SEGMENTS, hours=1.0, budget=0.5)
    assert bars == {"yes": 0.88, "no": 0.76}
    row = {r["bar"]: r for r in tried["yes"]}
    # the "yes" clip (15/16) is heard at every bar up to 0.93, missed above
    assert row[0.93]["hits"] == 1 and row[0.94]["hits"] == 0
    assert (row[0.62]["alarms"], row[0.63]["alarms"], row[0.88]["alarms"]) == (2, 1, 0)
    row = {r["bar"]: r for r in tried["no"]}
    # the "no" clips: 13/16 heard up to 0.81, 11/16 up to 0.68
    assert [row[b]["hits"] for b in (0.68, 0.69, 0.81, 0.82)] == [2, 1, 1, 0]
    assert (row[0.75]["alarms"], row[0.76]["alarms"]) == (1, 0)
    # at the chosen bars, as the card counts them
    got = tuning.count(
        tuning.replay(trace.times, average, LABELS, {"yes": 0.88, "no": 0.76}),
        SEGMENTS, ["yes", "no"],
    )  # fmt: skip
    assert got == {
        "yes": {"hits": 1, "total": 1, "alarms": 0},
        "no": {"hits": 1, "total": 2, "alarms": 0},
    }


def test_the_rule_takes_the_fewest_alarms_when_no_bar_keeps_within_the_budget() -> None:
    # other words taken for "yes" at 1.0 (an alarm at every bar) and at 12/16
    trace = plateau_trace(LABELS, [("yes", 2.2, 3.2, 1.0), ("yes", 6.2, 7.2, 12 / 16)], 9.0)
    segments = [segment("other words", 2.0, 3.0), segment("other words", 6.0, 7.0)]
    average = tuning.averages(trace)
    bars, tried = tuning.choose(trace.times, average, LABELS, segments, hours=1.0, budget=0.0)
    assert bars["yes"] == 0.76  # one alarm from 0.76 up, two below: the lowest of the fewest
    assert {r["alarms"] for r in tried["yes"] if r["bar"] >= 0.76} == {1}


def test_the_score_rule_weighs_each_alarm_as_missed_keywords_on_a_hand_made_trace() -> None:
    trace = plateau_trace(LABELS, PLATEAUS, 26.0)
    average = tuning.averages(trace)

    # by hand, per bar (hits, alarms) -- "yes": <= 0.62 (1, 2), 0.63-0.87 (1, 1),
    # 0.88-0.93 (1, 0), >= 0.94 (0, 0); "no": <= 0.68 (2, 1), 0.69-0.75 (1, 1),
    # 0.76-0.81 (1, 0), >= 0.82 (0, 0)
    def bars(cost: float) -> dict[str, float]:
        got, _ = tuning.choose(
            trace.times, average, LABELS, SEGMENTS, hours=1.0, rule="score", cost=cost
        )
        return got

    # cost 2: "yes" -3 / -1 / 1 / 0: 0.88; "no" 0 / -1 / 1 / 0: 0.76
    assert bars(2.0) == {"yes": 0.88, "no": 0.76}
    # cost 1: "no" 1 / 0 / 1 / 0: 0.6 and 0.76 tie, the fewer alarms win
    assert bars(1.0) == {"yes": 0.88, "no": 0.76}
    # cost 0.5: "no" 1.5 / 0.5 / 1 / 0: the grid's lowest bar; "yes" 0 / 0.5 / 1 / 0: 0.88
    assert bars(0.5) == {"yes": 0.88, "no": 0.6}
    # the budget rule on the same trace reads the budget, not the hits (as above)
    got, _ = tuning.choose(trace.times, average, LABELS, SEGMENTS, hours=1.0, budget=0.5)
    assert got == {"yes": 0.88, "no": 0.76}


def test_the_score_rule_keeps_the_hits_a_single_confident_alarm_would_cost() -> None:
    # two "no" clips at 13/16 and 11/16 and one wake word taken for "no" at 15/16: no bar
    # below 0.94 is free of alarms, so a budget of none takes 0.94 and hears neither clip
    plateaus = [("no", 2.2, 3.2, 13 / 16), ("no", 6.2, 7.2, 11 / 16), ("no", 10.2, 11.2, 15 / 16)]
    segments = [segment("no", 2.0, 3.0), segment("no", 6.0, 7.0), segment("picovoice", 10.0, 11.0)]
    trace = plateau_trace(LABELS, plateaus, 13.0)
    average = tuning.averages(trace)
    budget, _ = tuning.choose(trace.times, average, LABELS, segments, hours=0.5, budget=1.0)
    assert budget["no"] == 0.94
    # by hand, (hits, alarms): <= 0.68 (2, 1), 0.69-0.81 (1, 1), 0.82-0.93 (0, 1), >= 0.94
    # (0, 0); at cost 1 the scores are 1 / 0 / -1 / 0: 0.6
    score, tried = tuning.choose(
        trace.times, average, LABELS, segments, hours=0.5, rule="score", cost=1.0
    )
    assert score["no"] == 0.6
    row = {r["bar"]: (r["hits"], r["alarms"]) for r in tried["no"]}
    assert [row[b] for b in (0.68, 0.69, 0.81, 0.82, 0.93, 0.94)] == [
        (2, 1), (1, 1), (1, 1), (0, 1), (0, 1), (0, 0)
    ]  # fmt: skip
    # at cost 2 the scores are 0 / -1 / -2 / 0: 0.6 and 0.94 tie, the fewer alarms win
    score, _ = tuning.choose(trace.times, average, LABELS, segments, 0.5, rule="score", cost=2.0)
    assert score["no"] == 0.94


def test_pick_breaks_ties_by_fewer_alarms_then_the_lower_bar() -> None:
    rows = [
        {"bar": 0.6, "hits": 3, "alarms": 2},  # 3 - 2 * 2 = -1
        {"bar": 0.7, "hits": 1, "alarms": 0},  # 1
        {"bar": 0.8, "hits": 1, "alarms": 0},  # 1, a higher bar of the same
        {"bar": 0.9, "hits": 3, "alarms": 1},  # 1, one more alarm
    ]
    assert tuning.pick(rows, "score", allowed=0.0, cost=2.0) == 0.7
    assert tuning.pick(rows, "score", allowed=0.0, cost=0.5) == 0.9  # 2 / 1 / 1 / 2.5
    assert tuning.pick(rows, "budget", allowed=2.0, cost=2.0) == 0.6  # the lowest within
    assert tuning.pick(rows, "budget", allowed=1.0, cost=2.0) == 0.7
    assert tuning.pick(rows[:1], "budget", allowed=1.0, cost=2.0) == 0.6  # none within
    with pytest.raises(ValueError, match="unknown tuning rule"):
        tuning.pick(rows, "best", allowed=1.0, cost=2.0)


def test_the_tuning_stream_lays_the_tuning_part_once_per_pass_in_new_orders() -> None:
    clips = [np.full(8000 + 800 * i, 100 + i, np.int16) for i in range(6)]
    words = ["yes", "no", "bed", "yes", "", "cat"]  # "" (silence) is never laid
    one, seg1 = tuning.tuning_stream(words, clips, [], [], ["yes", "no"], passes=1)
    three, seg3 = tuning.tuning_stream(words, clips, [], [], ["yes", "no"], passes=3)
    assert len(seg1) == 5 and len(seg3) == 15 and len(three) > 2.5 * len(one)
    value = {100 + i: w if w in ("yes", "no") else "other words" for i, w in enumerate(words)}
    passes = [seg3[:5], seg3[5:10], seg3[10:]]
    laid = [[int(three[s.start]) for s in p] for p in passes]
    assert laid[0] == [100, 101, 102, 103, 105]  # the first pass in the given order
    for p, got in zip(passes, laid, strict=True):
        assert sorted(got) == [100, 101, 102, 103, 105]  # each pass holds each clip once
        for s, v in zip(p, got, strict=True):
            assert s.source == value[v]  # named by its own clip
            assert (three[s.start : s.end] == v).all() and s.end - s.start == len(clips[v - 100])
    assert laid[1] != laid[0] or laid[2] != laid[0]  # a new order (seeded: always the same)
    starts = [s.start for s in seg3]
    assert starts == sorted(starts)
    assert all(b.start - a.end >= 0.2 * 16000 - 1 for a, b in itertools.pairwise(seg3))
    with pytest.raises(ValueError, match="passes"):
        tuning.tuning_stream(words, clips, [], [], ["yes", "no"], passes=0)


def test_the_replay_is_the_recognizer() -> None:
    """The averages and commands the rule replays are those ``Recognizer.update`` gives on
    the same scores, for any bars."""
    rng = np.random.default_rng(5)
    n = 3000
    times = 0.03 + STEP * np.arange(n)
    logits = rng.normal(0, 1, (n, 4)).cumsum(axis=0) * 0.3  # slow swings: commands happen
    scores = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    average = tuning.averages(tuning.Trace(times, scores))
    commands = 0
    for bars in ({}, {"yes": 0.7}, {"yes": 0.95, "no": 0.62}):
        r = tuning.recognizer(LABELS, bars)
        assert (r.window, r.threshold, r.suppression) == (
            DEMO_WINDOW, DEMO_THRESHOLD, DEMO_SUPPRESSION,
        )  # fmt: skip
        expected = [d for t, s in zip(times, scores, strict=True) if (d := r.update(s, t))]
        got = tuning.replay(times, average, LABELS, bars)
        assert [(d.label, d.time) for d in got] == [(d.label, d.time) for d in expected]
        assert [d.score for d in got] == pytest.approx([d.score for d in expected], abs=1e-12)
        commands += len(expected)
    assert commands > 10  # the trace does make the recognizer speak


def test_the_recognizer_rejects_no_chosen_bar() -> None:
    for bar in tuning.GRID:
        Recognizer(LABELS, thresholds={"yes": bar, "no": bar})  # each is a valid threshold


# --------------------------------------------------------------------------- the card


def test_the_card_records_the_bars_and_the_tuning_stream(tmp_path: Path) -> None:
    model_file = data_file("yes_no.tflite")
    yes, no = data_file("demo_yes.wav"), data_file("demo_no.wav")
    if model_file is None or yes is None or no is None:
        pytest.skip("the bundled model or demo clips are missing")
    clips = [read_wav(yes), read_wav(no), read_wav(yes)]
    stream, segments = tuning.tuning_stream(["yes", "no", "bed"], clips, [], [], ["yes", "no"])
    assert [s.source for s in segments] == ["yes", "no", "other words"]
    model = model_file.read_bytes()
    got = tuning.tune(model, LABELS, stream, segments, budget=1.0)
    assert set(got["thresholds"]) == {"yes", "no"}
    for word, bar in got["thresholds"].items():
        assert bar in tuning.GRID
        row = next(r for r in got["tried"][word] if r["bar"] == bar)
        assert got["at_chosen"][word]["alarms"] == row["alarms"]
        assert got["at_chosen"][word]["total"] == 1  # one clip of each word
    assert got["stream_minutes"] == pytest.approx(len(stream) / 16000 / 60, abs=0.01)
    assert got["budget_per_hour"] == 1.0 and "lowest bar" in got["rule"]
    assert got["rule_name"] == "budget" and got["passes"] == 1
    scored = tuning.tune(model, LABELS, stream, segments, rule="score", cost=2.0, passes=3)
    assert (scored["rule_name"], scored["alarm_cost"], scored["passes"]) == ("score", 2.0, 3)
    assert "budget_per_hour" not in scored and "2 x its false alarms" in scored["rule"]
    for word, bar in scored["thresholds"].items():
        rows = scored["tried"][word]
        best = max(r["hits"] - 2.0 * r["alarms"] for r in rows)
        row = next(r for r in rows if r["bar"] == bar)
        assert row["hits"] - 2.0 * row["alarms"] == best
    settings = card.recognizer_settings(got["thresholds"])
    assert settings["window_s"] == DEMO_WINDOW and settings["threshold"] == DEMO_THRESHOLD
    for word, bar in got["thresholds"].items():
        assert settings["thresholds"].get(word, DEMO_THRESHOLD) == bar
    assert card.recognizer_settings()["thresholds"] == {}


def test_the_demo_uses_the_bars_of_the_model_s_card(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from micro.cli import main
    from micro.errors import MicroError
    from micro.speech.bundled import model_thresholds

    model_file, yes = data_file("yes_no.tflite"), data_file("demo_yes.wav")
    if model_file is None or yes is None:
        pytest.skip("the bundled model or demo clips are missing")
    model = tmp_path / "m.tflite"
    model.write_bytes(model_file.read_bytes())
    assert model_thresholds(model) == {}  # no card: the demo's bar
    assert main(["speech", str(yes), "--model", str(model)]) == 0
    assert "heard 'yes'" in capsys.readouterr().out
    # a bar of 1.0 for "yes": an int8 softmax never averages 1.0, so nothing is heard
    card_text = '{"labels": ["silence", "unknown", "yes", "no"], "recognizer": {"thresholds": %s}}'
    model.with_suffix(".json").write_text(card_text % '{"yes": 1.0}')
    assert model_thresholds(model) == {"yes": 1.0}
    assert main(["speech", str(yes), "--model", str(model)]) == 0
    assert "heard nothing (mostly 'yes'" in capsys.readouterr().out
    model.with_suffix(".json").write_text(card_text % '{"yes": 1.5}')
    with pytest.raises(MicroError, match=r"recognizer\.thresholds"):
        model_thresholds(model)


def test_the_card_credits_other_speech_folders_by_name_in_any_case() -> None:
    data = realdata.RealSet(
        np.zeros((0, 49, 40), np.int8), np.zeros(0, np.int64),
        np.zeros((0, 49, 40), np.int8), np.zeros(0, np.int64), [], np.zeros((0, 16000), np.int16),
        speech_train=["PICOVOICE/alexa/0.wav", "fsdd/0_theo_0.wav", "mine/a.wav"],
    )  # fmt: skip
    credits = card.sources(data, ["yes", "no"])["other_speech"]
    assert credits["PICOVOICE"]["commit"] == card.SPEECH_SOURCES["picovoice"]["commit"]
    assert credits["fsdd"]["licence"] == card.SPEECH_SOURCES["fsdd"]["licence"]
    assert credits["mine"]["source"] == "not a known source: credit it"
