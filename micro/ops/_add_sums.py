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

Better still when it exists, the linear form (add_s8.h) takes the tables off too: the sums
tables' two terms become floor(a * x / 256) and floor(b * y / 256) for the input values x
and y, one SMLAWB/SMLAWT each on the DSP core, four elements per word with SIMD
saturation. Only three integers a, b, c are free; the output's rounding boundaries lie
about 2^-16 of a step from the nearest pair, so the slopes' closest 2^-24 steps nearly
always work and a small search around them finds c's window. It too is checked on all
pairs, exactly as the kernel computes it.

Why two 32-bit multiplies per element (SMLAWB/SMLAWT), not one SMLAD of (x, y) against
two int16 slopes: the reference's bytes pin the real slopes down to about 2^-20 of an
output step per input step (ic's first ADD: both within a window 1.1e-6 wide, the others
within 5e-6 to 3e-5), while an int16 slope of about two steps per input step has steps of
2^-13; no such slope lies in those windows, and an SMLAD of any other two 16-bit lanes has
32 bits of slope between both inputs, where the windows take about 40. Nor can one
multiply follow an SADD16 of x and y: the slopes differ (by a factor 2.5 to 2.7 on ic).
"""

from __future__ import annotations

import numpy as np

from .._ffi import lib
from ..fixedpoint import requantize, wrap32

SHIFT = int(lib.MICRO_ADD_SUMS_SHIFT)
LIMIT = int(lib.MICRO_ADD_TERM_LIMIT) - 1  # a sum of two entries fits int32
_UNBOUNDED = 1 << 40
_SEARCH = 16  # slopes tried either side of the nearest ones
_VALUES = np.arange(256, dtype=np.uint8).view(np.int8).astype(np.int64)  # by byte


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


def linear_terms(coefficient: int | np.ndarray) -> np.ndarray:
    """floor(coefficient * x / 256) for every input value x, by byte: SMLAWB's result on
    the lane x * 256 (a coefficient array gives one row each)."""
    return (np.asarray(coefficient, np.int64)[..., None] * (_VALUES << 8)) >> 16


def linear_outputs(a: int, b: int, c: int, lo: int, hi: int) -> np.ndarray:
    """The linear form's byte for every pair, [x, y] by input bytes (add_s8.h)."""
    total = linear_terms(a)[:, None] + linear_terms(b)[None, :] + c
    return lo + np.clip(total >> SHIFT, 0, hi - lo)


def linear_form(
    table1: np.ndarray, table2: np.ndarray, multiplier: int, shift: int, zp: int, lo: int, hi: int
) -> tuple[int, int, int] | None:
    """(a, b, c) of the linear form that gives the reference's bytes, or None."""
    want = reference_outputs(table1, table2, multiplier, shift, zp, lo, hi)
    unit = 1 << SHIFT
    least = np.where(want <= lo, -_UNBOUNDED, (want - lo) * unit)
    most = np.where(want >= hi, _UNBOUNDED, (want - lo) * unit + unit - 1)
    scale = multiplier * 2.0**shift / 2**31 * 2**24 / 255  # output steps, 2^-24 units
    a0 = round(scale * (int(table1[127]) - int(table1[128])))
    b0 = round(scale * (int(table2[127]) - int(table2[128])))
    slopes = a0 + np.arange(-_SEARCH, _SEARCH + 1)
    terms = linear_terms(slopes)
    for b in sorted(range(b0 - _SEARCH, b0 + _SEARCH + 1), key=lambda v: abs(v - b0)):
        rest = linear_terms(b)
        # c + terms[x] must lie in [low[x], high[x]] for every x.
        low = (least - rest[None, :]).max(axis=1)
        high = (most - rest[None, :]).min(axis=1)
        c_low = (low[None, :] - terms).max(axis=1)
        c_high = (high[None, :] - terms).min(axis=1)
        for i in np.argsort(np.abs(slopes - a0), kind="stable"):
            if c_low[i] > c_high[i]:
                continue
            a = int(slopes[i])
            c = (int(c_low[i]) + int(c_high[i])) // 2
            if not linear_fits(a, b, c):
                return None
            if np.array_equal(linear_outputs(a, b, c, lo, hi), want):
                return a, b, c
    return None


def linear_fits(a: int, b: int, c: int) -> bool:
    """Int32 constants, and no sum of the form leaves int32 (the kernel's check, add_s8.c)."""
    int32 = all(-(1 << 31) <= v < 1 << 31 for v in (a, b, c))
    return int32 and (abs(a) + abs(b)) // 2 + abs(c) + 1 < 1 << 31
