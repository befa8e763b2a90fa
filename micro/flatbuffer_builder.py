"""A minimal flatbuffer builder, and the check of values against a `micro.schema` table
before they are encoded (the .tflite writer's builtin options).

The builder works back to front, as flatbuffers are meant to be built: children (strings,
vectors, sub-tables) are written before the table that points at them, so every uoffset
points forward in the file. Positions are counted from the end of the buffer while building;
the final size is padded to the largest alignment used, so an object aligned relative to the
end is aligned in the file too.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping, Sequence
from enum import IntEnum
from typing import Any

from . import schema

__all__ = ["FlatBufferBuilder", "Offset", "normalize_options"]

_U32 = struct.Struct("<I")
_I32 = struct.Struct("<i")


class Offset(int):
    """Position of a written object, counted from the end of the buffer."""


class FlatBufferBuilder:
    """Minimal back-to-front flatbuffer builder: strings, scalar vectors and tables."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []  # in reverse file order
        self._size = 0
        self._max_align = 4
        self._vtables: dict[bytes, int] = {}

    def _prepend(self, data: bytes) -> None:
        self._chunks.append(data)
        self._size += len(data)

    def _pad_for(self, nbytes: int, align: int) -> None:
        """Pad so that `nbytes` prepended next start at a multiple of `align`."""
        self._max_align = max(self._max_align, align)
        pad = (-(self._size + nbytes)) % align
        if pad:
            self._prepend(bytes(pad))

    def create_string(self, text: str) -> Offset:
        raw = text.encode("utf-8")
        self._pad_for(len(raw) + 1, 4)
        self._prepend(raw + b"\0")
        self._prepend(_U32.pack(len(raw)))
        return Offset(self._size)

    def create_vector(self, element: str, values: Sequence[Any] | bytes, align: int = 0) -> Offset:
        """A vector of scalars of flatbuffer type `element` ("int", "float", "ubyte", ...)."""
        if element == "ubyte" and isinstance(values, (bytes, bytearray, memoryview)):
            payload = bytes(values)
        else:
            payload = struct.pack(f"<{len(values)}{schema.SCALAR_FORMATS[element]}", *values)
        size = schema.SCALAR_SIZES[element]
        self._pad_for(len(payload), max(4, size, align))
        self._prepend(payload)
        self._prepend(_U32.pack(len(payload) // size))
        return Offset(self._size)

    def create_offset_vector(self, offsets: Sequence[int]) -> Offset:
        """A vector of uoffsets to objects already written (e.g. a vector of tables)."""
        self._pad_for(4 * len(offsets), 4)
        start = self._size + 4 * len(offsets)  # position of element 0
        self._prepend(b"".join(_U32.pack(start - 4 * i - o) for i, o in enumerate(offsets)))
        self._prepend(_U32.pack(len(offsets)))
        return Offset(self._size)

    def create_table(self, fields: Sequence[tuple[int, str, Any]]) -> Offset:
        """A table from (slot, kind, value) triples: `kind` is a scalar type name, or
        "offset" for a uoffset to an object already written (value is its Offset)."""
        layout: list[tuple[int, int, str, Any]] = []  # (position in table, slot, kind, value)
        pos = 4  # after the soffset to the vtable
        for slot, kind, value in sorted(fields, key=lambda f: -_size_of(f[1])):
            size = _size_of(kind)
            pos += (-pos) % size
            layout.append((pos, slot, kind, value))
            pos += size
        obj_size = pos
        self._pad_for(obj_size, max([4] + [_size_of(k) for _, k, _ in fields]))
        table_off = self._size + obj_size
        nslots = max((slot + 1 for slot, _, _ in fields), default=0)
        slot_offsets = [0] * nslots
        body = bytearray(obj_size)
        for position, slot, kind, value in layout:
            slot_offsets[slot] = position
            if kind == "offset":
                _U32.pack_into(body, position, (table_off - position) - value)
            else:
                struct.pack_into("<" + schema.SCALAR_FORMATS[kind], body, position, value)
        vtable = struct.pack(f"<HH{nslots}H", 4 + 2 * nslots, obj_size, *slot_offsets)
        vt_off = self._vtables.get(vtable)
        new_vtable = vt_off is None
        if vt_off is None:
            vt_off = table_off + len(vtable)  # written right before the table
        _I32.pack_into(body, 0, vt_off - table_off)
        self._prepend(bytes(body))
        if new_vtable:
            self._prepend(vtable)
            self._vtables[vtable] = vt_off
        return Offset(table_off)

    def finish(self, root: int, identifier: bytes) -> bytes:
        self._pad_for(8, self._max_align)
        self._prepend(identifier)
        self._prepend(_U32.pack(self._size + 4 - root))
        return b"".join(reversed(self._chunks))

    # -- schema-driven encoding ----------------------------------------------------------

    def encode(self, table: schema.Table, values: Mapping[str, Any]) -> Offset:
        """Write a table of `micro.schema` from field values: scalars (defaults omitted),
        str for strings, sequences (bytes for [ubyte]) for vectors, and Offsets of objects
        already written for tables, unions and vectors of tables."""
        fields: list[tuple[int, str, Any]] = []
        for name, value in values.items():
            if value is None:
                continue
            slot = table.slot(name)
            f = table.fields[slot]
            kind = "ubyte" if f.kind == "utype" else f.kind
            if kind in schema.SCALAR_FORMATS:
                if value != f.default:
                    fields.append((slot, kind, int(value) if f.enum is not None else value))
                continue
            if kind == "string":
                offset = self.create_string(value)
            elif kind == "[table]":
                offset = self.create_offset_vector(value)
            elif f.is_vector:
                offset = self.create_vector(f.element, value, f.align)
            else:  # table or union, already written
                offset = value
            fields.append((slot, "offset", offset))
        return self.create_table(fields)


def _size_of(kind: str) -> int:
    return 4 if kind == "offset" else schema.SCALAR_SIZES[kind]


def _scalar_ok(kind: str, value: Any) -> bool:
    try:
        struct.pack("<" + schema.SCALAR_FORMATS[kind], value)
    except (struct.error, TypeError):
        return False
    return True


def normalize_options(
    op_name: str, table: schema.Table, options: Mapping[str, Any]
) -> dict[str, Any]:
    """Check builtin options against `table` and convert enum names/ints to enum members."""
    out: dict[str, Any] = {}
    names = [f.name for f in table.fields if not f.deprecated]
    for name, value in options.items():
        try:
            f = table.field_named(name)
        except KeyError:
            raise ValueError(
                f"{op_name}: {table.name} has no field {name!r} (fields: {', '.join(names)})"
            ) from None
        if f.deprecated or f.kind in ("utype", "union", "table", "[table]"):
            raise ValueError(f"{op_name}: {table.name}.{name} cannot be written")
        where = f"{op_name}: {table.name}.{name}"
        if f.enum is not None:
            enum = f.enum
            converted = [_enum_value(enum, v, where) for v in (value if f.is_vector else [value])]
            out[name] = tuple(converted) if f.is_vector else converted[0]
        elif f.kind == "string":
            if not isinstance(value, str):
                raise ValueError(f"{where}: expected a str, got {value!r}")
            out[name] = value
        elif f.kind == "[ubyte]":
            out[name] = bytes(value)
        elif f.is_vector:
            vector = tuple(value)
            if not all(_scalar_ok(f.element, v) for v in vector):
                raise ValueError(f"{where}: {vector!r} is not a vector of {f.element}")
            out[name] = vector
        else:
            if f.kind == "bool":
                value = bool(value)
            if not _scalar_ok(f.kind, value):
                raise ValueError(f"{where}: {value!r} does not fit a {f.kind}")
            out[name] = value
    return out


def _enum_value(enum: type[IntEnum], value: Any, where: str) -> IntEnum:
    try:
        if isinstance(value, str):
            return enum[value.upper()]
        return enum(value)
    except (KeyError, ValueError):
        raise ValueError(f"{where}: {value!r} is not a {enum.__name__}") from None
