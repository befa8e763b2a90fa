"""Firmware benchmark: instructions per inference on the emulated Cortex-M4F (mps2-an386,
counted exactly by micro's QEMU plugin), total and per op, and the flash and RAM of each
model's firmware on the emulated board and on the Nano 33 BLE Sense (built, not run).

    python benchmarks/bench_firmware.py [--models a,b] [--markdown]

Needs `micro setup`. Anchors (DESIGN.md): TFLM reference kernels 9.31 M /
95.6 M instructions, TFLM + CMSIS-NN 1.50 M / 22.9 M (micro_speech / person_detect);
TFLM's micro_speech example is about 151 KB of flash on the Nano 33 BLE.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import micro
from micro import firmware
from micro.boards import load_board
from micro.compiler import compile_model
from micro.model import load_model
from micro.progress import progress

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
MODELS = {
    "hello_world_int8": "tflm/hello_world/hello_world_int8.tflite",
    "micro_speech": "tflm/micro_speech/micro_speech_quantized.tflite",
    "person_detect": "tflm/person_detection/person_detect.tflite",
}
COUNT_BOARD = "mps2-an386"
SIZE_BOARDS = ["mps2-an386", "nano33ble"]
# Instructions per inference on a Cortex-M4F (DESIGN.md's measured anchors).
ANCHORS = {
    "micro_speech": (9.31e6, 1.50e6),  # TFLM reference kernels, TFLM + CMSIS-NN
    "person_detect": (95.6e6, 22.9e6),
}


def bench(name: str, path: Path) -> dict[str, Any]:
    # The plan `micro flash` picks: the fastest that fits the board's RAM.
    budget = firmware.arena_budget(load_board(COUNT_BOARD))
    it = micro.Interpreter(compile_model(load_model(path), arena_budget=budget))
    compiled = it.compiled
    rng = np.random.default_rng(0)
    inputs = []
    for slot in compiled.inputs:
        info = np.iinfo(slot.dtype)
        inputs.append(rng.integers(info.min, info.max, slot.shape, np.int64).astype(slot.dtype))
    row: dict[str, Any] = {"model": name, "arena": it.arena_used_bytes()}
    with tempfile.TemporaryDirectory(prefix="micro-bench-") as tmp:
        result = firmware.flash(
            compiled.program, COUNT_BOARD, [[x.tobytes() for x in inputs]], Path(tmp) / "m4f"
        )
        run = result.run
        assert run is not None and run.status == 0, run and run.log
        for i, x in enumerate(inputs):
            it.set_input(x, i)
        it.invoke()
        same = all(
            run.outputs[(0, k)] == it.get_output(k).tobytes() for k in range(len(compiled.outputs))
        )
        per_op: dict[str, int] = defaultdict(int)
        macs: dict[str, int] = defaultdict(int)
        for step, n in zip(compiled.steps, run.step_instructions, strict=True):
            per_op[step.op_name] += n
            macs[step.op_name] += step.macs
        row.update(
            instructions=run.instructions[0],
            per_op=dict(sorted(per_op.items(), key=lambda kv: -kv[1])),
            macs=dict(macs),
            matches_host=same,
            program=len(compiled.program),
        )
        for board in SIZE_BOARDS:
            built = result.build if board == COUNT_BOARD else None
            if built is None:
                project = Path(tmp) / board
                firmware.export(compiled.program, load_board(board), project)
                built = firmware.build(project, load_board(board))
            row[f"flash {board}"] = built.flash
            row[f"ram {board}"] = built.ram
    return row


def markdown(rows: list[dict[str, Any]], out: Callable[[str], object]) -> None:
    """The README's tables: instructions against the anchors, per op type, flash and RAM."""
    out(
        "| model | micro | TFLM reference kernels | TFLM + CMSIS-NN | = host |\n"
        "|---|---|---|---|---|\n"
    )
    for r in rows:
        ref, cmsis = ANCHORS.get(r["model"], (None, None))
        anchors = [f"{a / 1e6:.2f} M" if a else "-" for a in (ref, cmsis)]
        n = r["instructions"]
        ours = f"{n / 1e6:.2f} M" if n >= 100_000 else f"{n:,}"
        out(
            f"| {r['model']} | **{ours}** | {anchors[0]} | "
            f"{anchors[1]} | {'yes' if r['matches_host'] else 'NO'} |\n"
        )
    out("\n| model | op | instructions | share | MACs | instructions / MAC |\n")
    out("|---|---|---|---|---|---|\n")
    for r in rows:
        for op, n in r["per_op"].items():
            m = r["macs"].get(op, 0)
            per_mac = f"{n / m:.2f}" if m else "-"
            out(
                f"| {r['model']} | {op} | {n:,} | {100 * n / r['instructions']:.1f}% | "
                f"{m:,} | {per_mac} |\n"
            )
    out(
        "\n| model | program B | arena B | flash B (an386 / Nano 33 BLE) "
        "| RAM B (an386 / Nano 33 BLE) |\n|---|---|---|---|---|\n"
    )
    for r in rows:
        out(
            f"| {r['model']} | {r['program']:,} | {r['arena']:,} | "
            f"{r['flash mps2-an386']:,} / {r['flash nano33ble']:,} | "
            f"{r['ram mps2-an386']:,} / {r['ram nano33ble']:,} |\n"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", help="comma-separated subset of " + ", ".join(MODELS))
    parser.add_argument("--markdown", action="store_true", help="print a README table")
    args = parser.parse_args()
    names = args.models.split(",") if args.models else list(MODELS)
    rows = []
    for name in progress(names, "models"):
        try:
            rows.append(bench(name, REFERENCE / MODELS[name]))
        except micro.UnsupportedOpError as exc:
            sys.stderr.write(f"{name}: skipped, {exc}\n")
    out = sys.stdout.write
    if args.markdown:
        markdown(rows, out)
        return 0
    for r in rows:
        out(
            f"{r['model']}: {r['instructions']:,} instructions on {COUNT_BOARD}; "
            + ", ".join(f"{k} {v:,}" for k, v in r.items() if k.startswith(("flash", "ram")))
            + f"; output equals host: {r['matches_host']}\n"
        )
        per_op = r["per_op"]
        assert isinstance(per_op, dict)
        for op, n in per_op.items():
            out(f"    {op:<24} {n:>12,}  {100 * n / r['instructions']:5.1f}%\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
