"""SignalFramer, SignalStacker and SignalOverlapAdd (state across invocations): TFLM's own
test vectors for the framer and the stacker, generated models against TFLM over several
invocations with a reset in between, and the refusals."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support.models import T, custom_op_model
from support.oracle import assert_matches_tflm, tflm
from support.programs import assert_hostile_params_safe
from support.reference import read_vectors

import micro

VECTORS = "tflm/signal_testdata"
Ref = Callable[[str], Path]


def framer_model(shape: tuple[int, ...], size: int, step: int, prefill: bool) -> bytes:
    n_frames = shape[-1] // step
    return custom_op_model(
        "SignalFramer",
        [T(shape, np.int16, name="x")],
        [T((*shape[:-1], n_frames, size), np.int16, name="y"), T((), np.bool_, name="ready")],
        {"frame_size": size, "frame_step": step, "prefill": prefill},
    )


def stacker_model(channels: int, left: int, right: int, step: int) -> bytes:
    return custom_op_model(
        "SignalStacker",
        [T((channels,), np.int16, name="x")],
        [T((channels * (left + right + 1),), np.int16, name="y"), T((), np.bool_, name="ready")],
        {"num_channels": channels, "stacker_left_context": left,
         "stacker_right_context": right, "stacker_step": step},
    )  # fmt: skip


def overlap_add_model(shape: tuple[int, ...], step: int, dtype: type) -> bytes:
    out = (*shape[:-2], shape[-2] * step)
    return custom_op_model(
        "SignalOverlapAdd",
        [T(shape, dtype, name="x")],
        [T(out, dtype, name="y")],
        {"T": 7 if dtype is np.int16 else 0, "frame_step": step},
    )


def assert_stream_matches_tflm(model: bytes, inputs: list[np.ndarray], reset_at: int) -> None:
    """Every output of every invocation equals TFLM's; both reset before `reset_at`. A
    frame not ready is unwritten in TFLM (micro writes zeros), so when the invocation is not
    ready only micro's non-zero frames are compared (the framer writes the ready ones)."""
    theirs = tflm().Interpreter.from_bytes(model, arena_size=1 << 20)
    it = micro.Interpreter.from_bytes(model)
    n_out = len(it.get_output_details())
    ready_seen = set()
    for k, x in enumerate(inputs):
        if k == reset_at:
            theirs.reset()
            it.reset()
        theirs.set_input(x, 0)
        it.set_input(x, 0)
        theirs.invoke()
        it.invoke()
        ready = True
        if n_out == 2:
            ready = bool(np.asarray(theirs.get_output(1)))
            assert bool(it.get_output(1)) == ready, f"invocation {k}: ready differs"
            ready_seen.add(ready)
        got, want = it.get_output(0), np.asarray(theirs.get_output(0))
        if ready:
            assert got.tobytes() == want.tobytes(), f"invocation {k}"
        else:
            frames, expected = got.reshape(-1, got.shape[-1]), want.reshape(-1, got.shape[-1])
            written = frames.any(axis=1)
            assert not written.all(), f"invocation {k}: not ready, yet every frame written"
            assert np.array_equal(frames[written], expected[written]), f"invocation {k}"
    assert n_out == 1 or True in ready_seen, "no invocation produced a frame"


# -- TFLM's test vectors ------------------------------------------------------------------


def test_framer_vectors(reference: Ref) -> None:
    header, rows = read_vectors(reference(f"{VECTORS}/framer_test1.txt").read_text())
    size, step, prefill = (int(v) for v in header)
    it = micro.Interpreter.from_bytes(framer_model((step,), size, step, bool(prefill)))
    assert len(rows) % 3 == 0 and len(rows) >= 9
    for x, y, valid in zip(rows[0::3], rows[1::3], rows[2::3], strict=True):
        it.set_input(x.astype(np.int16))
        it.invoke()
        assert it.get_output(0).reshape(-1).tolist() == y.tolist()
        assert bool(it.get_output(1)) == bool(valid[0])


def test_stacker_vectors(reference: Ref) -> None:
    header, rows = read_vectors(reference(f"{VECTORS}/stacker_test1.txt").read_text())
    channels, left, right, step = (int(v) for v in header)
    it = micro.Interpreter.from_bytes(stacker_model(channels, left, right, step))
    assert len(rows) % 3 == 0 and len(rows) >= 9
    for x, y, valid in zip(rows[0::3], rows[1::3], rows[2::3], strict=True):
        it.set_input(x.astype(np.int16))
        it.invoke()
        assert it.get_output(0).tolist() == y.tolist()
        assert bool(it.get_output(1)) == bool(valid[0])


# -- generated models against TFLM --------------------------------------------------------


def _int16(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    return rng.integers(-32768, 32768, shape).astype(np.int16)


@pytest.mark.parametrize("seed", range(20))
def test_framer_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng([seed, 31])
    step = int(rng.integers(1, 12))
    size = int(rng.choice([step, step + int(rng.integers(1, 30)), max(1, step - 3)]))
    prefill = bool(rng.random() < 0.5) and step <= size
    outer = tuple(int(d) for d in rng.integers(1, 4, int(rng.integers(0, 3))))
    shape = (*outer, step * int(rng.integers(1, 4)))
    model = framer_model(shape, size, step, prefill)
    assert_stream_matches_tflm(model, [_int16(rng, shape) for _ in range(12)], reset_at=7)


@pytest.mark.parametrize("seed", range(16))
def test_stacker_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng([seed, 32])
    channels, left, right = (
        int(rng.integers(1, 20)),
        int(rng.integers(0, 4)),
        int(rng.integers(0, 4)),
    )
    step = int(rng.integers(1, left + right + 2))
    model = stacker_model(channels, left, right, step)
    inputs = [_int16(rng, (channels,)) for _ in range(14)]
    assert_stream_matches_tflm(model, inputs, reset_at=9)


@pytest.mark.parametrize("dtype", [np.int16, np.float32])
@pytest.mark.parametrize("seed", range(10))
def test_overlap_add_matches_tflm(seed: int, dtype: type) -> None:
    rng = np.random.default_rng([seed, 33])
    size = int(rng.integers(1, 40))
    step = int(rng.integers(1, size + 1))
    outer = tuple(int(d) for d in rng.integers(1, 4, int(rng.integers(0, 2))))
    shape = (*outer, int(rng.integers(1, 4)), size)
    model = overlap_add_model(shape, step, dtype)
    if dtype is np.int16:  # large values, so the sums saturate
        inputs = [_int16(rng, shape) for _ in range(8)]
    else:
        inputs = [rng.normal(0, 10.0 ** rng.integers(-3, 4), shape).astype(np.float32)
                  for _ in range(8)]  # fmt: skip
    assert_stream_matches_tflm(model, inputs, reset_at=5)


@pytest.mark.parametrize(
    "model",
    [
        framer_model((2, 12), 10, 4, True),  # ready from the first invocation
        stacker_model(5, 2, 0, 1),  # no right context: ready from the first invocation
        overlap_add_model((2, 3, 8), 4, np.int16),
        overlap_add_model((3, 8), 2, np.float32),
    ],
    ids=["framer", "stacker", "overlap_add_s16", "overlap_add_f32"],
)
def test_first_invocation_matches_tflm(model: bytes) -> None:
    """One invocation (under MICRO_SANITIZE=1 also in the ASan/UBSan build)."""
    assert_matches_tflm(model, seeds=(0, 1))


# -- refusals ------------------------------------------------------------------------------


def test_framer_input_not_a_multiple_of_the_step_is_malformed() -> None:
    model = custom_op_model(
        "SignalFramer",
        [T((10,), np.int16)],
        [T((2, 8), np.int16), T((), np.bool_)],
        {"frame_size": 8, "frame_step": 4, "prefill": False},
    )
    with pytest.raises(micro.ModelError, match="multiple of frame_step 4"):
        micro.Interpreter.from_bytes(model)


def test_stacker_step_beyond_the_window_is_malformed() -> None:
    with pytest.raises(micro.ModelError, match="stacker_step 4"):
        micro.Interpreter.from_bytes(stacker_model(3, 1, 1, 4))


def test_overlap_add_step_beyond_the_frame_is_malformed() -> None:
    with pytest.raises(micro.ModelError, match="frame_step 9"):
        micro.Interpreter.from_bytes(overlap_add_model((2, 8), 9, np.int16))


def test_overlap_add_type_option_must_match() -> None:
    model = custom_op_model(
        "SignalOverlapAdd", [T((2, 8), np.float32)], [T((8,), np.float32)],
        {"T": 7, "frame_step": 4},
    )  # fmt: skip
    with pytest.raises(micro.UnsupportedOpError, match="float32"):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize(
    "model",
    [
        framer_model((2, 12), 10, 4, True),
        stacker_model(5, 2, 1, 2),
        overlap_add_model((2, 3, 8), 4, np.int16),
        overlap_add_model((3, 8), 2, np.float32),
    ],
    ids=["framer", "stacker", "overlap_add_s16", "overlap_add_f32"],
)
def test_tampered_params_are_refused_or_safe(model: bytes) -> None:
    assert_hostile_params_safe(model)
