"""Generated DEPTHWISE_CONV_2D cases for the DSP twin's stride-2 path (3x3, strides (2, 2),
depth multiplier 1 and input channels a multiple of 4, or one input channel and a multiplier
a multiple of 4; filter layout 2, the pointwise requantization's domain) and its edges:
input sizes odd and even, SAME and VALID padding and more, 1 to 13 output rows (passes of
4 rows and last passes of 1-3: a patched plan's strips), 1 to 60 output columns (strips of
24, or 97 with one input channel), batches, requantization edges (shifts -1 and -31,
multipliers 2^30 and 2^31 - 1, extreme sums), and the neighbours the path leaves to the
others (mixed strides, depths not a multiple of 4, multiplier 2 or 6, clamps, shifts from
0 up, zero multipliers)."""

from __future__ import annotations

import numpy as np

from support.depthwise import Case, layer_3x3, make_case


def _extreme(rng: np.random.Generator, n: int) -> np.ndarray:
    """int8 values at -128 or 127 (the largest sums and products)."""
    return rng.choice(np.array([-128, 127], np.int8), n)


def stride2_case(seed: int) -> Case:
    """A random case of the stride-2 path (a fifth of them one of its neighbours)."""
    rng = np.random.default_rng(7000 + seed)
    channels = int(rng.choice([4, 8, 12, 16, 32, 64, 68]))
    neighbour = seed % 5 == 4
    mult, sh, sw = 1, 2, 2
    kind = seed // 5 % 4
    if seed % 5 == 3:
        # one input channel, 4, 8 or 12 output channels per input channel
        channels, mult = 1, int(rng.choice([4, 8, 12]))
    if neighbour:
        if kind == 0:
            sh, sw = [(1, 2), (2, 1)][seed % 2]
        elif kind == 1:
            channels = int(rng.choice([1, 3, 5, 6, 7, 13]))
        elif kind == 2:
            mult, channels = 2, int(rng.choice([2, 4, 6]))
        elif seed % 2:
            mult, channels = int(rng.choice([2, 6])), 1  # one input channel, not whole quads
    out_h = int(rng.integers(1, 14))
    out_w = int(rng.choice([1, 2, 3, 5, 8, 12, 13, 15, 24, 25, 30, 60]))
    while out_w * channels * mult * 3 > 1152 or (2 * out_w + 2) * channels > 896:
        out_w = max(1, out_w // 2)
    pad_top, pad_left = int(rng.integers(0, 3)), int(rng.integers(0, 3))
    # the input size that gives out_h rows with this padding, plus 0 or 1 (odd and even
    # sizes; SAME and VALID padding among them)
    height = max(1, (out_h - 1) * sh + 3 - 2 * pad_top + int(rng.integers(-1, 2)))
    width = max(1, (out_w - 1) * sw + 3 - 2 * pad_left + int(rng.integers(-1, 2)))
    p = layer_3x3(
        rng, (height, width), (out_h, out_w), channels, mult, (sh, sw), (pad_top, pad_left)
    )
    fast = not (neighbour and kind == 3)
    params, ops = make_case(rng, p, fast)
    o = channels * mult
    if fast and seed % 3 == 0:
        # requantization edges: right shifts 1 and 31, multipliers 2^30 and 2^31 - 1
        ops[3][:] = rng.choice(np.array([1 << 30, (1 << 31) - 1], np.int64), o)
        ops[4][:] = rng.choice(np.array([-1, -31, -2, -30], np.int32), o)
    if seed % 4 == 1:
        # the largest sums: inputs and weights at -128 / 127, a large bias
        ops[0][:] = _extreme(rng, ops[0].size)
        ops[1][:] = _extreme(rng, ops[1].size)
        ops[2][:] = rng.choice(np.array([-(1 << 20), 1 << 20, 0], np.int32), o)
    if neighbour and kind == 3:
        # outside the path's requantization: a zero multiplier (and a clamp, small shifts)
        ops[3][-1] = 0
    return params, ops


ZP_TAIL_CASES = 12


def zp_tail_case(i: int) -> Case:
    """A case whose last pass reads its row 2R from below the image (SAME padding on an even
    input, as vww's layers: the path takes that row's widened words as input_zp's instead of
    widening it): 1 to 8 output rows (last passes of 1-4 rows), 3x3 maps among them, one
    strip or several (more than 24 output columns; last passes of 2 rows among them), batches;
    a top row from the padding with a last pass of 1 row (the zp row read at the top only)."""
    rng = np.random.default_rng(7500 + i)
    rows = [1, 2, 3, 4, 5, 6, 7, 8, 3, 6, 2, 1][i]
    cols = [3, 6, 3, 12, 30, 6, 5, 25, 3, 6, 26, 5][i]
    channels = [8, 4, 128, 16, 4, 64, 12, 8, 32, 16, 8, 12][i]
    pad_top = 1 if i % 3 == 2 else 0  # odd inputs: row 2R the padding's too
    p = layer_3x3(
        rng, (2 * rows - pad_top, 2 * cols), (rows, cols), channels, 1, (2, 2), (pad_top, 0)
    )
    params, ops = make_case(rng, p, True)
    if i % 2:
        ops[0][:] = _extreme(rng, ops[0].size)
        ops[1][:] = _extreme(rng, ops[1].size)
    return params, ops


# The path's requantization domain's edges: multipliers in [2^30, 2^31) and right shifts
# 1..31 (shift -1..-31) in it, their neighbours out of it.
DOMAIN_MULTIPLIERS_IN = [1 << 30, (1 << 31) - 1]
DOMAIN_MULTIPLIERS_OUT = [(1 << 30) - 1, 0, 1, -1, -(1 << 30), -(1 << 31)]
DOMAIN_SHIFTS_IN = [-1, -31]
DOMAIN_SHIFTS_OUT = [0, 1, 31, -32, -33, -(1 << 31), (1 << 31) - 1]
DOMAIN_CASES = 40


def in_requant_domain(multipliers: np.ndarray, shifts: np.ndarray) -> bool:
    """The path's requantization domain, by comparisons of Python ints."""
    m = [int(v) for v in multipliers]
    s = [int(v) for v in shifts]
    return all((1 << 30) <= v < (1 << 31) for v in m) and all(-31 <= v <= -1 for v in s)


def requant_domain_case(i: int) -> tuple[int, int, np.ndarray, np.ndarray]:
    """Input channels, depth multiplier, multipliers and shifts of a stride-2 layer: every
    channel inside the domain (its edges among them), then in most cases one channel (first,
    last or any, of 4 to 128) at one of the edges outside it, the multiplier's or the
    shift's, or both."""
    rng = np.random.default_rng(7700 + i)
    channels, mult = [(4, 1), (8, 1), (12, 1), (64, 1), (128, 1), (1, 8), (1, 4)][i % 7]
    o = channels * mult
    m = rng.integers(1 << 30, 1 << 31, o, dtype=np.int64)
    s = rng.integers(-31, 0, o).astype(np.int32)
    if i % 4 == 0:
        m[:] = rng.choice(np.array(DOMAIN_MULTIPLIERS_IN, np.int64), o)
        s[:] = rng.choice(np.array(DOMAIN_SHIFTS_IN, np.int32), o)
    if i % 5 != 0:
        at = [0, o - 1, int(rng.integers(0, o))][i % 3]
        what = i % 3 if i % 4 else 2 - i % 3
        if what in (0, 2):
            m[at] = int(rng.choice(DOMAIN_MULTIPLIERS_OUT))
        if what in (1, 2):
            s[at] = int(rng.choice(DOMAIN_SHIFTS_OUT))
    return channels, mult, m.astype(np.int32), s
