"""Per-op profiling: one table from per-step costs, measured on the host (microseconds, via
the executor's step hook) or on an emulated board (instructions, from the firmware, with
the QEMU plugin's cycle estimate and the time it means at the board's clock)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from ._ffi import ffi, lib
from ._table import format_table
from .compiler import CompiledModel
from .control import operator_rows
from .interpreter import Runtime
from .resolver import builtin_ops
from .schema import BuiltinOperator


def _op_stem(op: str) -> str:
    """An operator's name as its kernels' files begin: CONV_2D -> conv."""
    return re.sub(r"_2d$", "", op.lower())


@cache
def _ops_by_stem() -> dict[str, str]:
    """The builtin operators micro runs, by stem."""
    names = (BuiltinOperator(code).name for code in builtin_ops())
    return {_op_stem(name): name for name in names}


def ran_as(op: str, kernels: Sequence[str]) -> str | None:
    """The operator whose own kernel ran the steps of an `op` instead of one of its own
    (person_detect's first DEPTHWISE_CONV_2D, one input channel, runs conv_s8: CONV_2D),
    by the kernel's name (an operator's stem and the type: conv_s8, add_s8, ...); None when
    every step ran a kernel of `op` or of no operator (copies, tables, branches)."""
    others = set()
    for kernel in kernels:
        stem = re.sub(r"_(s8|s16|s32|u32|f32|int)$", "", kernel)
        other = _ops_by_stem().get(stem)
        if other is not None and stem != _op_stem(op):
            others.add(other)
    return " + ".join(sorted(others)) or None


def op_label(op: str, kernels: Sequence[str]) -> str:
    """`op`, or "op (as OTHER)" when its steps ran another operator's kernel (ran_as)."""
    other = ran_as(op, kernels)
    return op if other is None else f"{op} (as {other})"


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
    row also gets its estimated cycles and milliseconds. The operators of a subgraph get
    their own rows after the control operator that runs them, which keeps only its own
    branch and copy steps (control.operator_rows); the summary counts each row under its
    operator's type (a DIV in a WHILE body is a DIV)."""
    graph = compiled.graph
    if len(step_costs) != len(compiled.steps):
        raise ValueError(f"{len(step_costs)} step costs for {len(compiled.steps)} steps")
    total = float(sum(step_costs))
    rows: list[dict[str, Any]] = []
    count: Counter[str] = Counter()
    type_cost: dict[str, float] = defaultdict(float)
    type_cycles: dict[str, int] = defaultdict(int)
    running = 0.0
    for op_row in operator_rows(compiled.model, graph.index, compiled.steps):
        op = op_row.op
        cost = sum(step_costs[i] for i in op_row.steps)
        running += cost
        kernels = [compiled.steps[i].kernel for i in op_row.steps]
        name = op_label(op.name, kernels)
        count[name] += 1
        type_cost[name] += cost
        rows.append(
            {
                "index": op.index,
                "subgraph": op_row.subgraph,
                "label": op_row.label,
                "depth": op_row.depth,
                "op": op.name,
                "ran_as": ran_as(op.name, kernels),
                "kernels": kernels,
                "folded": op_row.folded,
                "output_shape": [list(graph.tensors[i].shape) for i in op.outputs if i >= 0],
                "macs": sum(compiled.steps[i].macs for i in op_row.steps),
                "cost": cost,
                "percent": 100.0 * cost / total if total else 0.0,
                "cumulative_percent": 100.0 * running / total if total else 0.0,
            }
        )
        if step_cycles is not None:
            rows[-1]["cycles"] = sum(step_cycles[i] for i in op_row.steps)
            type_cycles[name] += rows[-1]["cycles"]
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
            "  " * r["depth"] + r["label"],
            "  " * r["depth"] + op_label(r["op"], r["kernels"]),
            " ".join(_shape(s) for s in r["output_shape"]),
            f"{r['macs']:,}",
            num(r["cost"]) if r["kernels"] else "(folded)" if r["folded"] else "(alias)",
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
        format_table(op_headers, rows, f"MACs,{cost_header},est. cycles,%,cum %"),
        *(
            [
                "(an indented row S:N is operator N of subgraph S, run by the control operator "
                "above it, whose own row counts only its branch and copy steps)"
            ]
            if any(r["depth"] for r in data["ops"])
            else []
        ),
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
    if data.get("stack_used") is not None:
        from .firmware import format_stack  # the firmware package only where measured

        lines.append(format_stack(data) or "")
    return "\n".join(lines)
