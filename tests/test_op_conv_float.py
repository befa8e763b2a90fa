"""CONV_2D and DEPTHWISE_CONV_2D on float32 (conv_f32): generated models (random shapes,
strides, SAME/VALID padding, dilation, groups, depth multipliers, fused activations, with
and without bias, special values) byte for byte against TFLM, and the refusals."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe
from test_op_conv import output_hw, random_window

import micro
from micro.errors import ModelError, UnsupportedOpError
from micro.schema import ActivationFunctionType as Act
from micro.schema import Padding
from micro.writer import ModelBuilder

ACTIVATIONS = [Act.NONE, Act.RELU, Act.RELU6, Act.RELU_N1_TO_1]


def float_conv_model(
    op: str,
    input_shape: tuple[int, int, int, int],
    filter_shape: tuple[int, int, int, int],
    rng: np.random.Generator,
    *,
    padding: int = Padding.SAME,
    stride: tuple[int, int] = (1, 1),
    dilation: tuple[int, int] = (1, 1),
    activation: int = Act.NONE,
    bias: bool = True,
    const_filter: bool = True,
    weights: np.ndarray | None = None,
    options: dict[str, Any] | None = None,
) -> bytes:
    """One float32 CONV_2D ([O, FH, FW, I] filter) or DEPTHWISE_CONV_2D ([1, FH, FW, O])."""
    n, h, w, c = input_shape
    depthwise = op == "DEPTHWISE_CONV_2D"
    oc = filter_shape[3] if depthwise else filter_shape[0]
    oh, ow = output_hw(padding, (h, w), filter_shape[1:3], stride, dilation)
    if weights is None:
        weights = rng.normal(0, 1, filter_shape).astype(np.float32)
    b = ModelBuilder()
    x = b.add_tensor("input", input_shape, "float32")
    wt = b.add_tensor("filter", filter_shape, "float32", data=weights if const_filter else None)
    inputs = [x, wt]
    if bias:
        values = rng.normal(0, 2, oc).astype(np.float32)
        inputs.append(b.add_tensor("bias", (oc,), "float32", data=values))
    y = b.add_tensor("output", (n, oh, ow, oc), "float32")
    opts = {
        "padding": padding,
        "stride_h": stride[0],
        "stride_w": stride[1],
        "dilation_h_factor": dilation[0],
        "dilation_w_factor": dilation[1],
        "fused_activation_function": activation,
    }
    if depthwise:
        opts["depth_multiplier"] = oc // c
    opts.update(options or {})
    b.add_operator(op, inputs, [y], opts)
    b.set_inputs([x] if const_filter else [x, wt])
    b.set_outputs([y])
    return b.build()


def random_float_conv(op: str, seed: int) -> bytes:
    """A random valid float CONV_2D (groups sometimes) or DEPTHWISE_CONV_2D (multipliers)."""
    rng = np.random.default_rng(3000 + seed)
    win = random_window(rng, 9, 4)
    n, (h, w), (fh, fw) = win.n, win.hw, win.filter_hw
    if op == "CONV_2D":
        groups = int(rng.integers(2, 4)) if rng.random() < 0.25 else 1
        depth = int(rng.integers(1, 9))
        oc = groups * int(rng.integers(1, 6))
        in_shape, f_shape = (n, h, w, groups * depth), (oc, fh, fw, depth)
    else:
        c = int(rng.integers(1, 12))
        in_shape, f_shape = (n, h, w, c), (1, fh, fw, c * int(rng.integers(1, 4)))
    return float_conv_model(
        op,
        in_shape,
        f_shape,
        rng,
        padding=win.padding,
        stride=win.stride,
        dilation=win.dilation,
        activation=ACTIVATIONS[int(rng.integers(0, len(ACTIVATIONS)))],
        bias=bool(rng.random() < 0.8),
        const_filter=op == "DEPTHWISE_CONV_2D" or rng.random() < 0.8,
    )


OPS = ["CONV_2D", "DEPTHWISE_CONV_2D"]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("seed", range(60))
def test_generated_matches_tflm(op: str, seed: int) -> None:
    assert_matches_tflm(random_float_conv(op, seed), seeds=(seed,))


def _special_values(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Signed zeros, huge magnitudes (sums that overflow to infinity, clamped to FLT_MAX
    without an activation) and ordinary values."""
    pool = np.array([0.0, -0.0, 3e38, -3e38, 1e30, -1e-30, 1.5, -2.25], np.float32)
    return pool[rng.integers(0, len(pool), shape)]


@pytest.mark.parametrize("op", OPS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("bias", [True, False])
def test_special_values_match_tflm(op: str, activation: int, bias: bool) -> None:
    """-0 sums (the bias, or TFLM's 0.0f without one, turns them into +0), infinite sums and
    the FLT_MAX clamp; the NaNs of inf - inf pass the clamp."""
    rng = np.random.default_rng(activation)
    in_shape = (1, 4, 5, 3)
    f_shape = (4, 2, 3, 3) if op == "CONV_2D" else (1, 2, 3, 6)
    model = float_conv_model(
        op,
        in_shape,
        f_shape,
        rng,
        activation=activation,
        bias=bias,
        weights=_special_values(rng, f_shape),
    )
    for seed in range(3):
        x = _special_values(np.random.default_rng(seed), in_shape)
        assert_matches_tflm(model, inputs=[x])


@pytest.mark.parametrize(
    ("op", "changes", "error", "match"),
    [
        ("CONV_2D", {"weights_dtype": "int8"}, UnsupportedOpError, "int8"),
        ("CONV_2D", {"fused": Act.TANH}, UnsupportedOpError, "activation"),
        ("CONV_2D", {"output": (1, 5, 5, 2)}, ModelError, "output shape"),
        ("CONV_2D", {"bias": 3}, ModelError, "bias"),
        ("CONV_2D", {"filter": (2, 3, 3, 2)}, ModelError, "group"),
        ("DEPTHWISE_CONV_2D", {"multiplier": 3}, ModelError, "depth_multiplier"),
        ("DEPTHWISE_CONV_2D", {"const_filter": False}, UnsupportedOpError, "constant"),
        ("DEPTHWISE_CONV_2D", {"filter": (2, 3, 3, 4)}, ModelError, r"\[1, H, W"),
    ],
)
def test_refusals(op: str, changes: dict[str, Any], error: type, match: str) -> None:
    depthwise = op == "DEPTHWISE_CONV_2D"
    f_shape = changes.get("filter", (1, 3, 3, 4) if depthwise else (2, 3, 3, 3))
    oc = f_shape[3] if depthwise else f_shape[0]
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 4, 4, 3 if not depthwise else 2), "float32")
    w_dtype = changes.get("weights_dtype", "float32")
    const = changes.get("const_filter", True)
    weights = np.ones(f_shape, w_dtype)
    wt = b.add_tensor("w", f_shape, w_dtype, data=weights if const else None)
    bias = b.add_tensor(
        "b",
        (changes.get("bias", oc),),
        "float32",
        data=np.ones(changes.get("bias", oc), np.float32),
    )
    y = b.add_tensor("y", changes.get("output", (1, 4, 4, oc)), "float32")
    opts = {"padding": Padding.SAME, "stride_h": 1, "stride_w": 1}
    opts["fused_activation_function"] = changes.get("fused", Act.NONE)
    if depthwise:
        opts["depth_multiplier"] = changes.get("multiplier", 2)
    b.add_operator(op, [x, wt, bias], [y], opts)
    b.set_inputs([x] if const else [x, wt])
    b.set_outputs([y])
    with pytest.raises(error, match=rf"operator 0.*{match}"):
        micro.Interpreter.from_bytes(b.build())


@pytest.mark.parametrize("op", OPS)
def test_tampered_params_are_refused_or_safe(op: str) -> None:
    assert_hostile_params_safe(random_float_conv(op, 3))
