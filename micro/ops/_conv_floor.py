"""The floor-linear requantization of conv_s8's filter layout 4 (conv_s8.h): per output
channel a multiplier m, an offset c and a bias shift beta such that one SMMLAR and one SSAT,

    y = ssat8(c + floor(((acc + beta) * m + 2^31) / 2^32)),

give TFLM's double-rounding requantization plus output_zp, clamped to int8, for every int32
accumulator acc. Not every channel has one (the two roundings are not one floor in general).

Search: both maps are monotone in acc (m > 0; TFLM's for a positive multiplier and a right
shift), so they agree everywhere exactly when their steps agree, i.e. when for each output
v in -127..127 the first accumulator a_v reaching v is the same. For m, the constant
K0 = c * 2^32 + 2^31 + beta * m must then lie in [max_v(v * 2^32 - a_v * m),
min_v(v * 2^32 - (a_v - 1) * m)); m is tried near the real multiplier * 2^32, and beta
nearest zero whose residue puts K0 in that window. Proof: the steps of the result checked
against micro.fixedpoint.requantize (`steps_agree`), the same test the kernel's load check
runs (conv_s8.c).
"""

from __future__ import annotations

import functools

import numpy as np

from ..fixedpoint import requantize

LEVELS = np.arange(-127, 128, dtype=np.int64)
"""The outputs v whose first accumulator is a step (-128 is everything below)."""

ACC_LIMIT = 1 << 31
"""Accumulators (and each step's neighbour) stay inside int32."""

C_LIMIT = 1 << 24
"""|c| bound the load check asks (no SMMLAR result near int32's ends)."""


def reference(acc: np.ndarray, multiplier: int, shift: int, zp: int) -> np.ndarray:
    """TFLM's output (int8 clamp) for int64 accumulators inside int32."""
    return np.clip(requantize(acc, multiplier, shift) + zp, -128, 127)


def first_steps(multiplier: int, shift: int, zp: int) -> np.ndarray | None:
    """a_v for v in LEVELS: the first accumulator whose output is at least v (binary
    search on the monotone map), or None if a step lies outside int32."""
    # invariant: output >= v at hi, < v at lo; first a bracket around the real multiplier's
    # step (within 4 outputs of it), the whole int32 range where that fails
    real = multiplier * 2.0 ** (shift - 31)
    guess = np.clip(np.round((LEVELS - zp - 0.5) / real), -ACC_LIMIT, ACC_LIMIT - 1)
    reach = np.int64(min(4 / real + 4, ACC_LIMIT))
    lo = np.maximum(guess.astype(np.int64) - reach, -ACC_LIMIT)
    hi = np.minimum(guess.astype(np.int64) + reach, ACC_LIMIT - 1)
    if np.any(reference(hi, multiplier, shift, zp) < LEVELS) or np.any(
        reference(lo, multiplier, shift, zp) >= LEVELS
    ):
        lo = np.full(LEVELS.shape, -ACC_LIMIT, dtype=np.int64)
        hi = np.full(LEVELS.shape, ACC_LIMIT - 1, dtype=np.int64)
        if np.any(reference(hi, multiplier, shift, zp) < LEVELS):
            return None
        if np.any(reference(lo, multiplier, shift, zp) >= LEVELS):
            return None
    while np.any(hi - lo > 1):
        mid = lo + (hi - lo) // 2
        up = reference(mid, multiplier, shift, zp) >= LEVELS
        hi = np.where(up, mid, hi)
        lo = np.where(up, lo, mid)
    return hi


def floor_form(
    multiplier: int, shift: int, zp: int, betas: int = 1 << 20
) -> tuple[int, int, int] | None:
    """(m, c, beta) of a channel whose requantization (TFLM's, then output_zp, then the int8
    clamp) one SMMLAR + SSAT reproduces for every int32 accumulator, or None."""
    if multiplier <= 0 or shift > 0:
        return None
    real = multiplier * 2.0 ** (shift - 31)
    steps = first_steps(multiplier, shift, zp)
    if steps is None:
        return None
    base = round(real * 2**32)
    tries = base + np.array(sorted(range(-64, 65), key=abs), dtype=np.int64)
    tries = tries[(tries > 0) & (tries < 1 << 31)]
    # int64 holds it: |a_v * m| < 2^62, |v * 2^32| < 2^39.
    level = (LEVELS << 32)[None, :]
    lows = level - steps[None, :] * tries[:, None]
    low = lows.max(axis=1)
    high = (lows + tries[:, None]).min(axis=1)
    for m, lo_k, hi_k in zip(tries.tolist(), low.tolist(), high.tolist(), strict=True):
        if lo_k >= hi_k:
            continue
        width = hi_k - lo_k
        for span in sorted({min(1 << e, betas) for e in (12, 14, 16, 18, 20)} | {betas}):
            beta = np.arange(-span, span + 1, dtype=np.int64)
            residue = ((1 << 31) + beta * m - lo_k) % (1 << 32)
            hit = np.nonzero(residue < width)[0]
            if hit.size:
                b = int(beta[hit[np.argmin(np.abs(beta[hit]))]])
                k0 = lo_k + ((1 << 31) + b * m - lo_k) % (1 << 32)
                c = (k0 - (1 << 31) - b * m) >> 32
                if abs(c) < C_LIMIT:
                    return m, c, b
                break
    return None


def floor_output(acc: np.ndarray, m: int, c: int, beta: int) -> np.ndarray:
    """SSAT(SMMLAR(acc + beta, m, c), 8) for int64 accumulators inside int32."""
    acc = np.asarray(acc, dtype=np.int64) + beta
    # (acc * m + 2^31) >> 32 exactly: m's high and low 16 bits apart (|acc * (m >> 16)| and
    # |acc * (m & 0xFFFF)| < 2^49), the low part's bits below 2^16 kept for the rounding.
    hi = acc * (m >> 16)
    lo = acc * (m & 0xFFFF) + (1 << 31)
    y = (hi + (lo >> 16)) >> 16
    return np.clip(y + c, -128, 127)


def steps_agree(multiplier: int, shift: int, zp: int, m: int, c: int, beta: int) -> bool:
    """Whether (m, c, beta) gives the reference's output for every int32 accumulator: for
    each v in LEVELS the floor form's first accumulator b_v reaching v is the reference's
    (output >= v at b_v, < v at b_v - 1); both maps being monotone, they are then equal."""
    if not (0 < m < 1 << 31 and abs(c) < C_LIMIT and multiplier > 0 and shift <= 0):
        return False
    # b_v = ceil(((v - c) * 2^32 - 2^31) / m) - beta, in Python ints (exact)
    b = np.array(
        [-((-(((v - c) << 32) - (1 << 31))) // m) - beta for v in LEVELS.tolist()],
        dtype=object,
    )
    if min(b) - 1 < -ACC_LIMIT or max(b) >= ACC_LIMIT:
        return False
    at = np.array(b, dtype=np.int64)
    return bool(
        np.all(reference(at, multiplier, shift, zp) >= LEVELS)
        and np.all(reference(at - 1, multiplier, shift, zp) < LEVELS)
    )


def layer_forms(
    multiplier: np.ndarray, shift: np.ndarray, zp: int
) -> list[tuple[int, int, int] | None]:
    """Each channel's proven floor form, or None."""
    return [
        _channel_form(int(m), int(s), zp)
        for m, s in zip(multiplier.tolist(), shift.tolist(), strict=True)
    ]


def layer_all_forms(
    multiplier: np.ndarray, shift: np.ndarray, zp: int
) -> list[tuple[int, int, int]] | None:
    """Every channel's proven floor form, or None from the first channel without one (a
    layer's records need them all). A compile asks a layer several times (its plans), and
    per-tensor layers ask one channel many times: the forms are cached."""
    forms = []
    for m, s in zip(multiplier.tolist(), shift.tolist(), strict=True):
        form = _channel_form(int(m), int(s), zp)
        if form is None:
            return None
        forms.append(form)
    return forms


@functools.lru_cache(maxsize=4096)
def _channel_form(multiplier: int, shift: int, zp: int) -> tuple[int, int, int] | None:
    form = floor_form(multiplier, shift, zp)
    return form if form is not None and steps_agree(multiplier, shift, zp, *form) else None
