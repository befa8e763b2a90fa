"""The host runtime on a thread with a small stack (musl's default is 128 KiB, many embedded
Linux systems give less than glibc's 8 MiB): the host twins keep their large buffers in a
per-thread scratch (csrc/kernels/host_scratch.h), not in their frames. Every reference model
runs, in each variant of the twins this CPU has, on threads of 256, 128 and 64 KiB, with the
bytes it gives on the main thread (with the buffers in the frames, up to 115 KiB in the VNNI
conv twin, the 64 KiB thread died of a segmentation fault); and no host kernel's frame
exceeds 16 KiB (GCC's -fstack-usage, at the extension's flags)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from support.reference import REFERENCE, absent

ROOT = Path(__file__).resolve().parents[1]
MODELS = [
    "tflm/hello_world/hello_world_int8.tflite",
    "tflm/micro_speech/micro_speech_quantized.tflite",
    "tflm/person_detection/person_detect.tflite",
    "tflm/keyword/keyword_scrambled_8bit.tflite",
    "mlperf_tiny/kws_ref_model.tflite",
    "mlperf_tiny/vww_96_int8.tflite",
    "mlperf_tiny/pretrainedResnet_quant.tflite",
    "mlperf_tiny/ad01_int8.tflite",
]
FRAME_LIMIT = 16 * 1024

# Run in a child process: an overflow kills the process, which the parent reports.
CHILD = """
import hashlib, json, sys, threading
import numpy as np
import micro
from micro._ffi import lib
from support.oracle import random_inputs

stack, paths = int(sys.argv[1]), sys.argv[2:]
lib.micro_conv_s8_host_variant(3)
variants = list(range(lib.micro_conv_s8_host_variant(-1) + 1))


interpreters = {p: micro.Interpreter.from_file(p) for p in paths}


def outputs(it, variant):
    for cap in (lib.micro_conv_s8_host_variant, lib.micro_depthwise_conv_s8_host_variant,
                lib.micro_add_s8_host_variant):
        cap(variant)
    for i, x in enumerate(random_inputs(it, 0)):
        it.set_input(x, i)
    it.invoke()
    data = b"".join(it.get_output(k).tobytes() for k in range(len(it.compiled.outputs)))
    return hashlib.sha256(data).hexdigest()


def run_all():
    return {f"{p} {v}": outputs(it, v) for p, it in interpreters.items() for v in variants}


on_main = run_all()
result = {}
threading.stack_size(stack)
worker = threading.Thread(target=lambda: result.update(run_all()))
worker.start()
worker.join()
print(json.dumps({"variants": variants, "main": on_main, "thread": result}))
"""


@pytest.mark.parametrize("kib", [256, 128, 64])
def test_reference_models_run_on_a_small_thread_stack(kib: int) -> None:
    paths = [str(REFERENCE / rel) for rel in MODELS if (REFERENCE / rel).is_file()]
    if len(paths) < len(MODELS):
        absent(f"reference models not found under {REFERENCE}")
    env_path = f"{ROOT}:{ROOT / 'tests'}"
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(kib * 1024), *paths],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": env_path},
        timeout=600,
    )
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-2000:]}"
    report = json.loads(proc.stdout.splitlines()[-1])
    assert len(report["main"]) == len(paths) * len(report["variants"]) >= len(paths)
    assert report["thread"] == report["main"]


def test_host_kernel_frames_are_small(tmp_path: Path) -> None:
    """Each host twin compiled as the extension compiles it (micro/_build.py's flags), with
    GCC's own account of every function's frame."""
    if shutil.which("gcc") is None:
        absent("gcc not installed")
    from micro._build import compile_args

    include = sysconfig.get_paths()["include"]
    sources = sorted((ROOT / "csrc" / "kernels").glob("*_host*.c"))
    frames = {}
    for source in sources:
        obj = tmp_path / (source.stem + ".o")
        subprocess.run(
            ["gcc", *compile_args(), "-fPIC", "-fstack-usage", f"-I{ROOT / 'csrc' / 'include'}",
             f"-I{include}", "-c", str(source), "-o", str(obj)],
            check=True,
        )  # fmt: skip
        for line in obj.with_suffix(".su").read_text().splitlines():
            where, size, _ = line.split("\t")
            frames[where] = int(size)
    assert len(frames) >= len(sources)
    big = {where: size for where, size in frames.items() if size > FRAME_LIMIT}
    assert not big, f"host kernel frames over {FRAME_LIMIT} B: {big}"
