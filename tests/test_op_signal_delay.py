"""SignalDelay (int16) against TFLM over several invocations (the delay line carries), after
a reset, and its refusals."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import T, custom_op_model
from support.oracle import tflm
from support.programs import assert_hostile_params_safe

import micro


def delay_model(shape: tuple[int, ...], length: int) -> bytes:
    return custom_op_model(
        "SignalDelay", [T(shape, np.int16)], [T(shape, np.int16)], {"delay_length": length}
    )


@pytest.mark.parametrize("seed", range(16))
def test_matches_tflm_across_invocations(seed: int) -> None:
    rng = np.random.default_rng([seed, 5])
    outer = [int(d) for d in rng.integers(1, 5, int(rng.integers(0, 3)))]
    shape = (*outer, int(rng.integers(1, 40)))
    length = int(rng.choice([0, 1, 3, shape[-1], shape[-1] + 7, 100]))
    model = delay_model(shape, length)
    theirs = tflm().Interpreter.from_bytes(model, arena_size=1 << 20)
    it = micro.Interpreter.from_bytes(model)
    for frame in range(8):
        if frame == 5:
            theirs.reset()
            it.reset()
        x = rng.integers(-32768, 32768, shape).astype(np.int16)
        theirs.set_input(x, 0)
        it.set_input(x, 0)
        theirs.invoke()
        it.invoke()
        want = np.asarray(theirs.get_output(0))
        assert it.get_output(0).tobytes() == want.tobytes(), f"invocation {frame}"


def test_negative_delay_is_refused() -> None:
    with pytest.raises(micro.ModelError, match="negative"):
        micro.Interpreter.from_bytes(delay_model((4,), -1))


def test_tampered_params_are_refused_or_safe() -> None:
    assert_hostile_params_safe(delay_model((3, 8), 5))
