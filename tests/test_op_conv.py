"""CONV_2D int8: generated models compared byte for byte with TFLM, and error cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from support.oracle import assert_matches_tflm
from support.programs import assert_hostile_params_safe

import micro
from micro.errors import ModelError, UnsupportedOpError
from micro.ops._shapes import compute_window
from micro.schema import ActivationFunctionType as Act
from micro.schema import Padding
from micro.writer import ModelBuilder

ACTIVATIONS = [Act.NONE, Act.RELU, Act.RELU6, Act.RELU_N1_TO_1]
ROOMY = 1 << 22  # an arena budget every generated case fits with its optional scratch


def output_hw(
    padding: int, hw: tuple[int, int], f: tuple[int, int], s: tuple[int, int], d: tuple[int, int]
) -> tuple[int, int]:
    return (
        compute_window(padding, hw[0], f[0], s[0], d[0]).out_size,
        compute_window(padding, hw[1], f[1], s[1], d[1]).out_size,
    )


def conv_model(
    *,
    input_shape: tuple[int, int, int, int],
    filter_shape: tuple[int, int, int, int],
    padding: int = Padding.SAME,
    stride: tuple[int, int] = (1, 1),
    dilation: tuple[int, int] = (1, 1),
    activation: int = Act.NONE,
    in_q: tuple[float, int] = (0.05, 3),
    out_q: tuple[float, int] = (0.2, -7),
    w_scales: np.ndarray | None = None,
    w_zp: int = 0,
    bias: bool = True,
    seed: int = 0,
    dtype: str = "int8",
    weights_const: bool = True,
    output_shape: tuple[int, ...] | None = None,
    options: dict[str, Any] | None = None,
    bias_dtype: str = "int32",
) -> bytes:
    """A one-op CONV_2D model with random weights and bias drawn from `seed`."""
    rng = np.random.default_rng(seed)
    n, h, w, _ = input_shape
    oc, fh, fw, _ = filter_shape
    if output_shape is None:
        oh, ow = output_hw(padding, (h, w), (fh, fw), stride, dilation)
        output_shape = (n, oh, ow, oc)
    opts = {
        "padding": padding,
        "stride_h": stride[0],
        "stride_w": stride[1],
        "dilation_h_factor": dilation[0],
        "dilation_w_factor": dilation[1],
        "fused_activation_function": activation,
    }
    return window_op_model(
        "CONV_2D", rng, input_shape, filter_shape, output_shape, 0, {**opts, **(options or {})},
        in_q=in_q, out_q=out_q, w_scales=w_scales, w_zp=w_zp, bias=bias, dtype=dtype,
        weights_const=weights_const, bias_dtype=bias_dtype,
    )  # fmt: skip


def window_op_model(
    op: str,
    rng: np.random.Generator,
    input_shape: tuple[int, ...],
    filter_shape: tuple[int, ...],
    output_shape: tuple[int, ...],
    quantized_dimension: int,
    options: dict[str, Any],
    *,
    in_q: tuple[float, int],
    out_q: tuple[float, int],
    w_scales: np.ndarray | None,
    w_zp: int,
    bias: bool,
    dtype: str,
    weights_const: bool = True,
    bias_dtype: str = "int32",
) -> bytes:
    """A one-op model of a windowed op (CONV_2D, DEPTHWISE_CONV_2D): input, filter drawn from
    `rng` (per-channel scales `w_scales` on `quantized_dimension`, default 0.01), a bias of
    the output channels (the filter's `quantized_dimension`) drawn next, output; int8/int16
    quantized unless `dtype` is float32. Without `weights_const` the filter is a second
    input."""
    oc = filter_shape[quantized_dimension]
    scales = np.array([0.01]) if w_scales is None else np.asarray(w_scales)
    b = ModelBuilder()
    quant = dtype != "float32"
    x = b.add_tensor(
        "input",
        input_shape,
        dtype,
        scale=in_q[0] if quant else None,
        zero_point=in_q[1] if quant else None,
    )
    weights = rng.integers(-127, 128, filter_shape).astype(np.int8)
    wt = b.add_tensor(
        "filter",
        filter_shape,
        "int8" if quant else "float32",
        data=(weights if quant else weights.astype(np.float32)) if weights_const else None,
        scale=scales if quant else None,
        zero_point=(np.full(len(scales), w_zp) if quant else None),
        quantized_dimension=quantized_dimension,
    )
    inputs = [x, wt]
    if bias:
        bscale = in_q[0] * scales
        values = rng.integers(-20000, 20000, oc)
        inputs.append(
            b.add_tensor(
                "bias",
                (oc,),
                bias_dtype,
                data=values.astype(bias_dtype),
                scale=bscale if quant else None,
                zero_point=np.zeros(len(bscale), np.int64) if quant else None,
            )
        )
    y = b.add_tensor(
        "output",
        output_shape,
        dtype,
        scale=out_q[0] if quant else None,
        zero_point=out_q[1] if quant else None,
    )
    b.add_operator(op, inputs, [y], options)
    b.set_inputs([x] if weights_const else [x, wt])
    b.set_outputs([y])
    return b.build()


@dataclass(frozen=True)
class Window:
    """A convolution's geometry: batches, input and filter sizes, stride, dilation, padding."""

    n: int
    hw: tuple[int, int]
    filter_hw: tuple[int, int]
    stride: tuple[int, int]
    dilation: tuple[int, int]
    padding: int


def random_window(rng: np.random.Generator, max_hw: int, max_filter: int) -> Window:
    """A random window with a non-empty output: sizes from 1 to max_hw (input) and to
    max_filter (filter), strides and dilations 1 to 3 (dilations 1 often)."""
    while True:
        n = int(rng.integers(1, 3))
        h, w = (int(v) for v in rng.integers(1, max_hw + 1, 2))
        fh, fw = (int(v) for v in rng.integers(1, max_filter + 1, 2))
        stride = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        dilation = (int(rng.integers(1, 4)), int(rng.integers(1, 4)))
        if rng.random() < 0.4:
            dilation = (1, 1)
        padding = Padding.SAME if rng.random() < 0.5 else Padding.VALID
        try:
            oh, ow = output_hw(padding, (h, w), (fh, fw), stride, dilation)
        except ValueError:  # a VALID window larger than the input
            continue
        if oh >= 1 and ow >= 1:
            return Window(n, (h, w), (fh, fw), stride, dilation, padding)


def random_conv_quant(rng: np.random.Generator, oc: int, taps: int) -> dict[str, Any]:
    """A generated case's quantization for `oc` output channels of `taps` taps each, drawn
    from rng: filter scales (per channel 60% of the time), input and output scales and zero
    points, an activation and whether there is a bias."""
    per_channel = rng.random() < 0.6
    w_scales = rng.uniform(0.002, 0.03, oc if per_channel else 1)
    in_scale = float(rng.uniform(0.005, 0.1))
    # An output scale near the accumulator's spread keeps outputs off the clamps mostly.
    out_scale = float(in_scale * np.mean(w_scales) * 40 * np.sqrt(taps) * rng.uniform(0.3, 3))
    return {
        "activation": ACTIVATIONS[int(rng.integers(0, len(ACTIVATIONS)))],
        "in_q": (in_scale, int(rng.integers(-128, 128))),
        "out_q": (out_scale, int(rng.integers(-128, 128))),
        "w_scales": w_scales,
        "bias": bool(rng.random() < 0.8),
    }


def random_case(seed: int) -> dict[str, Any]:
    """Random but always valid CONV_2D parameters (non-empty output)."""
    rng = np.random.default_rng(1000 + seed)
    win = random_window(rng, 10, 5)
    n, (h, w), (fh, fw) = win.n, win.hw, win.filter_hw
    groups = int(rng.integers(2, 4)) if rng.random() < 0.2 else 1
    depth = int(rng.integers(1, 17))
    oc = groups * int(rng.integers(1, 9))
    return {
        "input_shape": (n, h, w, groups * depth),
        "filter_shape": (oc, fh, fw, depth),
        "padding": win.padding,
        "stride": win.stride,
        "dilation": win.dilation,
        **random_conv_quant(rng, oc, fh * fw * depth),
        "seed": seed,
    }


@pytest.mark.parametrize("seed", range(160))
def test_generated_matches_tflm(seed: int) -> None:
    # The smallest arena drops the im2col scratch (direct path); a roomy one keeps it.
    assert_matches_tflm(conv_model(**random_case(seed)), seeds=(seed,), arena_sizes=(None, ROOMY))


@pytest.mark.parametrize(
    "case",
    [
        # 1x1 (the GEMM path) with an odd number of pixels and of filters
        {"input_shape": (1, 5, 3, 24), "filter_shape": (7, 1, 1, 24)},
        # 1x1 with strides: pixels read in place
        {"input_shape": (2, 9, 7, 8), "filter_shape": (16, 1, 1, 8), "stride": (2, 3)},
        # person_detect's first layers' shapes
        {"input_shape": (1, 48, 48, 8), "filter_shape": (16, 1, 1, 8), "activation": Act.RELU6},
        {
            "input_shape": (1, 24, 24, 3),
            "filter_shape": (8, 3, 3, 3),
            "stride": (2, 2),
            "activation": Act.RELU6,
        },
        # a window wider than the image on both sides (SAME)
        {"input_shape": (1, 2, 3, 4), "filter_shape": (3, 5, 5, 4), "stride": (1, 1)},
        # dilation with padding on every side
        {"input_shape": (1, 7, 8, 5), "filter_shape": (6, 3, 3, 5), "dilation": (2, 3)},
        # depthwise-like grouped conv (one input channel per group)
        {"input_shape": (1, 6, 6, 4), "filter_shape": (8, 3, 3, 1)},
        # extreme zero points
        {
            "input_shape": (1, 6, 6, 8),
            "filter_shape": (4, 3, 3, 8),
            "in_q": (0.02, -128),
            "out_q": (0.1, 127),
        },
        {
            "input_shape": (1, 6, 6, 8),
            "filter_shape": (4, 3, 3, 8),
            "in_q": (0.02, 127),
            "out_q": (0.1, -128),
            "activation": Act.RELU,
        },
        # a deep 1x1 (K = 300) and a large 5x5 window
        {"input_shape": (1, 3, 3, 300), "filter_shape": (5, 1, 1, 300)},
        {"input_shape": (1, 9, 9, 16), "filter_shape": (9, 5, 5, 16), "padding": Padding.VALID},
        # tiny output scale: most outputs clamp; huge one: most are output_zp
        {"input_shape": (1, 4, 4, 4), "filter_shape": (4, 3, 3, 4), "out_q": (1e-4, 0)},
        {"input_shape": (1, 4, 4, 4), "filter_shape": (4, 3, 3, 4), "out_q": (1e3, 5)},
        # no bias, per-channel scales
        {
            "input_shape": (1, 5, 5, 6),
            "filter_shape": (3, 2, 2, 6),
            "bias": False,
            "w_scales": np.array([0.01, 0.02, 0.004]),
        },
        # a nonzero filter zero point: TFLM's int8 kernel ignores it, and so do we
        {"input_shape": (1, 5, 5, 6), "filter_shape": (3, 3, 3, 6), "w_zp": 9},
    ],
)
def test_special_cases_match_tflm(case: dict[str, Any]) -> None:
    assert_matches_tflm(conv_model(**case), seeds=(0, 1))


def test_reports_macs() -> None:
    model = conv_model(input_shape=(2, 6, 6, 4), filter_shape=(5, 3, 3, 4))
    it = micro.Interpreter.from_bytes(model)
    (step,) = it.compiled.steps
    assert step.kernel == "conv_s8"
    assert step.macs == 2 * 6 * 6 * 5 * 3 * 3 * 4


def test_im2col_scratch_is_optional() -> None:
    # With separate buffers, input 1x7x5x3 (105 B) and output 1x7x5x4 (140 B) are both live; the
    # im2col scratch is 2 rows of 3*3*3 = 27 taps padded to 32, as int16: 128 B.
    model = conv_model(input_shape=(1, 7, 5, 3), filter_shape=(4, 3, 3, 3))
    lean = micro.Interpreter.from_bytes(model, overlap=False, fastest=False)
    assert lean.arena_used_bytes() == 112 + 144  # each buffer 8-byte aligned
    roomy = micro.Interpreter.from_bytes(model, arena_size=ROOMY, overlap=False)
    assert roomy.arena_used_bytes() == 112 + 144 + 128
    fastest = micro.Interpreter.from_bytes(model, overlap=False)  # the default keeps it
    assert fastest.arena_used_bytes() == 112 + 144 + 128
    tight = micro.Interpreter.from_bytes(model, arena_size=112 + 144 + 127, overlap=False)
    assert tight.arena_used_bytes() == 112 + 144
    with pytest.raises(micro.ArenaTooSmallError):
        micro.Interpreter.from_bytes(model, arena_size=112 + 144 - 1, overlap=False)
    assert_matches_tflm(model, seeds=(0, 1), arena_sizes=(None, ROOMY))


def _compile(model: bytes) -> None:
    micro.Interpreter.from_bytes(model)


BASE = {"input_shape": (1, 6, 6, 4), "filter_shape": (3, 3, 3, 4)}


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"dtype": "int32"}, UnsupportedOpError, "int32"),
        ({"weights_const": False}, UnsupportedOpError, "weights must be constant"),
        ({"output_shape": (1, 5, 6, 3)}, ModelError, "output shape"),
        ({"input_shape": (1, 6, 6, 6)}, ModelError, "not a multiple of the filter depth"),
        (
            {"input_shape": (1, 6, 6, 8), "filter_shape": (3, 3, 3, 4)},
            ModelError,
            "do not split into 2 groups",
        ),
        ({"options": {"stride_h": 0}}, ModelError, "stride"),
        ({"activation": Act.TANH}, UnsupportedOpError, "fused activation"),
        ({"bias_dtype": "int64"}, UnsupportedOpError, "int64"),
        (
            {
                "input_shape": (1, 2, 2, 4),
                "filter_shape": (3, 5, 5, 4),
                "padding": Padding.VALID,
                "output_shape": (1, 1, 1, 3),
            },
            ModelError,
            "larger than the input",
        ),
        ({"dtype": "int16"}, UnsupportedOpError, "int16"),
        (
            {"input_shape": (1, 1, 1, 65537), "filter_shape": (1, 1, 1, 65537)},
            UnsupportedOpError,
            "too large",
        ),
    ],
)
def test_errors_name_the_operator(changes: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match) as info:
        _compile(conv_model(**{**BASE, **changes}))
    assert "operator 0 (CONV_2D" in str(info.value)


def test_hostile_params_are_refused_or_safe() -> None:
    model = conv_model(input_shape=(2, 5, 6, 4), filter_shape=(4, 3, 2, 2), stride=(2, 1))
    assert_hostile_params_safe(model)
