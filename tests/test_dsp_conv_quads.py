"""CONV_2D's filter layout 1 (quads of int16, what the compiler writes for a DSP core): the
reference kernel reads it to the bytes it gives on the row layout, and the DSP twin's
4-filter passes (portable C on the host, the asm loop on the emulated board:
tests/firmware/test_dsp_board.py) give the same, over random shapes, strides, dilations,
padding, groups, zero points, short and long patches, and both requantization paths."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import test_dsp_kernels as cases
from support.kernels import assert_twin, checked, run
from support.pointwise import pointwise_geometry

from micro._ffi import ffi, kernel_predicate, lib
from micro.ops.conv import quads

CASES = 100


def quads_case(params: Any, ops: list[np.ndarray]) -> tuple[Any, list[np.ndarray]]:
    """The case with its filter in layout 1, as the compiler writes it for a DSP core."""
    k = params.filter_height * params.filter_width * params.filter_depth
    rows = ops[1].reshape(params.output_depth, -1)[:, :k]
    p = ffi.new("micro_conv_s8_params_t *", params[0])
    p.filter_layout = 1
    return p, [ops[0], np.frombuffer(quads(rows).tobytes(), np.int8).copy(), *ops[2:]]


def check_layout(params: Any, ops: list[np.ndarray], relayout: Callable[..., Any]) -> None:
    """Reference and twin on the layout `relayout` writes give the reference's bytes on
    layout 0, with the scratch and without (the twin then runs the reference)."""
    expect = run(lib.micro_conv_s8, params, ops)
    p1, ops1 = relayout(params, ops)
    checked("conv_s8", p1, ops1)
    assert run(lib.micro_conv_s8, p1, ops1) == expect
    assert run(lib.micro_conv_s8_dsp, p1, ops1) == expect
    bare = [*ops1[: cases.CONV_SCRATCH], np.zeros(0, np.int64), *ops1[cases.CONV_SCRATCH + 1 :]]
    assert run(lib.micro_conv_s8_dsp, p1, bare) == expect


def check_quads(params: Any, ops: list[np.ndarray]) -> None:
    """check_layout on layout 1."""
    check_layout(params, ops, quads_case)


@pytest.mark.parametrize("seed", range(CASES))
def test_conv_quads_match_reference(seed: int) -> None:
    check_quads(*cases.conv_case(seed, quads=True, fast=seed % 2 == 0))


def rows9_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """Window rows of 9 bytes (3x3 taps of 3 channels, 9x1 of 1, 1 tap of 9: the twin
    assembles those inside the image in registers), 3 rows apart by a dilation of 1 or 2,
    strides 1 and 2, windows past every border, per-channel requantization (the fast one,
    zero scales among it, half the time), filters in quads."""
    rng = np.random.default_rng(seed)
    fw, depth = [(3, 3), (3, 3), (9, 1), (1, 9)][seed % 4]
    sh, sw, dh = int(rng.integers(1, 3)), int(rng.integers(1, 3)), int(rng.choice([1, 2]))
    ih, iw = int(rng.integers(1, 14)), int(rng.integers(1, 14))
    top, bottom = int(rng.integers(0, 3)), int(rng.integers(0, 3))
    left, right = int(rng.integers(0, fw)), int(rng.integers(0, fw))
    p: dict[str, int] = {
        "batches": int(rng.integers(1, 3)),
        "input_height": ih,
        "input_width": iw,
        "input_depth": depth,
        "filter_height": 3,
        "filter_width": fw,
        "filter_depth": depth,
        "output_height": max(1, (ih + top + bottom - 2 * dh - 1) // sh + 1),
        "output_width": max(1, (iw + left + right - fw) // sw + 1),
        "output_depth": 4 * int(rng.integers(1, 5)),
        "groups": 1,
        "stride_height": sh,
        "stride_width": sw,
        "dilation_height": dh,
        "dilation_width": 1,
        "pad_top": top,
        "pad_left": left,
        "input_zp": int(rng.integers(-128, 128)),
        "output_zp": int(rng.integers(-128, 128)),
        "filter_layout": 0,
    }
    return cases.conv_data(rng, p, fast=seed % 2 == 0)


@pytest.mark.parametrize("seed", range(CASES))
def test_conv_rows_of_9_match_reference(seed: int) -> None:
    params, ops = rows9_case(seed)
    assert_twin("conv_s8", "dsp", [(params, ops)])
    check_quads(params, ops)


FIRST_KERNELS = [(3, 3, 3), (3, 3, 1), (10, 4, 1), (5, 5, 3), (3, 3, 2), (3, 3, 4), (4, 1, 1)]


def first_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """A first layer (1-4 input channels; the twin walks its pixels and assembles windows
    inside the image from words): 3x3 of 1-4 channels, 5x5 RGB, 10x4 and 4x1 of one
    channel; strides 1 and 2; SAME, VALID or any padding (windows past every border); odd
    sizes, batches of 1-2, any input zero point, per-channel or per-tensor requantization
    (the fast one with zero scales half the time, else any with activation clamps)."""
    rng = np.random.default_rng(seed)
    fh, fw, depth = FIRST_KERNELS[seed % len(FIRST_KERNELS)]
    sh, sw, dh = int(rng.integers(1, 3)), int(rng.integers(1, 3)), int(rng.choice([1, 1, 2]))
    ih, iw = int(rng.integers(fh, 3 * fh + 6)), int(rng.integers(fw, 3 * fw + 6))
    span_h = (fh - 1) * dh + 1
    padding = ["same", "valid", "any"][seed // len(FIRST_KERNELS) % 3]
    if padding == "valid":
        top = left = 0
        oh, ow = max(1, (ih - span_h) // sh + 1), (iw - fw) // sw + 1
    elif padding == "same":
        oh, ow = -(-ih // sh), -(-iw // sw)
        top = max((oh - 1) * sh + span_h - ih, 0) // 2
        left = max((ow - 1) * sw + fw - iw, 0) // 2
    else:
        top, left = int(rng.integers(0, span_h)), int(rng.integers(0, fw))
        oh = max(1, (ih + top + int(rng.integers(0, span_h)) - span_h) // sh + 1)
        ow = max(1, (iw + left + int(rng.integers(0, fw)) - fw) // sw + 1)
    p: dict[str, int] = {
        "batches": int(rng.integers(1, 3)),
        "input_height": ih,
        "input_width": iw,
        "input_depth": depth,
        "filter_height": fh,
        "filter_width": fw,
        "filter_depth": depth,
        "output_height": oh,
        "output_width": ow,
        "output_depth": 4 * int(rng.integers(1, 5)),
        "groups": 1,
        "stride_height": sh,
        "stride_width": sw,
        "dilation_height": dh,
        "dilation_width": 1,
        "pad_top": top,
        "pad_left": left,
        "input_zp": int(rng.choice([-128, 127, int(rng.integers(-128, 128))])),
        "output_zp": int(rng.integers(-128, 128)),
        "filter_layout": 0,
    }
    params, ops = cases.conv_data(rng, p, fast=seed % 2 == 0, per_tensor=0.3)
    return params, ops


@pytest.mark.parametrize("seed", range(2 * CASES))
def test_conv_first_layers_match_reference(seed: int) -> None:
    params, ops = first_case(seed)
    assert_twin("conv_s8", "dsp", [(params, ops)])
    check_quads(params, ops)


# Windows inside the image, by hand: (input height, width, channels, filter height, width,
# output width, output channels, input zero point, the image's first value). One filter per
# tap, the rest zero, at a unit scale: each output is that tap's value, so a byte misplaced in
# the window shows. The compiler folds input_zp into the bias, so it changes nothing here.
WINDOWS_BY_HAND = {
    # Window rows of 9 bytes (3 RGB taps), assembled in registers: rows9_case's path.
    "rows_of_9_rgb_3x3": (3, 5, 3, 3, 3, 3, 28, -5, -20),
    # A first layer's 3x3 window of one channel: first_case's path.
    "first_layer_grayscale_3x3": (3, 6, 1, 3, 3, 4, 12, 3, -9),
}


@pytest.mark.parametrize("name", sorted(WINDOWS_BY_HAND))
def test_conv_windows_by_hand(name: str) -> None:
    ih, iw, depth, fh, fw, ow, out, input_zp, first = WINDOWS_BY_HAND[name]
    k = fh * fw * depth
    p = {
        "batches": 1,
        "input_height": ih,
        "input_width": iw,
        "input_depth": depth,
        "filter_height": fh,
        "filter_width": fw,
        "filter_depth": depth,
        "output_height": ih - fh + 1,
        "output_width": ow,
        "output_depth": out,
        "groups": 1,
        "stride_height": 1,
        "stride_width": 1,
        "dilation_height": 1,
        "dilation_width": 1,
        "pad_top": 0,
        "pad_left": 0,
        "input_zp": input_zp,
        "output_zp": 0,
        "act_min": -128,
        "act_max": 127,
        "filter_layout": 0,
    }
    params = ffi.new("micro_conv_s8_params_t *", p)
    image = (np.arange(ih * iw * depth, dtype=np.int64) + first).astype(np.int8)
    filt = np.zeros((out, -(-k // cases.K_ALIGN) * cases.K_ALIGN), np.int8)
    filt[np.arange(k), np.arange(k)] = 1
    ops = [
        image,
        filt.reshape(-1),
        np.zeros(out, np.int32),
        np.full(out, 1 << 30, np.int32),  # multiplier 2^30 with shift 1: a scale of exactly 1
        np.full(out, 1, np.int32),
        np.zeros(-(-int(lib.micro_conv_s8_scratch_size(params)) // 8), np.int64),
        np.zeros(ow * out, np.int8),
    ]
    rows = image.reshape(ih, iw * depth)
    want = [
        [*rows[:, depth * x : depth * (x + fw)].reshape(-1).tolist(), *[0] * (out - k)]
        for x in range(ow)
    ]
    for p1, ops1 in [(params, ops), quads_case(params, ops)]:
        got = np.frombuffer(run(lib.micro_conv_s8_dsp, p1, ops1), np.int8).reshape(ow, out)
        assert got.tolist() == want


@pytest.mark.parametrize("seed", range(CASES // 5))
def test_conv_quads_pointwise_match_reference(seed: int) -> None:
    check_quads(*cases.conv_case(seed, quads=True, fast=seed % 2 == 0, pointwise=True))


def pointwise_case(
    seed: int, small: bool = False, k: int | None = None
) -> tuple[Any, list[np.ndarray]]:
    """A 1x1 stride-1 convolution (the pointwise path: pairs of pixels straight from the
    image): K of 1..300 (every residue mod 4, the loop's short and long forms), channels
    mostly quads (some not: layout 0), some past the twin's 128-channel table, batches 1-3,
    odd and even pixel counts; two thirds on the fast requantization (zero scales among it),
    a third per-tensor, the others any shift sign and activation clamp. `small`: a board's
    sizes; `k`: that K."""
    rng = np.random.default_rng(seed)
    drawn = int(
        rng.choice([rng.integers(1, 37), rng.integers(1, 37), rng.integers(37, 301), 8, 16, 32])
    )
    k = drawn if k is None else k
    out = 4 * int(rng.integers(1, 12 if small else 70))
    if rng.random() < 0.15:
        out += int(rng.integers(1, 4))
    side = 6 if small else 10
    h, w = int(rng.integers(1, side)), int(rng.integers(1, side))
    batches = int(rng.integers(1, 3 if small else 4))
    zps = (int(rng.integers(-128, 128)), int(rng.integers(-128, 128)))
    p = pointwise_geometry(batches, (h, w), k, (h, w), out, zps)
    params, ops = cases.conv_data(rng, p, fast=seed % 3 != 0, per_tensor=0.3)
    return params, ops


@pytest.mark.parametrize("seed", range(CASES))
def test_conv_pointwise_path_matches_reference(seed: int) -> None:
    params, ops = pointwise_case(seed)
    assert_twin("conv_s8", "dsp", [(params, ops)])
    if params.output_depth % 4 == 0:
        check_quads(params, ops)


@pytest.mark.parametrize("k", range(1, 41))
def test_conv_pointwise_every_group_count(k: int) -> None:
    """K of 1 to 40: the short form's entry at each of its groups and the first long K; odd
    and even pixel counts, the last pair's words ending inside and past the input."""
    for seed in range(2):
        params = pointwise_case(1000 * k + seed)[0]
        p = {f: getattr(params, f) for f, _ in ffi.typeof("micro_conv_s8_params_t").fields}
        p.update(input_depth=k, filter_depth=k, output_depth=4 * (seed + 1))
        p.update(input_height=3, output_height=3, input_width=seed + 2, output_width=seed + 2)
        check_quads(*cases.conv_data(np.random.default_rng(k), p, fast=True))


def shaped_pointwise_case(
    seed: int, k: int, out: int, pixels: int, batches: int = 1, fast: bool = True
) -> tuple[Any, list[np.ndarray]]:
    """A 1x1 stride-1 layer of K = k, `out` channels (filters in layout 0), `pixels` pixels
    per image (a row of them, or 3 x 3 for 9: VWW's last layers) and `batches` images; the
    fast requantization (zero scales among it) or any; a third per-tensor."""
    rng = np.random.default_rng(seed)
    params = pointwise_case(seed)[0]
    p = {f: getattr(params, f) for f, _ in ffi.typeof("micro_conv_s8_params_t").fields}
    h, w = (3, 3) if pixels == 9 else (1, pixels)
    p.update(batches=batches, input_height=h, input_width=w, output_height=h, output_width=w)
    p.update(input_depth=k, filter_depth=k, output_depth=out)
    params, ops = cases.conv_data(rng, p, fast=fast)
    if seed % 3 == 0:  # per-tensor
        ops[3][:] = ops[3][0]
        ops[4][:] = ops[4][0]
    return params, ops


@pytest.mark.parametrize("k", [64, 128, 256, 300])
@pytest.mark.parametrize("out", [16, 132, 200, 256, 264])
def test_conv_pointwise_long_and_wide(k: int, out: int) -> None:
    """The long forms (K of 64 and 128: straight lines of 16 and 32 groups; 256, 300: the
    turns) with up to 256 channels in one table and past it in blocks of 256, over 1, 3,
    5 and 9 pixels (a lone one after the pairs) and 2 images, both requantizations."""
    for seed, (pixels, batches) in enumerate([(1, 1), (3, 1), (5, 2), (9, 1)]):
        case = shaped_pointwise_case(k * out + seed, k, out, pixels, batches, fast=seed != 3)
        assert_twin("conv_s8", "dsp", [case])
        if out % 4 == 0:
            check_quads(*case)


@pytest.mark.parametrize("k", [6, 14, 30, 62, 126])
@pytest.mark.parametrize("out", [20, 264])
def test_conv_pointwise_fixed_groups_in_place(k: int, out: int) -> None:
    """The fixed group counts (G of 2, 4, 8, 16 and 32) on K not a multiple of 4: the last
    image's last pair, whose words would read past the input, widened exactly into the
    scratch and run in place (widen 0); with 264 channels every pair so, a block at a
    time. Even and odd pixel counts, 1 and 2 images, both requantizations."""
    for seed, (pixels, batches) in enumerate([(2, 1), (6, 2), (7, 1), (4, 1)]):
        case = shaped_pointwise_case(k * out + seed, k, out, pixels, batches, fast=seed != 3)
        assert_twin("conv_s8", "dsp", [case])
        check_quads(*case)


@pytest.mark.parametrize("out", [12, 16, 20, 32, 36])
def test_conv_pointwise8_runs(out: int) -> None:
    """K = 8 with 16 or 32 channels out (the runs of pixels a filter streams past,
    conv_pointwise8_dsp.h; 12, 20 and 36 channels the pairs' loops): runs of 1, 7, 8, 9
    and 17 pixels (entries of the 32-pixel turn), a whole run of 160, one past it, three
    runs across 2 images, both requantizations (the twin's C loop elsewhere)."""
    shapes = [(1, 1), (7, 1), (8, 1), (9, 1), (17, 1), (160, 1), (161, 1), (171, 2)]
    for seed, (pixels, batches) in enumerate(shapes):
        case = shaped_pointwise_case(8 * out + seed, 8, out, pixels, batches, fast=seed != 3)
        assert_twin("conv_s8", "dsp", [case])
        check_quads(*case)


def requant_edges_case(out: int, k: int = 4) -> tuple[Any, list[np.ndarray]]:
    """The pointwise path's requantization (SMMLAR, SMMLSR by -2^(32 - e)) at every right
    shift 1..31: zero input, so each sum is its bias, drawn at the rounding's ties of either
    sign, at 0 and -1 and at the int32 extremes, multipliers 2^30, 2^31 - 1 or 0; 3 pixels
    (a pair and a lone one); `out` channels (past 256: two blocks); K = k."""
    rng = np.random.default_rng(out)
    params = pointwise_case(7)[0]
    p = {f: getattr(params, f) for f, _ in ffi.typeof("micro_conv_s8_params_t").fields}
    p.update(batches=1, input_height=1, input_width=3, output_height=1, output_width=3)
    p.update(input_depth=k, filter_depth=k, output_depth=out)
    params, ops = cases.conv_data(rng, p, fast=True)
    e = np.arange(out) % 31 + 1
    ops[0][:] = 0
    ops[3][:] = np.array([1 << 30, (1 << 31) - 1, 0, 1 << 30])[np.arange(out) % 4]
    ops[4][:] = -e
    tie = (rng.integers(-50, 50, out) * 2 + 1) << e  # y = bias / 2 at a tie for 2^30
    pick = np.arange(out) // 31 % 4
    edge = np.array([-(1 << 31), (1 << 31) - 1, 0, -1])[rng.integers(0, 4, out)]
    ops[2][:] = np.where(pick < 2, np.clip(tie * (1 - 2 * pick), -(1 << 31), (1 << 31) - 1), edge)
    return params, ops


@pytest.mark.parametrize("out", [124, 132, 260])
def test_conv_pointwise_requantization_edges(out: int) -> None:
    check_quads(*requant_edges_case(out))


@pytest.mark.parametrize("out", [16, 32])
def test_conv_pointwise8_requantization_edges(out: int) -> None:
    """The same edges on the runs of K = 8 (32 channels: every right shift 1..31)."""
    check_quads(*requant_edges_case(out, 8))


@pytest.mark.parametrize("seed", range(CASES // 10))
def test_conv_quads_long_patches_match_reference(seed: int) -> None:
    check_quads(*cases.conv_case(seed, quads=True, fast=True, long=True))


@pytest.mark.parametrize("k", [1, 3, 4, 8, 12, 27, 28, 32, 36, 60, 64, 68, 100])
def test_conv_quads_every_entry_of_the_unrolled_loop(k: int) -> None:
    """Patches of 1 to 25 groups of 4 values: the first turn of 8 groups enters at each
    of its groups (a 1 x 1 filter over k channels, the fast passes)."""
    for seed in range(3):
        params, ops = cases.conv_case(seed, quads=True, fast=True)
        rng = np.random.default_rng(seed)
        p = ffi.new("micro_conv_s8_params_t *", params[0])
        p.groups = p.filter_height = p.filter_width = 1
        p.input_depth = p.filter_depth = k
        p.dilation_height = p.dilation_width = 1
        p.pad_top = p.pad_left = 0
        n_in = p.batches * p.input_height * p.input_width * k
        row = -(-k // cases.K_ALIGN) * cases.K_ALIGN
        filt = np.zeros((p.output_depth, row), np.int8)
        filt[:, :k] = rng.integers(-128, 128, (p.output_depth, k))
        ops = [cases.int8(rng, n_in), filt.reshape(-1), *ops[2:]]
        size = -(-int(lib.micro_conv_s8_scratch_size(p)) // 8)
        ops[cases.CONV_SCRATCH] = np.zeros(size, np.int64)
        check_quads(p, ops)


def test_quads_by_hand() -> None:
    """Layout 1 of 4 filters of 6 values: group 0's even words (values 0, 2), odd words
    (1, 3), then group 1's (4, zero past K) and (5, zero)."""
    w = np.arange(1, 25, dtype=np.int64).reshape(4, 6)
    got = quads(w).reshape(-1, 2).tolist()
    want = [[w[f, h], w[f, h + 2]] for h in (0, 1) for f in range(4)]
    want += [[w[f, 4 + h], 0] for h in (0, 1) for f in range(4)]
    assert got == want


def test_quads_taken_where_the_twin_runs_them() -> None:
    """The compiler asks the twin: layout 1 wherever the filters of a group come in quads."""
    params = cases.conv_case(0)[0]
    for groups, per_group in [(1, 4), (1, 8), (1, 6), (2, 4), (2, 6), (3, 12)]:
        p = {f: getattr(params, f) for f, _ in ffi.typeof("micro_conv_s8_params_t").fields}
        p.update(groups=groups, output_depth=groups * per_group)
        p.update(input_depth=groups * params.filter_depth)
        assert kernel_predicate("conv_s8", "dsp_quads", p) == (per_group % 4 == 0)


def test_layout_1_needs_quads() -> None:
    """The kernel's check refuses layout 1 when the filters of a group are not quads."""
    params, ops = cases.conv_case(3, quads=True)
    p1, ops1 = quads_case(params, ops)
    p1.output_depth += 2 * p1.groups
    ops1[-1] = np.zeros(ops1[-1].size // params.output_depth * p1.output_depth, np.int8)
    for i in (2, 3, 4):
        ops1[i] = np.zeros(p1.output_depth, np.int32)
    assert cases.check_status("conv_s8", p1, ops1) == lib.MICRO_ERR_PARAMS
