"""The gesture firmware (firmware/gesture, micro/gesture/board.py): on the emulated
Cortex-M4F a trace streamed in through semihosting gives the host pipeline's scores for
every window, byte for byte, and the same detections; the Nano 33 BLE Sense build links
the LSM9DS1 driver."""

from __future__ import annotations

from pathlib import Path

import pytest

from micro import cli, firmware
from micro.boards import load_board
from micro.gesture import board as gesture_board
from micro.gesture import pipeline
from micro.gesture.bundled import DEMO_TRACE, data_file, load_model


@pytest.mark.slow
def test_board_is_the_host(toolchain: None, tmp_path: Path) -> None:
    model = load_model(None)
    trace = pipeline.read_trace(data_file(DEMO_TRACE))  # type: ignore[arg-type]
    short = trace[: pipeline.WINDOW + 7 * pipeline.HOP + 2]  # a second stream, cut mid-hop
    board = load_board("mps2-an386")
    bundle = gesture_board.export(model, board, tmp_path, trace=True)
    built = firmware.build(tmp_path, board)
    result = gesture_board.run(bundle, built.elf, [("demo.csv", trace), ("short.csv", short)])
    assert result.status == 0, result.log
    for stream, samples in zip(result.streams, (trace, short), strict=True):
        host = model.run(samples)
        assert stream.samples == len(samples)
        assert sorted(stream.scores) == host.ends
        assert [stream.scores[e] for e in host.ends] == host.scores
        assert stream.detections == host.detections
        assert len(stream.instructions) == len(host.ends)
    assert result.streams[0].detections  # the demo trace holds gestures
    assert all(0 < n < 2_000_000 for n in result.streams[0].instructions)


@pytest.mark.slow
def test_cli_on_the_board(toolchain: None, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["gesture", "--demo", "--board", "mps2-an386"]) == 0
    out = capsys.readouterr().out
    assert "gesture '" in out and "instructions per inference" in out


def test_nano33ble_build_links_the_imu(toolchain: None, tmp_path: Path) -> None:
    board = load_board("nano33ble")
    gesture_board.export(load_model(None), board, tmp_path)
    built = firmware.build(tmp_path, board)
    symbols = firmware.symbols(built.elf)
    assert {"micro_imu_open", "micro_imu_read", "twim_read", "main"} <= symbols.keys()
    assert "micro_stream_open" not in symbols  # the sensor, not the emulator's streams
    assert built.flash <= board.flash_size and built.ram <= board.ram_size
