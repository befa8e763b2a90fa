"""Bounded fuzzing: truncated and mutated real models, and corrupted program blobs.

Whatever the bytes, micro must answer with a MicroError (or run): never another exception,
never a crash, never a write outside its buffers (the sanitized C build checks that part).
The campaigns themselves live in tests/fuzz (`PYTHONPATH=tests python3 -m fuzz.campaign`);
here they run bounded: structure-aware model and CLI mutants by default, the C builds
(normal vs ASan+UBSan, and libFuzzer) in the slow suite.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from fuzz import models, native
from fuzz.models import byte_mutation
from support import sanitized
from support.oracle import random_inputs
from support.reference import REFERENCE

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
        result = _try(byte_mutation(data, rng))
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


def _seed_models(reference: Callable[[str], Path]) -> list[bytes]:
    return [reference(rel).read_bytes() for rel in native.SEED_MODELS]


def test_structure_aware_model_mutants_only_raise_micro_errors(
    reference: Callable[[str], Path],
) -> None:
    result = models.run_models(_seed_models(reference), 300, rng_seed=5)
    assert not result.failures, result.failures[:5]
    # Every kind of outcome happened, or the mutants did not exercise anything.
    assert result.outcomes["ran"] > 30 and result.outcomes["ModelError"] > 30, result.outcomes
    assert result.programs  # the accepted ones compiled to Programs


def test_hostile_cli_inputs_exit_with_one_line(
    reference: Callable[[str], Path], tmp_path: Path
) -> None:
    from micro.speech.wav import write_wav

    write_wav(tmp_path / "seed.wav", (np.sin(np.arange(4000) / 5.0) * 8000).astype(np.int16))
    wav = (tmp_path / "seed.wav").read_bytes()
    result = models.run_cli(_seed_models(reference)[:3], wav, 48, 3, tmp_path / "cli")
    assert not result.failures, result.failures[:5]
    assert sum(v for k, v in result.outcomes.items() if k.endswith(" error")) > 5


@pytest.mark.slow
def test_hostile_program_campaign_normal_vs_sanitized(
    reference: Callable[[str], Path], tmp_path: Path
) -> None:
    reference(native.SEED_MODELS[0])  # skip (or fail in CI) without the reference data
    seeds = native.seed_programs(REFERENCE, tmp_path / "seeds")
    result = native.run_campaign(seeds, 3000, 11, tmp_path / "findings")
    assert not result.failures, result.failures[:3]
    assert not list((tmp_path / "findings").iterdir())  # nothing kept
    assert result.outcomes["ran"] > 100 and result.outcomes["refused"] > 1000, result.outcomes


@pytest.mark.slow
def test_libfuzzer_target_runs_clean(reference: Callable[[str], Path], tmp_path: Path) -> None:
    if native.compiler("libfuzzer") is None:
        pytest.skip("libFuzzer needs clang (Debian: apt install clang)")
    reference(native.SEED_MODELS[0])
    seeds = native.seed_programs(REFERENCE, tmp_path / "seeds")
    result = native.run_libfuzzer(seeds, 3000, 120, tmp_path / "lf", tmp_path / "findings")
    assert not result.failures, result.failures[:1]
    assert not list((tmp_path / "findings").iterdir())
    assert result.mutants >= 3000
