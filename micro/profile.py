"""Per-op profiling: one table from per-step costs, measured on the host (microseconds, via
the executor's step hook) or on an emulated board (instructions, from the firmware, with
the QEMU plugin's cycle estimate and the time it means at the board's clock)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

import numpy as np

from ._ffi import ffi, lib
from ._table import format_table
from .compiler import CompiledModel
from .interpreter import Runtime


def _shape(shape: Sequence[int]) -> str:
    return "x".join(str(d) for d in shape) if len(shape) else "scalar"


def host_step_times(compiled: CompiledModel, runs: int = 20, seed: int = 0) -> list[float]:
    """Mean wall time per step in microseconds over `runs` invokes (after one warm-up),
    measured inside the C executor so Python adds nothing to a step."""
    rt = Runtime(compiled.program, compiled.arena_bytes_needed)
    rng = np.random.default_rng(seed)
    for slot in compiled.inputs:
        rt.arena[slot.offset : slot.offset + slot.size] = rng.integers(0, 256, slot.size)
    rt.invoke()
    n = len(compiled.steps)
    step_ns = ffi.new("uint64_t[]", max(n, 1))
    prof = ffi.new("micro_host_profile_t *", {"step_ns": step_ns, "n_steps": n})
    rt.set_hook(lib.micro_host_profile_hook, prof)
    for _ in range(runs):
        rt.invoke()
    rt.set_hook(ffi.NULL, ffi.NULL)
    return [step_ns[i] / runs / 1000.0 for i in range(n)]


def build_profile(
    compiled: CompiledModel,
    step_costs: Sequence[float],
    unit: str,
    where: str,
    step_cycles: Sequence[int] | None = None,
    clock_hz: int | None = None,
) -> dict[str, Any]:
    """The per-op table and the by-op-type summary from per-step costs; with
    `step_cycles` (an emulated board's cycle estimate) and the board's `clock_hz`, each
    row also gets its estimated cycles and milliseconds. A row of main's operators holds
    the steps of the subgraphs it runs; the summary counts those under their own operators'
    types (a DIV in a WHILE body is a DIV, the WHILE its branch steps)."""
    graph = compiled.graph
    per_op: dict[int, float] = defaultdict(float)
    cycles: dict[int, int] = defaultdict(int)
    macs: dict[int, int] = defaultdict(int)
    kernels: dict[int, list[str]] = defaultdict(list)
    type_cost: dict[str, float] = defaultdict(float)
    type_cycles: dict[str, int] = defaultdict(int)
    inner_ops: set[tuple[int, int, str]] = set()
    for i, (step, cost) in enumerate(zip(compiled.steps, step_costs, strict=True)):
        per_op[step.op_index] += cost
        macs[step.op_index] += step.macs
        kernels[step.op_index].append(step.kernel)
        name = graph.operators[step.op_index].name
        if step.inner is not None:
            name = step.inner.name
            inner_ops.add((step.subgraph, step.inner.index, name))
        type_cost[name] += cost
        if step_cycles is not None:
            cycles[step.op_index] += step_cycles[i]
            type_cycles[name] += step_cycles[i]
    total = sum(per_op.values())
    rows: list[dict[str, Any]] = []
    running = 0.0
    for op in graph.operators:
        cost = per_op.get(op.index, 0.0)
        running += cost
        outs = [graph.tensors[i].shape for i in op.outputs if i >= 0]
        rows.append(
            {
                "index": op.index,
                "op": op.name,
                "kernels": kernels.get(op.index, []),
                "output_shape": [list(s) for s in outs],
                "macs": macs.get(op.index, 0),
                "cost": cost,
                "percent": 100.0 * cost / total if total else 0.0,
                "cumulative_percent": 100.0 * running / total if total else 0.0,
            }
        )
        if step_cycles is not None:
            rows[-1]["cycles"] = cycles.get(op.index, 0)
    count = Counter([op.name for op in graph.operators] + [name for *_, name in inner_ops])
    summary: list[dict[str, Any]] = [
        {
            "op": name,
            "count": n,
            "total": type_cost[name],
            "average": type_cost[name] / n,
            "percent": 100.0 * type_cost[name] / total if total else 0.0,
        }
        for name, n in sorted(count.items(), key=lambda kv: -type_cost[kv[0]])
    ]
    data: dict[str, Any] = {
        "unit": unit,
        "where": where,
        "total": total,
        "ops": rows,
        "by_type": summary,
    }
    if step_cycles is not None:
        data["cycles"] = sum(step_cycles)
        data["clock_hz"] = clock_hz
        for t in summary:
            t["cycles"] = type_cycles[t["op"]]
    return data


def format_profile(data: dict[str, Any]) -> str:
    unit = data["unit"]
    digits = 1 if unit == "us" else 0

    def num(x: float) -> str:
        return f"{x:,.{digits}f}"

    rows = [
        [
            r["index"],
            r["op"],
            " ".join(_shape(s) for s in r["output_shape"]),
            f"{r['macs']:,}",
            num(r["cost"]) if r["kernels"] else "(alias)",
            f"{r['percent']:.1f}%",
            f"{r['cumulative_percent']:.1f}%",
        ]
        for r in data["ops"]
    ]
    cost_header = f"time {unit}" if unit == "us" else unit
    op_headers = ["#", "op", "output", "MACs", cost_header, "%", "cum %"]
    type_rows = [
        [s["op"], s["count"], num(s["total"]), num(s["average"]), f"{s['percent']:.1f}%"]
        for s in data["by_type"]
    ]
    type_headers = ["op", "count", f"total {unit}", f"avg {unit}", "%"]
    estimated = "cycles" in data
    if estimated:
        for row, r in zip(rows, data["ops"], strict=True):
            row.insert(5, f"{r['cycles']:,}" if r["kernels"] else "")
        for row, s in zip(type_rows, data["by_type"], strict=True):
            row.insert(3, f"{s['cycles']:,}")
        op_headers.insert(5, "est. cycles")
        type_headers.insert(3, "est. cycles")
    lines = [
        f"per op ({data['where']}):",
        format_table(op_headers, rows, f"#,MACs,{cost_header},est. cycles,%,cum %"),
        "",
        "by op type:",
        format_table(type_headers, type_rows, f"count,total {unit},est. cycles,avg {unit},%"),
        "",
        f"total: {num(data['total'])} {unit} per inference",
    ]
    if estimated:
        line = f"estimated cycles: {data['cycles']:,}"
        if data["clock_hz"]:
            ms = 1000.0 * data["cycles"] / data["clock_hz"]
            line += f" = {ms:.3f} ms at {data['clock_hz'] / 1e6:g} MHz"
        lines += [
            line,
            "(an estimate from the core's TRM instruction timings for zero-wait-state "
            "memory; instructions are counted exactly)",
        ]
    return "\n".join(lines)
