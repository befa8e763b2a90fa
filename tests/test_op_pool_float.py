"""AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D on float32 (pool_f32) against TFLM, byte for
byte: random windows, strides, SAME/VALID padding and fused activations; signed zeros,
infinities and NaNs where TFLM's result does not depend on how the hardware combines NaNs;
the refusals."""

from __future__ import annotations

import numpy as np
import pytest
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe
from test_op_pool import pool_model

import micro
from micro.schema import ActivationFunctionType as Act
from micro.schema import Padding

OPS = ("AVERAGE_POOL_2D", "MAX_POOL_2D", "L2_POOL_2D")
ACTIVATIONS = (Act.NONE, Act.RELU, Act.RELU6, Act.RELU_N1_TO_1)


def float_pool_model(
    op: str,
    shape: tuple[int, int, int, int],
    filter_hw: tuple[int, int],
    stride_hw: tuple[int, int],
    padding: int,
    activation: int = Act.NONE,
    out_shape: tuple[int, ...] | None = None,
    dtype: str = "float32",
) -> bytes:
    return pool_model(
        op, shape, filter_hw, stride_hw, padding, activation, out_shape=out_shape, dtype=dtype
    )


def random_float_pool(op: str, seed: int) -> bytes:
    rng = np.random.default_rng(4000 + seed)
    padding = int(rng.choice([Padding.SAME, Padding.VALID]))
    in_h, in_w = (int(v) for v in rng.integers(1, 11, 2))
    filter_hw = tuple(int(v) for v in rng.integers(1, 6, 2))
    if padding == Padding.VALID:
        filter_hw = (min(filter_hw[0], in_h), min(filter_hw[1], in_w))
    stride_hw = tuple(int(v) for v in rng.integers(1, 4, 2))
    shape = (int(rng.integers(1, 3)), in_h, in_w, int(rng.integers(1, 20)))
    activation = int(rng.choice(ACTIVATIONS))
    return float_pool_model(op, shape, filter_hw, stride_hw, padding, activation)  # type: ignore[arg-type]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("seed", range(50))
def test_random_pools_match_tflm(op: str, seed: int) -> None:
    assert_matches_tflm(random_float_pool(op, seed), seeds=(seed,))


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_special_values_match_tflm(op: str, activation: int) -> None:
    """Signed zeros, values whose squares or sums overflow to infinity (clamped to FLT_MAX
    with no activation), infinities; MAX also NaNs (std::max never picks them, and an
    all-NaN or all -inf window gives -FLT_MAX)."""
    pool = [0.0, -0.0, 3e38, -3e38, 2e19, -1e-30, np.inf, -np.inf, 1.5]
    if op == "MAX_POOL_2D":
        pool.append(np.nan)
    values = np.array(pool, np.float32)
    shape = (2, 6, 5, 3)
    model = float_pool_model(op, shape, (2, 3), (1, 2), Padding.SAME, activation)
    for seed in range(3):
        x = values[np.random.default_rng(seed).integers(0, len(values), shape)]
        assert_matches_tflm(model, inputs=[x])
    if op == "MAX_POOL_2D":
        x = np.full(shape, np.nan, np.float32)
        x[0, 0, 0, 0] = -np.inf
        assert_matches_tflm(model, inputs=[x])


def test_l2_pool_sqrt_is_correctly_rounded() -> None:
    """A window of one tap: sqrt(x * x / 1) must come back as |x| rounded as TFLM's
    std::sqrt (correctly rounded), over many exponents."""
    rng = np.random.default_rng(5)
    x = rng.uniform(1, 2, (1, 16, 16, 4)) * 2.0 ** rng.integers(-60, 60, (1, 16, 16, 4))
    model = float_pool_model("L2_POOL_2D", x.shape, (1, 1), (1, 1), Padding.VALID)
    assert_matches_tflm(model, inputs=[x.astype(np.float32)])


@pytest.mark.parametrize(
    ("model", "error", "match"),
    [
        (float_pool_model("L2_POOL_2D", (1, 4, 4, 2), (2, 2), (2, 2), 1, dtype="int8"),
         micro.UnsupportedOpError, "int8"),
        (float_pool_model("MAX_POOL_2D", (1, 4, 4, 2), (2, 2), (2, 2), 1, out_shape=(1, 3, 3, 2)),
         micro.ModelError, "output shape"),
        (float_pool_model("AVERAGE_POOL_2D", (1, 4, 4, 2), (2, 2), (2, 2), 1, Act.TANH),
         micro.UnsupportedOpError, "activation"),
        (float_pool_model("L2_POOL_2D", (1, 4, 4, 2), (2, 2), (0, 2), 1, out_shape=(1, 2, 2, 2)),
         micro.ModelError, "stride"),
    ],
)  # fmt: skip
def test_refusals(model: bytes, error: type, match: str) -> None:
    with pytest.raises(error, match=rf"operator 0.*{match}"):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize("op", OPS)
def test_tampered_params_are_refused_or_safe(op: str) -> None:
    assert_hostile_params_safe(random_float_pool(op, 7))
