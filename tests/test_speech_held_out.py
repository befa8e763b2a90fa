"""Other recorded speech (``--speech``) is split by speaker (else by wake-word folder) into a
training share and a held-out share: training never reads the held-out share, and the false
alarms are counted on it alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from micro.speech import corpus, evaluate, mining, realdata
from micro.speech.wav import write_wav

# FSDD speakers and Picovoice wake words; the value each file holds names it in the audio.
DIGIT_SPEAKERS = ("george", "jackson", "lucas", "nicolas", "theo", "yweweler")
WAKE_WORDS = ("alexa", "computer", "jarvis", "smart_mirror", "snowboy", "view_glass")


def _wav(path: Path, value: int, seconds: float = 1.0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, np.full(int(seconds * 16000), value, np.int16))


def _folders(root: Path) -> tuple[Path, Path, dict[int, str]]:
    """An FSDD-like and a Picovoice-like folder; file value -> its group."""
    digits, wake = root / "fsdd", root / "picovoice"
    group: dict[int, str] = {}
    value = 100
    for speaker in DIGIT_SPEAKERS:
        for take in range(3):
            value += 1
            _wav(digits / f"{take}_{speaker}_{take}.wav", value, 0.5)
            group[value] = speaker
    for word in WAKE_WORDS:
        for take in range(3):
            value += 1
            _wav(wake / word / f"{take}.wav", value, 1.5)
            group[value] = word
    return digits, wake, group


def test_groups_are_speakers_else_wake_word_folders(tmp_path: Path) -> None:
    digits, wake, _ = _folders(tmp_path)
    assert corpus.speech_group(digits, digits / "7_theo_12.wav") == "theo"
    assert corpus.speech_group(wake, wake / "jarvis" / "12.wav") == "jarvis"
    assert corpus.speech_group(wake, wake / "loose.wav") == "loose"


def test_the_split_keeps_each_group_on_one_side(tmp_path: Path) -> None:
    digits, wake, _ = _folders(tmp_path)
    for root, groups in ((digits, DIGIT_SPEAKERS), (wake, WAKE_WORDS)):
        train, held = corpus.speech_split(root, 0.3)
        assert sorted(train + held) == corpus.noise_files(root)
        train_groups = {corpus.speech_group(root, p) for p in train}
        held_groups = {corpus.speech_group(root, p) for p in held}
        assert not train_groups & held_groups
        assert train_groups | held_groups == set(groups)
        # the same rule as the speakers' split, so adding files never moves a group
        assert held_groups == {g for g in groups if corpus.is_validation(g, 0.3)}
        card = corpus.speech_split_card(root, 0.3)
        assert card["held_out_files"] == len(held) and card["train_files"] == len(train)
    # this data holds a group on each side of each folder (else the test proves little)
    assert corpus.held_out_speech(digits, 0.3) and corpus.training_speech(digits, 0.3)
    assert corpus.held_out_speech(wake, 0.3) and corpus.training_speech(wake, 0.3)


def test_training_never_reads_the_held_out_share(tmp_path: Path) -> None:
    """Neither the unknown examples (``add_speech``) nor the hard-negative miner's audio holds
    a held-out file; the false-alarm stream holds every held-out file and nothing else."""
    digits, wake, group = _folders(tmp_path / "speech")
    held = {g for g in group.values() if corpus.is_validation(g, 0.3)}
    sc = tmp_path / "sc"
    for i in range(1, 7):
        for word in ("yes", "bed"):
            _wav(sc / word / f"{0x10000000 * i + 7:08x}_nohash_0.wav", 0)
    labels = ["silence", "unknown", "yes", "no"]

    def features(clip: np.ndarray) -> np.ndarray:
        return np.zeros((49, 40), np.int8)

    cfg = realdata.RealConfig(sc, frozenset(), speech=(digits, wake), keyword_copies=1)
    base = realdata.build(cfg, labels, features)
    wide = realdata.add_speech(base, cfg, features, tmp_path / "cache", "test")
    used = {corpus.speech_group(tmp_path / "speech" / n.split("/")[0], tmp_path / "speech" / n)
            for n in wide.speech_train}  # fmt: skip
    assert used == set(group.values()) - held
    assert len(wide.speech_train) == sum(1 for g in group.values() if g not in held)

    audio = mining.train_side_audio([sc], frozenset(), 0.3, ["yes"], [digits, wake])
    mined = {group[int(a[0])] for a in audio if int(a[0]) in group}
    assert mined == set(group.values()) - held

    stream, segments = evaluate.false_alarm_stream([], [digits, wake], fraction=0.3)
    laid = {group[int(stream[s.start])] for s in segments}
    assert laid == held
    assert len(segments) == sum(1 for g in group.values() if g in held)
    # each laid recording names its group (speaker or wake word), so an alarm can be traced
    assert all(s.group == group[int(stream[s.start])] for s in segments)
