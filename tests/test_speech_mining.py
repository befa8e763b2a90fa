"""Hard-negative mining (micro/speech/mining.py): which windows it keeps, and from which audio."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from micro.cli import main
from micro.speech import corpus, mining
from micro.speech.features import FeatureGenerator
from micro.speech.network import predict_int8
from micro.speech.pipeline import KeywordModel
from micro.speech.wav import read_wav, write_wav

DATA = Path(__file__).resolve().parents[1] / "micro" / "speech" / "data"


def _wav(path: Path, value: int, seconds: float = 1.0) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, np.full(int(seconds * 16000), value, np.int16))


def _speakers_saying(
    data: Path, words: tuple[str, ...]
) -> tuple[list[str], dict[tuple[str, str], int]]:
    """Ten speakers, each with one clip of each word in ``data`` (Speech Commands layout),
    every clip one constant value: the speakers and each (speaker, word)'s value."""
    speakers = ["%08x" % (0x10000000 * i + 7) for i in range(1, 11)]
    value = {}
    for s, speaker in enumerate(speakers):
        for w, word in enumerate(words):
            value[speaker, word] = 100 * s + w + 1
            _wav(data / word / f"{speaker}_nohash_0.wav", value[speaker, word])
    return speakers, value


def test_mining_keeps_exactly_the_windows_scored_as_a_keyword() -> None:
    """Every window of a stream whose keyword score (TFLM's interpreter as the oracle)
    reaches the threshold, and no other."""
    model = (DATA / "yes_no.tflite").read_bytes()
    clips = [read_wav(DATA / f"demo_{w}.wav") for w in ("no", "silence", "yes")]
    stream = np.concatenate([*clips, np.zeros(8000, np.int16)])
    rows = FeatureGenerator().push(stream)
    every = np.stack([rows[i - 49 : i] for i in range(49, len(rows) + 1)])
    out = predict_int8(model, every).astype(np.float64)
    scale, zero = 1 / 256, -128  # the int8 softmax output's fixed quantization
    fired = ((out[:, 2:] - zero) * scale).max(axis=1) >= 0.5
    assert 0 < fired.sum() < len(fired)
    kept = mining.windows(KeywordModel(model), rows, 0.5, every=1)
    assert np.array_equal(kept, every[fired])
    kept2 = mining.windows(KeywordModel(model), rows, 0.5, every=2)
    assert np.array_equal(kept2, every[::2][fired[::2]])
    skip = np.zeros(len(rows), bool)
    skip[60:] = True  # windows ending at row 60 or later
    kept3 = mining.windows(KeywordModel(model), rows, 0.5, every=1, skip=skip)
    assert np.array_equal(kept3, every[:12][fired[:12]])


@pytest.mark.parametrize("repeats", [mining.KEYWORD_REPEATS, 1])
def test_keywords_laid_into_the_streams_are_positives_and_never_negatives(repeats: int) -> None:
    """A keyword among the streamed recordings gives windows that hold it whole, labelled
    as it, ``repeats`` copies of it; no window overlapping it is mined as unknown, however
    the model scores it."""
    model = (DATA / "yes_no.tflite").read_bytes()
    yes = read_wav(DATA / "demo_yes.wav")[:16000]
    others = [np.zeros(24000, np.int16) for _ in range(3)]
    mined = mining.mine(model, ["silence", "unknown", "yes", "no"], others, [], 0.0,
                        keywords=[(2, yes)], repeats=repeats)  # fmt: skip
    assert (mined.y == 2).sum() == mining.POSITIVES * repeats
    net = KeywordModel(model)
    assert all(net.classify(w)[0] == "yes" for w in mined.x[mined.y == 2])
    # threshold 0: every other window "fires"; those ending on any of the ~101 rows that
    # see a keyword (its 50 rows and the 49 after, 2 before) are passed over, but the stream
    # may end (after a pause of 0.2 s or more) before a last keyword's 49 rows after
    rows = (round(mined.seconds * 16000) - 480) // 320 + 1
    every_other = (rows - 48 + 1) // 2
    unknown = int((mined.y == 1).sum())
    assert every_other - 52 * repeats <= unknown <= every_other - 49 * repeats + 20


def test_only_train_side_non_keyword_audio_is_mined(tmp_path: Path) -> None:
    """Reserved and validation speakers and the keywords never reach the miner; other
    speech comes whole."""
    data, digits = tmp_path / "sc", tmp_path / "fsdd"
    speakers, value = _speakers_saying(data, ("yes", "up", "bed"))
    _wav(digits / "3_theo_0.wav", 7000, seconds=2.5)
    reserved = frozenset({speakers[0]})
    audio = mining.train_side_audio([data], reserved, 0.3, ["yes", "up"], [digits])
    train = [s for s in speakers[1:] if not corpus.is_validation(s, 0.3)]
    assert 0 < len(train) < 9
    expected = sorted(value[s, "bed"] for s in train)
    assert sorted(int(a[0]) for a in audio[:-1]) == expected
    assert all(len(a) == 16000 for a in audio[:-1])
    assert len(audio[-1]) == 40000 and int(audio[-1][0]) == 7000


def test_skipped_words_are_not_mined(tmp_path: Path) -> None:
    """``--mine-skip``: the train speakers' clips of the named words never reach the miner;
    other words and other speech do, as without it."""
    data, digits = tmp_path / "sc", tmp_path / "fsdd"
    speakers, value = _speakers_saying(data, ("no", "go", "bed"))
    _wav(digits / "0_theo_0.wav", 7000, seconds=1.5)
    train = [s for s in speakers if not corpus.is_validation(s, 0.3)]
    assert 0 < len(train) < 10

    def mined(skip: tuple[str, ...]) -> list[int]:
        audio = mining.train_side_audio([data], frozenset(), 0.3, ["no"], [digits], skip=skip)
        return sorted(int(a[0]) for a in audio)

    both = sorted([value[s, w] for s in train for w in ("go", "bed")] + [7000])
    assert mined(()) == both
    assert mined(("go",)) == sorted([value[s, "bed"] for s in train] + [7000])
    assert mined(("cat",)) == both  # a word the data lacks: nothing changes


def test_mine_options_are_refused_without_a_miner_or_on_a_keyword(tmp_path: Path) -> None:
    """``--mine-skip`` names words the miner leaves out and ``--mine-repeats`` what it lays:
    without ``--hard-negatives`` there is no miner, and a keyword is never mined as unknown
    anyway; each is refused before any data is read."""
    base = ["speech", "train", "--cache", str(tmp_path / "cache"), "--out", str(tmp_path / "m")]
    with pytest.raises(SystemExit, match="needs --hard-negatives"):
        main([*base, "--mine-skip", "go"])
    model = str(DATA / "yes_no.tflite")
    with pytest.raises(SystemExit, match="a keyword is never mined"):
        main([*base, "--hard-negatives", model, "--mine-skip", "go,no"])
    with pytest.raises(SystemExit, match=r"--mine-repeats N .* it needs it"):
        main([*base, "--mine-repeats", "1"])
    with pytest.raises(SystemExit, match="--mine-repeats N"):
        main([*base, "--hard-negatives", model, "--mine-repeats", "-1"])
    assert not (tmp_path / "cache").exists()


def test_mined_windows_are_cached_by_model_and_inputs(tmp_path: Path) -> None:
    model = (DATA / "yes_no.tflite").read_bytes()
    calls = []

    def compute() -> mining.Mined:
        calls.append(1)
        return mining.Mined(np.ones((3, 49, 40), np.int8), np.ones(3, np.int64), 12.5, "abc")

    first = mining.cached(lambda d: tmp_path / f"hard-{d}.npz", model, ("a", 0.5), compute)
    again = mining.cached(lambda d: tmp_path / f"hard-{d}.npz", model, ("a", 0.5), compute)
    assert len(calls) == 1 and np.array_equal(first.x, again.x) and again.seconds == 12.5
    mining.cached(lambda d: tmp_path / f"hard-{d}.npz", model, ("a", 0.6), compute)
    mining.cached(lambda d: tmp_path / f"hard-{d}.npz", model + b"x", ("a", 0.5), compute)
    assert len(calls) == 3


def test_a_clip_s_word_is_its_frames_within_20_db_of_the_loudest() -> None:
    clip = np.where(np.arange(16000) % 2 == 0, 50, -50).astype(np.int16)  # RMS 50: -26 dB
    clip[4000:9000] = 1000
    # 320-sample frames: 12 (3840-4160) holds 160 loud samples (RMS 707), 28 (8960-9280)
    # holds 40 (RMS 354), both above 100 (-20 dB); 11 and 29 hold only the floor
    assert mining.word_span(clip) == (3840, 9280)
    assert mining.word_span(np.zeros(16000, np.int16)) == (0, 16000)
    assert mining.word_span(np.zeros(100, np.int16)) == (0, 100)


def test_the_lag_of_an_augmented_copy_is_its_shift() -> None:
    rng = np.random.default_rng(3)
    original = np.zeros(16000)
    original[5000:11000] = rng.normal(0, 3000, 6000)
    for shift in (1234, -777, 0):
        copy = np.roll(original, shift) * 0.3 + rng.normal(0, 300, 16000)  # about 0 dB SNR
        assert mining.lag(original, copy, 3000) == shift


def test_whole_word_windows_hold_every_sample_of_the_word() -> None:
    # a word at samples 10000-17000: the window starting at row k reads samples 320 k up to
    # 320 (k + 48) + 480; k = 4 reaches 17120 (k = 3: 16800), k = 31 starts at 9920 (32: 10240)
    assert mining.whole_word_starts(10000, 17000, 200) == range(4, 32)
    assert mining.whole_word_starts(10000, 17000, 60) == range(4, 12)  # the stream ends
    assert not mining.whole_word_starts(0, 16000, 200)  # 16000 > 48 * 320 + 480 = 15840
    for k in mining.whole_word_starts(10000, 17000, 200):
        assert 320 * k <= 10000 and 320 * (k + 48) + 480 >= 17000
