"""`micro speech train --teacher`: trained int8 models' probabilities, mixed into the targets.

Checked on small hand-made data: the mixed target's loss is the stated mix of the two
cross-entropies; the teachers' probabilities are their int8 outputs as TFLM's interpreter
(the oracle) computes them, dequantized; they are cached by model and features; a teacher
of other labels is refused; and end to end, the teachers see only the training rows (no
reserved speaker, no validation speaker) and the card records them."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from support.speech_tree import RESERVED, tone_tree

from micro.speech import teachers
from micro.speech.network import CHANNELS, FRAMES

LABELS = ("silence", "unknown", "yes", "no")
BUNDLED = Path(__file__).resolve().parents[1] / "micro" / "speech" / "data" / "yes_no.tflite"


def _features(n: int, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(-128, 128, (n, FRAMES, CHANNELS)).astype(np.int8)


def test_mix_is_the_stated_blend_of_label_and_teachers() -> None:
    y = np.array([0, 2, 3])
    soft = np.array([[0.1, 0.2, 0.3, 0.4], [0.0, 0.0, 1.0, 0.0], [0.25] * 4], np.float32)
    got = teachers.mix(y, soft, 0.3)
    want = [[0.73, 0.06, 0.09, 0.12], [0.0, 0.0, 1.0, 0.0], [0.075, 0.075, 0.075, 0.775]]
    np.testing.assert_allclose(got, want, atol=1e-6)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_array_equal(teachers.mix(y, soft, 0.0), np.eye(4)[y])
    np.testing.assert_allclose(teachers.mix(y, soft, 1.0), soft)
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError, match=r"0\.\.1"):
            teachers.mix(y, soft, bad)
    with pytest.raises(ValueError, match="soft targets for"):
        teachers.mix(y[:2], soft, 0.5)


def test_the_loss_of_the_mixed_target_is_the_mix_of_the_two_losses() -> None:
    """Keras's categorical cross-entropy with the mixed target equals
    (1 - w) * CE(label) + w * CE(teachers), each computed here by hand."""
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(1)
    y = rng.integers(0, 4, 16)
    soft = teachers.normalize(rng.random((16, 4)))
    predicted = teachers.normalize(rng.random((16, 4)) + 0.05)
    w = 0.4
    loss = keras.losses.categorical_crossentropy(teachers.mix(y, soft, w), predicted)
    by_hand = (1 - w) * -np.log(predicted[np.arange(16), y]) + w * -(soft * np.log(predicted)).sum(
        axis=1
    )
    np.testing.assert_allclose(np.asarray(loss), by_hand, rtol=1e-5)


def test_train_keras_with_one_hot_targets_trains_as_with_the_labels() -> None:
    """Targets that are the labels' one-hot rows (weight 0): the same weights as training on
    the labels; other targets: other weights (the targets reach the loss)."""
    pytest.importorskip("keras")
    from micro.speech import train
    from micro.speech.network import Shape, build_model

    x, y = _features(24, 3), np.random.default_rng(3).integers(0, 4, 24)
    shape = Shape.parse("2,3")
    plain = train.train_keras(x, y, 4, epochs=1, seed=5, shape=shape).get_weights()
    one_hot = teachers.mix(y, np.full((24, 4), 0.25, np.float32), 0.0)
    same = train.train_keras(x, y, 4, epochs=1, seed=5, shape=shape, targets=one_hot)
    for a, b in zip(plain, same.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)
    other = teachers.mix(y, np.eye(4, dtype=np.float32)[(y + 1) % 4], 0.9)
    moved = train.train_keras(x, y, 4, epochs=1, seed=5, shape=shape, targets=other)
    assert any(
        not np.allclose(a, b, atol=1e-5) for a, b in zip(plain, moved.get_weights(), strict=True)
    )
    # the examples' weights still apply (with --balance, by each label's class): zero, no step
    still = train.train_keras(
        x, y, 4, epochs=1, seed=5, shape=shape, balance=True, sample_weight=np.zeros(24),
        targets=other,
    )  # fmt: skip
    import keras

    keras.utils.set_random_seed(5)
    start = build_model(4, shape).get_weights()
    kernels = [i for i, w in enumerate(still.weights) if "kernel" in w.path]
    for i in kernels:
        np.testing.assert_array_equal(start[i], still.get_weights()[i])
    with pytest.raises(ValueError, match="targets of shape"):
        train.train_keras(x, y, 4, epochs=1, seed=5, shape=shape, targets=one_hot[:, :3])


def test_probabilities_are_the_int8_outputs_as_tflm_computes_them() -> None:
    """micro's interpreter, dequantized: the oracle's int8 scores (TFLM's interpreter) times
    the output scale, minus its zero point, each row renormalized."""
    runtime = pytest.importorskip("tflite_micro.python.tflite_micro.runtime")
    model = BUNDLED.read_bytes()
    x = _features(12, 4)
    x[0] = -128  # silence: the front end's lowest value everywhere
    got = teachers.probabilities(model, x, LABELS)
    it = runtime.Interpreter.from_bytes(model)
    q = it.get_output_details(0)["quantization_parameters"]
    scale, zp = float(q["scales"][0]), int(q["zero_points"][0])
    oracle = []
    for window in x:
        it.set_input(window.reshape(1, -1), 0)
        it.invoke()
        raw = np.asarray(it.get_output(0), np.float64).reshape(-1)
        p = scale * (raw - zp)
        oracle.append(p / p.sum())
    assert got.dtype == np.float32 and got.shape == (12, 4)
    np.testing.assert_allclose(got, np.array(oracle), rtol=1e-6, atol=1e-7)


def test_normalize_keeps_rows_a_distribution() -> None:
    p = teachers.normalize(np.array([[2.0, 2.0, 0.0, 0.0], [0.0] * 4, [-1.0, 1.0, 0.0, 0.0]]))
    np.testing.assert_allclose(p, [[0.5, 0.5, 0, 0], [0.25] * 4, [0, 1, 0, 0]])


def test_teachers_are_cached_by_model_and_features(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    x, y = _features(6, 5), np.array([0, 1, 2, 3, 2, 3])
    first = teachers.load([str(BUNDLED)], x, y, LABELS, tmp_path)
    assert len(list(tmp_path.glob("teacher-*.npy"))) == 1
    assert first[0].sha256 == hashlib.sha256(BUNDLED.read_bytes()).hexdigest()
    agree = np.mean(first[0].probabilities.argmax(axis=1) == y)
    assert first[0].agreement == pytest.approx(agree)

    def refuse(*args: object, **kwargs: object) -> np.ndarray:
        raise AssertionError("recomputed a cached teacher")

    monkeypatch.setattr(teachers, "probabilities", refuse)
    again = teachers.load([str(BUNDLED)], x, y, LABELS, tmp_path)
    np.testing.assert_array_equal(again[0].probabilities, first[0].probabilities)
    with pytest.raises(AssertionError, match="recomputed"):  # other features: computed anew
        teachers.load([str(BUNDLED)], _features(6, 6), y, LABELS, tmp_path)
    # two teachers: their mean, renormalized
    soft = teachers.soft_targets([first[0], first[0]])
    np.testing.assert_allclose(soft, first[0].probabilities, rtol=1e-6)
    with pytest.raises(ValueError, match="at least one"):
        teachers.soft_targets([])


def test_a_teacher_of_other_labels_is_refused(tmp_path: Path) -> None:
    model = tmp_path / "up_down.tflite"
    shutil.copy(BUNDLED, model)
    model.with_suffix(".json").write_text(
        json.dumps({"labels": ["silence", "unknown", "up", "down"]})
    )
    with pytest.raises(ValueError, match="labels"):
        teachers.load([str(model)], _features(2), np.array([0, 1]), LABELS, tmp_path)
    three = ("silence", "unknown", "yes")  # no card: the output count still decides
    model.with_suffix(".json").unlink()
    with pytest.raises(ValueError, match="one score per label"):
        teachers.load([str(model)], _features(2), np.array([0, 1]), three, tmp_path)


@pytest.mark.slow
def test_train_with_teachers_end_to_end_never_uses_a_reserved_speaker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Recorded speech only (no synthesizer): the teachers run on exactly the training rows,
    which hold no reserved speaker; the card records each teacher's SHA-256 and the weight."""
    pytest.importorskip("tensorflow")
    if shutil.which("espeak-ng") is None:
        pytest.skip("the train command wants espeak-ng installed")
    from micro.cli import main

    data = tone_tree(tmp_path, [("yes", 0.05), ("no", 0.11), ("bed", 0.17)], 10)
    seen: list[int] = []
    real_probabilities = teachers.probabilities

    def spy(model: bytes, x: np.ndarray, labels: object, update: object = None) -> np.ndarray:
        seen.append(len(x))
        return real_probabilities(model, x, labels, update)  # type: ignore[arg-type]

    monkeypatch.setattr(teachers, "probabilities", spy)
    second = tmp_path / "second.tflite"
    shutil.copy(BUNDLED, second)
    out = tmp_path / "student.tflite"
    args = ["speech", "train", "--words", "yes,no", "--data", str(data), "--sources", "recorded",
            "--reserved", str(tmp_path / "reserved.txt"), "--epochs", "1", "--channels", "2,3",
            "--cache", str(tmp_path / "cache"), "--out", str(out), "--keyword-copies", "2",
            "--teacher", str(BUNDLED), "--teacher", str(second),
            "--distill-weight", "0.7"]  # fmt: skip
    assert main(args) == 0
    report = json.loads(out.with_suffix(".json").read_text())
    rows = sum(report["train_clips"].values())
    assert seen == [rows]  # on every training row; the copy (same SHA-256) from the cache
    sha = hashlib.sha256(BUNDLED.read_bytes()).hexdigest()
    distilled = report["distillation"]
    assert distilled["weight"] == 0.7 and distilled["temperature"] == 1
    assert [t["sha256"] for t in distilled["teachers"]] == [sha, sha]
    assert [t["file"] for t in distilled["teachers"]] == [str(BUNDLED), str(second)]
    used = out.with_suffix(".files.txt").read_text()
    assert "yes/" in used and RESERVED not in used
    # a bad weight or a missing teacher: refused before any work
    capsys.readouterr()
    with pytest.raises(SystemExit, match=r"0\.\.1"):
        main([*args[:-2], "--distill-weight", "1.5"])
    with pytest.raises(SystemExit, match="no such file"):
        main([*args[:-4], "--teacher", str(tmp_path / "absent.tflite")])
