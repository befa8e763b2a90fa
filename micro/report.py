"""What `micro inspect` and `micro plan` report, as data (for --json) and as text."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

import numpy as np

from . import patches
from ._table import format_table
from .compiler import CompiledModel
from .control import called, flatten, operator_rows
from .model import Tensor
from .planner import live_bytes
from .schema import TensorType


def _shape(shape: tuple[int, ...]) -> str:
    return "x".join(str(d) for d in shape) if shape else "scalar"


def _tensor_kind(compiled: CompiledModel, t: Tensor) -> str:
    graph = compiled.graph
    if t.index in graph.inputs:
        return "input"
    if t.index in graph.outputs:
        return "output"
    if t.is_variable:
        return "variable"
    if t.type == TensorType.RESOURCE:
        return "resource"  # a handle, resolved at compile time: no bytes at run time
    if t.data is not None:
        return "weight"
    return "activation"


def summary(compiled: CompiledModel) -> dict[str, Any]:
    """Everything `micro inspect` prints, as JSON-able data: the operators and tensors of
    the main subgraph and of every subgraph its control operators run."""
    model = compiled.model
    graph = compiled.graph
    ops: list[dict[str, Any]] = []
    by_type: dict[str, dict[str, int]] = defaultdict(lambda: {"count": 0, "macs": 0})
    run_by: dict[int, list[str]] = defaultdict(list)
    for row in operator_rows(model, graph.index, compiled.steps):
        op = row.op
        steps = [compiled.steps[i] for i in row.steps]
        macs = sum(s.macs for s in steps)
        by_type[op.name]["count"] += 1
        by_type[op.name]["macs"] += macs
        for k in dict.fromkeys(called(op, len(model.subgraphs), f"subgraph {row.subgraph}")):
            run_by[k].append(row.label)
        ops.append(
            {
                "index": op.index,
                "subgraph": row.subgraph,
                "label": row.label,
                "depth": row.depth,
                "op": op.name,
                "version": op.version,
                "kernels": [s.kernel for s in steps],
                "folded": row.folded,
                "output_shape": [list(graph.tensors[i].shape) for i in op.outputs if i >= 0],
                "macs": macs,
            }
        )
    flat = flatten(model, graph.index)
    tensors: list[dict[str, Any]] = []
    for t in graph.tensors:
        buf = compiled.buffer_of.get(t.index)
        q = t.quant
        subgraph, own = flat.origin(t.index)
        tensors.append(
            {
                "index": t.index,  # in the compiled graph (main's, then its subgraphs')
                "subgraph": subgraph,
                "label": str(own) if subgraph == graph.index else f"{subgraph}:{own}",
                "name": t.name,
                "shape": list(t.shape),
                "dtype": t.type_name,
                "bytes": t.nbytes,
                "kind": _tensor_kind(compiled, t),
                "arena_offset": buf.offset if buf is not None else None,
                "scale": [float(s) for s in q.scale[:4]] if q is not None else [],
                "zero_point": [int(z) for z in q.zero_point[:4]] if q is not None else [],
                "per_channel": bool(q is not None and len(q.scale) > 1),
            }
        )
    kinds: dict[str, int] = defaultdict(int)
    for b in compiled.plan.buffers:
        kinds[
            "scratch"
            if b.kind == "scratch"
            else "variables"
            if b.kind == "variable"
            else "activations"
        ] += b.size
    weight_bytes = sum(t["bytes"] for t in tensors if t["kind"] == "weight")
    return {
        "description": model.description,
        "subgraphs": [
            {
                "index": sub.index,
                "name": sub.name,
                "operators": len(sub.operators),
                "tensors": len(sub.tensors),
                "run_by": "main" if sub.index == graph.index else run_by.get(sub.index, []),
            }
            for sub in model.subgraphs
        ],
        "inputs": [_io(s) for s in compiled.inputs],
        "outputs": [_io(s) for s in compiled.outputs],
        "operators": ops,
        "op_types": {k: dict(v) for k, v in sorted(by_type.items())},
        "total_macs": sum(o["macs"] for o in ops),
        "tensors": tensors,
        "weight_bytes": weight_bytes,
        "program_bytes": len(compiled.program),
        "arena": {
            "needed": compiled.arena_bytes_needed,
            "lower_bound": compiled.lower_bound,
            "chain_bound": compiled.plan.chain_bound,
            "activations": kinds["activations"],
            "scratch": kinds["scratch"],
            "variables": kinds["variables"],
        },
        "metadata": sorted(model.metadata),
    }


def _io(slot: Any) -> dict[str, Any]:
    return {
        "name": slot.name,
        "shape": list(slot.shape),
        "dtype": slot.dtype.name,
        "scale": slot.scale,
        "zero_point": slot.zero_point,
    }


def _kernels(op: dict[str, Any]) -> str:
    """The kernels of an operator's steps, a repeated one once with its count."""
    if not op["kernels"]:
        return "(folded)" if op["folded"] else "(alias)"
    counts = Counter(op["kernels"])
    return ",".join(k if n == 1 else f"{k} x{n}" for k, n in counts.items())


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _subgraph_lines(subgraphs: list[dict[str, Any]]) -> list[str]:
    """What the indented rows are; nothing for a model of one subgraph."""
    if len(subgraphs) < 2:
        return []
    lines = [
        "(an indented row S:N is operator N of subgraph S, listed under the control "
        "operator that runs it;",
        " a control operator's own row counts only its branch and copy steps)",
    ]
    for sub in subgraphs:
        run_by = sub["run_by"]
        if run_by == "main":
            who = "the main subgraph"
        elif run_by:
            who = "run by operator " + ", ".join(run_by)
        else:
            who = "not run by the main subgraph (not part of the Program)"
        lines.append(
            f"  subgraph {sub['index']} '{sub['name']}': {_count(sub['operators'], 'operator')}, "
            f"{_count(sub['tensors'], 'tensor')}, {who}"
        )
    return lines


def format_summary(info: dict[str, Any], name: str) -> str:
    lines = [f"model: {name}"]
    if info["description"]:
        lines.append(f"description: {info['description']}")
    for kind in ("inputs", "outputs"):
        for io in info[kind]:
            q = f"  scale {io['scale']:.6g} zero point {io['zero_point']}" if io["scale"] else ""
            lines.append(
                f"{kind[:-1]:6s}  {io['name']}  {io['dtype']} [{_shape(tuple(io['shape']))}]{q}"
            )
    lines += ["", f"operators ({len(info['operators'])}):"]
    rows = [
        [
            "  " * o["depth"] + o["label"],
            "  " * o["depth"] + o["op"],
            o["version"],
            _kernels(o),
            " ".join(_shape(tuple(s)) for s in o["output_shape"]),
            f"{o['macs']:,}",
        ]
        for o in info["operators"]
    ]
    lines.append(format_table(["#", "op", "v", "kernel", "output", "MACs"], rows, "MACs"))
    lines += _subgraph_lines(info["subgraphs"])
    lines += ["", "by op type:"]
    total = max(info["total_macs"], 1)
    rows = [
        [k, v["count"], f"{v['macs']:,}", f"{100 * v['macs'] / total:.1f}%"]
        for k, v in info["op_types"].items()
    ]
    rows.append(["total", len(info["operators"]), f"{info['total_macs']:,}", "100.0%"])
    lines.append(format_table(["op", "count", "MACs", "% MACs"], rows, "count,MACs,% MACs"))
    lines += ["", f"tensors ({len(info['tensors'])}):"]
    rows = [
        [
            t["label"],
            t["name"][:48],
            t["dtype"],
            _shape(tuple(t["shape"])),
            f"{t['bytes']:,}",
            t["kind"],
            "" if t["arena_offset"] is None else t["arena_offset"],
        ]
        for t in info["tensors"]
    ]
    lines.append(
        format_table(
            ["#", "name", "type", "shape", "bytes", "kind", "arena offset"],
            rows,
            "bytes,arena offset",
        )
    )
    a = info["arena"]
    lines += [
        "",
        "memory:",
        f"  arena needed     {a['needed']:>10,} B   (an arena of this size always runs the model)",
        f"  lower bound      {a['lower_bound']:>10,} B   (peak alive, overlaps counted)",
        f"  chain bound      {a['chain_bound']:>10,} B   (runs of overlapping steps drift down)",
        f"    activations    {a['activations']:>10,} B   (sum of arena buffers before reuse)",
        f"    scratch        {a['scratch']:>10,} B",
        f"    variables      {a['variables']:>10,} B",
        f"  weights (flash)  {info['weight_bytes']:>10,} B   (constant tensors; not in the arena)",
        f"  program (flash)  {info['program_bytes']:>10,} B   (weights + params + step table)",
    ]
    return "\n".join(lines)


# -- memory or speed: the plans side by side ---------------------------------------------


def plan_choices(
    plans: dict[str, CompiledModel], instructions: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """The plans a user picks from, by name: memory against instructions. "tensor bound" and
    "overlapped" run the same steps (only operand addresses differ); the patched ones
    recompute halo rows (and a streamed one pulls its input's rows: no resident copy),
    estimated from their MACs, or measured per plan on an emulated board (`instructions`)."""
    overlapped = plans["overlapped"]
    rows = []
    for name, c in plans.items():
        row: dict[str, Any] = {
            "plan": name,
            "arena": c.arena_bytes_needed,
            "bound": max(c.lower_bound, c.plan.chain_bound),
            "steps": len(c.steps),
            "estimated_overhead": patches.overhead(overlapped.steps, c.steps),
            "scratch_kept": scratch_kept(c),
        }
        if instructions is not None:
            row["instructions"] = instructions[name]
            row["measured_overhead"] = instructions[name] / instructions["overlapped"] - 1
        rows.append(row)
    return rows


def scratch_kept(c: CompiledModel) -> list[int]:
    """[steps whose optional scratch (im2col and the like: faster kernels) the plan keeps,
    steps that have one]: what makes plans of the same steps differ in speed."""
    optional = {
        s
        for s, step in enumerate(c.steps)
        if any(o.kind == "scratch" and o.optional for o in step.operands)
    }
    planned = {b.first for b in c.plan.buffers if b.kind == "scratch"}
    return [len(optional & planned), len(optional)]


def format_choices(choices: list[dict[str, Any]], board: str | None = None) -> str:
    measured = "instructions" in choices[0]
    rows = []
    for c in choices:
        row = [c["plan"], f"{c['arena']:,}", f"{c['bound']:,}", str(c["steps"])]
        row.append("{}/{}".format(*c["scratch_kept"]))
        row.append(f"{c['estimated_overhead']:+.1%}")
        if measured:
            row += [f"{c['instructions']:,}", f"{c['measured_overhead']:+.1%}"]
        rows.append(row)
    header = ["plan", "arena B", "bound B", "steps", "scratch kept", "instr. (est.)"]
    if measured:
        header += [f"instructions on {board}", "measured"]
    table = format_table(header, rows, ",".join(header[1:]))
    return "plans (pick memory or speed; --arena N runs the fastest that fits):\n" + table


# -- the arena plan ----------------------------------------------------------------------


def plan_data(compiled: CompiledModel) -> dict[str, Any]:
    p = compiled.plan
    live = live_bytes(p.buffers, p.n_steps, p.overlaps)
    return {
        "arena_size": p.arena_size,
        "lower_bound": p.lower_bound,
        "chain_bound": p.chain_bound,
        "n_steps": p.n_steps,
        "peak_step": int(np.argmax(live)) if live else 0,
        "live_bytes": live,
        "steps": [
            {"index": i, "op_index": s.op_index, "op": s.op_name, "kernel": s.kernel}
            for i, s in enumerate(compiled.steps)
        ],
        "buffers": [
            {
                "name": b.name,
                "kind": b.kind,
                "offset": b.offset,
                "size": b.size,
                "first_step": b.first,
                "last_step": b.last,
                "tensors": b.tensors,
            }
            for b in sorted(p.buffers, key=lambda b: (b.offset, b.first))
        ],
    }


def format_plan(data: dict[str, Any], width: int = 64) -> str:
    n = max(data["n_steps"], 1)
    cols = min(n, width)
    rows = []
    for b in data["buffers"]:
        lo = b["first_step"] * cols // n
        hi = b["last_step"] * cols // n
        bar = " " * lo + "#" * (hi - lo + 1) + " " * (cols - hi - 1)
        rows.append(
            [
                f"{b['offset']:,}",
                f"{b['size']:,}",
                f"{b['first_step']}-{b['last_step']}",
                b["kind"],
                b["name"][:36],
                "|" + bar + "|",
            ]
        )
    table = format_table(
        ["offset", "bytes", "steps", "kind", "buffer", "lifetime (steps →)"], rows, "offset,bytes"
    )
    peak = data["peak_step"]
    return "\n".join(
        [
            table,
            "",
            f"arena: {data['arena_size']:,} B   lower bound: {data['lower_bound']:,} B "
            f"(at step {peak}: {data['steps'][peak]['op'] if data['steps'] else '-'})   "
            f"overhead: {data['arena_size'] - data['lower_bound']:,} B",
            f"chain bound: {data['chain_bound']:,} B (an output runs over its input only from "
            "below: a run of overlapping steps drifts down the arena)",
        ]
    )
