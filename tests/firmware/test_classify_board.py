"""The classify firmware (firmware/classify, micro/vision/board.py): on the emulated
Cortex-M4F, pictures streamed in through semihosting give the host's scores byte for byte
(TFLM's person_detect on TFLM's two pictures, MLPerf Tiny's RGB vww model); the Nano 33
BLE Sense build links the OV7675 camera driver."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from micro import cli, firmware
from micro.boards import load_board
from micro.compiler import compile_model
from micro.model import load_model
from micro.vision import board as classify_board
from micro.vision.classify import Classifier
from micro.vision.image import load_pixels

Ref = Callable[[str], Path]
PERSON = "tflm/person_detection"
VWW = "mlperf_tiny/vww_96_int8.tflite"


def _board_equals_host(
    reference: Ref, model: str, tmp_path: Path, stream: bool = False
) -> list[int | None]:
    c = Classifier(reference(model), "no_person,person", signed=True)
    pictures = [reference(f"{PERSON}/testdata/{n}.bmp") for n in ("person", "no_person")]
    board = load_board("mps2-an386")
    bundle = classify_board.export(
        reference(model).read_bytes(), board, tmp_path, c.format, c.labels, stream=stream
    )
    streamed = compile_model(load_model(reference(model)), max_overhead=0.15, stream=True)
    assert (bundle.arena_size == streamed.arena_bytes_needed) == stream
    built = firmware.build(tmp_path, board)
    frames = [(p.name, load_pixels(p, c.format, signed=True)) for p in pictures]
    result = classify_board.run(bundle, built.elf, frames)
    assert result.status == 0, result.log
    assert [f.name for f in result.frames] == [p.name for p in pictures]
    for picture, frame in zip(pictures, result.frames, strict=True):
        assert frame.status == 0
        assert frame.scores == c.run(c.convert(picture)).tobytes()
    return [f.instructions for f in result.frames]


@pytest.mark.slow
def test_person_detect_on_the_board_is_the_host(
    toolchain: None, reference: Ref, tmp_path: Path
) -> None:
    counts = _board_equals_host(reference, f"{PERSON}/person_detect.tflite", tmp_path)
    assert all(n is not None and n > 1_000_000 for n in counts)


@pytest.mark.slow
@pytest.mark.parametrize("model", [f"{PERSON}/person_detect.tflite", VWW])
def test_streaming_camera_rows_is_the_host(
    model: str, toolchain: None, reference: Ref, tmp_path: Path
) -> None:
    """The streamed plan: the camera's rows go through the pixel table straight into the
    first stage's row buffer; no frame buffer, no input in the arena (patched, 15 %)."""
    _board_equals_host(reference, model, tmp_path, stream=True)


def test_a_camera_that_captures_whole_frames_is_not_streamed(
    reference: Ref, tmp_path: Path
) -> None:
    model = reference(f"{PERSON}/person_detect.tflite")
    c = Classifier(model, "no_person,person", signed=True)
    with pytest.raises(firmware.FirmwareError, match="whole frames"):
        classify_board.export(
            model.read_bytes(), load_board("nano33ble"), tmp_path, c.format, c.labels, stream=True
        )


@pytest.mark.slow
def test_rgb_model_on_the_board_is_the_host(
    toolchain: None, reference: Ref, tmp_path: Path
) -> None:
    _board_equals_host(reference, VWW, tmp_path)


@pytest.mark.slow
def test_cli_on_the_board(
    toolchain: None, reference: Ref, capsys: pytest.CaptureFixture[str]
) -> None:
    model = reference(f"{PERSON}/person_detect.tflite")
    picture = reference(f"{PERSON}/testdata/person.bmp")
    args = ["classify", str(picture), "--model", str(model), "--labels", "no_person,person"]
    assert cli.main([*args, "--signed-pixels", "--board", "mps2-an386"]) == 0
    out = capsys.readouterr().out
    assert "person.bmp: person (" in out and "instructions]" in out
    assert cli.main([*args, "--signed-pixels", "--board", "mps2-an386", "--stream-input"]) == 0
    streamed = capsys.readouterr().out
    assert streamed.splitlines()[-1].split(" [")[0] == out.splitlines()[-1].split(" [")[0]


def test_stream_input_needs_a_board(reference: Ref, capsys: pytest.CaptureFixture[str]) -> None:
    model = reference(f"{PERSON}/person_detect.tflite")
    picture = reference(f"{PERSON}/testdata/person.bmp")
    args = ["classify", str(picture), "--model", str(model), "--stream-input"]
    assert cli.main(args) == 1
    assert "--board" in capsys.readouterr().err


def test_nano33ble_build_links_the_camera(toolchain: None, reference: Ref, tmp_path: Path) -> None:
    """MLPerf Tiny's ic model (RGB 32 x 32) for the Nano: the OV7675 driver (camera.c, on
    the TWIM driver) is linked as micro_camera_frame; the image fits the board."""
    model = reference("mlperf_tiny/pretrainedResnet_quant.tflite")
    c = Classifier(model)
    board = load_board("nano33ble")
    classify_board.export(model.read_bytes(), board, tmp_path, c.format, c.labels)
    built = firmware.build(tmp_path, board)
    symbols = firmware.symbols(built.elf)
    assert {"micro_camera_frame", "twim_read", "twim_write", "main"} <= symbols.keys()
    assert built.flash <= board.flash_size and built.ram <= board.ram_size
    table = np.arange(256) - 128  # the ic model: pixel p -> int8 p - 128
    np.testing.assert_array_equal(c.format.table().astype(int), table)
