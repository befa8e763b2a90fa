"""BATCH_MATMUL (int8, int16, float32) against TFLM: random ranks 2-5, broadcast batch dims, adj_x
and adj_y, quantization, constant or runtime rhs."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import random_values
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe

import micro
from micro.writer import ModelBuilder


def bmm_model(
    lhs: tuple,
    rhs: tuple,
    out: tuple,
    dtype: str,
    adj_x: bool,
    adj_y: bool,
    quants: list[tuple[float, int]] | None,
    rhs_data: np.ndarray | None = None,
) -> bytes:
    """quants None: float32 tensors."""
    b = ModelBuilder()
    (ls, lz), (rs, rz), (os_, oz) = quants or [(None, None)] * 3
    x = b.add_tensor("lhs", lhs, dtype, scale=ls, zero_point=lz)
    y = b.add_tensor("rhs", rhs, dtype, data=rhs_data, scale=rs, zero_point=rz)
    z = b.add_tensor("out", out, dtype, scale=os_, zero_point=oz)
    b.add_operator("BATCH_MATMUL", [x, y], [z], {"adj_x": adj_x, "adj_y": adj_y})
    b.set_inputs([x] if rhs_data is not None else [x, y])
    b.set_outputs([z])
    return b.build()


def random_case(seed: int, dtype: str, const_rhs: bool = False) -> bytes:
    rng = np.random.default_rng(seed)
    m, k, n = (int(v) for v in rng.integers(1, 9, 3))
    if seed % 5 == 0:
        k = int(rng.integers(20, 70))
    rank = int(rng.integers(2, 6))
    batch = [int(d) for d in rng.integers(1, 4, rank - 2)]
    lb = [d if rng.random() < 0.7 else 1 for d in batch]
    rb = [d if rng.random() < 0.7 else 1 for d in batch]
    rb = rb[int(rng.integers(0, len(rb) + 1)) :] if rng.random() < 0.3 else rb  # lower rank
    out_batch = [max(a, b) for a, b in zip(lb, [1] * (len(lb) - len(rb)) + rb, strict=True)]
    adj_x, adj_y = bool(rng.integers(0, 2)), bool(rng.integers(0, 2))
    lhs = tuple(lb) + ((k, m) if adj_x else (m, k))
    rhs = tuple(rb) + ((n, k) if adj_y else (k, n))
    int16 = dtype == "int16"

    def q(scale: float) -> tuple[float, int]:
        return float(np.float32(scale)), 0 if int16 else int(rng.integers(-128, 128))

    ls, rs = 10.0 ** rng.uniform(-3, -1, 2)
    # An output scale that spreads the sums over the output range (no saturation).
    spread = (3.6e4 if int16 else 110.0) * np.sqrt(k) * 10.0 ** rng.uniform(-0.5, 0.5)
    quants = [q(ls), q(rs), q(ls * rs * spread)]
    data = None
    if const_rhs:
        data = random_values(rng, rhs, dtype)
    if dtype == "float32":
        return bmm_model(lhs, rhs, (*out_batch, m, n), dtype, adj_x, adj_y, None, data)
    return bmm_model(lhs, rhs, (*out_batch, m, n), dtype, adj_x, adj_y, quants, data)


@pytest.mark.parametrize("seed", range(60))
@pytest.mark.parametrize("dtype", ["int8", "int16", "float32"])
def test_matches_tflm(dtype: str, seed: int) -> None:
    assert_matches_tflm(random_case(seed, dtype), seeds=(seed,))


@pytest.mark.parametrize("seed", range(10))
@pytest.mark.parametrize("dtype", ["int8", "float32"])
def test_constant_rhs_matches_tflm(seed: int, dtype: str) -> None:
    """A weight matrix (TFLM transposes it once into its arena; micro reads it in place)."""
    assert_matches_tflm(random_case(seed, dtype, const_rhs=True), seeds=(seed,))


def test_float_sums_in_tflm_order() -> None:
    """Cancellation and signed zeros: a different summation order gives different bytes."""
    lhs = np.array([[1e8, 1.0, -1e8, 1.0, -0.0], [-0.0, -0.0, -0.0, -0.0, -0.0]], np.float32)
    rhs = np.array([[1.0], [1.0], [1.0], [3e-8], [1.0]], np.float32)
    model = bmm_model((2, 5), (5, 1), (2, 1), "float32", False, False, None)
    assert_matches_tflm(model, inputs=[lhs, rhs])


def test_attention_shapes_match_tflm() -> None:
    """Keras MultiHeadAttention: Q K^T over heads, then scores V."""
    q = [(0.05, 3), (0.04, -7), (0.2, 11)]
    assert_matches_tflm(
        bmm_model((1, 4, 16, 8), (1, 4, 16, 8), (1, 4, 16, 16), "int8", False, True, q)
    )
    assert_matches_tflm(
        bmm_model((1, 4, 16, 16), (1, 4, 16, 8), (1, 4, 16, 8), "int8", False, False, q)
    )


def test_rejects_mismatched_depth() -> None:
    model = bmm_model((2, 3), (4, 5), (2, 5), "int8", False, False, [(0.1, 0)] * 3)
    with pytest.raises(micro.ModelError, match=r"operator 0.*depth"):
        micro.Interpreter.from_bytes(model)


def test_rejects_int16_zero_point() -> None:
    model = bmm_model((2, 3), (3, 5), (2, 5), "int16", False, False, [(0.1, 1), (0.1, 0), (0.1, 0)])
    with pytest.raises(micro.UnsupportedOpError, match="zero points"):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize("dtype", ["int8", "int16", "float32"])
def test_tampered_params_are_refused_or_safe(dtype: str) -> None:
    assert_hostile_params_safe(random_case(3, dtype))
