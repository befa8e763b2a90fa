"""Bounded fuzzing: truncated and mutated real models, and corrupted program blobs.

Whatever the bytes, micro must answer with a MicroError (or run): never another exception,
never a crash, never a write outside its buffers (the sanitized C build checks that part).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support import sanitized
from support.oracle import random_inputs

import micro
from micro.compiler import compile_model
from micro.interpreter import Runtime
from micro.model import load_model
from micro.program import read_header, seal

MODELS = [
    "tflm/hello_world/hello_world_int8.tflite",
    "tflm/micro_speech/micro_speech_quantized.tflite",
    "mlperf_tiny/ad01_int8.tflite",
]
MAX_MACS = 50_000_000  # a mutated shape can ask for a huge (valid) computation: don't run it


def _mutate(data: bytes, rng: np.random.Generator) -> bytes:
    buf = bytearray(data)
    kind = rng.integers(0, 4)
    if kind == 0:
        return bytes(buf[: int(rng.integers(0, len(buf)))])
    if kind == 1:  # flip a few bytes anywhere
        for _ in range(int(rng.integers(1, 9))):
            buf[int(rng.integers(0, len(buf)))] = int(rng.integers(0, 256))
    elif kind == 2:  # flip bytes in the first few KB, where the tables and offsets are
        for _ in range(int(rng.integers(1, 5))):
            buf[int(rng.integers(0, min(len(buf), 4096)))] ^= 1 << int(rng.integers(0, 8))
    else:  # write a random 32-bit value at an aligned position (offsets, lengths, indices)
        pos = int(rng.integers(0, len(buf) // 4)) * 4
        value = int(rng.choice([0, 1, 0x7FFFFFFF, 0xFFFFFFFF, int(rng.integers(0, 2**32))]))
        buf[pos : pos + 4] = struct.pack("<I", value)
    return bytes(buf)


def _try(data: bytes) -> str:
    try:
        it = micro.Interpreter(compile_model(load_model(data)))
        if sum(s.macs for s in it.compiled.steps) <= MAX_MACS:
            for i, x in enumerate(random_inputs(it, 0)):
                it.set_input(x, i)
            it.invoke()
        return "ran"
    except micro.MicroError as exc:
        return type(exc).__name__


@pytest.mark.parametrize("rel", MODELS, ids=lambda r: Path(r).stem)
def test_mutated_models_only_raise_micro_errors(rel: str, reference: Callable[[str], Path]) -> None:
    data = reference(rel).read_bytes()
    rng = np.random.default_rng(1234)
    outcomes: dict[str, int] = {}
    for _ in range(1000):
        result = _try(_mutate(data, rng))
        outcomes[result] = outcomes.get(result, 0) + 1
    # Both kinds of outcome must have happened, or the fuzzing did not exercise anything.
    assert outcomes.get("ModelError", 0) > 100, outcomes
    assert outcomes.get("ran", 0) > 10, outcomes


def _program(reference: Callable[[str], Path]) -> tuple[bytes, int]:
    compiled = compile_model(load_model(reference(MODELS[0]).read_bytes()))
    return compiled.program, compiled.arena_bytes_needed


def test_corrupt_program_is_refused(reference: Callable[[str], Path]) -> None:
    program, arena = _program(reference)
    Runtime(program, arena)  # the intact program loads
    bad = bytearray(program)
    bad[len(bad) // 2] ^= 0x40
    with pytest.raises(micro.ProgramError, match="checksum"):
        Runtime(bytes(bad), arena)
    with pytest.raises(micro.ProgramError, match="magic"):
        Runtime(b"XXXX" + program[4:], arena)
    with pytest.raises(micro.ProgramError, match="arena"):
        Runtime(program, arena - 8)
    with pytest.raises(micro.ProgramError):
        Runtime(program[:40], arena)


def test_corrupt_program_with_valid_checksum_never_escapes(
    reference: Callable[[str], Path],
) -> None:
    """Flip header/table/params bytes and re-seal the CRC: verification must still catch
    everything that would lead outside a buffer (in the sanitized build, nothing leaks)."""
    program, arena = _program(reference)
    rng = np.random.default_rng(99)
    data_offset = read_header(program).data_offset
    refused = ran = 0
    for _ in range(400):
        blob = bytearray(program)
        for _ in range(int(rng.integers(1, 4))):
            pos = int(rng.integers(16, data_offset + 64))
            blob[pos] = int(rng.integers(0, 256))
        try:
            rt = Runtime(seal(blob), arena)
            rt.invoke()
            ran += 1
        except micro.MicroError:
            refused += 1
    assert refused > 100 and ran > 0, (refused, ran)


@pytest.mark.skipif(not sanitized.enabled(), reason="set MICRO_SANITIZE=1 to run the ASan build")
def test_corrupt_programs_under_sanitizers(reference: Callable[[str], Path]) -> None:
    program, arena = _program(reference)
    rng = np.random.default_rng(7)
    data_offset = read_header(program).data_offset
    inputs = [bytes(1)]
    for _ in range(150):
        blob = bytearray(program)
        for _ in range(int(rng.integers(1, 4))):
            blob[int(rng.integers(16, data_offset + 64))] = int(rng.integers(0, 256))
        status, _, err = sanitized.run(seal(blob), arena, inputs)
        assert status in (0,) or status >= 10, err  # 0 = ran, >= 10 = refused with a status
        assert "Sanitizer" not in err and "runtime error" not in err, err
