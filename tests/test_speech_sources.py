"""Several copies of parts of Speech Commands in one pool (``--data DIR`` repeated;
micro/speech/corpus.py, realdata.py): the speaker split is made over the union of the
folders, by speaker -- a validation speaker's clip from any folder never reaches training or
tuning, a reserved speaker is dropped from every folder -- and the card credits each folder
from its own SOURCE.json, with its clips per word and side."""

from __future__ import annotations

import json
import wave
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from micro.speech import card, corpus, mining, realdata

LABELS = ["silence", "unknown", "yes", "no"]
VALIDATION, TUNING = 0.3, 0.5


def _wav(path: Path, value: int) -> None:
    """A one-second clip whose every sample is ``value`` (so a clip is known by its audio)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(np.full(16000, value, "<i2").tobytes())


def _speakers() -> dict[str, list[str]]:
    """Two speakers of each side, found by the split's own rule (the first hex ids that fall
    there), and a reserved one."""
    sides: dict[str, list[str]] = {"validation": [], "tuning": [], "train": []}
    for i in range(10_000):
        s = "%08x" % (0x5EED0000 + i)
        if corpus.is_validation(s, VALIDATION):
            side = "validation"
        elif corpus.is_tuning(s, TUNING):
            side = "tuning"
        else:
            side = "train"
        if len(sides[side]) < 2:
            sides[side].append(s)
        if all(len(v) == 2 for v in sides.values()):
            return {**sides, "reserved": ["0badc0de"]}
    raise AssertionError("no speakers found")


def _value(speaker: str, take: int) -> int:
    return int(speaker[-4:], 16) % 1000 * 10 + take + 1


def _pool(tmp_path: Path) -> tuple[Path, Path, dict[str, list[str]]]:
    """The first folder: every speaker says yes and no (take 0). The second (another
    repository's copy): every speaker's new take 1 of yes, one repeat of a first-folder clip,
    a speaker only it has (a validation speaker's), a reserved speaker, and its SOURCE.json."""
    who = _speakers()
    first, second = tmp_path / "sc", tmp_path / "owner__repo"
    shared = who["validation"][:1] + who["tuning"] + who["train"] + who["reserved"]
    for s in shared:
        for word in ("yes", "no"):
            _wav(first / word / f"{s}_nohash_0.wav", _value(s, 0))
    for s in [*shared, who["validation"][1]]:
        _wav(second / "yes" / f"{s}_nohash_1.wav", _value(s, 1))
    _wav(second / "no" / f"{who['train'][0]}_nohash_0.wav", _value(who["train"][0], 0))
    (second / corpus.SOURCE_FILE).write_text(json.dumps({
        "name": "Speech Commands v0.02, a sample", "source": "github.com/owner/repo",
        "commit": "c" * 40, "licence": "CC BY 4.0", "files": [{"key": "not for the card"}],
    }))  # fmt: skip
    return first, second, who


def test_a_speaker_takes_one_side_in_every_folder(tmp_path: Path) -> None:
    first, second, who = _pool(tmp_path)
    reserved = frozenset(who["reserved"])
    cfg = realdata.RealConfig(first, reserved, validation_fraction=VALIDATION, keyword_copies=1,
                              tuning_fraction=TUNING, more_data=(second,))  # fmt: skip
    data = realdata.build(cfg, LABELS, lambda clip: np.zeros((49, 40), np.int8))
    sides = {"train": data.files_train, "validation": data.files_val, "tuning": data.files_tune}
    for side, names in sides.items():
        speakers = {Path(n).name.split("_nohash_")[0] for n in names}
        assert speakers == set(who[side]), side
    # every clip of a validation speaker, from either folder, is a validation clip
    val = who["validation"]
    assert sorted(data.files_val) == sorted(
        [f"{w}/{val[0]}_nohash_0.wav" for w in ("no", "yes")]
        + [f"owner__repo/yes/{s}_nohash_1.wav" for s in val]
    )
    # the second folder adds the new takes only; the reserved speaker is in no list
    assert len(data.files_train) + len(data.files_tune) == 2 * 4 + 4
    everything = data.files_train + data.files_val + data.files_tune
    assert not [n for n in everything if who["reserved"][0] in n]
    assert "owner__repo/no" not in "".join(everything)  # a repeat of a first-folder clip
    # what training reads (the features' audio, and the hard-negative miner's keywords)
    trained = {int(a[0]) for _, a in mining.train_side_keywords(
        cfg.roots, reserved, VALIDATION, ["yes", "no"], TUNING)}  # fmt: skip
    assert trained == {_value(s, t) for s in who["train"] for t in (0, 1)}
    assert {int(a[0]) for a in data.val_audio if a.any()} == {_value(val[0], 0)} | {
        _value(s, 1) for s in val
    }
    assert {int(a[0]) for a in data.tune_audio} == {
        _value(s, t) for s in who["tuning"] for t in (0, 1)
    }


def test_the_card_credits_each_folder_from_its_source_file(tmp_path: Path) -> None:
    first, second, who = _pool(tmp_path)
    cfg = realdata.RealConfig(first, frozenset(who["reserved"]), validation_fraction=VALIDATION,
                              keyword_copies=1, tuning_fraction=TUNING,
                              more_data=(second,))  # fmt: skip
    data = realdata.build(cfg, LABELS, lambda clip: np.zeros((49, 40), np.int8))
    # the saved features keep the credits
    realdata.save(data, tmp_path / "cache.npz")
    assert realdata.load_saved(tmp_path / "cache.npz").data_sources == data.data_sources
    credits = card.sources(data, ["yes", "no"])
    copy = credits["more_speech_commands"]["owner__repo"]
    assert copy["source"] == "github.com/owner/repo" and copy["licence"] == "CC BY 4.0"
    assert copy["commit"] == "c" * 40 and "files" not in copy
    # yes: take 1 of every speaker but the reserved one; the repeated "no" is the first's
    assert copy["per_word"] == {"yes": {"train": 2, "validation": 2, "tuning": 2}}
    assert copy["train_files"] == 2 and copy["validation_files"] == 2
    assert credits["speech_commands"]["per_word"] == {
        w: {"train": 2, "validation": 1, "tuning": 2} for w in ("no", "yes")
    }
    # the training list names the second folder's clips by the folder
    card.write(tmp_path / "model.tflite", {}, data)
    listed = (tmp_path / "model.files.txt").read_text().splitlines()
    assert sorted(n for n in listed if n.startswith("owner__repo/")) == sorted(
        f"owner__repo/yes/{s}_nohash_1.wav" for s in who["train"]
    )


def test_source_file_is_read_defensively(tmp_path: Path) -> None:
    assert corpus.source_info(tmp_path) == {}
    path = tmp_path / corpus.SOURCE_FILE
    for bad in ("{not json", "[1, 2]", '"text"'):
        path.write_text(bad)
        assert corpus.source_info(tmp_path) == {}
    path.write_bytes(b"\xff\xfe\x00bad")
    assert corpus.source_info(tmp_path) == {}
    path.write_text(json.dumps({"name": 3, "source": "s", "commits": ["a", 1], "licence": ["x"],
                                "other": "y"}))  # fmt: skip
    assert corpus.source_info(tmp_path) == {"source": "s", "licence": ["x"]}


def test_cached_features_are_renamed_when_a_further_folder_changes(tmp_path: Path) -> None:
    first, second, _ = _pool(tmp_path)
    cfg = realdata.RealConfig(first, frozenset(), more_data=(second,))
    before = realdata.digest(cfg, LABELS, "f")
    assert realdata.digest(cfg, LABELS, "f") == before
    _wav(second / "no" / "0fedcba9_nohash_0.wav", 5)
    assert realdata.digest(cfg, LABELS, "f") != before


def test_two_further_folders_may_not_share_a_name(tmp_path: Path) -> None:
    first, second, _ = _pool(tmp_path)
    other = tmp_path / "elsewhere" / second.name
    _wav(other / "yes" / "0fedcba9_nohash_0.wav", 5)
    cfg = realdata.RealConfig(first, frozenset(), more_data=(second, other))
    with pytest.raises(ValueError, match="share a name"):
        realdata.build(cfg, LABELS, lambda clip: np.zeros((49, 40), np.int8))
    # the same folder twice is harmless: its clips count once
    twice = replace(cfg, more_data=(second, second))
    data = realdata.build(twice, LABELS, lambda clip: np.zeros((49, 40), np.int8))
    once = realdata.build(replace(cfg, more_data=(second,)), LABELS,
                          lambda clip: np.zeros((49, 40), np.int8))  # fmt: skip
    assert data.files_train == once.files_train and data.files_val == once.files_val
