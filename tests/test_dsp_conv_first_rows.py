"""CONV_2D's filter layout 2 (first-layer rows, what the compiler writes for a DSP core on a
layer of 1-4 input channels with the fast requantization): the reference kernel reads it
to the bytes it gives on the row layout, and the DSP twin's row loop (portable C on the
host; the asm loops on the emulated board: tests/firmware/test_dsp_board.py) gives the
same, over random first layers: 1-4 channels, 3x3, 5x5, 10x4, 4x1 and 1xN windows,
strides 1-3, SAME, VALID and any padding, odd sizes, batches, per-channel and per-tensor
scales, zero multipliers, filters past one block of channels."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import test_dsp_kernels as cases
from test_dsp_conv_quads import check_layout, first_case, requant_edges_case

from micro._ffi import ffi, kernel_predicate, scratch_size
from micro.ops.conv import first_rows, first_rows_fast

CASES = 160

# (FH, FW, I): the reference models' first layers (RGB 3x3, grayscale 3x3, 10x4 of one
# channel), the asm loops' neighbours and others the C loop takes.
KERNELS = [
    (3, 3, 3),
    (3, 3, 1),
    (10, 4, 1),
    (5, 5, 3),
    (3, 3, 2),
    (3, 3, 4),
    (4, 1, 1),
    (1, 5, 1),
    (1, 7, 3),
    (2, 2, 3),
]


def params_dict(params: Any) -> dict[str, int]:
    return {f: int(getattr(params, f)) for f, _ in ffi.typeof("micro_conv_s8_params_t").fields}


def rows_case(params: Any, ops: list[np.ndarray]) -> tuple[Any, list[np.ndarray]]:
    """The case with its filter in layout 2 and its scratch sized for the row loop."""
    p = params_dict(params)
    p["filter_layout"] = 2
    k = p["filter_height"] * p["filter_width"] * p["filter_depth"]
    weights = ops[1].reshape(p["output_depth"], -1)[:, :k]
    shape = (p["output_depth"], p["filter_height"], p["filter_width"], p["filter_depth"])
    filt = first_rows(weights.reshape(shape), p["stride_width"])
    scratch = np.zeros(-(-scratch_size("conv_s8", p) // 8), np.int64)
    ops2 = [ops[0], np.frombuffer(filt.tobytes(), np.int8).copy(), *ops[2:5], scratch, ops[6]]
    return ffi.new("micro_conv_s8_params_t *", p), ops2


def rows_first_case(seed: int, paired: bool = False) -> tuple[Any, list[np.ndarray]]:
    """first_case's layer with KERNELS' windows, strides 1-3, no dilation, 4-160 filters;
    the fast requantization 3 in 4 (zero multipliers among it), per-tensor 3 in 10. With
    `paired`, an RGB or grayscale 3x3 layer at stride 2 across with 4-28 filters: up to 24
    the twin's paired rows (rows 0 and 1's last values in one word), 28 the plain ones."""
    rng = np.random.default_rng(10_000 + seed)
    base, _ = first_case(seed)
    p = params_dict(base)
    fh, fw, depth = KERNELS[seed % 2 if paired else seed % len(KERNELS)]
    sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    sw = 2 if paired else sw
    depths = [1, 2, 3, 4, 5, 6, 7] if paired else [1, 2, 3, 4, 16, 33, 40]
    ih, iw = int(rng.integers(fh, 3 * fh + 6)), int(rng.integers(fw, 3 * fw + 9))
    padding = ["same", "valid", "any"][int(rng.integers(0, 3))]
    if padding == "valid":
        top = left = 0
        oh, ow = (ih - fh) // sh + 1, (iw - fw) // sw + 1
    elif padding == "same":
        oh, ow = -(-ih // sh), -(-iw // sw)
        top = max((oh - 1) * sh + fh - ih, 0) // 2
        left = max((ow - 1) * sw + fw - iw, 0) // 2
    else:
        top, left = int(rng.integers(0, fh)), int(rng.integers(0, fw))
        oh = max(1, (ih + top + int(rng.integers(0, fh)) - fh) // sh + 1)
        ow = max(1, (iw + left + int(rng.integers(0, fw)) - fw) // sw + 1)
    p.update(
        input_height=ih,
        input_width=iw,
        input_depth=depth,
        filter_height=fh,
        filter_width=fw,
        filter_depth=depth,
        output_height=oh,
        output_width=ow,
        output_depth=4 * int(rng.choice(depths)),
        stride_height=sh,
        stride_width=sw,
        dilation_height=1,
        pad_top=top,
        pad_left=left,
        filter_layout=0,
    )
    params, ops = cases.conv_data(rng, p, fast=seed % 4 != 3, per_tensor=0.3)
    return params, ops


def check_rows(params: Any, ops: list[np.ndarray]) -> None:
    """check_layout on layout 2."""
    check_layout(params, ops, rows_case)


@pytest.mark.parametrize("seed", range(CASES))
def test_conv_first_rows_match_reference(seed: int) -> None:
    check_rows(*rows_first_case(seed))


@pytest.mark.parametrize("seed", range(60))
def test_conv_first_rows_paired(seed: int) -> None:
    """RGB and grayscale 3x3 at stride 2 on few filters: the paired rows' repacked weights."""
    check_rows(*rows_first_case(seed, paired=True))


@pytest.mark.parametrize("seed", range(0, 200, 5))
def test_conv_first_rows_on_first_cases(seed: int) -> None:
    """first_case's layers (dilated ones excepted: layout 2 has none)."""
    params, ops = first_case(seed)
    if params.dilation_height == 1:
        check_rows(params, ops)


def test_first_rows_layout_by_hand() -> None:
    """Layout 2 of a 2x3 filter of one channel at stride 1 (I * SW odd: two copies, the
    second shifted by one value): per copy, quad, row and pair, the 4 filters' words."""
    w = np.arange(1, 4 * 6 + 1, dtype=np.int64).reshape(4, 2, 3, 1)
    got = first_rows(w.astype(np.int8), 1)
    assert got.shape == (2, 1, 2, 2, 4, 2)
    # copy 0, row 0: pairs (w0, w1), (w2, 0) of each filter f (values 6f + 1 ..).
    assert got[0, 0, 0].tolist() == [
        [[6 * f + 1, 6 * f + 2] for f in range(4)],
        [[6 * f + 3, 0] for f in range(4)],
    ]
    # copy 1, row 1: pairs (0, w0), (w1, w2) of row 1 (values 6f + 4 ..).
    assert got[1, 0, 1].tolist() == [
        [[0, 6 * f + 4] for f in range(4)],
        [[6 * f + 5, 6 * f + 6] for f in range(4)],
    ]


def test_first_rows_fast_rule() -> None:
    """The compiler's rule is the twin's fast_ok: int8's clamp, multipliers 0 or >= 2^30
    with a right shift."""
    p = {"act_min": -128, "act_max": 127}
    assert first_rows_fast(p, np.array([1 << 30, 0]), np.array([-1, 5]))
    assert not first_rows_fast(p, np.array([(1 << 30) - 1]), np.array([-1]))
    assert not first_rows_fast(p, np.array([1 << 30]), np.array([0]))
    assert not first_rows_fast({"act_min": 0, "act_max": 127}, np.array([1 << 30]), np.array([-1]))


def test_first_rows_predicate() -> None:
    """The compiler writes layout 2 for one group, no dilation, filters in quads and the
    row loop's asm shapes (RGB and grayscale 3x3 at stride 1 or 2, 10x4 at stride 2)."""
    params, _ = rows_first_case(0)
    p = {**params_dict(params), "stride_width": 2}
    assert kernel_predicate("conv_s8", "dsp_first_rows", p)
    shapes = {(3, 3, 3): (1, 2), (3, 3, 1): (1, 2), (10, 4, 1): (2,)}
    for fh, fw, depth in KERNELS:
        for sw in (1, 2, 3):
            q = {
                **p,
                "filter_height": fh,
                "filter_width": fw,
                "input_depth": depth,
                "filter_depth": depth,
                "stride_width": sw,
            }
            want = sw in shapes.get((fh, fw, depth), ())
            assert kernel_predicate("conv_s8", "dsp_first_rows", q) == want, (fh, fw, depth, sw)
    for change in (
        {"dilation_height": 2},
        {"dilation_width": 2},
        {"output_depth": 6},
        {"filter_height": 1, "filter_width": 1},
        {"input_depth": 5, "filter_depth": 5},
        {"filter_height": 17},
    ):
        assert not kernel_predicate("conv_s8", "dsp_first_rows", {**p, **change}), change


def rows_requant_edges_case(out: int) -> tuple[Any, list[np.ndarray]]:
    """requant_edges_case's channels (every right shift 1..31, sums at the rounding's ties
    of either sign, 0, -1 and the int32 extremes, multipliers 2^30, 2^31 - 1 and 0) on an
    RGB 3x3 layer at stride 2 (the asm loop's shape): a zero image of 3x7 and input_zp 0,
    so each sum is its bias; 3 pixels (a pair and a lone one); `out` channels (24: the
    paired rows' loop)."""
    params, ops = requant_edges_case(out)
    p = params_dict(params)
    p.update(input_height=3, input_width=7, input_depth=3, filter_height=3, filter_width=3)
    p.update(filter_depth=3, stride_height=2, stride_width=2, pad_top=0, pad_left=0)
    p.update(output_height=1, output_width=3, input_zp=0)
    rng = np.random.default_rng(out)
    new, new_ops = cases.conv_data(rng, p, fast=True)
    new_ops[0][:] = 0
    new_ops[2:5] = [o.copy() for o in ops[2:5]]
    return new, new_ops


@pytest.mark.parametrize("out", [24, 124, 132])
def test_conv_first_rows_requantization_edges(out: int) -> None:
    check_rows(*rows_requant_edges_case(out))


def lone_10x4_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """A 10x4 layer of one channel at stride 2 across (stride 1-3 down) on the fast
    requantization (zero multipliers among it; per-tensor 3 in 10), of an odd output width:
    each output row's last pixel a lone one. Seed 0: kws's first layer (49x10 to 25x5, SAME,
    64 filters); the others 1x1 to 9x11 outputs, SAME, VALID or any padding, 4-160 filters
    (past one block of 128), 1-2 images."""
    rng = np.random.default_rng(20_000 + seed)
    p = params_dict(rows_first_case(2)[0])
    sh = int(rng.integers(1, 4))
    ow = 2 * int(rng.integers(0, 6)) + 1
    oh = int(rng.integers(1, 10))
    top, left = [(0, 0), (4, 1), (int(rng.integers(0, 10)), int(rng.integers(0, 4)))][seed % 3]
    ih = (oh - 1) * sh + 10 - top - int(rng.integers(0, 10 - top)) if top else (oh - 1) * sh + 10
    iw = (ow - 1) * 2 + 4 - left - int(rng.integers(0, 2))
    depth_out = 4 * int(rng.choice([1, 3, 16, 33, 40]))
    if seed == 0:
        oh, ow, ih, iw, sh, top, left, depth_out = 25, 5, 49, 10, 2, 4, 1, 64
    p.update(
        batches=1 + seed % 2,
        input_height=max(ih, 1),
        input_width=max(iw, 1),
        input_depth=1,
        filter_height=10,
        filter_width=4,
        filter_depth=1,
        output_height=oh,
        output_width=ow,
        output_depth=depth_out,
        stride_height=sh,
        stride_width=2,
        dilation_height=1,
        dilation_width=1,
        pad_top=top,
        pad_left=left,
        filter_layout=0,
    )
    params, ops = cases.conv_data(rng, p, fast=True, per_tensor=0.3)
    return params, ops


@pytest.mark.parametrize("seed", range(40))
def test_conv_first_rows_10x4_lone_pixels(seed: int) -> None:
    params, ops = lone_10x4_case(seed)
    assert kernel_predicate("conv_s8", "dsp_first_rows", params_dict(params))
    check_rows(params, ops)


def test_conv_first_rows_10x4_lone_requantization_edges() -> None:
    """requant_edges_case's channels (every right shift, ties, extremes) on a lone 10x4
    pixel: a zero image and input_zp 0, each sum its bias."""
    params, ops = requant_edges_case(124)
    p = params_dict(params)
    p.update(input_height=10, input_width=4, input_depth=1, filter_height=10, filter_width=4)
    p.update(filter_depth=1, stride_height=2, stride_width=2, pad_top=0, pad_left=0)
    p.update(output_height=1, output_width=1, input_zp=0)
    new, new_ops = cases.conv_data(np.random.default_rng(7), p, fast=True)
    new_ops[0][:] = 0
    check_rows(new, [new_ops[0], new_ops[1], *ops[2:5], *new_ops[5:]])
