"""A 1x1 convolution of a 1x1 image (a classifier's head: person_detect's 256 -> 2 after its
average pool) on the DSP twin's short path (conv_head_dsp.h: filter layout 0, the fast
requantization, the dots straight from the int8 pixel and rows). Over random heads it gives
the reference kernel's bytes on the host (the portable C; the asm build on the emulated
boards: tests/firmware/test_dsp_board.py), and the path function names it where it runs."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import test_dsp_kernels as cases
from support.kernels import assert_twin
from test_dsp_conv_quads import quads_case
from test_overlap import _cdata_case
from test_overlap import run as run_overlapped

from micro._ffi import ffi, lib
from micro.ops.conv import first_rows_fast

CASES = 120


def head_case(seed: int, small: bool = False) -> tuple[Any, list[np.ndarray]]:
    """A head: K of 1-600 (every residue mod 8, 256 as person_detect's), O of 1-300 (2 and
    3 often, odd counts: a lone last channel), batches 1-3, strides and dilations of 1-2
    (a 1x1 window reads the one pixel whatever they are), input and output zero points
    anywhere; two thirds on the fast requantization (zero scales among it), the rest any
    shift and clamp; a third per-tensor. `small`: a board's sizes."""
    rng = np.random.default_rng(seed)
    k = int(rng.choice([rng.integers(1, 17), rng.integers(17, 601 if not small else 300), 256]))
    out = int(rng.choice([2, 3, rng.integers(1, 9), rng.integers(1, 301 if not small else 40)]))
    p: dict[str, int] = {
        "batches": int(rng.integers(1, 4)),
        "input_height": 1,
        "input_width": 1,
        "input_depth": k,
        "filter_height": 1,
        "filter_width": 1,
        "filter_depth": k,
        "output_height": 1,
        "output_width": 1,
        "output_depth": out,
        "groups": 1,
        "stride_height": int(rng.integers(1, 3)),
        "stride_width": int(rng.integers(1, 3)),
        "dilation_height": int(rng.integers(1, 3)),
        "dilation_width": int(rng.integers(1, 3)),
        "pad_top": 0,
        "pad_left": 0,
        "input_zp": int(rng.integers(-128, 128)),
        "output_zp": int(rng.integers(-128, 128)),
        "filter_layout": 0,
    }
    params, ops = cases.conv_data(rng, p, fast=seed % 3 != 0, per_tensor=0.3)
    return params, ops


def shaped_head_case(
    seed: int, k: int, out: int, batches: int, fast: bool = True
) -> tuple[Any, list[np.ndarray]]:
    """A head of K = k, O = out on `batches` pixels, on the fast requantization or not."""
    p = params_dict(head_case(seed)[0])
    p.update(batches=batches, input_depth=k, filter_depth=k, output_depth=out, filter_layout=0)
    return cases.conv_data(np.random.default_rng(seed), p, fast)


# The boards' heads (tests/firmware/test_dsp_board.py), K, O and batches: person_detect's,
# a third channel, pixels off word alignment (K odd, 3 batches: the loads' unaligned loop),
# K under a group of 8, the widest K, a short last group.
BOARD_HEADS = [(256, 2, 1), (256, 3, 2), (37, 5, 3), (7, 1, 2), (600, 6, 1), (101, 2, 3)]


def board_head_case(k: int) -> tuple[Any, list[np.ndarray]]:
    depth, out, batches = BOARD_HEADS[k]
    return shaped_head_case(40 + k, depth, out, batches)


def test_board_heads_take_the_path() -> None:
    """The boards' heads are what the short path runs."""
    for k in range(len(BOARD_HEADS)):
        params, ops = board_head_case(k)
        assert path_of(params, ops) == int(lib.MICRO_PATH_CONV_PAIRS)
        assert_twin("conv_s8", "dsp", [(params, ops)])


def params_dict(params: Any) -> dict[str, int]:
    return {f: int(getattr(params, f)) for f, _ in ffi.typeof("micro_conv_s8_params_t").fields}


def path_of(params: Any, ops: list[np.ndarray], scratch: bool = True) -> int:
    filt = ffi.cast("int8_t *", ffi.from_buffer(ops[1]))
    mult = ffi.cast("int32_t *", ffi.from_buffer(ops[3]))
    shift = ffi.cast("int32_t *", ffi.from_buffer(ops[4]))
    room = ffi.cast("int16_t *", ffi.from_buffer(ops[cases.CONV_SCRATCH])) if scratch else ffi.NULL
    return int(lib.micro_conv_s8_dsp_path(params, filt, mult, shift, room))


def without_scratch(ops: list[np.ndarray]) -> list[np.ndarray]:
    bare = list(ops)
    bare[cases.CONV_SCRATCH] = np.zeros(0, np.int64)
    return bare


@pytest.mark.parametrize("seed", range(CASES))
def test_conv_head_matches_reference(seed: int) -> None:
    params, ops = head_case(seed)
    assert_twin("conv_s8", "dsp", [(params, ops), (params, without_scratch(ops))])
    fast = first_rows_fast(params_dict(params), ops[3], ops[4])  # the same rule
    pairs = int(lib.MICRO_PATH_CONV_PAIRS)
    # with or without a scratch: the head's path is the pairs' bit, on the fast rule only
    for scratch in (True, False):
        assert path_of(params, ops, scratch) == pairs if fast else path_of(params, ops) != pairs
    if params.output_depth % 4 == 0:  # the compiler writes quads there: the pointwise path
        p1, ops1 = quads_case(params, ops)
        assert_twin("conv_s8", "dsp", [(p1, ops1)])


@pytest.mark.parametrize("k, out", [(256, 2), (256, 3), (1, 1), (7, 5), (600, 300), (9, 2)])
def test_conv_head_shapes(k: int, out: int) -> None:
    """person_detect's head and edges of K and O, both requantizations, 1 and 3 batches."""
    for fast in (True, False):
        for batches in (1, 3):
            p = params_dict(head_case(0)[0])
            p.update(batches=batches, input_depth=k, filter_depth=k, output_depth=out)
            p.update(filter_layout=0)
            params, ops = cases.conv_data(np.random.default_rng(k * out + fast), p, fast)
            assert_twin("conv_s8", "dsp", [(params, ops)])
            on = first_rows_fast(params_dict(params), ops[3], ops[4])  # fast, or by chance
            assert (path_of(params, ops) == int(lib.MICRO_PATH_CONV_PAIRS)) == on
            assert on or not fast


def test_conv_head_extremes() -> None:
    """Sums at int32's ends (filters and inputs of -128, biases near the limits: the sums
    wrap as the reference's do) and the fast rule's multiplier and shift ends."""
    for j, (m, s) in enumerate([(1 << 30, -1), ((1 << 31) - 1, -31), (0, 5), (1 << 30, -31)]):
        p = params_dict(head_case(1)[0])
        p.update(batches=2, input_depth=600, filter_depth=600, output_depth=3, filter_layout=0)
        params, ops = cases.conv_data(np.random.default_rng(j), p, True)
        ops[0][:] = -128
        ops[1][:] = -128
        ops[1].reshape(3, -1)[:, 600:] = 0  # the rows' padding stays zero
        ops[2][:] = [(1 << 31) - 1, -(1 << 31), 12345]
        ops[3][:] = m
        ops[4][:] = s
        assert_twin("conv_s8", "dsp", [(params, ops)])
        assert path_of(params, ops) == int(lib.MICRO_PATH_CONV_PAIRS)


@pytest.mark.parametrize("out", [2, 3, 40])
def test_conv_head_keeps_the_overlap_rule(out: int) -> None:
    """Three batches with the output over the input at the rule's gap."""
    p = params_dict(head_case(2)[0])
    p.update(batches=3, input_depth=256, filter_depth=256, output_depth=out, filter_layout=0)
    layer = cases.conv_data(np.random.default_rng(out), p, True)
    case = _cdata_case("conv_s8", *layer, 0, 6)
    gap = case.gap()
    assert gap is not None
    assert run_overlapped(lib.micro_conv_s8_dsp, case, gap) == run_overlapped(
        lib.micro_conv_s8, case, None
    )
