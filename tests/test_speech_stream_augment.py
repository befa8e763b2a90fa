"""The keyword stream's conditions in training (micro/speech/realdata.py ``--low-snr``,
``--edge``): a share of the recorded copies mixed with noise at the stream's low SNR, a share
with the word's onset at the window's start or end; both off by default, and then the copies
and the cached features' names are as before."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from micro.cli import speech_train
from micro.speech import realdata
from micro.speech.wav import write_wav


def _word(start: int = 5000, length: int = 6000) -> np.ndarray:
    x = np.zeros(16000, np.int16)
    x[start : start + length] = (np.sin(np.arange(length) * 0.2) * 9000).astype(np.int16)
    return x


def _spy_snr(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The SNR of every ``mix_noise`` call ``augment`` makes."""
    asked: list[float] = []
    mix = realdata.mix_noise

    def spy(rng: np.random.Generator, clip: np.ndarray, noises: Any, snr_db: float) -> Any:
        asked.append(snr_db)
        return mix(rng, clip, noises, snr_db)

    monkeypatch.setattr(realdata, "mix_noise", spy)
    return asked


def test_onset_is_the_first_frame_near_the_loudest() -> None:
    assert realdata.onset(_word(start=4800)) == 4800
    quiet_then_loud = _word(start=1600, length=14000).astype(np.float64)
    quiet_then_loud[:3200] *= 0.01  # 40 dB down: not yet the word
    assert realdata.onset(quiet_then_loud) == 3200
    assert realdata.onset(np.zeros(16000)) == 0


def test_low_snr_share_mixes_at_the_stream_range(monkeypatch: pytest.MonkeyPatch) -> None:
    asked = _spy_snr(monkeypatch)
    rng = np.random.default_rng(3)
    lo, hi = realdata.LOW_SNR_DB
    assert lo < 0.0 < hi
    for _ in range(200):
        realdata.augment(rng, _word(), [], low_snr=1.0)
    assert len(asked) == 200 and all(lo <= s <= hi for s in asked)
    assert min(asked) < 0.0  # below every usual copy's SNR
    asked.clear()
    for _ in range(400):
        realdata.augment(rng, _word(), [])
    # by default: 75 % of the copies, at 0..30 dB
    assert 0.65 < len(asked) / 400 < 0.85 and all(0.0 <= s <= 30.0 for s in asked)
    asked.clear()
    for _ in range(400):
        realdata.augment(rng, _word(), [], low_snr=0.5)
    low = [s for s in asked if s < 0.0]
    assert 0.1 < len(low) / 400 < 0.4  # half the copies in the low range, half of those < 0


def test_low_snr_copies_are_noisier_than_the_usual(monkeypatch: pytest.MonkeyPatch) -> None:
    """Measured on the copies, apart from the draws: a sine word (room and microphone left
    out) on white noise, the word's and the noise's power read off the spectrum; the SNR as
    ``mix_noise`` states it (the word's loudest 100 ms: the sine's RMS)."""
    monkeypatch.setattr(realdata.synth, "convolve", lambda x, _h: x)
    monkeypatch.setattr(realdata.synth, "microphone", lambda _rng, x: x)
    noise = [np.random.default_rng(1).standard_normal(48000) * 1000.0]
    length = 6000

    def snr(copy: np.ndarray) -> float:
        power = np.abs(np.fft.rfft(copy.astype(np.float64))) ** 2
        k = round(0.2 / (2 * np.pi) * 16000)  # the sine's bin
        near = np.zeros(len(power), bool)
        near[k - 40 : k + 41] = True
        floor = float(np.median(power[~near]))  # white noise: the same in every bin
        sine = float(power[near].sum() - floor * near.sum())
        noise_var = floor / 16000 * 2 / np.log(2) / 2  # median of |X|^2 of white noise
        word_rms = np.sqrt(max(sine, 1e-9) * 2 / 16000 / length)
        return float(20 * np.log10(word_rms / np.sqrt(noise_var + 1e-9)))

    rng = np.random.default_rng(5)
    low = np.array([snr(realdata.augment(rng, _word(), noise, low_snr=1.0)) for _ in range(60)])
    lo, hi = realdata.LOW_SNR_DB
    assert np.median(low) == pytest.approx((lo + hi) / 2, abs=3.0)
    assert (low > lo - 4.0).all() and (low < hi + 4.0).all()
    assert np.mean(low < 0.0) > 0.25
    usual = np.array([snr(realdata.augment(rng, _word(), noise)) for _ in range(60)])
    assert np.median(usual) > hi + 4.0 and np.mean(usual < -1.0) < 0.05


def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    """No noise, room or microphone: the word's onset can be read off the copy."""
    monkeypatch.setattr(realdata, "mix_noise", lambda _rng, x, _n, _snr: x)
    monkeypatch.setattr(realdata.synth, "convolve", lambda x, _h: x)
    monkeypatch.setattr(realdata.synth, "microphone", lambda _rng, x: x)


def test_edge_share_puts_the_onset_at_the_window_edges(monkeypatch: pytest.MonkeyPatch) -> None:
    _clean(monkeypatch)
    rng = np.random.default_rng(4)
    word = _word(start=4000)
    onsets = np.array(
        [realdata.onset(realdata.augment(rng, word, [], edge=1.0)) for _ in range(200)]
    )
    onsets = onsets / 16000.0
    early = (onsets >= realdata.EDGE_EARLY[0]) & (onsets < realdata.EDGE_EARLY[1] + 0.01)
    late = (onsets >= realdata.EDGE_LATE[0] - 0.01) & (onsets < realdata.EDGE_LATE[1] + 0.01)
    assert (early | late).all()
    assert 0.35 < early.mean() < 0.65
    # by default the word moves at most 1/6 s from where it was recorded
    usual = np.array([realdata.onset(realdata.augment(rng, word, [])) for _ in range(200)])
    assert (np.abs(usual - 4000) <= 16000 // 6 + 160).all()


def test_edge_copies_keep_their_length_and_cut_a_late_word() -> None:
    rng = np.random.default_rng(6)
    word = _word(start=2000, length=12000)  # 0.75 s: a late onset runs past the end
    for _ in range(50):
        out = realdata.augment(rng, word, [], edge=1.0)
        assert out.shape == (16000,) and out.dtype == np.int16
        assert np.abs(out).max() > 0


def test_shares_of_zero_leave_the_copies_as_they_were() -> None:
    """With both shares 0 no extra random draw is made: the same seed gives the same copies,
    and the generator is left where the copy without the options leaves it."""
    noise = [np.random.default_rng(1).standard_normal(40000) * 300.0]
    a, b = np.random.default_rng(9), np.random.default_rng(9)
    for _ in range(20):
        x = realdata.augment(a, _word(), noise, 0.1)
        y = realdata.augment(b, _word(), noise, 0.1, low_snr=0.0, edge=0.0)
        assert np.array_equal(x, y)
    assert a.random() == b.random()
    # a share changes the copies
    c = np.random.default_rng(9)
    changed = [realdata.augment(c, _word(), noise, 0.1, low_snr=0.5, edge=0.5) for _ in range(20)]
    d = np.random.default_rng(9)
    usual = [realdata.augment(d, _word(), noise, 0.1) for _ in range(20)]
    assert any(not np.array_equal(p, q) for p, q in zip(changed, usual, strict=True))


def test_shares_name_the_cached_features_only_when_set() -> None:
    cfg = realdata.RealConfig(Path("data"), frozenset({"0a1b2c3d"}))
    labels = ["silence", "unknown", "yes", "no"]
    names = {
        realdata.digest(replace(cfg, low_snr=s, edge=e), labels, "f")
        for s, e in ((0.0, 0.0), (0.25, 0.0), (0.0, 0.25), (0.25, 0.25), (0.5, 0.25))
    }
    assert len(names) == 5
    # unset, they are not part of the name: a config made before they existed names the
    # same features (its fields are the same but for the two, and the later decoys)
    before = {k: v for k, v in vars(cfg).items() if k not in ("low_snr", "edge", "decoys")}
    # set, the decoys name other features (their clips' labels and copies differ)
    assert realdata.digest(replace(cfg, decoys=("go",)), labels, "f") not in names
    assert realdata.digest(cfg, labels, "f") == _digest_of(before, labels, "f")


def _digest_of(fields: dict[str, Any], labels: list[str], frontend: str) -> str:
    """``realdata.digest``'s rule, written out for a dict of fields (no further folders)."""
    import hashlib

    items = [
        (k, sorted(v) if isinstance(v, frozenset) else v)
        for k, v in fields.items()
        if k not in ("speech", "speech_copies")
        and not (k in ("more_data", "speed", "tuning_fraction") and not v)
    ]
    text = repr((items, tuple(labels), frontend, realdata.VERSION))
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def test_build_passes_the_shares_to_every_recorded_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n, speaker in enumerate(("11111111", "22222222", "33333333", "44444444")):
        for word in ("yes", "no", "up"):
            (tmp_path / word).mkdir(exist_ok=True)
            write_wav(tmp_path / word / f"{speaker}_nohash_{n}.wav", _word())
    seen: list[tuple[float, float]] = []
    augment = realdata.augment

    def spy(rng: np.random.Generator, audio: np.ndarray, noises: Any, speed: float = 0.0,
            low_snr: float = 0.0, edge: float = 0.0) -> np.ndarray:  # fmt: skip
        seen.append((low_snr, edge))
        return augment(rng, audio, noises, speed, low_snr, edge)

    monkeypatch.setattr(realdata, "augment", spy)
    cfg = realdata.RealConfig(tmp_path, frozenset(), keyword_copies=2, unknown_copies=1,
                              low_snr=0.25, edge=0.4)  # fmt: skip
    data = realdata.build(
        cfg, ["silence", "unknown", "yes", "no"], lambda c: np.zeros((49, 40), np.int8)
    )
    rows = sum(1 for y in data.y_train if y >= 1)
    assert rows == len(seen) > 0 and set(seen) == {(0.25, 0.4)}


def test_command_line_takes_shares_from_0_to_1() -> None:
    p = argparse.ArgumentParser()
    speech_train.add_arguments(p)
    args = p.parse_args(["--low-snr", "0.25", "--edge", "0.3"])
    assert (args.low_snr, args.edge) == (0.25, 0.3)
    assert (p.parse_args([]).low_snr, p.parse_args([]).edge) == (0.0, 0.0)
    for bad in (["--low-snr", "1.5"], ["--edge", "-0.1"], ["--edge", "half"]):
        with pytest.raises(SystemExit):
            p.parse_args(bad)
