"""The arena's buffers from a model's prepared steps: each tensor's, scratch's and state's
lifetime (first and last step), and which outputs may run over an input dying at their
step (the kernel's overlap rule). The planner places these; the serializer resolves them.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from ._ffi import overlap_gap, pack_params
from .control import extend_loops
from .errors import UnsupportedOpError
from .model import Model, Subgraph, Tensor
from .ops.base import Operand, StepInfo
from .planner import Buffer, Overlap
from .variables import Resources

# Arena buffers by root tensor index, (step, operand) for scratch and state,
# ("strip", tensor) for a patched chain's strip buffer (micro/patches.py), or
# ("resource", id) for a resource variable's state (micro/variables.py), ("once", id) for a
# CALL_ONCE's run-once flag (micro/control.py).
Key = int | tuple[int, int] | tuple[str, int]


class Steps(Protocol):
    """What the layout needs of micro.compiler.Compiler (which imports this module)."""

    model: Model
    graph: Subgraph
    steps: list[StepInfo]
    keep_inputs: bool
    dropped: set[tuple[int, int]]  # optional scratch left out: (step, operand)
    resources: Resources  # the resource variables (micro/variables.py)
    loops: list[tuple[int, int]]  # (first step, backward branch) of each loop (micro/control.py)

    def root(self, index: int) -> int: ...
    def tensor(self, index: int) -> Tensor: ...
    def const_value(self, index: int) -> np.ndarray | None: ...


def is_view(c: Steps, o: Operand) -> bool:
    """A tensor operand that is only part of its tensor (a strip's rows)."""
    return o.offset != 0 or o.size not in (0, c.tensor(o.tensor).nbytes)


def streamed(c: Steps) -> set[int]:
    """Root tensors of the inputs the steps stream (read by stream_rows steps only)."""
    return {c.root(o.tensor) for s in c.steps for o in s.operands if o.kind == "stream"}


def operand_sizes(c: Steps, s: int) -> list[int]:
    """Byte size of every operand of step s, as its refs will have them."""
    sizes = []
    for j, o in enumerate(c.steps[s].operands):
        if o.kind == "tensor":
            sizes.append(o.size or c.tensor(o.tensor).nbytes)
        elif o.kind == "strip":
            sizes.append(o.size)
        elif o.kind == "stream":
            sizes.append(c.tensor(o.tensor).nbytes)
        elif o.kind == "const":
            sizes.append(len(o.data))
        elif (o.kind in ("scratch", "state") and (s, j) not in c.dropped) or o.kind in (
            "resource",
            "once",
        ):
            sizes.append(o.size)
        else:
            sizes.append(0)
    return sizes


def overlaps(c: Steps, buffers: dict[Key, Buffer]) -> list[tuple[tuple[int, int, int], Overlap]]:
    """((step, input operand, output operand), Overlap) for every step whose kernel lets
    its output run over an input that dies at that step (and is not read twice by it)."""
    found = []
    for s, step in enumerate(c.steps):
        tensors = [
            (j, o.tensor)
            for j, o in enumerate(step.operands)
            if o.kind == "tensor" and not is_view(c, o)
        ]
        roots = [c.root(t) for _, t in tensors]
        params = pack_params(step.kernel, step.params)
        for i, x in tensors:
            for j, y in tensors:
                bx, by = buffers[c.root(x)], buffers[c.root(y)]
                if (
                    bx is by
                    or roots.count(c.root(x)) > 1
                    or bx.last != s
                    or by.first != s
                    or bx.kind not in ("tensor", "input")
                    or by.kind not in ("tensor", "output")
                ):
                    continue
                gap = overlap_gap(step.kernel, params, operand_sizes(c, s), i, j)
                if gap is not None:
                    found.append(((s, i, j), Overlap(by, bx, gap)))
    return found


def lifetimes(c: Steps) -> dict[Key, Buffer]:
    """Arena buffers keyed by root tensor index, or (step, operand) for scratch and state."""
    end = max(len(c.steps) - 1, 0)
    buffers: dict[Key, Buffer] = {}

    def touch(index: int, step: int, kind: str = "tensor") -> Buffer:
        root = c.root(index)
        tensor = c.tensor(index)
        if c.const_value(root) is not None:
            raise UnsupportedOpError(
                f"tensor {index} ('{tensor.name}') is constant but used as an activation",
                tensor=tensor.name,
            )
        buf = buffers.get(root)
        if buf is None:
            buf = Buffer(c.tensor(root).name, 0, step, step, kind)
            buffers[root] = buf
        buf.size = max(buf.size, tensor.nbytes)
        buf.first, buf.last = min(buf.first, step), max(buf.last, step)
        if index not in buf.tensors:
            buf.tensors.append(index)
        return buf

    stream = streamed(c)
    for i in c.graph.inputs:
        if c.root(i) in stream:  # no place in the arena: its rows reach a halo buffer
            continue
        touch(i, 0, "input")
        if c.keep_inputs:
            touch(i, end)
    for t in c.graph.tensors:
        if t.is_variable:
            touch(t.index, 0, "variable").last = end
    for s, step in enumerate(c.steps):
        for j, operand in enumerate(step.operands):
            if operand.kind == "tensor":
                touch(operand.tensor, s)
            elif operand.kind == "scratch" and (s, j) not in c.dropped:
                buffers[(s, j)] = Buffer(f"scratch of step {s}", operand.size, s, s, "scratch")
            elif operand.kind == "state":
                buffers[(s, j)] = Buffer(f"state of step {s}", operand.size, 0, end, "variable")
            elif operand.kind == "resource":
                name = f"resource variable '{c.resources.name(operand.tensor)}'"
                buffers.setdefault(
                    ("resource", operand.tensor), Buffer(name, operand.size, 0, end, "variable")
                )
            elif operand.kind == "once":
                name = f"run-once flag {operand.tensor}"
                buffers.setdefault(
                    ("once", operand.tensor), Buffer(name, operand.size, 0, end, "variable")
                )
            elif operand.kind == "strip":
                key = ("strip", operand.tensor)
                name = f"strips of {c.tensor(operand.tensor).name}"
                buf = buffers.setdefault(key, Buffer(name, 0, s, s, "strip"))
                buf.size, buf.last = max(buf.size, operand.size), s
    for o in c.graph.outputs:
        buf = touch(o, end)
        buf.last = end
        if buf.kind == "tensor":
            buf.kind = "output"
    extend_loops(list({id(b): b for b in buffers.values()}.values()), c.loops)
    return buffers
