"""The Program blob (format: csrc/include/micro/program.h): build, serialize, read, seal.

The blob is what runs, on the host through cffi and on a board from flash; it carries
no Python objects. Its header, steps and refs are the C structs themselves
(micro_program_header_t, micro_step_t, micro_ref_t through cffi), never retyped here.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._ffi import ffi, lib
from .errors import InputError, ModelError
from .planner import align_up

HEADER_SIZE = ffi.sizeof("micro_program_header_t")
STEP_SIZE = ffi.sizeof("micro_step_t")
REF_SIZE = ffi.sizeof("micro_ref_t")
REF_CONST = int(lib.MICRO_REF_CONST)
REF_STREAM = int(lib.MICRO_REF_STREAM)
DATA_ALIGN = int(lib.MICRO_DATA_ALIGN)
NO_OPERAND = int(lib.MICRO_NO_OPERAND)
U32_MAX = 0xFFFFFFFF


def check_arena_size(arena_size: object) -> None:
    """An arena budget the 32-bit runtime can take, checked before anything is allocated."""
    if isinstance(arena_size, bool) or not isinstance(arena_size, (int, np.integer)):
        raise InputError(f"arena_size must be an int (bytes), got {type(arena_size).__name__}")
    if not 0 <= arena_size <= U32_MAX:
        raise InputError(
            f"arena_size {arena_size} is outside 0..{U32_MAX}: the runtime addresses its "
            f"arena with 32-bit offsets"
        )


# The checksum field, and where the bytes it covers start (right after it).
_CRC_AT = ffi.offsetof("micro_program_header_t", "crc32")
_CRC_FROM = _CRC_AT + ffi.sizeof("uint32_t")


def read_header(program: bytes) -> Any:
    """The header of `program` as a micro_program_header_t (fields by name). A blob shorter
    than a header reads as zeros past its end (so its magic does not match)."""
    header = ffi.new("micro_program_header_t *")
    head = bytes(program[:HEADER_SIZE])
    ffi.memmove(header, head, len(head))
    return header[0]


def read_steps(program: bytes) -> list[Any]:
    """The step table of `program` as micro_step_t values (kernel, params, operands)."""
    header = read_header(program)
    at = header.steps_offset
    blob = bytes(program[at : at + STEP_SIZE * header.n_steps])
    steps = ffi.new("micro_step_t[]", header.n_steps)
    ffi.memmove(steps, blob, len(blob))
    # Each step copied into memory of its own: an element of `steps` would not keep the
    # array alive, and reading it after this returns would read freed memory.
    return [ffi.new("micro_step_t *", step)[0] for step in steps]


def crc32(program: bytes | bytearray) -> int:
    """The checksum micro_init expects in the header: CRC-32 of the bytes after it."""
    return zlib.crc32(memoryview(program)[_CRC_FROM:]) & 0xFFFFFFFF


def seal(program: bytes | bytearray) -> bytes:
    """`program` with its header's checksum recomputed (after editing its bytes)."""
    blob = bytearray(program)
    blob[_CRC_AT:_CRC_FROM] = crc32(blob).to_bytes(4, "little")
    return bytes(blob)


def _struct_bytes(ctype: str, value: Any) -> bytes:
    return bytes(ffi.buffer(ffi.new(ctype, value)))


@dataclass
class Step:
    kernel: int
    params: int  # offset in the data region
    refs: list[tuple[int, int]]  # (offset | REF_CONST, size)
    overlap: tuple[int, int] | None = None  # (input, output) operands sharing bytes


@dataclass
class ProgramWriter:
    """Collects constant data, steps and refs; `serialize` lays them out and checksums."""

    data: bytearray = field(default_factory=bytearray)
    steps: list[Step] = field(default_factory=list)
    _dedup: dict[bytes, int] = field(default_factory=dict)

    def add_data(self, blob: bytes, alignment: int = DATA_ALIGN) -> int:
        """Offset of `blob` in the data region (identical blobs are stored once)."""
        if not blob:
            return 0
        key = bytes(blob)
        if key in self._dedup and self._dedup[key] % alignment == 0:
            return self._dedup[key]
        offset = align_up(len(self.data), alignment)
        self.data.extend(b"\0" * (offset - len(self.data)))
        self.data.extend(key)
        self._dedup[key] = offset
        return offset

    def const_ref(self, blob: bytes) -> tuple[int, int]:
        if not blob:
            return (0, 0)
        return (REF_CONST | self.add_data(blob), len(blob))

    def serialize(
        self,
        arena_size: int,
        inputs: list[tuple[int, int]],
        outputs: list[tuple[int, int]],
        variables: list[tuple[tuple[int, int], tuple[int, int], tuple[int, int]]],
    ) -> bytes:
        """`variables`: (arena ref, value after init, value after reset) each."""
        refs: list[tuple[int, int]] = []
        step_rows = []
        for step in self.steps:
            pair = step.overlap or (NO_OPERAND, NO_OPERAND)
            step_rows.append((step.kernel, step.params, len(step.refs), len(refs), *pair))
            refs.extend(step.refs)
        inputs_first = len(refs)
        refs.extend(inputs)
        outputs_first = len(refs)
        refs.extend(outputs)
        variables_first = len(refs)
        for var, init, reset in variables:
            refs.extend([var, init, reset])

        steps_offset = HEADER_SIZE
        refs_offset = steps_offset + STEP_SIZE * len(step_rows)
        data_offset = align_up(refs_offset + REF_SIZE * len(refs), DATA_ALIGN)
        # Offsets are uint32 and bit 31 of a ref marks the data region: both regions must
        # stay below 2^31 bytes, or the format cannot say where an operand lives.
        size = data_offset + len(self.data)
        if size >= REF_CONST or arena_size >= REF_CONST:
            raise ModelError(
                f"the model needs a {size:,} B program and a {arena_size:,} B arena; the "
                f"Program format addresses at most {REF_CONST - 1:,} B of each (shapes too "
                f"large or corrupt)"
            )
        header = {
            "magic": int(lib.MICRO_PROGRAM_MAGIC),
            "version": int(lib.MICRO_PROGRAM_VERSION),
            "size": size,
            "crc32": 0,  # sealed below
            "arena_size": arena_size,
            "n_steps": len(step_rows),
            "steps_offset": steps_offset,
            "n_refs": len(refs),
            "refs_offset": refs_offset,
            "n_inputs": len(inputs),
            "inputs_first": inputs_first,
            "n_outputs": len(outputs),
            "outputs_first": outputs_first,
            "n_variables": len(variables),
            "variables_first": variables_first,
            "data_offset": data_offset,
        }
        blob = bytearray(_struct_bytes("micro_program_header_t *", header))
        if step_rows:
            blob += _struct_bytes("micro_step_t[]", step_rows)
        if refs:
            blob += _struct_bytes("micro_ref_t[]", refs)
        blob += b"\0" * (data_offset - len(blob))
        blob += self.data
        return seal(blob)
