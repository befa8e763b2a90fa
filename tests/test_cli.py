"""The command line on what users get wrong: missing or wrong files, an arena too small,
options out of range. Each is one line on stderr that says what was wrong and what to do,
never a traceback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from support.models import binary_model

from micro import cli
from micro.speech.wav import write_wav

Q = (0.1, 3)


def _model(tmp_path: Path) -> Path:
    path = tmp_path / "add.tflite"
    path.write_bytes(binary_model("ADD", (1, 64), (1, 64), (1, 64), Q, Q, Q))
    return path


def _error(args: list[str], capsys: pytest.CaptureFixture[str], status: int) -> str:
    assert cli.main(args) == status
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def _usage_error(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as info:
        cli.main(args)
    assert info.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


def test_files_that_are_missing_or_folders(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.tflite"
    assert _error(["inspect", str(missing)], capsys, 2) == (
        f"error: {missing}: no such file or folder (check the path)"
    )
    assert _error(["run", str(tmp_path)], capsys, 2) == (
        f"error: {tmp_path}: is a folder; give a file name"
    )
    # A device is read to its end: /dev/urandom never ends.
    assert _error(["inspect", "/dev/zero"], capsys, 1) == (
        "error: /dev/zero: not a regular file (a device or a pipe); give a .tflite file"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "file truncated: a .tflite file needs at least 8 bytes, file has 0"),
        (b"hello world\n", "not a TFLite model: file identifier is"),
    ],
)
def test_files_that_are_no_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: bytes, message: str
) -> None:
    path = tmp_path / "m.tflite"
    path.write_bytes(data)
    for command in ("inspect", "run", "plan", "profile"):
        assert _error([command, str(path)], capsys, 1).startswith(f"error: {message}")


def test_a_truncated_or_foreign_file_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _model(tmp_path).read_bytes()
    path = tmp_path / "cut.tflite"
    path.write_bytes(data[: len(data) // 2])
    line = _error(["inspect", str(path)], capsys, 1)
    assert "file truncated" in line and line.endswith(
        "(an incomplete copy or download? get the file again)"
    )
    path.write_bytes(b"PK\x03\x04" + bytes(60))  # a zip (a Keras .keras file) is no .tflite
    assert _error(["inspect", str(path)], capsys, 1).endswith(
        "(convert a Keras or SavedModel model with tf.lite.TFLiteConverter first)"
    )


def test_an_arena_too_small_names_the_option_and_the_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """run and export refuse it (export used to write the larger plan silently); plan shows
    the smallest plan and says none fits. The model: two 64-byte inputs, the output written
    over one of them (ADD's overlap rule)."""
    model = str(_model(tmp_path))
    needed = 64 * 2
    expected = (
        f"error: arena too small: the model needs {needed:,} B, --arena gave 100 B; pass "
        f"--arena {needed} or more, or leave --arena out"
    )
    assert _error(["run", model, "--arena", "100"], capsys, 1) == expected
    out = str(tmp_path / "fw")
    export = ["export", model, "--board", "mps2-an386", "-o", out, "--arena", "100"]
    assert _error(export, capsys, 1) == expected
    assert not Path(out).exists()
    assert cli.main(["plan", model, "--arena", "100"]) == 0
    captured = capsys.readouterr()
    assert captured.err.strip() == (
        f"no plan fits --arena 100 B: the smallest needs {needed} B (shown below)"
    )
    assert f"arena: {needed} B" in captured.out


def test_input_and_output_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = str(_model(tmp_path))
    wav = tmp_path / "clip.wav"
    write_wav(wav, np.zeros(160, np.int16))
    assert _error(["run", model, "--input", str(wav), "--input", str(wav)], capsys, 1) == (
        f"error: --input {wav}: not a .npy array file; write inputs with numpy.save"
    )
    archive = tmp_path / "x.npz"
    np.savez(archive, np.zeros((1, 64), np.int8))
    x = tmp_path / "x.npy"
    np.save(x, np.zeros((1, 64), np.int8))
    assert _error(["run", model, "--input", str(archive), "--input", str(x)], capsys, 1) == (
        f"error: --input {archive}: an .npz archive; give one .npy file per input"
    )
    # The output goes to exactly the name given (numpy would add .npy), never into a folder.
    named = tmp_path / "result"
    assert cli.main(["run", model, "--output", str(named)]) == 0
    assert np.load(named).shape == (1, 64) and not (tmp_path / "result.npy").exists()
    capsys.readouterr()
    assert _error(["run", model, "--output", str(tmp_path)], capsys, 2) == (
        f"error: {tmp_path}: is a folder; give a file name"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["profile", "{model}", "--runs", "0"], "argument --runs: 0 is less than 1"),
        (["run", "{model}", "--max-overhead", "50"], "'50': give a fraction like 0.15 or 15%"),
        (["run", "{model}", "--max-overhead", "abc"], "'abc': give a fraction like 0.15 or 15%"),
        (["classify", "--model", "{model}", "x.png", "--top", "0"], "--top: 0 is less than 1"),
        (
            ["run", "{model}", "--arena", "-5"],
            "--arena: -5 is outside 0..4294967295 (the runtime "
            "addresses its arena with 32-bit offsets)",
        ),
        (["plan", "{model}", "--arena", "4k"], "--arena: '4k' is not a whole number of bytes"),
    ],
)
def test_options_out_of_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    model = str(_model(tmp_path))
    line = _usage_error([a.format(model=model) for a in args], capsys)
    assert line.endswith(message), line


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--threshold", "5"], "error: threshold 5: a threshold is a score in (0, 1]"),
        (["--window", "0"], "error: window 0: the seconds of scores averaged must be > 0"),
    ],
)
def test_speech_settings_out_of_range(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: list[str], message: str
) -> None:
    wav = tmp_path / "clip.wav"
    write_wav(wav, np.zeros(16000, np.int16))
    assert _error(["speech", str(wav), *option], capsys, 2) == message


def test_a_picture_without_matplotlib_names_the_extra(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if not installed
    line = _error(["plan", str(_model(tmp_path)), "--png", str(tmp_path / "p.png")], capsys, 1)
    assert line == "error: drawing the plan needs the matplotlib package: pip install 'micro[plot]'"


def test_too_few_input_files_say_how_many(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = str(_model(tmp_path))  # ADD: two inputs
    np.save(tmp_path / "x.npy", np.zeros((1, 64), np.int8))
    expected = (
        "error: the model has 2 inputs, 1 --input files given: give one .npy file per input, "
        "in the model's order"
    )
    for command in (["run", model], ["flash", model, "--board", "mps2-an386"]):
        assert _error([*command, "--input", str(tmp_path / "x.npy")], capsys, 1) == expected
