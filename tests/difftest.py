"""Differential testing against the oracle: TFLM's own Python interpreter (tflite-micro).

Every comparison is byte for byte: micro's output must equal TFLM's exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sanitized

import micro
from micro.writer import ModelBuilder

TFLM_ARENA = 8 * 1024 * 1024


def random_inputs(it: micro.Interpreter, seed: int) -> list[np.ndarray]:
    """Seeded random inputs covering each input's full dtype range."""
    rng = np.random.default_rng(seed)
    arrays = []
    for d in it.get_input_details():
        dtype = np.dtype(d["dtype"])
        shape = tuple(int(s) for s in d["shape"])
        if dtype.kind in "iu":
            info = np.iinfo(dtype)
            arrays.append(rng.integers(info.min, info.max, shape, endpoint=True, dtype=dtype))
        elif dtype.kind == "b":
            arrays.append(rng.integers(0, 2, shape).astype(bool))
        else:
            arrays.append(rng.uniform(-4, 4, shape).astype(dtype))
    return arrays


def run_tflm(
    model: bytes, inputs: Sequence[np.ndarray], n_outputs: int, arena: int = TFLM_ARENA
) -> list[np.ndarray]:
    from tflite_micro.python.tflite_micro import runtime

    it = runtime.Interpreter.from_bytes(model, arena_size=arena)
    for i, x in enumerate(inputs):
        it.set_input(x, i)
    it.invoke()
    return [np.array(it.get_output(i)) for i in range(n_outputs)]


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


def assert_matches_tflm(
    model: bytes,
    seeds: Sequence[int] = (0, 1, 2),
    arena_sizes: Sequence[int | None] = (None,),
) -> None:
    """Run `model` in micro and TFLM on seeded random inputs; outputs must be identical.

    `arena_sizes`: micro runs once per arena budget (None: the smallest arena), so plans
    that keep or drop optional scratch are each compared with TFLM. The smallest arena lets
    outputs overlap inputs where kernels allow it; the plan with separate buffers runs too.

    With MICRO_SANITIZE=1 the program also runs in the sanitized C build and must give the
    same bytes there.
    """
    it = micro.Interpreter.from_bytes(model)
    for seed in seeds:
        inputs = random_inputs(it, seed)
        expected = run_tflm(model, inputs, len(it.get_output_details()))
        separate = run_micro(model, inputs, overlap=False)
        for arena_size in arena_sizes:
            got = run_micro(model, inputs, arena_size)
            for g, s in zip(got, separate, strict=True):
                assert g.tobytes() == s.tobytes(), f"seed {seed}: overlapped != separate buffers"
            if arena_size is None and sanitized.enabled():
                for g, s in zip(got, run_sanitized(it, inputs), strict=True):
                    assert g.tobytes() == s.tobytes(), "sanitized differs"
            where = f"seed {seed}" + ("" if arena_size is None else f", arena {arena_size}")
            assert len(got) == len(expected), f"{where}: {len(got)} outputs vs {len(expected)}"
            for k, (g, e) in enumerate(zip(got, expected, strict=True)):
                assert g.dtype == e.dtype, f"{where}, output {k}: dtype {g.dtype} vs {e.dtype}"
                assert g.size == e.size, f"{where}, output {k}: shape {g.shape} vs {e.shape}"
                g, e = g.reshape(e.shape), e
                if g.tobytes() != e.tobytes():
                    bad = np.flatnonzero(g.ravel().view(np.uint8) != e.ravel().view(np.uint8))
                    raise AssertionError(
                        f"{where}, output {k}: {bad.size} of {e.nbytes} bytes differ; first "
                        f"at byte {bad[0]}: micro {g.ravel()[:8]} TFLM {e.ravel()[:8]}"
                    )


def assert_sequence_matches_tflm(
    model: bytes, invokes: int, seed: int = 0, resets: Sequence[int] = ()
) -> None:
    """One micro and one TFLM interpreter run `invokes` times on fresh seeded inputs without
    being recreated, so variable tensors (recurrent state) carry over; both are reset before
    each invoke index in `resets`. Every invoke's outputs must be identical."""
    from tflite_micro.python.tflite_micro import runtime

    ours = micro.Interpreter.from_bytes(model)
    theirs = runtime.Interpreter.from_bytes(model, arena_size=TFLM_ARENA)
    n_outputs = len(ours.get_output_details())
    for k in range(invokes):
        if k in resets:
            ours.reset()
            theirs.reset()
        for i, x in enumerate(random_inputs(ours, seed * 1000 + k)):
            ours.set_input(x, i)
            theirs.set_input(x, i)
        ours.invoke()
        theirs.invoke()
        for j in range(n_outputs):
            g, e = ours.get_output(j), np.array(theirs.get_output(j))
            assert g.tobytes() == e.reshape(g.shape).tobytes(), (
                f"invoke {k}, output {j}: micro {g.ravel()[:8]} TFLM {e.ravel()[:8]}"
            )


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
