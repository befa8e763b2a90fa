"""Bounds- and alignment-checked walking of one flatbuffer, through the tables of
`micro.schema`: every uoffset, soffset and vtable (size, alignment, every field inside its
table and the file), each vector length (against the bytes left, before anything is
allocated), each string (NUL-terminated UTF-8 inside the file), each union type and enum
value. A malformed buffer raises `ModelError` naming what is wrong and where. Also the
builtin options of an operator, every field present with the schema's defaults.
"""

from __future__ import annotations

import struct
from typing import Any, NoReturn

from . import schema
from .errors import ModelError

U32 = struct.Struct("<I")
I32 = struct.Struct("<i")
VT_HEAD = struct.Struct("<HH")
SCALARS = {k: struct.Struct("<" + v) for k, v in schema.SCALAR_FORMATS.items()}
SCALARS["utype"] = struct.Struct("<B")


class Table:
    """A verified table: its position, its size, and the field offsets of its vtable."""

    __slots__ = ("name", "pos", "size", "slots")

    def __init__(self, name: str, pos: int, size: int, slots: tuple[int, ...]) -> None:
        self.name = name
        self.pos = pos
        self.size = size
        self.slots = slots


class FlatReader:
    """Bounds- and alignment-checked access to one flatbuffer held in `buf`."""

    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.size = len(buf)
        # Tables may share vectors, so a small file could make us copy its contents over and
        # over; no writer does that, so the bytes we decode are bounded by the file's size.
        self.budget = 2 * self.size + 65536

    def charge(self, nbytes: int, what: str, where: str) -> None:
        self.budget -= nbytes
        if self.budget < 0:
            self.fail(
                where,
                f"{what}: the file's tables reference far more data than the file holds "
                "(shared or overlapping vectors)",
            )

    @staticmethod
    def fail(where: str, message: str) -> NoReturn:
        raise ModelError(f"{where}: {message}" if where else message)

    def need(self, pos: int, n: int, what: str, where: str) -> None:
        """Check that `n` bytes at `pos` lie inside the file."""
        if pos < 0:
            self.fail(where, f"{what} at offset {pos} lies before the start of the file")
        if pos + n > self.size:
            self.fail(
                where,
                f"file truncated: {what} at offset {pos} needs {n} bytes, file has {self.size} "
                "(an incomplete copy or download? get the file again)",
            )

    def aligned(self, pos: int, align: int, what: str, where: str) -> None:
        if pos % align:
            self.fail(where, f"{what} at offset {pos} is not aligned to {align} bytes")

    def table(self, pos: int, name: str, where: str) -> Table:
        what = f"{name} table"
        self.need(pos, 4, what, where)
        self.aligned(pos, 4, what, where)
        vt = pos - I32.unpack_from(self.buf, pos)[0]
        self.need(vt, 4, f"vtable of {what}", where)
        self.aligned(vt, 2, f"vtable of {what}", where)
        vt_size, obj_size = VT_HEAD.unpack_from(self.buf, vt)
        if vt_size < 4 or vt_size % 2:
            self.fail(where, f"vtable of {what} at offset {vt} has invalid size {vt_size}")
        self.need(vt, vt_size, f"vtable of {what}", where)
        if obj_size < 4:
            self.fail(where, f"{what} at offset {pos} has invalid size {obj_size}")
        self.need(pos, obj_size, what, where)
        n = (vt_size - 4) // 2
        return Table(name, pos, obj_size, struct.unpack_from(f"<{n}H", self.buf, vt + 4))

    def decode(self, pos: int, table: schema.Table, where: str) -> dict[str, Any]:
        """Every field of `table` at `pos`, verified. Absent scalars read as their default;
        absent strings, vectors, tables and unions as None. Tables and union values are
        returned as positions, vectors of tables as lists of positions, [ubyte] as bytes,
        other vectors as tuples."""
        t = self.table(pos, table.name, where)
        slots = t.slots
        out: dict[str, Any] = {}
        for i, f in enumerate(table.fields):
            offset = slots[i] if i < len(slots) else 0
            if offset:
                out[f.name] = self._value(t, offset, f, where)
            elif f.kind in SCALARS:
                out[f.name] = f.default
            else:
                out[f.name] = None
        return out

    def _field(self, t: Table, offset: int, size: int, f: schema.Field, where: str) -> int:
        if offset + size > t.size:
            self.fail(
                where,
                f"field {t.name}.{f.name} at table offset {offset} ({size} bytes) lies outside "
                f"its {t.size}-byte table at offset {t.pos}",
            )
        pos = t.pos + offset
        self.aligned(pos, size, f"field {t.name}.{f.name}", where)
        return pos

    def _enum(self, t: Table, f: schema.Field, value: int, where: str) -> Any:
        assert f.enum is not None
        try:
            return f.enum(value)
        except ValueError:
            self.fail(where, f"field {t.name}.{f.name}: {value} is not a valid {f.enum.__name__}")

    def _value(self, t: Table, offset: int, f: schema.Field, where: str) -> Any:
        buf = self.buf
        kind = f.kind
        scalar = SCALARS.get(kind)
        if scalar is not None:
            pos = self._field(t, offset, scalar.size, f, where)
            value = scalar.unpack_from(buf, pos)[0]
            if f.enum is not None:
                return self._enum(t, f, value, where)
            if kind == "utype":
                assert f.ref is not None
                if value > len(schema.UNIONS[f.ref]):
                    self.fail(where, f"field {t.name}.{f.name}: unknown {f.ref} type {value}")
            return value
        pos = self._field(t, offset, 4, f, where)
        target = pos + U32.unpack_from(buf, pos)[0]
        if kind in ("table", "union"):
            return target
        what = f"{t.name}.{f.name}"
        if kind == "string":
            return self.string(target, what, where)
        element = f.element
        if element == "table":
            n, start = self.vector(target, 4, what, where)
            offsets = struct.unpack_from(f"<{n}I", buf, start)
            return [start + 4 * i + o for i, o in enumerate(offsets)]
        if element == "ubyte":
            n, start = self.vector(target, 1, what, where)
            return buf[start : start + n]
        element_struct = SCALARS[element]
        n, start = self.vector(target, element_struct.size, what, where)
        values = struct.unpack_from(f"<{n}{schema.SCALAR_FORMATS[element]}", buf, start)
        if f.enum is not None:
            return tuple(self._enum(t, f, v, where) for v in values)
        return values

    def vector(self, pos: int, element_size: int, what: str, where: str) -> tuple[int, int]:
        """(length, start of the elements) of the vector at `pos`."""
        self.need(pos, 4, f"vector {what}", where)
        self.aligned(pos, 4, f"vector {what}", where)
        n = U32.unpack_from(self.buf, pos)[0]
        start = pos + 4
        if n * element_size > self.size - start:
            self.fail(
                where,
                f"vector {what} at offset {pos} claims {n} elements of {element_size} bytes, "
                f"but only {self.size - start} bytes follow in the file",
            )
        self.charge(n * element_size, f"vector {what}", where)
        return n, start

    def string(self, pos: int, what: str, where: str) -> str:
        n, start = self.vector(pos, 1, what, where)
        if start + n >= self.size or self.buf[start + n] != 0:
            self.fail(where, f"string {what} at offset {pos} is not NUL-terminated")
        try:
            return self.buf[start : start + n].decode("utf-8")
        except UnicodeDecodeError as e:
            self.fail(where, f"string {what} at offset {pos} is not valid UTF-8 ({e.reason})")


def options(raw: dict[str, Any] | None, table: schema.Table) -> dict[str, Any]:
    """Builtin options by field name, every field present: the decoded table `raw`, or with
    no table (None) the schema defaults, as for every field the table leaves out. Absent
    strings/vectors become ""/()/b""."""
    if raw is None:  # no table: every field reads as left out
        raw = {f.name: f.default if f.kind in SCALARS else None for f in table.fields}
    options: dict[str, Any] = {}
    for f in table.fields:
        if f.deprecated:
            continue
        value = raw[f.name]
        if value is None:
            value = "" if f.kind == "string" else b"" if f.kind == "[ubyte]" else ()
        options[f.name] = value
    return options


def builtin_options(
    r: FlatReader, o: dict[str, Any], builtin_code: int, op_name: str, where: str
) -> dict[str, Any]:
    """The builtin options of a decoded Operator table `o` (either union), checked against
    what the operator takes, every field present (`options`)."""
    found: list[tuple[schema.OptionsSpec, int | None]] = []
    for union, field in (
        ("BuiltinOptions", "builtin_options"),
        ("BuiltinOptions2", "builtin_options_2"),
    ):
        spec = schema.options_spec(union, o[field + "_type"])
        if spec is not None:
            found.append((spec, o[field]))
    expected = schema.op_options(builtin_code)
    if not found:
        return {} if expected is None else options(None, expected.table)
    if len(found) > 1:
        r.fail(where, "has both builtin_options and builtin_options_2")
    spec, pos = found[0]
    if expected is None or expected.table is not spec.table:
        wanted = "no options" if expected is None else expected.table.name
        r.fail(where, f"carries {spec.table.name}, but {op_name} takes {wanted}")
    if pos is None:
        r.fail(where, f"{spec.table.name} is announced but absent")
    return options(r.decode(pos, spec.table, where), spec.table)
