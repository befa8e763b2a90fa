"""Subgraphs as steps of the one Program: IF, WHILE and a CALL_ONCE that computes run their
subgraphs' steps inline, between BRANCH steps (csrc/include/micro/kernels/branch.h).

The compiler sees one graph: the main subgraph's operators over the tensors of every subgraph
it reaches, renumbered (`flatten`: main's keep their indices, subgraph k's follow at
`offsets[k]`), so one planner lays out every tensor in one arena. What each control operator
becomes (micro/ops/control_flow.py):

    IF     branch to ELSE if cond is false; copy in, THEN's steps, copy out; branch to END;
           ELSE: copy in, ELSE's steps, copy out; END
    WHILE  copy inputs to outputs; TOP: copy outputs to cond's inputs, COND's steps; branch
           to END if false; copy outputs to body's inputs, BODY's steps, copy body's outputs
           to the outputs; branch to TOP; END
    CALL_ONCE (an init subgraph that computes) branch to END if the run-once flag is set;
           INIT's steps; set the flag; END (the flag is a variable micro_reset keeps)

Copies are what TFLM does (it copies between the operator's and the subgraph's tensors too).
The planner orders buffers by step index; that order is a superset of every path through
forward branches, so IF needs nothing more. A loop's backward branch is not: every buffer a
step of the loop touches is kept live over the whole loop (`extend_loops`), so no value a
later iteration reads is overwritten.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .errors import ModelError
from .model import Model, Operator, Subgraph
from .ops.base import StepInfo
from .planner import Buffer
from .schema import BuiltinOperator as B

# The subgraph each control operator names, by option.
SUBGRAPH_OPTIONS = {
    int(B.IF): ("then_subgraph_index", "else_subgraph_index"),
    int(B.WHILE): ("cond_subgraph_index", "body_subgraph_index"),
    int(B.CALL_ONCE): ("init_subgraph_index",),
}


def called(op: Operator, n_subgraphs: int, where: str) -> list[int]:
    """The subgraphs `op` runs (none for other operators); an index out of range is a
    malformed model."""
    indices = [op.options.get(name, -1) for name in SUBGRAPH_OPTIONS.get(op.builtin_code, ())]
    for name, index in zip(SUBGRAPH_OPTIONS.get(op.builtin_code, ()), indices, strict=True):
        if not 0 <= index < n_subgraphs:
            raise ModelError(
                f"{where}, operator {op.index} ({op.name}): {name} {index} is not a subgraph "
                f"(the model has {n_subgraphs})",
                operator=op.index,
            )
    return indices


@dataclass
class Flat:
    """The main subgraph over every reachable subgraph's tensors (renumbered)."""

    graph: Subgraph
    offsets: dict[int, int]  # subgraph -> index of its tensor 0 in graph.tensors
    subgraphs: dict[int, Subgraph] = field(default_factory=dict)  # renumbered

    def origin(self, index: int) -> tuple[int, int]:
        """(subgraph, its own tensor index) of renumbered tensor `index`."""
        offset, k = max((off, k) for k, off in self.offsets.items() if off <= index)
        return k, index - offset


def _shift(indices: tuple[int, ...], offset: int) -> tuple[int, ...]:
    return tuple(i + offset if i >= 0 else i for i in indices)


def flatten(model: Model, main: int) -> Flat:
    """`model`'s subgraph `main` with the tensors of every subgraph its control operators
    reach (transitively) appended; main itself when it reaches none."""
    graph = model.subgraphs[main]
    reached: list[int] = []
    todo = [main]
    while todo:
        k = todo.pop()
        sub = model.subgraphs[k]
        for op in sub.operators:
            for index in called(op, len(model.subgraphs), f"subgraph {k}"):
                if index != main and index not in reached:
                    reached.append(index)
                    todo.append(index)
    if not reached:
        return Flat(graph, {main: 0})
    tensors = list(graph.tensors)
    offsets = {main: 0}
    subgraphs = {}
    for k in sorted(reached):
        sub = model.subgraphs[k]
        offset = offsets[k] = len(tensors)
        tensors += [dataclasses.replace(t, index=t.index + offset) for t in sub.tensors]
        ops = [
            dataclasses.replace(
                op,
                inputs=_shift(op.inputs, offset),
                outputs=_shift(op.outputs, offset),
                intermediates=_shift(op.intermediates, offset),
            )
            for op in sub.operators
        ]
        subgraphs[k] = Subgraph(
            k, sub.name, tensors, ops, _shift(sub.inputs, offset), _shift(sub.outputs, offset)
        )
    flat = Subgraph(graph.index, graph.name, tensors, graph.operators, graph.inputs, graph.outputs)
    subgraphs[main] = flat
    return Flat(flat, offsets, subgraphs)


@dataclass
class OpRow:
    """An operator as reports list it: main's (depth 0), or one of a subgraph that a control
    operator runs, listed after that operator one level deeper. `steps` are the steps the
    operator made itself (a control operator's: its branches and copies, not its subgraphs')."""

    op: Operator  # over the compiled graph's tensors
    subgraph: int
    depth: int
    steps: list[int]
    folded: bool = False  # in a CALL_ONCE folded into the initial state: nothing runs

    @property
    def label(self) -> str:
        """`3` for main's operator 3, `2:0` for operator 0 of subgraph 2."""
        return str(self.op.index) if self.depth == 0 else f"{self.subgraph}:{self.op.index}"


def operator_rows(model: Model, main: int, steps: Sequence[StepInfo]) -> list[OpRow]:
    """Every operator the Program runs, each subgraph's after the control operator that runs
    it (a subgraph run by two operators is listed under each, with the steps each made)."""
    flat = flatten(model, main)
    made: dict[tuple[tuple[tuple[int, int], ...], int], list[int]] = defaultdict(list)
    for i, step in enumerate(steps):
        made[step.key].append(i)
    rows: list[OpRow] = []

    def walk(graph: Subgraph, calls: tuple[tuple[int, int], ...], folded: bool) -> None:
        for op in graph.operators:
            row = OpRow(op, graph.index, len(calls), made.get((calls, op.index), []), folded)
            rows.append(row)
            inner = dict.fromkeys(called(op, len(model.subgraphs), f"subgraph {graph.index}"))
            if inner and not row.steps:
                row.folded = True  # a CALL_ONCE of constants: its subgraph is the initial state
            for k in inner:
                if k != main and all(k != c for _, c in calls):  # a recursion never compiles
                    walk(flat.subgraphs[k], (*calls, (op.index, k)), row.folded)

    walk(flat.graph, (), False)
    return rows


def extend_loops(buffers: list[Buffer], loops: list[tuple[int, int]]) -> None:
    """Keep every buffer (but one step's scratch) that a loop's steps touch live over the
    whole loop, [first step, backward branch]."""
    for first, last in loops:
        for buf in buffers:
            if buf.kind != "scratch" and buf.first <= last and buf.last >= first:
                buf.first, buf.last = min(buf.first, first), max(buf.last, last)
