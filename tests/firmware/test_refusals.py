"""A corrupt program is refused on the board with the executor's error code, never run;
a model too big for a board is refused before anything is built, with the numbers."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from models import fully_connected_chain

import micro
from micro import firmware
from micro.boards import load_board

HEADER = struct.Struct("<16I")


def _program() -> bytes:
    return micro.Interpreter.from_bytes(fully_connected_chain(0)).compiled.program


def _with_crc(blob: bytearray) -> bytes:
    struct.pack_into("<I", blob, 12, zlib.crc32(bytes(blob[16:])) & 0xFFFFFFFF)
    return bytes(blob)


def _run(program: bytes, tmp_path: Path) -> firmware.Run:
    result = firmware.flash(program, "mps2-an386", None, tmp_path, count=False)
    assert result.run is not None
    return result.run


def test_flipped_constant_byte_fails_the_checksum(toolchain: None, tmp_path: Path) -> None:
    blob = bytearray(_program())
    blob[-1] ^= 0x40  # a weight: only the CRC can tell
    run = _run(bytes(blob), tmp_path)
    assert run.init_status == int(micro._ffi.lib.MICRO_ERR_CRC), run.log
    assert run.status == run.init_status  # the firmware's exit status
    assert not run.outputs and "invoke" not in run.log


def test_operand_outside_the_arena_is_refused_despite_a_valid_crc(
    toolchain: None, tmp_path: Path
) -> None:
    blob = bytearray(_program())
    fields = HEADER.unpack_from(blob)
    refs_offset = fields[8]
    struct.pack_into("<I", blob, refs_offset, fields[4] + 8)  # first operand past the arena
    run = _run(_with_crc(blob), tmp_path)
    assert run.init_status == int(micro._ffi.lib.MICRO_ERR_LAYOUT), run.log
    assert "step=0 " in run.log and not run.outputs


def test_model_too_big_for_the_board_is_refused_before_building(tmp_path: Path) -> None:
    board = load_board("mps2-an385")
    with pytest.raises(firmware.FirmwareError) as err:
        firmware.check_fit(board, program_size=100, arena_size=board.ram_size)
    message = str(err.value)
    assert "mps2-an385" in message and "RAM" in message and f"{board.ram_size:,} B" in message
    with pytest.raises(firmware.FirmwareError, match="flash: program 4,194,304 B"):
        firmware.export(
            struct.pack("<16I", 0x5243494D, 1, 64, 0, 8, *[0] * 11) + bytes(4 * 1024 * 1024 - 64),
            board,
            tmp_path,
        )
    assert not (tmp_path / "platformio.ini").exists()
