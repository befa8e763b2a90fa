"""The DSP twin of QUANTIZE between integer types (requantize_int_dsp.c, in portable C here;
tests/firmware/test_dsp_requantize_board.py runs the DSP instructions on the emulated M4F
and M7) gives the bytes of its reference kernel, the oracle: int16 -> int8 under the fast
requantization rule over every int16 input for several random quantizations, random
lengths (the 4-element words and the tail) with unaligned starts, the rule's edges
(multiplier 2^30 and 2^31 - 1, shift -1 and -31, extreme zero points), and the cases that
fall back to the reference (the rule broken, other type pairs)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support import sanitized
from support.kernels import assert_twin

from micro._ffi import ffi, lib

CASES = 200
ALL_INT16 = np.arange(-32768, 32768, dtype=np.int32).astype(np.int16)
DTYPES = {8: np.int8, 16: np.int16, 32: np.int32}


def params(count: int, in_bits: int, out_bits: int, zp_in: int, zp_out: int, m: int, s: int) -> Any:
    p = ffi.new("micro_requantize_int_params_t *")
    p.count, p.input_bits, p.output_bits = count, in_bits, out_bits
    p.input_zp, p.output_zp, p.multiplier, p.shift = zp_in, zp_out, m, s
    return p


def fast_requant(rng: np.random.Generator) -> tuple[int, int]:
    """A multiplier and shift the fast rule takes, its edges one time in three."""
    m = int(rng.choice([1 << 30, (1 << 31) - 1, int(rng.integers(1 << 30, 1 << 31))]))
    s = int(rng.choice([-1, -31, int(rng.integers(-31, 0))]))
    return m, s


def zero_point(rng: np.random.Generator, bits: int) -> int:
    limit = 1 << (bits - 1)
    return int(rng.choice([-limit, limit - 1, 0, int(rng.integers(-limit, limit))]))


def fast_case(seed: int, data: np.ndarray | None = None) -> tuple[Any, list[np.ndarray]]:
    """int16 -> int8 under the fast rule; random data of a random length (offset by one
    element half the time: the words start unaligned) unless `data` is given."""
    rng = np.random.default_rng(seed)
    if data is None:
        n = int(rng.choice([1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, int(rng.integers(1, 200))]))
        skip = int(rng.integers(0, 2))
        data = rng.integers(-32768, 32768, n + skip).astype(np.int16)[skip:]
    m, s = fast_requant(rng)
    p = params(data.size, 16, 8, zero_point(rng, 16), zero_point(rng, 8), m, s)
    return p, [data, np.zeros(data.size, np.int8)]


def fallback_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """The reference's cases: int16 -> int8 outside the fast rule (shift >= 0, multiplier
    below 2^30 or zero), or another type pair."""
    rng = np.random.default_rng([seed, 1])
    pairs = [(16, 8), (8, 16), (16, 16), (8, 32), (16, 32), (32, 8), (32, 16)]
    in_bits, out_bits = pairs[int(rng.integers(0, len(pairs)))]
    m, s = fast_requant(rng)
    if (in_bits, out_bits) == (16, 8):
        m, s = [(m, int(rng.integers(0, 8))), (int(rng.integers(0, 1 << 30)), s), (0, s)][
            int(rng.integers(0, 3))
        ]
    n = int(rng.integers(1, 40))
    info = np.iinfo(DTYPES[in_bits])
    data = rng.integers(int(info.min), int(info.max) + 1, n).astype(DTYPES[in_bits])
    zp_in = zero_point(rng, in_bits) if in_bits < 32 else 0
    zp_out = zero_point(rng, out_bits) if out_bits < 32 else 0
    p = params(n, in_bits, out_bits, zp_in, zp_out, m, s)
    return p, [data, np.zeros(n, DTYPES[out_bits])]


def test_fast_rule_on_every_int16_input() -> None:
    assert_twin("requantize_int", "dsp", [fast_case(seed, ALL_INT16) for seed in range(12)])


def test_fast_rule_random_lengths_and_quantizations() -> None:
    assert_twin("requantize_int", "dsp", [fast_case(seed) for seed in range(CASES)])


def test_fallbacks_equal_reference() -> None:
    assert_twin("requantize_int", "dsp", [fallback_case(seed) for seed in range(CASES)])


@pytest.mark.parametrize("seed", range(4))
def test_fast_rule_matches_independent_arithmetic(seed: int) -> None:
    """Golden bytes from TFLite's rounding written out in Python integers (not from either
    kernel): round(x * m / 2^31) with halves up, then a right shift rounding half away
    from zero, plus the zero point, clamped."""
    p, (data, out) = fast_case(seed, ALL_INT16)
    x = data.astype(object) - p.input_zp
    high = [(v * p.multiplier + (1 << 30)) >> 31 for v in x]  # SRDHM: never saturates here
    e = -p.shift
    half = 1 << (e - 1)
    shifted = [(h + half) >> e if h >= 0 else -((-h + half) >> e) for h in high]
    want = np.clip(np.array(shifted, dtype=np.int64) + p.output_zp, -128, 127).astype(np.int8)
    got = np.zeros_like(out)
    fn = lib.micro_requantize_int_dsp
    assert fn(p, ffi.from_buffer(data), ffi.from_buffer(got)) == lib.MICRO_OK
    assert np.array_equal(got, want)


ASAN_MAIN = r"""
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "micro/kernels/requantize_int_dsp.h"

/* Exact-size heap buffers, so AddressSanitizer sees any access past an end. */
static int check(const micro_requantize_int_params_t *p, const int16_t *values)
{
    const size_t n = (size_t)p->count;
    int16_t *in = malloc(n * sizeof *in);
    int8_t *ref = malloc(n), *dsp = malloc(n);
    memcpy(in, values, n * sizeof *in);
    micro_requantize_int(p, in, ref);
    micro_requantize_int_dsp(p, in, dsp);
    const int same = memcmp(ref, dsp, n) == 0;
    free(in);
    free(ref);
    free(dsp);
    return same;
}

int main(void)
{
    static int16_t every[65536];
    for (int32_t i = 0; i < 65536; ++i) {
        every[i] = (int16_t)(i - 32768);
    }
    uint32_t seed = 12345u;
    int bad = 0;
    for (int k = 0; k < 64; ++k) {
        seed = seed * 1664525u + 1013904223u;
        micro_requantize_int_params_t p = {1 + (int32_t)(seed >> 26), 16, 8,
                                           (int32_t)(seed >> 16) - 32768,
                                           (int32_t)((seed >> 8) & 0xFFu) - 128,
                                           (int32_t)((1u << 30) | (seed >> 2)),
                                           -1 - (int32_t)(seed % 31u)};
        if (k % 4 == 3) {
            p.shift = (int32_t)(seed % 8u);  /* outside the fast rule: the fallback */
        }
        bad += !check(&p, every + (seed & 0x7FFFu));  /* 1..64 elements, any start */
        if (k < 4) {
            p.count = 65536;
            bad += !check(&p, every);
        }
    }
    printf("%s\n", bad ? "differ" : "all equal");
    return bad != 0;
}
"""


@pytest.mark.skipif(
    os.environ.get("MICRO_SANITIZE") != "1", reason="set MICRO_SANITIZE=1 to run the ASan build"
)
def test_twin_under_sanitizers(tmp_path: Path) -> None:
    """The twin (portable C) and its fallback under ASan + UBSan: lengths 1..64 (the
    8-element turns, the 4-element word and the tail) and every int16 input."""
    root = Path(__file__).resolve().parents[1]
    main = tmp_path / "main.c"
    main.write_text(ASAN_MAIN)
    exe = tmp_path / "requantize_asan"
    sources = [root / "csrc" / "kernels" / f for f in ("requantize_int.c", "requantize_int_dsp.c")]
    subprocess.run(
        ["gcc", *sanitized.FLAGS, f"-I{root / 'csrc' / 'include'}", *map(str, sources),
         str(main), "-o", str(exe)],
        check=True,
    )  # fmt: skip
    done = subprocess.run([str(exe)], capture_output=True, text=True)
    assert done.returncode == 0 and "all equal" in done.stdout, done.stdout + done.stderr
