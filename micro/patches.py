"""Patch-based execution: run a chain of spatial steps strip by strip so the large tensors
between them never exist whole.

Algorithm:
  1. A chain is a run of consecutive steps (conv, depthwise conv, pools; batch 1), each
     reading only the previous one's output, which nothing else reads.
  2. The chain's last output is cut into strips of `rows` rows. Walking the chain backwards,
     a strip of output rows [a, b) needs input rows [a*s - pad, (b-1)*s - pad + reach],
     clipped to the image: the receptive field, whose halo rows are recomputed per strip.
  3. Each strip becomes one step per chain op, with the same params but the strip's heights
     and a top padding that lines its rows up with the original windows, so every output
     row is computed exactly as before. The chain's input and output are read and written
     in place (row ranges of the whole tensors); the tensors between live in strip buffers
     sized for the tallest strip.
  4. The compiler tries every chain of up to MAX_CHAIN steps and every strip height whose
     strips start on aligned arena offsets, and keeps the smallest arena whose estimated
     extra instructions, with a margin (OVERHEAD_MARGIN), stay under the user's limit
     (each step priced by a cost model of the Cortex-M4 kernels, step_cost: its MACs,
     outputs, window bytes and the call). A
     patched plan keeps every optional scratch (its arena is counted with them), so no step
     loses its fast path.
     With an arena budget: the cheapest that fits, unpatched if that fits.
  5. Streamed input (asked for): a chain that starts at a model input, read by nothing
     else, keeps no copy of it. Before each strip a stream_rows step moves the rows the
     strip shares with the previous one to the front of a halo buffer and pulls the new
     rows through the application's row reader, so each input row is read once, in order
     (a camera's order), and the arena holds only the tallest strip's input rows.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from .errors import UnsupportedOpError
from .model import Tensor
from .ops.base import Operand, StepInfo
from .planner import ARENA_ALIGN


class Compiler(Protocol):
    """What patching needs of micro.compiler.Compiler (which imports this module)."""

    steps: list[StepInfo]
    keep_inputs: bool

    @property
    def inputs(self) -> Sequence[int]: ...
    @property
    def outputs(self) -> Sequence[int]: ...
    def root(self, index: int) -> int: ...
    def tensor(self, index: int) -> Tensor: ...
    def floor_arena(self) -> int: ...
    def full_arena(self) -> int: ...


# Estimated Cortex-M4 instructions of one call of a spatial kernel (DSP twins,
# mps2-an386): benchmarks/fit_step_cost.py's least-squares fit (relative error,
# non-negative) of (MACs, outputs, patch bytes, calls) to the per-step counts of the
# reference models with convolutions, whole and in every plan that patches (person_detect
# and vww patched at 15 % and 50 % and streamed, kws streamed; ic and micro_speech whole:
# no plan of theirs patches), 310 conv and 278 depthwise steps, kernels of 2026-12-07 at
# 714b216 (the fit before: 0.88, 16.5, 11.5, 1,860 and 3.69 per depthwise MAC, 27.9 per
# pixel, on older kernels). Per output: requantization; per patch byte: gathering a conv's
# 3x3 window (costly when the input has few channels); per call: set-up a strip repeats
# (the depthwise paths widen and pack per call). Other kernels: a flat rate per MAC and
# per call. Estimated extra instructions against measured, old fit -> this one: vww
# streamed 11.7 % -> 12.4 % (measured 12.9 %), person_detect patched at 15 % 7.7 % -> 9.1 %
# (10.3 %), kws streamed 8.7 % -> 12.0 % (12.1 %).
COSTS = {  # per MAC, output (depthwise: output pixel), patch byte, call
    "conv_s8": (0.88, 9.0, 5.0, 1_950),
    "depthwise_conv_s8": (2.04, 0.0, 0.0, 11_700),
}
# A plan is kept when its estimated overhead times this is within the limit: on the plans
# fitted, the estimate of the extra instructions was down to 1/1.13 of the measured
# (person_detect patched at 15 %: 9.1 % for 10.3 %), and faster kernels make the same halo
# cost relatively more.
OVERHEAD_MARGIN = 1.2
OTHER_COST = (2.0, 0.0, 0.0, 1_000)
# Longest chain tried: the memory-heavy stages are a few steps; longer chains recompute
# halos that grow with every step.
MAX_CHAIN = 6


@dataclass(frozen=True)
class Rows:
    """Where a spatial kernel keeps its row geometry: params keys and arena operands."""

    in_h: str
    out_h: str
    pad: str
    stride: str
    filter_h: str
    dilation: str | None
    inp: int
    out: int


_CONV = Rows("input_height", "output_height", "pad_top", "stride_height", "filter_height",
             "dilation_height", 0, 6)  # fmt: skip
_POOL = Rows("input_h", "output_h", "pad_h", "stride_h", "filter_h", None, 0, 1)
SPATIAL = {
    "conv_s8": _CONV,
    "depthwise_conv_s8": replace(_CONV, out=5),
    "average_pool_s8": _POOL,
    "max_pool_s8": _POOL,
}


@dataclass(frozen=True)
class Patching:
    """Steps [first, last] of the compiled model run in strips of `rows` output rows."""

    first: int
    last: int
    rows: int
    stream: int | None = None  # model input index whose rows the chain streams


def _geometry(step: StepInfo) -> Rows | None:
    g = SPATIAL.get(step.kernel)
    if g is None or step.params.get("batches", 1) != 1:
        return None
    return g


def needed_rows(step: StepInfo, a: int, b: int) -> tuple[int, int]:
    """Input rows [lo, hi) that output rows [a, b) of a spatial step read."""
    g = SPATIAL[step.kernel]
    p = step.params
    dilation = p[g.dilation] if g.dilation else 1
    lo = a * p[g.stride] - p[g.pad]
    hi = (b - 1) * p[g.stride] - p[g.pad] + (p[g.filter_h] - 1) * dilation + 1
    return max(lo, 0), min(max(hi, 0), p[g.in_h])


def chains(steps: list[StepInfo], readers: dict[int, int]) -> list[tuple[int, int]]:
    """Every run (first, last) of at least two spatial steps, each reading the previous
    one's output tensor, read by no other step (`readers`: root tensor -> steps reading it,
    model outputs counted)."""
    runs = []
    for first in range(len(steps)):
        if _geometry(steps[first]) is None:
            continue
        last = first
        while last + 1 < len(steps) and last + 1 - first < MAX_CHAIN:
            g, h = _geometry(steps[last]), _geometry(steps[last + 1])
            if g is None or h is None:
                break
            link = steps[last].operands[g.out].tensor
            if steps[last + 1].operands[h.inp].tensor != link or readers.get(link, 0) != 1:
                break
            last += 1
            runs.append((first, last))
    return runs


def split(
    steps: list[StepInfo], patching: Patching, in_row: int, row_bytes: list[int]
) -> list[StepInfo]:
    """The steps with the chain replaced by its strips. `in_row`: bytes of one row of the
    chain's input; `row_bytes[k]`: of one row of chain step k's output."""
    chain = steps[patching.first : patching.last + 1]
    last_g = SPATIAL[chain[-1].kernel]
    height = chain[-1].params[last_g.out_h]
    strips = []
    held = (0, 0)  # input rows the halo buffer holds (streamed input)
    for a in range(0, height, patching.rows):
        spans = [(a, min(a + patching.rows, height))]
        for step in reversed(chain[1:]):
            spans.append(needed_rows(step, *spans[-1]))
        spans.reverse()  # spans[k]: output rows of chain step k in this strip
        if patching.stream is not None:
            rows = needed_rows(chain[0], *spans[0])
            strips.append(_stream_step(chain[0], patching.stream, held, rows, in_row))
            held = rows
        for k, step in enumerate(chain):
            strip = _strip_step(step, k, len(chain), spans, in_row, row_bytes)
            if k == 0 and patching.stream is not None:  # its rows are in the halo buffer
                x = step.operands[SPATIAL[step.kernel].inp]
                size = (held[1] - held[0]) * in_row
                strip.operands[SPATIAL[step.kernel].inp] = Operand("strip", x.tensor, size=size)
            strips.append(strip)
    return [*steps[: patching.first], *strips, *steps[patching.last + 1 :]]


def _stream_step(
    first: StepInfo, index: int, held: tuple[int, int], rows: tuple[int, int], in_row: int
) -> StepInfo:
    """The stream_rows step that turns a halo buffer holding input rows `held` into one
    holding `rows`: keep the shared rows, read the new ones (each row once, in order)."""
    g = SPATIAL[first.kernel]
    keep = max(held[1] - rows[0], 0)
    drop = rows[0] - held[0] if keep else 0
    start = max(held[1], rows[0])
    params = {
        "input": index,
        "rows": first.params[g.in_h],
        "row_bytes": in_row,
        "first": start,
        "n_read": rows[1] - start,
        "drop": drop,
        "keep": keep,
    }
    tensor = first.operands[g.inp].tensor
    size = max(drop + keep, rows[1] - rows[0]) * in_row
    operands = [Operand("stream", tensor), Operand("strip", tensor, size=size)]
    return StepInfo(first.op_index, "(input rows)", "stream_rows", 0, operands, params)


def _strip_step(
    step: StepInfo,
    k: int,
    n: int,
    spans: list[tuple[int, int]],
    in_row: int,
    row_bytes: list[int],
) -> StepInfo:
    g = SPATIAL[step.kernel]
    a, b = spans[k]
    lo, hi = needed_rows(step, a, b)
    params = dict(step.params)
    params[g.in_h], params[g.out_h] = hi - lo, b - a
    params[g.pad] = step.params[g.pad] + lo - a * step.params[g.stride]
    # A strip keeps its kernel's fast path: optional scratch (a few hundred bytes of im2col
    # rows) becomes required, or the per-MAC cost could double where the savings are.
    operands = [replace(o, optional=False) if o.kind == "scratch" else o for o in step.operands]
    x, y = operands[g.inp], operands[g.out]
    if k == 0:  # rows of the chain's input tensor
        operands[g.inp] = replace(x, offset=lo * in_row, size=(hi - lo) * in_row)
    else:  # the previous step's strip buffer holds exactly rows [lo, hi)
        operands[g.inp] = Operand("strip", tensor=x.tensor, size=(hi - lo) * row_bytes[k - 1])
    if k == n - 1:
        operands[g.out] = replace(y, offset=a * row_bytes[k], size=(b - a) * row_bytes[k])
    else:
        operands[g.out] = Operand("strip", tensor=y.tensor, size=(b - a) * row_bytes[k])
    macs = step.macs * (b - a) // max(step.params[g.out_h], 1)
    return replace(step, params=params, operands=operands, macs=macs)


def cost_features(step: StepInfo) -> tuple[float, float, float, float]:
    """What a conv or depthwise step's M4 instructions depend on (COSTS): its MACs, outputs,
    window bytes gathered (a conv's im2col; a depthwise window's bytes are its MACs) and
    one call."""
    p = step.params
    window = p["filter_height"] * p["filter_width"]
    pixels = p["output_height"] * p["output_width"] * p.get("batches", 1)
    gathers = window > 1 and step.kernel == "conv_s8"
    patch_bytes = pixels * window * p["input_depth"] if gathers else 0
    outputs = pixels * p.get("output_depth", 1)  # depthwise: per pixel, all channels at once
    return (float(step.macs), float(outputs), float(patch_bytes), 1.0)


def step_cost(step: StepInfo) -> float:
    """Estimated M4 instructions of one step (see COSTS)."""
    cost = COSTS.get(step.kernel)
    if cost is None:
        return OTHER_COST[0] * step.macs + OTHER_COST[3]
    return sum(c * f for c, f in zip(cost, cost_features(step), strict=True))


def overhead(original: list[StepInfo], patched: list[StepInfo]) -> float:
    """Estimated extra instructions of `patched` over `original`, as a fraction."""
    base = sum(map(step_cost, original))
    return (sum(map(step_cost, patched)) - base) / max(base, 1.0)


def _heights(height: int) -> list[int]:
    """Strip heights to try, tallest (cheapest) first."""
    return sorted({h for h in (1, 2, 3, 4, 6, 8, 12, 16, 24, 32) if h < height}, reverse=True)


def candidates(
    compiler: Compiler, stream: bool = False
) -> Iterator[tuple[Patching, list[StepInfo], float]]:
    """Every chain and strip height, with its steps and estimated overhead; with `stream`,
    only the chains that can stream their input (see the module doc)."""
    steps = compiler.steps
    readers: dict[int, int] = {}
    for step in steps:
        for t in {compiler.root(o.tensor) for o in step.operands if o.kind == "tensor"}:
            readers[t] = readers.get(t, 0) + 1
    for t in compiler.outputs:
        readers[compiler.root(t)] = readers.get(compiler.root(t), 0) + 1
    links = {t: n - 1 for t, n in readers.items()}  # a link is read once besides its producer
    for first, last in chains(steps, links):
        chain = steps[first : last + 1]
        geometry = [SPATIAL[s.kernel] for s in chain]
        outs = [
            compiler.tensor(s.operands[g.out].tensor) for s, g in zip(chain, geometry, strict=True)
        ]
        x = compiler.tensor(chain[0].operands[geometry[0].inp].tensor)
        in_row = x.nbytes // chain[0].params[geometry[0].in_h]
        row_bytes = [
            t.nbytes // s.params[g.out_h] for t, s, g in zip(outs, chain, geometry, strict=True)
        ]
        source = _streamable(compiler, x.index, readers) if stream else None
        if stream and source is None:
            continue
        if in_row % ARENA_ALIGN and not stream:  # strips start on aligned input rows
            continue
        for rows in _heights(chain[-1].params[geometry[-1].out_h]):
            if rows * row_bytes[-1] % ARENA_ALIGN:
                continue
            patching = Patching(first, last, rows, source)
            patched = split(steps, patching, in_row, row_bytes)
            yield patching, patched, overhead(steps, patched)


def _streamable(compiler: Compiler, tensor: int, readers: dict[int, int]) -> int | None:
    """The model input index of `tensor` if a chain reading it may stream it: a model input
    (no alias), read by that chain only, kept by nothing after the invoke."""
    inputs = [compiler.root(i) for i in compiler.inputs]
    root = compiler.root(tensor)
    if compiler.keep_inputs or root not in inputs or readers.get(root, 0) != 1:
        return None
    return inputs.index(root)


def choose(
    compiler: Compiler, budget: int | None, max_overhead: float, stream: bool = False
) -> list[StepInfo]:
    """The steps to run: unchanged, or with one chain in strips (see the module doc); with
    `stream`, the best streamed chain (an error if there is none)."""

    def rank(arena: int, cost: float) -> tuple[int, float, float]:
        # What fits the budget, fewest extra instructions first; else the smallest arena.
        if budget is not None and arena <= budget:
            return (0, cost, arena)
        return (1, arena, cost)

    original = compiler.steps
    best = (rank(compiler.floor_arena(), 0.0), original)
    if stream:  # the resident input is not a choice
        best = ((2, 0.0, 0.0), original)
    for _, patched, cost in candidates(compiler, stream):
        if cost * OVERHEAD_MARGIN > max_overhead or (best[0][0] == 0 and best[0][1] == 0.0):
            continue
        compiler.steps = patched
        arena = compiler.full_arena()  # the plan keeps its scratch (Compiler.compile)
        compiler.steps = original
        if rank(arena, cost) < best[0]:
            best = (rank(arena, cost), patched)
    if best[1] is original and stream:
        raise UnsupportedOpError(
            "no input can be streamed: streaming needs a chain of convolutions or pools "
            f"(batch 1) that starts at a model input and is its only reader, within "
            f"{max_overhead:.0%} extra instructions (--max-overhead)"
        )
    return best[1]
