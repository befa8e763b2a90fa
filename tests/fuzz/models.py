"""Python-level fuzzing: mutated .tflite models through load_model, compile_model and invoke,
and hostile files through the command line. Whatever the bytes, micro answers with a
MicroError (the CLI: a nonzero exit and one line) or runs: any other exception is a failure,
kept as a file for a regression test.

Mutations are of two kinds, as OSS-Fuzz's structure-aware fuzzers do: raw bytes (truncation,
flips, 32-bit values where offsets and lengths live) and model fields (scales, zero points,
shapes, types, operator wiring, options, constants) re-encoded with micro's own writer, so
the mutant is a well-formed flatbuffer whose meaning is hostile.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import signal
import struct
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import micro
from micro.cli import main as cli_main
from micro.compiler import compile_model
from micro.model import Quantization, load_model
from micro.rewrite import rewrite_model
from micro.schema import TensorType

HANG_SECONDS = 60  # a mutant still compiling or running after this is a hang (a finding)
MAX_MACS = 20_000_000  # a mutated shape can ask for a huge (valid) computation: don't run it
EXTREME_SCALES = (1e20, 1e-20, 3.4e38, 1e-45, 0.0, -1.0, float("nan"), float("inf"), 2.0**-29)
EXTREME_INTS = (0, 1, -1, 2, 127, 128, -129, 255, 65536, 2**31 - 1, -(2**31))
DIMS = (0, 1, 2, 3, 1000, 2**16, 2**31 - 1)
RUNNING = "running.tflite"  # the mutant being tried, in the keep folder, until the loop ends


def byte_mutation(data: bytes, rng: np.random.Generator) -> bytes:
    buf = bytearray(data)
    kind = rng.integers(0, 4)
    if kind == 0:
        return bytes(buf[: int(rng.integers(0, len(buf)))])
    if kind == 1:  # a few bytes anywhere
        for _ in range(int(rng.integers(1, 9))):
            buf[int(rng.integers(0, len(buf)))] = int(rng.integers(0, 256))
    elif kind == 2:  # bits in the first few KB, where the tables and offsets are
        for _ in range(int(rng.integers(1, 5))):
            buf[int(rng.integers(0, min(len(buf), 4096)))] ^= 1 << int(rng.integers(0, 8))
    else:  # a 32-bit value at an aligned position (offsets, lengths, indices)
        pos = int(rng.integers(0, len(buf) // 4)) * 4
        value = int(rng.choice([0, 1, 0x7FFFFFFF, 0xFFFFFFFF, int(rng.integers(0, 2**32))]))
        buf[pos : pos + 4] = struct.pack("<I", value)
    return bytes(buf)


def _pick(rng: np.random.Generator, items: Any) -> Any:
    return items[int(rng.integers(0, len(items)))]


def _mutate_tensor(graph: Any, rng: np.random.Generator) -> None:
    t = _pick(rng, graph.tensors)
    kind = int(rng.integers(0, 6))
    q = t.quant
    if kind <= 1 and q is not None:
        scale, zp = q.scale.copy(), q.zero_point.copy()
        if kind == 0:
            scale[int(rng.integers(0, len(scale)))] = _pick(rng, EXTREME_SCALES)
        else:
            zp[int(rng.integers(0, len(zp)))] = _pick(rng, EXTREME_INTS)
        t.quant = Quantization(scale.astype(np.float32), zp, q.quantized_dimension)
    elif kind == 2 and t.data is None and t.shape:
        shape = list(t.shape)
        shape[int(rng.integers(0, len(shape)))] = _pick(rng, DIMS)
        t.shape, t.shape_signature = tuple(shape), None
    elif kind == 3 and t.data is None:
        t.type = TensorType(_pick(rng, list(TensorType)))
    elif kind == 4:
        t.is_variable = not t.is_variable
    elif t.data is not None and t.data.size:  # constants at the edges of their type
        data = t.data.copy()
        info = np.iinfo(data.dtype) if data.dtype.kind in "iu" else np.finfo(data.dtype)
        data.reshape(-1)[int(rng.integers(0, data.size))] = _pick(rng, [info.min, info.max, 0])
        t.data = data


def _mutate_operator(graph: Any, rng: np.random.Generator) -> None:
    op = _pick(rng, graph.operators)
    n = len(graph.tensors)
    kind = int(rng.integers(0, 4))
    if kind == 0 and op.inputs:
        inputs = list(op.inputs)
        inputs[int(rng.integers(0, len(inputs)))] = int(rng.integers(-1, n))
        op.inputs = tuple(inputs)
    elif kind == 1 and op.outputs:
        outputs = list(op.outputs)
        outputs[int(rng.integers(0, len(outputs)))] = int(rng.integers(0, n))
        op.outputs = tuple(outputs)
    elif kind == 2 and op.options:
        key = _pick(rng, sorted(op.options))
        value = op.options[key]
        if isinstance(value, bool):
            op.options[key] = not value
        elif isinstance(value, int):
            op.options[key] = int(_pick(rng, EXTREME_INTS))
        elif isinstance(value, float):
            op.options[key] = float(_pick(rng, EXTREME_SCALES))
    elif len(graph.operators) > 1:  # drop or repeat an operator
        ops = graph.operators
        i = int(rng.integers(0, len(ops)))
        ops.insert(i, ops[i]) if rng.random() < 0.5 else ops.pop(i)


def structural_mutation(data: bytes, rng: np.random.Generator) -> bytes | None:
    """A field-level mutant re-encoded by micro's writer; None if the writer refuses it."""
    model = load_model(data)
    if not model.subgraphs:
        return None
    graph = model.subgraphs[int(rng.integers(0, len(model.subgraphs)))]
    for _ in range(int(rng.integers(1, 3))):
        which = int(rng.integers(0, 5))
        if which <= 1:
            _mutate_tensor(graph, rng)
        elif which <= 3 and graph.operators:
            _mutate_operator(graph, rng)
        else:
            which_end = "outputs" if rng.random() < 0.5 else "inputs"
            ends = list(getattr(graph, which_end))
            if ends:
                ends[int(rng.integers(0, len(ends)))] = int(rng.integers(0, len(graph.tensors)))
                setattr(graph, which_end, tuple(ends))
    try:
        return rewrite_model(model)
    except (ValueError, TypeError, OverflowError, micro.MicroError, struct.error):
        return None


def _random_inputs(it: micro.Interpreter, rng: np.random.Generator) -> None:
    for i, d in enumerate(it.get_input_details()):
        dtype, shape = np.dtype(d["dtype"]), tuple(int(s) for s in d["shape"])
        if dtype.kind in "iu":
            info = np.iinfo(dtype)
            x = rng.integers(info.min, info.max, shape, endpoint=True, dtype=dtype)
        else:
            x = rng.uniform(-4, 4, shape).astype(dtype)
        it.set_input(x, i)


def try_model(data: bytes, rng: np.random.Generator) -> tuple[str, bytes | None]:
    """("ran" or the MicroError's class name, the Program if it compiled). Any other
    exception propagates: that is what the campaign looks for."""
    try:
        compiled = compile_model(load_model(data))
        it = micro.Interpreter(compiled)
        if sum(s.macs for s in compiled.steps) <= MAX_MACS:
            _random_inputs(it, rng)
            it.invoke()
        return "ran", compiled.program
    except micro.MicroError as exc:
        return type(exc).__name__, None


class Hang(Exception):
    """A mutant ran longer than HANG_SECONDS."""


@contextlib.contextmanager
def hang_guard() -> Any:
    def alarm(signum: int, frame: Any) -> None:
        raise Hang(f"still running after {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class ModelCampaign:
    what: str = "mutated models"
    mutants: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    programs: dict[str, bytes] = field(default_factory=dict)  # accepted mutants' Programs

    def summary(self) -> str:
        top = ", ".join(f"{k} {v:,}" for k, v in self.outcomes.most_common())
        return f"{self.mutants:,} {self.what}: {top}; failures {len(self.failures)}"


def _keep(keep: Path | None, data: bytes, suffix: str) -> str:
    name = hashlib.sha1(data).hexdigest()[:16] + suffix
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
        (keep / name).write_bytes(data)
    return name


def run_models(
    seeds: list[bytes],
    count: int,
    rng_seed: int,
    keep: Path | None = None,
    max_programs: int = 2000,
) -> ModelCampaign:
    """`count` mutants (half raw bytes, half structural) of `seeds`, each loaded, compiled
    and, if cheap enough, run; the Programs of up to `max_programs` accepted ones are kept
    for the C builds to replay. A failing mutant is kept in `keep` as <sha1>.tflite."""
    rng = np.random.default_rng(rng_seed)
    result = ModelCampaign()
    running = keep / RUNNING if keep is not None else None
    for i in range(count):
        seed = seeds[i % len(seeds)]
        data = byte_mutation(seed, rng) if i % 2 else structural_mutation(seed, rng)
        result.mutants += 1
        if data is None:
            result.outcomes["unwritable"] += 1
            continue
        if running is not None:  # a signal ends the campaign: this file says on what
            running.parent.mkdir(parents=True, exist_ok=True)
            running.write_bytes(data)
        try:
            with hang_guard():
                outcome, program = try_model(data, rng)
        except Exception as exc:  # the finding: anything that is not a MicroError, or a hang
            name = _keep(keep, data, ".tflite")
            result.failures.append(f"mutant {i} ({name}): {type(exc).__name__}: {exc}")
            continue
        result.outcomes[outcome] += 1
        if program is not None and len(result.programs) < max_programs:
            result.programs[hashlib.sha1(program).hexdigest()[:16]] = program
    if running is not None:
        running.unlink(missing_ok=True)
    return result


def cli_outcome(argv: list[str]) -> str:
    """Run the CLI in-process: "ok", "error" (nonzero exit, exactly one line starting
    'error:'), or a failure description."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli_main(argv)
    except SystemExit as exc:  # argparse
        return "ok" if exc.code == 0 else "usage"
    except Exception as exc:
        return f"failure: {type(exc).__name__}: {exc}"
    lines = err.getvalue().strip().splitlines()
    if code == 0:
        return "ok"
    if len(lines) == 1 and lines[0].startswith("error: "):
        return "error"
    return f"failure: exit {code} with stderr {lines[:5]!r}"


def wav_mutation(wav: bytes, rng: np.random.Generator) -> bytes:
    """A mutant of a small PCM .wav: header fields (rate, channels, width, sizes) set to
    edge values, the data cut, or raw bytes flipped."""
    buf = bytearray(wav)
    kind = int(rng.integers(0, 4))
    if kind == 0:  # RIFF size, channels, rate, byte rate, align, bits, data size
        pos, width = _pick(rng, [(4, 4), (22, 2), (24, 4), (28, 4), (32, 2), (34, 2), (40, 4)])
        value = int(_pick(rng, [0, 1, 2, 3, 8, 255, 4000, 3999, 384001, 0xFFFF, 0xFFFFFFFF]))
        buf[pos : pos + width] = (value & ((1 << (8 * width)) - 1)).to_bytes(width, "little")
    elif kind == 1:
        return bytes(buf[: int(rng.integers(0, len(buf)))])
    else:
        return byte_mutation(bytes(buf), rng)
    return bytes(buf)


def run_cli(
    models: list[bytes],
    wav: bytes,
    count: int,
    rng_seed: int,
    work: Path,
    speech_model: Path | None = None,
    findings: Path | None = None,
) -> ModelCampaign:
    """`count` hostile files through `micro inspect`, `micro run` and `micro speech`; each
    one that fails is kept in `findings` (default: work/failures)."""
    rng = np.random.default_rng(rng_seed)
    result = ModelCampaign("hostile CLI inputs")
    work.mkdir(parents=True, exist_ok=True)
    commands: list[tuple[str, Callable[[Path], list[str]]]] = [
        ("inspect", lambda p: ["inspect", str(p)]),
        ("run", lambda p: ["run", str(p)]),
    ]
    for i in range(count):
        result.mutants += 1
        if i % 8 == 7:  # speech runs a whole pipeline: fewer of them
            path = work / "clip.wav"
            path.write_bytes(wav_mutation(wav, rng))
            argv = ["speech", str(path)]
            if speech_model is not None:
                argv += ["--model", str(speech_model)]
        else:
            path = work / "model.tflite"
            path.write_bytes(byte_mutation(models[i % len(models)], rng))
            argv = commands[i % 2][1](path)
        try:
            with hang_guard():
                outcome = cli_outcome(argv)
        except Hang as exc:
            outcome = f"failure: hang: {exc}"
        if outcome.startswith("failure"):
            name = _keep(findings or work / "failures", path.read_bytes(), path.suffix)
            result.failures.append(f"{' '.join(argv[:1])} on {name}: {outcome}")
        result.outcomes[f"{argv[0]} {outcome}"] += 1
    return result
