"""Checks of a model's prepared steps, before planning: each step's operands against its
kernel's access contract (kernels.def), and the dataflow of a graph's operators (every
tensor read was written before, every output written once)."""

from __future__ import annotations

from collections.abc import Callable

from ._ffi import kernel_access
from .errors import ModelError, UnsupportedOpError
from .model import Subgraph, Tensor
from .ops.base import StepInfo


def check_access(step: StepInfo, variables: set[int], root: Callable[[int], int]) -> None:
    """A step's operands against its kernel's access contract (kernels.def), which
    micro_init enforces on the Program: refuse here, naming the operator, what it would
    refuse. Run after every prepare, when all aliases (RESHAPE onto a variable) are known:
    `variables` are the variable tensors' roots, `root` follows a tensor's aliases."""
    where = f"operator {step.op_index} ({step.op_name})"
    access = kernel_access(step.kernel)
    if len(access) != len(step.operands):
        raise UnsupportedOpError(
            f"{where}: {step.kernel} takes {len(access)} operands, got {len(step.operands)}"
        )
    for j, (letter, o) in enumerate(zip(access, step.operands, strict=True)):
        variable = o.kind == "tensor" and root(o.tensor) in variables
        allowed = {
            "i": o.kind in ("tensor", "const", "strip", "resource", "once"),
            "c": o.kind == "const",
            "o": o.kind == "strip" or (o.kind == "tensor" and not variable),
            "s": o.kind == "scratch",
            "v": o.kind in ("state", "resource", "once") or variable,
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


def check_dataflow(
    graph: Subgraph,
    tensors: list[Tensor],
    tensor: Callable[[int], Tensor],
    steps: list[StepInfo],
    where: str = "",
) -> None:
    """`graph`'s operators over the model's `tensors` (every subgraph's, numbered as in the
    compiler; `tensor` looks one up, checked): every tensor an operator reads is a graph
    input, a constant, a variable or an earlier operator's output, every output is written
    once and by one operator, and every graph output is written: otherwise the result would
    be whatever the arena held, or a step would write over what it reads."""
    # The file's constants and variables; not the compiler's constants, which also hold what
    # an operator made constant (a reshaped constant), an output like any other here.
    written = set(graph.inputs) | {t.index for t in tensors if t.data is not None or t.is_variable}
    # A variable may also be the output of one operator whose kernel updates it in place
    # (access "v", as CIRCULAR_BUFFER's frames), invocation after invocation.
    in_place = {
        (step.op_index, o.tensor)
        for step in steps
        for letter, o in zip(kernel_access(step.kernel), step.operands, strict=False)
        if letter == "v" and o.kind == "tensor"
    }
    unwritten = {t.index for t in tensors if t.is_variable and t.data is None}
    unwritten -= set(graph.inputs)
    for op in graph.operators:
        for i in op.inputs:
            if i >= 0 and i not in written and tensor(i).nbytes:  # empty: no bytes
                raise ModelError(
                    f"{where}operator {op.index} ({op.name}) reads tensor {i} "
                    f"('{tensor(i).name}'), which is not a graph input, a constant, "
                    f"a variable or the output of an earlier operator"
                )
        for o in op.outputs:
            if o in unwritten and (op.index, o) in in_place:
                unwritten.discard(o)
            elif o in written:
                raise ModelError(
                    f"{where}operator {op.index} ({op.name}) writes tensor {o} "
                    f"('{tensor(o).name}'), which is already a graph input, a "
                    f"constant, a variable or written before: every output must be new"
                )
            written.add(o)
    for o in graph.outputs:
        if o not in written:
            raise ModelError(
                f"{where}graph output tensor {o} ('{tensor(o).name}') is never "
                "written: no operator produces it and it is not a graph input"
            )
