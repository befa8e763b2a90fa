"""The DSP depthwise twin's stride-2 path (depthwise_conv_s8_dsp_s2.h) gives the reference
kernel's bytes (the oracle): on separate buffers, with its output over its input at the
overlap rule's gap, and where the compiler writes its filter layout (the C here; the
board tests run its assembly on the emulated M4F and M7)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support.depthwise import check_depthwise, layout_case, make_case, records_fit
from support.depthwise_s2 import (
    DOMAIN_CASES,
    ZP_TAIL_CASES,
    in_requant_domain,
    requant_domain_case,
    stride2_case,
    zp_tail_case,
)
from test_overlap import _cdata_case
from test_overlap import run as run_overlapped

from micro._ffi import ffi, lib
from micro.compiler import compile_model
from micro.model import load_model

CASES = 160


@pytest.mark.parametrize("seed", range(CASES))
def test_stride2_path_matches_reference(seed: int) -> None:
    check_depthwise(*stride2_case(seed))


@pytest.mark.parametrize("i", range(ZP_TAIL_CASES))
def test_stride2_path_with_the_last_row_below_the_image(i: int) -> None:
    """Last passes of 1-4 rows whose row 2R is the padding's (its widened words input_zp's),
    separate buffers and the output over the input."""
    check_depthwise(*zp_tail_case(i))
    case = _cdata_case("depthwise_conv_s8", *layout_case(*zp_tail_case(i), 2), 0, 5)
    gap = case.gap()
    assert gap is not None
    expected = run_overlapped(lib.micro_depthwise_conv_s8, case, None)
    assert run_overlapped(lib.micro_depthwise_conv_s8_dsp, case, gap) == expected


@pytest.mark.parametrize("seed", range(0, CASES, 4))
def test_stride2_path_keeps_the_overlap_rule(seed: int) -> None:
    """Output over the input at the rule's gap (the passes' rows 1-3 staged), on filter
    layout 2 (where the compiler writes it, and a patched plan's strips of its layers), the
    same bytes as from separate buffers."""
    case = _cdata_case("depthwise_conv_s8", *layout_case(*stride2_case(seed), 2), 0, 5)
    gap = case.gap()
    assert gap is not None
    expected = run_overlapped(lib.micro_depthwise_conv_s8, case, None)
    assert run_overlapped(lib.micro_depthwise_conv_s8_dsp, case, gap) == expected
    assert run_overlapped(lib.micro_depthwise_conv_s8, case, gap) == expected


@pytest.mark.parametrize("seed", range(0, CASES, 2))
def test_stride2_records_keep_the_overlap_rule(seed: int) -> None:
    """Filter layout 3 with the output over the input at the rule's gap (passes staged:
    rows 0.. on the stack when they fit it, else the records copied with the stage's
    places), the same bytes as from separate buffers."""
    params, ops = stride2_case(seed)
    if not records_fit(params, ops):
        params, ops = zp_tail_case(seed % ZP_TAIL_CASES)
    assert records_fit(params, ops)
    case = _cdata_case("depthwise_conv_s8", *layout_case(params, ops, 3), 0, 5)
    gap = case.gap()
    assert gap is not None
    expected = run_overlapped(lib.micro_depthwise_conv_s8, case, None)
    assert run_overlapped(lib.micro_depthwise_conv_s8_dsp, case, gap) == expected
    assert run_overlapped(lib.micro_depthwise_conv_s8, case, gap) == expected


def _params(**kw: int) -> Any:
    p = {
        "batches": 1,
        "input_height": 48,
        "input_width": 48,
        "input_depth": 16,
        "depth_multiplier": 1,
        "filter_height": 3,
        "filter_width": 3,
        "output_height": 24,
        "output_width": 24,
        "stride_height": 2,
        "stride_width": 2,
        "dilation_height": 1,
        "dilation_width": 1,
        "pad_top": 0,
        "pad_left": 0,
        "input_zp": -128,
        "output_zp": -128,
        "act_min": -128,
        "act_max": 127,
        "filter_layout": 0,
    }
    p.update(kw)
    return ffi.new("micro_depthwise_conv_s8_params_t *", p)


def _map(in_h: int, in_w: int, depth: int, out_h: int, out_w: int) -> dict[str, int]:
    return {
        "input_height": in_h,
        "input_width": in_w,
        "input_depth": depth,
        "output_height": out_h,
        "output_width": out_w,
    }


@pytest.mark.parametrize(
    "kw, layout2",
    [
        ({}, True),  # vww's 24x24x16
        (_map(12, 12, 64, 6, 6), True),  # 6x6x64: was on the tap pairs
        (_map(6, 6, 128, 3, 3), True),  # 3x3x128: was on the tap pairs
        (_map(4, 4, 128, 2, 2), False),  # 2 rows: the tap pairs
        (_map(8, 6, 128, 4, 3), True),
        ({"output_height": 4, "output_width": 1}, True),
        ({"input_depth": 6}, True),  # depth not a multiple of 4: the column path
        ({"input_depth": 6, "output_height": 4}, False),  # ... only from 8 rows
        ({"input_depth": 2, "depth_multiplier": 2, "output_height": 4}, False),
        ({"dilation_height": 2, "output_height": 4}, False),
        # person_detect's first layer: one input channel, multiplier 8
        ({**_map(96, 96, 1, 48, 48), "depth_multiplier": 8}, True),
        ({**_map(96, 96, 1, 48, 48), "depth_multiplier": 6}, False),
    ],
)
def test_compiler_writes_layout_2_where_the_path_runs(kw: dict[str, int], layout2: bool) -> None:
    assert bool(lib.micro_depthwise_conv_s8_dsp_cols(_params(**kw))) == layout2


@pytest.mark.parametrize("i", range(DOMAIN_CASES))
def test_path_takes_exactly_its_requantization_domain(i: int) -> None:
    """The path function gives the stride-2 path's bit iff every channel's multiplier is in
    [2^30, 2^31) and its shift in [-31, -1] (vww's 3x3x128 map on layout 2; the board test
    runs the same cases through the assembly's check)."""
    channels, mult, m, s = requant_domain_case(i)
    p = _params(**_map(6, 6, channels, 3, 3), depth_multiplier=mult, filter_layout=2, input_zp=-3)
    filt = np.zeros(4, np.int32)  # word-aligned; the path function reads no weight
    path = lib.micro_depthwise_conv_s8_dsp_path(
        p,
        ffi.cast("const int8_t *", ffi.from_buffer(filt)),
        ffi.cast("const int32_t *", ffi.from_buffer(m)),
        ffi.cast("const int32_t *", ffi.from_buffer(s)),
    )
    assert bool(path & lib.MICRO_PATH_DW_S2) == in_requant_domain(m, s)


def test_one_layer_of_every_row_count() -> None:
    """1 to 9 output rows of one layer (passes of 4 and last passes of 1, 2, 3), an odd
    and an even input, the extreme sums."""
    rng = np.random.default_rng(5)
    for rows in range(1, 10):
        for extra in (0, 1):
            p = {
                "batches": 1,
                "input_height": 2 * rows + extra,
                "input_width": 17 + extra,
                "input_depth": 8,
                "depth_multiplier": 1,
                "filter_height": 3,
                "filter_width": 3,
                "output_height": rows,
                "output_width": 8 + extra,
                "stride_height": 2,
                "stride_width": 2,
                "dilation_height": 1,
                "dilation_width": 1,
                "pad_top": 1 - extra,
                "pad_left": 1 - extra,
                "input_zp": int(rng.integers(-128, 128)),
                "output_zp": int(rng.integers(-128, 128)),
            }
            params, ops = make_case(rng, p, True)
            ops[0][:] = rng.choice(np.array([-128, 127], np.int8), ops[0].size)
            check_depthwise(params, ops)


def test_person_detect_first_layer_and_vww_take_the_path(reference: Callable[[str], Path]) -> None:
    """Compiled for a DSP core, person_detect's first layer (one input channel, multiplier 8,
    stride 2) runs as a convolution on the conv twin's row loop (filter layout 2), which
    beats this path there, and vww's stride-2 layers (3 rows or more, one strip) get layout
    3, the path's records (the boards' parity tests run both models against TFLM)."""
    data = reference("tflm/person_detection/person_detect.tflite").read_bytes()
    compiled = compile_model(load_model(data), dsp=True)
    first = compiled.steps[0]
    assert first.kernel == "conv_s8" and first.params["filter_layout"] == 2
    assert compile_model(load_model(data)).steps[0].kernel == "conv_s8"  # the host's
    vww = reference("mlperf_tiny/vww_96_int8.tflite").read_bytes()
    strided = [
        (s.params["output_height"], s.params["filter_layout"])
        for s in compile_model(load_model(vww), dsp=True).steps
        if s.kernel == "depthwise_conv_s8" and s.params["stride_height"] == 2
    ]
    assert strided == [(24, 3), (12, 3), (6, 3), (3, 3)]


def _blocks_passes(case: Any) -> set[tuple[int, bool]]:
    """The (rows, row 2R below the image) of each pass of a case that s2_blocks runs (4
    input channels a block, multiplier 1, one strip of up to 24 output columns, the
    path's requantization), none otherwise."""
    params, ops = case
    p = params[0]
    on_path = (
        p.stride_height == p.stride_width == 2
        and p.depth_multiplier == 1
        and p.input_depth % 4 == 0
        and p.output_width <= 24
        and p.act_min == -128
        and p.act_max == 127
        and bool(np.all(ops[3] >= 1 << 30))
        and bool(np.all((ops[4] <= -1) & (ops[4] >= -31)))
    )
    if not on_path:
        return set()
    passes = set()
    for oy in range(0, p.output_height, 4):
        rows = min(4, p.output_height - oy)
        last = 2 * oy - p.pad_top + 2 * rows
        passes.add((rows, not 0 <= last < p.input_height))
    return passes


def test_board_cases_take_every_widening_plan() -> None:
    """The board tests' cases (the first 48 and the zp-tail ones) give s2_blocks passes of
    1-4 rows with row 2R read and with it below the image (s2_plan's 8 plans, the tail
    loops of 1 and 2 rows that step dp in their loads), and layers that read the zp row
    and that never read it (s2_zp_row writes it for the former only)."""
    cases = [stride2_case(seed) for seed in range(48)]
    cases += [zp_tail_case(i) for i in range(ZP_TAIL_CASES)]
    seen: set[tuple[int, bool]] = set()
    for case in cases:
        seen |= _blocks_passes(case)
    assert seen == {(r, t) for r in range(1, 5) for t in (False, True)}
    # the zp row read: the top padding, or a row below the image other than a tail's 2R
    reads = set()
    for case in cases:
        p = case[0][0]
        if _blocks_passes(case):
            oy = (p.output_height - 1) // 4 * 4
            last = 2 * oy - p.pad_top + 2 * (p.output_height - oy)
            reads.add(p.pad_top > 0 or last - (last >= p.input_height) >= p.input_height)
    assert reads == {False, True}
