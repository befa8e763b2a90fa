"""TRANSPOSE_CONV (int8, int16 activations with int8 per-channel weights, and float32)
against TFLM: random shapes, strides, SAME/VALID padding, per-tensor or per-channel scales,
bias or not, fused activations; float weights constant or given at run time."""

from __future__ import annotations

import numpy as np
import pytest
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe

import micro
from micro.ops._shapes import compute_window
from micro.writer import ModelBuilder


def tconv_model(seed: int, dtype: str) -> bytes:
    rng = np.random.default_rng(seed)
    int16 = dtype == "int16"
    n, h, w = int(rng.integers(1, 3)), int(rng.integers(1, 7)), int(rng.integers(1, 7))
    ic, oc = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    fh, fw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    padding = int(rng.integers(0, 2))  # SAME, VALID
    # The output size whose convolution gives back the input size (as the converter sets it).
    out_h = h * sh if padding == 0 else (h - 1) * sh + fh
    out_w = w * sw if padding == 0 else (w - 1) * sw + fw
    assert compute_window(padding, out_h, fh, sh).out_size == h
    per_channel = bool(rng.integers(0, 2)) or int16
    in_scale = float(10 ** rng.uniform(-3, -1))
    w_scale = (10 ** rng.uniform(-3, -1, oc if per_channel else 1)).astype(np.float32)
    taps = fh * fw * ic
    in_range = 32768 if int16 else 128
    out_scale = float(
        in_scale
        * float(w_scale.mean())
        * 64
        * in_range
        * np.sqrt(taps)
        / (8000 if int16 else 50)
        * 10 ** rng.uniform(-0.5, 0.5)
    )
    in_zp = 0 if int16 else int(rng.integers(-128, 128))
    out_zp = 0 if int16 else int(rng.integers(-128, 128))
    b = ModelBuilder()
    shape = b.add_tensor("shape", (4,), "int32", data=np.array([n, out_h, out_w, oc], np.int32))
    weights = rng.integers(-127, 128, (oc, fh, fw, ic)).astype(np.int8)
    wt = b.add_tensor(
        "w",
        weights.shape,
        "int8",
        data=weights,
        scale=w_scale,
        zero_point=np.zeros(len(w_scale), np.int64),
        quantized_dimension=0,
    )
    x = b.add_tensor("x", (n, h, w, ic), dtype, scale=in_scale, zero_point=in_zp)
    y = b.add_tensor("y", (n, out_h, out_w, oc), dtype, scale=out_scale, zero_point=out_zp)
    inputs = [shape, wt, x]
    if rng.random() < 0.7:
        bias_type = "int64" if int16 else "int32"
        if int16 and seed % 3 == 0:
            bias_type = "int16"
        hi = 30000 if bias_type == "int16" else 200000
        bias = rng.integers(-hi, hi, oc).astype(bias_type)
        inputs.append(
            b.add_tensor(
                "b",
                (oc,),
                bias_type,
                data=bias,
                scale=in_scale * w_scale.astype(np.float64),
                zero_point=np.zeros(len(w_scale), np.int64),
            )
        )
    act = int(rng.choice([0, 1, 3])) if seed % 2 else 0  # NONE, RELU, RELU6
    b.add_operator(
        "TRANSPOSE_CONV",
        inputs,
        [y],
        {"padding": padding, "stride_h": sh, "stride_w": sw, "fused_activation_function": act},
        version=4 if int16 else 3,
    )
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


@pytest.mark.parametrize("seed", range(60))
@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_matches_tflm(dtype: str, seed: int) -> None:
    assert_matches_tflm(tconv_model(seed, dtype), seeds=(seed,))


def float_tconv_model(seed: int, const_weights: bool = True) -> bytes:
    rng = np.random.default_rng(seed)
    n, h, w = int(rng.integers(1, 3)), int(rng.integers(1, 7)), int(rng.integers(1, 7))
    ic, oc = int(rng.integers(1, 6)), int(rng.integers(1, 6))
    fh, fw = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    sh, sw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    padding = int(rng.integers(0, 2))
    out_h = h * sh if padding == 0 else (h - 1) * sh + fh
    out_w = w * sw if padding == 0 else (w - 1) * sw + fw
    b = ModelBuilder()
    shape = b.add_tensor("shape", (4,), "int32", data=np.array([n, out_h, out_w, oc], np.int32))
    weights = rng.normal(0, 1, (oc, fh, fw, ic)).astype(np.float32)
    wt = b.add_tensor("w", weights.shape, "float32", data=weights if const_weights else None)
    x = b.add_tensor("x", (n, h, w, ic), "float32")
    y = b.add_tensor("y", (n, out_h, out_w, oc), "float32")
    inputs = [shape, wt, x]
    if rng.random() < 0.7:
        bias = rng.normal(0, 2, oc).astype(np.float32)
        inputs.append(b.add_tensor("b", (oc,), "float32", data=bias))
    act = int(rng.choice([0, 1, 2, 3]))  # NONE, RELU, RELU_N1_TO_1, RELU6
    options = {"padding": padding, "stride_h": sh, "stride_w": sw, "fused_activation_function": act}
    b.add_operator("TRANSPOSE_CONV", inputs, [y], options, version=3)
    b.set_inputs([x] if const_weights else [wt, x])
    b.set_outputs([y])
    return b.build()


@pytest.mark.parametrize("seed", range(40))
def test_float_matches_tflm(seed: int) -> None:
    assert_matches_tflm(float_tconv_model(seed, const_weights=seed % 4 != 3), seeds=(seed,))


def test_rejects_output_shape_mismatch() -> None:
    b = ModelBuilder()
    shape = b.add_tensor("shape", (4,), "int32", data=np.array([1, 4, 4, 2], np.int32))
    w = b.add_tensor("w", (2, 3, 3, 1), "int8", data=np.ones((2, 3, 3, 1), np.int8), scale=0.1)
    x = b.add_tensor("x", (1, 2, 2, 1), "int8", scale=0.1)
    y = b.add_tensor("y", (1, 4, 5, 2), "int8", scale=0.1)
    b.add_operator(
        "TRANSPOSE_CONV", [shape, w, x], [y], {"padding": 0, "stride_h": 2, "stride_w": 2}
    )
    b.set_inputs([x])
    b.set_outputs([y])
    with pytest.raises(micro.ModelError, match=r"operator 0.*output_shape"):
        micro.Interpreter.from_bytes(b.build())


@pytest.mark.parametrize("dtype", ["int8", "int16", "float32"])
def test_tampered_params_are_refused_or_safe(dtype: str) -> None:
    model = float_tconv_model(5) if dtype == "float32" else tconv_model(5, dtype)
    assert_hostile_params_safe(model)
