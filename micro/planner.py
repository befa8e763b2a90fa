"""Arena planner: place every arena buffer at an offset so that buffers alive at the same
time never overlap.

Algorithm (greedy, as TFLM's GreedyMemoryPlanner, over three orderings):
  1. Each buffer has a size and a lifetime [first, last] in step indices (inclusive).
  2. Take the buffers in an order: largest first (TFLM's; ties by earlier first use),
     longest-lived first, or by first use.
  3. Place each one at the lowest aligned offset where it overlaps no already-placed
     buffer whose lifetime intersects its own.
  4. Do this for each of the three orders and keep the smallest arena (the first on a tie).
  5. The lower bound is the largest sum of sizes alive at one step: no plan can do better.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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


@dataclass
class Plan:
    buffers: list[Buffer]
    arena_size: int
    lower_bound: int
    n_steps: int


def align_up(n: int, alignment: int) -> int:
    return (n + alignment - 1) // alignment * alignment


def lower_bound(buffers: list[Buffer], n_steps: int) -> int:
    peak = 0
    for step in range(max(n_steps, 1)):
        live = sum(b.size for b in buffers if b.first <= step <= b.last)
        peak = max(peak, live)
    return peak


def _place(buffers: list[Buffer], alignment: int) -> tuple[dict[int, int], int]:
    placed: list[tuple[int, int, Buffer]] = []  # (offset, end, buffer)
    offsets: dict[int, int] = {}
    for buf in buffers:
        size = align_up(buf.size, alignment)
        conflicts = sorted(
            (start, end) for start, end, other in placed if other.overlaps_in_time(buf)
        )
        offset = 0
        for start, end in conflicts:
            if offset + size <= start:
                break
            offset = max(offset, align_up(end, alignment))
        placed.append((offset, offset + buf.size, buf))
        offsets[id(buf)] = offset
    end = max((e for _, e, _ in placed), default=0)
    return offsets, align_up(end, alignment)


def plan(buffers: list[Buffer], n_steps: int, alignment: int = 8) -> Plan:
    """Assign `offset` to every buffer; return the plan with its arena size and lower bound."""
    orders = [
        sorted(buffers, key=lambda b: (-b.size, b.first)),
        sorted(buffers, key=lambda b: (-(b.last - b.first), -b.size, b.first)),
        sorted(buffers, key=lambda b: (b.first, -b.size)),
    ]
    best: tuple[dict[int, int], int] | None = None
    for order in orders:
        candidate = _place(order, alignment)
        if best is None or candidate[1] < best[1]:
            best = candidate
    assert best is not None
    offsets, size = best
    for buf in buffers:
        buf.offset = offsets[id(buf)]
    return Plan(buffers, size, lower_bound(buffers, n_steps), n_steps)
