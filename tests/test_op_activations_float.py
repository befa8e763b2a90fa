"""RELU, RELU6, HARD_SWISH (unary_f32), LEAKY_RELU and PRELU (binary_f32) on float32 against
TFLM, byte for byte: random shapes, alphas and broadcasts; signed zeros (where RELU keeps -0
and LEAKY_RELU and PRELU differ), infinities, huge magnitudes, NaNs where the result is a
selection rather than arithmetic; the refusals."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import random_broadcast, unary_model
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe
from test_op_rearrange import _shape

import micro
from micro.writer import ModelBuilder

UNARY = ("RELU", "RELU6", "HARD_SWISH", "LEAKY_RELU")
ALPHAS = (0.0, 0.01, 0.2, 1.0, 1.5, -0.5, -2.0)
EDGES = [0.0, -0.0, 6.0, -3.0, 3.0, -6.0, 3e38, -3e38, np.inf, -np.inf, 1e-45, -1e-45, 2.9999998]


def unary_float(op: str, shape: tuple[int, ...], alpha: float = 0.2) -> bytes:
    options = {"alpha": float(np.float32(alpha))} if op == "LEAKY_RELU" else None
    return unary_model(op, shape, "float32", "float32", None, None, options)


def prelu_model(
    shape: tuple[int, ...],
    alpha_shape: tuple[int, ...],
    alpha: np.ndarray | None,
    out_shape: tuple[int, ...] | None = None,
) -> bytes:
    if out_shape is None:
        out_shape = np.broadcast_shapes(shape, alpha_shape)
    b = ModelBuilder()
    x = b.add_tensor("x", shape, "float32")
    a = b.add_tensor("a", alpha_shape, "float32", data=alpha)
    y = b.add_tensor("y", out_shape, "float32")
    b.add_operator("PRELU", [x, a], [y])
    b.set_inputs([x] if alpha is not None else [x, a])
    b.set_outputs([y])
    return b.build()


def random_prelu(seed: int) -> bytes:
    rng = np.random.default_rng([seed, 32])
    while True:
        shape, alpha_shape = random_broadcast(rng)
        if max(len(shape), len(alpha_shape)) <= 4:  # TFLM broadcasts PRELU up to 4-D
            break
    alpha = rng.uniform(-2, 2, alpha_shape).astype(np.float32) if seed % 2 else None
    return prelu_model(shape, alpha_shape, alpha)


@pytest.mark.parametrize("op", UNARY)
@pytest.mark.parametrize("seed", range(12))
def test_unary_matches_tflm(op: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    shape = _shape(rng, int(rng.integers(1, 5)), 7)
    model = unary_float(op, shape, ALPHAS[seed % len(ALPHAS)])
    assert_matches_tflm(model, seeds=(seed,))


@pytest.mark.parametrize(
    ("op", "alpha"), [(op, 0.0) for op in UNARY[:3]] + [("LEAKY_RELU", a) for a in ALPHAS]
)
def test_unary_special_values_match_tflm(op: str, alpha: float) -> None:
    """Signed zeros, the clamps' and HARD_SWISH's breakpoints and their neighbours, huge
    values (HARD_SWISH's x * 6 overflows), infinities; NaN for the selections RELU, RELU6."""
    edges = np.array(EDGES + ([np.nan] if op in ("RELU", "RELU6") else []), np.float32)
    x = np.concatenate(
        [
            edges,
            np.nextafter(edges, np.float32(np.inf)),
            np.random.default_rng(1).uniform(-8, 8, 200).astype(np.float32),
        ]
    ).astype(np.float32)
    assert_matches_tflm(unary_float(op, x.shape, alpha), inputs=[x])


@pytest.mark.parametrize("seed", range(40))
def test_prelu_matches_tflm(seed: int) -> None:
    assert_matches_tflm(random_prelu(seed), seeds=(seed, seed + 1))


def test_prelu_special_values_match_tflm() -> None:
    """Every pair of edge inputs and alphas: -0 stays -0 (x >= 0), infinities times a zero
    or negative alpha."""
    values = np.array(EDGES, np.float32)
    model = prelu_model((len(values), 1), (1, len(values)), None)
    assert_matches_tflm(model, inputs=[values.reshape(-1, 1), values.reshape(1, -1)])


@pytest.mark.parametrize(
    ("model", "error", "match"),
    [
        (prelu_model((1, 2, 1, 2, 3), (3,), None), micro.UnsupportedOpError, "4-D"),
        (prelu_model((2, 3), (4,), None, (2, 4)), micro.ModelError, "broadcast"),
        (unary_model("RELU", (2, 3), "float32", "int8", None, (0.1, 0)),
         micro.UnsupportedOpError, "int8"),
    ],
)  # fmt: skip
def test_refusals(model: bytes, error: type, match: str) -> None:
    with pytest.raises(error, match=rf"operator 0.*{match}"):
        micro.Interpreter.from_bytes(model)


def test_leaky_relu_shape_mismatch_is_refused() -> None:
    b = ModelBuilder()
    x = b.add_tensor("x", (2, 3), "float32")
    y = b.add_tensor("y", (3, 3), "float32")
    b.add_operator("LEAKY_RELU", [x], [y], {"alpha": 0.1})
    b.set_inputs([x])
    b.set_outputs([y])
    with pytest.raises(micro.ModelError, match=r"operator 0.*output shape"):
        micro.Interpreter.from_bytes(b.build())


@pytest.mark.parametrize("op", UNARY)
def test_tampered_params_are_refused_or_safe(op: str) -> None:
    assert_hostile_params_safe(unary_float(op, (3, 4)))
    if op == "LEAKY_RELU":
        assert_hostile_params_safe(random_prelu(5))
