"""Tampered Programs (re-sealed with micro.program.seal, so only the verifier can refuse
them). Hostile params: a program whose params struct was tampered with must be refused by
the kernel's check function or run inside its buffers.

`assert_hostile_params_safe(model)` compiles the model, then for every int32 field of
every step's params writes extreme values one at a time. Each variant is either refused
(ProgramError) or runs; under MICRO_SANITIZE=1 it also runs in the ASan/UBSan build,
which must report nothing.
"""

from __future__ import annotations

import contextlib
import struct
from typing import Any

import numpy as np

import micro
from micro._ffi import ffi, lib, pack_params
from micro.interpreter import Runtime
from micro.program import read_header, read_steps, seal

from . import sanitized
from .oracle import random_inputs

HOSTILE = (0, 1, -1, 2, 7, 255, 256, 65535, 1 << 24, 2**31 - 1, -(2**31))


def hostile_programs(program: bytes, kernels: set[str] | None = None) -> list[bytes]:
    """Variants of every step's params (of `kernels` only, when given)."""
    data_offset = read_header(program).data_offset
    ids = None if kernels is None else {int(getattr(lib, f"MICRO_K_{k.upper()}")) for k in kernels}
    variants = []
    for step in read_steps(program):
        if ids is not None and step.kernel not in ids:
            continue
        size = int(lib.micro_kernel_get(step.kernel).params_size)
        for field in range(size // 4):
            for value in HOSTILE:
                blob = bytearray(program)
                struct.pack_into("<i", blob, data_offset + step.params + 4 * field, value)
                variants.append(seal(blob))
    return variants


def assert_hostile_params_safe(model: bytes, kernels: set[str] | None = None) -> None:
    it = micro.Interpreter.from_bytes(model)
    arena = it.compiled.arena_bytes_needed
    inputs = random_inputs(it, 0)
    blobs = [np.ascontiguousarray(x).tobytes() for x in inputs]
    refused = 0
    for program in hostile_programs(it.compiled.program, kernels):
        try:
            rt = Runtime(program, arena)
        except micro.ProgramError:
            refused += 1
            continue
        for i, x in enumerate(blobs):
            offset, size = it.compiled.inputs[i].offset, it.compiled.inputs[i].size
            rt.arena[offset : offset + size] = np.frombuffer(x, np.uint8)
        with contextlib.suppress(micro.InvokeError):
            rt.invoke()
        if sanitized.enabled():
            status, _, err = sanitized.run(program, arena, blobs)
            assert status == 0 or status >= 10, err
            assert "Sanitizer" not in err and "runtime error" not in err, err
    assert refused > 0, "no tampered params were refused"


def patched_program(model: bytes, **changes: Any) -> tuple[bytes, int]:
    """The compiled program of a one-step model with some params fields replaced (re-sealed),
    to check that the kernel's check refuses hostile params; and its arena size."""
    compiled = micro.Interpreter.from_bytes(model).compiled
    (step,) = compiled.steps
    old = pack_params(step.kernel, step.params)
    new = pack_params(step.kernel, {**step.params, **changes})
    blob = bytearray(compiled.program)
    at = bytes(blob).find(old, read_header(blob).data_offset)
    assert at > 0 and bytes(blob).find(old, at + 1) < 0, "params not found exactly once"
    blob[at : at + len(old)] = new
    return seal(blob), compiled.arena_bytes_needed


def params_at_end(model: bytes, **changes: Any) -> bytes:
    """The Program of a one-step model with its params (some fields replaced) moved to the
    end of the blob (re-sealed): a check that reads past the params struct then reads past
    the Program, which the guarded and sanitized runs catch."""
    compiled = micro.Interpreter.from_bytes(model).compiled
    (step,) = compiled.steps
    params = pack_params(step.kernel, {**step.params, **changes})
    blob = bytearray(compiled.program)
    blob += bytes(-len(blob) % 16)
    header = read_header(bytes(blob))
    at = header.steps_offset + ffi.offsetof("micro_step_t", "params")
    struct.pack_into("<I", blob, at, len(blob) - header.data_offset)
    blob += params
    struct.pack_into("<I", blob, ffi.offsetof("micro_program_header_t", "size"), len(blob))
    return seal(blob)
