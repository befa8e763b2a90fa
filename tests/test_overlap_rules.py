"""Every kernel states an overlap rule or declares none (csrc/kernels/*.c), and every rule
holds: random one-op models of each kernel run with the output exactly `gap` bytes below
the input give the separate-buffer bytes (tests/test_overlap.py's harness), the executor
accepts a Program that keeps the rule and refuses one 8 bytes closer, and the planner
never overlaps a kernel that declares none."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support.models import T, one_op_model, unary_model
from test_op_compare import select_model
from test_op_int16x8 import conv_model as conv16_model
from test_op_pool import random_pool
from test_op_pool_float import OPS as FLOAT_POOLS
from test_op_pool_float import random_float_pool
from test_overlap import CASES as OVERLAP_CASES
from test_overlap import SEEDS, Case, compiled_case, run

import micro
from micro._build import registry as build_registry
from micro._ffi import ffi, lib
from micro.interpreter import Runtime
from micro.program import NO_OPERAND, REF_CONST, REF_SIZE, read_header, read_steps, seal

KERNELS = Path(__file__).resolve().parent.parent / "csrc" / "kernels"
Builder = Callable[[np.random.Generator], bytes]


def _shape(rng: np.random.Generator) -> tuple[int, ...]:
    return tuple(int(d) for d in rng.integers(1, 9, int(rng.integers(1, 5))))


def _other(rng: np.random.Generator, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The second input's shape: the same, or broadcast along all but the last dim."""
    return shape if rng.random() < 0.5 else (1,) * (len(shape) - 1) + shape[-1:]


def _binary(op: str, dtype: str, quant: bool = True) -> Builder:
    def build(rng: np.random.Generator) -> bytes:
        s = _shape(rng)
        other = _other(rng, s) if dtype != "int32" else (s if rng.random() < 0.5 else (1,))
        zp = dtype == "int8"
        qs = ((0.01 if zp else 0.1, 3 * zp), (0.05, -2 * zp), (0.2, zp)) if quant else (None,) * 3
        tensors = [T(s, dtype, quant=qs[0]), T(other, dtype, quant=qs[1])]
        return one_op_model(op, tensors, [T(s, dtype, quant=qs[2])])

    return build


def _unary(
    op: str, dtype_in: str, dtype_out: str, q_in: object, q_out: object, **opt: float
) -> Builder:
    return lambda rng: unary_model(op, _shape(rng), dtype_in, dtype_out, q_in, q_out, opt or None)  # type: ignore[arg-type]


def _compare(op: str, dtype: str, out: str) -> Builder:
    def build(rng: np.random.Generator) -> bytes:
        s = _shape(rng)
        q = (0.1, 3) if dtype == "int8" else None
        return one_op_model(
            op,
            [T(s, dtype, quant=q), T(_other(rng, s), dtype, quant=q)],
            [T(s, out, quant=q if out != "bool" else None)],
        )

    return build


def _prelu(rng: np.random.Generator) -> bytes:
    s = _shape(rng)
    alpha = rng.integers(-128, 128, s[-1:]).astype(np.int8)
    return one_op_model(
        "PRELU",
        [T(s, "int8", quant=(0.1, 3)), T(s[-1:], "int8", alpha, (0.02, 5))],
        [T(s, "int8", quant=(0.08, -1))],
    )


def _prelu_s16(rng: np.random.Generator) -> bytes:
    s = _shape(rng)
    alpha = rng.integers(-128, 128, s[-1:]).astype(np.int8)
    return one_op_model(
        "PRELU",
        [T(s, "int16", quant=(0.01, 30)), T(s[-1:], "int8", alpha, (0.02, 5))],
        [T(s, "int16", quant=(0.008, -100))],
    )


def _fc_f32(rng: np.random.Generator) -> bytes:
    b, k, n = (int(v) for v in rng.integers(1, 9, 3))
    w = rng.standard_normal((n, k)).astype(np.float32)
    return one_op_model(
        "FULLY_CONNECTED",
        [T((b, k), "float32"), T((n, k), "float32", w), T((n,), "float32", w[:, 0].copy())],
        [T((b, n), "float32")],
    )


def _pool(op: str) -> Builder:
    return lambda rng: random_pool(op, int(rng.integers(1 << 30)), "int16")


def _float_pool(op: str) -> Builder:
    return lambda rng: random_float_pool(op, int(rng.integers(1 << 30)))


def _select(rng: np.random.Generator) -> bytes:
    s = _shape(rng)
    return select_model(s, _other(rng, s), s, "int8", rng)


# kernel -> (model builders, which tensor operand of the step the output runs over)
RULES: dict[str, tuple[list[Builder], int]] = {
    "add_s16": ([_binary("ADD", "int16"), _binary("SUB", "int16")], 0),
    "mul_s16": ([_binary("MUL", "int16")], 0),
    "binary_f32": ([_binary("ADD", "float32", False), _binary("DIV", "float32", False)], 0),
    "binary_s32": ([_binary("ADD", "int32", False), _binary("MUL", "int32", False)], 0),
    "floor_div_mod_s32": (
        [_binary("FLOOR_DIV", "int32", False), _binary("FLOOR_MOD", "int32", False)],
        0,
    ),
    "squared_difference_s8": ([_binary("SQUARED_DIFFERENCE", "int8")], 0),
    "compare": (
        [
            _compare("LESS", "int8", "bool"),
            _compare("GREATER", "float32", "bool"),
            _compare("MAXIMUM", "int8", "int8"),
            _compare("MINIMUM", "int32", "int32"),
        ],
        0,
    ),
    "select": ([_select], 1),
    "prelu_s8": ([_prelu], 0),
    "prelu_s16": ([_prelu_s16], 0),
    "quantize_f32": (
        [
            _unary("QUANTIZE", "float32", "int8", None, (0.1, 3)),
            _unary("QUANTIZE", "float32", "int16", None, (0.01, 0)),
        ],
        0,
    ),
    "dequantize_f32": (
        [
            _unary("DEQUANTIZE", "int8", "float32", (0.1, 3), None),
            _unary("DEQUANTIZE", "int16", "float32", (0.01, 0), None),
        ],
        0,
    ),
    "requantize_int": (
        [
            _unary("QUANTIZE", "int8", "int16", (0.1, 3), (0.001, 0)),
            _unary("QUANTIZE", "int16", "int8", (0.001, 0), (0.1, 3)),
            _unary("QUANTIZE", "int16", "int32", (0.001, 0), (0.0001, 0)),
        ],
        0,
    ),
    "cast": (
        [
            _unary("CAST", "int8", "int32", None, None),
            _unary("CAST", "int16", "float32", None, None),
            _unary("CAST", "float32", "int8", None, None),
            _unary("CAST", "int32", "uint32", None, None),
        ],
        0,
    ),
    "unary_f32": (
        [
            _unary("NEG", "float32", "float32", None, None),
            _unary("SQRT", "float32", "float32", None, None),
            _unary("HARD_SWISH", "float32", "float32", None, None),
        ],
        0,
    ),
    "l2_norm_f32": ([_unary("L2_NORMALIZATION", "float32", "float32", None, None)], 0),
    "leaky_relu_s16": (
        [_unary("LEAKY_RELU", "int16", "int16", (0.001, 0), (0.002, 0), alpha=0.2)],
        0,
    ),
    "logistic_tanh_s16": (
        [
            _unary("LOGISTIC", "int16", "int16", (2**-12, 0), (2**-15, 0)),
            _unary("TANH", "int16", "int16", (2**-12, 0), (2**-15, 0)),
        ],
        0,
    ),
    "pool_s16": ([_pool("AVERAGE_POOL_2D"), _pool("MAX_POOL_2D")], 0),
    "pool_f32": ([_float_pool(op) for op in FLOAT_POOLS], 0),
    "conv_s16": (
        [
            lambda rng: conv16_model(int(rng.integers(1 << 30))),
            lambda rng: conv16_model(int(rng.integers(1 << 30)), depthwise=True),
        ],
        0,
    ),
    "fully_connected_f32": ([_fc_f32], 0),
    "abs_s16": ([_unary("ABS", "int16", "int16", (0.001, 0), (0.0015, 0))], 0),
}


def case(kernel: str, seed: int) -> Case:
    builders, inp = RULES[kernel]
    rng = np.random.default_rng([seed, 13])
    c = compiled_case(builders[seed % len(builders)](rng), seed)
    tensors = [j for j, a in enumerate(c.operands) if a is not None and j != c.out]
    c.inp = [j for j in tensors if j not in _consts(c)][inp]
    return c


def _consts(c: Case) -> set[int]:
    access = ffi.string(lib.micro_kernel_access(_kid(c.kernel))).decode()
    return {j for j, a in enumerate(access) if a == "c"}


def _kid(kernel: str) -> int:
    return int(getattr(lib, f"MICRO_K_{kernel.upper()}"))


def _declared() -> dict[str, str]:
    """kernel -> 'gap' or 'none', from each kernel object's table entry in csrc/kernels."""
    found = {}
    for path in KERNELS.glob("*.c"):
        for name, rule in re.findall(
            r"const micro_kernel_t micro_kernel_(\w+) = \{[^;]*?(\w+)\};", path.read_text(), re.S
        ):
            found[name] = {"gap": "gap", "MICRO_OVERLAP_NONE": "none"}.get(rule, rule)
    return found


def test_every_kernel_states_a_rule_or_none() -> None:
    declared = _declared()
    registry = {name for _, _, name in build_registry()}
    assert set(declared) == registry
    unstated = {k: v for k, v in declared.items() if v not in ("gap", "none")}
    assert not unstated, f"kernels with neither a rule nor MICRO_OVERLAP_NONE: {unstated}"
    for path in KERNELS.glob("*.c"):
        text = path.read_text()
        if "MICRO_OVERLAP_NONE}" in text:
            assert "/* Overlap rule: none (" in text, f"{path.name}: say why it has no rule"
    tested = set(RULES) | set(OVERLAP_CASES)  # here, and in tests/test_overlap.py
    assert {k for k, v in declared.items() if v == "gap"} == tested


@pytest.mark.parametrize("kernel", sorted(RULES))
def test_rule_gives_the_separate_buffer_bytes(kernel: str) -> None:
    fn = getattr(lib, f"micro_{kernel}")
    overlapping = 0
    for seed in SEEDS:
        c = case(kernel, seed)
        assert c.kernel == kernel, f"seed {seed}: the model ran {c.kernel}"
        gap = c.gap()
        if gap is None:  # a broadcast input: read again, so never overwritten
            continue
        y = c.operands[c.out]
        assert y is not None
        overlapping += gap < y.nbytes
        assert run(fn, c, gap) == run(fn, c, None), f"seed {seed}, gap {gap}"
    assert overlapping >= len(SEEDS) // 3


def relayout(program: bytes, inp: int, out: int, distance: int) -> tuple[bytes, int]:
    """The one-step `program` with every arena operand moved to a fresh place: operand `out`
    `distance` bytes below operand `inp` (above if negative), declared as the overlapping
    pair, the rest after them. Returns the program and its arena size."""
    header = read_header(program)
    (step,) = read_steps(program)
    blob = bytearray(program)
    refs = ffi.new("micro_ref_t[]", header.n_refs)
    ffi.memmove(
        refs,
        program[header.refs_offset : header.refs_offset + REF_SIZE * header.n_refs],
        REF_SIZE * header.n_refs,
    )
    ops = [refs[step.first_ref + j] for j in range(step.n_operands)]
    base_out, base_in = max(0, -distance), max(0, distance)
    moved = {ops[out].offset: base_out, ops[inp].offset: base_in}
    end = max(base_out + ops[out].size, base_in + ops[inp].size)
    for r in ops:
        if r.size and not r.offset & REF_CONST and r.offset not in moved:
            end = (end + 7) // 8 * 8
            moved[r.offset], end = end, end + r.size
    for k in range(header.n_refs):
        if refs[k].size and not refs[k].offset & REF_CONST:
            refs[k].offset = moved[refs[k].offset]
    arena = (end + 7) // 8 * 8
    blob[header.refs_offset : header.refs_offset + REF_SIZE * header.n_refs] = ffi.buffer(refs)
    at = header.steps_offset + ffi.offsetof("micro_step_t", "overlap_in")
    blob[at : at + 8] = inp.to_bytes(4, "little") + out.to_bytes(4, "little")
    at = ffi.offsetof("micro_program_header_t", "arena_size")
    blob[at : at + 4] = arena.to_bytes(4, "little")
    return seal(blob), arena


@pytest.mark.parametrize("kernel", sorted(RULES))
def test_executor_keeps_the_rule_and_refuses_closer(kernel: str) -> None:
    for seed in range(6):
        c = case(kernel, seed)
        gap = c.gap()
        if gap is None:
            continue
        builders, _ = RULES[kernel]
        model = builders[seed % len(builders)](np.random.default_rng([seed, 13]))
        program = micro.Interpreter.from_bytes(model, overlap=False).compiled.program
        kept = (gap + 7) // 8 * 8
        Runtime(*relayout(program, c.inp, c.out, kept))
        with pytest.raises(micro.ProgramError, match="overlap rule"):
            Runtime(*relayout(program, c.inp, c.out, kept - 8))


NONE_MODELS: dict[str, Builder] = {
    "pad": lambda rng: one_op_model(
        "PAD",
        [
            T((1, 6, 6, 4), "int8", quant=(0.1, 0)),
            T((4, 2), "int32", np.array([[0, 0], [1, 1], [1, 1], [0, 0]], np.int32)),
        ],
        [T((1, 8, 8, 4), "int8", quant=(0.1, 0))],
    ),
    "strided_copy": lambda rng: one_op_model(
        "TRANSPOSE",
        [T((4, 6, 8), "int8", quant=(0.1, 0)), T((3,), "int32", np.array([2, 0, 1], np.int32))],
        [T((8, 4, 6), "int8", quant=(0.1, 0))],
    ),
}


@pytest.mark.parametrize("kernel", sorted(NONE_MODELS))
def test_kernels_without_a_rule_never_overlap(kernel: str) -> None:
    model = NONE_MODELS[kernel](np.random.default_rng(0))
    it = micro.Interpreter.from_bytes(model)
    (step,) = read_steps(it.compiled.program)
    assert it.compiled.steps[0].kernel == kernel
    assert step.overlap_in == step.overlap_out == int(lib.MICRO_NO_OPERAND)


def test_no_rule_means_no_pair() -> None:
    """Every kernel that declares none refuses every pair, whatever its params."""
    sizes = ffi.new("uint32_t[]", [1 << 20] * 16)
    for name, rule in _declared().items():
        if rule == "none":
            k = _kid(name)
            n = lib.micro_kernel_get(k).n_operands
            for i in range(n):
                for j in range(n):
                    gap = lib.micro_overlap_gap(k, b"\0" * 512, sizes, i, j)
                    assert gap == lib.MICRO_NO_OVERLAP, name


@pytest.mark.parametrize("kernel", sorted(RULES))
def test_planner_uses_the_rule(kernel: str) -> None:
    """A one-op model's output runs over its dying input where the rule lets it: the arena
    is below the two tensors' sum for some seed, and the Program declares the pair."""
    smaller = 0
    for seed in range(6):
        builders, _ = RULES[kernel]
        model = builders[seed % len(builders)](np.random.default_rng([seed, 13]))
        it = micro.Interpreter.from_bytes(model)
        separate = micro.Interpreter.from_bytes(model, overlap=False).arena_used_bytes()
        (step,) = read_steps(it.compiled.program)
        if it.arena_used_bytes() < separate:
            smaller += 1
            assert (step.overlap_in, step.overlap_out) != (NO_OPERAND, NO_OPERAND)
    assert smaller > 0
