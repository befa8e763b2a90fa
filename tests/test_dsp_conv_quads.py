"""CONV_2D's filter layout 1 (quads of int16, what the compiler writes for a DSP core): the
reference kernel reads it to the bytes it gives on the row layout, and the DSP twin's
4-filter passes (portable C on the host, the asm loop on the emulated board:
tests/firmware/test_dsp_board.py) give the same, over random shapes, strides, dilations,
padding, groups, zero points, short and long patches, and both requantization paths."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import test_dsp_kernels as cases
from support.kernels import checked, run

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


def check_quads(params: Any, ops: list[np.ndarray]) -> None:
    """Reference and twin on layout 1 give the reference's bytes on layout 0, with the
    scratch and without (the twin then runs the reference)."""
    expect = run(lib.micro_conv_s8, params, ops)
    p1, ops1 = quads_case(params, ops)
    checked("conv_s8", p1, ops1)
    assert run(lib.micro_conv_s8, p1, ops1) == expect
    assert run(lib.micro_conv_s8_dsp, p1, ops1) == expect
    bare = [*ops1[: cases.CONV_SCRATCH], np.zeros(0, np.int64), *ops1[cases.CONV_SCRATCH + 1 :]]
    assert run(lib.micro_conv_s8_dsp, p1, bare) == expect


@pytest.mark.parametrize("seed", range(CASES))
def test_conv_quads_match_reference(seed: int) -> None:
    check_quads(*cases.conv_case(seed, quads=True, fast=seed % 2 == 0))


@pytest.mark.parametrize("seed", range(CASES // 5))
def test_conv_quads_pointwise_match_reference(seed: int) -> None:
    check_quads(*cases.conv_case(seed, quads=True, fast=seed % 2 == 0, pointwise=True))


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
