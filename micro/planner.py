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
  4. Do this for each order and keep the smallest arena. With overlaps, also search
     depth-first in birth order within trial arenas scanned up from the bounds (below),
     each buffer trying a few offsets (a pair's highest first, so a chain walks down).
  5. The tensor bound is the largest sum of sizes alive at one step; the overlapped bound
     the same with each overlapping pair counted as the span it needs, max(Y, g + X).
     The chain bound: an output only runs over its input from below, so down a run of
     steps whose pairs do not fit side by side (X + Y > arena) the buffers drift down by
     each step's gap; every buffer of the run needs those gaps below it.
     No plan can do better than the larger of its bounds.

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
    chain_bound: int = 0  # runs of overlapping steps drift down (planner docstring, 5.)


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


def _lowest(conflicts: list[tuple[int, int]], size: int, alignment: int, start: int = 0) -> int:
    """The lowest aligned offset at or above `start` clear of `conflicts`."""
    offset = start
    for lo, hi in conflicts:
        if offset + size <= lo:
            break
        offset = max(offset, align_up(hi, alignment))
    return offset


def _highest(conflicts: list[tuple[int, int]], size: int, alignment: int, top: int) -> int:
    """The highest aligned offset with its end at or below `top` clear of `conflicts`
    (negative if there is none)."""
    offset = (top - size) // alignment * alignment
    moved = True
    while moved and offset >= 0:
        moved = False
        for lo, hi in conflicts:
            if offset + size > lo and offset < hi:
                offset = (lo - size) // alignment * alignment
                moved = True
    return offset


def _forced_depth(
    buffers: Sequence[Buffer], alignment: int, gaps: dict[tuple[int, int], int], arena: int
) -> dict[int, int]:
    """The lowest offset each buffer can have in `arena`: where an output Y must run over its
    input X (the two do not fit side by side, X + Y > arena), X starts at least
    min(gap, Y) above Y, and so on down a chain of such steps (a chain drifts down)."""
    by_id = {id(b): b for b in buffers}
    outputs: dict[int, list[tuple[Buffer, int]]] = {}
    for (out, inp), gap in gaps.items():
        if out in by_id:
            outputs.setdefault(inp, []).append((by_id[out], gap))
    depth: dict[int, int] = {}
    for start in buffers:  # outputs before their inputs (a chain may be long: no recursion)
        stack, visiting = [start], {id(start)}
        while stack:
            buf = stack[-1]
            after = [y for y, _ in outputs.get(id(buf), []) if id(y) not in depth]
            after = [y for y in after if id(y) not in visiting]  # steps run forward: none
            if after:
                stack += after
                visiting |= {id(y) for y in after}
                continue
            depth[id(buf)] = max(
                (
                    align_up(depth.get(id(y), 0) + min(gap, y.size), alignment)
                    for y, gap in outputs.get(id(buf), [])
                    if buf.size + y.size > arena
                ),
                default=0,
            )
            stack.pop()
    return depth


def chain_bound(
    buffers: Sequence[Buffer], overlaps: Sequence[Overlap], alignment: int = ARENA_ALIGN
) -> int:
    """The smallest arena in which every chain of overlapping steps fits: a buffer needs its
    forced depth (_forced_depth) below it. Which pairs are forced depends on the arena, so
    each range between two thresholds X + Y is tried, smallest first."""
    gaps = {(id(o.output), id(o.input)): align_up(o.gap, alignment) for o in overlaps}
    if not gaps:
        return 0
    cuts = sorted({o.input.size + o.output.size for o in overlaps})
    for lo, hi in zip([0, *cuts], [*cuts, None], strict=True):
        depth = _forced_depth(buffers, alignment, gaps, lo)  # forced set of [lo, hi)
        need = max(max(depth[id(b)] + b.size for b in buffers), lo)
        if hi is None or need < hi:
            return need
    raise AssertionError("unreachable: the last range is unbounded")


def _place_search(
    buffers: list[Buffer],
    alignment: int,
    gaps: dict[tuple[int, int], int],
    arena: int,
    budget: int,
) -> dict[int, int] | None:
    """Depth-first placement in birth order within `arena`, None if none was found within
    `budget` tries. A buffer of an overlapping pair tries the highest offset first (a chain
    walks down from the top), then the lowest that leaves room for its output below it,
    then the lowest; any other buffer tries the lowest, then the highest. A buffer below
    its forced depth cannot fit its chain: that branch is cut at once."""
    order = sorted(buffers, key=lambda b: (b.first, -b.size))
    depth = _forced_depth(buffers, alignment, gaps, arena)
    sizes = {id(b): b.size for b in buffers}
    below = {  # room for the output under its input
        inp: align_up(min(g, sizes[out]), alignment)
        for (out, inp), g in gaps.items()
        if out in sizes
    }
    chained = {key for pair in gaps for key in pair}
    placed: list[tuple[int, int, Buffer]] = []

    def candidates(buf: Buffer) -> list[int]:
        size = align_up(buf.size, alignment)
        conflicts = sorted(
            _conflict(buf, size, start, end, other, gaps)
            for start, end, other in placed
            if other.overlaps_in_time(buf)
        )
        low = depth[id(buf)]
        high = _highest(conflicts, size, alignment, arena)
        lowest = _lowest(conflicts, size, alignment, low)
        if id(buf) in chained:
            found = [
                high,
                _lowest(conflicts, size, alignment, max(low, below.get(id(buf), 0))),
                lowest,
            ]
        else:
            found = [lowest, high]
        return [o for o in dict.fromkeys(found) if low <= o and o + size <= arena]

    # stack[i]: the offsets buffer order[i] has yet to try; placed[i] the one it tries now.
    stack = [candidates(order[0])] if order else []
    while stack and len(placed) < len(order):
        depth_now = len(stack) - 1
        del placed[depth_now:]  # back at this buffer: undo its last try
        if not stack[-1]:
            stack.pop()
            continue
        budget -= 1
        if budget < 0:
            return None
        offset = stack[-1].pop(0)
        buf = order[depth_now]
        placed.append((offset, offset + buf.size, buf))
        if len(placed) < len(order):
            stack.append(candidates(order[len(placed)]))
    if len(placed) < len(order):
        return None
    return {id(b): o for o, _, b in placed}


def _search(
    buffers: list[Buffer],
    alignment: int,
    gaps: dict[tuple[int, int], int],
    best: tuple[dict[int, int], int],
    floor: int,
) -> tuple[dict[int, int], int]:
    """The smallest arena the depth-first placement finds, tried upwards from the bound below
    `best` (whether it fits is not monotonic in the arena size, so this scans: the first
    arenas one word apart, then coarser; a bounded number of tries in all)."""
    lo, hi = align_up(floor, alignment), best[1]
    coarse = align_up(max((hi - lo) // 32, 1), alignment)
    arenas = [a for a in range(lo, min(hi, lo + 8 * alignment), alignment)]
    arenas += [a for a in range(lo + 8 * alignment, hi, coarse)]
    for arena in arenas:
        offsets = _place_search(buffers, alignment, gaps, arena, 8 * len(buffers))
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
    chains = chain_bound(buffers, overlaps, alignment)
    if gaps:
        floor = max(lower_bound(buffers, n_steps, overlaps), chains)
        best = _search(buffers, alignment, gaps, best, floor)
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
        chains,
    )
