"""Helpers shared by the data movement op tests (reshape, concat, pad, strided slice,
transpose): one-operator models, random quantization, and a numpy cross-check for the
cases TFLM does not run (types or ranks beyond its kernels)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sanitized
from difftest import random_inputs, run_micro, run_sanitized

import micro
from micro._ffi import pack_params
from micro.program import seal
from micro.writer import ModelBuilder


@dataclass
class T:
    """A tensor of a test model; with `data` it is constant, else a model input."""

    shape: Sequence[int]
    dtype: str
    data: np.ndarray | None = None
    quant: dict[str, Any] = field(default_factory=dict)


def random_quant(rng: np.random.Generator, dtype: str) -> dict[str, Any]:
    """Per-tensor quantization as the converter would give: int8 any zero point, int16 0."""
    if dtype == "int8":
        return {"scale": float(rng.uniform(0.001, 2.0)), "zero_point": int(rng.integers(-128, 128))}
    if dtype == "int16":
        return {"scale": float(rng.uniform(0.0001, 0.1)), "zero_point": 0}
    return {}


def random_values(rng: np.random.Generator, shape: Sequence[int], dtype: str) -> np.ndarray:
    dt = np.dtype(dtype)
    if dt.kind in "iu":
        info = np.iinfo(dt)
        return rng.integers(info.min, info.max, tuple(shape), endpoint=True, dtype=dt)
    if dt.kind == "b":
        return rng.integers(0, 2, tuple(shape)).astype(bool)
    return rng.uniform(-4, 4, tuple(shape)).astype(dt)


def one_op_model(
    op: str,
    inputs: Sequence[T | None],
    outputs: Sequence[T],
    options: Mapping[str, Any] | None = None,
) -> bytes:
    """A model with one operator; its non-constant inputs are the model inputs (None is an
    omitted optional input)."""
    b = ModelBuilder()
    ins, graph_inputs = [], []
    for k, t in enumerate(inputs):
        if t is None:
            ins.append(-1)
            continue
        index = b.add_tensor(f"in{k}", t.shape, t.dtype, data=t.data, **t.quant)
        ins.append(index)
        if t.data is None:
            graph_inputs.append(index)
    outs = [b.add_tensor(f"out{k}", t.shape, t.dtype, **t.quant) for k, t in enumerate(outputs)]
    b.add_operator(op, ins, outs, options)
    b.set_inputs(graph_inputs)
    b.set_outputs(outs)
    return b.build()


def assert_matches_numpy(
    model: bytes,
    expected: Callable[[list[np.ndarray]], list[np.ndarray]],
    seeds: Sequence[int] = (0, 1),
) -> None:
    """micro's outputs equal `expected(inputs)` (independent numpy arithmetic), bytewise."""
    it = micro.Interpreter.from_bytes(model)
    for seed in seeds:
        inputs = random_inputs(it, seed)
        got = run_micro(model, inputs)
        want = expected(inputs)
        if sanitized.enabled():
            for g, z in zip(got, run_sanitized(it, inputs), strict=True):
                assert g.tobytes() == z.tobytes(), "sanitized build differs"
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            w = np.array(w)  # contiguous; keeps 0-d (ascontiguousarray would not)
            assert g.shape == w.shape, f"shape {g.shape} vs {w.shape}"
            assert g.dtype == w.dtype, f"dtype {g.dtype} vs {w.dtype}"
            assert g.tobytes() == w.tobytes(), f"seed {seed}: values differ"


def patched_program(model: bytes, **changes: Any) -> tuple[bytes, int]:
    """The compiled program of a one-step model with some params fields replaced (CRC fixed),
    to check that the kernel's check refuses hostile params; and its arena size."""
    compiled = micro.Interpreter.from_bytes(model).compiled
    (step,) = compiled.steps
    old = pack_params(step.kernel, step.params)
    new = pack_params(step.kernel, {**step.params, **changes})
    blob = bytearray(compiled.program)
    at = bytes(blob).find(old, 64)
    assert at > 0 and bytes(blob).find(old, at + 1) < 0, "params not found exactly once"
    blob[at : at + len(old)] = new
    return seal(blob), compiled.arena_bytes_needed
