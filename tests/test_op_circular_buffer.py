"""CIRCULAR_BUFFER (int8) against TFLM invocation by invocation: the status of each invoke
(TFLM's invoke returns kTfLiteAbort, 15, where micro's returns False), the frames kept in
the variable output, resets, a streaming chain of two buffers and convolutions, the
sanitized build, and the refusals."""

from __future__ import annotations

import numpy as np
import pytest
from support import sanitized
from support.models import T, custom_op_model
from support.oracle import tflm
from support.programs import assert_hostile_params_safe

import micro
from micro import flexbuffers
from micro.schema import Padding
from micro.writer import ModelBuilder

TFLM_OK, TFLM_ABORT = 0, 15  # TfLiteStatus kTfLiteOk; kTfLiteAbort (micro_context.h)
Q = {"scale": 0.05, "zero_point": -3}


def add_buffer(
    b: ModelBuilder, x: int, frames: int, frame: tuple[int, int], cycles: int | None, batch: int = 1
) -> int:
    """A CIRCULAR_BUFFER of `frames` frames reading tensor `x`; its variable output."""
    y = b.add_tensor(f"frames{x}", (batch, frames, *frame), "int8", is_variable=True, **Q)
    options = None if cycles is None else flexbuffers.dumps({"cycles_max": cycles})
    b.add_operator("CUSTOM", [x], [y], custom_code="CIRCULAR_BUFFER", custom_options=options)
    return y


def buffer_model(frames: int, frame: tuple[int, int], cycles: int | None, batch: int = 1) -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x", (batch, 1, *frame), "int8", **Q)
    y = add_buffer(b, x, frames, frame, cycles, batch)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def add_conv(
    b: ModelBuilder, x: int, frames: int, depth: int, oc: int, rng: np.random.Generator
) -> int:
    """A VALID CONV_2D over the whole buffer [1, frames, 1, depth] -> [1, 1, 1, oc]."""
    w = b.add_tensor(
        f"w{x}",
        (oc, frames, 1, depth),
        "int8",
        data=rng.integers(-127, 128, (oc, frames, 1, depth)).astype(np.int8),
        scale=0.02,
        zero_point=0,
    )
    bias = b.add_tensor(
        f"b{x}",
        (oc,),
        "int32",
        data=rng.integers(-500, 500, oc).astype(np.int32),
        scale=Q["scale"] * 0.02,
        zero_point=0,
    )
    y = b.add_tensor(f"conv{x}", (1, 1, 1, oc), "int8", scale=0.4, zero_point=2)
    options = {"padding": Padding.VALID, "stride_h": 1, "stride_w": 1}
    b.add_operator("CONV_2D", [x, w, bias], [y], options)
    return y


def streaming_model(seed: int) -> tuple[bytes, tuple[int, int]]:
    """x -> buffer (period ca) -> conv -> buffer (period cb) -> conv -> y, the shape of
    TFLM's strided streaming models; outputs y and the second buffer's frames."""
    rng = np.random.default_rng([seed, 93])
    depth, mid, oc = (int(v) for v in rng.integers(1, 9, 3))
    fa, fb = (int(v) for v in rng.integers(2, 6, 2))
    ca, cb = (int(v) for v in rng.integers(1, 4, 2))
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 1, 1, depth), "int8", **Q)
    first = add_buffer(b, x, fa, (1, depth), ca)
    z = add_conv(b, first, fa, depth, mid, rng)
    second = add_buffer(b, z, fb, (1, mid), cb)
    y = add_conv(b, second, fb, mid, oc, rng)
    b.set_inputs([x])
    b.set_outputs([y, second])
    return b.build(), (ca, cb)


def run_both(model: bytes, invokes: int, resets: tuple[int, ...], seed: int) -> list[bytes]:
    """Invoke micro and TFLM `invokes` times on the same frames: the same status each time,
    the same frames in every variable output, and the same outputs after every complete
    invoke (after one ended early TFLM's other outputs hold whatever its plan left there).
    Returns the frames fed."""
    ours = micro.Interpreter.from_bytes(model)
    theirs = tflm().Interpreter.from_bytes(model, arena_size=1 << 18)
    graph = micro.load_model(model).subgraphs[0]
    variable = [graph.tensors[o].is_variable for o in graph.outputs]
    rng = np.random.default_rng([seed, 1])
    shape = tuple(ours.get_input_details(0)["shape"])
    fed = []
    for k in range(invokes):
        if k in resets:
            ours.reset()
            theirs.reset()
        x = rng.integers(-128, 128, shape).astype(np.int8)
        fed.append(x.tobytes())
        ours.set_input(x, 0)
        theirs.set_input(x, 0)
        complete, status = ours.invoke(), theirs.invoke()
        assert status == (TFLM_OK if complete else TFLM_ABORT), f"invoke {k}: TFLM {status}"
        for j, kept in enumerate(variable):
            if complete or kept:
                got, want = ours.get_output(j), np.asarray(theirs.get_output(j))
                assert got.tobytes() == want.tobytes(), f"invoke {k}, output {j}"
    return fed


@pytest.mark.parametrize("seed", range(12))
def test_one_buffer_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng([seed, 7])
    frames = int(rng.integers(1, 7))
    frame = (int(rng.integers(1, 4)), int(rng.integers(1, 9)))
    cycles = int(rng.choice([1, 2, 3, 5]))
    batch = 2 if seed % 4 == 3 else 1  # TFLM moves the first batch only
    run_both(buffer_model(frames, frame, cycles, batch), 11, (6,), seed)


@pytest.mark.parametrize(("frames", "cycles"), [(5, None), (13, 0), (3, None), (4, -2)])
def test_guessed_period_matches_tflm(frames: int, cycles: int | None) -> None:
    """Without cycles_max (or with one <= 0) TFLM guesses 1 for 5, 13 or 25 frames, else 2."""
    model = buffer_model(frames, (1, 4), cycles)
    run_both(model, 6, (), frames)
    it = micro.Interpreter.from_bytes(model)
    assert [it.invoke() for _ in range(4)] == (
        [True] * 4 if frames in (5, 13) else [False, True] * 2
    )


@pytest.mark.parametrize("seed", range(8))
def test_streaming_chain_matches_tflm(seed: int) -> None:
    model, _ = streaming_model(seed)
    run_both(model, 14, (9,), seed)


def test_invoke_says_when_it_ended_early() -> None:
    model, (ca, cb) = streaming_model(3)
    it = micro.Interpreter.from_bytes(model)
    x = np.zeros(tuple(it.get_input_details(0)["shape"]), np.int8)
    got = []
    for _ in range(2 * ca * cb):
        it.set_input(x, 0)
        got.append(it.invoke())
    assert got == [(k + 1) % (ca * cb) == 0 for k in range(2 * ca * cb)]


@pytest.mark.skipif(not sanitized.enabled(), reason="MICRO_SANITIZE=1 runs the sanitized build")
@pytest.mark.parametrize("seed", range(3))
def test_sanitized_build_matches_host(seed: int) -> None:
    """The C runtime alone under ASan/UBSan: the same bytes every invoke (an invoke that
    ended early included: the arenas start zeroed alike) and the same early ends."""
    model, _ = streaming_model(seed)
    it = micro.Interpreter.from_bytes(model)
    fed = run_both(model, 10, (6,), seed)
    expected, stopped = [], []
    for k, x in enumerate(fed):
        if k == 6:
            it.reset()
        it.set_input(np.frombuffer(x, np.int8), 0)
        if not it.invoke():
            stopped.append(k)
        expected += [it.get_output(j).tobytes() for j in range(2)]
    status, out, err = sanitized.run(it.compiled.program, it.arena_used_bytes(), fed, 10, "6")
    assert status == 0, err
    assert out == b"".join(expected)
    assert [
        int(line.split()[1]) for line in err.splitlines() if line.startswith("stopped")
    ] == stopped


def test_output_must_be_a_variable() -> None:
    model = custom_op_model(
        "CIRCULAR_BUFFER",
        [T((1, 1, 1, 4), np.int8, quant=(0.1, 0))],
        [T((1, 3, 1, 4), np.int8, quant=(0.1, 0))],
        {"cycles_max": 2},
    )
    with pytest.raises(micro.UnsupportedOpError, match="not a variable tensor"):
        micro.Interpreter.from_bytes(model)


def refused(model: bytes, error: type[micro.MicroError], match: str) -> None:
    with pytest.raises(error, match=match) as info:
        micro.Interpreter.from_bytes(model)
    assert "operator 0 (CIRCULAR_BUFFER" in str(info.value)


def raw_buffer_model(
    x_shape: tuple[int, ...],
    y_shape: tuple[int, ...],
    dtype: str = "int8",
    options: bytes | None = None,
) -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x", x_shape, dtype, **Q)
    y = b.add_tensor("y", y_shape, dtype, is_variable=True, **Q)
    b.add_operator("CUSTOM", [x], [y], custom_code="CIRCULAR_BUFFER", custom_options=options)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


@pytest.mark.parametrize(
    ("x_shape", "y_shape", "dtype", "options", "error", "match"),
    [
        ((1, 4), (3, 4), "int8", None, micro.ModelError, "not 4-D"),
        ((1, 1, 1, 4), (1, 3, 2, 4), "int8", None, micro.ModelError, r"must be \[1, 1, 2, 4\]"),
        ((1, 2, 1, 4), (1, 3, 1, 4), "int8", None, micro.ModelError, r"must be \[1, 1, 1, 4\]"),
        ((1, 1, 1, 4), (1, 0, 1, 4), "int8", None, micro.ModelError, "holds no frame"),
        ((1, 1, 1, 4), (1, 3, 1, 4), "int16", None, micro.UnsupportedOpError, "supported: int8"),
        ((1, 1, 2, 96), (1, 3, 2, 96), "int8", None, micro.UnsupportedOpError, "every interpreter"),
        (
            (1, 1, 1, 4),
            (1, 3, 1, 4),
            "int8",
            flexbuffers.dumps({"a": 1, "cycles_max": 2}),
            micro.ModelError,
            "first value in key order",
        ),
        (
            (1, 1, 1, 4),
            (1, 3, 1, 4),
            "int8",
            flexbuffers.dumps({"cycles_max": 1.5}),
            micro.ModelError,
            "must be an integer",
        ),
        ((1, 1, 1, 4), (1, 3, 1, 4), "int8", b"\x01\x02\x07", micro.ModelError, "FlexBuffers"),
    ],
)
def test_refusals(
    x_shape: tuple[int, ...],
    y_shape: tuple[int, ...],
    dtype: str,
    options: bytes | None,
    error: type[micro.MicroError],
    match: str,
) -> None:
    refused(raw_buffer_model(x_shape, y_shape, dtype, options), error, match)


def test_tampered_params_are_refused_or_safe() -> None:
    assert_hostile_params_safe(buffer_model(4, (2, 3), 3))
