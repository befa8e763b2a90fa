"""LOG_SOFTMAX (int8) against TFLM on generated models: random shapes, input scales and
spreads, the longest rows; the refusals."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import unary_model
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe

import micro

OUT = (16.0 / 256, 127)


def log_softmax_model(shape: tuple[int, ...], q_in: tuple, q_out: tuple = OUT) -> bytes:
    return unary_model("LOG_SOFTMAX", shape, "int8", "int8", q_in, q_out)


@pytest.mark.parametrize("seed", range(50))
def test_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng([seed, 11])
    shape = [int(d) for d in rng.integers(1, 5, int(rng.integers(1, 5)))]
    shape[-1] = int(rng.choice([1, 2, 3, 10, 100, 1000]))
    q_in = (float(np.float32(10 ** rng.uniform(-3, 0.3))), int(rng.integers(-128, 128)))
    model = log_softmax_model(tuple(shape), q_in)
    spread = int(rng.integers(1, 256))
    centre = int(rng.integers(-128, 128))
    x = np.clip(centre + rng.integers(-spread, spread + 1, shape), -128, 127).astype(np.int8)
    assert_matches_tflm(model, inputs=[x])
    assert_matches_tflm(model, seeds=(seed,))


def test_every_difference_matches_tflm() -> None:
    x = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    for scale in (0.001, 0.01, 0.05, 0.1, 0.5, 1.0, 2.0):
        assert_matches_tflm(log_softmax_model((1, 256), (scale, 0)), inputs=[x])


def test_longest_rows_match_tflm() -> None:
    """4095 maxima: the largest Q12 sum of exponentials."""
    model = log_softmax_model((2, 4095), (0.1, 0))
    x = np.zeros((2, 4095), np.int8)
    x[1, ::2] = -100
    assert_matches_tflm(model, inputs=[x])


@pytest.mark.parametrize(
    ("shape", "q_in", "q_out", "match"),
    [
        ((2, 5), (0.1, 0), (1 / 256, -128), "16/256"),
        ((2, 5), (1e-9, 0), OUT, "too small"),
        ((1, 4096), (0.1, 0), OUT, "4095"),
    ],
)
def test_refusals(shape: tuple, q_in: tuple, q_out: tuple, match: str) -> None:
    with pytest.raises(micro.UnsupportedOpError, match=match):
        micro.Interpreter.from_bytes(log_softmax_model(shape, q_in, q_out))


def test_tampered_params_are_refused_or_safe() -> None:
    assert_hostile_params_safe(log_softmax_model((3, 7), (0.1, 4)))
