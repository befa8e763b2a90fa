"""Refit the patch planner's Cortex-M4 cost model (micro/patches.py: COSTS) to today's
kernels.

Per-step instruction counts on the emulated Cortex-M4F (mps2-an386, the DSP twins, one
invoke) of the reference models with convolutions (person_detect, vww, kws, ic and
micro_speech; ad has none), each compiled whole (every scratch kept) and
patched (15 % and 50 % allowed, and streamed at 15 %: strips of several heights, so the
per-call and halo terms are seen), then per kernel a least-squares fit of instructions to
patches.cost_features (MACs, outputs, window bytes gathered, one call) in relative error,
coefficients kept non-negative. Prints the fit and, per program, the measured total against
the model's and each patched plan's estimated overhead against the measured one.

    python benchmarks/fit_step_cost.py [--counts counts.json]

Needs `micro setup`; --counts keeps the measured counts (a second run reuses them).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from _shared import REFERENCE

from micro.compiler import compile_model
from micro.errors import UnsupportedOpError
from micro.firmware import step_instructions
from micro.model import load_model
from micro.patches import COSTS, cost_features, step_cost

MODELS = {
    "person_detect": "tflm/person_detection/person_detect.tflite",
    "vww": "mlperf_tiny/vww_96_int8.tflite",
    "kws": "mlperf_tiny/kws_ref_model.tflite",
    "ic": "mlperf_tiny/pretrainedResnet_quant.tflite",
    "micro_speech": "tflm/micro_speech/micro_speech_quantized.tflite",
}
PLANS = {  # compile_model keyword arguments
    "whole": {"fastest": True},
    "patched 15%": {"max_overhead": 0.15},
    "patched 50%": {"max_overhead": 0.5},
    "streamed 15%": {"max_overhead": 0.15, "stream": True},
}
BOARD = "mps2-an386"


def programs() -> dict[str, object]:
    """Each model's plans; a plan that patches nothing is left out: it is the smallest
    arena unpatched, whose steps drop their optional scratch (slower kernels than the ones
    COSTS prices, and no patching overhead to estimate)."""
    out = {}
    for name, path in MODELS.items():
        model = load_model((REFERENCE / path).read_bytes())
        whole = 0
        for plan, options in PLANS.items():
            try:
                compiled = compile_model(model, dsp=True, **options)
            except UnsupportedOpError as e:  # a model without a streamable chain
                print(f"{name}, {plan}: skipped ({e})")
                continue
            steps = len(compiled.steps)
            if plan != "whole" and steps <= whole:
                print(f"{name}, {plan}: skipped (nothing patched)")
                continue
            whole = whole or steps
            out[f"{name}, {plan}"] = compiled
    return out


def fit(rows: list[tuple[tuple[float, ...], int]]) -> tuple[float, ...]:
    """Non-negative least squares in relative error (active set: a negative coefficient is
    pinned at 0 and the rest refitted)."""
    x = np.array([f for f, _ in rows], float)
    y = np.array([v for _, v in rows], float)
    w = 1.0 / np.maximum(y, 1.0)
    free = list(range(x.shape[1]))
    while True:
        coef, *_ = np.linalg.lstsq(x[:, free] * w[:, None], y * w, rcond=None)
        if (coef >= 0).all():
            break
        free.pop(int(np.argmin(coef)))
    full = np.zeros(x.shape[1])
    full[free] = coef
    return tuple(float(c) for c in full)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=Path, help="JSON file of measured counts (reused)")
    args = parser.parse_args()
    compiled = programs()
    counts: dict[str, list[int]] = {}
    if args.counts and args.counts.exists():
        counts = json.loads(args.counts.read_text())
    for name, c in compiled.items():
        if name not in counts:
            counts[name] = step_instructions(c, BOARD)  # type: ignore[arg-type]
            if args.counts:
                args.counts.write_text(json.dumps(counts))
    fits = {}
    for kernel in COSTS:
        rows = [
            (cost_features(step), n)
            for name, c in compiled.items()
            for step, n in zip(c.steps, counts[name], strict=True)  # type: ignore[attr-defined]
            if step.kernel == kernel
        ]
        fits[kernel] = fit(rows)
        print(
            f"{kernel}: {len(rows)} steps, (per MAC, output, patch byte, call) = "
            f"({', '.join(f'{v:.4g}' for v in fits[kernel])}), was {COSTS[kernel]}"
        )

    def estimate(steps: list, new: bool) -> float:  # type: ignore[type-arg]
        return sum(
            float(np.dot(fits[s.kernel], cost_features(s)))
            if new and s.kernel in fits
            else step_cost(s)
            for s in steps
        )

    print("\nprogram: measured instructions, estimated by the old model / the new fit")
    whole: dict[str, tuple[int, float, float]] = {}
    for name, c in compiled.items():
        steps = c.steps  # type: ignore[attr-defined]
        total = (sum(counts[name]), estimate(steps, False), estimate(steps, True))
        line = f"  {name}: {total[0]:,} / {total[1]:,.0f} / {total[2]:,.0f}"
        model = name.split(",")[0]
        if name.endswith("whole"):
            whole[model] = total
        elif model in whole:
            base = whole[model]
            m, o, n = (t / b - 1 for t, b in zip(total, base, strict=True))
            line += f"; overhead measured {m:+.1%}, estimated {o:+.1%} (old) / {n:+.1%} (new)"
        print(line)


if __name__ == "__main__":
    main()
