"""Boards are data: every folder in boards/ is complete, and each real board's firmware
builds (compile and link only: nothing here can run it)."""

from __future__ import annotations

import importlib.util
import struct
from collections.abc import Callable
from pathlib import Path

import pytest

import micro
from micro import firmware
from micro.boards import BoardError, list_boards, load_board
from micro.resources import boards_dir

REAL = [b for b in list_boards() if not load_board(b).emulated]  # every folder in boards/


def test_every_board_folder_is_complete() -> None:
    emulated = {"mps2-an385", "mps2-an386", "mps2-an500", "netduinoplus2"}
    assert set(list_boards()) >= emulated | {"nano33ble", "disco_f746ng", "pico"}
    for board_id in list_boards():
        board = load_board(board_id)
        assert (board.path / "memory.ld").is_file()
        readme = board.path / "README.md"
        assert readme.is_file(), f"{board_id} has no README"
        text = readme.read_text()
        assert "Verified" in text and "Not verified" in text, f"{board_id}'s README"
        assert board.flash_size > 0 and board.ram_size > board.stack_size
        assert board.emulated == (board_id in emulated)
        assert board.clock_hz > 0 and board.name


def test_unknown_board_names_the_known_ones() -> None:
    with pytest.raises(BoardError, match="mps2-an386"):
        load_board("no-such-board")


@pytest.mark.parametrize("board_id", REAL)
def test_real_board_builds(
    board_id: str, toolchain: None, reference: Callable[[str], Path], tmp_path: Path
) -> None:
    model = reference("tflm/hello_world/hello_world_int8.tflite").read_bytes()
    program = micro.Interpreter.from_bytes(model).compiled.program
    board = load_board(board_id)
    result = firmware.flash(program, board_id, None, tmp_path, upload=False)
    assert result.run is None
    assert 0 < result.build.flash < board.flash_size and result.build.ram < board.ram_size
    symbols = firmware.symbols(result.build.elf)
    assert "micro_port_write" in symbols and "micro_reset_handler" in symbols
    # The same startup as the emulated boards: the stack guard's 32-B slot at the origin of
    # RAM under the stack, the fault handlers (firmware/port/fault.c; untested on hardware).
    assert {"micro_fault_entry", "micro_stack_guard_enable"} <= set(symbols)
    assert symbols["__stack_guard"] % 32 == 0
    assert symbols["__stack_bottom"] == symbols["__stack_guard"] + 32
    assert ("micro_port_cycles" in symbols) and (board.has_cycle_counter == (board_id != "pico"))


def _pico_image() -> object:
    spec = importlib.util.spec_from_file_location("pico_image", boards_dir() / "pico" / "image.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_pico_boot2_checksum_and_uf2() -> None:
    image = _pico_image()
    # The standard check value of CRC-32/MPEG-2 over "123456789".
    assert image.boot2_crc(b"123456789") == 0x0376E6E7  # type: ignore[attr-defined]
    uf2 = image.uf2(bytes(range(256)) * 2 + b"\x01", 0x10000000)  # type: ignore[attr-defined]
    assert len(uf2) == 3 * 512
    magic0, magic1, flags, addr, size, n, total, family = struct.unpack_from("<8I", uf2, 512)
    assert (magic0, magic1, flags, addr, size, n, total, family) == (
        0x0A324655,
        0x9E5D5157,
        0x2000,
        0x10000100,
        256,
        1,
        3,
        0xE48BFF56,
    )
    assert uf2[512 + 32 : 512 + 32 + 256] == bytes(range(256))
    assert struct.unpack_from("<I", uf2, 1024 - 4)[0] == 0x0AB16F30
