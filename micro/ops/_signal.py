"""What the signal library's prepares share: their FlexBuffers options read as TFLM's
FlexbufferWrapper reads them, and the shape checks they all make."""

from __future__ import annotations

import math
from typing import Any

from .. import flexbuffers
from ..errors import ModelError
from ..fixedpoint import wrap32
from ..model import Tensor
from .base import OpContext


def read_options(ctx: OpContext, *keys: str) -> dict[str, Any]:
    try:
        options = flexbuffers.loads_map(ctx.op.custom_options, f"{ctx.where}: custom options")
    except ModelError as exc:
        raise ctx.malformed(str(exc)) from exc
    missing = [k for k in keys if k not in options]
    if missing:
        raise ctx.malformed(f"custom options lack {', '.join(missing)} (have {sorted(options)})")
    return options


def read_int32(ctx: OpContext, options: dict[str, Any], key: str) -> int:
    """An option as TFLM's ElementAsInt32 reads it (an int or a bool, wrapped to int32)."""
    value = options[key]
    if isinstance(value, bool):
        return int(value)
    if not isinstance(value, int):
        raise ctx.malformed(f"option {key} must be an integer, got {value!r}")
    return wrap32(value)


def check_rank(ctx: OpContext, tensor: Tensor, rank: int, what: str) -> None:
    if len(tensor.shape) != rank:
        raise ctx.malformed(f"{what} must have rank {rank}, got shape {tensor.shape}")


def n_elements(tensor: Tensor) -> int:
    return math.prod(tensor.shape)


def vectors(ctx: OpContext, n_inputs: int, in_dtype: str, out_dtype: str) -> tuple[Tensor, Tensor]:
    """Input 0 and the output, after the checks most signal prepares start with: `n_inputs`
    inputs, input 0 and the output of rank 1 and of these types."""
    ctx.check_io_count((n_inputs,))
    x, out = ctx.input(0), ctx.output()
    check_rank(ctx, x, 1, "the input")
    check_rank(ctx, out, 1, "the output")
    ctx.check_dtype(x, in_dtype)
    ctx.check_dtype(out, out_dtype)
    return x, out
