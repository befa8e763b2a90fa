"""The arena planner: no two live buffers overlap, and the lower bound is the true peak."""

from __future__ import annotations

import numpy as np
import pytest

from micro.planner import Buffer, align_up, lower_bound, plan


def _random_buffers(seed: int) -> tuple[list[Buffer], int]:
    rng = np.random.default_rng(seed)
    n_steps = int(rng.integers(1, 30))
    buffers = []
    for i in range(int(rng.integers(1, 40))):
        first = int(rng.integers(0, n_steps))
        last = int(rng.integers(first, n_steps))
        buffers.append(Buffer(f"b{i}", int(rng.integers(1, 5000)), first, last))
    return buffers, n_steps


@pytest.mark.parametrize("seed", range(200))
def test_plan_is_valid(seed: int) -> None:
    buffers, n_steps = _random_buffers(seed)
    p = plan(buffers, n_steps)
    for i, a in enumerate(buffers):
        assert a.offset % 8 == 0
        assert a.offset + a.size <= p.arena_size
        for b in buffers[i + 1 :]:
            if a.overlaps_in_time(b):
                assert a.offset + a.size <= b.offset or b.offset + b.size <= a.offset, (a, b)
    assert p.arena_size >= p.lower_bound


def test_lower_bound_is_the_peak_of_live_bytes() -> None:
    bufs = [Buffer("a", 100, 0, 1), Buffer("b", 50, 1, 2), Buffer("c", 70, 2, 3)]
    assert lower_bound(bufs, 4) == 150  # step 1: a + b


def test_chain_reaches_the_lower_bound() -> None:
    # A chain x0 -> x1 -> x2 ...: only neighbours are alive together.
    sizes = [1960, 4000, 16, 16]
    bufs = [Buffer(f"t{i}", s, max(i - 1, 0), i) for i, s in enumerate(sizes)]
    p = plan(bufs, len(sizes))
    assert p.arena_size == align_up(p.lower_bound, 8) == 5960
