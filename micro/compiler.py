"""Compile a model into a Program: resolve each op, prepare it, plan the arena, serialize.

Model ──► resolver ──► prepare (per op, Python) ──► lifetimes ──► planner ──► Program
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import patches, resolver
from ._ffi import kernel_access, kernel_id, overlap_gap, pack_params
from .errors import MicroError, ModelError, UnsupportedOpError
from .model import Model, Operator, Tensor
from .ops.base import OpContext, Operand, StepInfo
from .planner import Buffer, Overlap, Plan, live_bytes, plan
from .program import REF_STREAM, ProgramWriter, Step, check_arena_size

# Arena buffers by root tensor index, (step, operand) for scratch and state, or
# ("strip", tensor) for a patched chain's strip buffer (micro/patches.py).
Key = int | tuple[int, int] | tuple[str, int]


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
    buffer_of: dict[int, Buffer] = field(default_factory=dict)

    @property
    def arena_bytes_needed(self) -> int:
        """Arena bytes the program needs (its plan's size); the budget is the caller's."""
        return self.plan.arena_size

    @property
    def lower_bound(self) -> int:
        return self.plan.lower_bound


class Compiler:
    def __init__(
        self, model: Model, subgraph: int = 0, overlap: bool = True, keep_inputs: bool = False
    ) -> None:
        if not model.subgraphs:
            raise ModelError("model has no subgraphs")
        self.model = model
        self.graph = model.subgraphs[subgraph]
        self.steps: list[StepInfo] = []
        self._prepared = False
        self.overlap = overlap  # let outputs run over dying inputs where kernels allow it
        self.keep_inputs = keep_inputs  # inputs live to the last step: they survive invoke
        self._dropped: set[tuple[int, int]] = set()  # optional scratch left out: (step, operand)
        self._consts: dict[int, np.ndarray] = {}
        self._alias: dict[int, int] = {}
        for t in self.graph.tensors:
            if t.data is not None and not t.is_variable:
                self._consts[t.index] = t.data

    def tensor(self, index: int) -> Tensor:
        if not 0 <= index < len(self.graph.tensors):
            raise ModelError(f"tensor index {index} out of range ({len(self.graph.tensors)})")
        return self.graph.tensors[index]

    def const_value(self, index: int) -> np.ndarray | None:
        return self._consts.get(index)

    def root(self, index: int) -> int:
        while index in self._alias:
            index = self._alias[index]
        return index

    def alias(self, output: int, source: int) -> None:
        value = self._consts.get(source)
        if value is not None:
            self._consts[output] = value.reshape(self.tensor(output).shape)
        else:
            root = self.root(source)
            if root == output:  # a cycle would make root() loop forever
                raise ModelError(
                    f"tensor {output} ('{self.tensor(output).name}') would be its own alias: "
                    f"an operator writes the tensor it reads"
                )
            self._alias[output] = root

    def emit(
        self, op: Operator, kernel: str, params: dict[str, Any], operands: list[Operand], macs: int
    ) -> None:
        try:
            pack_params(kernel, params)  # fail now, at the op that is wrong, not at serialize
        except OverflowError as exc:
            raise ModelError(
                f"operator {op.index} ({op.name}): a {kernel} parameter does not fit 32 bits "
                f"({exc}); the tensor shapes are too large or corrupt",
                operator=op.index,
            ) from exc
        self.steps.append(StepInfo(op.index, op.name, kernel, macs, operands, params))

    def _check_access(self, step: StepInfo) -> None:
        """A step's operands against its kernel's access contract (kernels.def), which
        micro_init enforces on the Program: refuse here, naming the operator, what it would
        refuse. Run after every prepare, when all aliases (RESHAPE onto a variable) are known."""
        where = f"operator {step.op_index} ({step.op_name})"
        access = kernel_access(step.kernel)
        if len(access) != len(step.operands):
            raise UnsupportedOpError(
                f"{where}: {step.kernel} takes {len(access)} operands, got {len(step.operands)}"
            )
        variables = {self.root(t.index) for t in self.graph.tensors if t.is_variable}
        for j, (letter, o) in enumerate(zip(access, step.operands, strict=True)):
            variable = o.kind == "tensor" and self.root(o.tensor) in variables
            allowed = {
                "i": o.kind in ("tensor", "const", "strip"),
                "c": o.kind == "const",
                "o": o.kind == "strip" or (o.kind == "tensor" and not variable),
                "s": o.kind == "scratch",
                "v": o.kind == "state" or variable,
                "r": o.kind == "stream",
            }[letter]
            if not allowed and o.kind != "none":
                what = {
                    "c": "constant data",
                    "o": "a tensor that is no variable",
                    "v": "a variable",
                }
                raise UnsupportedOpError(
                    f"{where}: operand {j} of {step.kernel} must be {what.get(letter, letter)}, "
                    f"got a {'variable ' if variable else ''}{o.kind}"
                )

    def streamed(self) -> set[int]:
        """Root tensors of the inputs the steps stream (read by stream_rows steps only)."""
        return {self.root(o.tensor) for s in self.steps for o in s.operands if o.kind == "stream"}

    def compile(
        self, arena_budget: int | None = None, max_overhead: float = 0.0, stream: bool = False
    ) -> CompiledModel:
        """Prepare every op, then plan. Optional scratch (faster kernels) is kept when the
        plan with it fits `arena_budget`; with no budget, only if it costs no arena bytes.
        With `max_overhead` > 0 a chain of steps may run in strips (micro/patches.py): the
        smallest arena within that many extra instructions (a fraction), or with a budget,
        the fewest extra instructions that fit it. `stream`: the patched chain starts at an
        image input, whose rows its first stage pulls on demand: no copy of the input is kept
        in the arena (an error if no chain can)."""
        if arena_budget is not None:
            check_arena_size(arena_budget)
        self.prepare()
        if max_overhead > 0 or stream:
            self.steps = patches.choose(self, arena_budget, max_overhead, stream)
        return self.build(arena_budget)

    def prepare(self) -> None:
        """Prepare every operator into steps (once)."""
        if self._prepared:
            return
        self._prepared = True
        for op in self.graph.operators:
            prepare = resolver.lookup(op)
            ctx = OpContext(self, op)
            try:
                prepare(ctx)
            except MicroError as exc:
                if exc.operator is None:  # raised below the op (a helper, a reader): locate it
                    exc.operator = op.index
                    exc.args = (f"{ctx.where}: {exc}",)
                raise
        self._check_dataflow()  # after prepare: an op's own message is the more specific
        for step in self.steps:
            self._check_access(step)

    def _check_dataflow(self) -> None:
        """Every tensor an operator reads is a graph input, a constant, a variable or an
        earlier operator's output, every output is written once and by one operator, and
        every graph output is written: otherwise the result would be whatever the arena
        held, or a step would write over what it reads."""
        # The file's constants and variables; not self._consts, which also holds what an
        # operator made constant (a reshaped constant), an output like any other here.
        written = set(self.graph.inputs) | {
            t.index for t in self.graph.tensors if t.data is not None or t.is_variable
        }
        for op in self.graph.operators:
            for i in op.inputs:
                if i >= 0 and i not in written and self.tensor(i).nbytes:  # empty: no bytes
                    raise ModelError(
                        f"operator {op.index} ({op.name}) reads tensor {i} "
                        f"('{self.tensor(i).name}'), which is not a graph input, a constant, "
                        f"a variable or the output of an earlier operator"
                    )
            for o in op.outputs:
                if o in written:
                    raise ModelError(
                        f"operator {op.index} ({op.name}) writes tensor {o} "
                        f"('{self.tensor(o).name}'), which is already a graph input, a "
                        f"constant, a variable or written before: every output must be new"
                    )
                written.add(o)
        for o in self.graph.outputs:
            if o not in written:
                raise ModelError(
                    f"graph output tensor {o} ('{self.tensor(o).name}') is never written: no "
                    f"operator produces it and it is not a graph input"
                )

    def build(self, arena_budget: int | None = None) -> CompiledModel:
        """Plan the current steps and serialize them into a Program."""
        return self._serialize(*self._choose_plan(arena_budget))

    @property
    def outputs(self) -> list[int]:
        return list(self.graph.outputs)

    @property
    def inputs(self) -> list[int]:
        return list(self.graph.inputs)

    def floor_arena(self) -> int:
        """The arena of the current steps with every optional scratch dropped."""
        kept, self._dropped = self._dropped, self._optional()
        try:
            return self._plan()[0].arena_size
        finally:
            self._dropped = kept

    def _optional(self) -> set[tuple[int, int]]:
        return {
            (s, j)
            for s, step in enumerate(self.steps)
            for j, o in enumerate(step.operands)
            if o.kind == "scratch" and o.optional
        }

    def _choose_plan(self, arena_budget: int | None) -> tuple[Plan, dict[Key, Buffer]]:
        """Keep every optional scratch, then drop those of the steps with the most bytes alive
        until the arena fits the budget (no budget: the smallest arena the model can have)."""
        optional = self._optional()
        self._dropped = set(optional)
        floor = self._plan()[0].arena_size
        target = floor if arena_budget is None else max(arena_budget, floor)
        self._dropped = set()
        current = self._plan()
        while current[0].arena_size > target:
            p = current[0]
            live = live_bytes(p.buffers, p.n_steps, p.overlaps)
            kept = optional - self._dropped
            peak = max(live[s] for s, _ in kept)
            self._dropped |= {(s, j) for s, j in kept if live[s] == peak}
            current = self._plan()
        return current

    def _plan(self) -> tuple[Plan, dict[Key, Buffer]]:
        buffers = self._lifetimes()
        unique = list({id(b): b for b in buffers.values()}.values())
        overlaps = [o for _, o in self._overlaps(buffers)] if self.overlap else []
        return plan(unique, len(self.steps), overlaps=overlaps), buffers

    def _is_view(self, o: Operand) -> bool:
        """A tensor operand that is only part of its tensor (a strip's rows)."""
        return o.offset != 0 or o.size not in (0, self.tensor(o.tensor).nbytes)

    def _operand_sizes(self, s: int) -> list[int]:
        """Byte size of every operand of step s, as its refs will have them."""
        sizes = []
        for j, o in enumerate(self.steps[s].operands):
            if o.kind == "tensor":
                sizes.append(o.size or self.tensor(o.tensor).nbytes)
            elif o.kind == "strip":
                sizes.append(o.size)
            elif o.kind == "stream":
                sizes.append(self.tensor(o.tensor).nbytes)
            elif o.kind == "const":
                sizes.append(len(o.data))
            elif o.kind in ("scratch", "state") and (s, j) not in self._dropped:
                sizes.append(o.size)
            else:
                sizes.append(0)
        return sizes

    def _overlaps(self, buffers: dict[Key, Buffer]) -> list[tuple[tuple[int, int, int], Overlap]]:
        """((step, input operand, output operand), Overlap) for every step whose kernel lets
        its output run over an input that dies at that step (and is not read twice by it)."""
        found = []
        for s, step in enumerate(self.steps):
            tensors = [
                (j, o.tensor)
                for j, o in enumerate(step.operands)
                if o.kind == "tensor" and not self._is_view(o)
            ]
            roots = [self.root(t) for _, t in tensors]
            params = pack_params(step.kernel, step.params)
            for i, x in tensors:
                for j, y in tensors:
                    bx, by = buffers[self.root(x)], buffers[self.root(y)]
                    if (
                        bx is by
                        or roots.count(self.root(x)) > 1
                        or bx.last != s
                        or by.first != s
                        or bx.kind not in ("tensor", "input")
                        or by.kind not in ("tensor", "output")
                    ):
                        continue
                    gap = overlap_gap(step.kernel, params, self._operand_sizes(s), i, j)
                    if gap is not None:
                        found.append(((s, i, j), Overlap(by, bx, gap)))
        return found

    def _lifetimes(self) -> dict[Key, Buffer]:
        """Arena buffers keyed by root tensor index, or (step, operand) for scratch and state."""
        end = max(len(self.steps) - 1, 0)
        buffers: dict[Key, Buffer] = {}

        def touch(index: int, step: int, kind: str = "tensor") -> Buffer:
            root = self.root(index)
            tensor = self.tensor(index)
            if root in self._consts:
                raise UnsupportedOpError(
                    f"tensor {index} ('{tensor.name}') is constant but used as an activation",
                    tensor=tensor.name,
                )
            buf = buffers.get(root)
            if buf is None:
                buf = Buffer(self.tensor(root).name, 0, step, step, kind)
                buffers[root] = buf
            buf.size = max(buf.size, tensor.nbytes)
            buf.first, buf.last = min(buf.first, step), max(buf.last, step)
            if index not in buf.tensors:
                buf.tensors.append(index)
            return buf

        streamed = self.streamed()
        for i in self.graph.inputs:
            if self.root(i) in streamed:
                continue
            touch(i, 0, "input")
            if self.keep_inputs:
                touch(i, end)
        for t in self.graph.tensors:
            if t.is_variable:
                touch(t.index, 0, "variable").last = end
        for s, step in enumerate(self.steps):
            for j, operand in enumerate(step.operands):
                if operand.kind == "tensor":
                    touch(operand.tensor, s)
                elif operand.kind == "scratch" and (s, j) not in self._dropped:
                    buffers[(s, j)] = Buffer(f"scratch of step {s}", operand.size, s, s, "scratch")
                elif operand.kind == "state":
                    buffers[(s, j)] = Buffer(f"state of step {s}", operand.size, 0, end, "variable")
                elif operand.kind == "strip":
                    key = ("strip", operand.tensor)
                    name = f"strips of {self.tensor(operand.tensor).name}"
                    buf = buffers.setdefault(key, Buffer(name, 0, s, s, "strip"))
                    buf.size, buf.last = max(buf.size, operand.size), s
        for o in self.graph.outputs:
            buf = touch(o, end)
            buf.last = end
            if buf.kind == "tensor":
                buf.kind = "output"
        return buffers

    def _serialize(self, arena_plan: Plan, buffers: dict[Key, Buffer]) -> CompiledModel:
        writer = ProgramWriter()
        declared = {
            (s, i, j)
            for (s, i, j), o in (self._overlaps(buffers) if self.overlap else [])
            if o.output.offset < o.input.offset + o.input.size
            and o.input.offset < o.output.offset + o.output.size
        }

        def arena_ref(index: int) -> tuple[int, int]:
            return (buffers[self.root(index)].offset, self.tensor(index).nbytes)

        def input_ref(index: int) -> tuple[int, int]:
            if self.root(index) not in streamed:
                return arena_ref(index)
            k = [self.root(i) for i in self.graph.inputs].index(self.root(index))
            return (REF_STREAM | k, self.tensor(index).nbytes)

        streamed = self.streamed()

        for s, step in enumerate(self.steps):
            params = writer.add_data(pack_params(step.kernel, step.params), 4)
            refs = []
            for j, operand in enumerate(step.operands):
                if operand.kind == "tensor" and self._is_view(operand):  # rows of the tensor
                    base = buffers[self.root(operand.tensor)].offset
                    refs.append((base + operand.offset, operand.size))
                elif operand.kind == "tensor":
                    refs.append(arena_ref(operand.tensor))
                elif operand.kind == "strip":
                    refs.append((buffers[("strip", operand.tensor)].offset, operand.size))
                elif operand.kind == "stream":
                    refs.append(input_ref(operand.tensor))
                elif operand.kind in ("scratch", "state") and (s, j) not in self._dropped:
                    refs.append((buffers[(s, j)].offset, operand.size))
                elif operand.kind == "const":
                    refs.append(writer.const_ref(operand.data))
                else:
                    refs.append((0, 0))
            pair = next(((i, j) for t, i, j in declared if t == s), None)
            writer.steps.append(Step(kernel_id(step.kernel), params, refs, pair))

        variables = []
        for t in self.graph.tensors:
            if t.is_variable:
                variables.append((arena_ref(t.index), writer.const_ref(_variable_init(t))))
        for s, step in enumerate(self.steps):
            for j, operand in enumerate(step.operands):
                if operand.kind == "state":  # op-private state: zeros at init and reset
                    variables.append(
                        ((buffers[(s, j)].offset, operand.size), writer.const_ref(b""))
                    )
        program = writer.serialize(
            arena_plan.arena_size,
            [input_ref(i) for i in self.graph.inputs],
            [arena_ref(o) for o in self.graph.outputs],
            variables,
        )
        buffer_of = {
            i: buffers[self.root(i)]
            for i in range(len(self.graph.tensors))
            if self.root(i) in buffers
        }
        return CompiledModel(
            self.model,
            program,
            arena_plan,
            self.steps,
            [self._slot(i, buffers) for i in self.graph.inputs],
            [self._slot(o, buffers) for o in self.graph.outputs],
            buffer_of,
        )

    def _slot(self, index: int, buffers: dict[Key, Buffer]) -> TensorSlot:
        t = self.tensor(index)
        q = t.quant
        scale = float(q.scale[0]) if q is not None and len(q.scale) == 1 else 0.0
        zp = int(q.zero_point[0]) if q is not None and len(q.zero_point) == 1 else 0
        buf = buffers.get(self.root(index))
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


def compile_model(
    model: Model,
    subgraph: int = 0,
    arena_budget: int | None = None,
    overlap: bool = True,
    max_overhead: float = 0.0,
    keep_inputs: bool = False,
    stream: bool = False,
) -> CompiledModel:
    """Compile `model`; see Compiler.compile for how `arena_budget` and `max_overhead` pick
    the plan. `overlap=False` keeps every step's operands in separate bytes (the tensor
    bound).

    As in TFLM, an input's bytes may be reused once its last reader has run, so an input
    must be set again before every invoke; `keep_inputs=True` keeps them intact (the plan
    may need a larger arena). `stream`: see Compiler.compile."""
    compiler = Compiler(model, subgraph, overlap, keep_inputs)
    return compiler.compile(arena_budget, max_overhead, stream)
