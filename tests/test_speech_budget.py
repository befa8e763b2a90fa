"""The speech firmware's real-time budget (micro/speech/board/budget.py): the clock and the
board come from the board manifests, the arithmetic from the instruction counts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from micro.boards import load_board
from micro.speech import board as speech

ROOT = Path(__file__).resolve().parents[1]


def _costs(features: int, model: int, recognizer: int) -> speech.Costs:
    steps = [speech.StepCost(features, model, recognizer, True)] * 3
    return speech.costs(steps)


def test_real_time_uses_the_board_s_clock_and_name() -> None:
    for board_id in ("nano33ble", "mps2-an386", "pico"):
        board = load_board(board_id)
        manifest = json.loads((ROOT / "boards" / board_id / "board.json").read_text())
        hz = int(manifest["build"]["f_cpu"].rstrip("L"))
        rt = speech.real_time(_costs(100_000, 1_000_000, 1_000), board, every=1)
        assert rt.board == manifest["name"] and rt.hz == hz
        assert rt.step_cycles == hz // 50  # a 20 ms step
        # 1.25 cycles per instruction: features 125,000 cycles, the model step 1,376,250.
        assert rt.features == pytest.approx(125_000 / rt.step_cycles)
        assert rt.peak == pytest.approx(1_376_250 / rt.step_cycles)
        assert rt.average == pytest.approx(1_376_250 / rt.step_cycles)


def test_every_is_the_smallest_that_keeps_the_load_under_80_percent() -> None:
    nano = load_board("nano33ble")  # 1,280,000 cycles a step
    costs = _costs(100_000, 3_000_000, 1_000)
    every = speech.choose_every(costs, nano.clock_hz)
    # (every * 125,000 + 3,751,250) / (every * 1,280,000) <= 0.8 first holds at every = 5.
    assert every == 5
    assert speech.load(costs, every, nano.clock_hz) <= 0.8 < speech.load(costs, 4, nano.clock_hz)
    with pytest.raises(speech.SpeechBoardError, match="cannot keep up at 64 MHz"):
        speech.choose_every(_costs(1_100_000, 0, 0), nano.clock_hz)


def test_an_emulated_board_speaks_for_the_real_boards_of_its_core() -> None:
    assert [b.id for b in speech.real_twins(load_board("mps2-an386"))] == ["nano33ble"]
    assert [b.id for b in speech.real_twins(load_board("mps2-an385"))] == ["mps2-an385"]
    assert speech.emulated_twin(load_board("nano33ble")).id == "mps2-an386"  # type: ignore[union-attr]


def test_firmware_limits_are_the_c_header_s() -> None:
    header = (ROOT / "firmware" / "speech" / "src" / "speech_recognizer.h").read_text()
    defines = dict(re.findall(r"#define SPEECH_(MAX_\w+) (\d+)u", header))
    assert (
        int(defines["MAX_LABELS"]),
        int(defines["MAX_RESULTS"]),
    ) == (speech.MAX_LABELS, speech.MAX_RESULTS)
