"""The pooling DSP twins against their reference kernels on the host (the twin's portable C:
the same source the Cortex-M build compiles with the real SADD16/SXTB16): random
geometries, paddings, channel counts (multiples of 4 take the twin's path, the rest
its fallback), windows up to and over 256 taps, activation clamps."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from support.draws import activation
from support.kernels import assert_twin

from micro._ffi import ffi

CASES = 120


def pool_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    big = seed % 10 == 0  # more than 256 taps: the reference's own path
    wide = seed % 10 in (3, 7)  # 65-256 taps: the int16 sums near their limits
    if big:
        fh, fw = int(rng.integers(15, 20)), int(rng.integers(15, 20))
    elif wide:
        fh = int(rng.integers(1, 33))
        fw = int(rng.integers(max(1, 65 // fh), 256 // fh + 1))
    else:
        fh, fw = int(rng.integers(1, 9)), int(rng.integers(1, 9))
    sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    ph, pw = int(rng.integers(0, fh)), int(rng.integers(0, fw))
    h = int(rng.integers(max(fh - 2 * ph, 1), fh + 12))
    w = int(rng.integers(max(fw - 2 * pw, 1), fw + 12))
    if seed % 10 == 7:  # a global pool (kws's, vww's, ic's): one window, whole rows
        h, w, ph, pw = fh, fw, 0, 0
    c = int(4 * rng.integers(1, 20)) if rng.random() < 0.8 else int(rng.integers(1, 20))
    lo, hi = activation(rng)
    p = {
        "batches": int(rng.integers(1, 3)),
        "input_h": h,
        "input_w": w,
        "channels": c,
        "output_h": (h + 2 * ph - fh) // sh + 1,
        "output_w": (w + 2 * pw - fw) // sw + 1,
        "filter_h": fh,
        "filter_w": fw,
        "stride_h": sh,
        "stride_w": sw,
        "pad_h": ph,
        "pad_w": pw,
        "act_min": lo,
        "act_max": hi,
    }
    # Extremes as often as not: all -128 or all 127 reach the int16 sums' limits.
    kind = int(rng.integers(0, 4))
    size = p["batches"] * h * w * c
    data = {0: rng.integers(-128, 128, size), 1: np.full(size, -128), 2: np.full(size, 127)}
    image = data.get(kind, rng.integers(-3, 4, size)).astype(np.int8)
    out = np.zeros(p["batches"] * p["output_h"] * p["output_w"] * c, np.int8)
    return ffi.new("micro_pool_s8_params_t *", p), [image, out]


@pytest.mark.parametrize("op", ["average_pool_s8", "max_pool_s8"])
@pytest.mark.parametrize("seed", range(CASES))
def test_pool_dsp_matches_reference(op: str, seed: int) -> None:
    assert_twin(op, "dsp", [pool_case(seed)])


def test_average_pool_single_division_form() -> None:
    """The DSP twin's average (average_pool_s8_dsp.c): for every tap count up to 256 and
    every sum of that many int8 values, floor((s + 128 * count + half - t) * m / 2^24) - 128
    with t = 1 for s < 0 and an even count and m = ceil(2^24 / count) is the reference's
    (s > 0 ? s + half : s - half) / count truncated, with the numerator in 16 bits and its
    product with m in 32. Independent arithmetic: Python's integers over the whole range."""
    for count in range(1, 257):
        half = count // 2
        m = -(-(1 << 24) // count)
        s = np.arange(-128 * count, 127 * count + 1, dtype=np.int64)
        magnitude = np.abs(s) + half
        expected = np.where(s > 0, magnitude // count, -(magnitude // count))
        n = s + 128 * count + half - ((s < 0) & (count % 2 == 0))
        assert n.min() >= 0 and n.max() < 1 << 16
        assert (n * m).max() < 1 << 32
        np.testing.assert_array_equal((n * m >> 24) - 128, expected)
