"""The Program blob (format: csrc/include/micro/program.h): build and serialize.

The blob is what runs, on the host through cffi and on a board from flash; it carries
no Python objects. Sizes and offsets are little-endian uint32.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

import numpy as np

from ._ffi import lib
from .errors import InputError, ModelError
from .planner import align_up

HEADER_FORMAT = "<16I"
HEADER_SIZE = struct.calcsize(HEADER_FORMAT)
REF_CONST = int(lib.MICRO_REF_CONST)
DATA_ALIGN = int(lib.MICRO_DATA_ALIGN)
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


@dataclass
class Step:
    kernel: int
    params: int  # offset in the data region
    refs: list[tuple[int, int]]  # (offset | REF_CONST, size)


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
        variables: list[tuple[tuple[int, int], tuple[int, int]]],
    ) -> bytes:
        refs: list[tuple[int, int]] = []
        step_rows = []
        for step in self.steps:
            step_rows.append((step.kernel, step.params, len(step.refs), len(refs)))
            refs.extend(step.refs)
        inputs_first = len(refs)
        refs.extend(inputs)
        outputs_first = len(refs)
        refs.extend(outputs)
        variables_first = len(refs)
        for var, init in variables:
            refs.extend([var, init])

        steps_offset = HEADER_SIZE
        refs_offset = steps_offset + 16 * len(step_rows)
        data_offset = align_up(refs_offset + 8 * len(refs), DATA_ALIGN)
        size = data_offset + len(self.data)
        # Offsets are uint32 and bit 31 of a ref marks the data region: both regions must
        # stay below 2^31 bytes, or the format cannot say where an operand lives.
        if size >= REF_CONST or arena_size >= REF_CONST:
            raise ModelError(
                f"the model needs a {size:,} B program and a {arena_size:,} B arena; the "
                f"Program format addresses at most {REF_CONST - 1:,} B of each (shapes too "
                f"large or corrupt)"
            )
        body = bytearray()
        for row in step_rows:
            body += struct.pack("<4I", *row)
        for ref in refs:
            body += struct.pack("<2I", *ref)
        body += b"\0" * (data_offset - refs_offset - 8 * len(refs))
        body += self.data
        fields = [
            int(lib.MICRO_PROGRAM_MAGIC),
            int(lib.MICRO_PROGRAM_VERSION),
            size,
            0,
            arena_size,
            len(step_rows),
            steps_offset,
            len(refs),
            refs_offset,
            len(inputs),
            inputs_first,
            len(outputs),
            outputs_first,
            len(variables),
            variables_first,
            data_offset,
        ]
        blob = bytearray(struct.pack(HEADER_FORMAT, *fields)) + body
        struct.pack_into("<I", blob, 12, zlib.crc32(bytes(blob[16:])) & 0xFFFFFFFF)
        return bytes(blob)
