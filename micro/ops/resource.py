"""Resource variables: VAR_HANDLE, READ_VARIABLE and ASSIGN_VARIABLE. The compiler resolves
each handle to one state buffer (micro/variables.py); what runs is a copy out of, or into,
that buffer. CALL_ONCE is in control_flow.py."""

from __future__ import annotations

from ..model import Tensor
from ..schema import BuiltinOperator as B
from ._copy import emit_strided_copy
from .base import OpContext, prepares

TYPES = "any (bytes are copied)"


@prepares(B.VAR_HANDLE, types="resource (resolved at compile time)")
def prepare_handle(ctx: OpContext) -> None:
    """Nothing runs: the handle's name was resolved at compile time."""


@prepares(B.READ_VARIABLE, types=TYPES)
def prepare_read(ctx: OpContext) -> None:
    ctx.check_io_count((1,))
    resource, state = ctx.resource(0)
    out = ctx.output()
    _check_value(ctx, out, resource.tensor, resource.where)
    emit_strided_copy(ctx, state, ctx.ref(out), 1, [out.nbytes], 0, [1])


@prepares(B.ASSIGN_VARIABLE, types=TYPES)
def prepare_assign(ctx: OpContext) -> None:
    ctx.check_io_count((2,), outputs=0)
    resource, state = ctx.resource(0)
    value = ctx.input(1)
    _check_value(ctx, value, resource.tensor, resource.where)
    ctx.emit(
        "assign_variable", {"size": value.nbytes}, {"value": ctx.ref(value), "variable": state}
    )


def _check_value(ctx: OpContext, tensor: Tensor, first: Tensor, where: str) -> None:
    if tensor.dtype != first.dtype or tensor.nbytes != first.nbytes:
        raise ctx.unsupported(
            f"tensor {tensor.index} ('{tensor.name}') is {tensor.dtype.name} "
            f"{list(tensor.shape)}; the resource variable is {first.dtype.name} "
            f"{list(first.shape)}, as {where} allocated it",
            tensor,
        )
    if tensor.nbytes == 0:
        raise ctx.unsupported("a resource variable with no elements is not supported", tensor)
