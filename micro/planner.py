"""Arena planner: place every arena buffer at an offset so that buffers alive at the same
time never overlap, except where a kernel's overlap rule lets its output share its input.

Algorithm (greedy, as TFLM's GreedyMemoryPlanner, over several orderings):
  1. Each buffer has a size and a lifetime [first, last] in step indices (inclusive).
  2. Take the buffers in an order: largest first (TFLM's; ties by earlier first use),
     longest-lived first, or by first use.
  3. Place each one at the lowest aligned offset where it overlaps no already-placed
     buffer whose lifetime intersects its own. An Overlap (output Y of the step where its
     input X dies, gap g from the kernel's rule) relaxes one such pair: Y may start at
     X.offset - g or lower and run over X.
  4. Do this for each order and keep the smallest arena. With overlaps, also try birth
     order in a trial arena, each pair's buffers as high as they fit and the rest as low,
     trial sizes scanned up from the bound: a chain of overlapping steps walks down.
  5. The tensor bound is the largest sum of sizes alive at one step; the overlapped bound
     the same with each overlapping pair counted as the span it needs, max(Y, g + X).
     No plan can do better than the bound of its kind.

        arena offset 0                                                  arena_size
        |  Y (written from here on) ..................|
        |<-- g -->| X (read from here on) .......|          Y.offset <= X.offset - g
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ._ffi import lib

ARENA_ALIGN = int(lib.MICRO_ARENA_ALIGN)  # every arena offset (program.h)


@dataclass
class Buffer:
    """One region of the arena: a tensor (or tensors aliased to it), a scratch or a variable."""

    name: str
    size: int
    first: int
    last: int
    kind: str = "tensor"  # "tensor", "scratch", "variable", "input", "output"
    tensors: list[int] = field(default_factory=list)
    offset: int = -1

    def overlaps_in_time(self, other: Buffer) -> bool:
        return self.first <= other.last and other.first <= self.last


@dataclass(frozen=True)
class Overlap:
    """Output buffer `output` may start `gap` bytes below input buffer `input` and run over
    it (the kernel's rule, csrc/kernels/overlap.h), at the step where one dies and the other
    is born."""

    output: Buffer
    input: Buffer
    gap: int

    def span(self) -> int:
        """Bytes the pair needs together."""
        return max(self.output.size, min(self.gap, self.output.size) + self.input.size)


@dataclass
class Plan:
    buffers: list[Buffer]
    arena_size: int
    lower_bound: int  # the bound of this plan's kind: overlapped if it has overlaps
    n_steps: int
    tensor_bound: int = 0  # every buffer separate
    overlaps: list[Overlap] = field(default_factory=list)


def align_up(n: int, alignment: int) -> int:
    return (n + alignment - 1) // alignment * alignment


def live_bytes(buffers: list[Buffer], n_steps: int, overlaps: Sequence[Overlap] = ()) -> list[int]:
    """Bytes alive at each step, an overlapping pair counted as the span it needs."""
    live = []
    for step in range(max(n_steps, 1)):
        total = sum(b.size for b in buffers if b.first <= step <= b.last)
        for o in overlaps:
            if o.input.last == step == o.output.first:
                total += o.span() - o.output.size - o.input.size
        live.append(total)
    return live


def lower_bound(buffers: list[Buffer], n_steps: int, overlaps: Sequence[Overlap] = ()) -> int:
    return max(live_bytes(buffers, n_steps, overlaps))


def _conflict(
    buf: Buffer, size: int, start: int, end: int, other: Buffer, gaps: dict[tuple[int, int], int]
) -> tuple[int, int]:
    """(start, end) such that `buf` (aligned `size`) at offset o clashes with `other`, placed at
    [start, end), iff o + size > start and o < end."""
    gap = gaps.get((id(buf), id(other)))
    if gap is not None:  # buf is the output: o <= X.offset - min(gap, Y)
        return start - min(gap, buf.size) + size, end
    gap = gaps.get((id(other), id(buf)))
    if gap is not None:  # buf is the input: o >= Y.offset + min(gap, Y)
        return start, start + min(gap, other.size)
    return start, end


def _place(
    buffers: list[Buffer], alignment: int, gaps: dict[tuple[int, int], int]
) -> tuple[dict[int, int], int]:
    placed: list[tuple[int, int, Buffer]] = []  # (offset, end, buffer)
    offsets: dict[int, int] = {}
    for buf in buffers:
        size = align_up(buf.size, alignment)
        conflicts = sorted(
            _conflict(buf, size, start, end, other, gaps)
            for start, end, other in placed
            if other.overlaps_in_time(buf)
        )
        offset = _lowest(conflicts, size, alignment)
        placed.append((offset, offset + buf.size, buf))
        offsets[id(buf)] = offset
    end = max((e for _, e, _ in placed), default=0)
    return offsets, align_up(end, alignment)


def _lowest(conflicts: list[tuple[int, int]], size: int, alignment: int) -> int:
    """The lowest aligned offset clear of `conflicts` (sorted _conflict intervals)."""
    offset = 0
    for start, end in conflicts:
        if offset + size <= start:
            break
        offset = max(offset, align_up(end, alignment))
    return offset


def _place_top_down(
    buffers: list[Buffer], alignment: int, gaps: dict[tuple[int, int], int], arena: int
) -> dict[int, int] | None:
    """Birth order, each buffer of an overlapping pair at the highest offset that fits under
    `arena`, any other at the lowest: a chain of overlapping steps then walks down the arena
    (each output below its input) and climbs back to the top where it has to start afresh,
    while the rest keeps out of its way at the bottom. None if some buffer does not fit."""
    chained = {key for pair in gaps for key in pair}
    placed: list[tuple[int, int, Buffer]] = []
    offsets: dict[int, int] = {}
    for buf in sorted(buffers, key=lambda b: (b.first, -b.size)):
        size = align_up(buf.size, alignment)
        conflicts = sorted(
            _conflict(buf, size, start, end, other, gaps)
            for start, end, other in placed
            if other.overlaps_in_time(buf)
        )
        if id(buf) in chained:
            offset = (arena - size) // alignment * alignment
            moved = True
            while moved and offset >= 0:
                moved = False
                for start, end in conflicts:
                    if offset + size > start and offset < end:
                        offset = (start - size) // alignment * alignment
                        moved = True
        else:
            offset = _lowest(conflicts, size, alignment)
        if offset < 0 or offset + size > arena:
            return None
        placed.append((offset, offset + buf.size, buf))
        offsets[id(buf)] = offset
    return offsets


def _search_top_down(
    buffers: list[Buffer],
    alignment: int,
    gaps: dict[tuple[int, int], int],
    best: tuple[dict[int, int], int],
    floor: int,
) -> tuple[dict[int, int], int]:
    """The smallest arena top-down placement fits, tried upwards from the bound below `best`
    (whether it fits is not monotonic in the arena size, so this scans, 64 tries at most)."""
    lo, hi = align_up(floor, alignment), best[1]
    step = align_up(max((hi - lo) // 64, 1), alignment)
    for arena in range(lo, hi, step):
        offsets = _place_top_down(buffers, alignment, gaps, arena)
        if offsets is not None:
            end = max((offsets[id(b)] + b.size for b in buffers), default=0)
            return offsets, align_up(end, alignment)
    return best


def plan(
    buffers: list[Buffer],
    n_steps: int,
    alignment: int = ARENA_ALIGN,
    overlaps: list[Overlap] | None = None,
) -> Plan:
    """Assign `offset` to every buffer; return the plan with its arena size and bounds."""
    overlaps = overlaps or []
    gaps = {(id(o.output), id(o.input)): align_up(o.gap, alignment) for o in overlaps}
    orders = [
        sorted(buffers, key=lambda b: (-b.size, b.first)),
        sorted(buffers, key=lambda b: (-(b.last - b.first), -b.size, b.first)),
        sorted(buffers, key=lambda b: (b.first, -b.size)),
    ]
    best: tuple[dict[int, int], int] | None = None
    for order in orders:
        candidate = _place(order, alignment, gaps)
        if best is None or candidate[1] < best[1]:
            best = candidate
    assert best is not None
    if gaps:
        best = _search_top_down(
            buffers, alignment, gaps, best, lower_bound(buffers, n_steps, overlaps)
        )
    offsets, size = best
    for buf in buffers:
        buf.offset = offsets[id(buf)]
    return Plan(
        buffers,
        size,
        lower_bound(buffers, n_steps, overlaps),
        n_steps,
        lower_bound(buffers, n_steps),
        overlaps,
    )
