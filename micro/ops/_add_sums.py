"""The sums tables of an int8 ADD/SUB for the DSP twin (csrc/include/micro/kernels/add_s8.h).

An int8 ADD's output depends on its two input bytes alone, through the reference's
    out[x, y] = clamp(output_zp + requant(table1[x] + table2[y], multiplier, shift), lo, hi)
The twin computes it as clamp(ssat8((s1[x] + s2[y]) >> K), lo, hi) with K =
MICRO_ADD_SUMS_SHIFT: one add and one saturation instead of a requantization. Each pair
is two inequalities on s1[x] + s2[y] (one where the clamp or the saturation cuts: any
value past it gives the same byte), so finding int32 tables is a system of difference
constraints over 512 unknowns: shortest paths (Bellman-Ford) solve it exactly or prove
it has no solution (a negative cycle), and then the step goes without tables. The
result is checked on all 65,536 pairs before it is used.
"""

from __future__ import annotations

import numpy as np

from .._ffi import lib
from ..fixedpoint import requantize, wrap32

SHIFT = int(lib.MICRO_ADD_SUMS_SHIFT)
LIMIT = int(lib.MICRO_ADD_TERM_LIMIT) - 1  # a sum of two entries fits int32
_UNBOUNDED = 1 << 40


def reference_outputs(
    table1: np.ndarray, table2: np.ndarray, multiplier: int, shift: int, zp: int, lo: int, hi: int
) -> np.ndarray:
    """The reference kernel's byte for every pair: [x, y] for input bytes x, y (0..255)."""
    total = wrap32(table1.astype(np.int64)[:, None] + table2.astype(np.int64)[None, :])
    return np.clip(requantize(total, multiplier, shift) + zp, lo, hi)


def sums_tables(
    table1: np.ndarray, table2: np.ndarray, multiplier: int, shift: int, zp: int, lo: int, hi: int
) -> np.ndarray | None:
    """int32[512], input1's then input2's sums table, or None when none exists."""
    want = reference_outputs(table1, table2, multiplier, shift, zp, lo, hi)
    unit = 1 << SHIFT
    cut_lo, cut_hi = max(lo, -128), min(hi, 127)  # past these, every sum gives the same byte
    least = np.where(want <= cut_lo, -_UNBOUNDED, want * unit)
    most = np.where(want >= cut_hi, _UNBOUNDED, want * unit + unit - 1)
    solved = _solve(least, most)
    if solved is None:
        return None
    sums = np.concatenate(solved)
    got = np.clip(np.clip((sums[:256, None] + sums[None, 256:]) >> SHIFT, -128, 127), lo, hi)
    if not np.array_equal(got, want):
        return None
    return sums.astype(np.int32)


def _solve(least: np.ndarray, most: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Integers s1, s2 within +/-LIMIT with least <= s1[x] + s2[y] <= most, by shortest
    paths from a zero node z: s1[x] - (-s2[y]) <= most, (-s2[y]) - s1[x] <= -least."""
    d1 = np.zeros(256, np.int64)  # distances of s1 and of n = -s2
    dn = np.zeros(256, np.int64)
    dz = 0
    for _ in range(2 * 513 + 1):  # more rounds than nodes: a negative cycle
        n1 = np.minimum(np.minimum(d1, (dn[None, :] + most).min(axis=1)), dz + LIMIT)
        nn = np.minimum(np.minimum(dn, (n1[:, None] - least).min(axis=0)), dz + LIMIT)
        nz = min(dz, int((n1 + LIMIT).min()), int((nn + LIMIT).min()))
        if nz == dz and np.array_equal(n1, d1) and np.array_equal(nn, dn):
            return d1 - dz, dz - dn
        d1, dn, dz = n1, nn, nz
    return None
