"""The speech demo's .wav reader and resampler (micro/speech/wav.py): every PCM width, rate
and channel count read to 16 kHz mono int16, and clear refusals of what is not audio,
empty, truncated or absurd (on their own and through `micro speech`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from support.wavs import write_pcm

import micro
from micro.cli import main
from micro.speech.wav import AudioError, read_wav, resample, write_wav


def test_wav_16k_int16_is_read_exactly(tmp_path: Path) -> None:
    audio = np.random.default_rng(0).integers(-32768, 32767, 1000, dtype=np.int16)
    write_wav(tmp_path / "a.wav", audio)
    np.testing.assert_array_equal(read_wav(tmp_path / "a.wav"), audio)


@pytest.mark.parametrize("width", [1, 2, 3, 4])
@pytest.mark.parametrize("rate", [8000, 16000, 44100])
def test_wav_widths_rates_and_channels(tmp_path: Path, width: int, rate: int) -> None:
    t = np.arange(rate) / rate
    tone = 0.5 * np.sin(2 * np.pi * 440 * t)
    full = float(1 << (8 * width - 1))
    ints = np.round(tone * full).astype(np.int64)
    stereo = np.stack([ints, ints], axis=1).reshape(-1)
    if width == 1:
        raw = (stereo + 128).astype(np.uint8).tobytes()
    else:
        raw = b"".join(int(v).to_bytes(width, "little", signed=True) for v in stereo)
    got = read_wav(write_pcm(tmp_path / "t.wav", raw, 2, width, rate))
    assert len(got) == 16000
    want = 0.5 * np.sin(2 * np.pi * 440 * np.arange(16000) / 16000) * 32768
    tolerance = 300 if width == 1 else 40  # 8-bit audio is coarse
    assert np.abs(got[64:-64] - want[64:-64]).max() < tolerance


def test_resampling_removes_what_the_target_cannot_hold() -> None:
    t = np.arange(44100) / 44100
    above_nyquist = np.sin(2 * np.pi * 11000 * t)
    assert np.abs(resample(above_nyquist, 44100, 16000)[100:-100]).max() < 1e-3


@pytest.mark.parametrize(("source", "target"), [(22050, 16000), (8000, 16000), (16000, 17120.5)])
def test_resampling_is_the_windowed_sinc_sum(source: float, target: float) -> None:
    """Output samples against the sum written out (32 taps each side, Kaiser beta 8, cut-off
    at the lower Nyquist): the whole-rate path (one kernel per phase) and the any-ratio
    path (a kernel per sample) compute the same thing."""
    x = np.random.default_rng(1).normal(0, 1000, 3000)
    y = resample(x, source, target)
    cutoff = min(1.0, target / source)
    for n in (0, 1, 7, 320, len(y) // 2, len(y) - 1):
        t = n * source / target
        k = np.arange(int(np.floor(t)) - 31, int(np.floor(t)) + 33)
        d = t - k
        w = np.i0(8.0 * np.sqrt(np.clip(1 - (d / 32) ** 2, 0, 1))) / np.i0(8.0)
        inside = (k >= 0) & (k < len(x))
        want = np.sum(x[k[inside]] * (cutoff * np.sinc(cutoff * d) * w)[inside])
        assert y[n] == pytest.approx(want, abs=1e-6)


def test_wav_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="no such file"):
        read_wav(tmp_path / "missing.wav")
    (tmp_path / "text.wav").write_text("not audio at all")
    with pytest.raises(AudioError, match=r"not a PCM \.wav file.*sox"):
        read_wav(tmp_path / "text.wav")
    (tmp_path / "short.wav").write_text("hello")  # shorter than a header: EOFError, no text
    with pytest.raises(AudioError, match=r"not a PCM \.wav file \(the file ends inside the"):
        read_wav(tmp_path / "short.wav")
    # A float (format 3) .wav: the stdlib reader refuses it, and so do we, clearly.
    header = bytearray(write_pcm(tmp_path / "f.wav", b"\0" * 8, 1, 4, 16000).read_bytes())
    header[20:22] = (3).to_bytes(2, "little")
    (tmp_path / "float.wav").write_bytes(bytes(header))
    with pytest.raises(AudioError, match=r"not a PCM \.wav file"):
        read_wav(tmp_path / "float.wav")
    assert issubclass(AudioError, micro.MicroError)


def _hostile_wavs(tmp_path: Path) -> dict[str, Path]:
    """Files that must each be one clear error, never an empty run or minutes of work."""
    empty = write_pcm(tmp_path / "empty.wav", b"", 1, 2, 16000)
    good = write_pcm(tmp_path / "good.wav", b"\1\0" * 1600, 1, 2, 16000).read_bytes()
    (tmp_path / "truncated.wav").write_bytes(good[:44])  # data chunk announced, then cut
    (tmp_path / "half.wav").write_bytes(good[: 44 + 1000])
    slow = write_pcm(tmp_path / "slow.wav", b"\1\0" * 16000, 1, 2, 16000).read_bytes()
    slow_header = bytearray(slow)
    slow_header[24:28] = (1).to_bytes(4, "little")  # claims 1 Hz: 16,000 s to resample
    (tmp_path / "1hz.wav").write_bytes(bytes(slow_header))
    return {
        "empty": empty,
        "truncated": tmp_path / "truncated.wav",
        "half": tmp_path / "half.wav",
        "1hz": tmp_path / "1hz.wav",
    }


def test_empty_truncated_and_absurd_wavs_are_refused(tmp_path: Path) -> None:
    wavs = _hostile_wavs(tmp_path)
    with pytest.raises(AudioError, match="holds no audio samples"):
        read_wav(wavs["empty"])
    with pytest.raises(AudioError, match=r"holds no audio|truncated"):
        read_wav(wavs["truncated"])
    with pytest.raises(AudioError, match="truncated: the header announces 1600 frames"):
        read_wav(wavs["half"])
    with pytest.raises(AudioError, match="at 1 Hz is not audio micro can use"):
        read_wav(wavs["1hz"])


def test_cli_exits_nonzero_with_one_line_on_hostile_wavs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, path in _hostile_wavs(tmp_path).items():
        assert main(["speech", str(path)]) != 0, name
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error: "), (name, err)
