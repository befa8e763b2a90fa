"""AVERAGE_POOL_2D and MAX_POOL_2D (int8) against TFLM, byte for byte."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import quant_kwargs
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe

import micro
from micro.ops._shapes import compute_padding
from micro.schema import ActivationFunctionType as Act
from micro.schema import Padding
from micro.writer import ModelBuilder

OPS = ("AVERAGE_POOL_2D", "MAX_POOL_2D")
ACTIVATIONS = (Act.NONE, Act.RELU, Act.RELU6, Act.RELU_N1_TO_1)


def pool_model(
    op: str,
    shape: tuple[int, int, int, int],
    filter_hw: tuple[int, int],
    stride_hw: tuple[int, int],
    padding: int,
    activation: int = Act.NONE,
    scale: float = 0.05,
    zero_point: int = 0,
    out_shape: tuple[int, ...] | None = None,
    dtype: str = "int8",
    out_quant: tuple[float, int] | None = None,
) -> bytes:
    if out_shape is None:
        h, w = compute_padding(padding, shape[1:3], filter_hw, stride_hw)
        out_shape = (shape[0], h.out_size, w.out_size, shape[3])
    out_scale, out_zp = out_quant or (scale, zero_point)
    quant = dtype != "float32"  # float32 tensors carry no quantization
    b = ModelBuilder()
    x = b.add_tensor("x", shape, dtype, **quant_kwargs((scale, zero_point) if quant else None))
    y = b.add_tensor("y", out_shape, dtype, **quant_kwargs((out_scale, out_zp) if quant else None))
    options = {
        "padding": padding,
        "stride_h": stride_hw[0],
        "stride_w": stride_hw[1],
        "filter_height": filter_hw[0],
        "filter_width": filter_hw[1],
        "fused_activation_function": activation,
    }
    b.add_operator(op, [x], [y], options)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def random_pool(op: str, seed: int, dtype: str = "int8") -> bytes:
    rng = np.random.default_rng(seed)
    padding = int(rng.choice([Padding.SAME, Padding.VALID]))
    in_h, in_w = (int(v) for v in rng.integers(1, 13, 2))
    filter_hw = tuple(int(v) for v in rng.integers(1, 6, 2))
    if padding == Padding.VALID:
        filter_hw = (min(filter_hw[0], in_h), min(filter_hw[1], in_w))
    stride_hw = tuple(int(v) for v in rng.integers(1, 4, 2))
    channels = int(rng.choice([1, 2, 3, 8, 16, 63, 64, 65, 130]))
    shape = (int(rng.integers(1, 3)), in_h, in_w, channels)
    return pool_model(
        op,
        shape,
        filter_hw,  # type: ignore[arg-type]
        stride_hw,  # type: ignore[arg-type]
        padding,
        int(rng.choice(ACTIVATIONS)),
        float(np.exp(rng.uniform(np.log(1e-3), np.log(1.0)))) / (256 if dtype == "int16" else 1),
        int(rng.integers(-128, 128)) if dtype == "int8" else 0,
        dtype=dtype,
    )


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("seed", range(110))
def test_random_pools_match_tflm(op: str, seed: int) -> None:
    assert_matches_tflm(random_pool(op, seed), seeds=(seed,))


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize(
    ("shape", "filter_hw", "stride_hw", "padding"),
    [
        ((1, 7, 7, 256), (7, 7), (1, 1), Padding.VALID),  # global pool of a classifier
        ((1, 1, 1, 5), (3, 3), (2, 2), Padding.SAME),  # every tap but one is padding
        ((1, 6, 5, 4), (5, 4), (3, 3), Padding.SAME),  # odd total padding: extra after
        ((3, 4, 9, 3), (1, 1), (2, 3), Padding.VALID),  # subsampling only
        ((1, 20, 19, 70), (17, 16), (3, 2), Padding.VALID),  # > 256 taps: int32 sums
        ((1, 20, 19, 5), (17, 19), (2, 2), Padding.SAME),  # 136 to 323 taps
        ((2, 3, 200, 3), (2, 3), (1, 2), Padding.SAME),  # narrow but a row > 512 values
        ((1, 9, 168, 3), (3, 3), (2, 3), Padding.SAME),  # narrow, a row of 504 values
    ],
)
def test_edge_windows_match_tflm(op, shape, filter_hw, stride_hw, padding) -> None:
    model = pool_model(op, shape, filter_hw, stride_hw, padding, Act.RELU6, 0.02, -7)
    assert_matches_tflm(model, seeds=(0, 1))


def test_average_rounds_half_away_from_zero() -> None:
    """Independent arithmetic: averages of 2 taps at .5 go away from zero."""
    model = pool_model("AVERAGE_POOL_2D", (1, 1, 2, 4), (1, 2), (1, 2), Padding.VALID)
    it = micro.Interpreter.from_bytes(model)
    it.set_input(np.array([[[[1, -1, 3, -128], [2, -2, 4, -127]]]], dtype=np.int8), 0)
    it.invoke()
    assert it.get_output(0).ravel().tolist() == [2, -2, 4, -128]  # 1.5, -1.5, 3.5, -127.5


def _error(model: bytes) -> micro.MicroError:
    with pytest.raises(micro.MicroError) as info:
        micro.Interpreter.from_bytes(model)
    return info.value


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("seed", range(40))
def test_random_int16_pools_match_tflm(op: str, seed: int) -> None:
    assert_matches_tflm(random_pool(op, seed, "int16"), seeds=(seed,))


def test_rejects_int32() -> None:
    err = _error(
        pool_model("MAX_POOL_2D", (1, 4, 4, 2), (2, 2), (2, 2), Padding.VALID, dtype="int32")
    )
    assert isinstance(err, micro.UnsupportedOpError)
    assert "operator 0" in str(err) and "int32" in str(err)


def test_rejects_different_output_quantization() -> None:
    model = pool_model(
        "AVERAGE_POOL_2D", (1, 4, 4, 2), (2, 2), (2, 2), Padding.VALID, out_quant=(0.1, 0)
    )
    err = _error(model)
    assert isinstance(err, micro.UnsupportedOpError) and "quantization" in str(err)


def test_rejects_wrong_output_shape() -> None:
    model = pool_model(
        "MAX_POOL_2D", (1, 4, 4, 2), (2, 2), (2, 2), Padding.VALID, out_shape=(1, 3, 2, 2)
    )
    err = _error(model)
    assert isinstance(err, micro.ModelError) and "output shape" in str(err)


def test_rejects_unsupported_activation() -> None:
    err = _error(pool_model("MAX_POOL_2D", (1, 4, 4, 2), (2, 2), (2, 2), Padding.VALID, Act.TANH))
    assert isinstance(err, micro.UnsupportedOpError) and "operator 0" in str(err)


@pytest.mark.parametrize("op", OPS)
def test_tampered_params_are_refused_or_safe(op: str) -> None:
    model = pool_model(op, (2, 5, 6, 3), (3, 2), (2, 1), Padding.SAME, Act.RELU, 0.1, 4)
    assert_hostile_params_safe(model)
