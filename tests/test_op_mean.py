"""MEAN, SUM (int8, int16), REDUCE_MAX and REDUCE_MIN (int8), constant axes, against TFLM,
byte for byte."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import quant_kwargs, random_quant
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe

import micro
from micro.writer import ModelBuilder


def reduce_model(
    op: str,
    shape: tuple[int, ...],
    axes: list[int],
    keep_dims: bool,
    in_quant: tuple[float, int] = (0.05, 0),
    out_quant: tuple[float, int] = (0.05, 0),
    out_shape: tuple[int, ...] | None = None,
    dtype: str = "int8",
    axes_dtype: str = "int32",
    const_axes: bool = True,
) -> bytes:
    if out_shape is None:
        resolved = {a % len(shape) for a in axes}
        out_shape = tuple(
            1 if i in resolved else d for i, d in enumerate(shape) if keep_dims or i not in resolved
        )
    quant = dtype != "float32"  # float32 tensors carry no quantization
    b = ModelBuilder()
    x = b.add_tensor("x", shape, dtype, **quant_kwargs(in_quant if quant else None))
    a = b.add_tensor(
        "axes",
        (len(axes),),
        axes_dtype,
        data=np.array(axes, dtype=np.int64) if const_axes else None,
    )
    y = b.add_tensor("y", out_shape, dtype, **quant_kwargs(out_quant if quant else None))
    b.add_operator(op, [x, a], [y], {"keep_dims": keep_dims})
    b.set_inputs([x] if const_axes else [x, a])
    b.set_outputs([y])
    return b.build()


def random_reduce(op: str, seed: int, dtype: str = "int8") -> bytes:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, 6))
    shape = tuple(int(d) for d in rng.choice([1, 2, 3, 5, 8, 17, 40], rank))
    while np.prod(shape) > 20_000:
        shape = shape[1:]
    if seed % 3 == 0 and len(shape) == 4:  # the common case: a global mean over H, W of NHWC
        axes = [1, 2] if seed % 2 else [2, -3]
    else:
        n_axes = int(rng.integers(0, rank + 2))  # may repeat an axis
        axes = [int(a) for a in rng.integers(-len(shape), max(len(shape), 1), n_axes)]
    in_quant = random_quant(rng, dtype, any_zero_point=True)
    # Half the cases keep the quantization (the usual converter output), half change it.
    if seed % 2 or op.startswith("REDUCE"):
        out_quant = in_quant
    else:
        out_quant = random_quant(rng, dtype, any_zero_point=True)
    assert in_quant and out_quant
    keep = bool(rng.integers(0, 2))
    return reduce_model(op, shape, axes, keep, in_quant, out_quant, dtype=dtype)


@pytest.mark.parametrize("seed", range(130))
def test_random_means_match_tflm(seed: int) -> None:
    assert_matches_tflm(random_reduce("MEAN", seed), seeds=(seed,))


@pytest.mark.parametrize("seed", range(40))
def test_random_sums_match_tflm(seed: int) -> None:
    assert_matches_tflm(random_reduce("SUM", seed), seeds=(seed,))


@pytest.mark.parametrize("op", ["MEAN", "SUM"])
@pytest.mark.parametrize("seed", range(50))
def test_random_int16_means_and_sums_match_tflm(op: str, seed: int) -> None:
    assert_matches_tflm(random_reduce(op, seed, "int16"), seeds=(seed,))


@pytest.mark.parametrize("op", ["REDUCE_MAX", "REDUCE_MIN"])
@pytest.mark.parametrize("seed", range(60))
def test_random_min_max_match_tflm(op: str, seed: int) -> None:
    assert_matches_tflm(random_reduce(op, seed), seeds=(seed,))


@pytest.mark.parametrize("keep_dims", [True, False])
@pytest.mark.parametrize(
    ("shape", "axes"),
    [
        ((1, 7, 7, 1280), [1, 2]),  # MobileNet's head
        ((2, 5, 3, 64), [1, 2]),
        ((1, 1, 1, 8), [1, 2]),  # nothing to sum: a requantization
        ((3, 4000), [1]),  # many elements per output
        ((2, 3, 4, 5), [0, 2]),  # alternating reduced and kept axes
        ((2, 3, 4, 5), [0, 1, 2, 3]),
        ((6,), []),  # no axes: an elementwise requantization
    ],
)
def test_edge_reductions_match_tflm(shape, axes, keep_dims) -> None:
    model = reduce_model("MEAN", shape, axes, keep_dims, (0.02, -5), (0.013, 9))
    assert_matches_tflm(model, seeds=(0, 1))


def test_mean_of_known_values() -> None:
    """Independent arithmetic: sums 101 and -101 over 4 taps, scale ratio 1, i.e.
    multiplier 2^30 (shift 1) divided by 4: 2^30 with shift -1. The reference rounds twice:
    101 * 2^30 / 2^31 = 50.5 -> 51 (half away from zero), then 51 / 2 = 25.5 -> 26; the
    doubling high multiply rounds -50.5 up to -50, then -50 / 2 = -25."""
    model = reduce_model("MEAN", (1, 2, 2, 2), [1, 2], False, (0.5, 0), (0.5, 0))
    it = micro.Interpreter.from_bytes(model)
    it.set_input(np.array([10, -10, 20, -20, 30, -30, 41, -41], np.int8).reshape(1, 2, 2, 2), 0)
    it.invoke()
    assert it.get_output(0).ravel().tolist() == [26, -25]  # not 25 and -25 (25.25, -25.25)


def test_min_max_of_known_values() -> None:
    """Independent arithmetic: max and min over H, W of raw int8 values."""
    x = np.array([5, -7, -128, 3, 127, -1, 0, 2], np.int8).reshape(1, 2, 2, 2)
    for op, expected in (("REDUCE_MAX", [127, 3]), ("REDUCE_MIN", [-128, -7])):
        it = micro.Interpreter.from_bytes(reduce_model(op, (1, 2, 2, 2), [1, 2], False))
        it.set_input(x, 0)
        it.invoke()
        assert it.get_output(0).ravel().tolist() == expected


def _error(model: bytes) -> micro.MicroError:
    with pytest.raises(micro.MicroError) as info:
        micro.Interpreter.from_bytes(model)
    return info.value


def test_rejects_runtime_axes() -> None:
    err = _error(reduce_model("MEAN", (2, 3), [1], False, const_axes=False))
    assert isinstance(err, micro.UnsupportedOpError) and "constant" in str(err)


def test_rejects_int32_input() -> None:
    err = _error(reduce_model("MEAN", (2, 3), [1], False, dtype="int32"))
    assert isinstance(err, micro.UnsupportedOpError) and "int32" in str(err)


def test_rejects_int64_axes() -> None:
    err = _error(reduce_model("MEAN", (2, 3), [1], False, axes_dtype="int64"))
    assert isinstance(err, micro.UnsupportedOpError) and "int64" in str(err)


def test_rejects_axis_out_of_range() -> None:
    err = _error(reduce_model("MEAN", (2, 3), [2], False, out_shape=(2,)))
    assert isinstance(err, micro.ModelError) and "axis 2" in str(err)


def test_rejects_wrong_output_size() -> None:
    err = _error(reduce_model("SUM", (2, 3), [1], False, out_shape=(3,)))
    assert isinstance(err, micro.ModelError) and "operator 0" in str(err)


def test_rejects_min_max_requantization() -> None:
    err = _error(reduce_model("REDUCE_MAX", (2, 3), [1], False, (0.1, 0), (0.1, 1)))
    assert isinstance(err, micro.UnsupportedOpError) and "quantization" in str(err)


@pytest.mark.parametrize("op", ["MEAN", "REDUCE_MIN"])
@pytest.mark.parametrize(("shape", "axes"), [((2, 3, 4, 5), [0, 2]), ((1, 4, 4, 8), [1, 2])])
def test_tampered_params_are_refused_or_safe(op, shape, axes) -> None:
    quant = (0.1, 3)
    out_quant = (0.05, -2) if op == "MEAN" else quant
    assert_hostile_params_safe(reduce_model(op, shape, axes, True, quant, out_quant))


def test_int16_tampered_params_are_refused_or_safe() -> None:
    model = reduce_model("MEAN", (2, 3, 4, 5), [1, 3], True, (0.1, 3), (0.05, -2), dtype="int16")
    assert_hostile_params_safe(model)
