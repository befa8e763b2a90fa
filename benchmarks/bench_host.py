"""Host benchmark: micro beside TFLM's Python interpreter and LiteRT, in one run.

For each reference model: per-invoke latency of micro (its smallest arena and a roomy one),
tflite-micro (TFLM reference kernels), LiteRT with its reference kernels and LiteRT's
default (XNNPACK, 1 thread), timed in interleaved rounds (micro beside TFLM, then micro
beside LiteRT: each ratio comes from its own rounds); the ratios; and arena bytes: micro's
need, the lower bound, and TFLM's smallest working arena (found by bisection, each probe
in a subprocess because TFLM crashes on too small an arena).

What is timed, for every engine alike: the call a user makes per inference, with the
inputs set once beforehand and no output read (no engine copies a tensor in the timed
call). micro: `Interpreter.invoke()`, one builtin function (micro/_invoke.c) calling the
C executor. TFLM: `runtime.Interpreter.invoke()`, a Python method making one pybind11 call
into MicroInterpreter::Invoke. LiteRT: `Interpreter.invoke()`, a Python method that checks
no numpy view of a tensor is held, then one pybind11 call into Interpreter::Invoke.

    python benchmarks/bench_host.py [--runs N] [--models a,b] [--no-tflm-arena] [--stat min]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from _shared import REFERENCE

import micro
from micro.model import load_model
from micro.progress import progress
from micro.rewrite import rewrite_model

MODELS = {
    "hello_world_int8": "tflm/hello_world/hello_world_int8.tflite",
    "micro_speech": "tflm/micro_speech/micro_speech_quantized.tflite",
    "person_detect": "tflm/person_detection/person_detect.tflite",
    "kws_ref_model": "mlperf_tiny/kws_ref_model.tflite",
    "vww_96_int8": "mlperf_tiny/vww_96_int8.tflite",
    "resnet (ic)": "mlperf_tiny/pretrainedResnet_quant.tflite",
    "ad01_int8": "mlperf_tiny/ad01_int8.tflite",
}

_PROBE = """
import sys
import numpy as np
from tflite_micro.python.tflite_micro import runtime
data = open(sys.argv[1], "rb").read()
it = runtime.Interpreter.from_bytes(data, arena_size=int(sys.argv[2]))
d = it.get_input_details(0)
it.set_input(np.zeros(d["shape"], d["dtype"]), 0)
it.invoke()
print("OK")
"""


def time_us(
    fns: dict[str, Callable[[], object]], runs: int, stat: str = "median"
) -> dict[str, float]:
    """Each function's time per call in µs, the median (or minimum) over `runs` rounds. A
    round times every function once, in turn, each over a batch sized to last about 2 ms
    (min 1 call), so a burst of load from other jobs falls on all of them alike; on a
    machine busy with other jobs the minimum is the steadier figure."""
    batch = {}
    for key, fn in fns.items():
        fn()
        start = time.perf_counter()
        fn()
        batch[key] = max(1, int(0.002 / max(time.perf_counter() - start, 1e-7)))
    samples: dict[str, list[float]] = {key: [] for key in fns}
    for _ in range(runs):
        for key, fn in fns.items():
            start = time.perf_counter()
            for _ in range(batch[key]):
                fn()
            samples[key].append((time.perf_counter() - start) / batch[key])
    pick = min if stat == "min" else statistics.median
    return {key: pick(v) * 1e6 for key, v in samples.items()}


def tflm_smallest_arena(path: Path, hi: int) -> int:
    def works(size: int) -> bool:
        proc = subprocess.run(
            [sys.executable, "-c", _PROBE, str(path), str(size)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return proc.returncode == 0 and "OK" in proc.stdout

    while not works(hi):
        hi *= 2
    lo = 0
    while hi - lo > 16:
        mid = (lo + hi) // 2
        if works(mid):
            hi = mid
        else:
            lo = mid
    return hi


def inputs_for(it: micro.Interpreter) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    out = []
    for d in it.get_input_details():
        dtype = np.dtype(d["dtype"])
        if dtype.kind in "iu":
            out.append(rng.integers(-128, 127, d["shape"]).astype(dtype))
        else:
            out.append(rng.uniform(-1, 1, d["shape"]).astype(dtype))
    return out


def bench_micro_tflm(
    name: str, path: Path, runs: int, tflm_arena: bool, stat: str
) -> dict[str, float | int | str]:
    """micro (smallest and roomy arena) beside TFLM, and the arenas."""
    from tflite_micro.python.tflite_micro import runtime

    data = path.read_bytes()
    it = micro.Interpreter.from_bytes(data, fastest=False)  # the smallest arena
    xs = inputs_for(it)
    for i, x in enumerate(xs):
        it.set_input(x, i)
    # With room to spare the compiler keeps every optional scratch (faster conv kernels).
    fast = micro.Interpreter.from_bytes(data, arena_size=1 << 24)
    for i, x in enumerate(xs):
        fast.set_input(x, i)
    tflm = runtime.Interpreter.from_bytes(data, arena_size=16 * 1024 * 1024)
    for i, x in enumerate(xs):
        tflm.set_input(x, i)
    row: dict[str, float | int | str] = {"model": name}
    row.update(
        time_us(
            {"micro_us": it.invoke, "micro_fast_us": fast.invoke, "tflm_us": tflm.invoke},
            runs,
            stat,
        )
    )
    row["arena"] = it.arena_used_bytes()
    row["lower_bound"] = it.lower_bound
    row["fast_arena"] = fast.arena_used_bytes()
    row["tflm_arena"] = (
        tflm_smallest_arena(path, 4 * it.arena_used_bytes() + 4096) if tflm_arena else 0
    )
    return row


def bench_litert(path: Path, runs: int, stat: str) -> dict[str, float]:
    """micro beside LiteRT's reference kernels and XNNPACK (1 thread)."""
    from ai_edge_litert.interpreter import Interpreter as LiteRT
    from ai_edge_litert.interpreter import OpResolverType

    data = path.read_bytes()
    it = micro.Interpreter.from_bytes(data, fastest=False)  # the smallest arena
    xs = inputs_for(it)
    for i, x in enumerate(xs):
        it.set_input(x, i)
    fns: dict[str, Callable[[], object]] = {"micro_lite_us": it.invoke}
    # LiteRT refuses a stale quantized_dimension on 1-D biases (person_detect) that TFLM
    # ignores; the re-encoded model differs only there.
    lite_data = rewrite_model(load_model(data))
    for key, resolver in (
        ("litert_ref_us", OpResolverType.BUILTIN_REF),
        ("litert_us", OpResolverType.AUTO),
    ):
        lite = LiteRT(
            model_content=lite_data, experimental_op_resolver_type=resolver, num_threads=1
        )
        lite.allocate_tensors()
        for d, x in zip(lite.get_input_details(), xs, strict=True):
            lite.set_tensor(d["index"], x)
        fns[key] = lite.invoke
    return time_us(fns, runs, stat)


def _us(t: float) -> str:
    """A time in µs: two decimals below 10 µs (a tiny model's invoke is a fraction of one)."""
    return f"{t:,.2f}" if t < 10 else f"{t:,.1f}"


def _ratio(x: float) -> str:
    return f"{x:.2f}x" if x < 10 else f"{x:.1f}x"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=31)
    parser.add_argument("--models", help="comma-separated subset of: " + ", ".join(MODELS))
    parser.add_argument("--no-tflm-arena", action="store_true", help="skip the arena bisection")
    parser.add_argument(
        "--stat", choices=("median", "min"), default="median", help="per-engine time over rounds"
    )
    args = parser.parse_args()
    names = args.models.split(",") if args.models else list(MODELS)
    # Every model's TFLM timing comes before any LiteRT interpreter exists: once one has
    # been created, TFLM's kernels in the same process run up to 3x slower (tflite-micro
    # and ai-edge-litert 2.3 wheels), which would flatter micro.
    rows = []
    for name in progress(names, "models, micro and TFLM"):
        path = REFERENCE / MODELS[name]
        if not path.exists():
            print(f"skip {name}: {path} not found", file=sys.stderr)
            continue
        try:
            rows.append(bench_micro_tflm(name, path, args.runs, not args.no_tflm_arena, args.stat))
        except micro.MicroError as exc:
            print(f"skip {name}: {exc}", file=sys.stderr)
    for row in progress(rows, "models, micro and LiteRT"):
        row.update(bench_litert(REFERENCE / MODELS[str(row["model"])], args.runs, args.stat))
    header = (
        "| model | micro µs | micro µs, roomy arena | TFLM µs | LiteRT ref µs | LiteRT XNNPACK µs "
        "| TFLM/micro | LiteRT ref/micro | micro/XNNPACK | micro arena B | lower bound B "
        "| roomy arena B | TFLM arena B |"
    )
    print(header)
    print("|---" * 13 + "|")
    for r in rows:
        m, lite_m = float(r["micro_us"]), float(r["micro_lite_us"])
        times = [m, r["micro_fast_us"], r["tflm_us"], r["litert_ref_us"], r["litert_us"]]
        ratios = [float(r["tflm_us"]) / m, float(r["litert_ref_us"]) / lite_m]
        ratios.append(lite_m / float(r["litert_us"]))
        arenas = [r["arena"], r["lower_bound"], r["fast_arena"], r["tflm_arena"]]
        cells = [str(r["model"])] + [_us(float(t)) for t in times]
        cells += [_ratio(x) for x in ratios] + [f"{int(a):,}" for a in arenas]
        print("| " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
