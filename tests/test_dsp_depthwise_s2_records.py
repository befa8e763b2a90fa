"""Depthwise filter layout 3 (depthwise_conv_s8.h: the stride-2 path's records, weights,
bias and requantization in the order its loop reads them): the verifier accepts it only
with every field equal to what the other operands give (a tampered field, a short filter,
a shape or requantization outside the path's domain is refused), and a Program the
compiler writes with it gives TFLM's bytes; tampered copies are refused at load or run
inside their operands."""

from __future__ import annotations

import contextlib
from typing import Any

import numpy as np
import pytest
from support import sanitized
from support.depthwise import layout_case, records_fit
from support.depthwise_s2 import stride2_case, zp_tail_case
from support.kernels import check_status, run
from support.oracle import random_inputs
from support.programs import hostile_programs
from test_op_depthwise_conv import assert_invoke_matches_tflm, depthwise_model

import micro
from micro._ffi import ffi, lib
from micro.compiler import compile_model
from micro.interpreter import Runtime
from micro.model import load_model
from micro.program import read_header, read_steps, seal

REC_WORDS, BLOCK_WORDS = 14, 57


def _records_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """A stride-2 case in layout 3 with a nonzero input_zp (so the bottom row's weights
    count in bias2)."""
    params, ops = zp_tail_case(seed % 12)
    params = ffi.new("micro_depthwise_conv_s8_params_t *", params[0])
    params.input_zp = 3 + seed
    assert records_fit(params, ops)
    return layout_case(params, ops, 3)


@pytest.mark.parametrize("seed", range(3))
def test_records_accepted_as_written_and_refused_when_tampered(seed: int) -> None:
    """The writer's records pass the check; one flipped bit in a checked field (a filter
    column's repeated w1, the bias, bias2, 2 * multiplier, -2^(32 + shift), output_zp,
    the rows' places, the block's step) is refused. A weight only the reference and the
    loop read alike (w0 of a column) may change: both kernels then give the same bytes."""
    params, ops = _records_case(seed)
    assert check_status("depthwise_conv_s8", params, ops) == lib.MICRO_OK
    words = ops[1].view("<u4")
    depth = params.input_depth * params.depth_multiplier
    for o in (0, depth - 1):
        base = o // 4 * BLOCK_WORDS + o % 4 * REC_WORDS
        for k in [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]:
            tampered = [ops[0], ops[1].copy(), *ops[2:]]
            tampered[1].view("<u4")[base + k] = words[base + k] ^ (1 << 16)
            status = check_status("depthwise_conv_s8", params, tampered)
            assert status == lib.MICRO_ERR_PARAMS, f"channel {o} word {k}"
        tampered = [ops[0], ops[1].copy(), *ops[2:]]
        tampered[1].view("<u4")[o // 4 * BLOCK_WORDS + 4 * REC_WORDS] ^= 4
        assert check_status("depthwise_conv_s8", params, tampered) == lib.MICRO_ERR_PARAMS
        # w00 (word 0's low half): read by both, no field derived from it
        tampered = [ops[0], ops[1].copy(), *ops[2:]]
        tampered[1].view("<u4")[base] = words[base] ^ 1
        assert check_status("depthwise_conv_s8", params, tampered) == lib.MICRO_OK
        expect = run(lib.micro_depthwise_conv_s8, params, tampered)
        assert run(lib.micro_depthwise_conv_s8_dsp, params, tampered) == expect


def test_records_refused_outside_the_domain_and_shape() -> None:
    """Records written from a requantization outside the path's domain (a multiplier below
    2^30, a shift of 0), a clamp narrower than int8's, a filter a byte short, output
    channels not a multiple of 4 or a window other than 3x3 are refused."""
    params, ops = _records_case(0)

    def refused(p: Any, o: list[np.ndarray], status: int = lib.MICRO_ERR_PARAMS) -> None:
        assert check_status("depthwise_conv_s8", p, o) == status

    for mult, shift in [((1 << 30) - 1, -3), (1 << 30, 0), (1 << 30, -32)]:
        m, s = ops[3].copy(), ops[4].copy()
        m[1], s[1] = mult, shift
        # the records written from them, so only the domain is wrong
        redo = layout_case(
            _flat(params, ops), [ops[0], _weights(params, ops), ops[2], m, s, ops[5]], 3
        )
        refused(*redo)
    clamp = ffi.new("micro_depthwise_conv_s8_params_t *", params[0])
    clamp.act_min = -127
    refused(clamp, ops)
    refused(params, [ops[0], ops[1][:-1], *ops[2:]], lib.MICRO_ERR_OPERANDS)
    for field, value in [("input_depth", params.input_depth + 1), ("filter_width", 5)]:
        other = ffi.new("micro_depthwise_conv_s8_params_t *", params[0])
        setattr(other, field, value)
        refused(other, ops)
    other = ffi.new("micro_depthwise_conv_s8_params_t *", params[0])
    other.filter_layout = 4
    refused(other, ops)


def _weights(params: Any, ops: list[np.ndarray]) -> np.ndarray:
    """The case's TFLite-layout weights [9][O] back from layout 3's records (each column's
    (w0, w1), (w1, w2) words)."""
    depth = params.input_depth * params.depth_multiplier
    words = ops[1].view("<u4").reshape(depth // 4, BLOCK_WORDS)[:, :56].reshape(depth, 14)
    cols = words[:, [0, 1, 4, 5, 6, 7]].reshape(depth, 3, 2)  # [o][fx][word]
    lo = (cols & 0xFFFF).astype(np.uint16).view(np.int16)
    hi = (cols >> 16).astype(np.uint16).view(np.int16)
    w = np.stack([lo[:, :, 0], hi[:, :, 0], hi[:, :, 1]], axis=1)  # [o][fy][fx]
    return np.ascontiguousarray(w.reshape(depth, 9).T.astype(np.int8)).reshape(-1)


def _flat(params: Any, ops: list[np.ndarray]) -> Any:
    """The params with filter layout 0 (what layout_case starts from)."""
    p = ffi.new("micro_depthwise_conv_s8_params_t *", params[0])
    p.filter_layout = 0
    return p


def test_records_read_back_as_the_weights() -> None:
    """_weights inverts the writer (the refusal test above rebuilds records with it)."""
    params, ops = stride2_case(1)
    assert records_fit(params, ops)
    p3, ops3 = layout_case(params, ops, 3)
    assert np.array_equal(_weights(p3, ops3), ops[1])


STRIDE2_MODELS = [
    {"input_shape": (1, 12, 12, 8), "stride": (2, 2)},  # SAME, even: last row from padding
    {"input_shape": (2, 13, 11, 12), "stride": (2, 2), "in_q": (0.02, 5)},
    {"input_shape": (1, 9, 9, 4), "stride": (2, 2), "padding": 1, "out_q": (0.05, -100)},
]


@pytest.mark.parametrize("case", STRIDE2_MODELS)
def test_compiler_writes_records_that_match_tflm(case: dict[str, Any]) -> None:
    """Stride-2 3x3 layers of whole quads of channels in one strip compile for a DSP core
    to filter layout 3 (where the requantization is in the path's domain), which gives
    TFLM's bytes on the host (the twin's C and the reference kernel); a Program with a
    record's byte flipped is refused at load, and its params tampered field by field are
    refused or run inside their operands."""
    model = depthwise_model(**case)
    compiled = compile_model(load_model(model), dsp=True)
    it = micro.Interpreter(compiled)
    (step,) = compiled.steps
    assert step.params["filter_layout"] == 3
    for seed in (0, 1):
        assert_invoke_matches_tflm(it, model, seed)
    program = compiled.program
    header = read_header(program)
    (raw,) = read_steps(program)
    ref_at = header.refs_offset + ffi.sizeof("micro_ref_t") * (
        raw.first_ref + lib.MICRO_DEPTHWISE_CONV_S8_FILTER
    )
    offset = int.from_bytes(program[ref_at : ref_at + 4], "little") & ~lib.MICRO_REF_CONST
    at = header.data_offset + offset + 4 * 8  # channel 0's 2 * multiplier
    blob = bytearray(program)
    blob[at] ^= 2
    with pytest.raises(micro.ProgramError):
        Runtime(seal(blob), compiled.arena_bytes_needed)
    arena = compiled.arena_bytes_needed
    inputs = [np.ascontiguousarray(x).tobytes() for x in random_inputs(it, 0)]
    for hostile in [program, *hostile_programs(program)]:
        try:
            rt = Runtime(hostile, arena)
        except micro.ProgramError:
            continue
        with contextlib.suppress(micro.InvokeError):
            rt.invoke()
        if sanitized.enabled():  # the ASan/UBSan build runs it inside its operands
            status, _, err = sanitized.run(hostile, arena, inputs)
            assert status == 0 or status >= 10, err
            assert "Sanitizer" not in err and "runtime error" not in err, err
