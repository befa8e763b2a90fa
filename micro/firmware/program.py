"""What the firmware generator reads from a Program: its header and its steps' kernel ids,
through the C structs (micro_program_header_t, micro_step_t) as cffi sees them."""

from __future__ import annotations

from dataclasses import dataclass

from .._ffi import ffi, lib
from ..errors import FirmwareError


@dataclass(frozen=True)
class ProgramSummary:
    arena_size: int
    n_steps: int
    n_inputs: int
    step_kernels: tuple[int, ...]


def program_header(program: bytes) -> ProgramSummary:
    """The header fields and step kernels of a Program; FirmwareError if it is not one."""
    header_size = ffi.sizeof("micro_program_header_t")
    step_size = ffi.sizeof("micro_step_t")
    if len(program) < header_size:
        raise FirmwareError("not a micro program (shorter than its header)")
    buf = ffi.from_buffer(program)
    header = ffi.cast("micro_program_header_t *", buf)
    if header.magic != lib.MICRO_PROGRAM_MAGIC:
        raise FirmwareError("not a micro program (bad magic)")
    end = header.steps_offset + header.n_steps * step_size
    if end > len(program):
        raise FirmwareError("the Program's step table runs past its end")
    steps = ffi.cast("micro_step_t *", buf + header.steps_offset)
    return ProgramSummary(
        int(header.arena_size),
        int(header.n_steps),
        int(header.n_inputs),
        tuple(int(steps[i].kernel) for i in range(header.n_steps)),
    )
