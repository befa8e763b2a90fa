"""CONV_2D's filter layout 3 (conv_s8.h): a classifier's head (a 1x1 convolution of a 1x1
image) with its filters as pairs of int16 rows, which the compiler writes for a DSP core where
O is not a multiple of 4 and the requantization is the twin's fast one (person_detect's
256 -> 2). The twin (conv_head_dsp.h's head16_run, on its short step) gives the reference
kernel's bytes, the reference reads the layout as written (the same weights as layout 0),
the check refuses the layout anywhere else, and compiled models with such a head equal
TFLM. The boards run the same cases (tests/firmware/test_dsp_board.py)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import test_dsp_conv_head as heads
import test_dsp_kernels as cases
from support import sanitized
from support.kernels import assert_twin, check_status, run
from support.oracle import run_tflm
from test_op_conv import conv_model
from test_overlap import _cdata_case
from test_overlap import run as run_overlapped

import micro
from micro._ffi import lib
from micro.compiler import compile_model
from micro.interpreter import Runtime
from micro.model import load_model
from micro.ops.conv import first_rows_fast, head_pairs
from micro.program import read_header, read_steps, seal
from micro.schema import Padding

CASES = 120
K_ALIGN = int(lib.MICRO_CONV_S8_K_ALIGN)


def as_pairs(params: Any, ops: list[np.ndarray]) -> tuple[Any, list[np.ndarray]]:
    """A layout-0 head case rewritten in filter layout 3 (the same weights)."""
    out, k = int(params.output_depth), int(params.input_depth)
    p = heads.params_dict(params)
    p["filter_layout"] = 3
    rows = ops[1].reshape(out, -1)[:, :k]
    laid = list(ops)
    laid[1] = head_pairs(rows).view(np.int8)
    return cases.ffi.new("micro_conv_s8_params_t *", p), laid


def pair_case(seed: int) -> tuple[Any, list[np.ndarray]]:
    """A random head (test_dsp_conv_head's: K of 1-600, every residue mod 8, O of 1-300,
    odd counts among them, 1-3 batches, per-tensor and per-channel) on the fast
    requantization, in layout 3, with or without a scratch."""
    params, ops = heads.head_case(3 * seed + 1)  # seed % 3 != 0: the fast requantization
    assert first_rows_fast(heads.params_dict(params), ops[3], ops[4])
    params, ops = as_pairs(params, ops)
    return params, ops if seed % 2 else heads.without_scratch(ops)


# The boards' layout-3 heads (tests/firmware/test_dsp_board.py), K, O and batches:
# person_detect's (the one-pixel lane), a third channel on 2 pixels, K odd and pixels off word
# alignment, K under a group, a short last group, the widest K with an odd O.
BOARD_HEADS16 = [(256, 2, 1), (256, 3, 2), (37, 5, 3), (3, 2, 1), (101, 2, 3), (600, 7, 1)]


def board_head16_case(k: int) -> tuple[Any, list[np.ndarray]]:
    depth, out, batches = BOARD_HEADS16[k]
    return as_pairs(*heads.shaped_head_case(60 + k, depth, out, batches))


def test_board_heads16_take_the_path() -> None:
    """The boards' layout-3 heads are what head16_run takes, and give the reference's bytes."""
    for k in range(len(BOARD_HEADS16)):
        params, ops = board_head16_case(k)
        assert heads.path_of(params, ops) == int(lib.MICRO_PATH_CONV_PAIRS)
        assert_twin("conv_s8", "dsp", [(params, ops)])


@pytest.mark.parametrize("seed", range(CASES))
def test_head_pairs_match_reference(seed: int) -> None:
    params, ops = pair_case(seed)
    assert_twin("conv_s8", "dsp", [(params, ops)])
    assert heads.path_of(params, ops) == int(lib.MICRO_PATH_CONV_PAIRS)


@pytest.mark.parametrize("seed", range(20))
def test_head_pairs_reference_reads_the_layout(seed: int) -> None:
    """The reference kernel on layout 3 gives its own bytes on layout 0 (the same weights):
    the layout is only a reordering, so both twins rest on the row-major oracle."""
    plain, ops = heads.head_case(3 * seed + 2)
    laid, laid_ops = as_pairs(plain, ops)
    assert run(lib.micro_conv_s8, laid, laid_ops) == run(lib.micro_conv_s8, plain, ops)


@pytest.mark.parametrize("k, out", [(256, 2), (256, 3), (1, 1), (3, 2), (7, 5), (600, 301)])
def test_head_pairs_shapes(k: int, out: int) -> None:
    """person_detect's head and edges of K (under a group, K mod 4 = 1..3) and O (one
    channel, an odd last one), 1 and 3 batches."""
    for batches in (1, 3):
        params, ops = heads.shaped_head_case(k + out, k, out, batches)
        assert_twin("conv_s8", "dsp", [as_pairs(params, ops)])


def test_head_pairs_extremes() -> None:
    """Sums at int32's ends (filters and inputs of -128, biases near the limits: the sums
    wrap as the reference's do) and the fast rule's multiplier and shift ends, zero among
    them; K = 601 leaves a last group of one value."""
    for j, (m, s) in enumerate([(1 << 30, -1), ((1 << 31) - 1, -31), (0, 5), (1 << 30, -31)]):
        params, ops = heads.shaped_head_case(j, 601, 3, 2)
        ops[0][:] = -128
        rows = ops[1].reshape(3, -1)
        rows[:, :601] = -128
        ops[2][:] = [(1 << 31) - 1, -(1 << 31), 12345]
        ops[3][:] = m
        ops[4][:] = s
        assert_twin("conv_s8", "dsp", [as_pairs(params, ops)])


@pytest.mark.parametrize("out", [2, 3, 41])
def test_head_pairs_keep_the_overlap_rule(out: int) -> None:
    """Three batches with the output over the input at the rule's gap."""
    params, ops = heads.shaped_head_case(out, 256, out, 3)
    params, ops = as_pairs(params, ops)
    case = _cdata_case("conv_s8", params, ops, 0, 6)
    gap = case.gap()
    assert gap is not None
    assert run_overlapped(lib.micro_conv_s8_dsp, case, gap) == run_overlapped(
        lib.micro_conv_s8, case, None
    )


def test_head_pairs_misaligned_filter_runs_the_reference() -> None:
    """A filter off word alignment (the direct API's case; a Program's are 8-aligned): the
    twin's LDM cannot read it, so the path is none and the reference runs."""
    params, ops = as_pairs(*heads.shaped_head_case(5, 64, 2, 1))
    raw = np.zeros(ops[1].size + 1, np.int8)
    shifted = raw[1:] if raw.ctypes.data % 4 == 0 else raw[:-1]
    shifted[:] = ops[1]
    ops[1] = shifted
    assert heads.path_of(params, ops) == 0
    assert_twin("conv_s8", "dsp", [(params, ops)])


def test_check_refuses_head_pairs_elsewhere() -> None:
    """The check holds layout 3 to a head on the fast requantization: a 3x3 image, a
    clamp, a slow multiplier, or one filter byte too few are refused."""
    params, ops = as_pairs(*heads.shaped_head_case(9, 64, 3, 1))
    assert check_status("conv_s8", params, ops) == lib.MICRO_OK
    p = heads.params_dict(params)
    for change in (
        {"input_height": 3, "input_width": 3, "output_height": 3, "output_width": 3},
        {"act_min": -100},
        {"act_max": 100},
        {"pad_top": 1, "input_height": 1, "output_height": 2},
    ):
        bad = cases.ffi.new("micro_conv_s8_params_t *", {**p, **change})
        assert check_status("conv_s8", bad, ops) != lib.MICRO_OK, change
    slow = list(ops)
    slow[3] = np.full_like(ops[3], 1 << 29)  # below 2^30: not the fast rule
    assert check_status("conv_s8", params, slow) != lib.MICRO_OK
    short = list(ops)
    short[1] = ops[1][:-1]
    assert check_status("conv_s8", params, short) != lib.MICRO_OK


def layout_at(program: bytes) -> tuple[int, int]:
    """(the byte offset of the last CONV_2D step's filter_layout, its value)."""
    step = [s for s in read_steps(program) if s.kernel == lib.MICRO_K_CONV_S8][-1]
    at = read_header(program).data_offset + step.params
    at += cases.ffi.offsetof("micro_conv_s8_params_t", "filter_layout")
    return at, int.from_bytes(program[at : at + 4], "little")


def host_and_tflm(data: bytes, compiled: Any, x: np.ndarray) -> tuple[bytes, bytes]:
    it = micro.Interpreter(compiled)
    it.set_input(x, 0)
    it.invoke()
    return it.get_output(0).tobytes(), run_tflm(data, [x], 1)[0].tobytes()


@pytest.mark.parametrize(
    ("k", "out", "batches", "per_channel"),
    [(256, 2, 1, True), (256, 3, 2, False), (37, 5, 3, True), (3, 2, 1, False), (1, 1, 1, True)],
)
def test_compiled_heads_write_layout_3_and_equal_tflm(
    k: int, out: int, batches: int, per_channel: bool
) -> None:
    """A CONV_2D head compiled for a DSP core (O not a multiple of 4, the fast
    requantization) is written in layout 3, and its Program gives TFLM's bytes."""
    rng = np.random.default_rng(k + out)
    scales = rng.uniform(0.005, 0.02, out) if per_channel else None
    data = conv_model(
        input_shape=(batches, 1, 1, k),
        filter_shape=(out, 1, 1, k),
        padding=Padding.VALID,
        w_scales=scales,
        seed=k,
    )
    compiled = compile_model(load_model(data), dsp=True)
    assert layout_at(compiled.program)[1] == 3
    x = rng.integers(-128, 128, (batches, 1, 1, k), dtype=np.int8)
    mine, tflm = host_and_tflm(data, compiled, x)
    assert mine == tflm


def test_person_detect_head_in_layout_3_equals_tflm(reference: Callable[[str], Path]) -> None:
    """person_detect compiled for a DSP core: its 256 -> 2 head in layout 3, the outputs
    TFLM's."""
    data = reference("tflm/person_detection/person_detect.tflite").read_bytes()
    compiled = compile_model(load_model(data), dsp=True)
    assert layout_at(compiled.program)[1] == 3
    x = np.random.default_rng(7).integers(-128, 128, (1, 96, 96, 1), dtype=np.int8)
    mine, tflm = host_and_tflm(data, compiled, x)
    assert mine == tflm


@pytest.mark.parametrize("layout", [-1, 0, 1, 2, 4, 7, 1 << 30])
def test_head_layout_edited_is_refused_or_stays_in_bounds(layout: int) -> None:
    """A layout-3 head step edited to another filter_layout (checksum re-sealed): layouts 1
    (O = 3 is not quads) and 2 (not a first layer) and those out of range are refused at
    load; layout 0 reads the longer int16 filter as int8 rows inside its operand (wrong
    bytes, in bounds: the sanitized CI build checks that). A layout-0 head (the int8 rows
    the flash-budget fallback writes) edited to 3 asks for more bytes than it holds:
    refused."""
    data = conv_model(input_shape=(1, 1, 1, 64), filter_shape=(3, 1, 1, 64), padding=Padding.VALID)
    compiled = compile_model(load_model(data), dsp=True)
    at, value = layout_at(compiled.program)
    assert value == 3
    blob = bytearray(compiled.program)
    blob[at : at + 4] = layout.to_bytes(4, "little", signed=True)
    if layout != 0:
        with pytest.raises(micro.ProgramError):
            Runtime(seal(blob), compiled.arena_bytes_needed)
    else:
        Runtime(seal(blob), compiled.arena_bytes_needed).invoke()
    rows = compile_model(load_model(data), dsp=True, flash_budget=len(compiled.program) - 1)
    at, value = layout_at(rows.program)
    assert value == 0
    blob = bytearray(rows.program)
    blob[at : at + 4] = (3).to_bytes(4, "little")
    with pytest.raises(micro.ProgramError):
        Runtime(seal(blob), rows.arena_bytes_needed)


@pytest.mark.skipif(not sanitized.enabled(), reason="set MICRO_SANITIZE=1 to run the ASan build")
@pytest.mark.parametrize("layout", [0, 3])
def test_head_layouts_under_sanitizers(layout: int) -> None:
    """The layout-3 head Program (K = 37: a short last group) and the same step edited to
    layout 0 (int8 rows over the int16 filter) run in the ASan/UBSan harness without a
    report; layout 3 gives the host's bytes."""
    data = conv_model(input_shape=(2, 1, 1, 37), filter_shape=(3, 1, 1, 37), padding=Padding.VALID)
    compiled = compile_model(load_model(data), dsp=True)
    at, value = layout_at(compiled.program)
    assert value == 3
    blob = bytearray(compiled.program)
    blob[at : at + 4] = layout.to_bytes(4, "little")
    x = np.random.default_rng(3).integers(-128, 128, (2, 1, 1, 37), dtype=np.int8)
    status, out, err = sanitized.run(seal(blob), compiled.arena_bytes_needed, [x.tobytes()])
    assert status == 0 and "Sanitizer" not in err and "runtime error" not in err, err
    if layout == 3:
        assert out == host_and_tflm(data, compiled, x)[1]
