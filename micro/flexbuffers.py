"""FlexBuffers: a verifying reader (custom-op options) and a small writer (maps of scalars).

FlexBuffers is the schemaless encoding TFLite custom ops use for their options. A buffer
ends with the root's packed type and byte width; every value is either stored inline in
its parent's slot (ints, floats, bools) or as an unsigned offset pointing *backwards* to
its data (strings, keys, vectors, maps). A packed type byte is `type << 2 | log2(width)`.

    map:     keys offset | keys width | size | values[size] | types[size]
    vector:  size | values[size] | types[size]          (typed vectors omit the types)

`loads` turns a buffer into Python values (dict, list, int, float, bool, str, bytes, None)
and checks every read against the buffer, so a hostile buffer is a ModelError, never an
IndexError or an endless loop. `dumps` writes a map of str -> int/float/bool, which is all
the signal ops need.
"""

from __future__ import annotations

import struct
from typing import Any

from .errors import ModelError

# Value types (flexbuffers::Type).
NULL, INT, UINT, FLOAT, KEY, STRING = 0, 1, 2, 3, 4, 5
INDIRECT_INT, INDIRECT_UINT, INDIRECT_FLOAT = 6, 7, 8
MAP, VECTOR, VECTOR_INT, VECTOR_UINT, VECTOR_FLOAT, VECTOR_KEY = 9, 10, 11, 12, 13, 14
VECTOR_STRING_DEPRECATED = 15
VECTOR_INT2, VECTOR_INT4 = 16, 22  # fixed-length typed vectors: 16..24
BLOB, BOOL, VECTOR_BOOL = 25, 26, 36

_MAX_DEPTH = 64


def _fail(message: str) -> ModelError:
    return ModelError(f"malformed FlexBuffers custom options: {message}")


class _Reader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.steps = 0

    def read_uint(self, pos: int, width: int) -> int:
        if width not in (1, 2, 4, 8):
            raise _fail(f"invalid byte width {width}")
        if pos < 0 or pos + width > len(self.data):
            raise _fail(
                f"read of {width} bytes at {pos} is outside the {len(self.data)}-byte buffer"
            )
        return int.from_bytes(self.data[pos : pos + width], "little")

    def read_int(self, pos: int, width: int) -> int:
        value = self.read_uint(pos, width)
        return value - (1 << (8 * width)) if value >> (8 * width - 1) else value

    def read_float(self, pos: int, width: int) -> float:
        if width == 4:
            return float(struct.unpack("<f", self.read_uint(pos, 4).to_bytes(4, "little"))[0])
        if width == 8:
            return float(struct.unpack("<d", self.read_uint(pos, 8).to_bytes(8, "little"))[0])
        raise _fail(f"float of width {width}")

    def indirect(self, pos: int, width: int) -> int:
        """The target of the offset stored at `pos`: offsets point strictly backwards."""
        offset = self.read_uint(pos, width)
        if offset > pos:
            raise _fail(f"offset {offset} at byte {pos} points outside the buffer")
        return pos - offset

    def cstring(self, pos: int) -> str:
        end = self.data.find(b"\0", pos)
        if pos < 0 or end < 0:
            raise _fail(f"unterminated key at byte {pos}")
        try:
            return self.data[pos:end].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _fail(f"key at byte {pos} is not UTF-8") from exc

    def sized(self, pos: int, width: int, elem: int) -> int:
        """Element count stored before a vector at `pos`; the elements must fit."""
        size = self.read_uint(pos - width, width)
        if pos + size * elem > len(self.data):
            raise _fail(f"vector of {size} elements at byte {pos} overruns the buffer")
        return size

    def value(self, pos: int, parent_width: int, packed: int, depth: int = 0) -> Any:
        self.steps += 1
        if depth > _MAX_DEPTH or self.steps > 4 * len(self.data) + 16:
            raise _fail("nesting too deep")
        kind, width = packed >> 2, 1 << (packed & 3)
        if kind == NULL:
            return None
        if kind == INT:
            return self.read_int(pos, parent_width)
        if kind == UINT:
            return self.read_uint(pos, parent_width)
        if kind == FLOAT:
            return self.read_float(pos, parent_width)
        if kind == BOOL:
            return self.read_uint(pos, parent_width) != 0
        target = self.indirect(pos, parent_width)
        if kind == INDIRECT_INT:
            return self.read_int(target, width)
        if kind == INDIRECT_UINT:
            return self.read_uint(target, width)
        if kind == INDIRECT_FLOAT:
            return self.read_float(target, width)
        if kind == KEY:
            return self.cstring(target)
        if kind in (STRING, BLOB):
            size = self.sized(target, width, 1)
            raw = self.data[target : target + size]
            if kind == BLOB:
                return bytes(raw)
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _fail(f"string at byte {target} is not UTF-8") from exc
        if kind == MAP:
            return self.map(target, width, depth)
        if kind == VECTOR:
            size = self.sized(target, width, width + 1)
            types = target + size * width
            return [
                self.value(target + i * width, width, self.read_uint(types + i, 1), depth + 1)
                for i in range(size)
            ]
        if VECTOR_INT <= kind <= VECTOR_KEY or kind in (VECTOR_STRING_DEPRECATED, VECTOR_BOOL):
            elem = BOOL if kind == VECTOR_BOOL else kind - VECTOR_INT + INT
            size = self.sized(target, width, width)
            return [
                self.value(target + i * width, width, elem << 2, depth + 1) for i in range(size)
            ]
        if VECTOR_INT2 <= kind < VECTOR_INT2 + 9:
            count = 2 + (kind - VECTOR_INT2) // 3
            elem = (kind - VECTOR_INT2) % 3 + INT
            if target + count * width > len(self.data):
                raise _fail(f"fixed vector at byte {target} overruns the buffer")
            return [
                self.value(target + i * width, width, elem << 2, depth + 1) for i in range(count)
            ]
        raise _fail(f"unknown value type {kind}")

    def map(self, pos: int, width: int, depth: int) -> dict[str, Any]:
        size = self.sized(pos, width, width + 1)
        keys_width = self.read_uint(pos - 2 * width, width)
        keys = self.value(pos - 3 * width, width, (VECTOR_KEY << 2) | _log2(keys_width), depth + 1)
        if len(keys) != size:
            raise _fail(f"map at byte {pos} has {size} values but {len(keys)} keys")
        types = pos + size * width
        out: dict[str, Any] = {}
        for i, key in enumerate(keys):
            out[key] = self.value(pos + i * width, width, self.read_uint(types + i, 1), depth + 1)
        return out


def _log2(width: int) -> int:
    if width not in (1, 2, 4, 8):
        raise _fail(f"invalid byte width {width}")
    return width.bit_length() - 1


def loads(data: bytes) -> Any:
    """The Python value encoded in a FlexBuffers buffer; ModelError if it is malformed."""
    data = bytes(data)
    if len(data) < 3:
        raise _fail(f"{len(data)} bytes is too short")
    width = data[-1]
    packed = data[-2]
    reader = _Reader(data)
    root = len(data) - 2 - width
    if width not in (1, 2, 4, 8) or root < 0:
        raise _fail(f"invalid root byte width {width}")
    return reader.value(root, width, packed)


def loads_map(data: bytes | None, what: str = "custom options") -> dict[str, Any]:
    """Options that must be a FlexBuffers map (as every signal op's are)."""
    if not data:
        raise ModelError(f"{what}: missing (a FlexBuffers map is required)")
    value = loads(data)
    if not isinstance(value, dict):
        raise ModelError(f"{what}: expected a FlexBuffers map, got {type(value).__name__}")
    return value


# -- writer ------------------------------------------------------------------------------


def dumps(values: dict[str, int | float | bool]) -> bytes:
    """Encode a map of scalars (keys sorted, as FlexBuffers requires for lookups)."""
    items = sorted(values.items())
    for key, value in items:
        if not isinstance(key, str) or "\0" in key:
            raise ValueError(f"invalid key {key!r}")
        if not isinstance(value, (bool, int, float)):
            raise TypeError(f"value of {key!r} must be int, float or bool, not {type(value)}")
    for width in (1, 2, 4, 8):
        encoded = _encode_map(items, width)
        if encoded is not None:
            return encoded
    raise ValueError("value out of range for FlexBuffers")


def _fits(value: int | float | bool, width: int) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, float):
        return width in (4, 8) and (
            width == 8 or float(struct.unpack("<f", struct.pack("<f", value))[0]) == value
        )
    bits = 8 * width
    return -(1 << (bits - 1)) <= value < (1 << (bits - 1))


def _encode_map(items: list[tuple[str, int | float | bool]], width: int) -> bytes | None:
    if not all(_fits(v, width) for _, v in items):
        return None
    buf = bytearray()
    key_at = []
    for key, _ in items:
        key_at.append(len(buf))
        buf += key.encode("utf-8") + b"\0"

    def pad() -> None:
        buf.extend(b"\0" * (-len(buf) % width))

    def offset(target: int) -> bytes | None:
        off = len(buf) - target
        return off.to_bytes(width, "little") if off < (1 << (8 * width)) else None

    pad()
    buf += len(items).to_bytes(width, "little")
    keys_vec = len(buf)
    for at in key_at:
        off = offset(at)
        if off is None:
            return None
        buf += off
    pad()
    off = offset(keys_vec)
    if off is None:
        return None
    buf += off
    buf += width.to_bytes(width, "little")
    buf += len(items).to_bytes(width, "little")
    map_at = len(buf)
    types = bytearray()
    for _, value in items:
        if isinstance(value, bool):
            buf += int(value).to_bytes(width, "little")
            types.append(BOOL << 2 | _log2(width))
        elif isinstance(value, float):
            buf += struct.pack("<f" if width == 4 else "<d", value)
            types.append(FLOAT << 2 | _log2(width))
        else:
            buf += value.to_bytes(width, "little", signed=True)
            types.append(INT << 2 | _log2(width))
    buf += types
    off = offset(map_at)
    if off is None:
        return None
    buf += off
    buf.append(MAP << 2 | _log2(width))
    buf.append(width)
    return bytes(buf)
