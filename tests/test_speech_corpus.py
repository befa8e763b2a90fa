"""Recorded training speech (micro/speech/corpus.py, realdata.py): reserved speakers, noise
folders and TFLM's test clips are never selected; the split is by speaker; the bundled
model's training list holds no reserved speaker."""

from __future__ import annotations

import argparse
import wave
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from support.reference import SHARED, absent

from micro.cli import speech_train
from micro.speech import card, corpus, realdata

DATA = Path(__file__).resolve().parents[1] / "micro" / "speech" / "data"
RESERVED_FILE = SHARED / "speech" / "reserved_speakers.txt"


def _reserved_file() -> Path:
    if not RESERVED_FILE.exists():
        absent(f"{RESERVED_FILE} is absent (../shared/speech is not part of the project)")
    return RESERVED_FILE


def _wav(path: Path, samples: np.ndarray | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = np.zeros(16000, np.int16) if samples is None else samples
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(data.astype("<i2").tobytes())


def _tree(root: Path, reserved: list[str], free: list[str]) -> None:
    """A small Speech Commands tree: every speaker says yes, no and up; the test
    partition's mixed _unknown_ folder; the reserved folders; TFLM's clips."""
    for speaker in reserved + free:
        for word in ("yes", "no", "up"):
            _wav(root / word / f"{speaker}_nohash_0.wav")
        _wav(root / "_unknown_" / f"bed_{speaker}_nohash_1.wav.wav")
    _wav(root / "_background_noise_" / "white_noise.wav")
    _wav(root / "_silence_" / "0001.wav")
    _wav(root / "yes" / "yes_1000ms.wav")
    _wav(root / "no" / "no_1000ms.wav")
    (root / "README.md").write_text("not audio")


def test_read_reserved_ignores_comments_and_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "reserved.txt"
    path.write_text("# reserved\n\n0A1b2c3d  # a speaker\n  deadbeef\n")
    assert corpus.read_reserved(path) == {"0a1b2c3d", "deadbeef"}


def test_reserved_speakers_and_folders_are_never_selected(tmp_path: Path) -> None:
    reserved, free = ["0a1b2c3d", "11111111"], ["22222222", "33333333", "44444444"]
    _tree(tmp_path, reserved, free)
    clips = corpus.scan(tmp_path, reserved)
    names = [c.path.name for c in clips]
    assert not [n for n in names if any(r in n for r in reserved)]
    assert {c.speaker for c in clips} == set(free)
    assert not [c for c in clips if c.path.parent.name in corpus.RESERVED_FOLDERS]
    assert "yes_1000ms.wav" not in names and "no_1000ms.wav" not in names
    # the mixed folder's files say their word; every other folder is its word
    assert sorted({c.word for c in clips}) == ["bed", "no", "up", "yes"]
    assert len(clips) == 4 * len(free)
    # without a reserved list every speaker is there, still no noise, silence or TFLM clip
    assert {c.speaker for c in corpus.scan(tmp_path)} == set(reserved + free)


def test_the_shared_reserved_list_drops_its_speakers(tmp_path: Path) -> None:
    reserved = sorted(corpus.read_reserved(_reserved_file()))
    assert len(reserved) >= 50 and all(len(h) == 8 for h in reserved)
    free = ["%08x" % (0x12345678 + i) for i in range(6)]
    assert not set(free) & set(reserved)
    _tree(tmp_path, reserved[:20], free)
    clips = corpus.scan(tmp_path, reserved)
    assert {c.speaker for c in clips} == set(free)


def test_several_copies_count_each_recording_once(tmp_path: Path) -> None:
    """A second ``--data`` folder (another copy of part of Speech Commands) adds only the
    recordings the first lacks -- the same ``<speaker>_nohash_<n>`` of the same word, even
    from the first copy's mixed folder, counts once -- and its reserved speakers stay out."""
    first, second = tmp_path / "sc", tmp_path / "sc-v0.01-copy"
    _tree(first, ["0a1b2c3d"], ["22222222", "33333333"])
    _wav(second / "yes" / "22222222_nohash_0.wav")  # the first copy's clip
    _wav(second / "bed" / "33333333_nohash_1.wav")  # the first copy's _unknown_ clip
    _wav(second / "yes" / "22222222_nohash_1.wav")  # a new take
    _wav(second / "no" / "0a1b2c3d_nohash_3.wav")  # a reserved speaker
    _wav(second / "down" / "55555555_nohash_0.wav")  # a new speaker
    clips = corpus.scan_many([first, second], ["0a1b2c3d"])
    assert len({c.key for c in clips}) == len(clips) == 4 * 2 + 2  # 2 speakers x 4 words
    added = sorted(c.name for c in clips if c.source)
    assert added == ["sc-v0.01-copy/down/55555555_nohash_0.wav",
                     "sc-v0.01-copy/yes/22222222_nohash_1.wav"]  # fmt: skip
    assert corpus.scan_many([first], ["0a1b2c3d"]) == corpus.scan(first, ["0a1b2c3d"])
    # the pool, the training list and the card see the second copy
    cfg = realdata.RealConfig(first, frozenset({"0a1b2c3d"}), keyword_copies=1,
                              more_data=(second,))  # fmt: skip
    data = realdata.build(
        cfg, ["silence", "unknown", "yes", "no"], lambda c: np.zeros((49, 40), np.int8)
    )
    assert sorted(data.files_train + data.files_val) == sorted(c.name for c in clips)
    credits = card.sources(data, ["yes", "no"])
    first_copy = credits["speech_commands"]
    assert first_copy["train_files"] + first_copy["validation_files"] == 8
    copy = credits["more_speech_commands"]["sc-v0.01-copy"]
    assert copy["train_files"] + copy["validation_files"] == 2
    assert copy["source"] == "not a known source: credit it"
    # a second folder renames the cached features
    assert realdata.digest(replace(cfg, more_data=()), [], "f") != realdata.digest(cfg, [], "f")
    # and so does a speed change
    assert realdata.digest(replace(cfg, speed=0.1), [], "f") != realdata.digest(cfg, [], "f")


def test_split_is_by_speaker_and_stable() -> None:
    clips = [
        corpus.Clip(word, f"{s:08x}", Path(f"{word}/{s:08x}_nohash_{n}.wav"))
        for s in range(200)
        for word in ("yes", "no")
        for n in range(2)
    ]
    train, val = corpus.split(clips, 0.3)
    assert len(train) + len(val) == len(clips)
    assert not {c.speaker for c in train} & {c.speaker for c in val}
    assert 0.2 < len(val) / len(clips) < 0.4
    # a speaker's side does not depend on who else is in the pool
    again_train, again_val = corpus.split(clips[: len(clips) // 2], 0.3)
    assert {c.speaker for c in again_val} <= {c.speaker for c in val}
    assert {c.speaker for c in again_train} <= {c.speaker for c in train}


def test_bundled_training_list_holds_no_reserved_speaker() -> None:
    """The files the bundled model was trained on (listed beside it)."""
    reserved = corpus.read_reserved(_reserved_file())
    lines = (DATA / "yes_no.files.txt").read_text().splitlines()
    speech = [line for line in lines if not line.startswith(("noise: ", "speech: "))]
    assert len(speech) > 500
    assert not [line for line in speech if corpus.is_reserved(line.split("/")[-1], reserved)]
    assert not [line for line in speech if line.split("/")[0] in corpus.RESERVED_FOLDERS]
    noise = [line for line in lines if line.startswith("noise: ")]
    assert not [n for n in noise if "background_noise" in n]
    other = [line.removeprefix("speech: ") for line in lines if line.startswith("speech: ")]
    assert {line.split("/")[0] for line in other} <= set(card.SPEECH_SOURCES)


def test_unreadable_clips_and_noise_are_skipped(tmp_path: Path) -> None:
    bad = tmp_path / "yes" / "aaaaaaaa_nohash_0.wav"
    bad.parent.mkdir()
    bad.write_bytes(b"RIFF....not a wav")
    (audio,) = corpus.load([corpus.Clip("yes", "aaaaaaaa", bad)])
    assert audio.shape == (16000,) and not audio.any()
    assert corpus.load_noise([bad]) == []
    assert corpus.noise_files(tmp_path / "absent") == []
    with pytest.raises(FileNotFoundError):
        corpus.scan(tmp_path / "absent")


def test_noise_is_mixed_at_the_asked_snr() -> None:
    rng = np.random.default_rng(0)
    clip = np.zeros(16000)
    clip[4000:12000] = 3000.0 * np.sin(np.arange(8000) * 0.3)
    noise = [np.random.default_rng(1).standard_normal(40000) * 500]
    mixed = realdata.mix_noise(rng, clip, noise, 20.0)
    added = mixed - clip
    peak_block = np.sqrt(np.mean(clip[4800:6400] ** 2))
    assert 20 * np.log10(peak_block / np.sqrt(np.mean(added**2))) == pytest.approx(20.0, abs=0.5)


def test_augmented_copies_are_one_second_int16() -> None:
    rng = np.random.default_rng(2)
    word = np.zeros(16000, np.int16)
    word[5000:11000] = (np.sin(np.arange(6000) * 0.2) * 9000).astype(np.int16)
    for _ in range(5):
        out = realdata.augment(rng, word, [], speed=0.12)
        assert out.dtype == np.int16 and out.shape == (16000,)
        assert np.abs(out).max() > 0
        silence = realdata.silence_example(rng, [np.ones(20000) * 100.0])
        assert silence.shape == (16000,)


@pytest.mark.parametrize("factor", [0.88, 1.12])
def test_speed_change_stretches_time_and_lowers_pitch_about_the_middle(factor: float) -> None:
    """A 0.4 s burst of 1 kHz in the middle of a second: at ``factor`` it lasts 0.4 *
    factor s, sounds at 1/factor kHz and stays centred; the clip keeps its length."""
    t = np.arange(16000) / 16000.0
    x = np.where(np.abs(t - 0.5) < 0.2, 10000.0 * np.sin(2 * np.pi * 1000.0 * t), 0.0)
    y = realdata.change_speed(x, factor)
    assert y.shape == x.shape
    loud = np.flatnonzero(np.abs(y) > 5000.0)
    assert (loud[-1] - loud[0]) / 16000.0 == pytest.approx(0.4 * factor, abs=0.002)
    assert (loud[-1] + loud[0]) / 2 / 16000.0 == pytest.approx(0.5, abs=0.002)
    spectrum = np.abs(np.fft.rfft(y))
    assert np.argmax(spectrum) * 16000.0 / len(y) == pytest.approx(1000.0 / factor, abs=2.0)


def test_other_keywords_take_recorded_clips_where_the_data_has_them(tmp_path: Path) -> None:
    """`micro speech train --words up,down`: 'up' is recorded here, 'down' is not; yes and no
    become unknown words; the card says which keyword had recordings."""
    _tree(tmp_path, ["0a1b2c3d"], ["%08x" % (0x10000000 * i + 7) for i in range(1, 9)])
    labels = ["silence", "unknown", "up", "down"]
    cfg = realdata.RealConfig(tmp_path, frozenset({"0a1b2c3d"}), keyword_copies=3)
    data = realdata.build(cfg, labels, lambda clip: np.zeros((49, 40), np.int8))
    assert data.counts["up"] == 3 * len([f for f in data.files_train if f.startswith("up/")])
    assert data.counts["down"] == 0 and data.counts["unknown"] > 0
    assert set(data.val_words) <= {"yes", "no", "up", "bed", ""}
    assert not [f for f in data.files_train + data.files_val if "0a1b2c3d" in f]
    sources = card.sources(data, ["up", "down"])["keywords"]
    assert sources == {"up": "recorded + synthetic", "down": "synthetic only"}


def test_unknown_copies_set_the_other_words_rows_and_name_the_cache(tmp_path: Path) -> None:
    """``micro speech train --unknown-copies N``: each recorded other-word train clip gives N
    augmented rows (6 unless asked), keywords keep theirs; N renames the cached features."""
    _tree(tmp_path, [], ["%08x" % (0x10000000 * i + 7) for i in range(1, 9)])
    parser = argparse.ArgumentParser()
    speech_train.add_arguments(parser)
    assert parser.parse_args([]).unknown_copies == 6 == realdata.RealConfig.unknown_copies
    assert parser.parse_args(["--unknown-copies", "2"]).unknown_copies == 2
    for bad in ("-1", "two"):
        with pytest.raises(SystemExit):
            parser.parse_args(["--unknown-copies", bad])
    labels = ["silence", "unknown", "yes", "no"]
    base = realdata.RealConfig(tmp_path, frozenset(), keyword_copies=3)
    rows = {}
    for n in (0, 2, 6):
        data = realdata.build(
            replace(base, unknown_copies=n), labels, lambda clip: np.zeros((49, 40), np.int8)
        )
        others = [f for f in data.files_train if not f.startswith(("yes/", "no/"))]
        keywords = len(data.files_train) - len(others)
        assert others and data.counts["unknown"] == n * len(others)
        assert data.counts["yes"] + data.counts["no"] == 3 * keywords
        rows[n] = data.counts["unknown"]
    assert rows[2] < rows[6]
    names = {realdata.digest(replace(base, unknown_copies=n), labels, "f") for n in (0, 2, 6)}
    assert len(names) == 3


def test_loudest_second_is_where_the_word_is() -> None:
    take = np.zeros(48000, np.int16)
    take[32000:36000] = 8000  # the word, 2.0 .. 2.25 s into a 3 s take
    second = corpus.loudest_second(take)
    assert second.shape == (16000,) and int(np.count_nonzero(second)) == 4000
    assert np.flatnonzero(second)[0] == 6000  # centred
    short = corpus.loudest_second(np.full(4000, 7, np.int16))
    assert short.shape == (16000,) and np.flatnonzero(short).tolist() == list(range(6000, 10000))


def test_other_speech_joins_the_train_side_unknown_only(tmp_path: Path) -> None:
    """``--speech DIR``: each readable file's loudest second, augmented, as *unknown*; the
    validation side and the keywords are untouched; the card credits a known folder."""
    data_dir, digits = tmp_path / "sc", tmp_path / "fsdd"
    _tree(data_dir, [], ["%08x" % (0x10000000 * i + 7) for i in range(1, 9)])
    _wav(digits / "3_theo_0.wav", np.full(6000, 900, np.int16))
    _wav(digits / "4_theo_0.wav", np.full(30000, 900, np.int16))
    (digits / "5_theo_0.wav").write_bytes(b"RIFF....not a wav")
    labels = ["silence", "unknown", "yes", "no"]
    calls = []

    def features(clip: np.ndarray) -> np.ndarray:
        calls.append(clip)
        return np.full((49, 40), len(calls) % 100, np.int8)

    cfg = realdata.RealConfig(data_dir, frozenset(), speech=(digits,), speech_copies=3)
    base = realdata.build(cfg, labels, features)
    wide = realdata.add_speech(base, cfg, features, tmp_path / "cache", "test")
    assert wide.speech_train == ["fsdd/3_theo_0.wav", "fsdd/4_theo_0.wav"]
    assert len(wide.y_train) == len(base.y_train) + 6 and (wide.y_train[-6:] == 1).all()
    assert wide.counts == {**base.counts, "unknown": base.counts["unknown"] + 6}
    assert wide.val_words == base.val_words and wide.files_val == base.files_val
    assert all(c.shape == (16000,) and c.dtype == np.int16 for c in calls[-6:])
    # cached: a second call computes no features and gives the same examples
    n = len(calls)
    again = realdata.add_speech(base, cfg, features, tmp_path / "cache", "test")
    assert len(calls) == n and np.array_equal(again.x_train, wide.x_train)
    credits = card.sources(wide, ["yes", "no"])["other_speech"]
    assert credits["fsdd"]["train_files"] == 2 and credits["fsdd"]["licence"] == "CC BY-SA 4.0"
