"""Compile a model into a Program: resolve each op, prepare it, plan the arena, serialize.

Model ──► resolver ──► prepare (per op, Python) ──► lifetimes ──► planner ──► serialize
 (compiler.py)                                       (lifetimes.py) (planner.py) (serialize.py)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import patches, resolver
from ._ffi import kernel_predicate, pack_params
from .control import Flat, flatten
from .errors import MicroError, ModelError, UnsupportedOpError
from .lifetimes import Key, lifetimes, overlaps
from .model import Model, Operator, Subgraph, Tensor
from .ops.base import OpContext, Operand, StepInfo
from .planner import Buffer, Plan, live_bytes, plan
from .program import REF_CONST, check_arena_size
from .serialize import CompiledModel, serialize
from .step_checks import check_access, check_dataflow
from .variables import Resource, Resources


class Compiler:
    def __init__(
        self,
        model: Model,
        subgraph: int = 0,
        overlap: bool = True,
        keep_inputs: bool = False,
        dsp: bool = False,
        wide_weights: bool = True,
        narrow_ops: frozenset[int] = frozenset(),
        quad_ops: frozenset[int] = frozenset(),
    ) -> None:
        if not model.subgraphs:
            raise ModelError("model has no subgraphs")
        self.model = model
        self.resources = Resources(model, subgraph)
        self.flat: Flat = flatten(model, subgraph)
        self.graph = self.flat.graph  # main's operators over every reached subgraph's tensors
        self.steps: list[StepInfo] = []
        self.loops: list[tuple[int, int]] = []  # (first step, backward branch) of each loop
        self._calls: list[tuple[Operator, int]] = []  # control operators being inlined
        self._once = 0  # run-once flags made so far
        self._prepared = False
        self.overlap = overlap  # let outputs run over dying inputs where kernels allow it
        self.keep_inputs = keep_inputs  # inputs live to the last step: they survive invoke
        self.dsp = dsp  # weights in the order the DSP twins read (ops/base.py, Graph.dsp)
        self.wide_weights = wide_weights  # with dsp, int16 weights where twins want them
        self.narrow_ops = narrow_ops  # operators whose weights stay int8 all the same
        self.quad_ops = quad_ops  # first layers kept on quads (layout 1), not rows (2)
        self.dropped: set[tuple[int, int]] = set()  # optional scratch left out: (step, operand)
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

    def resource(self, handle: int) -> Resource | None:
        return self.resources.resource(*self.flat.origin(handle))

    # -- control flow (micro/control.py) ------------------------------------------------
    def subgraph(self, index: int) -> Subgraph:
        """Subgraph `index` over the renumbered tensors."""
        return self.flat.subgraphs[index]

    def label(self) -> int:
        """The index the next step gets."""
        return len(self.steps)

    def inline(self, op: Operator, index: int) -> None:
        """Subgraph `index`'s operators as steps of control operator `op`."""
        if any(k == index for _, k in self._calls) or index == self.graph.index:
            chain = " -> ".join(str(k) for _, k in self._calls)
            raise ModelError(
                f"operator {op.index} ({op.name}) runs subgraph {index} inside itself "
                f"(subgraphs {self.graph.index} -> {chain} -> {index}): a recursion never "
                "ends, and no Program can hold it",
                operator=op.index,
            )
        self._calls.append((op, index))
        try:
            graph = self.subgraph(index)
            self._prepare_ops(graph.operators)
            check_dataflow(
                graph, self.graph.tensors, self.tensor, self.steps, f"subgraph {index}, "
            )
        except MicroError as exc:
            if len(self._calls) == 1:  # once, by the outermost operator of main
                exc.operator = op.index
                exc.args = (f"operator {op.index} ({op.name}), subgraph {index}: {exc}",)
            raise
        finally:
            self._calls.pop()

    def land(self, branch: int, target: int | None = None) -> None:
        """Branch step `branch` continues at `target` (default: the next step emitted)."""
        self.steps[branch].params["target"] = self.label() if target is None else target

    def loop(self, first: int) -> None:
        """The steps from `first` to the last one emitted are a loop's."""
        self.loops.append((first, len(self.steps) - 1))

    def once_flag(self) -> Operand:
        """A new run-once flag: 0 after micro_init, kept by micro_reset."""
        self._once += 1
        return Operand("once", tensor=self._once, size=4)

    def folded(self, op: Operator) -> bool:
        """CALL_ONCE `op`'s init subgraph is folded into the initial state (of main's only)."""
        return not self._calls and (self.graph.index, op.index) in self.resources.folded

    def constant(self, output: int, value: np.ndarray) -> None:
        self._consts[output] = value.reshape(self.tensor(output).shape)

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
        pack_params(kernel, params)  # fail now, at the op that is wrong, not at serialize
        inner, subgraph = None, 0
        calls = tuple((o.index, k) for o, k in self._calls)
        if self._calls:  # a step of a subgraph belongs to main's operator that runs it
            inner, subgraph = op, self._calls[-1][1]
            op = self._calls[0][0]
        for o in operands:  # before planning: the planner's overlap rules take 32-bit sizes
            nbytes = self.tensor(o.tensor).nbytes if o.kind == "tensor" else o.size
            if nbytes >= REF_CONST:
                what = (
                    f"tensor {o.tensor} ('{self.tensor(o.tensor).name}')"
                    if o.tensor >= 0
                    else o.kind
                )
                raise ModelError(
                    f"operator {op.index} ({op.name}): {what} needs {nbytes:,} B; the Program "
                    f"format addresses at most {REF_CONST - 1:,} B (shapes too large or corrupt)",
                    operator=op.index,
                )
        self.steps.append(
            StepInfo(op.index, op.name, kernel, macs, operands, params, inner, subgraph, calls)
        )

    def compile(
        self,
        arena_budget: int | None = None,
        max_overhead: float = 0.0,
        stream: bool = False,
        fastest: bool = False,
    ) -> CompiledModel:
        """Prepare every op, then plan. Optional scratch (faster kernels) is kept when the
        plan with it fits `arena_budget`; with no budget, only if it costs no arena bytes,
        or always if `fastest`.
        With `max_overhead` > 0 a chain of steps may run in strips (micro/patches.py): the
        smallest arena within that many extra instructions (a fraction), or with a budget,
        the fewest extra instructions that fit it. `stream`: the patched chain starts at an
        image input, whose rows its first stage pulls on demand: no copy of the input is kept
        in the arena (an error if no chain can)."""
        if arena_budget is not None:
            check_arena_size(arena_budget)
        self.prepare()
        if stream and self.has_branches:
            raise UnsupportedOpError(
                "a streamed input is not supported in a model with control flow (IF, WHILE, "
                "CALL_ONCE that computes): strips run straight-line chains only"
            )
        if (max_overhead > 0 or stream) and not self.has_branches:
            original = self.steps
            self.steps = patches.choose(self, arena_budget, max_overhead, stream)
            if self.steps is not original and arena_budget is None:
                # A patched plan keeps every optional scratch: dropping one would slow its
                # step several times over, outside the overhead the plan was chosen under.
                fastest = True
        if fastest and arena_budget is None:
            return self.build(self.full_arena())
        return self.build(arena_budget)

    def prepare(self) -> None:
        """Prepare every operator into steps (once)."""
        if self._prepared:
            return
        self._prepared = True
        self._prepare_ops(self.graph.operators)
        # After prepare: an op's own message is the more specific.
        check_dataflow(self.graph, self.graph.tensors, self.tensor, self.steps)
        variables = {self.root(t.index) for t in self.graph.tensors if t.is_variable}
        for step in self.steps:
            check_access(step, variables, self.root)

    @property
    def has_branches(self) -> bool:
        return any(s.kernel == "branch" for s in self.steps)

    def _prepare_ops(self, operators: list[Operator]) -> None:
        for op in operators:
            prepare = resolver.lookup(op)
            ctx = OpContext(self, op)
            try:
                prepare(ctx)
            except MicroError as exc:
                if exc.operator is None:  # raised below the op (a helper, a reader): locate it
                    exc.operator = op.index
                    exc.args = (f"{ctx.where}: {exc}",)
                raise

    def build(self, arena_budget: int | None = None) -> CompiledModel:
        """Plan the current steps and serialize them into a Program."""
        arena_plan, buffers = self._choose_plan(arena_budget)
        declared = {
            (s, i, j)
            for (s, i, j), o in (overlaps(self, buffers) if self.overlap else [])
            if o.output.offset < o.input.offset + o.input.size
            and o.input.offset < o.output.offset + o.output.size
        }
        return serialize(self, arena_plan, buffers, declared)

    @property
    def outputs(self) -> list[int]:
        return list(self.graph.outputs)

    @property
    def inputs(self) -> list[int]:
        return list(self.graph.inputs)

    def full_arena(self) -> int:
        """The arena of the current steps with every optional scratch kept."""
        kept, self.dropped = self.dropped, set()
        try:
            return self._plan()[0].arena_size
        finally:
            self.dropped = kept

    def floor_arena(self) -> int:
        """The arena of the current steps with every optional scratch dropped."""
        kept, self.dropped = self.dropped, self._optional()
        try:
            return self._plan()[0].arena_size
        finally:
            self.dropped = kept

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
        self.dropped = set(optional)
        floor = self._plan()[0].arena_size
        target = floor if arena_budget is None else max(arena_budget, floor)
        self.dropped = set()
        current = self._plan()
        while current[0].arena_size > target:
            p = current[0]
            live = live_bytes(p.buffers, p.n_steps, p.overlaps)
            kept = optional - self.dropped
            peak = max(live[s] for s, _ in kept)
            self.dropped |= {(s, j) for s, j in kept if live[s] == peak}
            current = self._plan()
        return current

    def _plan(self) -> tuple[Plan, dict[Key, Buffer]]:
        buffers = lifetimes(self)
        unique = list({id(b): b for b in buffers.values()}.values())
        pairs = [o for _, o in overlaps(self, buffers)] if self.overlap else []
        return plan(unique, len(self.steps), overlaps=pairs), buffers


def compile_model(
    model: Model,
    subgraph: int = 0,
    arena_budget: int | None = None,
    overlap: bool = True,
    max_overhead: float = 0.0,
    keep_inputs: bool = False,
    stream: bool = False,
    fastest: bool = False,
    dsp: bool = False,
    flash_budget: int | None = None,
) -> CompiledModel:
    """Compile `model`; see Compiler.compile for how `arena_budget`, `max_overhead` and
    `fastest` pick the plan (no budget: the smallest arena, or with `fastest` the arena
    that keeps every optional scratch). `overlap=False` keeps every step's operands in
    separate bytes (the tensor bound).

    As in TFLM, an input's bytes may be reused once its last reader has run, so an input
    must be set again before every invoke; `keep_inputs=True` keeps them intact (the plan
    may need a larger arena). `stream`: see Compiler.compile. `dsp`: for a core with the
    DSP extension (Board.dsp), weights in the order its kernels read; the Program still runs
    anywhere, to the same bytes. Some of those orders widen weights to int16 (CONV_2D's
    filter layout 1: twice the filter bytes); with `flash_budget` (bytes the Program may take,
    firmware.flash_budget) a Program that would not fit is compiled again with int8 weights.
    A convolution whose plan leaves out its im2col scratch (the arena's peak) keeps int16
    filters where the DSP twin's direct loop runs them without it (window rows of whole
    4-value groups, micro_conv_s8_dsp_direct); any other keeps int8 filters: with int16
    ones and no scratch the reference kernel reads them one output at a time (5x slower
    than int8 rows). The model is compiled again with those steps' weights int8 and the
    others' still int16, until no such step is left without its scratch; a first layer in
    int16 rows (filter layout 2, whose scratch holds FH widened input rows) goes to int16
    quads (layout 1) first. For the smallest arena (no budget, not `fastest`) the first
    layers' rows are kept only where quads would not give a smaller arena."""
    wide = Compiler(model, subgraph, overlap, keep_inputs, dsp)
    compiled = wide.compile(arena_budget, max_overhead, stream, fastest)
    too_big = flash_budget is not None and len(compiled.program) > flash_budget
    if dsp and too_big:
        narrow = Compiler(model, subgraph, overlap, keep_inputs, dsp, wide_weights=False)
        return narrow.compile(arena_budget, max_overhead, stream, fastest)
    narrow_ops: frozenset[int] = frozenset()
    quad_ops: frozenset[int] = frozenset()
    while dsp and (more := _wide_without_scratch(wide) - narrow_ops):
        rows = more & _rows_ops(wide)
        if rows:
            quad_ops |= rows
        else:
            narrow_ops |= more
        wide = Compiler(
            model, subgraph, overlap, keep_inputs, dsp, narrow_ops=narrow_ops, quad_ops=quad_ops
        )
        compiled = wide.compile(arena_budget, max_overhead, stream, fastest)
    rows = _rows_ops(wide)
    if dsp and rows and arena_budget is None and not fastest:
        quads = Compiler(
            model,
            subgraph,
            overlap,
            keep_inputs,
            dsp,
            narrow_ops=narrow_ops,
            quad_ops=quad_ops | rows,
        )
        other = quads.compile(arena_budget, max_overhead, stream, fastest)
        if other.arena_bytes_needed < compiled.arena_bytes_needed and not _wide_without_scratch(
            quads
        ):
            return other
    return compiled


def _rows_ops(c: Compiler) -> frozenset[int]:
    """The operators of the CONV_2D steps with int16 filters in rows (layout 2)."""
    return frozenset(
        s.op_index for s in c.steps if s.kernel == "conv_s8" and s.params["filter_layout"] == 2
    )


def _wide_without_scratch(c: Compiler) -> frozenset[int]:
    """The operators of the CONV_2D steps with int16 filters whose plan left out their
    im2col scratch and that the DSP twin's direct loop (no scratch) does not take."""
    return frozenset(
        c.steps[s].op_index
        for s, _ in c.dropped
        if c.steps[s].kernel == "conv_s8"
        and c.steps[s].params["filter_layout"] in (1, 2, 4)
        and not kernel_predicate("conv_s8", "dsp_direct", c.steps[s].params)
    )
