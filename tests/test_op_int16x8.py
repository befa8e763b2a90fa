"""int16x8 CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED (int16 activations, int8 weights,
per-channel scales, int64 or int32 bias) against TFLM: random shapes, strides, dilations,
padding, groups, activations."""

from __future__ import annotations

import numpy as np
import pytest
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe

import micro
from micro.writer import ModelBuilder


def _scales(rng: np.random.Generator, n: int) -> np.ndarray:
    return (10 ** rng.uniform(-3, -1.5, n)).astype(np.float32)


def _out_scale(rng: np.random.Generator, in_scale: float, w_scale: np.ndarray, taps: int) -> float:
    """Spreads the sums over the int16 range (some saturation at the tails)."""
    spread = 32768 * 64 * np.sqrt(taps) / 12000 * 10 ** rng.uniform(-0.5, 0.5)
    return float(in_scale * float(w_scale.mean()) * spread)


def _bias(
    b: ModelBuilder,
    rng: np.random.Generator,
    channels: int,
    in_scale: float,
    w_scale: np.ndarray,
    kind: str,
) -> list[int]:
    if kind == "none":
        return []
    hi = 1 << 20
    data = rng.integers(-hi, hi, channels).astype(kind)
    scale = in_scale * w_scale.astype(np.float64)
    return [
        b.add_tensor(
            "bias",
            (channels,),
            kind,
            data=data,
            scale=scale,
            zero_point=np.zeros(len(scale), np.int64),
        )
    ]


def conv_model(seed: int, depthwise: bool = False) -> bytes:
    rng = np.random.default_rng(seed)
    n, h, w = int(rng.integers(1, 3)), int(rng.integers(3, 9)), int(rng.integers(3, 9))
    fh, fw = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    sh, sw = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    dh, dw = (int(rng.integers(1, 3)), int(rng.integers(1, 3))) if seed % 4 == 0 else (1, 1)
    padding = int(rng.integers(0, 2))
    ic = int(rng.integers(1, 6))
    if depthwise:
        mult = int(rng.integers(1, 3))
        oc, fdepth, groups = ic * mult, 1, ic
        wshape = (1, fh, fw, oc)
    else:
        groups = int(rng.choice([1, 1, 2])) if ic % 2 == 0 else 1
        fdepth, oc = ic // groups, groups * int(rng.integers(1, 4))
        wshape = (oc, fh, fw, fdepth)
    eff_h, eff_w = (fh - 1) * dh + 1, (fw - 1) * dw + 1
    if padding == 0:
        oh, ow = -(-h // sh), -(-w // sw)
    else:
        oh, ow = (h - eff_h) // sh + 1, (w - eff_w) // sw + 1
        if oh < 1 or ow < 1:
            padding, oh, ow = 0, -(-h // sh), -(-w // sw)
    del groups
    in_scale = float(10 ** rng.uniform(-4, -2))
    w_scale = _scales(rng, oc)
    b = ModelBuilder()
    x = b.add_tensor("x", (n, h, w, ic), "int16", scale=in_scale, zero_point=0)
    weights = rng.integers(-127, 128, wshape).astype(np.int8)
    wt = b.add_tensor(
        "w",
        wshape,
        "int8",
        data=weights,
        scale=w_scale,
        zero_point=np.zeros(oc, np.int64),
        quantized_dimension=3 if depthwise else 0,
    )
    y = b.add_tensor(
        "y",
        (n, oh, ow, oc),
        "int16",
        zero_point=0,
        scale=_out_scale(rng, in_scale, w_scale, fh * fw * fdepth),
    )
    kind = "int64" if depthwise else str(rng.choice(["int64", "int32", "none"]))
    inputs = [x, wt, *_bias(b, rng, oc, in_scale, w_scale, kind)]
    options = {
        "padding": padding,
        "stride_h": sh,
        "stride_w": sw,
        "dilation_h_factor": dh,
        "dilation_w_factor": dw,
        "fused_activation_function": int(rng.choice([0, 1, 3])),
    }
    if depthwise:
        options["depth_multiplier"] = oc // ic
    b.add_operator("DEPTHWISE_CONV_2D" if depthwise else "CONV_2D", inputs, [y], options)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def fc_model(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    batches, depth, units = (
        int(rng.integers(1, 4)),
        int(rng.integers(1, 40)),
        int(rng.integers(1, 20)),
    )
    per_channel = bool(seed % 2)
    in_scale = float(10 ** rng.uniform(-4, -2))
    w_scale = _scales(rng, units if per_channel else 1)
    b = ModelBuilder()
    x = b.add_tensor("x", (batches, depth), "int16", scale=in_scale, zero_point=0)
    weights = rng.integers(-127, 128, (units, depth)).astype(np.int8)
    wt = b.add_tensor(
        "w",
        (units, depth),
        "int8",
        data=weights,
        scale=w_scale,
        zero_point=np.zeros(len(w_scale), np.int64),
    )
    y = b.add_tensor(
        "y",
        (batches, units),
        "int16",
        zero_point=0,
        scale=_out_scale(rng, in_scale, w_scale, depth),
    )
    kind = str(rng.choice(["int64", "int32", "none"]))
    inputs = [x, wt, *_bias(b, rng, units, in_scale, np.broadcast_to(w_scale, (units,)), kind)]
    b.add_operator(
        "FULLY_CONNECTED", inputs, [y], {"fused_activation_function": int(rng.choice([0, 1, 3]))}
    )
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


@pytest.mark.parametrize("seed", range(50))
def test_conv_matches_tflm(seed: int) -> None:
    assert_matches_tflm(conv_model(seed), seeds=(seed,))


@pytest.mark.parametrize("seed", range(50))
def test_depthwise_matches_tflm(seed: int) -> None:
    assert_matches_tflm(conv_model(seed, depthwise=True), seeds=(seed,))


@pytest.mark.parametrize("seed", range(50))
def test_fully_connected_matches_tflm(seed: int) -> None:
    assert_matches_tflm(fc_model(seed), seeds=(seed,))


def test_rejects_int16_zero_point() -> None:
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 4), "int16", scale=0.01, zero_point=3)
    w = b.add_tensor("w", (2, 4), "int8", data=np.ones((2, 4), np.int8), scale=0.1)
    y = b.add_tensor("y", (1, 2), "int16", scale=0.1, zero_point=0)
    b.add_operator("FULLY_CONNECTED", [x, w], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    with pytest.raises(micro.UnsupportedOpError, match=r"operator 0.*zero points"):
        micro.Interpreter.from_bytes(b.build())


@pytest.mark.parametrize("make", [conv_model, fc_model], ids=["conv", "fc"])
def test_tampered_params_are_refused_or_safe(make) -> None:  # type: ignore[no-untyped-def]
    assert_hostile_params_safe(make(3))
