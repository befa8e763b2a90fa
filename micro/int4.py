"""INT4 tensor data as the TFLite schema stores it and TFLM reads it
(tensor_utils::UnpackDenseInt4IntoInt8): two signed 4-bit values per byte, the element of
even index in the low nibble; an odd count leaves the last byte's high nibble unused. micro
unpacks INT4 weights once, when it reads the model, into the int8 its kernels take."""

from __future__ import annotations

import numpy as np


def packed_size(count: int) -> int:
    """Bytes holding `count` INT4 values."""
    return (count + 1) // 2


def unpack(raw: bytes, count: int) -> np.ndarray:
    """int8[count] from `raw` (packed_size(count) bytes)."""
    b = np.frombuffer(raw, dtype=np.uint8)
    low = (b & 0x0F).astype(np.int8)
    high = (b >> 4).astype(np.int8)
    pairs = np.stack([low, high], axis=1).reshape(-1)[:count]
    return np.where(pairs > 7, pairs - 16, pairs).astype(np.int8)


def pack(values: np.ndarray) -> bytes:
    """The packed bytes of integer `values` (each in [-8, 7]), in row-major order."""
    v = np.asarray(values).reshape(-1).astype(np.int64)
    if v.size and (v.min() < -8 or v.max() > 7):
        raise ValueError(f"INT4 values must lie in [-8, 7], got {v.min()}..{v.max()}")
    nibbles = (v & 0x0F).astype(np.uint8)
    if nibbles.size % 2:
        nibbles = np.append(nibbles, np.uint8(0))
    return (nibbles[0::2] | (nibbles[1::2] << 4)).astype(np.uint8).tobytes()
