"""The Program blob (format: csrc/include/micro/program.h): build and serialize.

The blob is what runs, on the host through cffi and on a board from flash; it carries
no Python objects. Sizes and offsets are little-endian uint32.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

from ._ffi import ffi, lib
from .planner import align_up

HEADER_FORMAT = "<16I"
HEADER_SIZE = struct.calcsize(HEADER_FORMAT)
REF_CONST = int(lib.MICRO_REF_CONST)
DATA_ALIGN = int(lib.MICRO_DATA_ALIGN)
NO_OPERAND = int(lib.MICRO_NO_OPERAND)
STEP_SIZE = int(ffi.sizeof("micro_step_t"))
STEP_FORMAT = "<" + "I" * (STEP_SIZE // 4)


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
        variables: list[tuple[tuple[int, int], tuple[int, int]]],
    ) -> bytes:
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
        for var, init in variables:
            refs.extend([var, init])

        steps_offset = HEADER_SIZE
        refs_offset = steps_offset + STEP_SIZE * len(step_rows)
        data_offset = align_up(refs_offset + 8 * len(refs), DATA_ALIGN)
        size = data_offset + len(self.data)
        body = bytearray()
        for row in step_rows:
            body += struct.pack(STEP_FORMAT, *row)
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
