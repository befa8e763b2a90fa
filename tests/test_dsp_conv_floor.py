"""CONV_2D's filter layout 4 (conv_s8.h): layout 1's quads then per channel a floor record
{bias', m, c} with which the DSP twin's K = 8 pointwise runs (conv_pointwise8_dsp.h)
requantize by one SMMLAR and SSAT. The compiler's search (micro/ops/_conv_floor.py) against
the reference requantization over every live accumulator; the reference kernel and the twin
(portable C here, the asm on the boards: tests/firmware/test_dsp_board.py) on layout 4 give
layout 0's bytes; the load check refuses records that would not."""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import pytest
import test_dsp_kernels as cases
from support import sanitized
from support.kernels import checked, run
from support.oracle import random_inputs
from support.programs import hostile_programs
from test_dsp_conv_quads import shaped_pointwise_case
from test_dsp_conv_strided_1x1 import strided_case
from test_op_depthwise_conv import assert_invoke_matches_tflm

import micro
from micro._ffi import ffi, lib
from micro.compiler import compile_model
from micro.fixedpoint import requantize
from micro.interpreter import Runtime
from micro.model import load_model
from micro.ops._conv_floor import floor_form, floor_output, layer_forms, steps_agree
from micro.ops.conv import floor_pointwise, floor_records, quads
from micro.program import read_header, read_steps, seal


def live_range(multiplier: int, shift: int, zp: int) -> np.ndarray:
    """The accumulators whose output is not clamped, one step either side (independent of
    the search: from the real multiplier)."""
    real = multiplier * 2.0 ** (shift - 31)
    lo = int(np.floor((-128 - zp - 2) / real))
    hi = int(np.ceil((127 - zp + 2) / real))
    return np.arange(max(lo, -(1 << 31)), min(hi, (1 << 31) - 1) + 1, dtype=np.int64)


def tflm(acc: np.ndarray, multiplier: int, shift: int, zp: int) -> np.ndarray:
    return np.clip(requantize(acc, multiplier, shift) + zp, -128, 127)


@pytest.mark.parametrize("seed", range(40))
def test_floor_form_exact_over_every_live_accumulator(seed: int) -> None:
    """Where the search finds a form it is exact over the whole live range (and at the int32
    ends, clamped); per-tensor layers' typical multipliers and extreme ones. Where it finds
    none, the plain candidate (m the real multiplier * 2^32, c = output_zp) fails too."""
    rng = np.random.default_rng(seed)
    mult = int(rng.integers(1 << 30, 1 << 31))
    shift = int(rng.integers(-14, 0)) if seed % 4 else int(rng.choice([-1, -2, -20]))
    zp = -128 if seed % 4 else int(rng.integers(-128, 128))  # -128: the forms' usual case
    form = floor_form(mult, shift, zp)
    if form is None:
        assert not any(
            steps_agree(mult, shift, zp, m, c, b)
            for m, c, b in [(round(mult * 2.0 ** (shift + 1)), zp, 0)]
        )
        return
    acc = live_range(mult, shift, zp)
    edges = np.array([-(1 << 31), -(1 << 31) + 1, (1 << 31) - 2, (1 << 31) - 1], np.int64)
    for a in (acc, edges):
        assert np.array_equal(floor_output(a, *form), tflm(a, mult, shift, zp))


def test_floor_form_found_for_most_channels() -> None:
    """Most channels of realistic multipliers have a form (the kernel's gain); those without
    are told apart (None), never given a wrong one."""
    rng = np.random.default_rng(5)
    mult = rng.integers(1 << 30, 1 << 31, 64)
    shift = rng.integers(-10, -4, 64)
    forms = layer_forms(mult, shift, -128)
    assert sum(f is not None for f in forms) >= 32
    for m, s, f in zip(mult.tolist(), shift.tolist(), forms, strict=True):
        if f is not None:
            acc = live_range(m, s, -128)
            assert np.array_equal(floor_output(acc, *f), tflm(acc, m, s, -128))


def test_no_form_without_a_right_shift_or_positive_multiplier() -> None:
    assert floor_form(0, -3, 0) is None
    assert floor_form(1 << 30, 1, 0) is None
    assert not steps_agree(1 << 30, -3, 0, 0, 0, 0)


def with_forms(seed: int, params: Any, ops: list[np.ndarray]) -> tuple[Any, list[np.ndarray]]:
    """A case on the fast requantization made one whose every channel has a floor form:
    output zero point -128, biases under 2^24 (with K * 2^14 inside int32), right shifts of
    4-10, multipliers without a form redrawn; one in three per-tensor."""
    rng = np.random.default_rng(seed)
    out = params.output_depth
    # output_zp -128 (after a ReLU): the live sums are then of one sign, where TFLM's two
    # roundings can be one floor; with any other zero point they cross 0 and seldom can.
    params.output_zp = -128
    ops[2][:] = rng.integers(-(1 << 24), 1 << 24, out)
    ops[3][:] = rng.integers(1 << 30, 1 << 31, out)
    ops[4][:] = rng.integers(-10, -3, out)
    if seed % 3 == 0:
        ops[3][:] = ops[3][0]
        ops[4][:] = ops[4][0]
    for _ in range(50):
        forms = layer_forms(ops[3].astype(np.int64), ops[4].astype(np.int64), params.output_zp)
        missing = [o for o, f in enumerate(forms) if f is None]
        if not missing:
            break
        if seed % 3 == 0:
            ops[3][:] = rng.integers(1 << 30, 1 << 31)
        else:
            ops[3][missing] = rng.integers(1 << 30, 1 << 31, len(missing))
    return params, ops


def floor_layer(
    seed: int, out: int, pixels: int, batches: int = 1, k: int = 8
) -> tuple[Any, list[np.ndarray]]:
    """A pointwise layer of K = k (8: the runs; 13-16: the G = 4 loop), `out` channels, every
    one with a floor form (with_forms)."""
    return with_forms(seed, *shaped_pointwise_case(seed, k, out, pixels, batches, fast=True))


def strided_floor_layer(seed: int, k: int = 16) -> tuple[Any, list[np.ndarray]]:
    """A strided or cropped 1x1 layer of K = k (strided_case's geometry, no padding, whole
    quads of channels), every channel with a floor form: the copied pixels' G = 4 loop."""
    rng = np.random.default_rng(seed)
    p = params_dict(strided_case(seed, small=True)[0])
    p.update(input_depth=k, filter_depth=k, pad_top=0, pad_left=0, filter_layout=0)
    p.update(output_depth=4 * int(rng.integers(1, 12)))
    p["output_height"] = min(p["output_height"], (p["input_height"] - 1) // p["stride_height"] + 1)
    p["output_width"] = min(p["output_width"], (p["input_width"] - 1) // p["stride_width"] + 1)
    return with_forms(seed, *cases.conv_data(rng, p, fast=True))


def params_dict(params: Any) -> dict[str, int]:
    return {f: getattr(params, f) for f, _ in ffi.typeof("micro_conv_s8_params_t").fields}


def floor_case(params: Any, ops: list[np.ndarray]) -> tuple[Any, list[np.ndarray]]:
    """The case in layout 4, as the compiler writes it (floor_records)."""
    p = params_dict(params)
    k = params.filter_depth
    records = floor_records(p, ops[2].astype(np.int64), ops[3], ops[4])
    assert records is not None
    rows = ops[1].reshape(params.output_depth, -1)[:, :k]
    p3 = ffi.new("micro_conv_s8_params_t *", p)
    p3.filter_layout = 4
    data = np.concatenate([quads(rows).reshape(-1), records.view("<i2")])
    return p3, [ops[0], np.frombuffer(data.tobytes(), np.int8).copy(), *ops[2:]]


def check_floor(params: Any, ops: list[np.ndarray]) -> None:
    """Reference (layout 0 and 4) and twin (layout 4) give the same bytes."""
    expect = run(lib.micro_conv_s8, params, ops)
    p3, ops3 = floor_case(params, ops)
    checked("conv_s8", p3, ops3)
    assert run(lib.micro_conv_s8, p3, ops3) == expect
    assert run(lib.micro_conv_s8_dsp, p3, ops3) == expect


SHAPES = [(1, 1), (7, 1), (8, 1), (17, 1), (160, 1), (161, 1), (171, 2)]


@pytest.mark.parametrize("out", [16, 32])
@pytest.mark.parametrize("shape", range(len(SHAPES)))
def test_floor_runs_match_reference(out: int, shape: int) -> None:
    pixels, batches = SHAPES[shape]
    check_floor(*floor_layer(100 * out + shape, out, pixels, batches))


@pytest.mark.parametrize("k", [13, 14, 15, 16])
@pytest.mark.parametrize("shape", range(4))
def test_floor_g4_loop_matches_reference(k: int, shape: int) -> None:
    """K of 13-16 (4 groups): pairs of pixels, a lone one, one and two quads a turn (odd
    and even quad counts), past 256 channels in blocks."""
    out, pixels, batches = [(16, 9, 1), (36, 7, 2), (32, 1, 1), (264, 5, 1)][shape]
    check_floor(*floor_layer(1000 * k + shape, out, pixels, batches, k))


@pytest.mark.parametrize("seed", range(20))
def test_floor_strided_matches_reference(seed: int) -> None:
    """Strided and cropped 1x1 layers of K = 16 (ResNet's shortcuts): pixels copied into the
    pointwise table, then the G = 4 loop by the records."""
    check_floor(*strided_floor_layer(seed, 16 if seed % 4 else 14))


@pytest.mark.parametrize("seed", range(12))
def test_floor_extreme_inputs_and_biases(seed: int) -> None:
    """Inputs and weights at the int8 ends and large biases: sums at the clamps and
    between, every output level reached."""
    params, ops = floor_layer(500 + seed, 16 if seed % 2 else 32, 40, 1, 16 if seed % 3 else 8)
    rng = np.random.default_rng(seed)
    ops[0][:] = rng.choice([-128, 127, 0, -1], ops[0].size)
    ops[1][:] = np.where(ops[1] != 0, rng.choice([-128, 127], ops[1].size), 0).astype(np.int8)
    ops[2][:] = rng.integers(-(1 << 20), 1 << 20, ops[2].size)
    check_floor(params, ops)


def test_records_only_where_every_channel_has_a_form() -> None:
    """One channel without a form: no records (layout 1, the other requantization); the
    form's layers only (K = 8, 16 or 32 channels, 1x1 stride 1), the int8 clamp only."""
    params, ops = floor_layer(7, 16, 9)
    p = params_dict(params)
    assert floor_records(p, ops[2].astype(np.int64), ops[3], ops[4]) is not None
    mult = ops[3].copy()
    mult[5] = 0  # a zero scale has no form
    assert floor_records(p, ops[2].astype(np.int64), mult, ops[4]) is None
    assert not floor_pointwise({**p, "output_depth": 20})
    assert not floor_pointwise({**p, "input_depth": 24, "filter_depth": 24})
    assert floor_pointwise({**p, "input_depth": 16, "filter_depth": 16, "output_depth": 20})
    assert floor_records({**p, "act_max": 100}, ops[2].astype(np.int64), ops[3], ops[4]) is None
    # across 0 (output_zp -100): the two roundings are not one floor for these channels
    assert floor_records({**p, "output_zp": -100}, ops[2].astype(np.int64), ops[3], ops[4]) is None


def record_bytes(ops3: list[np.ndarray], quad_bytes: int) -> np.ndarray:
    return ops3[1][quad_bytes:]


@pytest.mark.parametrize("seed", range(6))
def test_load_check_refuses_corrupted_records(seed: int) -> None:
    """Any bit of a record flipped: the load check refuses it, or (a record that still
    proves exact) the twin's bytes are still the reference's."""
    params, ops = floor_layer(900 + seed, 16, 12)
    expect = run(lib.micro_conv_s8, params, ops)
    p3, ops3 = floor_case(params, ops)
    quad_bytes = params.output_depth * 2 * 8
    rng = np.random.default_rng(seed)
    refused = 0
    for bit in rng.choice(params.output_depth * 12 * 8, 48, replace=False).tolist():
        bad = [*ops3]
        bad[1] = ops3[1].copy()
        bad[1][quad_bytes + bit // 8] ^= np.int8(-128 if bit % 8 == 7 else 1 << (bit % 8))
        if cases.check_status("conv_s8", p3, bad) != lib.MICRO_OK:
            refused += 1
            continue
        assert run(lib.micro_conv_s8_dsp, p3, bad) == expect
    assert refused >= 40


def test_load_check_refuses_records_against_other_operands() -> None:
    """The records match the bias, requantization and clamp they were made for: another
    bias, multiplier, zero point or clamp, a short filter, refused."""
    params, ops = floor_layer(31, 32, 5)
    p3, ops3 = floor_case(params, ops)
    checked("conv_s8", p3, ops3)
    for i, delta in ((2, 1 << 16), (3, 1 << 20)):
        bad = [*ops3]
        bad[i] = ops3[i].copy()
        bad[i][3] += delta
        assert cases.check_status("conv_s8", p3, bad) == lib.MICRO_ERR_PARAMS
    for field, value in (("output_zp", params.output_zp ^ 1), ("act_min", -127)):
        p = params_dict(p3)
        p[field] = value
        assert cases.check_status("conv_s8", ffi.new("micro_conv_s8_params_t *", p), ops3) != (
            lib.MICRO_OK
        )
    short = [*ops3]
    short[1] = ops3[1][:-4].copy()
    assert cases.check_status("conv_s8", p3, short) == lib.MICRO_ERR_OPERANDS
    p = params_dict(p3)
    p["filter_layout"] = 5
    assert cases.check_status("conv_s8", ffi.new("micro_conv_s8_params_t *", p), ops3) == (
        lib.MICRO_ERR_PARAMS
    )


def conv_steps(compiled: Any) -> list[tuple[int, int, int]]:
    """(K, O, filter layout) of each conv_s8 step."""
    return [
        (s.params["input_depth"], s.params["output_depth"], s.params["filter_layout"])
        for s in compiled.steps
        if s.kernel == "conv_s8"
    ]


@pytest.mark.parametrize(
    ("rel", "k16"),
    [
        ("mlperf_tiny/vww_96_int8.tflite", 4),
        ("tflm/person_detection/person_detect.tflite", 1),  # its channel 25 has no form
    ],
)
def test_models_compile_records_that_match_tflm(rel: str, k16: int, reference: Any) -> None:
    """vww's and person_detect's K = 8 layer (16 channels, every one with a form) compiles
    for a DSP core to layout 4, their K = 16 layer so where every channel has a form, no
    other layer does; the Program gives TFLM's bytes on the host (the reference kernel
    reads layout 4); a record's byte flipped is refused at load, and hostile edits of the
    Program run inside their operands (MICRO_SANITIZE=1: the ASan/UBSan build too)."""
    model = reference(rel).read_bytes()
    compiled = compile_model(load_model(model), dsp=True)
    layouts = conv_steps(compiled)
    assert (8, 16, 4) in layouts and (16, 32, k16) in layouts
    assert all(layout != 4 or (k, o) in ((8, 16), (16, 32)) for k, o, layout in layouts)
    it = micro.Interpreter(compiled)
    for seed in (0, 1):
        assert_invoke_matches_tflm(it, model, seed)
    program = compiled.program
    header = read_header(program)
    index = next(
        i
        for i, s in enumerate(compiled.steps)
        if s.kernel == "conv_s8" and s.params["filter_layout"] == 4
    )
    raw = read_steps(program)[index]
    ref_at = header.refs_offset + ffi.sizeof("micro_ref_t") * (
        raw.first_ref + lib.MICRO_CONV_S8_FILTER
    )
    offset = int.from_bytes(program[ref_at : ref_at + 4], "little") & ~lib.MICRO_REF_CONST
    at = header.data_offset + offset + 16 * 2 * 8  # channel 0's record, after the quads
    # the record is where the step's operands say: {bias[0] + beta, m, c}
    m, c = (int.from_bytes(program[at + i : at + i + 4], "little", signed=True) for i in (4, 8))
    assert 0 < m < 1 << 31 and abs(c) < 1 << 24
    # bits a nearby record cannot absorb (a low bit may give another exact record)
    for byte, bit in ((3, 6), (2, 1), (7, 5), (6, 7), (10, 4), (11, 7)):  # bias', m, c
        blob = bytearray(program)
        blob[at + byte] ^= 1 << bit
        with pytest.raises(micro.ProgramError):
            Runtime(seal(blob), compiled.arena_bytes_needed)
    arena = compiled.arena_bytes_needed
    inputs = [np.ascontiguousarray(x).tobytes() for x in random_inputs(it, 0)]
    for hostile in hostile_programs(program)[:40]:
        try:
            rt = Runtime(hostile, arena)
        except micro.ProgramError:
            continue
        with contextlib.suppress(micro.InvokeError):
            rt.invoke()
        if sanitized.enabled():
            status, _, err = sanitized.run(hostile, arena, inputs)
            assert status == 0 or status >= 10, err
            assert "Sanitizer" not in err and "runtime error" not in err, err
