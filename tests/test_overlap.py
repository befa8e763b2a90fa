"""Overlap rules (csrc/kernels/overlap.h): every kernel that states one computes, with its
output starting exactly `gap` bytes below its input and running over it, the bytes it
computes from separate buffers; reference kernels and their DSP twins (portable C here;
the firmware parity tests run the overlapped programs with the DSP instructions on the
emulated boards). The planner uses the rules, the Program declares each overlapping pair,
and the executor refuses a Program whose operands overlap any other way."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import support.depthwise as dw
import test_dsp_kernels as dsp
from support.models import binary_model, unary_model
from support.oracle import assert_matches_tflm
from test_dsp_conv_quads import pointwise_case, quads_case
from test_op_conv import conv_model
from test_op_pool import pool_model
from test_op_softmax import softmax_model

import micro
from micro._ffi import ffi, kernel_id, lib, pack_params
from micro.interpreter import Runtime
from micro.program import NO_OPERAND, REF_SIZE, read_header, read_steps, seal
from micro.schema import Padding

SEEDS = range(40)
PERSON_DETECT = "tflm/person_detection/person_detect.tflite"


@dataclass
class Case:
    """One kernel call: params bytes and operand bytes (None: absent), which operand is
    the input the output may run over, and which is the output."""

    kernel: str
    params: bytes
    operands: list[np.ndarray | None]
    inp: int
    out: int

    def gap(self) -> int | None:
        sizes = ffi.new("uint32_t[]", [0 if a is None else a.nbytes for a in self.operands])
        gap = int(
            lib.micro_overlap_gap(kernel_id(self.kernel), self.params, sizes, self.inp, self.out)
        )
        return None if gap == int(lib.MICRO_NO_OVERLAP) else gap


def run(fn: Any, case: Case, gap: int | None) -> bytes:
    """Call kernel `fn` on the case; with a gap, the output starts `gap` bytes below the
    input in one buffer (the input copied there first), else every operand is separate."""
    arrays = [None if a is None else a.copy() for a in case.operands]
    x, y = case.operands[case.inp], case.operands[case.out]
    assert x is not None and y is not None
    if gap is not None:
        shared = np.zeros(max(y.nbytes, gap + x.nbytes) + 8, np.uint8)
        shared[gap : gap + x.nbytes] = x.view(np.uint8)
        arrays[case.inp] = shared[gap : gap + x.nbytes]
        arrays[case.out] = shared[: y.nbytes]
    keep = ffi.from_buffer("char[]", case.params)
    args = [ffi.cast(ffi.typeof(fn).args[0], keep)]
    for ctype, a in zip(ffi.typeof(fn).args[1:], arrays, strict=True):
        args.append(ffi.NULL if a is None else ffi.cast(ctype, ffi.from_buffer(a)))
    assert fn(*args) == lib.MICRO_OK
    result = arrays[case.out]
    assert result is not None
    return result.tobytes()


def _cdata_case(kernel: str, params: Any, ops: list[np.ndarray], inp: int, out: int) -> Case:
    operands: list[np.ndarray | None] = [a if a.nbytes else None for a in ops]
    return Case(kernel, bytes(ffi.buffer(params)), operands, inp, out)


def compiled_case(model: bytes, seed: int) -> Case:
    """The one step of a one-op model, on random input bytes."""
    rng = np.random.default_rng(seed)
    compiled = micro.Interpreter.from_bytes(model, overlap=False).compiled
    (step,) = compiled.steps
    operands: list[np.ndarray | None] = []
    tensors = []
    for j, o in enumerate(step.operands):
        if o.kind == "tensor":
            n = compiled.model.subgraphs[0].tensors[o.tensor].nbytes
            operands.append(rng.integers(0, 256, n, dtype=np.uint8))
            tensors.append(j)
        elif o.kind == "const":
            operands.append(np.frombuffer(o.data, np.uint8).copy() if o.data else None)
        elif o.kind == "scratch":
            operands.append(np.zeros(o.size, np.uint8))
        else:
            operands.append(None)
    out = tensors[-1]
    return Case(step.kernel, pack_params(step.kernel, step.params), operands, tensors[0], out)


def _shape(rng: np.random.Generator) -> tuple[int, int, int, int]:
    return (
        int(rng.integers(1, 3)),
        int(rng.integers(1, 12)),
        int(rng.integers(1, 12)),
        int(rng.integers(1, 9)),
    )


def pool_case(op: str, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    filt = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
    stride = (int(rng.integers(1, 3)), int(rng.integers(1, 3)))
    padding = Padding.SAME if rng.random() < 0.5 else Padding.VALID
    shape = _shape(rng)
    shape = (shape[0], max(shape[1], filt[0]), max(shape[2], filt[1]), shape[3])
    return compiled_case(pool_model(op, shape, filt, stride, padding), seed)


def elementwise_case(op: str, seed: int) -> Case:
    rng = np.random.default_rng(seed)
    shape = _shape(rng)
    if op == "SOFTMAX":
        return compiled_case(softmax_model(shape, 0.1, 3), seed)
    if op == "LOGISTIC":
        return compiled_case(
            unary_model(op, shape, "int8", "int8", (0.1, 3), (1 / 256, -128)), seed
        )
    other = shape if rng.random() < 0.5 else (1, 1, 1, shape[3])
    return compiled_case(
        binary_model(op, shape, other, shape, (0.1, 3), (0.05, -2), (0.2, 1)), seed
    )


CASES: dict[str, Callable[[int], Case]] = {
    "conv_s8": lambda s: _cdata_case("conv_s8", *dsp.conv_case(s), 0, 6),
    # odd seeds: the DSP twin's 3x3 column path (filter layout 2, passes of several rows;
    # small maps at stride 1 for seeds 3 mod 4, square 3x3, 5x5 and 6x6 ones for 7 mod 8)
    "depthwise_conv_s8": lambda s: _cdata_case(
        "depthwise_conv_s8",
        *dw.compiled_case(
            *(
                (
                    dw.map_case(s, [3, 5, 6][s // 8 % 3] if s % 8 == 7 else 0)
                    if s % 4 == 3
                    else dw.column_case(s)
                )
                if s % 2
                else dw.depthwise_case(s)
            )
        ),
        0,
        5,
    ),
    "fully_connected_s8": lambda s: _cdata_case(
        "fully_connected_s8",
        *dsp.fully_connected_case(s),
        0,
        int(lib.MICRO_FULLY_CONNECTED_S8_OUTPUT),
    ),
    "average_pool_s8": lambda s: pool_case("AVERAGE_POOL_2D", s),
    "max_pool_s8": lambda s: pool_case("MAX_POOL_2D", s),
    "softmax_s8": lambda s: elementwise_case("SOFTMAX", s),
    "lut_s8": lambda s: elementwise_case("LOGISTIC", s),
    "add_s8": lambda s: elementwise_case("ADD", s),
    "mul_s8": lambda s: elementwise_case("MUL", s),
}
KERNELS = Path(__file__).resolve().parent.parent / "csrc" / "kernels"
DSP_TWINS = {k for k in CASES if (KERNELS / f"{k}_dsp.c").exists()}


@pytest.mark.parametrize("kernel", sorted(CASES))
def test_overlapped_layout_gives_the_separate_buffer_bytes(kernel: str) -> None:
    variants = [getattr(lib, f"micro_{kernel}")]
    if kernel in DSP_TWINS:
        variants.append(getattr(lib, f"micro_{kernel}_dsp"))
    overlapping = 0
    for seed in SEEDS:
        case = CASES[kernel](seed)
        assert case.kernel == kernel
        gap = case.gap()
        assert gap is not None, f"seed {seed}: {kernel} states no gap for its own pair"
        x, y = case.operands[case.inp], case.operands[case.out]
        assert x is not None and y is not None
        overlapping += gap < y.nbytes  # the output really runs over the input
        expected = run(variants[0], case, None)
        for fn in variants:
            assert run(fn, case, gap) == expected, f"seed {seed}, {fn}, gap {gap}"
    assert overlapping >= len(SEEDS) // 2


@pytest.mark.parametrize("k, out", [(16, 132), (128, 256), (37, 200), (8, 264), (40, 300)])
def test_wide_pointwise_layers_keep_the_rule(k: int, out: int) -> None:
    """A 1x1 layer of more than 128 channels on the DSP twin's pointwise path (filters in
    quads, the fast requantization: up to 256 channels every pair in one loop, past that
    blocks of 256 channels per pixel pair, pixels in order) with its output over its input
    at the rule's gap."""
    params = pointwise_case(1)[0]
    p = {f: getattr(params, f) for f, _ in ffi.typeof("micro_conv_s8_params_t").fields}
    p.update(batches=2, input_height=3, input_width=5, output_height=3, output_width=5)
    p.update(input_depth=k, filter_depth=k, output_depth=out)
    layer = quads_case(*dsp.conv_data(np.random.default_rng(k), p, True))
    case = _cdata_case("conv_s8", *layer, 0, 6)
    gap = case.gap()
    assert gap is not None and gap < out * 30
    assert run(lib.micro_conv_s8_dsp, case, gap) == run(lib.micro_conv_s8, case, None)


@pytest.mark.parametrize("out", [16, 32])
def test_pointwise8_runs_keep_the_rule(out: int) -> None:
    """K = 8 on the DSP twin's runs of pixels (conv_pointwise8_dsp.h: a run of up to 160
    widened first, then written channel by channel) with the output over the input at the
    rule's gap: 2 images of 13 x 14, three runs, one across the images' seam."""
    params = pointwise_case(2)[0]
    p = {f: getattr(params, f) for f, _ in ffi.typeof("micro_conv_s8_params_t").fields}
    p.update(batches=2, input_height=13, input_width=14, output_height=13, output_width=14)
    p.update(input_depth=8, filter_depth=8, output_depth=out)
    layer = quads_case(*dsp.conv_data(np.random.default_rng(out), p, True))
    case = _cdata_case("conv_s8", *layer, 0, 6)
    gap = case.gap()
    assert gap is not None
    assert run(lib.micro_conv_s8_dsp, case, gap) == run(lib.micro_conv_s8, case, None)


@pytest.mark.parametrize(
    "height, width, channels, mult, batches",
    [
        (6, 6, 128, 1, 1),  # vww's 6x6 maps: one pass of 6 rows
        (25, 5, 64, 1, 2),  # kws's: 6 + 6 + 6 + 4 + 3 rows
        (13, 24, 8, 1, 1),  # rows in two strips: through the stack
        (9, 40, 16, 1, 1),  # 640-byte rows through the stack: passes of 4 rows at most
        (11, 12, 64, 1, 1),  # 768-byte rows: 6 straight, then 3 + 2 through the stack
        (9, 40, 4, 1, 2),
        (8, 7, 6, 1, 1),  # blocks of 4 and 2 channels
        (7, 6, 4, 2, 1),  # multiplier 2: through the stack
        (3, 3, 12, 1, 2),  # 3x3 maps: the 3x3-map pass, each block's 4 channels at once
        (3, 3, 256, 1, 1),  # vww's 3x3 maps
        (3, 3, 6, 1, 1),  # blocks of 4 and 2 channels: the 3-row strips
    ],
)
def test_depthwise_column_passes_keep_the_rule(
    height: int, width: int, channels: int, mult: int, batches: int
) -> None:
    """The column path at stride 1 (passes of 6, 4, 3 and 2 rows, a whole pass's rows
    written straight over the input when the output lies below it by whole pixels and the
    rows fit one strip) gives the separate buffers' bytes with its output at the rule's gap
    and further below, by a pixel, a row, and amounts that are neither."""
    rng = np.random.default_rng(height * width + channels)
    p = {
        "batches": batches,
        "input_height": height,
        "input_width": width,
        "input_depth": channels,
        "depth_multiplier": mult,
        "filter_height": 3,
        "filter_width": 3,
        "output_height": height,
        "output_width": width,
        "stride_height": 1,
        "stride_width": 1,
        "dilation_height": 1,
        "dilation_width": 1,
        "pad_top": 1,
        "pad_left": 1,
        "input_zp": int(rng.integers(-128, 128)),
        "output_zp": int(rng.integers(-128, 128)),
    }
    for fast in (True, False):
        params, ops = dw.compiled_case(*dw.make_case(rng, dict(p), fast))
        assert params.filter_layout == 2
        case = _cdata_case("depthwise_conv_s8", params, ops, 0, 5)
        gap = case.gap()
        assert gap is not None and gap < ops[5].nbytes
        expected = run(lib.micro_depthwise_conv_s8, case, None)
        depth, row = channels * mult, width * channels * mult
        for extra in (0, depth, row, 3, depth + 1):
            assert run(lib.micro_depthwise_conv_s8_dsp, case, gap + extra) == expected, extra


def test_the_harness_sees_a_clobbered_input() -> None:
    """Closer than the rule, a convolution reads what it wrote: the comparison above would
    catch a rule that is too loose."""
    wrong = 0
    for seed in SEEDS:
        case = CASES["conv_s8"](seed)
        gap = case.gap()
        assert gap is not None
        if gap >= 16:
            closer = run(lib.micro_conv_s8, case, gap // 2)
            wrong += closer != run(lib.micro_conv_s8, case, None)
    assert wrong > 0


def test_broadcast_input_and_unknown_pairs_may_not_overlap() -> None:
    model = binary_model(
        "ADD", (1, 4, 4, 8), (1, 1, 1, 8), (1, 4, 4, 8), (0.1, 3), (0.05, -2), (0.2, 1)
    )
    case = compiled_case(model, 0)
    assert case.gap() == 0
    assert Case(case.kernel, case.params, case.operands, 1, case.out).gap() is None
    assert Case(case.kernel, case.params, case.operands, case.out, case.inp).gap() is None
    sizes = ffi.new("uint32_t[]", [1] * 8)
    assert lib.micro_overlap_gap(kernel_id("pad"), b"\0" * 64, sizes, 0, 1) == lib.MICRO_NO_OVERLAP


def test_conv_rule_worked_example() -> None:
    # 3x3, pad 1, stride 1, rows of 8x4 = 32 bytes in and out: while output row r is
    # written (up to its end, plus one pixel of row r + 1 in a straddling pair) the input
    # is still read from row r - 1 on: gap = 2 rows + 1 pixel.
    model = conv_model(input_shape=(1, 6, 8, 4), filter_shape=(4, 3, 3, 4))
    case = compiled_case(model, 0)
    assert case.kernel == "conv_s8"
    assert case.gap() == 2 * 32 + 4


def _set(program: bytes, at: int, *values: int) -> bytes:
    """`program` with uint32 `values` written from byte `at`, resealed."""
    blob = bytearray(program)
    for k, v in enumerate(values):
        blob[at + 4 * k : at + 4 * k + 4] = v.to_bytes(4, "little")
    return seal(blob)


def _overlapping_program() -> tuple[bytes, int]:
    model = conv_model(input_shape=(1, 9, 9, 4), filter_shape=(8, 3, 3, 4))
    it = micro.Interpreter.from_bytes(model)
    program = it.compiled.program
    (step,) = read_steps(program)
    assert (step.overlap_in, step.overlap_out) == (0, 6)
    return program, it.arena_used_bytes()


def test_program_declares_the_pair_and_the_executor_checks_it() -> None:
    program, arena = _overlapping_program()
    Runtime(program, arena)  # accepted as compiled
    header = read_header(program)
    (step,) = read_steps(program)
    pair_at = header.steps_offset + ffi.offsetof("micro_step_t", "overlap_in")
    input_ref_at = header.refs_offset + REF_SIZE * step.first_ref
    input_offset = int.from_bytes(program[input_ref_at : input_ref_at + 4], "little")

    tampered = {  # what the runtime says about each
        "undeclared": (_set(program, pair_at, NO_OPERAND, NO_OPERAND), "access contract"),
        "input 8 bytes closer": (_set(program, input_ref_at, input_offset - 8), "overlap rule"),
        "pair reversed": (_set(program, pair_at, 6, 0), "access contract|overlap rule"),
    }
    for what, (blob, message) in tampered.items():
        with pytest.raises(micro.ProgramError, match=message):
            Runtime(blob, arena)
            pytest.fail(what)


def test_separate_buffers_declare_nothing() -> None:
    model = conv_model(input_shape=(1, 9, 9, 4), filter_shape=(8, 3, 3, 4))
    program = micro.Interpreter.from_bytes(model, overlap=False).compiled.program
    (step,) = read_steps(program)
    assert (step.overlap_in, step.overlap_out) == (NO_OPERAND, NO_OPERAND)


@pytest.mark.parametrize(
    ("rel", "separate", "overlapped"),
    [
        # peak of the separate plan: 48x48x8 in + 48x48x16 out of the first 1x1 conv; with
        # overlap the first stages walk down the arena, each output below its input (the
        # exact arena against the bounds: test_planner.py).
        (PERSON_DETECT, 55296, None),
        # the 49x40 input under the 25x20x8 conv output, 2,240 B below it.
        ("tflm/micro_speech/micro_speech_quantized.tflite", 5960, 4200),
    ],
)
def test_reference_arenas_shrink_and_stay_exact(
    rel: str, separate: int, overlapped: int | None, reference: Callable[[str], Path]
) -> None:
    path = reference(rel)
    lean = micro.Interpreter.from_file(path, overlap=False, fastest=False)
    assert lean.arena_used_bytes() == separate
    it = micro.Interpreter.from_file(path, fastest=False)
    assert it.arena_used_bytes() == (overlapped or it.arena_used_bytes()) < separate
    assert it.compiled.lower_bound <= it.arena_used_bytes()
    assert_matches_tflm(path.read_bytes(), seeds=(0,))
