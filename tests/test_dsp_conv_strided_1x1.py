"""1x1 convolutions the pointwise path cannot read straight from the image (strides of 2
and 3, or an output covering only part of the input): the DSP twin copies runs of their
pixels side by side and runs the pointwise loops on them (conv_pointwise_strided_dsp.h).
Over random shapes it gives the reference kernel's bytes, on the host (the portable C)
and on the emulated boards (tests/firmware/test_dsp_board.py: the asm loops)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import test_dsp_kernels as cases
from support.kernels import assert_twin
from support.pointwise import pointwise_geometry
from test_dsp_conv_quads import check_quads, quads_case

from micro._ffi import ffi, lib
from micro.ops.conv import first_rows_fast

CASES = 80


def strided_case(seed: int, small: bool = False) -> tuple[Any, list[np.ndarray]]:
    """A 1x1 layer: strides 1-3 each (never both 1 over the whole image), odd and even
    sizes, the output the whole strided image (SAME and VALID agree for 1x1) or cropped;
    one in eight padded (the other paths'); K of 1-100 (every residue mod 4, 16 and 32 as
    ResNet's shortcuts); channels mostly quads, some not (layout 0), some whose constants
    leave too little room for a pair of pixels, or past 256; batches 1-3; two thirds on the
    fast requantization (zero scales among it), the rest any shift and clamp; a third
    per-tensor. `small`: a board's sizes."""
    rng = np.random.default_rng(seed)
    k = int(rng.choice([rng.integers(1, 37), rng.integers(37, 101), 16, 32, 16, 32]))
    out = 4 * int(rng.integers(1, 12 if small else 40))
    if rng.random() < 0.1:
        out = int(rng.choice([248, 252, 256, 260]))
    elif rng.random() < 0.1:
        out += int(rng.integers(1, 4))
    sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    if sh == sw == 1:
        sh = 2
    side = 9 if small else 17
    ih, iw = int(rng.integers(1, side)), int(rng.integers(1, side))
    top = left = 0
    if rng.random() < 0.125:
        top, left = int(rng.integers(0, 2)), int(rng.integers(0, 2))
    oh, ow = (ih + top - 1) // sh + 1, (iw + left - 1) // sw + 1
    if rng.random() < 0.2:  # cropped: the last rows or columns unread
        oh, ow = int(rng.integers(1, oh + 1)), int(rng.integers(1, ow + 1))
    batches = int(rng.integers(1, 3 if small else 4))
    dilations = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    zps = (int(rng.integers(-128, 128)), int(rng.integers(-128, 128)))
    p = pointwise_geometry(
        batches, (ih, iw), k, (oh, ow), out, zps, (sh, sw), dilations, (top, left)
    )
    params, ops = cases.conv_data(rng, p, fast=seed % 3 != 0, per_tensor=0.3)
    return params, ops


def params_dict(params: Any) -> dict[str, int]:
    return {f: int(getattr(params, f)) for f, _ in ffi.typeof("micro_conv_s8_params_t").fields}


def strided_path(params: Any, ops: list[np.ndarray]) -> int:
    """The path the twin takes on the case in layout 1."""
    p1, ops1 = quads_case(params, ops)
    filt = ffi.cast("int8_t *", ffi.from_buffer(ops1[1]))
    mult = ffi.cast("int32_t *", ffi.from_buffer(ops1[3]))
    shift = ffi.cast("int32_t *", ffi.from_buffer(ops1[4]))
    scratch = ffi.cast("int16_t *", ffi.from_buffer(ops1[cases.CONV_SCRATCH]))
    return int(lib.micro_conv_s8_dsp_path(p1, filt, mult, shift, scratch))


def takes_strided(params: Any) -> bool:
    """Whether the strided pointwise loop should run the case (fast requantization aside):
    no padding, quads, every pixel read inside the image, room for a pair past the
    constants (256 of 12 bytes)."""
    return (
        params.pad_top == 0
        and params.pad_left == 0
        and params.output_depth % 4 == 0
        and (params.output_height - 1) * params.stride_height < params.input_height
        and (params.output_width - 1) * params.stride_width < params.input_width
        and (256 - params.output_depth) * 12 >= 2 * params.input_depth + 4
    )


@pytest.mark.parametrize("seed", range(CASES))
def test_conv_strided_1x1_matches_reference(seed: int) -> None:
    params, ops = strided_case(seed)
    assert_twin("conv_s8", "dsp", [(params, ops)])
    if params.output_depth % 4 == 0:
        check_quads(params, ops)
        fast = first_rows_fast(params_dict(params), ops[3], ops[4])  # the same rule
        on = strided_path(params, ops) & int(lib.MICRO_PATH_CONV_POINTWISE) != 0
        assert on == (fast and takes_strided(params))


@pytest.mark.parametrize("k", [16, 32])
@pytest.mark.parametrize("side", [32, 16, 15])
def test_conv_strided_resnet_shortcuts(k: int, side: int) -> None:
    """ResNet-8's shortcuts (1x1 stride 2, K = 16 to 32 and 32 to 64 channels; odd sides:
    a lone last pixel) across several runs of the buffer, both requantizations."""
    for fast in (True, False):
        rng = np.random.default_rng(side * k + fast)
        out = 2 * k
        zps = (int(rng.integers(-128, 128)), int(rng.integers(-128, 128)))
        half = (side + 1) // 2
        p = pointwise_geometry(1, (side, side), k, (half, half), out, zps, (2, 2))
        params, ops = cases.conv_data(rng, p, fast=fast)
        check_quads(params, ops)
        on = strided_path(params, ops) & int(lib.MICRO_PATH_CONV_POINTWISE) != 0
        assert on == first_rows_fast(params_dict(params), ops[3], ops[4])
