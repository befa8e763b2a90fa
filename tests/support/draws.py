"""Random draws shared by the kernel generators (tests of the *_dsp and *_host twins):
requantizations that take the fast path (multiplier in [2^30, 2^31), shift <= -1, no clamp)
and those that do not (left shifts, small or zero multipliers), clamps, biases, data."""

from __future__ import annotations

import numpy as np


def requant(rng: np.random.Generator, n: int, small: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per-channel multipliers and shifts: mostly the fast path's, sometimes anything valid.
    Scales suit the data (small values take shifts near 0) so outputs land inside the
    clamp, where a wrong rounding shows."""
    mult = rng.integers(1 << 30, 1 << 31, n, dtype=np.int64)
    lo, hi = (-6, 0) if small else (-14, -5)
    shift = rng.integers(lo, hi, n)
    if rng.random() < 0.4:
        kind = rng.integers(0, 5, n)
        mult = np.where(kind == 1, rng.integers(0, 1 << 30, n), mult)
        mult = np.where(kind == 2, 0, mult)
        shift = np.where(kind == 3, rng.integers(-31, 31, n), shift)
        shift = np.where(kind == 4, rng.integers(0, 3, n) if small else shift, shift)
    return mult.astype(np.int32), shift.astype(np.int32)


def activation(rng: np.random.Generator) -> tuple[int, int]:
    if rng.random() < 0.5:
        return -128, 127
    lo = int(rng.integers(-128, 128))
    return lo, int(rng.integers(lo, 128))


def bias(rng: np.random.Generator, n: int, small: bool) -> np.ndarray:
    wide = rng.random() < 0.1
    limit = (1 << 31) - 1 if wide else 1 << (4 if small else 16)
    return rng.integers(-limit, limit, n, dtype=np.int64).astype(np.int32)


def int8(rng: np.random.Generator, n: int, small: bool = False) -> np.ndarray:
    limit = 4 if small else 128
    return rng.integers(-limit, limit, n, dtype=np.int64).astype(np.int8)
