"""Firmware benchmark: instructions (exact) and estimated cycles per inference on the
emulated Cortex-M4F, M7 and M3 (QEMU, micro's plugin: TRM timings, zero-wait-state
memory), total and per op, with MLPerf Tiny against the published figures, and the flash
and RAM of each model's firmware on the emulated board and on the Nano 33 BLE Sense
(built, not run).

    python benchmarks/bench_firmware.py [--models a,b] [--boards a,b] [--markdown]

Needs `micro setup`. Anchors (DESIGN.md): TFLM reference kernels 9.31 M /
95.6 M instructions, TFLM + CMSIS-NN 1.50 M / 22.9 M (micro_speech / person_detect);
TFLM's micro_speech example is about 151 KB of flash on the Nano 33 BLE. MLPerf Tiny
(results v1.0 to v1.3, Cortex-M4 STM32L4R5 at 120 MHz, cycles = ms x MHz): see PUBLISHED.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from _shared import REFERENCE

import micro
from micro import firmware
from micro.boards import load_board
from micro.compiler import compile_model
from micro.model import load_model
from micro.profile import op_label
from micro.progress import progress

MODELS = {
    "hello_world_int8": "tflm/hello_world/hello_world_int8.tflite",
    "micro_speech": "tflm/micro_speech/micro_speech_quantized.tflite",
    "person_detect": "tflm/person_detection/person_detect.tflite",
    "kws (DS-CNN)": "mlperf_tiny/kws_ref_model.tflite",
    "vww (MobileNetV1 0.25)": "mlperf_tiny/vww_96_int8.tflite",
    "ic (ResNet-8)": "mlperf_tiny/pretrainedResnet_quant.tflite",
    "ad (FC autoencoder)": "mlperf_tiny/ad01_int8.tflite",
}
COUNT_BOARDS = ["mps2-an386", "mps2-an500", "mps2-an385"]  # M4F first: the per-op table
SIZE_BOARDS = ["mps2-an386", "nano33ble"]
# Instructions per inference on a Cortex-M4F (DESIGN.md's measured anchors).
ANCHORS = {
    "micro_speech": (9.31e6, 1.50e6),  # TFLM reference kernels, TFLM + CMSIS-NN
    "person_detect": (95.6e6, 22.9e6),
}
# Cortex-M4 cycles per inference, MLPerf Tiny's results tables: the best of any engine,
# who, and TFLM + CMSIS-NN (v0.5).
PUBLISHED = {
    "kws (DS-CNN)": (5.18e6, "X-CUBE-AI 9.0", 21.8e6),
    "vww (MobileNetV1 0.25)": (10.67e6, "X-CUBE-AI 9.0", 72.1e6),
    "ic (ResNet-8)": (19.81e6, "X-CUBE-AI 9.0", 84.5e6),
    "ad (FC autoencoder)": (0.486e6, "Plumerai", 1.21e6),
}


def per_op(
    steps: Sequence[Any], instructions: Sequence[int], cycles: Sequence[int]
) -> dict[str, list[int]]:
    """Instructions, estimated cycles and MACs per operator type, most cycles first; a step
    that ran another operator's kernel counts under "TYPE (as OTHER)" (profile.op_label:
    person_detect's first DEPTHWISE_CONV_2D runs as CONV_2D)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for step, n, c in zip(steps, instructions, cycles, strict=True):
        figures = totals[op_label(step.op_name, [step.kernel])]
        figures[0] += n
        figures[1] += c
        figures[2] += step.macs
    return dict(sorted(totals.items(), key=lambda kv: -kv[1][1]))


def bench(name: str, path: Path, boards: list[str]) -> dict[str, Any]:
    row: dict[str, Any] = {"model": name}
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory(prefix="micro-bench-") as tmp:
        for board in boards:
            # The plan `micro flash` picks: the fastest that fits the board's RAM.
            target = load_board(board)
            budget = firmware.arena_budget(target)
            it = micro.Interpreter(
                compile_model(
                    load_model(path),
                    arena_budget=budget,
                    dsp=target.dsp,
                    flash_budget=firmware.flash_budget(target),
                )
            )
            compiled = it.compiled
            inputs = []
            for slot in compiled.inputs:
                info = np.iinfo(slot.dtype)
                x = rng.integers(info.min, info.max, slot.shape, np.int64).astype(slot.dtype)
                inputs.append(x)
            result = firmware.flash(
                compiled.program, board, [[x.tobytes() for x in inputs]], Path(tmp) / board
            )
            run = result.run
            assert run is not None and run.status == 0, run and run.log
            for i, x in enumerate(inputs):
                it.set_input(x, i)
            it.invoke()
            same = all(
                run.outputs[(0, k)] == it.get_output(k).tobytes()
                for k in range(len(compiled.outputs))
            )
            row[board] = {
                "instructions": run.instructions[0],
                "cycles": run.estimated_cycles[0],
                "matches_host": same,
            }
            if board != boards[0]:
                continue
            row.update(
                board=board,
                arena=it.arena_used_bytes(),
                per_op=per_op(compiled.steps, run.step_instructions, run.step_estimated_cycles),
                program=len(compiled.program),
            )
            for size_board in SIZE_BOARDS:
                built = result.build if size_board == board else None
                if built is None:
                    project = Path(tmp) / size_board
                    firmware.export(compiled.program, load_board(size_board), project)
                    built = firmware.build(project, load_board(size_board))
                row[f"flash {size_board}"] = built.flash
                row[f"ram {size_board}"] = built.ram
    return row


def _m(n: float) -> str:
    return f"{n / 1e6:.2f} M" if n >= 100_000 else f"{n:,.0f}"


def markdown(rows: list[dict[str, Any]], boards: list[str], out: Callable[[str], object]) -> None:
    """The README's tables: MLPerf Tiny against the published figures, instructions against
    the anchors, per op type on the first board, flash and RAM."""
    m4 = boards[0]
    core = {b: load_board(b).core for b in boards}
    others = boards[1:]
    out(
        f"| model | micro {core[m4]} instructions | micro {core[m4]} est. cycles | "
        "best published (M4 cycles) | TFLM + CMSIS-NN (M4 cycles) | "
        + "".join(f"micro {core[b]} est. cycles | " for b in others)
        + "= host |\n|---|---|---|---|---|"
        + "---|" * len(others)
        + "---|\n"
    )
    for r in rows:
        best, who, cmsis = PUBLISHED.get(r["model"], (None, "", None))
        same = all(r[b]["matches_host"] for b in boards)
        out(
            f"| {r['model']} | {_m(r[m4]['instructions'])} | **{_m(r[m4]['cycles'])}** | "
            + (f"{_m(best)} ({who}) | {_m(cmsis)} | " if best and cmsis else "- | - | ")
            + "".join(f"{_m(r[b]['cycles'])} | " for b in others)
            + f"{'yes' if same else 'NO'} |\n"
        )
    out("\n| model | op | instructions | est. cycles | share | MACs | instr / MAC |\n")
    out("|---|---|---|---|---|---|---|\n")
    for r in rows:
        total = r[m4]["cycles"]
        for op, (n, c, macs) in r["per_op"].items():
            per_mac = f"{n / macs:.2f}" if macs else "-"
            out(
                f"| {r['model']} | {op} | {n:,} | {c:,} | {100 * c / total:.1f}% | "
                f"{macs:,} | {per_mac} |\n"
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


def model_name(given: str) -> str:
    """A MODELS key from itself or its short name (`ad` for "ad (FC autoencoder)")."""
    for name in MODELS:
        if given in (name, name.split(" (")[0]):
            return name
    raise SystemExit(f"unknown model {given!r}: one of {', '.join(MODELS)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--models",
        help="comma-separated subset (short names: ad, kws, ...) of " + ", ".join(MODELS),
    )
    parser.add_argument(
        "--boards", help="comma-separated emulated boards, the first gets the per-op table"
    )
    parser.add_argument("--markdown", action="store_true", help="print the README tables")
    args = parser.parse_args()
    names = [model_name(n) for n in args.models.split(",")] if args.models else list(MODELS)
    boards = args.boards.split(",") if args.boards else COUNT_BOARDS
    rows = []
    for name in progress(names, "models"):
        try:
            rows.append(bench(name, REFERENCE / MODELS[name], boards))
        except micro.UnsupportedOpError as exc:
            sys.stderr.write(f"{name}: skipped, {exc}\n")
    out = sys.stdout.write
    if args.markdown:
        markdown(rows, boards, out)
        return 0
    for r in rows:
        for b in boards:
            out(
                f"{r['model']} on {b}: {r[b]['instructions']:,} instructions, "
                f"{r[b]['cycles']:,} estimated cycles; output equals host: "
                f"{r[b]['matches_host']}\n"
            )
        out(
            "    "
            + ", ".join(f"{k} {v:,}" for k, v in r.items() if k.startswith(("flash", "ram")))
            + "\n"
        )
        for op, (n, c, _) in r["per_op"].items():
            out(f"    {op:<32} {n:>12,} {c:>12,}  {100 * c / r[boards[0]]['cycles']:5.1f}%\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
