"""A corrupt program is refused on the board with the executor's error code, never run;
a model too big for a board is refused before anything is built, with the numbers."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from models import fully_connected_chain

import micro
from micro import firmware
from micro.boards import load_board
from micro.program import HEADER_SIZE, ProgramWriter, read_header, seal


def _program() -> bytes:
    return micro.Interpreter.from_bytes(fully_connected_chain(0)).compiled.program


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
    header = read_header(blob)
    # the first operand's offset, past the arena
    struct.pack_into("<I", blob, header.refs_offset, header.arena_size + 8)
    run = _run(seal(blob), tmp_path)
    assert run.init_status == int(micro._ffi.lib.MICRO_ERR_LAYOUT), run.log
    assert "step=0 " in run.log and not run.outputs


def test_output_pointed_into_the_program_breaks_the_access_contract_on_the_board(
    toolchain: None, tmp_path: Path
) -> None:
    """The executor's operand-access contract (kernels.def) holds on the board too: the
    firmware's own kernel table carries the access letters."""
    blob = bytearray(_program())
    header = read_header(blob)
    refs = micro._ffi.ffi.cast("micro_ref_t *", micro._ffi.ffi.from_buffer(blob))
    first = header.refs_offset // micro._ffi.ffi.sizeof("micro_ref_t")
    # step 0 is a FULLY_CONNECTED: its output onto its filter
    lib = micro._ffi.lib
    out, filter_ = lib.MICRO_FULLY_CONNECTED_S8_OUTPUT, lib.MICRO_FULLY_CONNECTED_S8_FILTER
    refs[first + out].offset = refs[first + filter_].offset
    run = _run(seal(blob), tmp_path)
    assert run.init_status == int(micro._ffi.lib.MICRO_ERR_ACCESS), run.log
    assert "step=0 " in run.log and not run.outputs
    assert run.status == run.init_status


def test_model_too_big_for_the_board_is_refused_before_building(tmp_path: Path) -> None:
    board = load_board("mps2-an385")
    with pytest.raises(firmware.FirmwareError) as err:
        firmware.check_fit(board, program_size=100, arena_size=board.ram_size)
    message = str(err.value)
    assert "mps2-an385" in message and "RAM" in message and f"{board.ram_size:,} B" in message
    with pytest.raises(firmware.FirmwareError, match="flash: program 4,194,304 B"):
        firmware.export(
            _huge_program(4 * 1024 * 1024),
            board,
            tmp_path,
        )
    assert not (tmp_path / "platformio.ini").exists()


def _huge_program(size: int) -> bytes:
    """A valid empty program of `size` bytes (constant padding), arena 8 bytes."""
    writer = ProgramWriter()
    writer.add_data(bytes(size - HEADER_SIZE))
    program = writer.serialize(8, [], [], [])
    assert len(program) == size
    return program
