"""The speech demo: features identical to TFLM's preprocessor, TFLM's micro_speech model
classifying the shared clips, the listener, and the CLI (the recognizer and the .wav reader:
test_speech_recognizer.py, test_speech_wav.py)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support.models import T, one_op_model
from support.oracle import tflm
from support.reference import reference_path
from support.wavs import write_pcm

import micro
from micro.cli import main
from micro.speech import evaluate, frontend
from micro.speech.features import BUNDLED_PREPROCESSOR, FeatureGenerator, bundled_preprocessor
from micro.speech.pipeline import KeywordModel, Listener
from micro.speech.recognizer import LABELS, Detection, Recognizer
from micro.speech.wav import read_wav, resample, write_wav

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
    names = ["go", "bed", "go"]
    stream, segments = evaluate.false_alarm_stream(words, [folder], noise, 3, 1.0, names)
    again, _ = evaluate.false_alarm_stream(words, [folder], noise, 3, fraction=1.0)
    np.testing.assert_array_equal(stream, again)  # the names change nothing laid
    assert [s.source for s in segments] == ["other words"] * 3 + ["digits"] * 2
    # each clip's group: its word, else the recording's group (no speaker named: its file)
    assert [s.group for s in segments] == [*names, "0", "1"]
    with pytest.raises(ValueError, match="2 names for 3"):
        evaluate.false_alarm_stream(words, [], noise, 3, 1.0, ["go", "bed"])
    assert [s.end - s.start for s in segments] == [16000] * 3 + [8000, 5000]
    gaps = [b.start - a.end for a, b in itertools.pairwise(segments)]
    assert all(0.2 * 16000 <= g < 1.5 * 16000 for g in gaps)
    assert len(stream) > segments[-1].end
    # the noise bed lies under the pauses: nothing is silent
    assert np.abs(stream[segments[0].end : segments[1].start]).max() > 0

    def at(sample: int) -> Detection:
        return Detection("yes", 0.9, sample / 16000)

    def said(label: str, sample: int) -> Detection:
        return Detection(label, 0.9, sample / 16000)

    last = segments[-1]
    found = [at(segments[1].start + 1), at(segments[1].end + 16000), at(last.end + 16001)]
    found += [said("no", segments[2].start + 5), said("no", segments[4].end)]
    report = evaluate.false_alarm_report(found, len(stream), segments)
    # 1 s after "bed" ends the next "go" has begun: an alarm is the last clip's to start
    assert segments[2].start <= segments[1].end + 16000
    assert report["count"] == 5
    assert report["minutes"] == round(len(stream) / 16000 / 60, 2)
    assert report["by_source"]["other words"] == {
        "count": 3,
        "minutes": round(3 / 60, 2),
        "words": {"no": 1, "yes": 2},
        "groups": {"bed": {"yes": 1}, "go": {"no": 1, "yes": 1}},
    }
    assert report["by_source"]["digits"]["count"] == 1
    assert report["by_source"]["digits"]["words"] == {"no": 1}
    assert report["by_source"]["digits"]["groups"] == {"1": {"no": 1}}
    assert report["by_source"]["between clips"]["count"] == 1
    assert report["by_source"]["between clips"]["words"] == {"yes": 1}
    assert "groups" not in report["by_source"]["between clips"]
    # without names (as ``tuning`` lays its streams): no groups, the counts as before
    plain = [evaluate.Segment(s.source, s.start, s.end) for s in segments]
    again_report = evaluate.false_alarm_report(found, len(stream), plain)
    assert "groups" not in again_report["by_source"]["other words"]
    assert again_report["by_source"]["other words"]["count"] == 3


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
    stereo = write_pcm(
        tmp_path / "stereo.wav", np.repeat(up, 2).astype("<i2").tobytes(), 2, 2, 44100
    )
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


def test_cli_uses_the_labels_a_retrained_model_s_card_lists(
    tmp_path: Path, reference: Ref, capsys: pytest.CaptureFixture[str]
) -> None:
    """`micro speech train --words up,down` writes up_down.json beside the model; the demo
    names what the model's scores mean from it (TFLM's model, relabelled: its third score
    is what it heard in the yes clip)."""
    model = tmp_path / "up_down.tflite"
    model.write_bytes(reference(f"{SPEECH}/micro_speech_quantized.tflite").read_bytes())
    (tmp_path / "up_down.json").write_text('{"labels": ["silence", "unknown", "up", "down"]}')
    wav = str(reference(f"{SPEECH}/testdata/yes_1000ms.wav"))
    assert main(["speech", wav, "--model", str(model)]) == 0
    assert "heard 'up'" in capsys.readouterr().out
    (tmp_path / "up_down.json").write_text('{"labels": "up,down"}')
    assert main(["speech", wav, "--model", str(model)]) != 0
    assert "'labels' is not a list of names" in capsys.readouterr().err


def test_cli_refuses_a_model_that_is_no_keyword_model(
    reference: Ref, capsys: pytest.CaptureFixture[str]
) -> None:
    model = str(reference("tflm/person_detection/person_detect.tflite"))  # int8, 2 scores
    wav = str(reference(f"{SPEECH}/testdata/yes_1000ms.wav"))
    assert main(["speech", wav, "--model", model]) != 0
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "this model's holds 2 values: give a keyword model" in err[0]


def test_cli_refuses_a_float_keyword_model(
    tmp_path: Path, reference: Ref, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "float.tflite"
    model.write_bytes(one_op_model("RELU", [T((1, 4), "float32")], [T((1, 4), "float32")]))
    wav = str(reference(f"{SPEECH}/testdata/yes_1000ms.wav"))
    assert main(["speech", wav, "--model", str(model)]) != 0
    assert capsys.readouterr().err.strip() == (
        "error: a keyword model takes int8 features (the preprocessor's rows); this model "
        "takes float32: convert it with full-integer int8 quantization"
    )


def test_cli_refuses_a_preprocessor_that_is_no_preprocessor(
    reference: Ref, capsys: pytest.CaptureFixture[str]
) -> None:
    model = str(reference(f"{SPEECH}/micro_speech_quantized.tflite"))
    wav = str(reference(f"{SPEECH}/testdata/yes_1000ms.wav"))
    assert main(["speech", wav, "--preprocessor", model]) != 0
    assert capsys.readouterr().err.strip() == (
        "error: an audio preprocessor takes one int16 frame of audio and gives int8 features; "
        "this model takes int8 [1, 1960] and gives int8"
    )


def test_cli_listen_without_a_microphone(
    reference: Ref, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "sounddevice", None)  # as if not installed
    model = str(reference(f"{SPEECH}/micro_speech_quantized.tflite"))
    assert main(["speech", "--listen", "--model", model]) != 0
    assert "needs the sounddevice package" in capsys.readouterr().err
