"""SUM, MEAN, REDUCE_MAX and REDUCE_MIN on float32 (reduce_f32) against TFLM, byte for byte:
random shapes and constant axes (negative, repeated, none), keep_dims either way, TFLM's
special 4-D mean over H, W; signed zeros, large magnitudes, infinities, NaNs where the
result does not depend on how the hardware combines NaNs; the refusals."""

from __future__ import annotations

import numpy as np
import pytest
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe
from test_op_mean import reduce_model

import micro

OPS = ("SUM", "MEAN", "REDUCE_MAX", "REDUCE_MIN")


def float_reduce_model(
    op: str,
    shape: tuple[int, ...],
    axes: list[int],
    keep_dims: bool,
    out_shape: tuple[int, ...] | None = None,
    const_axes: bool = True,
) -> bytes:
    return reduce_model(
        op, shape, axes, keep_dims, out_shape=out_shape, dtype="float32", const_axes=const_axes
    )


def random_float_reduce(op: str, seed: int) -> bytes:
    rng = np.random.default_rng(5000 + seed)
    rank = int(rng.integers(1, 6))
    shape = tuple(int(d) for d in rng.choice([1, 2, 3, 5, 8, 17, 40], rank))
    while np.prod(shape) > 20_000:
        shape = shape[1:]
    if seed % 3 == 0 and len(shape) == 4:  # a global mean over H, W of NHWC (TFLM's Mean4D)
        axes = [1, 2] if seed % 2 else [2, 1]
        return float_reduce_model(op, shape, axes, keep_dims=True)
    n_axes = int(rng.integers(0, len(shape) + 2))  # may repeat an axis, or have none
    axes = [int(a) for a in rng.integers(-len(shape), len(shape), n_axes)]
    return float_reduce_model(op, shape, axes, bool(rng.integers(0, 2)))


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("seed", range(50))
def test_random_reductions_match_tflm(op: str, seed: int) -> None:
    assert_matches_tflm(random_float_reduce(op, seed), seeds=(seed,))


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize(
    ("shape", "axes", "keep_dims"),
    [
        ((1, 7, 9, 3), [1, 2], True),  # TFLM's special 4-D path
        ((1, 7, 9, 3), [-3, -2], True),  # the same mean through the general path
        ((2, 3, 4, 5), [0, 2], False),
        ((3, 1, 4), [1], True),
        ((6,), [], False),  # no axes: each element reduced alone (MAX: -inf -> -FLT_MAX)
        ((4, 5), [0, 1, -1], False),
    ],
)
def test_special_values_match_tflm(op: str, shape, axes, keep_dims) -> None:
    """Signed zeros (0 + -0 is +0), sums that overflow to infinity, infinities (MAX of -inf
    alone is TFLM's initial -FLT_MAX); REDUCE_MAX and REDUCE_MIN also skip NaNs."""
    pool = [0.0, -0.0, 3e38, -3e38, 1e-30, -2.5, np.inf, -np.inf]
    if op.startswith("REDUCE"):
        pool.append(np.nan)
    values = np.array(pool, np.float32)
    model = float_reduce_model(op, shape, axes, keep_dims)
    for seed in range(3):
        x = values[np.random.default_rng(seed).integers(0, len(values), shape)]
        assert_matches_tflm(model, inputs=[x])


def test_long_sums_keep_tflm_order() -> None:
    """Rounding in a long float sum depends on the order of the additions: sums over outer
    axes of many values of mixed magnitude."""
    rng = np.random.default_rng(1)
    x = (rng.normal(0, 1, (64, 3, 50)) * 10.0 ** rng.integers(-4, 5, (64, 3, 50))).astype(
        np.float32
    )
    for op in ("SUM", "MEAN"):
        for axes in ([0], [0, 2], [2]):
            assert_matches_tflm(float_reduce_model(op, x.shape, axes, False), inputs=[x])


@pytest.mark.parametrize(
    ("model", "error", "match"),
    [
        (float_reduce_model("SUM", (2, 3), [1], False, const_axes=False),
         micro.UnsupportedOpError, "constant"),
        (float_reduce_model("MEAN", (2, 3), [2], False, out_shape=(2,)),
         micro.ModelError, "out of range"),
        (float_reduce_model("REDUCE_MAX", (2, 3), [1], False, out_shape=(3,)),
         micro.ModelError, "output shape"),
    ],
)  # fmt: skip
def test_refusals(model: bytes, error: type, match: str) -> None:
    with pytest.raises(error, match=rf"operator 0.*{match}"):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize("op", OPS)
def test_tampered_params_are_refused_or_safe(op: str) -> None:
    assert_hostile_params_safe(float_reduce_model(op, (2, 3, 4, 5), [0, 2], True))
