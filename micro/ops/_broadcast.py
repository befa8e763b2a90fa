"""Broadcasting shared by binary elementwise ops: numpy/TFLite rules and the fused C layout."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .._ffi import lib

if TYPE_CHECKING:
    from .base import OpContext

MAX_BROADCAST_RANK = int(lib.MICRO_BROADCAST_RANK)


def broadcast_shapes(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    """The broadcast of two shapes (aligned on the right; a dim of 1 stretches), or None."""
    rank = max(len(a), len(b))
    a = (1,) * (rank - len(a)) + tuple(a)
    b = (1,) * (rank - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b, strict=True):
        if x != y and x != 1 and y != 1:
            return None
        out.append(y if x == 1 else x)
    return tuple(out)


@dataclass(frozen=True)
class BroadcastLayout:
    """A binary elementwise op's loop nest (csrc/include/micro/kernels/broadcast.h).

    `dims` are output extents, outermost first, with every run of dims along which the two
    inputs broadcast the same way fused into one; `stride1`/`stride2` are the inputs'
    element strides, 0 where that input is broadcast.
    """

    dims: tuple[int, ...]
    stride1: tuple[int, ...]
    stride2: tuple[int, ...]

    @property
    def rank(self) -> int:
        return len(self.dims)

    def fields(self) -> dict[str, object]:
        """The layout as a micro_broadcast_t (the `broadcast` field of a params struct)."""
        pad = (0,) * (MAX_BROADCAST_RANK - self.rank)
        return {
            "rank": self.rank,
            "dims": list(self.dims + pad),
            "stride1": list(self.stride1 + pad),
            "stride2": list(self.stride2 + pad),
        }


def broadcast_layout(
    shape1: tuple[int, ...], shape2: tuple[int, ...], out: tuple[int, ...]
) -> BroadcastLayout:
    """Fuse a broadcast of shape1 and shape2 to `out` (their broadcast) into a short loop nest.

    Output dims of extent 1 are dropped; adjacent dims merge when each input either varies
    along both or is broadcast along both. Same shapes give one dim; [N, H, W, C] with [C]
    gives [N*H*W, C] with input2 strides [0, 1].
    """
    rank = len(out)
    s1 = (1,) * (rank - len(shape1)) + tuple(shape1)
    s2 = (1,) * (rank - len(shape2)) + tuple(shape2)
    dims: list[int] = []
    varies: list[tuple[bool, bool]] = []
    for d in range(rank):
        if out[d] == 1:
            continue
        pattern = (s1[d] != 1, s2[d] != 1)
        if dims and varies[-1] == pattern:
            dims[-1] *= out[d]
        else:
            dims.append(out[d])
            varies.append(pattern)
    if not dims:
        dims, varies = [1], [(True, True)]
    strides: list[list[int]] = [[0] * len(dims), [0] * len(dims)]
    for k in (0, 1):
        step = 1
        for d in reversed(range(len(dims))):
            if varies[d][k]:
                strides[k][d] = step
                step *= dims[d]
    return BroadcastLayout(tuple(dims), tuple(strides[0]), tuple(strides[1]))


def binary_layout(
    ctx: OpContext, shape1: tuple[int, ...], shape2: tuple[int, ...], out: tuple[int, ...]
) -> BroadcastLayout:
    """The checked layout of a binary elementwise op: the output must be the broadcast."""
    expected = broadcast_shapes(shape1, shape2)
    if expected is None:
        raise ctx.malformed(f"input shapes {shape1} and {shape2} do not broadcast")
    if _strip_ones(out) != _strip_ones(expected):
        raise ctx.malformed(f"output shape {out} is not the broadcast shape {expected}")
    if 0 in expected:
        raise ctx.unsupported("tensors with no elements are not supported")
    layout = broadcast_layout(shape1, shape2, expected)
    if layout.rank > MAX_BROADCAST_RANK:
        raise ctx.unsupported(
            f"broadcasting {shape1} with {shape2} needs {layout.rank} loop dims; "
            f"at most {MAX_BROADCAST_RANK} are supported"
        )
    return layout


def _strip_ones(shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shape without leading 1s (a rank extension that changes no element)."""
    shape = tuple(shape)
    while shape and shape[0] == 1:
        shape = shape[1:]
    return shape
