"""The oracles, and every comparison with them: TFLM's own Python interpreter (tflite-micro)
and LiteRT (ai-edge-litert: its interpreter and its flatbuffer object API).

Their versions are pinned in pyproject.toml's `test` extra; the pytest report header shows
the installed and the pinned ones. A missing oracle is `absent` (skip, or fail in CI).
Every comparison is byte for byte: micro's output must equal the oracle's exactly.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

import micro
from micro.writer import ModelBuilder

from . import sanitized
from .models import random_values
from .reference import absent

ROOT = Path(__file__).resolve().parents[2]
ORACLES = ("tflite-micro", "ai-edge-litert")
TFLM_ARENA = 8 * 1024 * 1024


# -- the oracles and their versions ------------------------------------------------------


def pinned() -> dict[str, str]:
    """The oracle versions pyproject.toml pins (its `test` extra: name==version)."""
    text = (ROOT / "pyproject.toml").read_text()
    found = {name: re.search(rf'"{name}==([^"]+)"', text) for name in ORACLES}
    return {name: m.group(1) for name, m in found.items() if m}


def installed() -> dict[str, str | None]:
    versions: dict[str, str | None] = {}
    for name in ORACLES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def report_header() -> str:
    pins, have = pinned(), installed()
    parts = []
    for name in ORACLES:
        state = "not installed" if have[name] is None else have[name]
        if have[name] is not None and have[name] != pins.get(name):
            state += f" (pinned: {pins.get(name)})"
        parts.append(f"{name} {state}")
    return "oracles: " + ", ".join(parts)


def _oracle(module: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        absent(f"the oracle {module} is not installed (pip install -e '.[test]')")


def tflm() -> Any:
    """TFLM's Python interpreter module (tflite_micro.python.tflite_micro.runtime)."""
    return _oracle("tflite_micro.python.tflite_micro.runtime")


def litert() -> Any:
    """LiteRT's interpreter module (ai_edge_litert.interpreter)."""
    return _oracle("ai_edge_litert.interpreter")


def litert_schema() -> Any:
    """LiteRT's generated flatbuffer object API (ai_edge_litert.schema_py_generated)."""
    return _oracle("ai_edge_litert.schema_py_generated")


# -- running a model ----------------------------------------------------------------------


def random_inputs(it: micro.Interpreter, seed: int) -> list[np.ndarray]:
    """Seeded random inputs covering each input's full dtype range."""
    rng = np.random.default_rng(seed)
    return [
        random_values(rng, tuple(int(s) for s in d["shape"]), d["dtype"])
        for d in it.get_input_details()
    ]


def run_tflm(
    model: bytes, inputs: Sequence[np.ndarray], n_outputs: int, arena: int = TFLM_ARENA
) -> list[np.ndarray]:
    it = tflm().Interpreter.from_bytes(model, arena_size=arena)
    for i, x in enumerate(inputs):
        it.set_input(x, i)
    it.invoke()
    return [np.array(it.get_output(i)) for i in range(n_outputs)]


def run_litert(model: bytes, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """LiteRT's builtin reference kernels (no delegates)."""
    lite = litert()
    it = lite.Interpreter(
        model_content=model,
        experimental_op_resolver_type=lite.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )
    it.allocate_tensors()
    for d, x in zip(it.get_input_details(), inputs, strict=True):
        it.set_tensor(d["index"], x)
    it.invoke()
    return [np.array(it.get_tensor(d["index"])) for d in it.get_output_details()]


def run_micro(
    model: bytes, inputs: Sequence[np.ndarray], arena_size: int | None = None, overlap: bool = True
) -> list[np.ndarray]:
    it = micro.Interpreter.from_bytes(model, arena_size=arena_size, overlap=overlap)
    for i, x in enumerate(inputs):
        it.set_input(x, i)
    it.invoke()
    return [it.get_output(i) for i in range(len(it.get_output_details()))]


def run_sanitized(it: micro.Interpreter, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The same program in the AddressSanitizer/UBSan build of the C runtime."""
    blobs = [np.ascontiguousarray(x).tobytes() for x in inputs]
    status, out, err = sanitized.run(it.compiled.program, it.arena_used_bytes(), blobs)
    assert status == 0, f"sanitized runtime failed (exit {status}):\n{err}"
    outputs, pos = [], 0
    for d in it.get_output_details():
        dtype = np.dtype(d["dtype"])
        n = int(np.prod(d["shape"])) * dtype.itemsize
        outputs.append(np.frombuffer(out[pos : pos + n], dtype=dtype).reshape(d["shape"]))
        pos += n
    assert pos == len(out), f"sanitized runtime wrote {len(out)} output bytes, expected {pos}"
    return outputs


def assert_state_carried_and_reset(model: bytes, x: np.ndarray) -> None:
    """Independent of the oracles, for a model with variable tensors: the same input twice
    gives different outputs (the state moved), and after reset() the first output again."""
    it = micro.Interpreter.from_bytes(model)
    outs = []
    for reset in (False, False, True):
        if reset:
            it.reset()
        it.set_input(x)
        it.invoke()
        outs.append(it.get_output())
    assert not np.array_equal(outs[0], outs[1]), "the second invoke gave the first's output"
    assert np.array_equal(outs[0], outs[2]), "after reset() the output is not the first's"


# -- comparisons --------------------------------------------------------------------------


def assert_same_bytes(
    got: Sequence[np.ndarray], expected: Sequence[np.ndarray], where: str
) -> None:
    """Outputs equal byte for byte (dtype and element count too); the first differences
    are reported."""
    assert len(got) == len(expected), f"{where}: {len(got)} outputs vs {len(expected)}"
    for k, (g, e) in enumerate(zip(got, expected, strict=True)):
        e = np.asarray(e)
        assert g.dtype == e.dtype, f"{where}, output {k}: dtype {g.dtype} vs {e.dtype}"
        assert g.size == e.size, f"{where}, output {k}: shape {g.shape} vs {e.shape}"
        g = g.reshape(e.shape)
        if g.tobytes() != e.tobytes():
            bad = np.flatnonzero(g.ravel().view(np.uint8) != e.ravel().view(np.uint8))
            first = bad[0] // e.itemsize
            raise AssertionError(
                f"{where}, output {k}: {bad.size} of {e.nbytes} bytes differ; first at "
                f"element {first}: micro {g.ravel()[first : first + 8]} "
                f"oracle {e.ravel()[first : first + 8]}"
            )


def assert_matches_tflm(
    model: bytes,
    seeds: Sequence[int] = (0, 1, 2),
    arena_sizes: Sequence[int | None] = (None,),
    inputs: Sequence[np.ndarray] | None = None,
) -> None:
    """Run `model` in micro and TFLM on seeded random inputs (or exactly `inputs`); outputs
    must be identical.

    `arena_sizes`: micro runs once per arena budget (None: the smallest arena), so plans
    that keep or drop optional scratch are each compared with TFLM. The smallest arena lets
    outputs overlap inputs where kernels allow it; the plan with separate buffers runs too.

    With MICRO_SANITIZE=1 the program also runs in the sanitized C build and must give the
    same bytes there.
    """
    it = micro.Interpreter.from_bytes(model)
    cases = [("given inputs", list(inputs or []))]
    if inputs is None:
        cases = [(f"seed {seed}", random_inputs(it, seed)) for seed in seeds]
    for label, case in cases:
        expected = run_tflm(model, case, len(it.get_output_details()))
        separate = run_micro(model, case, overlap=False)
        for arena_size in arena_sizes:
            got = run_micro(model, case, arena_size)
            assert_same_bytes(got, separate, f"{label}: overlapped vs separate buffers")
            if arena_size is None and sanitized.enabled():
                assert_same_bytes(run_sanitized(it, case), got, f"{label}, sanitized build")
            where = label + ("" if arena_size is None else f", arena {arena_size}")
            assert_same_bytes(got, expected, where)


def assert_sequence_matches_tflm(
    model: bytes, invokes: int, seed: int = 0, resets: Sequence[int] = ()
) -> None:
    """One micro and one TFLM interpreter run `invokes` times on fresh seeded inputs without
    being recreated, so variable tensors (recurrent state) carry over; both are reset before
    each invoke index in `resets`. Every invoke's outputs must be identical."""
    ours = micro.Interpreter.from_bytes(model)
    theirs = tflm().Interpreter.from_bytes(model, arena_size=TFLM_ARENA)
    n_outputs = len(ours.get_output_details())
    fed: list[bytes] = []
    expected: list[bytes] = []
    for k in range(invokes):
        if k in resets:
            ours.reset()
            theirs.reset()
        for i, x in enumerate(random_inputs(ours, seed * 1000 + k)):
            ours.set_input(x, i)
            theirs.set_input(x, i)
            fed.append(np.ascontiguousarray(x).tobytes())
        ours.invoke()
        theirs.invoke()
        got = [ours.get_output(j) for j in range(n_outputs)]
        assert_same_bytes(got, [theirs.get_output(j) for j in range(n_outputs)], f"invoke {k}")
        expected += [g.tobytes() for g in got]
    if sanitized.enabled():
        listed = ",".join(str(k) for k in resets)
        program, arena = ours.compiled.program, ours.arena_used_bytes()
        status, out, err = sanitized.run(program, arena, fed, invokes, listed)
        assert status == 0, f"sanitized runtime failed (exit {status}):\n{err}"
        assert out == b"".join(expected), "sanitized build: outputs differ over the invokes"


def assert_matches_numpy(
    model: bytes,
    expected: Callable[[list[np.ndarray]], list[np.ndarray]],
    seeds: Sequence[int] = (0, 1),
) -> None:
    """micro's outputs equal `expected(inputs)` (independent numpy arithmetic), bytewise:
    for the cases TFLM does not run (types or ranks beyond its kernels)."""
    it = micro.Interpreter.from_bytes(model)
    for seed in seeds:
        inputs = random_inputs(it, seed)
        got = run_micro(model, inputs)
        if sanitized.enabled():
            assert_same_bytes(run_sanitized(it, inputs), got, f"seed {seed}, sanitized build")
        want = [np.array(w) for w in expected(inputs)]  # contiguous; keeps 0-d arrays
        assert [g.shape for g in got] == [w.shape for w in want], f"seed {seed}: shapes"
        assert_same_bytes(got, want, f"seed {seed}")


def submodel(data: bytes, ops: range, inputs: list[int], outputs: list[int]) -> bytes:
    """The operators `ops` of a one-subgraph model with the given graph inputs/outputs."""
    (graph,) = micro.load_model(data).subgraphs
    b = ModelBuilder()
    for t in graph.tensors:
        q = t.quant
        b.add_tensor(
            t.name, t.shape, t.type, data=t.data,
            scale=None if q is None else q.scale,
            zero_point=None if q is None else q.zero_point,
            is_variable=t.is_variable,
        )  # fmt: skip
    for k in ops:
        op = graph.operators[k]
        b.add_operator(
            op.builtin_code, op.inputs, op.outputs, op.options, version=op.version,
            intermediates=op.intermediates,
        )  # fmt: skip
    b.set_inputs(inputs)
    b.set_outputs(outputs)
    return b.build()
