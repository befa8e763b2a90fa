"""BROADCAST_ARGS: the broadcast of two shapes given as int32 or int64 vectors, computed at
run time (`broadcast_args`), as the shapes usually come from SHAPE ops."""

from __future__ import annotations

import math

from ..schema import BuiltinOperator as B
from ._broadcast import broadcast_shapes
from ._copy import check_types
from .base import OpContext, prepares


@prepares(B.BROADCAST_ARGS, types="int32, int64")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((2,))
    s1, s2, out = ctx.input(0), ctx.input(1), ctx.output()
    check_types(ctx, [s1, s2, out], ("int32", "int64"))
    for t in (s1, s2, out):
        if len(t.shape) != 1:
            raise ctx.malformed(f"tensor {t.index} ('{t.name}') must be 1-D, not {t.shape}")
    n1, n2, n_out = s1.shape[0], s2.shape[0], out.shape[0]
    if n_out != max(n1, n2) or n_out == 0:
        raise ctx.malformed(f"output holds {n_out} extents; the broadcast has {max(n1, n2)}")
    values = [ctx.value(s1), ctx.value(s2)]
    if values[0] is not None and values[1] is not None:
        shape1 = tuple(int(v) for v in values[0])
        shape2 = tuple(int(v) for v in values[1])
        if broadcast_shapes(shape1, shape2) is None:
            raise ctx.malformed(f"shapes {list(shape1)} and {list(shape2)} do not broadcast")
    params = {"width": out.dtype.itemsize, "n1": n1, "n2": n2, "n_out": n_out}
    operands = {
        "shape1": ctx.ref(s1) if math.prod(s1.shape) else ctx.ref(None),
        "shape2": ctx.ref(s2) if math.prod(s2.shape) else ctx.ref(None),
        "output": ctx.ref(out),
    }
    ctx.emit("broadcast_args", params, operands)
