"""The speech demo: features identical to TFLM's preprocessor, TFLM's micro_speech model
classifying the shared clips, the recognizer, the .wav reader and the CLI."""

from __future__ import annotations

import itertools
import wave
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support.oracle import tflm
from support.reference import reference_path

import micro
from micro.cli import main
from micro.speech import evaluate, frontend
from micro.speech.features import BUNDLED_PREPROCESSOR, FeatureGenerator, bundled_preprocessor
from micro.speech.pipeline import KeywordModel, Listener
from micro.speech.recognizer import LABELS, Detection, Recognizer
from micro.speech.wav import AudioError, read_wav, resample, write_wav

Ref = Callable[[str], Path]


SPEECH = "tflm/micro_speech"
CLIPS = {"yes": "yes", "no": "no", "silence": "silence", "noise": "silence"}
DATA = Path(__file__).resolve().parents[1] / "micro" / "speech" / "data"


def _tflm_features(model: bytes, audio: np.ndarray) -> np.ndarray:
    """TFLM's interpreter on each 30 ms window, every 20 ms, from a reset state."""
    runtime = tflm()

    it = runtime.Interpreter.from_bytes(model, arena_size=1 << 16)
    rows = []
    for start in range(0, len(audio) - 480 + 1, 320):
        it.set_input(audio[start : start + 480].reshape(1, 480), 0)
        it.invoke()
        rows.append(np.array(it.get_output(0)))
    return np.array(rows, dtype=np.int8).reshape(-1, 40)


@pytest.fixture(scope="module")
def tflm_preprocessor() -> bytes:
    return reference_path(f"{SPEECH}/audio_preprocessor_int8.tflite").read_bytes()


@pytest.mark.parametrize("clip", sorted(CLIPS))
def test_features_identical_to_tflm_frame_by_frame(
    clip: str, reference: Ref, tflm_preprocessor: bytes
) -> None:
    audio = read_wav(reference(f"{SPEECH}/testdata/{clip}_1000ms.wav"))
    want = _tflm_features(tflm_preprocessor, audio)
    assert want.shape == (49, 40)
    for model in (tflm_preprocessor, None):  # TFLM's model in micro, and micro's own model
        gen = FeatureGenerator(model)
        np.testing.assert_array_equal(gen.features(audio), want)
        # Streaming in uneven pieces gives the same rows (state carries across pushes).
        gen.reset()
        rng = np.random.default_rng(len(clip))
        pieces, pos = [], 0
        while pos < len(audio):
            n = int(rng.integers(1, 900))
            pieces.append(gen.push(audio[pos : pos + n]))
            pos += n
        np.testing.assert_array_equal(np.concatenate(pieces), want)


def test_own_preprocessor_identical_on_random_audio(tflm_preprocessor: bytes) -> None:
    rng = np.random.default_rng(5)
    audio = np.concatenate(
        [
            rng.integers(-32768, 32767, 8000, dtype=np.int16),
            (rng.normal(0, 300, 8000)).astype(np.int16),
            np.zeros(3000, np.int16),
            (8000 * np.sin(np.arange(8000) * 0.3)).astype(np.int16),
        ]
    )
    want = _tflm_features(tflm_preprocessor, audio)
    np.testing.assert_array_equal(FeatureGenerator().features(audio), want)
    np.testing.assert_array_equal(_tflm_features(bundled_preprocessor(), audio), want)


def test_bundled_preprocessor_is_the_generated_one() -> None:
    assert (DATA / BUNDLED_PREPROCESSOR).read_bytes() == frontend.build_preprocessor()


def test_preprocessor_has_tflm_ops(tflm_preprocessor: bytes) -> None:
    ours = micro.load_model(frontend.build_preprocessor()).subgraphs[0].operators
    theirs = micro.load_model(tflm_preprocessor).subgraphs[0].operators
    assert [op.name for op in ours] == [op.name for op in theirs]


@pytest.mark.parametrize("clip", sorted(CLIPS))
def test_tflm_model_classifies_the_shared_clips(clip: str, reference: Ref) -> None:
    model = KeywordModel(reference(f"{SPEECH}/micro_speech_quantized.tflite"))
    features = FeatureGenerator().features(
        read_wav(reference(f"{SPEECH}/testdata/{clip}_1000ms.wav"))
    )
    label, score = model.classify(features)
    assert label == CLIPS[clip], (label, score)


def test_listener_hears_yes_and_no(reference: Ref) -> None:
    listener = Listener(
        reference(f"{SPEECH}/micro_speech_quantized.tflite"),
        recognizer=Recognizer(window=0.5, suppression=1.0, min_results=1),
    )
    silence = np.zeros(8000, np.int16)
    audio = np.concatenate(
        [
            read_wav(reference(f"{SPEECH}/testdata/yes_1000ms.wav")),
            silence,
            read_wav(reference(f"{SPEECH}/testdata/no_1000ms.wav")),
            silence,
        ]
    )
    heard = []
    for start in range(0, len(audio), 320):  # 20 ms blocks, as a microphone delivers them
        heard += listener.push(audio[start : start + 320])
    assert [d.label for d in heard] == ["yes", "no"]
    assert 0.9 < heard[0].time < 1.5 and 2.4 < heard[1].time < 3.0
    assert len(listener.trace.features) == (len(audio) - 480) // 320 + 1


def test_keywords_in_a_stream_counts_each_clip_by_its_own_span(reference: Ref) -> None:
    """TFLM's model hears TFLM's yes and no clips laid one after another on TFLM's
    silence clip (a quiet room's hiss, 15 dB below the speech); swapped labels are heard as
    nothing; other words are not laid in the stream."""
    model = reference(f"{SPEECH}/micro_speech_quantized.tflite").read_bytes()
    yes, no, room = (
        read_wav(reference(f"{SPEECH}/testdata/{name}_1000ms.wav"))
        for name in ("yes", "no", "silence")
    )
    bed = [room]
    right = evaluate.keywords_in_stream(model, LABELS, ["yes", "bed", "no"], [yes, room, no], bed)
    assert right == {"heard": 2, "total": 2, "stray": 0}
    swapped = evaluate.keywords_in_stream(model, LABELS, ["no", "yes"], [yes, no], bed)
    assert swapped == {"heard": 0, "total": 2, "stray": 0}


def test_false_alarm_stream_lays_the_held_out_recordings_and_counts_by_source(
    tmp_path: Path,
) -> None:
    """Other words, then every held-out recording of each speech folder whole (an 8 kHz one
    resampled; fraction 1: all held out), on the noise bed; the same stream for the same
    seed; an alarm belongs to the clip in view (to 1 s after its end), else to the pauses
    between clips."""
    rng = np.random.default_rng(0)
    words = [rng.integers(-3000, 3000, 16000).astype(np.int16) for _ in range(3)]
    folder = tmp_path / "digits"
    folder.mkdir()
    takes = [rng.integers(-3000, 3000, n).astype(np.int16) for n in (4000, 2500)]
    for i, take in enumerate(takes):
        write_wav(folder / f"{i}.wav", take, 8000)
    noise = [rng.integers(-100, 100, 20000).astype(np.int16)]
    stream, segments = evaluate.false_alarm_stream(words, [folder], noise, 3, fraction=1.0)
    again, _ = evaluate.false_alarm_stream(words, [folder], noise, 3, fraction=1.0)
    np.testing.assert_array_equal(stream, again)
    assert [s.source for s in segments] == ["other words"] * 3 + ["digits"] * 2
    assert [s.end - s.start for s in segments] == [16000] * 3 + [8000, 5000]
    gaps = [b.start - a.end for a, b in itertools.pairwise(segments)]
    assert all(0.2 * 16000 <= g < 1.5 * 16000 for g in gaps)
    assert len(stream) > segments[-1].end
    # the noise bed lies under the pauses: nothing is silent
    assert np.abs(stream[segments[0].end : segments[1].start]).max() > 0

    def at(sample: int) -> Detection:
        return Detection("yes", 0.9, sample / 16000)

    last = segments[-1]
    found = [at(segments[1].start + 1), at(segments[1].end + 16000), at(last.end + 16001)]
    report = evaluate.false_alarm_report(found, len(stream), segments)
    assert report["count"] == 3
    assert report["minutes"] == round(len(stream) / 16000 / 60, 2)
    assert report["by_source"]["other words"] == {"count": 2, "minutes": round(3 / 60, 2)}
    assert report["by_source"]["digits"]["count"] == 0
    assert report["by_source"]["between clips"]["count"] == 1


# -- recognizer on synthetic score streams ----------------------------------------------------

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
    import json

    from micro.speech.card import recognizer_settings

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


# -- wav reading ------------------------------------------------------------------------------


def _write(path: Path, data: bytes, channels: int, width: int, rate: int) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(data)
    return path


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
    got = read_wav(_write(tmp_path / "t.wav", raw, 2, width, rate))
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
    # A float (format 3) .wav: the stdlib reader refuses it, and so do we, clearly.
    header = bytearray(_write(tmp_path / "f.wav", b"\0" * 8, 1, 4, 16000).read_bytes())
    header[20:22] = (3).to_bytes(2, "little")
    (tmp_path / "float.wav").write_bytes(bytes(header))
    with pytest.raises(AudioError, match=r"not a PCM \.wav file"):
        read_wav(tmp_path / "float.wav")
    assert issubclass(AudioError, micro.MicroError)


def _hostile_wavs(tmp_path: Path) -> dict[str, Path]:
    """Files that must each be one clear error, never an empty run or minutes of work."""
    empty = _write(tmp_path / "empty.wav", b"", 1, 2, 16000)
    good = _write(tmp_path / "good.wav", b"\1\0" * 1600, 1, 2, 16000).read_bytes()
    (tmp_path / "truncated.wav").write_bytes(good[:44])  # data chunk announced, then cut
    (tmp_path / "half.wav").write_bytes(good[: 44 + 1000])
    slow = _write(tmp_path / "slow.wav", b"\1\0" * 16000, 1, 2, 16000).read_bytes()
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


# -- the command line -------------------------------------------------------------------------


def test_cli_file_and_plot(
    reference: Ref, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = str(reference(f"{SPEECH}/micro_speech_quantized.tflite"))
    wav = str(reference(f"{SPEECH}/testdata/yes_1000ms.wav"))
    png = tmp_path / "run.png"
    assert main(["speech", wav, "--model", model, "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    assert "yes_1000ms.wav: heard 'yes'" in out
    assert png.read_bytes().startswith(b"\x89PNG")
    # A 44.1 kHz stereo copy is resampled and heard the same way.
    audio = read_wav(wav).astype(np.float64) / 32768
    up = np.round(resample(audio, 16000, 44100) * 32767).astype(np.int16)
    stereo = _write(tmp_path / "stereo.wav", np.repeat(up, 2).astype("<i2").tobytes(), 2, 2, 44100)
    assert main(["speech", str(stereo), "--model", model]) == 0
    assert "heard 'yes'" in capsys.readouterr().out


def test_cli_demo(reference: Ref, capsys: pytest.CaptureFixture[str]) -> None:
    model = str(reference(f"{SPEECH}/micro_speech_quantized.tflite"))
    assert main(["speech", "--demo", "--model", model]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("demo_yes.wav: heard 'yes'") for line in lines)
    assert any(line.startswith("demo_no.wav: heard 'no'") for line in lines)
    assert any(line.startswith("demo_silence.wav: heard nothing") for line in lines)


def test_cli_errors(tmp_path: Path, reference: Ref, capsys: pytest.CaptureFixture[str]) -> None:
    model = str(reference(f"{SPEECH}/micro_speech_quantized.tflite"))
    assert main(["speech", str(tmp_path / "none.wav"), "--model", model]) != 0
    assert "no such file" in capsys.readouterr().err
    assert main(["speech", "--model", model]) != 0
    assert "exactly one of" in capsys.readouterr().err


def test_cli_listen_without_a_microphone(
    reference: Ref, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "sounddevice", None)  # as if not installed
    model = str(reference(f"{SPEECH}/micro_speech_quantized.tflite"))
    assert main(["speech", "--listen", "--model", model]) != 0
    assert "needs the sounddevice package" in capsys.readouterr().err
