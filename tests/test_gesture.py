"""The gesture demo on the host (micro/gesture): the stroke synthesiser's physics, the
sensor-to-int8 arithmetic against independent arithmetic, traces (good and bad CSV), the
bundled model (size, card) and its accuracy on synthetic writers training never saw, and
`micro gesture` finding the shapes drawn in the bundled demo trace."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from micro import cli
from micro.gesture import pipeline, synth
from micro.gesture.bundled import BUNDLED_MODEL, DEMO_TRACE, data_file, load_model

HELD_OUT_STREAM = 7  # writers of this random stream: training uses streams 0, 1 and 2


def test_a_still_board_reads_one_g() -> None:
    rng = np.random.default_rng(3)
    writer = synth.random_writer(rng)
    still = synth.render(writer, rng, np.zeros((800, 3)))
    assert len(still) == 800 * synth.RATE / synth.FINE
    magnitude = np.linalg.norm(still, axis=1)
    assert np.all(np.abs(magnitude - 1.0) < 0.15)  # gravity, bias, gain error and noise
    assert np.all(np.abs(still * synth.COUNTS_PER_G - np.round(still * synth.COUNTS_PER_G)) < 1e-6)


def test_drawing_adds_the_hands_acceleration() -> None:
    """A 25 cm W in about a second: peaks well above the sensor noise, within +-4 g."""
    rng = np.random.default_rng(4)
    writer = synth.random_writer(rng)
    x = synth.stroke(writer, rng, "wing", before=0.5, after=0.5)
    motion = np.linalg.norm(x - np.median(x[:10], axis=0), axis=1)
    assert motion.max() > 0.2 and np.abs(x).max() <= 4.0


def test_synthesis_is_seeded() -> None:
    a = synth.dataset(["wing", synth.NEGATIVE], 2, 1, 64, (1, 0))
    b = synth.dataset(["wing", synth.NEGATIVE], 2, 1, 64, (1, 0))
    c = synth.dataset(["wing", synth.NEGATIVE], 2, 1, 64, (1, 1))
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], c[0])
    assert a[0].shape == (2 * (1 + 3), 64, 3)


def test_sensor_counts_and_int8() -> None:
    g = np.array([0.0, 1.0, -1.0, 0.5 / 8192, -0.5 / 8192, 3.99, -4.5, 5.0])
    np.testing.assert_array_equal(pipeline.counts(g), [0, 8192, -8192, 1, -1, 32686, -32768, 32767])
    raw = np.array([0, 127, 128, -128, -129, 8192, 32767, -32768], np.int16)
    # int8 = floor((counts + 128) / 256): 1/32 g a step, halves rounded up
    expected = [int(np.floor((int(r) + 128) / 256)) for r in raw]
    np.testing.assert_array_equal(pipeline.to_int8(raw), np.clip(expected, -128, 127))


def test_read_trace(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("ax,ay,az\n0,0,1\n0.1,-0.2,0.9\n")
    np.testing.assert_array_equal(pipeline.read_trace(path), [[0, 0, 1], [0.1, -0.2, 0.9]])
    path.write_text("t,ax,ay,az\n0.00,0,0,1\n0.04,0,0,1\n0.08,0,0,1\n")
    assert pipeline.read_trace(path).shape == (3, 3)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no samples"),
        ("ax,ay,az\n1,2\n", "expected ax,ay,az"),
        ("0,0,1\n0,zero,1\n", "not numbers"),
        ("t,ax,ay,az\n0,0,0,1\n0.01,0,0,1\n0.02,0,0,1\n", "100.0 Hz"),
        ("0,0,nan\n", "finite"),
    ],
)
def test_bad_traces(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(pipeline.GestureError, match=message):
        pipeline.read_trace(path)


def test_a_file_that_is_no_trace_says_what_a_trace_is(tmp_path: Path) -> None:
    """A binary file, a text file without numbers and a missing file: each error names the
    file, and the first two what a trace holds."""
    binary = tmp_path / "clip.wav"
    binary.write_bytes(b"RIFF\x80\xff\x00WAVEfmt ")
    text = tmp_path / "notes.txt"
    text.write_text("hello\n")
    for path, what in ((binary, "not a text file"), (text, "no samples")):
        with pytest.raises(pipeline.GestureError) as info:
            pipeline.read_trace(path)
        assert str(info.value).startswith(f"{path}: {what}; a trace is CSV rows of ax,ay,az")
    with pytest.raises(pipeline.GestureError, match=r"missing\.csv: no such file$"):
        pipeline.read_trace(tmp_path / "missing.csv")


def test_bad_trace_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert cli.main(["gesture", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1
    assert cli.main(["gesture", str(tmp_path / "missing.csv")]) == 1


def test_recognizer_threshold_and_suppression() -> None:
    labels = ["wing", "ring", synth.NEGATIVE]
    r = pipeline.Recognizer(labels, 1 / 256, -128, 0.8)
    assert r.min_score == 77  # ceil(0.8 * 256) - 128: 205 / 256 >= 0.8 > 204 / 256
    high = np.array([77, -128, -128], np.int8)
    assert r.push(64, np.array([76, -128, -128], np.int8)) is None
    first = r.push(68, high)
    assert first is not None and first.label == "wing" and first.time == 2.72
    assert r.push(68 + pipeline.SUPPRESS - 1, high) is None
    assert r.push(68 + pipeline.SUPPRESS, high) is not None
    assert r.push(200, np.array([-128, -128, 127], np.int8)) is None  # negative: never


def test_bundled_model_and_card() -> None:
    model = data_file(BUNDLED_MODEL)
    assert model is not None
    card = json.loads(model.with_suffix(".json").read_text())
    assert model.stat().st_size == card["size_bytes"] <= 20 * 1024
    assert card["labels"] == ["wing", "ring", "slope", synth.NEGATIVE]
    assert "synthetic" in card["trained_on"]
    gm = load_model(None)
    assert gm.input_shape == (1, pipeline.WINDOW, 3)


def test_accuracy_on_held_out_writers() -> None:
    """Writers from a random stream the training never drew from: every class well above
    chance (25 %), the gestures themselves at least 85 %."""
    from micro.gesture import train

    card = json.loads(data_file(BUNDLED_MODEL).with_suffix(".json").read_text())  # type: ignore[union-attr]
    gestures = card["labels"][:-1]
    x, y = train.make_data(gestures, 12, card["seed"], HELD_OUT_STREAM)
    report = train.evaluate(data_file(BUNDLED_MODEL).read_bytes(), card["labels"], x, y)  # type: ignore[union-attr]
    assert report["accuracy"] >= 0.85, report
    assert min(report["per_class"].values()) >= 0.75, report


def test_demo_trace_finds_what_was_drawn(capsys: pytest.CaptureFixture[str]) -> None:
    """The bundled trace draws W, O, L and a Z (the card says when each stroke ends): the
    three gestures are reported, in order, once each, from half a second before a stroke
    ends (its last moves may still be under way) to a window after."""
    card = json.loads(data_file(BUNDLED_MODEL).with_suffix(".json").read_text())  # type: ignore[union-attr]
    drawn = card["demo_trace"]["drawn"]
    trace = pipeline.read_trace(data_file(DEMO_TRACE))  # type: ignore[arg-type]
    result = load_model(None).run(trace)
    assert [d.label for d in result.detections] == [d["shape"] for d in drawn[:3]]
    window_s = pipeline.WINDOW / synth.RATE
    for d, stroke in zip(result.detections, drawn, strict=False):
        assert stroke["ends_at_s"] - 0.5 <= d.time <= stroke["ends_at_s"] + window_s
    assert cli.main(["gesture", "--demo"]) == 0
    out = capsys.readouterr().out
    assert out.count("gesture '") == 3


def test_streams_of_held_out_writers() -> None:
    """The whole pipeline on streams of writers training never saw (other seeds than the
    card's): most gestures found and named right; most other shapes raise no alarm."""
    from micro.gesture import train

    card = json.loads(data_file(BUNDLED_MODEL).with_suffix(".json").read_text())  # type: ignore[union-attr]
    model = data_file(BUNDLED_MODEL).read_bytes()  # type: ignore[union-attr]
    report = train.stream_report(model, card["labels"], card["seed"] + HELD_OUT_STREAM, 10)
    assert report["found"] >= 0.85 * report["gestures_drawn"], report
    assert report["named_wrong"] <= 0.05 * report["gestures_drawn"], report
    assert report["false_alarms"] < 0.5 * report["other_shapes_drawn"], report
