"""ADD_N (int8, float32) against TFLM on generated models: 2 to 8 inputs, random shapes and
quantizations; the refusals."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import T, one_op_model, random_quant
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe

import micro


def add_n_model(
    n: int, shape: tuple[int, ...], dtype: str, q_in: tuple | None, q_out: tuple | None
) -> bytes:
    return one_op_model(
        "ADD_N", [T(shape, dtype, quant=q_in) for _ in range(n)], [T(shape, dtype, quant=q_out)]
    )


@pytest.mark.parametrize("dtype", ["int8", "float32"])
@pytest.mark.parametrize("seed", range(20))
def test_matches_tflm(dtype: str, seed: int) -> None:
    rng = np.random.default_rng([seed, 9])
    n = int(rng.integers(2, 9))
    shape = tuple(int(d) for d in rng.integers(1, 7, int(rng.integers(1, 5))))
    q_in = random_quant(rng, dtype)
    q_out = None if q_in is None else (float(np.float32(q_in[0] * rng.uniform(0.3, n))), -5)
    assert_matches_tflm(add_n_model(n, shape, dtype, q_in, q_out), seeds=(seed, seed + 100))


@pytest.mark.parametrize(
    ("n", "quants", "error", "match"),
    [
        (9, None, micro.UnsupportedOpError, "at most 8"),
        (1, None, micro.ModelError, "2 or more"),
        (2, [(0.1, 0), (0.2, 0)], micro.UnsupportedOpError, "one quantization"),
    ],
)
def test_refusals(n: int, quants: list | None, error: type, match: str) -> None:
    qs = quants or [(0.1, 0)] * n
    model = one_op_model(
        "ADD_N", [T((4,), "int8", quant=q) for q in qs], [T((4,), "int8", quant=(0.1, 0))]
    )
    with pytest.raises(error, match=match):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_tampered_params_are_refused_or_safe(dtype: str) -> None:
    q = (0.1, 2) if dtype == "int8" else None
    assert_hostile_params_safe(add_n_model(3, (2, 5), dtype, q, q))
