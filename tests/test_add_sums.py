"""The sums tables and the linear form of int8 ADD/SUB (micro/ops/_add_sums.py) and the DSP
twin's paths through them (add_s8_dsp.c, in portable C here;
tests/firmware/test_dsp_add_board.py runs the DSP instructions): the twin gives the
reference kernel's bytes on every pair of input bytes, in dense rows (8 and 4 per turn,
then the tail) and broadcast ones, for random tables, scales, zero points and activation
clamps; on models, TFLM's bytes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from support.kernels import assert_twin, check_status, run
from support.models import QUANTIZED_ACTIVATIONS, binary_model, random_quant
from support.oracle import run_tflm
from test_dsp_kernels import add_case

from micro._ffi import ffi, lib
from micro.compiler import compile_model
from micro.model import load_model
from micro.ops._add_sums import _solve, linear_form, sums_tables
from micro.ops.add import _term_table
from micro.quant import quantize_multiplier_below_one

CASES = 40
TABLE1, TABLE2 = int(lib.MICRO_ADD_S8_TABLE1), int(lib.MICRO_ADD_S8_TABLE2)
SUMS = int(lib.MICRO_ADD_S8_SUMS)
BYTES = np.arange(256, dtype=np.uint8).view(np.int8)  # every byte, in table order


def prepared_tables(
    rng: np.random.Generator, spread: float = 10.0
) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Tables, output multiplier and shift as ADD's prepare makes them from random scales
    (natural logs within `spread` of each other) and zero points (SUB's negated table half
    the time)."""
    while True:
        s1, s2, so = np.exp(rng.uniform(1 - spread, 1, 3))
        twice = 2 * max(s1, s2)
        try:
            mo, sho = quantize_multiplier_below_one(twice / ((1 << 20) * so))
        except ValueError:
            continue
        m1, sh1 = quantize_multiplier_below_one(s1 / twice)
        m2, sh2 = quantize_multiplier_below_one(s2 / twice)
        zp1, zp2 = (int(z) for z in rng.integers(-128, 128, 2))
        sign = -1 if rng.random() < 0.5 else 1
        return _term_table(zp1, m1, sh1), sign * _term_table(zp2, m2, sh2), mo, sho


def sums_case(seed: int, fast: bool) -> tuple[Any, list[np.ndarray]]:
    """add_case's layout, data and clamp, with its sums tables (None found: absent). Odd
    seeds take prepare's tables and requantization instead of add_case's synthetic ones."""
    params, ops = add_case(seed, fast)
    if seed % 2:
        t1, t2, params.output_multiplier, params.output_shift = prepared_tables(
            np.random.default_rng([seed, 3])
        )
        ops[TABLE1], ops[TABLE2] = t1.astype(np.int32), t2.astype(np.int32)
    sums = sums_tables(
        ops[TABLE1], ops[TABLE2], params.output_multiplier, params.output_shift,
        params.output_zp, params.act_min, params.act_max,
    )  # fmt: skip
    ops[SUMS] = np.zeros(0, np.int32) if sums is None else sums
    return params, ops


def every_pair(params: Any, ops: list[np.ndarray], dense: bool) -> tuple[Any, list[np.ndarray]]:
    """The same step over all 65,536 byte pairs: (256, 1) + (1, 256) broadcast (rows with a
    stride-0 input), or two dense rows of 65,536."""
    p = ffi.new("micro_add_s8_params_t *", params[0])
    b = p.broadcast
    if dense:
        b.rank, b.dims[0], b.stride1[0], b.stride2[0] = 1, 65536, 1, 1
        x, y = np.repeat(BYTES, 256), np.tile(BYTES, 256)
    else:
        b.rank, b.dims[0], b.dims[1] = 2, 256, 256
        b.stride1[0], b.stride1[1], b.stride2[0], b.stride2[1] = 1, 0, 0, 1
        x, y = BYTES, BYTES
    return p, [x, y, *ops[2:-1], np.zeros(65536, np.int8)]


def linear_case(seed: int, fast: bool) -> tuple[Any, list[np.ndarray]]:
    """add_case's layout, data and clamp with prepare's tables and requantization and their
    linear form (drawn again until one exists), no sums tables."""
    params, ops = add_case(seed, fast)
    rng = np.random.default_rng([seed, 5])
    while True:
        t1, t2, multiplier, shift = prepared_tables(rng)
        form = linear_form(
            t1, t2, multiplier, shift, params.output_zp, params.act_min, params.act_max
        )
        if form is not None:
            break
    params.output_multiplier, params.output_shift = multiplier, shift
    params.linear = 1
    params.linear_a, params.linear_b, params.linear_c = form
    ops[TABLE1], ops[TABLE2] = t1.astype(np.int32), t2.astype(np.int32)
    return params, ops


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("seed", range(CASES))
def test_linear_twin_matches_reference(seed: int, fast: bool) -> None:
    case = linear_case(seed, fast)
    assert_twin("add_s8", "dsp", [case, *(every_pair(*case, dense=d) for d in (False, True))])


@pytest.mark.parametrize("first", [True, False])
def test_linear_in_place(first: bool) -> None:
    """The overlap rule (add_s8.c: the output over either dense input) holds on the
    linear path: every row length's 8-, 4- and 1-wide parts read before they write."""
    for seed in range(0, 16, 2):
        params, ops = linear_case(seed, True)
        expected = run(lib.micro_add_s8, params, ops)
        which = 0 if first else 1
        shared = ops[which].copy()
        inputs = [
            ffi.from_buffer("int8_t[]", shared if i == which else a) for i, a in enumerate(ops[:2])
        ]
        tables = [ffi.from_buffer("int32_t[]", t) for t in ops[TABLE1:SUMS]]
        status = lib.micro_add_s8_dsp(params, *inputs, *tables, ffi.NULL, inputs[which])
        assert status == lib.MICRO_OK and shared[: len(expected)].tobytes() == expected, seed


def test_linear_form_found_for_moderate_scales() -> None:
    """Scales within a factor e^3 of each other (real models' ADDs): a linear form for
    every one, clamps included; extreme ratios may have none (then the sums tables)."""
    for seed in range(40):
        rng = np.random.default_rng([seed, 7])
        t1, t2, multiplier, shift = prepared_tables(rng, spread=3.0)
        zp = int(rng.integers(-128, 128))
        lo, hi = [(-128, 127), (zp, 127), (zp, min(127, zp + 30))][seed % 3]
        assert linear_form(t1, t2, multiplier, shift, zp, lo, hi) is not None, seed


def test_linear_check() -> None:
    """The kernel's check takes the linear form only where no partial sum leaves int32."""
    params, ops = linear_case(0, True)
    assert check_status("add_s8", params, ops) == lib.MICRO_OK
    edge = {"linear_a": (1 << 31) - 2, "linear_b": 0, "linear_c": (1 << 30) - 1}  # the bound
    for fields, status in (
        ({"linear": 2}, lib.MICRO_ERR_PARAMS),
        ({"linear_c": (1 << 31) - 1}, lib.MICRO_ERR_PARAMS),
        ({**edge, "linear_c": 1 << 30}, lib.MICRO_ERR_PARAMS),
        (edge, lib.MICRO_OK),
    ):
        p = ffi.new("micro_add_s8_params_t *", params[0])
        for field, value in fields.items():
            setattr(p, field, value)
        assert check_status("add_s8", p, ops) == status, fields


@pytest.mark.parametrize("fast", [False, True])
@pytest.mark.parametrize("seed", range(CASES))
def test_sums_twin_matches_reference(seed: int, fast: bool) -> None:
    case = sums_case(seed, fast)
    pairs = [every_pair(*case, dense=d) for d in (False, True)] if case[1][SUMS].size else []
    assert_twin("add_s8", "dsp", [case, *pairs])


def test_sums_found_for_prepared_tables() -> None:
    """Guard on what the tests above exercise, and on the compiler's use: tables exist for
    (nearly) every ADD prepare makes."""
    found = 0
    for seed in range(1, 2 * CASES, 2):
        found += sums_case(seed, False)[1][SUMS].size > 0
    assert found >= CASES - 2


def test_no_tables_when_none_exist() -> None:
    """A pattern no sum of two tables gives (1 on the diagonal, 0 elsewhere: s1[0] + s2[0]
    and s1[1] + s2[1] would exceed s1[0] + s2[1] and s1[1] + s2[0] by two units, whose sum
    is the same): the solver says so."""
    unit = 1 << int(lib.MICRO_ADD_SUMS_SHIFT)
    want = np.eye(256, dtype=np.int64)
    assert _solve(want * unit, want * unit + unit - 1) is None


@pytest.mark.parametrize("dense", [False, True])
@pytest.mark.parametrize("op", ["ADD", "SUB"])
@pytest.mark.parametrize("seed", range(8))
def test_dsp_forms_give_tflm_bytes(op: str, seed: int, dense: bool) -> None:
    """A model compiled for a DSP core: its step's linear form or sums tables (one of them)
    through the twin give TFLM's output on all 256 x 256 pairs (activations included), as
    a broadcast or two dense inputs; for other cores, neither."""
    rng = np.random.default_rng([seed, 11])
    q1, q2, q_out = random_quant(rng), random_quant(rng), random_quant(rng)
    activation = QUANTIZED_ACTIVATIONS[seed % len(QUANTIZED_ACTIVATIONS)]
    if dense:
        shapes, inputs = [(65536,)] * 3, [np.repeat(BYTES, 256), np.tile(BYTES, 256)]
    else:
        shapes, inputs = [(256, 1), (1, 256), (256, 256)], [BYTES, BYTES]
    model = binary_model(op, *shapes, q1, q2, q_out, activation)
    expected = run_tflm(model, [x.reshape(s) for x, s in zip(inputs, shapes, strict=False)], 1)
    (step,) = compile_model(load_model(model), dsp=True).steps
    consts = [np.frombuffer(o.data, np.int32) for o in step.operands[TABLE1 : SUMS + 1]]
    assert (consts[-1].size == 512) != (step.params.get("linear", 0) == 1)
    params = ffi.new("micro_add_s8_params_t *", step.params)
    out = run(lib.micro_add_s8_dsp, params, [*inputs, *consts, np.zeros(65536, np.int8)])
    assert out == np.asarray(expected[0], np.int8).tobytes()
    (host_step,) = compile_model(load_model(model)).steps
    assert host_step.operands[SUMS].kind == "none" and not host_step.params.get("linear")
