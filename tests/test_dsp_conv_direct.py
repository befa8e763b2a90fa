"""CONV_2D's DSP twin on filter layout 1 without the scratch (the smallest arena's plan
drops it): the direct loop (csrc/kernels/conv_direct_dsp.h: window rows read from the image,
or copied with input_zp past its borders) gives the reference kernel's bytes on the row
layout, over random shapes with window rows of whole 4-value groups (FW * I a multiple of
4), windows past every border, strides, row dilations, groups, zero points and both
requantizations; layouts it does not take still give the reference's bytes (it runs the
reference kernel). On the emulated boards: tests/firmware/test_dsp_board.py."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import test_dsp_kernels as cases
from support.kernels import checked, run
from test_dsp_conv_quads import quads_case

from micro._ffi import ffi, kernel_predicate, lib

CASES = 100


def direct_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """A conv the direct loop takes: FW * I a multiple of 4 up to 256 bytes, dilation_width
    1, filters per group a multiple of 4; the output often larger than the image (windows
    past the bottom and right borders) and padding at the top and left."""
    rng = np.random.default_rng(seed)
    groups = int(rng.choice([1, 1, 1, 2, 3]))
    fw, depth = [(3, 4), (3, 8), (3, 16), (1, 4), (1, 32), (4, 1), (2, 2), (5, 12), (8, 32)][
        seed % 9
    ]
    fh = int(rng.integers(1, 5))
    p: dict[str, int] = {
        "batches": int(rng.integers(1, 3)),
        "input_height": int(rng.integers(1, 10)),
        "input_width": int(rng.integers(1, 10)),
        "input_depth": groups * depth,
        "filter_height": fh,
        "filter_width": fw,
        "filter_depth": depth,
        "output_height": int(rng.integers(1, 8)),
        "output_width": int(rng.integers(1, 8)),
        "output_depth": groups * 4 * int(rng.integers(1, 5)),
        "groups": groups,
        "stride_height": int(rng.integers(1, 3)),
        "stride_width": int(rng.integers(1, 3)),
        "dilation_height": int(rng.choice([1, 1, 2])),
        "dilation_width": 1,
        "pad_top": int(rng.integers(0, fh)),
        "pad_left": int(rng.integers(0, fw)),
        "input_zp": int(rng.integers(-128, 128)),
        "output_zp": int(rng.integers(-128, 128)),
        "filter_layout": 0,
    }
    return cases.conv_data(rng, p, fast=seed % 2 == 0)


def without_scratch(ops: list[np.ndarray]) -> list[np.ndarray]:
    return [*ops[: cases.CONV_SCRATCH], np.zeros(0, np.int64), *ops[cases.CONV_SCRATCH + 1 :]]


def check_direct(params: Any, ops: list[np.ndarray], takes: bool) -> None:
    """The twin on layout 1 with no scratch gives the reference's bytes on layout 0, and
    the predicate the compiler asks says whether the direct loop ran."""
    expect = run(lib.micro_conv_s8, params, ops)
    p1, ops1 = quads_case(params, ops)
    bare = without_scratch(ops1)
    checked("conv_s8", p1, bare)
    fields = {name: getattr(p1, name) for name, _ in ffi.typeof(p1[0]).fields}
    assert kernel_predicate("conv_s8", "dsp_direct", fields) == takes
    assert run(lib.micro_conv_s8_dsp, p1, bare) == expect


@pytest.mark.parametrize("seed", range(CASES))
def test_conv_direct_matches_reference(seed: int) -> None:
    check_direct(*direct_case(seed), takes=True)


@pytest.mark.parametrize("seed", range(CASES // 4))
def test_conv_without_scratch_outside_the_direct_loop_matches_reference(seed: int) -> None:
    """Quads cases of any shape: those the direct loop does not take (dilated columns,
    window rows not of whole groups or over 256 bytes) run the reference kernel."""
    params, ops = cases.conv_case(seed, quads=True, fast=seed % 2 == 0)
    row = params.filter_width * params.filter_depth
    takes = params.dilation_width == 1 and row % 4 == 0 and row <= 256
    check_direct(params, ops, takes)


@pytest.mark.parametrize(("fw", "depth", "takes"), [(8, 32, True), (4, 65, False), (1, 260, False)])
def test_conv_direct_row_limit(fw: int, depth: int, takes: bool) -> None:
    """The direct loop copies at most a 256-byte window row per pixel onto the stack."""
    params, _ = direct_case(8)
    p = {name: getattr(params, name) for name, _ in ffi.typeof(params[0]).fields}
    p.update(filter_width=fw, filter_depth=depth, input_depth=depth, groups=1)
    p.update(output_depth=4, output_height=2, output_width=2, pad_left=0)
    p.update(dilation_width=1)
    rng = np.random.default_rng(fw * depth)
    check_direct(*cases.conv_data(rng, p, fast=False), takes=takes)
