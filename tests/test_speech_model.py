"""The bundled yes/no model (micro/speech/data/yes_no.tflite) and its training data pipeline.

The model must classify TFLM's four micro_speech test clips (real recordings it never saw:
yes, no, background noise, silence) as TFLM's own evaluate_test expects, when run by TFLM's
interpreter and by micro. Features for TFLM's run come from TFLM's preprocessor model; for
micro's run from micro's own front end.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from support.oracle import tflm

from micro.speech import synth
from micro.speech.wav import read_wav, resample

DATA = Path(__file__).resolve().parents[1] / "micro" / "speech" / "data"
MODEL = DATA / "yes_no.tflite"
LABELS = ["silence", "unknown", "yes", "no"]
# (expected label, file) as in TFLM's examples/micro_speech/evaluate_test.py
CLIPS = [
    ("yes", "yes_1000ms.wav"),
    ("no", "no_1000ms.wav"),
    ("silence", "noise_1000ms.wav"),
    ("silence", "silence_1000ms.wav"),
]
MICRO_SPEECH = "tflm/micro_speech"


def tflm_features(preprocessor: Path, clip: np.ndarray) -> np.ndarray:
    """49x40 int8 features: TFLM's preprocessor, 30 ms windows every 20 ms, state reset."""
    runtime = tflm()

    pre = runtime.Interpreter.from_bytes(preprocessor.read_bytes())
    out = np.empty((49, 40), np.int8)
    for i in range(49):
        pre.set_input(clip[i * 320 : i * 320 + 480].reshape(1, 480), 0)
        pre.invoke()
        out[i] = pre.get_output(0)
    return out


def test_model_is_small() -> None:
    assert MODEL.stat().st_size <= 20 * 1024


def test_card_matches_model() -> None:
    report = json.loads(MODEL.with_suffix(".json").read_text())
    assert report["labels"] == LABELS
    assert report["size_bytes"] == MODEL.stat().st_size
    assert report["trained_on"] == ["recorded", "synthetic"]
    held = report["held_out_accuracy"]
    assert set(held["per_class"]) == set(LABELS)
    assert report["held_out"]["voice_count"] > 0
    sc = report["sources"]["speech_commands"]
    assert sc["commit"] == "c66f6b0d78fe9218f6de9d07189691cfae077bee"
    assert sc["licence"] == "CC BY 4.0"
    listed = (DATA / "yes_no.files.txt").read_text().splitlines()
    assert sc["train_files"] == len(
        [f for f in listed if not f.startswith(("noise: ", "speech: "))]
    )
    other = report["sources"].get("other_speech", {})
    assert sum(o["train_files"] for o in other.values()) == len(
        [f for f in listed if f.startswith("speech: ")]
    )
    assert all(o["commit"] and o["licence"] for o in other.values())
    demo = report["validation_speakers"]["demo"]
    assert set(demo) == {"yes", "no", "other words", "silence"}
    assert all(row["total"] > 0 for row in demo.values())
    # the ablation (same recipe, one kind of speech) was measured on the same clips
    ablation = report["ablation_validation_speakers"]
    assert set(ablation) == {"synthetic only", "recorded only"}
    for name, row in ablation.items():
        assert row["trained_on"] == [name.split()[0]]
        assert {k: r["total"] for k, r in row["demo"].items()} == {
            k: r["total"] for k, r in demo.items()
        }


def test_model_io_is_int8_features_to_int8_scores() -> None:
    runtime = tflm()

    it = runtime.Interpreter.from_bytes(MODEL.read_bytes())
    inp, out = it.get_input_details(0), it.get_output_details(0)
    assert np.dtype(inp["dtype"]) == np.int8 and int(np.prod(inp["shape"])) == 49 * 40
    assert np.dtype(out["dtype"]) == np.int8 and int(np.prod(out["shape"])) == len(LABELS)
    # the front end's int8 output is the model's input as it is: float = (q + 128) / 32
    q = inp["quantization_parameters"]
    assert float(q["scales"][0]) == 2.0**-5 and int(q["zero_points"][0]) == -128


@pytest.mark.parametrize(("label", "name"), CLIPS)
def test_tflm_runs_bundled_model_on_reference_clips(reference, label: str, name: str) -> None:
    runtime = tflm()

    clip = read_wav(reference(f"{MICRO_SPEECH}/testdata/{name}"))
    assert len(clip) == 16000
    features = tflm_features(reference(f"{MICRO_SPEECH}/audio_preprocessor_int8.tflite"), clip)
    it = runtime.Interpreter.from_bytes(MODEL.read_bytes())
    it.set_input(features.reshape(it.get_input_details(0)["shape"]), 0)
    it.invoke()
    scores = np.array(it.get_output(0)).reshape(-1)
    assert LABELS[int(np.argmax(scores))] == label, f"{name}: scores {scores.tolist()}"


@pytest.mark.parametrize(("label", "name"), CLIPS)
def test_micro_runs_bundled_model_on_reference_clips(reference, label: str, name: str) -> None:
    import micro
    from micro.speech.features import FeatureGenerator

    clip = read_wav(reference(f"{MICRO_SPEECH}/testdata/{name}"))
    features = FeatureGenerator().features(clip)
    assert features.shape == (49, 40)
    it = micro.Interpreter.from_file(MODEL)
    it.set_input(features.reshape(-1), 0)
    it.invoke()
    scores = it.get_output(0).reshape(-1)
    assert LABELS[int(np.argmax(scores))] == label, f"{name}: scores {scores.tolist()}"


@pytest.mark.parametrize(("label", "name"), CLIPS)
def test_micro_speech_hears_the_reference_clips(reference, label: str, name: str) -> None:
    """What ``micro speech FILE.wav`` does: stream the clip and a silent tail through the
    front end and the model; the recognizer (the command's defaults) reports the word once,
    and nothing for background or silence."""
    from micro.speech import pipeline as r
    from micro.speech.pipeline import TAIL_SECONDS, Listener
    from micro.speech.recognizer import Recognizer

    clip = read_wav(reference(f"{MICRO_SPEECH}/testdata/{name}"))
    recognizer = Recognizer(
        tuple(LABELS),
        window=r.DEMO_WINDOW,
        threshold=r.DEMO_THRESHOLD,
        suppression=r.DEMO_SUPPRESSION,
        min_results=1,
    )
    listener = Listener(MODEL, recognizer=recognizer)
    heard = listener.push(np.concatenate([clip, np.zeros(int(TAIL_SECONDS * 16000), np.int16)]))
    expected = [] if label == "silence" else [label]
    assert [d.label for d in heard] == expected, [str(d) for d in heard]


# --------------------------------------------------------------------------- data pipeline


def test_resample_keeps_a_tone_at_its_frequency() -> None:
    t = np.arange(22050) / 22050.0
    tone = np.sin(2 * np.pi * 440.0 * t)
    out = resample(tone, 22050, 16000)
    assert len(out) == 16000
    spectrum = np.abs(np.fft.rfft(out))
    assert np.argmax(spectrum) == 440  # 1 Hz bins over one second
    assert np.isclose(np.sqrt(np.mean(out[1000:-1000] ** 2)), np.sqrt(0.5), rtol=0.01)


def test_colored_noise_slopes() -> None:
    rng = np.random.default_rng(0)
    for slope in (0.0, -3.0, -6.0):
        x = synth.colored_noise(rng, 64000, slope)
        power = np.abs(np.fft.rfft(x)) ** 2
        f = np.fft.rfftfreq(len(x), 1 / 16000)
        low = power[(f >= 500) & (f < 1000)].mean()
        high = power[(f >= 2000) & (f < 4000)].mean()
        measured = 10 * np.log10(high / low) / 2.0  # two octaves apart (band centres)
        assert abs(measured - slope) < 1.0, (slope, measured)


def test_silence_and_placement_make_one_second_int16_clips() -> None:
    rng = np.random.default_rng(1)
    word = np.sin(np.linspace(0, 300, 6000)) * 8000
    for _ in range(5):
        clip = synth.place_word(rng, word)
        assert clip.dtype == np.int16 and clip.shape == (16000,)
        assert np.abs(clip).max() > 300
        sil = synth.silence_clip(rng)
        assert sil.dtype == np.int16 and sil.shape == (16000,)
    # the same seed gives the same clip
    a = synth.place_word(np.random.default_rng(7), word)
    b = synth.place_word(np.random.default_rng(7), word)
    assert np.array_equal(a, b)


def test_held_out_voices_never_train() -> None:
    from micro.speech import synthset as train

    voices = [
        synth.Voice("espeak", "en-us"),
        synth.Voice("espeak", "en-us+m4"),
        synth.Voice("espeak", "en-gb-scotland+m1"),
        synth.Voice("flite", "slt"),
        synth.Voice("flite", "rms"),
        synth.Voice("festival", "ked_diphone"),
    ]
    held = {v.id for v in voices if train.is_held_out(v)}
    assert held == {
        "espeak:en-us+m4",
        "espeak:en-gb-scotland+m1",
        "flite:rms",
        "festival:ked_diphone",
    }
    plan = train.plan_takes(train.DataConfig(), voices)
    words = {t.word for t, label, _ in plan if label == 1}
    assert not words & {"yes", "no"}
    assert {t.word for t, label, _ in plan if label >= 2} == {"yes", "no"}
    assert plan == train.plan_takes(train.DataConfig(), voices)  # deterministic
    # --no-rhymes: the same takes, minus the rhymes' (the ablation changes nothing else)
    plain = train.plan_takes(train.DataConfig(rhymes=False), voices)
    assert plain == [item for item in plan if item[0].word not in train.RHYMES]
    assert {t.word for t, label, _ in plan if label == 1} & set(train.RHYMES)


def test_dropping_unknown_words_removes_just_their_clips(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--drop-unknown``: ``train_words`` names every training example ``build_dataset``
    makes (each synthesized take stands in for by a constant its own), so the ablation takes
    out exactly the dropped words' clips and keeps every other example as it was."""
    from micro.speech import synthset, voices

    cast = [synth.Voice("espeak", "en-us"), synth.Voice("espeak", "en-us+m4"),
            synth.Voice("flite", "slt")]  # fmt: skip
    cfg = synthset.DataConfig(
        unknown_words=("nose", "toe", "cat", "dog", "tree"), espeak_unknown=3, natural_takes=2,
        natural_copies=2, world_fraction=0.5, world_copies=2,
    )  # fmt: skip
    plan = synthset.plan_takes(cfg, cast)
    tone = {t: np.full(4000, 100 + i, np.int16) for i, (t, _, _) in enumerate(plan)}
    monkeypatch.setattr(synth, "available_voices", lambda: cast)
    monkeypatch.setattr(synth, "synthesize", lambda takes, cache, **kw: tone)
    monkeypatch.setattr(voices, "available", lambda: True)
    monkeypatch.setattr(voices, "respeak_cached", lambda cache, key, word: word)
    data = synthset.build_dataset(cfg, tmp_path, lambda clip: np.zeros((49, 40), np.int8))
    words = synthset.train_words(cfg, cast)
    assert len(words) == len(data.y_train)
    labels = {"": 0, "yes": 2, "no": 3}
    assert [labels.get(w, 1) for w in words] == data.y_train.tolist()
    data.x_train[:] = np.arange(len(words)).reshape(-1, 1, 1) % 127  # tell examples apart
    kept, n = synthset.without_words(data, cfg, ["nose", "toe"])
    gone = [w in ("nose", "toe") for w in words]
    assert n == sum(gone) > 0 and len(kept.y_train) == len(words) - n
    assert np.array_equal(kept.x_train, data.x_train[~np.array(gone)])
    assert np.array_equal(kept.x_test, data.x_test)
    with pytest.raises(ValueError, match="not synthetic unknown words: yes, zebra"):
        synthset.without_words(data, cfg, ["yes", "zebra"])


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_espeak_synthesis_smoke(tmp_path: Path) -> None:
    voice = synth.Voice("espeak", "en-us")
    takes = [synth.Take(voice, "yes"), synth.Take(voice, "no", rate=1.2, pitch=30)]
    audio = synth.synthesize(takes, tmp_path)
    for take in takes:
        samples = audio[take]
        assert samples.dtype == np.int16 and 2000 < len(samples) < 20000
        assert np.abs(samples).max() > 1000
        clip = synth.place_word(np.random.default_rng(0), samples)
        assert clip.shape == (16000,)
    # cached: a second call reads the same samples back
    again = synth.synthesize(takes, tmp_path)
    assert all(np.array_equal(audio[t], again[t]) for t in takes)


def test_frame_shift_moves_whole_frames_and_fills_the_lowest_value() -> None:
    """``--frame-shift``: frame t of a shifted example is frame t - s of the original (s
    drawn per example), frames from outside the window are 0.0 (int8 -128 as the model
    sees it)."""
    from micro.speech.train import shift_frames

    n, most = 40, 6
    x = np.arange(n * 49 * 40, dtype=np.float32).reshape(n, 49 * 40) + 1.0
    got = shift_frames(x.copy(), np.random.default_rng(5), most).reshape(n, 49, 40)
    shifts = np.random.default_rng(5).integers(-most, most + 1, n)
    assert {int(s) for s in shifts} >= {-most, 0, most}
    original = x.reshape(n, 49, 40)
    for i, s in enumerate(shifts):
        for t in range(49):
            source = t - int(s)
            want = original[i, source] if 0 <= source < 49 else np.zeros(40, np.float32)
            assert np.array_equal(got[i, t], want), (i, int(s), t)
