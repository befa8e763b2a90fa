"""The arena planner: no two live buffers overlap, and the lower bound is the true peak."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from test_reference_models import MODELS

import micro
from micro.planner import Buffer, Overlap, align_up, lower_bound, plan


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


def _random_chain(seed: int) -> tuple[list[Buffer], list[Overlap], int]:
    """A chain of steps, each output allowed to run over its dying input at a random gap,
    with side buffers (scratch, a long-lived tensor) alive across it."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 12))
    chain = [Buffer(f"x{i}", int(rng.integers(8, 3000)), max(i - 1, 0), i) for i in range(n)]
    pairs = [
        Overlap(y, x, int(rng.integers(0, x.size + y.size))) for x, y in itertools.pairwise(chain)
    ]
    side = [
        Buffer(f"s{i}", int(rng.integers(1, 600)), first, int(rng.integers(first, n)))
        for i, first in enumerate(rng.integers(0, n, int(rng.integers(0, 5))))
    ]
    return chain + side, pairs, n


@pytest.mark.parametrize("seed", range(200))
def test_overlapped_plan_keeps_every_rule_and_no_plan_beats_its_bounds(seed: int) -> None:
    buffers, pairs, n_steps = _random_chain(seed)
    p = plan(buffers, n_steps, overlaps=pairs)
    allowed = {(id(o.output), id(o.input)): align_up(o.gap, 8) for o in pairs}
    for i, a in enumerate(buffers):
        assert a.offset % 8 == 0 and a.offset + a.size <= p.arena_size
        for b in buffers[i + 1 :]:
            if not a.overlaps_in_time(b):
                continue
            if a.offset + a.size <= b.offset or b.offset + b.size <= a.offset:
                continue
            y, x = (a, b) if (id(a), id(b)) in allowed else (b, a)
            gap = allowed.get((id(y), id(x)))  # y may run over x from gap bytes below it
            assert gap is not None and y.offset <= x.offset - min(gap, y.size), (y, x)
    assert p.arena_size >= _independent_chain_bound(
        buffers, pairs, _word_bound(buffers, pairs, n_steps)
    )


def _word_bound(buffers: list[Buffer], pairs: list[Overlap], n_steps: int) -> int:
    """The most bytes alive at one step, each buffer rounded up to the 8-byte words it
    starts on, an overlapping pair counted as its output plus what lies below its input."""
    peak = 0
    for step in range(n_steps):
        live = {id(b): align_up(b.size, 8) for b in buffers if b.first <= step <= b.last}
        for o in pairs:
            # One pair per buffer (an output over two dying inputs counts one): still a bound.
            if (
                o.input.last == step == o.output.first
                and {id(o.input), id(o.output)} <= live.keys()
            ):
                below = align_up(min(align_up(o.gap, 8), o.output.size), 8)
                span = max(live.pop(id(o.output)), below + live.pop(id(o.input)))
                live[id(o)] = span
        peak = max(peak, sum(live.values()))
    return peak


def _independent_chain_bound(buffers: list[Buffer], pairs: list[Overlap], start: int) -> int:
    """The smallest arena (8-byte words, from `start` up) in which every run of overlapping
    steps fits. Why no plan can be smaller: an output Y overlapping its input X must start
    at least min(gap, Y) below X (the rule lets the output run over the input only from
    below); if X and Y together exceed the arena they cannot sit side by side, so Y does
    overlap X. Down a run X0 -> X1 -> ... -> Xn of such pairs the offsets fall by each
    step's min(gap, output) (rounded up to words), Xn starts at 0 or higher and every Xj
    ends inside the arena: arena >= Xj + the sum of the steps below it, for every j."""
    arena = align_up(start, 8)
    while True:
        need = 0
        for pair in pairs:  # each run, from every pair that starts one downwards
            below, run = 0, [pair]
            while True:
                nxt = [o for o in pairs if o.input is run[-1].output]
                if not nxt or nxt[0].input.size + nxt[0].output.size <= arena:
                    break
                run.append(nxt[0])
            steps = [align_up(min(align_up(o.gap, 8), o.output.size), 8) for o in run]
            for j, o in enumerate(run):
                if o.input.size + o.output.size > arena:
                    below = sum(steps[j:])
                    need = max(need, o.input.size + below)
        if need <= arena:
            return arena
        arena += 8


@pytest.mark.parametrize("rel", MODELS, ids=lambda r: Path(r).stem)
def test_reference_model_reaches_the_best_arena_overlap_allows(
    rel: str, reference: Callable[[str], Path]
) -> None:
    """Every reference model's overlapped arena is the larger of the two bounds no plan can
    beat: the peak of bytes alive at one step (in words) and the runs of overlapping steps."""
    it = micro.Interpreter.from_file(reference(rel))
    p = it.compiled.plan
    best = _word_bound(p.buffers, p.overlaps, p.n_steps)
    assert it.arena_used_bytes() == _independent_chain_bound(p.buffers, p.overlaps, best)
    assert (
        it.arena_used_bytes()
        <= micro.Interpreter.from_file(reference(rel), overlap=False).arena_used_bytes()
    )


def test_kws_cannot_reach_its_step_bound(reference: Callable[[str], Path]) -> None:
    """MLPerf kws: after its first conv, eight steps on 25x5x64 = 8,000 B tensors alternate
    a depthwise 3x3 (stride 1, rows padded): writing output row r, it still reads input
    row r - 1: its output starts 2 rows (640 B) below its input; and a 1x1 conv: it still
    reads row r and may write one pixel of row r + 1: 1 row + 1 pixel (384 B) below. Two
    8,000 B tensors side by side need 16,000 B, so the whole run overlaps: the last tensor
    ends 4 x 640 + 4 x 384 below where the first starts. The busiest single step needs
    8,000 + 640 = 8,640 B, the run 8,000 + 4,096 = 12,096 B, which the plan reaches."""
    it = micro.Interpreter.from_file(reference("mlperf_tiny/kws_ref_model.tflite"))
    assert it.compiled.plan.lower_bound == 8000 + 640
    assert it.arena_used_bytes() == 8000 + 4 * 640 + 4 * 384


def test_a_long_chain_plans_side_by_side_when_drifting_would_cost_more() -> None:
    """1,200 steps (deeper than Python's recursion limit): drifting down by 200 B a step
    would need far more than two neighbours side by side, 1,000 + 600 B."""
    n = 1200
    chain = [Buffer(f"x{i}", 1000 if i % 2 else 600, max(i - 1, 0), i) for i in range(n)]
    pairs = [Overlap(y, x, 200) for x, y in itertools.pairwise(chain)]
    p = plan(chain, n, overlaps=pairs)
    assert p.arena_size == p.chain_bound == 1000 + 600
