"""The *_dsp kernels (Cortex-M4/M7 DSP extension twins; on the host their portable C) give
the bytes of their reference kernels, the oracle, over random params and data: shapes,
strides, dilations, padding, groups, depth multipliers, zero points, activation clamps,
and requantizations that take the fast path (multiplier in [2^30, 2^31), shift <= -1, no
clamp) and those that do not (left shifts, small or zero multipliers, wide accumulators).
The firmware parity tests run the same kernels with the DSP instructions on QEMU."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from support import sanitized
from support.depthwise import (
    check_depthwise,
    column_case,
    depthwise_case,
    map3_case,
    map_case,
)
from support.draws import activation, bias, int8, requant
from support.kernels import assert_twin, check_status, checked, run

import micro
from micro._ffi import ffi, lib, scratch_size
from micro.compiler import compile_model
from micro.interpreter import Runtime
from micro.model import load_model
from micro.ops.fully_connected import blocks_of_4_rows, filter_bytes
from micro.program import read_header, read_steps, seal
from micro.writer import ModelBuilder

CASES = 150
K_ALIGN = int(lib.MICRO_CONV_S8_K_ALIGN)
CONV_SCRATCH, CONV_OUTPUT = int(lib.MICRO_CONV_S8_SCRATCH), int(lib.MICRO_CONV_S8_OUTPUT)
FC_SCRATCH = int(lib.MICRO_FULLY_CONNECTED_S8_SCRATCH)
FC_OUTPUT = int(lib.MICRO_FULLY_CONNECTED_S8_OUTPUT)


def conv_case(
    seed: int, long: bool = False, fast: bool = False, pointwise: bool = False, quads: bool = False
) -> tuple[Any, list[np.ndarray]]:
    """Random conv params; `long`: patches longer than the twin assembles at once (640 B),
    which it streams through a smaller buffer; `fast`: only what the twin's fast passes take
    (multipliers in [2^30, 2^31) or 0, shifts <= -1, no clamp), odd and even channel
    counts, filter pairs enough for several per pass; `pointwise`: 1x1, stride 1, no
    padding, output the input's size, channels a multiple of 8 (the twin widens such
    pixels straight from the image); `quads`: filters per group a multiple of 4 (what filter
    layout 1 takes)."""
    rng = np.random.default_rng(seed)
    groups = int(rng.choice([1, 1, 1, 2, 3]))
    depth = int(rng.choice([1, 2, 3, 4, 8, 16, int(rng.integers(1, 40))]))
    if long:
        depth = int(rng.integers(72, 140))
    fh, fw = (1, 1) if rng.random() < 0.3 else (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
    if long:
        fh, fw = int(rng.integers(3, 5)), int(rng.integers(3, 5))
    per_group = int(rng.integers(1, 10)) if not fast else int(rng.integers(1, 24))
    if quads:
        per_group = 4 * int(rng.integers(1, 7))
    p: dict[str, int] = {
        "batches": int(rng.integers(1, 3)),
        "input_height": int(rng.integers(1, 12)),
        "input_width": int(rng.integers(1, 12)),
        "input_depth": groups * depth,
        "filter_height": fh,
        "filter_width": fw,
        "filter_depth": depth,
        "output_height": int(rng.integers(1, 9)),
        "output_width": int(rng.integers(1, 9)),
        "output_depth": groups * per_group,
        "groups": groups,
        "stride_height": int(rng.integers(1, 4)),
        "stride_width": int(rng.integers(1, 4)),
        "dilation_height": int(rng.choice([1, 1, 2])),
        "dilation_width": int(rng.choice([1, 1, 2])),
        "pad_top": int(rng.integers(0, fh)),
        "pad_left": int(rng.integers(0, fw)),
        "input_zp": int(rng.integers(-128, 128)),
        "output_zp": int(rng.integers(-128, 128)),
        "filter_layout": 0,
    }
    if pointwise:
        groups = fh = fw = 1
        depth = int(rng.choice([8, 16, 24, 64]))
        p.update(filter_height=1, filter_width=1, filter_depth=depth, input_depth=depth)
        p.update(groups=1, output_depth=per_group, stride_height=1, stride_width=1)
        p.update(pad_top=0, pad_left=0)
        p.update(output_height=p["input_height"], output_width=p["input_width"])
    return conv_data(rng, p, fast)


def conv_data(
    rng: np.random.Generator, p: dict[str, int], fast: bool = False, per_tensor: float = 0.0
) -> tuple[Any, list[np.ndarray]]:
    """The rest of a conv case of geometry `p`: activation clamp, filter rows padded to
    K_ALIGN, requantization (`fast`: as conv_case says), input, bias, scratch and output;
    with probability `per_tensor` every channel shares channel 0's multiplier and shift."""
    p["act_min"], p["act_max"] = activation(rng)
    small = bool(rng.random() < 0.4)
    k = p["filter_height"] * p["filter_width"] * p["filter_depth"]
    row = -(-k // K_ALIGN) * K_ALIGN
    o = p["output_depth"]
    filt = np.zeros((o, row), np.int8)
    filt[:, :k] = int8(rng, o * k, small).reshape(o, k)
    mult, shift = requant(rng, o, small)
    if fast:
        p["act_min"], p["act_max"] = -128, 127
        mult = rng.integers(1 << 30, 1 << 31, o, dtype=np.int64).astype(np.int32)
        shift = np.minimum(shift, -1).astype(np.int32)
        zero = rng.random(o) < (0.2 if rng.random() < 0.5 else 0.0)  # zero scales
        mult[zero] = 0
        shift[zero] = rng.integers(-31, 31, int(zero.sum()))
    n_in = p["batches"] * p["input_height"] * p["input_width"] * p["input_depth"]
    n_out = p["batches"] * p["output_height"] * p["output_width"] * o
    # int64 storage: the scratch is 8-aligned as the planner lays it out.
    scratch = np.zeros(-(-scratch_size("conv_s8", p) // 8), np.int64)
    operands = [
        int8(rng, n_in, small),
        filt.reshape(-1),
        bias(rng, o, small),
        mult,
        shift,
        scratch,
        np.zeros(n_out, np.int8),
    ]
    if per_tensor and rng.random() < per_tensor:
        mult[:] = mult[0]
        shift[:] = shift[0]
    return ffi.new("micro_conv_s8_params_t *", p), operands


@pytest.mark.parametrize("seed", range(CASES))
def test_conv_dsp_matches_reference(seed: int) -> None:
    assert_twin("conv_s8", "dsp", [conv_case(seed)])


@pytest.mark.parametrize("seed", range(CASES // 2))
def test_conv_dsp_fast_passes_match_reference(seed: int) -> None:
    assert_twin("conv_s8", "dsp", [conv_case(seed, fast=True)])


@pytest.mark.parametrize("seed", range(CASES // 5))
def test_conv_dsp_pointwise_matches_reference(seed: int) -> None:
    assert_twin("conv_s8", "dsp", [conv_case(seed, fast=seed % 2 == 0, pointwise=True)])


@pytest.mark.parametrize("seed", range(CASES // 10))
def test_conv_dsp_long_patches_match_reference(seed: int) -> None:
    assert_twin("conv_s8", "dsp", [conv_case(seed, long=True)])


def test_conv_dsp_misaligned_scratch_runs_the_reference() -> None:
    params, ops = conv_case(7)
    raw = np.zeros(ops[CONV_SCRATCH].nbytes + 8, np.uint8)
    ops[CONV_SCRATCH] = raw[2 : 2 + ops[CONV_SCRATCH].nbytes]
    assert run(lib.micro_conv_s8_dsp, params, ops) == run(lib.micro_conv_s8, params, ops)


@pytest.mark.parametrize("seed", range(CASES))
def test_depthwise_dsp_matches_reference(seed: int) -> None:
    check_depthwise(*depthwise_case(seed))


@pytest.mark.parametrize("seed", range(CASES // 2))
def test_depthwise_pair_paths_match_reference(seed: int) -> None:
    check_depthwise(*depthwise_case(seed, fast=True))


@pytest.mark.parametrize("seed", range(CASES // 2))
def test_depthwise_column_path_matches_reference(seed: int) -> None:
    check_depthwise(*column_case(seed))


@pytest.mark.parametrize("seed", range(CASES))
def test_depthwise_small_maps_match_reference(seed: int) -> None:
    check_depthwise(*map_case(seed))


@pytest.mark.parametrize("side", [3, 5, 6])
@pytest.mark.parametrize("seed", range(CASES // 3))
def test_depthwise_tiny_maps_match_reference(seed: int, side: int) -> None:
    check_depthwise(*map_case(seed, side))


@pytest.mark.parametrize("seed", range(CASES // 3))
def test_depthwise_3x3_maps_match_reference(seed: int) -> None:
    check_depthwise(*map3_case(seed))


def test_depthwise_layouts_taken_where_the_twin_runs_them() -> None:
    """The compiler writes layout 1 exactly where the twin's tap-pair paths run, layout 2
    where its column path runs."""
    base = depthwise_case(0, fast=True)[0]
    for mult, channels, fh, fw, takes in [
        (1, 64, 3, 3, True),
        (1, 6, 3, 3, False),  # 6 output channels: not whole quads
        (2, 2, 3, 3, True),
        (3, 4, 3, 3, False),
        (8, 1, 3, 3, True),
        (1, 4, 5, 5, True),
        (1, 4, 6, 5, False),  # 30 taps
    ]:
        p = ffi.new("micro_depthwise_conv_s8_params_t *", base[0])
        p.depth_multiplier, p.input_depth = mult, channels
        p.filter_height, p.filter_width = fh, fw
        assert bool(lib.micro_depthwise_conv_s8_dsp_pairs(p)) == takes
    for change, takes in [
        ({}, True),
        ({"input_depth": 3, "depth_multiplier": 3}, True),  # any depth and multiplier
        ({"output_width": 2}, False),
        ({"output_width": 3}, True),
        ({"output_width": 96, "input_depth": 8}, True),  # 768 bytes a row
        ({"output_width": 97, "input_depth": 8}, False),
        ({"output_width": 3, "input_width": 4, "input_depth": 256}, True),  # 1,024 B in
        ({"output_width": 3, "input_width": 5, "input_depth": 256}, False),
        ({"stride_width": 2}, True),
        ({"stride_height": 2}, True),
        ({"stride_height": 2, "stride_width": 2}, True),
        ({"stride_height": 2, "input_depth": 2, "depth_multiplier": 2}, False),
        ({"stride_height": 3}, False),
        ({"stride_width": 2, "output_height": 7}, False),  # stride 2 from 8 rows
        ({"dilation_height": 2}, False),
        ({"filter_width": 5}, False),
    ]:
        p = ffi.new("micro_depthwise_conv_s8_params_t *", base[0])
        p.filter_height = p.filter_width = 3
        p.stride_height = p.stride_width = p.dilation_height = p.dilation_width = 1
        p.input_depth, p.depth_multiplier, p.output_width, p.input_width = 4, 1, 8, 10
        p.output_height = 8
        for field, value in change.items():
            setattr(p, field, value)
        assert bool(lib.micro_depthwise_conv_s8_dsp_cols(p)) == takes, change


def fully_connected_case(
    seed: int,
    layout: int | None = None,
    fast: bool = False,
    short: bool = False,
    units: int | None = None,
    lean: bool = False,
    groups: int | None = None,
) -> tuple[Any, list[np.ndarray]]:
    """Random FC params and data, the filter in `layout` (None: layouts 2, 1, 0 by seed % 3;
    for `fast` and `short` the blocked layouts 1 and 2 by a digit of the seed the other
    choices do not use); the optional scratch present in about half the cases (else absent).
    `fast`: what the DSP twin's register-blocked path takes (layout 1, the scratch, K a
    multiple of 4 with every count of groups modulo 8, picked by seed // 2, per-tensor
    multipliers of the fast requantization, no clamp beyond int8's). `short`: what the
    small layers' paths take (the fast case's requantization with K < 4, K 4 or 8, or a few
    groups or an odd K; N around blocks of 4; the scratch present in about half). `units`:
    N, in place of the random one. `lean` (with `fast`): what the DSP twin's lean lane takes
    (fully_connected_s8_dsp_path.h's fc_lean): one batch row, symmetric weights, no
    scratch. `groups` (with `fast`): K = 4 * groups, in place of the random count."""
    rng = np.random.default_rng(seed)
    fast = fast or short
    if layout is None:
        layout = 1 + seed // 8 % 2 if short else 1 + seed // 20 % 2 if fast else 2 - seed % 3
    per_channel = 0 if fast else int(rng.integers(0, 2))
    depth = int(rng.choice([1, 3, 4, 5, 16, 18, int(rng.integers(1, 300))]))
    if fast:
        count = [1, 2, 3, 4, 5, 6, 7, 8, 16, int(rng.integers(1, 80))][seed // 2 % 10]
        depth = 4 * (count if groups is None else groups)
    if short:
        depth = [1, 2, 3, 4, 8, 12, 16, 5][seed % 8]
    p: dict[str, int] = {
        "batches": int(rng.integers(1, 4)),
        "input_depth": depth,
        "output_depth": int(
            rng.choice([1, 4, 5, 8, 16, 17, 35] if short else [1, 3, 4, 8, rng.integers(1, 14)])
        ),
        "filter_zp": 0 if rng.random() < 0.7 else int(rng.integers(-128, 128)),
        "output_zp": int(rng.integers(-128, 128)),
        "per_channel": per_channel,
        "filter_layout": layout,
    }
    if units is not None:
        p["output_depth"] = units
    if lean:
        p["batches"], p["filter_zp"] = 1, 0
    p["act_min"], p["act_max"] = (-128, 127) if fast else activation(rng)
    n, k = p["output_depth"], p["input_depth"]
    small = bool(rng.random() < 0.4)
    mults, shifts = requant(rng, n if per_channel else 1, small)
    if fast:
        mults = rng.integers(1 << 30, 1 << 31, 1, dtype=np.int64).astype(np.int32)
        shifts = np.array([rng.integers(-6, 0) if small else rng.integers(-14, -5)], np.int32)
    weights = int8(rng, n * k, small).reshape(n, k)
    keep = fast and not short and not lean
    scratch = scratch_size("fully_connected_s8", p) if keep or rng.random() < 0.5 else 0
    if lean:
        scratch = 0
    operands = [
        int8(rng, p["batches"] * k, small),
        filter_bytes(layout, weights).reshape(-1),
        bias(rng, n, small),
        mults,
        shifts,
        np.full(scratch, 0x5A, np.uint8),  # stale bytes: the kernel must write before reading
        np.zeros(p["batches"] * n, np.int8),
    ]
    return ffi.new("micro_fully_connected_s8_params_t *", p), operands


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("seed", range(CASES))
def test_fully_connected_dsp_matches_reference(seed: int, fast: bool) -> None:
    params, ops = fully_connected_case(seed, fast=fast)
    checked("fully_connected_s8", params, ops)
    dsp = run(lib.micro_fully_connected_s8_dsp, params, ops)
    assert dsp == run(lib.micro_fully_connected_s8, params, ops)


# N mod 4 = 1, 2, 3 with and without blocks before them (vww's 256 -> 2, ic's 64 -> 10).
REST_UNITS = [1, 2, 3, 5, 6, 7, 10, 11]


@pytest.mark.parametrize("units", REST_UNITS)
@pytest.mark.parametrize("seed", range(6))
def test_fully_connected_dsp_rest_rows_match_reference(seed: int, units: int) -> None:
    """The rows after the blocks of 4 on the fast per-tensor requantization (rows_fast:
    layout 3's int16 pair, else two int8 rows at a time, then an odd one), K a multiple of
    4 (every count of groups modulo 8 over the seeds), int8 or int16 blocks (layouts 1, 2,
    3 in turn), with and without the scratch, filter zero point or none, batch rows."""
    layout = 1 + seed % 3
    params, ops = fully_connected_case(7 * seed + units, layout, fast=True, units=units)
    checked("fully_connected_s8", params, ops)
    mults, shifts = (ffi.from_buffer("int32_t[]", ops[i]) for i in (3, 4))
    path = lib.micro_fully_connected_s8_dsp_path(params, ffi.NULL, mults, shifts, ffi.NULL)
    assert path & lib.MICRO_PATH_FC_REST  # the case reaches the rows after the blocks
    dsp = run(lib.micro_fully_connected_s8_dsp, params, ops)
    assert dsp == run(lib.micro_fully_connected_s8, params, ops)


# The lean lane's shapes: heads of 1-3 rows (vww's 2, layout 3's pair with a third row),
# blocks with and without rows after them (ic's 10; at K = 8 ad's 8 -> 128).
LEAN_UNITS = [1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 16]


def lean_paths(params: Any) -> int:
    """The path bits the lean lane runs (fully_connected_s8_dsp_path.h's fc_lean_path), from
    its documented rule: blocks of 4 rows on the row (the k8 loop at K = 8), int16 groups on
    layouts 2 and 3; the rows after them; layout 3's int16 pair among those."""
    units, layout = params.output_depth, params.filter_layout
    path = 0
    if units >= 4:
        path |= lib.MICRO_PATH_FC_K8 if params.input_depth == 8 else lib.MICRO_PATH_FC_ROW
        path |= lib.MICRO_PATH_FC_INT16 if layout >= 2 else lib.MICRO_PATH_FC_INT8
    if units % 4:
        path |= lib.MICRO_PATH_FC_REST
    if layout == 3 and units % 4 >= 2:
        path |= lib.MICRO_PATH_FC_INT16
    return path


@pytest.mark.parametrize("units", LEAN_UNITS)
@pytest.mark.parametrize("seed", range(10))
def test_fully_connected_dsp_lean_lane_matches_reference(seed: int, units: int) -> None:
    """The lean lane (one batch row, symmetric weights, the fast per-tensor requantization,
    K a multiple of 4, no scratch) on layouts 1, 2, 3, every count of groups modulo 8 over
    the seeds: the reference's bytes, and the path bits the host reads for it are the
    lane's loops (fc_lean_path, the one rule the dispatch runs)."""
    layout = 1 + seed % 3
    params, ops = fully_connected_case(
        20 * units + 2 * seed, layout, fast=True, units=units, lean=True
    )
    checked("fully_connected_s8", params, ops)
    mults, shifts = (ffi.from_buffer("int32_t[]", ops[i]) for i in (3, 4))
    filt = ffi.from_buffer("int8_t[]", ops[1])
    path = lib.micro_fully_connected_s8_dsp_path(params, filt, mults, shifts, ffi.NULL)
    assert path == lean_paths(params)
    dsp = run(lib.micro_fully_connected_s8_dsp, params, ops)
    assert dsp == run(lib.micro_fully_connected_s8, params, ops)


# The K = 1 lane's shapes (hello_world's 1 -> 16): no rows, one, blocks of 4 and the rest.
SINGLE_UNITS = [1, 3, 4, 16, 17]


# Long rows on one block of 4 (micro_speech's 4000 -> 4: 1,000 groups), every count of groups
# modulo 8 (the fast blocks' eight-group turn on the int8 row and its entries).
LONG_GROUPS = [1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007]


def long_case(k: int, groups: list[int] = LONG_GROUPS) -> tuple[Any, list[np.ndarray]]:
    """N = 4 and K = 4 * groups[k // 2 % len(groups)] on the fast per-tensor requantization with
    no scratch: the lean lane at even k, else fc_plan's blocks on the int8 row (a filter
    zero point or several batch rows, drawn until one holds); layout 2 at k % 4 == 3, else 1."""
    layout = 2 if k % 4 == 3 else 1
    count = groups[k // 2 % len(groups)]
    lean = k % 2 == 0
    for j in range(100):
        params, ops = fully_connected_case(
            9000 + 100 * k + j, layout, fast=True, units=4, lean=lean, groups=count
        )
        if lean or params.batches > 1 or params.filter_zp != 0:
            break
    ops[FC_SCRATCH] = np.zeros(0, np.uint8)
    return params, ops


@pytest.mark.parametrize("k", range(2 * len(LONG_GROUPS)))
def test_fully_connected_dsp_long_rows_match_reference(k: int) -> None:
    """N = 4 on long rows (long_case): the reference's bytes, on the loops the case means
    to reach (the lean lane's, or fc_plan's blocks on the int8 row)."""
    params, ops = long_case(k)
    assert params.output_depth == 4 and params.input_depth >= 4000
    checked("fully_connected_s8", params, ops)
    mults, shifts = (ffi.from_buffer("int32_t[]", ops[i]) for i in (3, 4))
    filt = ffi.from_buffer("int8_t[]", ops[1])
    path = lib.micro_fully_connected_s8_dsp_path(params, filt, mults, shifts, ffi.NULL)
    groups = lib.MICRO_PATH_FC_INT16 if params.filter_layout == 2 else lib.MICRO_PATH_FC_INT8
    assert path == lib.MICRO_PATH_FC_ROW | groups
    if k % 2 == 1:
        assert params.batches > 1 or params.filter_zp != 0  # not the lean lane
    dsp = run(lib.micro_fully_connected_s8_dsp, params, ops)
    assert dsp == run(lib.micro_fully_connected_s8, params, ops)


def single_case(seed: int, units: int) -> tuple[Any, list[np.ndarray]]:
    """What the K = 1 lane takes (fc_lean_single_ok): K = 1 (the short cases' depth at a seed
    a multiple of 8), one batch row, symmetric weights, the fast per-tensor requantization,
    no scratch; layouts 1, 2, 3 in turn by seed // 8 (3 is the lane's refusal)."""
    return fully_connected_case(8 * seed, 1 + seed % 3, short=True, units=units, lean=True)


@pytest.mark.parametrize("units", SINGLE_UNITS)
@pytest.mark.parametrize("seed", range(9))
def test_fully_connected_dsp_k1_lane_matches_reference(seed: int, units: int) -> None:
    """The K = 1 lane (rows_single without fc_plan): the reference's bytes, and the path
    the host reads is fc_plan's for the same call (rows_single on layouts 1 and 2; layout 3,
    which the lane leaves to the plan, the reference where it has a pair of rows)."""
    params, ops = single_case(seed, units)
    assert params.input_depth == 1 and params.batches == 1
    checked("fully_connected_s8", params, ops)
    mults, shifts = (ffi.from_buffer("int32_t[]", ops[i]) for i in (3, 4))
    filt = ffi.from_buffer("int8_t[]", ops[1])
    path = lib.micro_fully_connected_s8_dsp_path(params, filt, mults, shifts, ffi.NULL)
    pair = params.filter_layout == 3 and units >= 2
    assert path == (0 if pair else lib.MICRO_PATH_FC_SINGLE)
    dsp = run(lib.micro_fully_connected_s8_dsp, params, ops)
    assert dsp == run(lib.micro_fully_connected_s8, params, ops)


@pytest.mark.parametrize("seed", range(CASES))
def test_fully_connected_dsp_short_depths_match_reference(seed: int) -> None:
    """hello_world's and ad's small layers: K = 1 (the row loop), K = 8 (the input in
    registers), a few groups without the scratch (the register-blocked path on the row), and
    K = 2, 3, 5 (fc_row)."""
    params, ops = fully_connected_case(seed, short=True)
    checked("fully_connected_s8", params, ops)
    dsp = run(lib.micro_fully_connected_s8_dsp, params, ops)
    assert dsp == run(lib.micro_fully_connected_s8, params, ops)


@pytest.mark.parametrize("layout", [1, 2, 3])
@pytest.mark.parametrize("seed", range(CASES // 3))
def test_fully_connected_blocked_layout_is_the_row_major_filter(seed: int, layout: int) -> None:
    """The compiler's reordering (blocks_of_4_rows, int8 or int16, layout 3's pair) and the
    reference's reading of layouts 1-3 agree with the plain row-major filter: the same bytes out of
    the same data."""
    blocked, ops = fully_connected_case(seed, layout=layout)
    plain, plain_ops = fully_connected_case(seed, layout=0)
    assert np.array_equal(plain_ops[0], ops[0])
    expected = run(lib.micro_fully_connected_s8, plain, plain_ops)
    assert run(lib.micro_fully_connected_s8, blocked, ops) == expected
    assert run(lib.micro_fully_connected_s8_dsp, blocked, ops) == expected
    assert run(lib.micro_fully_connected_s8_dsp, plain, plain_ops) == expected


@pytest.mark.parametrize("layout", [1, 2])
def test_fully_connected_dsp_misaligned_operands_run_the_reference(layout: int) -> None:
    params, ops = fully_connected_case(5, layout=layout)
    params.input_depth, params.output_depth = 37, 9
    rng = np.random.default_rng(5)
    ops[0] = int8(rng, params.batches * 37)
    ops[2], ops[6] = bias(rng, 9, False), np.zeros(params.batches * 9, np.int8)
    ops[3], ops[4] = requant(rng, 9 if params.per_channel else 1, False)
    for what in (1, 5):  # the filter, then the scratch, 2 bytes off a word
        filter_, scratch = (
            filter_bytes(layout, int8(rng, 9 * 37).reshape(9, 37)),
            np.zeros(72, np.uint8),
        )
        ops[1], ops[5] = filter_, scratch
        expected = run(lib.micro_fully_connected_s8, params, ops)
        raw = np.zeros(ops[what].nbytes + 8, ops[what].dtype)
        raw[2 : 2 + ops[what].size] = ops[what]
        ops[what] = raw[2 : 2 + ops[what].size]
        assert run(lib.micro_fully_connected_s8_dsp, params, ops) == expected


def test_blocks_of_4_rows_by_hand() -> None:
    """Rows 0-3 of 6 by 5 columns: per group of 4 columns row by row, then each row's last
    column; rows 4-5 as they are."""
    w = np.arange(30, dtype=np.int8).reshape(6, 5)
    expected = [0, 1, 2, 3, 5, 6, 7, 8, 10, 11, 12, 13, 15, 16, 17, 18, 4, 9, 14, 19]
    assert blocks_of_4_rows(w).tolist() == expected + list(range(20, 30))


def test_wide_blocks_of_4_rows_by_hand() -> None:
    """Layout 2 of the same 6 by 5 weights (negated, so the int16 high bytes show): per
    group of 4 columns each row's (w0, w2, w1, w3) as little-endian int16, then the tails
    and last rows as int8; the size the kernel's check asks for, N * K + N4 * K4."""
    w = -np.arange(30, dtype=np.int8).reshape(6, 5)
    order = [0, 2, 1, 3, 5, 7, 6, 8, 10, 12, 11, 13, 15, 17, 16, 18]
    heads = np.array([-v for v in order], "<i2").view(np.int8).tolist()
    tails = [-v for v in [4, 9, 14, 19]] + [-v for v in range(20, 30)]
    got = blocks_of_4_rows(w, wide=True)
    assert got.dtype == np.int8 and got.tolist() == heads + tails
    p = {"batches": 1, "input_depth": 5, "output_depth": 6, "filter_layout": 2}
    params = ffi.new("micro_fully_connected_s8_params_t *", p)
    assert lib.micro_fully_connected_s8_filter_bytes(params) == 6 * 5 + 4 * 4 == got.size


@pytest.mark.parametrize("layout", [0, 1, 2, 3])
def test_fully_connected_checks_the_filter_size(layout: int) -> None:
    """A filter one byte short of its layout's size is refused (layout 2's int16 groups
    take N4 * K4 bytes more, layout 3's (N4 + 2) * K4 with N % 4 >= 2); the exact size
    passes; layout 4 is none."""
    params, ops = fully_connected_case(3, layout=layout)
    params.input_depth, params.output_depth = 9, 6
    n_bytes = 6 * 9 + {2: 4 * 8, 3: 6 * 8}.get(layout, 0)
    rng = np.random.default_rng(3)
    ops[0] = int8(rng, params.batches * 9)
    ops[1] = np.zeros(n_bytes - 1, np.int8)
    ops[2], ops[6] = bias(rng, 6, False), np.zeros(params.batches * 6, np.int8)
    ops[3], ops[4] = requant(rng, 6 if params.per_channel else 1, False)
    ops[FC_SCRATCH] = np.zeros(0, np.uint8)
    assert check_status("fully_connected_s8", params, ops) == lib.MICRO_ERR_OPERANDS
    ops[1] = np.zeros(n_bytes, np.int8)
    assert check_status("fully_connected_s8", params, ops) == lib.MICRO_OK
    params.filter_layout = 4
    assert check_status("fully_connected_s8", params, ops) == lib.MICRO_ERR_PARAMS


def test_fully_connected_checks_the_scratch_size() -> None:
    params, ops = fully_connected_case(3)
    params.input_depth = 40
    ops[0] = int8(np.random.default_rng(0), params.batches * 40)
    ops[1] = np.zeros(params.output_depth * 40, np.int8)
    ops[FC_SCRATCH] = np.zeros(2 * 40 - 1, np.uint8)
    assert check_status("fully_connected_s8", params, ops) == lib.MICRO_ERR_OPERANDS
    ops[FC_SCRATCH] = np.zeros(2 * 40, np.uint8)
    assert check_status("fully_connected_s8", params, ops) == lib.MICRO_OK


def test_cases_cover_both_requantization_paths() -> None:
    """Guard on the generator: fast-path and general cases both occur."""
    fast = general = 0
    for seed in range(CASES):
        rng = np.random.default_rng(seed)
        mult, shift = requant(rng, 8, seed % 2 == 0)
        if bool((mult >= 1 << 30).all() and (shift <= -1).all()):
            fast += 1
        else:
            general += 1
    assert fast > CASES // 4 and general > CASES // 5


def add_case(seed: int, fast: bool = False) -> tuple[Any, list[np.ndarray]]:
    """Any broadcast layout (strides 0 or the row-major ones), tables at and inside their
    limits, requantizations of every valid shift, activation clamps. `fast`: what the DSP
    twin's 4-wide path takes (rows of two dense inputs, any length, the fast
    requantization, no clamp beyond int8's)."""
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, int(lib.MICRO_BROADCAST_RANK) + 1))
    dims = [int(d) for d in rng.integers(1, 6, rank)]
    if fast:
        rank = int(rng.integers(1, 3))
        dims = [int(d) for d in rng.integers(1, 4, rank - 1)] + [int(rng.integers(1, 70))]
    strides = []
    for _ in range(2):
        keep = rng.random(rank) < (1.0 if fast else 0.7)
        shape = [d if k else 1 for d, k in zip(dims, keep, strict=True)]
        row_major = np.cumprod([1, *shape[::-1]])[:-1][::-1]
        strides.append([int(s) if k else 0 for s, k in zip(row_major, keep, strict=True)])
    pad = [0] * (int(lib.MICRO_BROADCAST_RANK) - rank)
    limit = int(lib.MICRO_ADD_TERM_LIMIT)
    tables = []
    for _ in range(2):
        scale = int(rng.choice([1 << 10, 1 << 20, limit // 128]))
        t = (np.arange(256, dtype=np.int64) - 128) * int(rng.integers(1, scale + 1))
        t = np.roll(np.clip(t, -limit, limit), -128)  # indexed by the byte: 0..127, -128..-1
        tables.append(t.astype(np.int32))
    lo, hi = (-128, 127) if fast else activation(rng)
    # The fast path's multiplier and shift; outputs mostly inside the clamp.
    multiplier = int(rng.integers(1 << 30, 1 << 31)) if fast else int(rng.integers(0, 1 << 31))
    shift = int(rng.integers(-31, -17)) if fast else int(rng.integers(-31, 1))
    p = {
        "broadcast": {
            "rank": rank,
            "dims": dims + pad,
            "stride1": strides[0] + pad,
            "stride2": strides[1] + pad,
        },
        "output_zp": int(rng.integers(-128, 128)),
        "output_multiplier": multiplier,
        "output_shift": shift,
        "act_min": lo,
        "act_max": hi,
    }
    extent = [1 + sum((d - 1) * s for d, s in zip(dims, st, strict=True)) for st in strides]
    count = int(np.prod(dims))
    no_sums = np.zeros(0, np.int32)  # absent (tests/test_add_sums.py gives them)
    operands = [int8(rng, extent[0]), int8(rng, extent[1]), *tables, no_sums]
    return ffi.new("micro_add_s8_params_t *", p), [*operands, np.zeros(count, np.int8)]


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("seed", range(CASES))
def test_add_dsp_matches_reference(seed: int, fast: bool) -> None:
    assert_twin("add_s8", "dsp", [add_case(seed, fast)])


def _fc_model(depth: int, units: int) -> bytes:
    """One int8 FULLY_CONNECTED layer of `units` rows over `depth` inputs."""
    rng = np.random.default_rng(depth * 100 + units)
    b = ModelBuilder()
    x = b.add_tensor("x", (1, depth), np.int8, scale=0.05, zero_point=3)
    w = b.add_tensor(
        "w",
        (units, depth),
        np.int8,
        data=rng.integers(-127, 128, (units, depth), dtype=np.int8),
        scale=0.01,
    )
    bias = b.add_tensor(
        "b", (units,), np.int32, data=rng.integers(-500, 500, units, dtype=np.int32), scale=5e-4
    )
    y = b.add_tensor("y", (1, units), np.int8, scale=0.2, zero_point=-4)
    b.add_operator("FULLY_CONNECTED", [x, w, bias], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


@pytest.mark.parametrize("layout", [-1, 0, 1, 2, 3, 4, 1 << 30])
def test_fc_program_with_another_filter_layout_is_refused_or_stays_in_bounds(
    layout: int,
) -> None:
    """A Program's FULLY_CONNECTED step edited to another filter_layout (checksum re-sealed):
    out of range, or int16 groups (layout 2) the filter operand is too short for, is refused
    at load with a ProgramError, and so is row-major (0) under the lean lane's promise
    (per_channel 2: a blocked filter); an int8 layout over the longer int16 filter loads
    and runs (wrong bytes, but inside its operands: the sanitized CI build checks that)."""
    compiled = compile_model(load_model(_fc_model(12, 9)), dsp=True)
    program = compiled.program
    step = next(s for s in read_steps(program) if s.kernel == lib.MICRO_K_FULLY_CONNECTED_S8)
    params = read_header(program).data_offset + step.params
    at = params + ffi.offsetof("micro_fully_connected_s8_params_t", "filter_layout")
    assert int.from_bytes(program[at : at + 4], "little") == 2  # 9 rows: int16 groups
    lane = params + ffi.offsetof("micro_fully_connected_s8_params_t", "per_channel")
    assert int.from_bytes(program[lane : lane + 4], "little") == 2  # the lean lane
    blob = bytearray(program)
    blob[at : at + 4] = layout.to_bytes(4, "little", signed=True)
    if layout not in (1, 2, 3):  # 3 on 9 rows: no pair, layout 2's bytes
        with pytest.raises(micro.ProgramError):
            Runtime(seal(blob), compiled.arena_bytes_needed)
        return
    rt = Runtime(seal(blob), compiled.arena_bytes_needed)
    rt.invoke()


@pytest.mark.parametrize("units", [2, 10, 11])
def test_fc_program_pair_layout_runs_and_is_verified(units: int) -> None:
    """N % 4 >= 2 and K a multiple of 4: the compiler writes layout 3 (the pair of rows
    after the blocks as int16), and the Program's outputs are the host's (row-major
    reference); the step edited to layout 2 (it asks for 2 * K4 fewer filter bytes) runs
    inside its operands, and the int8 Program of the same layer (layout 1, the flash-budget
    fallback) edited to layout 3 (its int16 groups: more bytes than it holds) is refused at
    load."""
    data = _fc_model(12, units)
    compiled = compile_model(load_model(data), dsp=True)
    program = compiled.program
    step = next(s for s in read_steps(program) if s.kernel == lib.MICRO_K_FULLY_CONNECTED_S8)
    at = read_header(program).data_offset + step.params
    at += ffi.offsetof("micro_fully_connected_s8_params_t", "filter_layout")
    assert int.from_bytes(program[at : at + 4], "little") == 3
    x = np.random.default_rng(units).integers(-128, 128, (1, 12), dtype=np.int8)
    host = micro.Interpreter(compile_model(load_model(data)))
    host.set_input(x, 0)
    host.invoke()
    it = micro.Interpreter(compiled)
    it.set_input(x, 0)
    it.invoke()
    assert np.array_equal(it.get_output(0), host.get_output(0))
    blob = bytearray(program)
    blob[at : at + 4] = (2).to_bytes(4, "little")
    Runtime(seal(blob), compiled.arena_bytes_needed).invoke()
    narrow = compile_model(load_model(data), dsp=True, flash_budget=len(program) - 1)
    step = next(s for s in read_steps(narrow.program) if s.kernel == lib.MICRO_K_FULLY_CONNECTED_S8)
    at = read_header(narrow.program).data_offset + step.params
    at += ffi.offsetof("micro_fully_connected_s8_params_t", "filter_layout")
    layout = int.from_bytes(narrow.program[at : at + 4], "little")
    blob = bytearray(narrow.program)
    blob[at : at + 4] = (3).to_bytes(4, "little")
    with pytest.raises(micro.ProgramError):
        Runtime(seal(blob), narrow.arena_bytes_needed)
    assert layout == 1


def test_fc_program_with_int16_groups_on_an_int8_filter_is_refused() -> None:
    """The converse: a layout-1 step (int8 blocks, the flash-budget fallback) edited to
    layout 2 asks for N4 * K4 more filter bytes than the Program holds: refused."""
    data = _fc_model(12, 9)
    wide = compile_model(load_model(data), dsp=True)
    compiled = compile_model(load_model(data), dsp=True, flash_budget=len(wide.program) - 1)
    program = compiled.program
    step = next(s for s in read_steps(program) if s.kernel == lib.MICRO_K_FULLY_CONNECTED_S8)
    at = read_header(program).data_offset + step.params
    at += ffi.offsetof("micro_fully_connected_s8_params_t", "filter_layout")
    assert int.from_bytes(program[at : at + 4], "little") == 1
    Runtime(program, compiled.arena_bytes_needed).invoke()
    blob = bytearray(program)
    blob[at : at + 4] = (2).to_bytes(4, "little")
    with pytest.raises(micro.ProgramError):
        Runtime(seal(blob), compiled.arena_bytes_needed)


@pytest.mark.skipif(not sanitized.enabled(), reason="set MICRO_SANITIZE=1 to run the ASan build")
@pytest.mark.parametrize("layout", [0, 1, 2])
def test_fc_program_layouts_under_sanitizers(layout: int) -> None:
    """The int16-group Program (layout 2: its twin on the host is the reference reading the
    int16 groups) and the same step edited to the int8 layouts run in the ASan/UBSan
    harness without a report; layout 2 gives the host's bytes."""
    compiled = compile_model(load_model(_fc_model(13, 10)), dsp=True)
    program = compiled.program
    step = next(s for s in read_steps(program) if s.kernel == lib.MICRO_K_FULLY_CONNECTED_S8)
    at = read_header(program).data_offset + step.params
    at += ffi.offsetof("micro_fully_connected_s8_params_t", "filter_layout")
    blob = bytearray(program)
    blob[at : at + 4] = layout.to_bytes(4, "little")
    x = np.random.default_rng(1).integers(-128, 128, 13, dtype=np.int8)
    status, out, err = sanitized.run(seal(blob), compiled.arena_bytes_needed, [x.tobytes()])
    assert status == 0 and "Sanitizer" not in err and "runtime error" not in err, err
    if layout == 2:
        it = micro.Interpreter(compiled)
        it.set_input(x.reshape(1, 13), 0)
        it.invoke()
        assert out == it.get_output(0).tobytes()
