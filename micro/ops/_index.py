"""Data movement through per-dimension offset tables: one `index_copy` step (see
csrc/include/micro/kernels/index_copy.h). An op describes, for each output dimension, the
input offset (in elements) of each coordinate; the kernel adds one entry per dimension and
copies `run` contiguous elements from there."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._ffi import lib
from .base import OpContext, Operand

MAX_INDEX_DIMS = int(lib.MICRO_INDEX_COPY_MAX_DIMS)


def emit_index_copy(
    ctx: OpContext,
    src: Operand,
    dst: Operand,
    elem_size: int,
    tables: Sequence[Sequence[int] | np.ndarray],
    run: int = 1,
) -> None:
    """dst (row-major over [len(t) for t in tables] + [run]) gathers from src."""
    arrays = [np.asarray(t, dtype=np.int64).ravel() for t in tables]
    # A dimension of extent 1 adds a constant: fold it into a neighbour's table.
    kept = [a for a in arrays if a.size != 1]
    constant = sum(int(a[0]) for a in arrays if a.size == 1)
    if not kept:
        kept = [np.zeros(1, np.int64)]
    kept[0] = kept[0] + constant
    if len(kept) > MAX_INDEX_DIMS:
        raise ctx.unsupported(
            f"needs {len(kept)} gathered dimensions; at most {MAX_INDEX_DIMS} are supported"
        )
    joined = np.concatenate(kept)
    if joined.min() < 0 or joined.max() > np.iinfo(np.int32).max:
        raise ctx.malformed("an input offset is outside the input tensor")
    shape = [int(a.size) for a in kept]
    params = {
        "elem_size": elem_size,
        "n_dims": len(shape),
        "shape": shape + [1] * (MAX_INDEX_DIMS - len(shape)),
        "run": run,
    }
    ctx.emit(
        "index_copy",
        params,
        {"input": src, "tables": ctx.const(joined.astype(np.int32)), "output": dst},
    )
