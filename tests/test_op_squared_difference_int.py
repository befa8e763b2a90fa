"""SQUARED_DIFFERENCE on int16 (quantized) and int32 (wrapping) against TFLM on generated
models, with broadcasting; the refusals."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import Quant, T, one_op_model, random_broadcast, random_quant
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe

import micro


def sqdiff_model(
    s1: tuple,
    s2: tuple,
    out: tuple,
    q1: Quant | None,
    q2: Quant | None,
    qo: Quant | None,
    dtype: str,
) -> bytes:
    return one_op_model(
        "SQUARED_DIFFERENCE",
        [T(s1, dtype, quant=q1, name="x1"), T(s2, dtype, quant=q2, name="x2")],
        [T(out, dtype, quant=qo, name="y")],
    )


def _shapes(rng: np.random.Generator) -> tuple[tuple, tuple, tuple]:
    """Two broadcasting shapes of at most 4-D (TFLM's broadcast limit here)."""
    while True:
        s1, s2 = random_broadcast(rng)
        out = tuple(np.broadcast_shapes(s1, s2))
        if len(out) <= 4:
            return s1, s2, out


@pytest.mark.parametrize("seed", range(24))
def test_int16_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng([seed, 16])
    s1, s2, out = _shapes(rng)
    q1, q2 = random_quant(rng, "int16", -5, -1), random_quant(rng, "int16", -5, -1)
    assert q1 and q2
    # An output scale near the squared input range, so results spread over int16.
    top = max(q1[0], q2[0]) * 32768
    qo = (float(np.float32(top * top / 32768 * 10 ** rng.uniform(-2, 0.5))), 0)
    model = sqdiff_model(s1, s2, out, q1, q2, qo, dtype="int16")
    assert_matches_tflm(model, seeds=(seed, seed + 50))


def test_int16_extremes_match_tflm() -> None:
    x = np.array([-32768, 32767, 0, -32768, 32767, 1, -1, 12345], np.int16)
    y = np.array([32767, -32768, 0, -32768, 0, -1, 1, -12345], np.int16)
    for q1, q2, qo in [((1e-3, 0), (1e-3, 0), (1e-1, 0)), ((3e-4, 0), (2e-3, 0), (0.5, 0))]:
        model = sqdiff_model((8,), (8,), (8,), q1, q2, qo, dtype="int16")
        assert_matches_tflm(model, inputs=[x, y])


@pytest.mark.parametrize("seed", range(16))
def test_int32_wraps_like_tflm(seed: int) -> None:
    rng = np.random.default_rng([seed, 32])
    s1, s2, out = _shapes(rng)
    model = sqdiff_model(s1, s2, out, None, None, None, dtype="int32")
    assert_matches_tflm(model, seeds=(seed,))  # full-range int32: most squares wrap


def test_int16_zero_point_is_refused() -> None:
    model = sqdiff_model((4,), (4,), (4,), (0.01, 2), (0.01, 0), (0.1, 0), dtype="int16")
    with pytest.raises(micro.UnsupportedOpError, match=r"operator 0.*zero points"):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize("dtype", ["int16", "int32"])
def test_tampered_params_are_refused_or_safe(dtype: str) -> None:
    q = (0.01, 0) if dtype == "int16" else None
    model = sqdiff_model((3, 5), (5,), (3, 5), q, q, q, dtype=dtype)
    assert_hostile_params_safe(model)
