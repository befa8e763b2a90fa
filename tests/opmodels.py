"""Small one-operator models for the elementwise op tests, and exact-input comparisons.

Everything is seeded; expected outputs always come from TFLM (difftest.run_tflm).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from difftest import run_micro, run_tflm

from micro.schema import ActivationFunctionType as Act
from micro.writer import ModelBuilder

QUANTIZED_ACTIVATIONS = (Act.NONE, Act.RELU, Act.RELU6, Act.RELU_N1_TO_1)

Quant = tuple[float, int]  # (scale, zero point)


def unary_model(
    op: str,
    shape: Sequence[int],
    dtype_in: str,
    dtype_out: str,
    q_in: Quant | None,
    q_out: Quant | None,
    options: Mapping[str, Any] | None = None,
) -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x", shape, dtype_in, **_q(q_in))
    y = b.add_tensor("y", shape, dtype_out, **_q(q_out))
    b.add_operator(op, [x], [y], options)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def binary_model(
    op: str,
    shape1: Sequence[int],
    shape2: Sequence[int],
    out_shape: Sequence[int],
    q1: Quant | None,
    q2: Quant | None,
    q_out: Quant | None,
    activation: int = Act.NONE,
    dtype: str = "int8",
    const2: np.ndarray | None = None,
) -> bytes:
    """input1 op input2 -> output; input2 is a constant tensor when `const2` is given."""
    b = ModelBuilder()
    x1 = b.add_tensor("x1", shape1, dtype, **_q(q1))
    x2 = b.add_tensor("x2", shape2, dtype, data=const2, **_q(q2))
    y = b.add_tensor("y", out_shape, dtype, **_q(q_out))
    b.add_operator(op, [x1, x2], [y], {"fused_activation_function": int(activation)})
    b.set_inputs([x1] if const2 is not None else [x1, x2])
    b.set_outputs([y])
    return b.build()


def _q(q: Quant | None) -> dict[str, Any]:
    return {} if q is None else {"scale": q[0], "zero_point": q[1]}


def random_quant(rng: np.random.Generator, lo: float = -3.0, hi: float = 0.0) -> Quant:
    """A log-uniform scale in [10^lo, 10^hi] (as float32) and a zero point in int8."""
    scale = float(np.float32(10.0 ** rng.uniform(lo, hi)))
    return scale, int(rng.integers(-128, 128))


def random_broadcast(rng: np.random.Generator) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Two shapes of rank 0-6 that broadcast: same shape, a scalar, a per-channel vector,
    or any mix of full and unit dims with the leading dims of either dropped."""
    kind = rng.choice(["same", "scalar1", "scalar2", "channel", "channel1", "mixed", "mixed"])
    rank = int(rng.integers(1, 7))
    full = tuple(int(d) for d in rng.integers(1, 6, rank))
    if kind == "same":
        return full, full
    if kind == "scalar1":
        return (() if rng.random() < 0.5 else (1,) * int(rng.integers(1, rank + 1))), full
    if kind == "scalar2":
        return full, (() if rng.random() < 0.5 else (1,))
    if kind == "channel":
        return full, full[-1:]
    if kind == "channel1":
        return full[-1:], full

    def part() -> tuple[int, ...]:
        keep = int(rng.integers(0, rank + 1))
        return tuple(d if rng.random() < 0.6 else 1 for d in full[rank - keep :])

    return part(), part()


def random_int8(rng: np.random.Generator, shape: Sequence[int]) -> np.ndarray:
    return rng.integers(-128, 128, size=tuple(shape), dtype=np.int8)


def assert_exact(model: bytes, inputs: Sequence[np.ndarray]) -> None:
    """micro and TFLM on these exact inputs: outputs byte for byte equal."""
    got = run_micro(model, inputs)
    expected = run_tflm(model, inputs, len(got))
    assert len(got) == len(expected)
    for g, e in zip(got, expected, strict=True):
        assert g.dtype == e.dtype and g.size == e.size
        g = g.reshape(e.shape)
        if not np.array_equal(g.ravel().view(np.uint8), e.ravel().view(np.uint8)):
            bad = np.flatnonzero(g.ravel().view(np.uint8) != e.ravel().view(np.uint8))
            raise AssertionError(
                f"{bad.size} of {e.nbytes} bytes differ; first at element {bad[0]}: "
                f"micro {g.ravel()[bad[:8]]} TFLM {e.ravel()[bad[:8]]}"
            )
