"""The last stage of compiling: planned steps → the Program blob (micro/program.py) and the
CompiledModel the interpreter, the profiler and the firmware bundle read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ._ffi import kernel_id, pack_params
from .lifetimes import Key, Steps, is_view, streamed
from .model import Model, Subgraph, Tensor
from .ops.base import StepInfo
from .planner import Buffer, Plan
from .program import REF_STREAM, ProgramWriter, Step


@dataclass
class TensorSlot:
    """A model input or output: where it lives in the arena and how it is typed."""

    index: int
    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    scale: float
    zero_point: int
    offset: int  # -1 for a streamed input: it has no place in the arena
    size: int
    quant: Any = None

    @property
    def streamed(self) -> bool:
        """An input whose rows the program pulls through a row reader (micro/patches.py)."""
        return self.offset < 0


@dataclass
class CompiledModel:
    model: Model
    program: bytes
    plan: Plan
    steps: list[StepInfo]
    inputs: list[TensorSlot]
    outputs: list[TensorSlot]
    graph: Subgraph  # main's operators over its tensors, then its subgraphs' (control.Flat)
    buffer_of: dict[int, Buffer] = field(default_factory=dict)

    @property
    def arena_bytes_needed(self) -> int:
        """Arena bytes the program needs (its plan's size); the budget is the caller's."""
        return self.plan.arena_size

    @property
    def lower_bound(self) -> int:
        return self.plan.lower_bound


def serialize(
    c: Steps, arena_plan: Plan, buffers: dict[Key, Buffer], declared: set[tuple[int, int, int]]
) -> CompiledModel:
    """The planned steps as a Program blob, and what the host needs to run it. `declared`:
    the (step, input, output) operand pairs that overlap in the plan."""
    writer = ProgramWriter()

    def arena_ref(index: int) -> tuple[int, int]:
        return (buffers[c.root(index)].offset, c.tensor(index).nbytes)

    stream = streamed(c)

    def input_ref(index: int) -> tuple[int, int]:
        if c.root(index) not in stream:
            return arena_ref(index)
        k = [c.root(i) for i in c.graph.inputs].index(c.root(index))
        return (REF_STREAM | k, c.tensor(index).nbytes)

    for s, step in enumerate(c.steps):
        params = writer.add_data(pack_params(step.kernel, step.params), 4)
        refs = []
        for j, operand in enumerate(step.operands):
            if operand.kind == "tensor" and is_view(c, operand):  # rows of the tensor
                base = buffers[c.root(operand.tensor)].offset
                refs.append((base + operand.offset, operand.size))
            elif operand.kind == "tensor":
                refs.append(arena_ref(operand.tensor))
            elif operand.kind == "strip":
                refs.append((buffers[("strip", operand.tensor)].offset, operand.size))
            elif operand.kind == "stream":
                refs.append(input_ref(operand.tensor))
            elif operand.kind in ("scratch", "state") and (s, j) not in c.dropped:
                refs.append((buffers[(s, j)].offset, operand.size))
            elif operand.kind in ("resource", "once"):
                refs.append((buffers[(operand.kind, operand.tensor)].offset, operand.size))
            elif operand.kind == "const":
                refs.append(writer.const_ref(operand.data))
            else:
                refs.append((0, 0))
        pair = next(((i, j) for t, i, j in declared if t == s), None)
        writer.steps.append(Step(kernel_id(step.kernel), params, refs, pair))

    variables = []
    for t in c.graph.tensors:
        if t.is_variable:
            init = writer.const_ref(_variable_init(t))
            variables.append((arena_ref(t.index), init, init))
    for s, step in enumerate(c.steps):
        for j, operand in enumerate(step.operands):
            if operand.kind == "state":  # op-private state: zeros at init and reset
                zeros = writer.const_ref(b"")
                variables.append(((buffers[(s, j)].offset, operand.size), zeros, zeros))
    for r in c.resources.by_name.values():
        buf = buffers.get(("resource", r.id))
        if buf is not None:  # a variable no step of this subgraph uses has no buffer
            init, reset = writer.const_ref(r.initial), writer.const_ref(r.fill)
            variables.append(((buf.offset, r.nbytes), init, reset))
    for key, buf in buffers.items():
        if isinstance(key, tuple) and key[0] == "once":  # zeros at init, kept at reset
            ref = (buf.offset, buf.size)
            variables.append((ref, writer.const_ref(b""), ref))
    program = writer.serialize(
        arena_plan.arena_size,
        [input_ref(i) for i in c.graph.inputs],
        [arena_ref(o) for o in c.graph.outputs],
        variables,
    )
    buffer_of = {i: buffers[c.root(i)] for i in range(len(c.graph.tensors)) if c.root(i) in buffers}
    return CompiledModel(
        c.model,
        program,
        arena_plan,
        c.steps,
        [_slot(c, i, buffers) for i in c.graph.inputs],
        [_slot(c, o, buffers) for o in c.graph.outputs],
        c.graph,
        buffer_of,
    )


def _slot(c: Steps, index: int, buffers: dict[Key, Buffer]) -> TensorSlot:
    t = c.tensor(index)
    q = t.quant
    scale = float(q.scale[0]) if q is not None and len(q.scale) == 1 else 0.0
    zp = int(q.zero_point[0]) if q is not None and len(q.zero_point) == 1 else 0
    buf = buffers.get(c.root(index))
    return TensorSlot(
        index,
        t.name,
        t.shape,
        t.dtype,
        scale,
        zp,
        -1 if buf is None else buf.offset,
        t.nbytes,
        q,
    )


def _variable_init(t: Tensor) -> bytes:
    """A variable's value after init and reset, as TFLM's: an int8 variable is filled with its
    zero point, any other with zeros (b""); a buffer the model stores for it is not used."""
    q = t.quant
    if t.dtype == np.int8 and q is not None and len(q.zero_point) and q.zero_point[0] != 0:
        return bytes([int(q.zero_point[0]) & 0xFF]) * t.nbytes
    return b""
