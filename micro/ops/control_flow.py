"""IF, WHILE and CALL_ONCE: operators that run other subgraphs. Their subgraphs' steps are
emitted inline between BRANCH steps, with copies between the operator's tensors and the
subgraph's as TFLM makes them (the step sequences: micro/control.py)."""

from __future__ import annotations

from collections.abc import Sequence

from .._ffi import lib
from ..model import Tensor
from ..schema import BuiltinOperator as B
from ._copy import emit_strided_copy
from .base import NONE, OpContext, Operand, prepares

IF_ZERO = int(lib.MICRO_BRANCH_IF_ZERO)
IF_NONZERO = int(lib.MICRO_BRANCH_IF_NONZERO)
ALWAYS = int(lib.MICRO_BRANCH_ALWAYS)
TYPES = "any (operands are copied); a bool condition"


def _copy(ctx: OpContext, sources: Sequence[Tensor], targets: Sequence[Tensor], what: str) -> None:
    """targets[i] = sources[i], each pair of one type and size (as TFLM checks at invoke)."""
    if len(sources) != len(targets):
        raise ctx.malformed(f"{what}: {len(sources)} tensors go to {len(targets)}")
    for src, dst in zip(sources, targets, strict=True):
        if src.type != dst.type or src.nbytes != dst.nbytes:
            raise ctx.unsupported(
                f"{what}: tensor {src.index} ('{src.name}', {src.type_name} "
                f"{list(src.shape)}) goes to tensor {dst.index} ('{dst.name}', "
                f"{dst.type_name} {list(dst.shape)}): each pair must have one type and size",
                dst,
            )
        if ctx.value(dst) is not None:
            raise ctx.malformed(f"{what}: tensor {dst.index} ('{dst.name}') is constant", dst)
        if src.index != dst.index:
            emit_strided_copy(ctx, ctx.ref(src), ctx.ref(dst), 1, [src.nbytes], 0, [1])


def _branch(ctx: OpContext, cond: Operand, when: int) -> int:
    """A BRANCH step whose target `land` sets later; its step index."""
    ctx.emit("branch", {"target": 0, "when": when}, {"cond": cond})
    return ctx.graph.label() - 1


def _tensors(ctx: OpContext, indices: Sequence[int]) -> list[Tensor]:
    return [ctx.graph.tensor(i) for i in indices]


def _run(ctx: OpContext, index: int, inputs: Sequence[Tensor], outputs: Sequence[Tensor]) -> None:
    """Copy `inputs` in, subgraph `index`'s steps, copy its outputs to `outputs`."""
    sub = ctx.graph.subgraph(index)
    _copy(ctx, inputs, _tensors(ctx, sub.inputs), f"the inputs of subgraph {index}")
    ctx.graph.inline(ctx.op, index)
    _copy(ctx, _tensors(ctx, sub.outputs), outputs, f"the outputs of subgraph {index}")


def _check_cond(ctx: OpContext, cond: Tensor, what: str) -> None:
    if cond.type_name != "bool" or cond.nbytes != 1:
        raise ctx.unsupported(
            f"{what} (tensor {cond.index}, '{cond.name}') is {cond.type_name} "
            f"{list(cond.shape)}; it must be one bool",
            cond,
        )


@prepares(B.IF, types=TYPES)
def prepare_if(ctx: OpContext) -> None:
    if ctx.n_inputs < 1:
        raise ctx.malformed("has no condition (input 0)")
    cond = ctx.input(0)
    _check_cond(ctx, cond, "the condition")
    inputs = [ctx.input(i) for i in range(1, ctx.n_inputs)]
    outputs = [ctx.output(i) for i in range(len(ctx.op.outputs))]
    graph = ctx.graph
    to_else = _branch(ctx, ctx.ref(cond), IF_ZERO)
    _run(ctx, ctx.options["then_subgraph_index"], inputs, outputs)
    to_end = _branch(ctx, NONE, ALWAYS)
    graph.land(to_else)
    _run(ctx, ctx.options["else_subgraph_index"], inputs, outputs)
    graph.land(to_end)


@prepares(B.WHILE, types=TYPES)
def prepare_while(ctx: OpContext) -> None:
    graph = ctx.graph
    cond_index, body_index = ctx.options["cond_subgraph_index"], ctx.options["body_subgraph_index"]
    cond_graph = graph.subgraph(cond_index)
    if not cond_graph.outputs:
        raise ctx.malformed(f"its condition subgraph {cond_index} has no output")
    cond = graph.tensor(cond_graph.outputs[0])
    _check_cond(ctx, cond, f"output 0 of its condition subgraph {cond_index}")
    inputs = [ctx.input(i) for i in range(ctx.n_inputs)]
    state = [ctx.output(i) for i in range(len(ctx.op.outputs))]
    # The outputs hold the loop's values from the start: the inputs if it never runs.
    _copy(ctx, inputs, state, "its inputs to its outputs")
    top = graph.label()
    _copy(ctx, state, _tensors(ctx, cond_graph.inputs), f"the inputs of subgraph {cond_index}")
    graph.inline(ctx.op, cond_index)
    to_end = _branch(ctx, ctx.ref(cond), IF_ZERO)
    _run(ctx, body_index, state, state)
    graph.land(_branch(ctx, NONE, ALWAYS), top)
    graph.land(to_end)
    graph.loop(top)


@prepares(
    B.CALL_ONCE,
    types="an init subgraph (folded into the initial state when it assigns constants only)",
)
def prepare_call_once(ctx: OpContext) -> None:
    """An init subgraph of constant assignments before any use is the variables' initial
    value (micro/variables.py): nothing runs. Any other runs at the first invoke only."""
    graph = ctx.graph
    if graph.folded(ctx.op):
        return
    index = ctx.options["init_subgraph_index"]
    init = graph.subgraph(index)
    if ctx.op.inputs or ctx.op.outputs or init.inputs or init.outputs:
        raise ctx.malformed(f"it and its init subgraph {index} take no inputs and give no outputs")
    flag = graph.once_flag()
    done = _branch(ctx, flag, IF_NONZERO)
    graph.inline(ctx.op, index)
    ctx.emit(
        "assign_variable",
        {"size": flag.size},
        {"value": ctx.const((1).to_bytes(flag.size, "little")), "variable": flag},
    )
    graph.land(done)
