"""FULLY_CONNECTED's per_channel 2 and 3 (fully_connected_s8.h): the compiler's word that the
DSP twin's lean lane (2) or its K = 1 lane (3) holds for every call, which the check
verifies at load so the twin's dispatch skips those tests. The twin on such params gives
the reference's bytes; the compiler writes the word exactly where its conditions hold
(decided here from the layer, independently of the compiler's code); a Program whose step
breaks the word (each condition in turn, and every bit of the field flipped) is refused at
load or runs inside its operands (the sanitized build checks that)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from support import sanitized
from support.kernels import check_status, checked, run
from test_dsp_kernels import fully_connected_case

import micro
from micro._ffi import ffi, lib
from micro.compiler import compile_model
from micro.interpreter import Runtime
from micro.model import load_model
from micro.program import REF_CONST, REF_SIZE, read_header, read_steps, seal
from micro.schema import ActivationFunctionType as Act
from micro.writer import ModelBuilder

PARAMS = "micro_fully_connected_s8_params_t"
FIELD = {
    name: ffi.offsetof(PARAMS, name)
    for name in ("batches", "filter_zp", "act_min", "act_max", "per_channel", "filter_layout")
}


def lane_of(p: Any, ops: list[np.ndarray]) -> int:
    """2 or 3 where the promise holds for these params and operands, else 0 (written out
    from fully_connected_s8.h's words, not the compiler's code)."""
    m, s = int(ops[3][0]), int(ops[4][0])
    if not (
        p.per_channel == 0
        and p.batches == 1
        and p.filter_zp == 0
        and p.filter_layout != 0
        and (p.act_min, p.act_max) == (-128, 127)
        and m >= 1 << 30
        and s <= -1
    ):
        return 0
    if p.input_depth == 1:
        return 3 if p.filter_layout <= 2 else 0
    return 2 if p.input_depth % 4 == 0 and ops[5].nbytes == 0 else 0


@pytest.mark.parametrize("seed", range(160))
def test_twin_on_the_promise_matches_reference(seed: int) -> None:
    """Random small layers of the lean lane's kind (K of 1, 4, 8, 12, 16 and more; N
    around blocks of 4, not multiples of 4 too; layouts 1-3; output zero points; fast
    multipliers from 2^30 to 2^31 - 1 and shifts down to -14): where the promise holds the
    case is given it and the twin's bytes are the reference's; the check accepts it."""
    layout = 1 + seed % 3
    units = [1, 2, 3, 4, 5, 6, 7, 8, 11, 16, 17, 35][seed % 12]
    params, ops = fully_connected_case(
        seed, layout, short=seed % 2 == 0, fast=True, units=units, lean=True
    )
    if layout == 3 and params.input_depth % 4 != 0:
        params.filter_layout = 2  # layout 3 only for K a multiple of 4 (the compiler's rule)
    lane = lane_of(params, ops)
    reference = run(lib.micro_fully_connected_s8, params, ops)
    params.per_channel = lane
    if lane:
        checked("fully_connected_s8", params, ops)
        assert run(lib.micro_fully_connected_s8_dsp, params, ops) == reference
        assert run(lib.micro_fully_connected_s8, params, ops) == reference


def test_promise_cases_cover_both_lanes_and_every_layout() -> None:
    """The random cases above reach lanes 2 and 3 and layouts 1-3 under lane 2, at K = 8,
    K = 16 and N not a multiple of 4 (so the test is not vacuous)."""
    seen = set()
    for seed in range(160):
        layout = 1 + seed % 3
        units = [1, 2, 3, 4, 5, 6, 7, 8, 11, 16, 17, 35][seed % 12]
        p, ops = fully_connected_case(
            seed, layout, short=seed % 2 == 0, fast=True, units=units, lean=True
        )
        lane = lane_of(p, ops)
        seen.add((lane, p.filter_layout, p.input_depth if p.input_depth in (8, 16) else 0))
        seen.add(("odd N", lane)) if units % 4 else None
    for need in [(2, 1, 8), (2, 2, 8), (2, 1, 16), (2, 2, 16), (2, 3, 0), ("odd N", 2)]:
        assert need in seen, need
    assert any(s[0] == 3 for s in seen)


def _fc_model(depth: int, units: int, relu: bool = False, w_zp: int = 0) -> bytes:
    """One int8 FULLY_CONNECTED layer of `units` rows over `depth` inputs (ReLU: a clamp)."""
    rng = np.random.default_rng(depth * 100 + units)
    b = ModelBuilder()
    x = b.add_tensor("x", (1, depth), np.int8, scale=0.05, zero_point=3)
    data = rng.integers(-127, 128, (units, depth), dtype=np.int8)
    w = b.add_tensor("w", (units, depth), np.int8, data=data, scale=0.01, zero_point=w_zp)
    bias = b.add_tensor(
        "b", (units,), np.int32, data=rng.integers(-500, 500, units, dtype=np.int32), scale=5e-4
    )
    y = b.add_tensor("y", (1, units), np.int8, scale=0.2, zero_point=-4)
    options = {"fused_activation_function": Act.RELU} if relu else {}
    b.add_operator("FULLY_CONNECTED", [x, w, bias], [y], options)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def _step_params(program: bytes) -> int:
    step = next(s for s in read_steps(program) if s.kernel == lib.MICRO_K_FULLY_CONNECTED_S8)
    return read_header(program).data_offset + step.params


def _field(program: bytes, name: str) -> int:
    at = _step_params(program) + FIELD[name]
    return int.from_bytes(program[at : at + 4], "little", signed=True)


def _edited(program: bytes, **values: int) -> bytes:
    blob = bytearray(program)
    for name, value in values.items():
        at = _step_params(program) + FIELD[name]
        blob[at : at + 4] = value.to_bytes(4, "little", signed=True)
    return seal(bytes(blob))


# (K, N, expected per_channel): the scale ratio 0.05 * 0.01 / 0.2 = 2^-12 * 0.64 is a fast
# multiplier; the lean lane for K a multiple of 4 unless the scratch is worth it (N >= 32,
# K != 8), the K = 1 lane at K = 1, neither for other K.
CASES = [(1, 16, 3), (8, 128, 2), (8, 6, 2), (16, 16, 2), (12, 2, 2), (16, 40, 0), (6, 8, 0)]


@pytest.mark.parametrize(("depth", "units", "lane"), CASES)
def test_compiler_writes_the_promise_where_it_holds(depth: int, units: int, lane: int) -> None:
    """The DSP Program's step carries the lane it qualifies for, loads, and gives the host
    Program's bytes."""
    data = _fc_model(depth, units)
    compiled = compile_model(load_model(data), dsp=True)
    assert _field(compiled.program, "per_channel") == lane
    x = np.random.default_rng(depth).integers(-128, 128, (1, depth), dtype=np.int8)
    host = micro.Interpreter(compile_model(load_model(data)))
    it = micro.Interpreter(compiled)
    for i in (host, it):
        i.set_input(x, 0)
        i.invoke()
    assert np.array_equal(it.get_output(0), host.get_output(0))


def test_compiler_leaves_clamped_and_asymmetric_layers_out() -> None:
    """A ReLU's clamp, or a filter zero point, keeps the step off the promise (0)."""
    assert (
        _field(
            compile_model(load_model(_fc_model(8, 8, relu=True)), dsp=True).program, "per_channel"
        )
        == 0
    )
    assert (
        _field(compile_model(load_model(_fc_model(8, 8, w_zp=3)), dsp=True).program, "per_channel")
        == 0
    )


# Each edit breaks one of the promise's conditions (or the field's range).
BREAKS = [
    {"act_min": -127},
    {"act_max": 126},
    {"filter_zp": 1},
    {"filter_layout": 0},
    {"per_channel": 3},  # on K = 8
    {"per_channel": 4},
    {"per_channel": -1},
]


@pytest.mark.parametrize("edit", BREAKS)
def test_broken_promise_is_refused_at_load(edit: dict[str, int]) -> None:
    compiled = compile_model(load_model(_fc_model(8, 6)), dsp=True)
    assert _field(compiled.program, "per_channel") == 2
    with pytest.raises(micro.ProgramError):
        Runtime(_edited(compiled.program, **edit), compiled.arena_bytes_needed)


@pytest.mark.parametrize("edit", [{"per_channel": 2}, {"filter_layout": 3}, {"act_min": 0}])
def test_broken_single_promise_is_refused_at_load(edit: dict[str, int]) -> None:
    """The K = 1 lane's word on K = 1 (per_channel 2 asks K a multiple of 4; layout 3 is
    not the lane's; a clamp)."""
    compiled = compile_model(load_model(_fc_model(1, 16)), dsp=True)
    assert _field(compiled.program, "per_channel") == 3
    with pytest.raises(micro.ProgramError):
        Runtime(_edited(compiled.program, **edit), compiled.arena_bytes_needed)


def test_slow_multiplier_under_the_promise_is_refused() -> None:
    """The multiplier constant edited below 2^30 (checksum re-sealed): refused at load."""
    compiled = compile_model(load_model(_fc_model(8, 6)), dsp=True)
    program = compiled.program
    step = next(s for s in read_steps(program) if s.kernel == lib.MICRO_K_FULLY_CONNECTED_S8)
    header = read_header(program)
    index = step.first_ref + int(lib.MICRO_FULLY_CONNECTED_S8_MULTIPLIER)
    ref = header.refs_offset + REF_SIZE * index
    offset = int.from_bytes(program[ref : ref + 4], "little")
    assert offset & REF_CONST
    at = header.data_offset + (offset & ~REF_CONST)
    assert int.from_bytes(program[at : at + 4], "little") >= 1 << 30
    blob = bytearray(program)
    blob[at : at + 4] = (1 << 29).to_bytes(4, "little")
    with pytest.raises(micro.ProgramError):
        Runtime(seal(bytes(blob)), compiled.arena_bytes_needed)


@pytest.mark.parametrize("bit", range(32))
def test_flipped_lane_bits_are_refused_or_run(bit: int) -> None:
    """Each bit of per_channel flipped on the K = 8 and K = 1 Programs: the load accepts
    exactly 0 and the lane's own value (1 asks for N multipliers, the other lane's value
    breaks its word, the rest are out of range) and the accepted run (under MICRO_SANITIZE=1
    in the ASan/UBSan harness, with no report)."""
    for depth, units, lane in ((8, 6, 2), (1, 16, 3)):
        compiled = compile_model(load_model(_fc_model(depth, units)), dsp=True)
        value = _field(compiled.program, "per_channel") ^ (1 << bit)
        value = value - (1 << 32) if value >= 1 << 31 else value
        blob = _edited(compiled.program, per_channel=value)
        x = np.random.default_rng(bit).integers(-128, 128, depth, dtype=np.int8)
        if sanitized.enabled():
            status, _, err = sanitized.run(blob, compiled.arena_bytes_needed, [x.tobytes()])
            assert "Sanitizer" not in err and "runtime error" not in err, err
            assert (status == 0) == (value in (0, lane)), (status, value)
            continue
        if value not in (0, lane):
            with pytest.raises(micro.ProgramError):
                Runtime(blob, compiled.arena_bytes_needed)
            continue
        Runtime(blob, compiled.arena_bytes_needed).invoke()


def test_check_accepts_exactly_the_promise() -> None:
    """On the direct API's check: a lean case accepted with 2, refused with 3; a K = 1
    case accepted with 3, refused with 2."""
    p, ops = fully_connected_case(4, 2, fast=True, units=6, lean=True, groups=2)
    assert lane_of(p, ops) == 2
    p.per_channel = 2
    checked("fully_connected_s8", p, ops)
    p.per_channel = 3
    assert check_status("fully_connected_s8", p, ops) == lib.MICRO_ERR_PARAMS
    p1, ops1 = fully_connected_case(0, 1, short=True, units=5, lean=True)
    assert p1.input_depth == 1 and lane_of(p1, ops1) == 3
    p1.per_channel = 3
    checked("fully_connected_s8", p1, ops1)
    p1.per_channel = 2
    assert check_status("fully_connected_s8", p1, ops1) == lib.MICRO_ERR_PARAMS
