"""A real rescale as TFLM's (multiplier, shift), or an error naming the op."""

from __future__ import annotations

from ..errors import ModelError
from ..quant import quantize_multiplier
from .base import OpContext


def multiplier(ctx: OpContext, real: float, what: str) -> tuple[int, int]:
    """QuantizeMultiplier(real); a rescale too large for TFLM's arithmetic is unsupported."""
    try:
        return quantize_multiplier(real)
    except ModelError:
        raise ctx.unsupported(f"the {what} rescale {real:g} is too large") from None
