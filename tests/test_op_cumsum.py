"""CUMSUM (int8, float32) against TFLM on generated models: random shapes, axes (negative
too), exclusive and reverse, quantizations; the refusals."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import T, one_op_model, random_quant
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe

import micro


def cumsum_model(
    shape: tuple[int, ...],
    axis: int,
    dtype: str,
    q_in: tuple | None = None,
    q_out: tuple | None = None,
    exclusive: bool = False,
    reverse: bool = False,
) -> bytes:
    return one_op_model(
        "CUMSUM",
        [T(shape, dtype, quant=q_in), T((1,), "int32", np.array([axis], np.int32))],
        [T(shape, dtype, quant=q_out)],
        {"exclusive": exclusive, "reverse": reverse},
    )


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("seed", range(24))
def test_matches_tflm(dtype: str, seed: int) -> None:
    rng = np.random.default_rng([seed, 7])
    shape = tuple(int(d) for d in rng.integers(1, 7, int(rng.integers(1, 5))))
    axis = int(rng.integers(-len(shape), len(shape)))
    q_in = random_quant(rng, dtype)
    # int8: an output scale wide enough for running sums of a few elements, or not.
    q_out = None if q_in is None else (float(np.float32(q_in[0] * rng.uniform(0.5, 8))), 3)
    exclusive, reverse = bool(seed % 2), bool(seed // 2 % 2)
    model = cumsum_model(shape, axis, dtype, q_in, q_out, exclusive, reverse)
    assert_matches_tflm(model, seeds=(seed, seed + 100))


def test_long_int8_sums_wrap_like_tflm() -> None:
    """Hundreds of terms of 2^26 or more: the int32 accumulator wraps in the reference."""
    model = cumsum_model((1, 600), 1, "int8", (0.1, -128), (30.0, 0))
    x = np.full((1, 600), 127, np.int8)
    assert_matches_tflm(model, inputs=[x])


@pytest.mark.parametrize(
    ("axis", "dtype", "q_in", "q_out", "error", "match"),
    [
        (2, "int8", (0.1, 0), (0.1, 0), micro.ModelError, "axis"),
        (0, "int16", (0.1, 0), (0.1, 0), micro.UnsupportedOpError, "int16"),
        (0, "int8", (1.0, 0), (1e-6, 0), micro.UnsupportedOpError, "2\\^19"),
    ],
)
def test_refusals(axis: int, dtype: str, q_in, q_out, error: type, match: str) -> None:
    with pytest.raises(error, match=match):
        micro.Interpreter.from_bytes(cumsum_model((3, 4), axis, dtype, q_in, q_out))


@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_tampered_params_are_refused_or_safe(dtype: str) -> None:
    q = (0.1, 2) if dtype == "int8" else None
    assert_hostile_params_safe(cumsum_model((2, 3, 4), 1, dtype, q, q, reverse=True))
