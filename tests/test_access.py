"""The operand-access contract (kernels.def, enforced by micro_init): every way a CRC-valid
Program could make a kernel write into the Program, read its parameters from the arena,
write over a variable or over another operand is refused with MICRO_ERR_ACCESS, whatever
the arena holds. These are the crash classes the fuzzing campaigns found, kept as tests.
"""

from __future__ import annotations

import numpy as np
import pytest
from support import sanitized
from support.models import T, one_op_model

import micro
from micro._build import registry
from micro._ffi import ffi, kernel_access, lib
from micro.compiler import compile_model
from micro.interpreter import Runtime
from micro.model import load_model
from micro.program import read_header, seal
from micro.writer import ModelBuilder


def _fc_model() -> bytes:
    """input -> FULLY_CONNECTED (operands: input, filter, bias, multiplier, shift, output)."""
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 16), "int8", scale=0.5, zero_point=1)
    w = b.add_tensor("w", (8, 16), "int8", data=np.arange(128).reshape(8, 16) - 64, scale=0.01)
    y = b.add_tensor("y", (1, 8), "int8", scale=0.25, zero_point=-3)
    b.add_operator("FULLY_CONNECTED", [x, w], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def _svdf_like_state_model() -> bytes:
    """A model with a variable (SVDF state) next to ordinary outputs."""
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 4), "int8", scale=0.5, zero_point=0)
    wf = b.add_tensor("wf", (8, 4), "int8", data=np.ones((8, 4), np.int8), scale=0.01)
    wt = b.add_tensor("wt", (8, 3), "int8", data=np.ones((8, 3), np.int8), scale=0.01)
    bias = b.add_tensor("b", (4,), "int32", data=np.zeros(4, np.int32), scale=0.001)
    state = b.add_tensor("state", (1, 24), "int8", scale=0.1, zero_point=0, is_variable=True)
    y = b.add_tensor("y", (1, 4), "int8", scale=0.1, zero_point=0)
    b.add_operator("SVDF", [x, wf, wt, bias, state], [y], {"rank": 2})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


class Blob:
    """A Program blob's header and refs as cffi views (the C layout, never retyped)."""

    def __init__(self, program: bytes) -> None:
        self.data = bytearray(program)
        self._buf = ffi.from_buffer(self.data)
        self.header = ffi.cast("micro_program_header_t *", self._buf)
        self.steps = ffi.cast("micro_step_t *", self._buf + self.header.steps_offset)
        self.refs = ffi.cast("micro_ref_t *", self._buf + self.header.refs_offset)

    def operand(self, step: int, j: int) -> ffi.CData:
        return self.refs[self.steps[step].first_ref + j]

    def sealed(self) -> bytes:
        return seal(self.data)


def _refused(program: bytes, arena: int) -> str:
    with pytest.raises(micro.ProgramError) as exc:
        Runtime(program, arena)
    if sanitized.enabled():
        status, _, err = sanitized.run(program, arena, [bytes(64)])
        assert status >= 10 and "runtime error" not in err and "Sanitizer" not in err, err
    return str(exc.value)


def test_every_kernel_declares_each_operand() -> None:
    for id_, _, name in registry():
        access = kernel_access(name)
        assert len(access) == lib.micro_kernel_get(id_).n_operands, name
        assert set(access) <= set("icosvr"), name


def test_output_pointed_into_the_program_is_refused() -> None:
    compiled = compile_model(load_model(_fc_model()))
    blob = Blob(compiled.program)
    out = blob.operand(0, int(lib.MICRO_FULLY_CONNECTED_S8_OUTPUT))
    out.offset = blob.operand(0, int(lib.MICRO_FULLY_CONNECTED_S8_FILTER)).offset  # constant data
    assert "access contract" in _refused(blob.sealed(), compiled.arena_bytes_needed)


def test_scratch_pointed_into_the_program_is_refused() -> None:
    axes = T((2,), "int32", np.array([1, 2], np.int32))
    model = one_op_model("MEAN", [T((1, 4, 4, 8), "int8", quant=(0.5, 0)), axes], [
        T((1, 8), "int8", quant=(0.5, 0))
    ])  # fmt: skip
    compiled = compile_model(load_model(model))
    scratch = kernel_access(compiled.steps[0].kernel).index("s")
    intact = Blob(compiled.program).sealed()
    Runtime(intact, compiled.arena_bytes_needed).invoke()  # the untouched program runs
    blob = Blob(intact)
    program = read_header(intact)
    blob.operand(0, scratch).offset = int(lib.MICRO_REF_CONST)  # the start of the data
    blob.operand(0, scratch).size = min(
        blob.operand(0, scratch).size, program.size - program.data_offset
    )
    assert "access contract" in _refused(blob.sealed(), compiled.arena_bytes_needed)


@pytest.mark.parametrize("operand", [1, 2, 3, 4])  # filter, bias, multiplier, shift
def test_constant_operands_pointed_into_the_arena_are_refused(operand: int) -> None:
    """micro_init would otherwise range-check whatever the arena held (its verdict would
    depend on arena contents) and the kernel would read activations as shift counts."""
    compiled = compile_model(load_model(_fc_model()))
    blob = Blob(compiled.program)
    ref = blob.operand(0, operand)
    ref.offset = 0  # the start of the arena (the input)
    ref.size = min(ref.size, compiled.arena_bytes_needed)
    assert "access contract" in _refused(blob.sealed(), compiled.arena_bytes_needed)


def test_written_operand_over_another_operand_is_refused() -> None:
    compiled = compile_model(load_model(_fc_model()))
    blob = Blob(compiled.program)
    out = blob.operand(0, int(lib.MICRO_FULLY_CONNECTED_S8_OUTPUT))
    out.offset = blob.operand(0, 0).offset  # output over the input
    assert "access contract" in _refused(blob.sealed(), compiled.arena_bytes_needed)


def test_state_outside_a_variable_and_outputs_over_a_variable_are_refused() -> None:
    compiled = compile_model(load_model(_svdf_like_state_model()))
    access = kernel_access(compiled.steps[0].kernel)
    state, out = access.index("v"), access.index("o")
    intact = Blob(compiled.program).sealed()
    Runtime(intact, compiled.arena_bytes_needed).invoke()  # the untouched program runs

    blob = Blob(intact)
    blob.operand(0, out).offset = blob.operand(0, state).offset  # output written over state
    assert "access contract" in _refused(blob.sealed(), compiled.arena_bytes_needed)
    blob = Blob(intact)
    blob.operand(0, state).offset = 0  # state kept outside any variable
    assert "access contract" in _refused(blob.sealed(), compiled.arena_bytes_needed)


def test_a_model_writing_a_variable_through_an_alias_is_refused_at_compile_time() -> None:
    """Found by the model fuzzer: AVERAGE_POOL's output reshaped into a variable tensor
    compiled, and only the runtime refused the Program. Now the compiler names the op
    (the dataflow check: a variable is never an operator's output)."""
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 2, 2, 4), "int8", scale=0.1, zero_point=0)
    pooled = b.add_tensor("pooled", (1, 1, 1, 4), "int8", scale=0.1, zero_point=0)
    shape = b.add_tensor("shape", (2,), "int32", data=np.array([1, 4], np.int32))
    var = b.add_tensor("var", (1, 4), "int8", scale=0.1, zero_point=0, is_variable=True)
    b.add_operator(
        "AVERAGE_POOL_2D",
        [x],
        [pooled],
        {"padding": 1, "filter_height": 2, "filter_width": 2, "stride_h": 1, "stride_w": 1},
    )
    b.add_operator("RESHAPE", [pooled, shape], [var])
    b.set_inputs([x])
    b.set_outputs([var])
    with pytest.raises(micro.ModelError, match=r"operator 1 \(RESHAPE\) writes tensor 3"):
        compile_model(load_model(b.build()))
