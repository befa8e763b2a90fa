"""The requantization fast rule of the *_dsp kernels (csrc/kernels/dsp.h), branch-free bit
arithmetic, against the rule written plainly here: micro_requant_fast_ok holds iff the clamp
is int8's and every channel has multiplier >= 2^30 and shift <= -1; the conv twins' variant
(micro_requant_fast_all with zero set) also takes a channel of multiplier 0, any shift.
Every pair of int32 edge values, and channel runs of every length up to 13 with one failing
channel at each place (the four-a-turn body and its tail), built by the host's C compiler
with the undefined-behaviour sanitizer where it has one."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
HARNESS = r"""
#include <stdio.h>
#include "../csrc/kernels/dsp.h"
/* stdin: cases "n lo hi m0 s0 ... m(n-1) s(n-1)"; stdout: "ok ok0" per case, ok from
 * micro_requant_fast_ok, ok0 from micro_requant_fast_all(..., 1) under the same clamp. */
int main(void)
{
    static int32_t m[64], s[64];
    long n, lo, hi;
    while (scanf("%ld %ld %ld", &n, &lo, &hi) == 3) {
        if (n < 0 || n > 64) {
            return 2;
        }
        for (long i = 0; i < n; ++i) {
            long a, b;
            if (scanf("%ld %ld", &a, &b) != 2) {
                return 2;
            }
            m[i] = (int32_t)a;
            s[i] = (int32_t)b;
        }
        const int ok = micro_requant_fast_ok(m, s, (int32_t)n, (int32_t)lo, (int32_t)hi);
        const int ok0 = lo == -128 && hi == 127 &&
                        (micro_requant_fast_all(m, s, (int32_t)n, 1) >> 31);
        printf("%d %d\n", ok, ok0);
    }
    return 0;
}
"""
I32_MIN, I32_MAX = -(2**31), 2**31 - 1
MULTIPLIERS = [
    I32_MIN,
    I32_MIN + 1,
    -(2**30) - 1,
    -(2**30),
    -(2**30) + 1,
    -2,
    -1,
    0,
    1,
    2,
    2**29,
    2**30 - 1,
    2**30,
    2**30 + 1,
    3 * 2**29,
    2**31 - 2,
    I32_MAX,
]
SHIFTS = [I32_MIN, I32_MIN + 1, -(2**30), -32, -31, -2, -1, 0, 1, 2, 31, 32, 2**30, I32_MAX]


def good(m: int, s: int) -> bool:
    return m >= 2**30 and s <= -1


def good0(m: int, s: int) -> bool:
    return m == 0 or good(m, s)


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        pytest.skip("no C compiler")
    work = tmp_path_factory.mktemp("fast_rule")
    src, exe = work / "harness.c", work / "harness"
    src.write_text(HARNESS.replace("../csrc", str(ROOT / "csrc")))
    base = [cc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-O2", f"-I{ROOT / 'csrc' / 'include'}"]
    ubsan = ["-fsanitize=undefined", "-fno-sanitize-recover=undefined"]
    proc = subprocess.run([*base, *ubsan, str(src), "-o", str(exe)], capture_output=True)
    if proc.returncode != 0:  # no sanitizer runtime: the plain build
        proc = subprocess.run([*base, str(src), "-o", str(exe)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    return exe


def run(exe: Path, cases: list[tuple[list[tuple[int, int]], int, int]]) -> list[tuple[int, int]]:
    lines = [
        " ".join([str(len(ch)), str(lo), str(hi), *(f"{m} {s}" for m, s in ch)])
        for ch, lo, hi in cases
    ]
    proc = subprocess.run(
        [str(exe)], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True
    )
    out = [tuple(int(v) for v in line.split()) for line in proc.stdout.splitlines()]
    assert len(out) == len(cases)
    return out  # type: ignore[return-value]


def check(exe: Path, cases: list[tuple[list[tuple[int, int]], int, int]]) -> None:
    got = run(exe, cases)
    for (ch, lo, hi), (ok, ok0) in zip(cases, got, strict=True):
        clamp = lo == -128 and hi == 127
        assert ok == int(clamp and all(good(m, s) for m, s in ch)), (ch, lo, hi)
        assert ok0 == int(clamp and all(good0(m, s) for m, s in ch)), (ch, lo, hi)


def test_every_pair_of_edge_values(harness: Path) -> None:
    pairs = [(m, s) for m in MULTIPLIERS for s in SHIFTS]
    assert any(good(m, s) for m, s in pairs) and not all(good0(m, s) for m, s in pairs)
    check(harness, [([p], -128, 127) for p in pairs])
    # The clamp decides alone: a good channel under any other clamp is not fast.
    check(harness, [([(2**30, -1)], lo, hi) for lo, hi in [(-127, 127), (-128, 126), (0, 127)]])


@pytest.mark.parametrize("n", range(14))
def test_one_failing_channel_at_each_place(harness: Path, n: int) -> None:
    rng = np.random.default_rng(n)
    oks = [(m, s) for m in MULTIPLIERS for s in SHIFTS if good(m, s)]
    zeros = [(0, s) for s in SHIFTS]
    bads = [(m, s) for m in MULTIPLIERS for s in SHIFTS if not good0(m, s)]
    cases: list[tuple[list[tuple[int, int]], int, int]] = []
    for _ in range(6):
        base = [oks[i] for i in rng.integers(0, len(oks), n)]
        cases.append((base, -128, 127))
        for place in range(n):
            for pool in (zeros, bads):
                run_ = list(base)
                run_[place] = pool[int(rng.integers(0, len(pool)))]
                cases.append((run_, -128, 127))
    # Random int32 runs, most failing somewhere, a few all good.
    for _ in range(40):
        m = rng.integers(I32_MIN, I32_MAX, n, endpoint=True)
        s = rng.integers(-40, 5, n)
        if rng.random() < 0.3:
            m = rng.integers(2**30, I32_MAX, n, endpoint=True)
            s = rng.integers(-40, 0, n)
        cases.append(([(int(a), int(b)) for a, b in zip(m, s, strict=True)], -128, 127))
    check(harness, cases)
