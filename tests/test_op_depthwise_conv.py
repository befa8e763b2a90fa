"""DEPTHWISE_CONV_2D int8: generated models compared byte for byte with TFLM, and errors."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from support.oracle import assert_matches_tflm, random_inputs, run_tflm
from support.programs import assert_hostile_params_safe
from test_op_conv import (
    ROOMY,
    Window,
    output_hw,
    random_conv_quant,
    random_window,
    window_op_model,
)

import micro
from micro.compiler import compile_model
from micro.errors import ModelError, UnsupportedOpError
from micro.model import load_model
from micro.schema import ActivationFunctionType as Act
from micro.schema import Padding


def depthwise_model(
    *,
    input_shape: tuple[int, int, int, int],
    filter_hw: tuple[int, int] = (3, 3),
    multiplier: int = 1,
    padding: int = Padding.SAME,
    stride: tuple[int, int] = (1, 1),
    dilation: tuple[int, int] = (1, 1),
    activation: int = Act.NONE,
    in_q: tuple[float, int] = (0.05, 3),
    out_q: tuple[float, int] = (0.1, -7),
    w_scales: np.ndarray | None = None,
    w_zp: int = 0,
    bias: bool = True,
    seed: int = 0,
    dtype: str = "int8",
    filter_shape: tuple[int, ...] | None = None,
    output_shape: tuple[int, ...] | None = None,
    options: dict[str, Any] | None = None,
) -> bytes:
    """A one-op DEPTHWISE_CONV_2D model with random weights and bias drawn from `seed`."""
    rng = np.random.default_rng(seed)
    n, h, w, c = input_shape
    oc = c * multiplier
    if filter_shape is None:
        filter_shape = (1, *filter_hw, oc)
    if output_shape is None:
        oh, ow = output_hw(padding, (h, w), filter_hw, stride, dilation)
        output_shape = (n, oh, ow, oc)
    opts = {
        "padding": padding,
        "stride_h": stride[0],
        "stride_w": stride[1],
        "depth_multiplier": multiplier,
        "dilation_h_factor": dilation[0],
        "dilation_w_factor": dilation[1],
        "fused_activation_function": activation,
    }
    return window_op_model(
        "DEPTHWISE_CONV_2D", rng, input_shape, filter_shape, output_shape, 3,
        {**opts, **(options or {})}, in_q=in_q, out_q=out_q, w_scales=w_scales, w_zp=w_zp,
        bias=bias, dtype=dtype,
    )  # fmt: skip


def random_case(seed: int) -> dict[str, Any]:
    """Random but always valid DEPTHWISE_CONV_2D parameters (non-empty output)."""
    rng = np.random.default_rng(2000 + seed)
    win = random_window(rng, 11, 5)
    # Channel counts around the kernel's 64-channel tile, and some depth multipliers.
    c = (
        int(rng.choice([1, 2, 3, 8, 16, 33, 64, 70, 130]))
        if rng.random() < 0.5
        else int(rng.integers(1, 40))
    )
    multiplier = int(rng.integers(2, 5)) if rng.random() < 0.3 else 1
    return window_case(rng, win, c, multiplier, seed)


def window_case(
    rng: np.random.Generator, win: Window, c: int, multiplier: int, seed: int
) -> dict[str, Any]:
    """The case of `win` with c channels and a depth multiplier: scales, zero points, an
    activation and the bias drawn from rng."""
    fh, fw = win.filter_hw
    return {
        "input_shape": (win.n, *win.hw, c),
        "filter_hw": (fh, fw),
        "multiplier": multiplier,
        "padding": win.padding,
        "stride": win.stride,
        "dilation": win.dilation,
        **random_conv_quant(rng, c * multiplier, fh * fw),
        "seed": seed,
    }


@pytest.mark.parametrize("seed", range(160))
def test_generated_matches_tflm(seed: int) -> None:
    # The smallest arena drops the im2col scratch (direct path); a roomy one keeps it.
    assert_matches_tflm(
        depthwise_model(**random_case(seed)), seeds=(seed,), arena_sizes=(None, ROOMY)
    )


@pytest.mark.parametrize(
    "case",
    [
        # person_detect's layers: M = 8 on one channel with stride 2, then M = 1
        {"input_shape": (1, 96, 96, 1), "multiplier": 8, "stride": (2, 2), "activation": Act.RELU6},
        {"input_shape": (1, 48, 48, 8), "activation": Act.RELU6},
        {"input_shape": (1, 6, 6, 128), "activation": Act.RELU6},
        {"input_shape": (1, 3, 3, 256), "activation": Act.RELU6},
        # tile boundaries: 64, 65, 129 channels, and a multiplier across a tile edge
        {"input_shape": (1, 4, 4, 65)},
        {"input_shape": (1, 3, 5, 129), "stride": (2, 1)},
        {"input_shape": (1, 4, 4, 22), "multiplier": 3},
        # a window wider than the image, dilated, every tap of a border pixel padded
        {"input_shape": (1, 2, 3, 5), "filter_hw": (5, 5), "dilation": (3, 2)},
        # extreme zero points
        {"input_shape": (1, 6, 6, 8), "in_q": (0.02, -128), "out_q": (0.05, 127)},
        {
            "input_shape": (1, 6, 6, 8),
            "in_q": (0.02, 127),
            "out_q": (0.05, -128),
            "activation": Act.RELU,
        },
        # no bias, per-channel scales with a multiplier
        {
            "input_shape": (2, 5, 5, 2),
            "multiplier": 2,
            "bias": False,
            "w_scales": np.array([0.01, 0.02, 0.004, 0.03]),
        },
        # a nonzero filter zero point: TFLM's int8 kernel ignores it, and so do we
        {"input_shape": (1, 5, 5, 6), "w_zp": -11},
    ],
)
def test_special_cases_match_tflm(case: dict[str, Any]) -> None:
    assert_matches_tflm(depthwise_model(**case), seeds=(0, 1))


DSP_CASES = [
    # one channel where the conv twin's first-layer path does not run (a dilated row, one
    # tap): on the tap-pair path for DSP cores
    {"input_shape": (1, 20, 20, 1), "multiplier": 8, "stride": (2, 2), "dilation": (1, 2)},
    {"input_shape": (1, 9, 7, 1), "multiplier": 4, "filter_hw": (1, 1)},
    {"input_shape": (1, 7, 7, 8), "activation": Act.RELU6},
    {"input_shape": (1, 5, 6, 132), "stride": (2, 1)},  # several tap tables per row
    {"input_shape": (1, 4, 4, 66), "multiplier": 4},  # several requantization tables
    {"input_shape": (2, 6, 5, 6), "multiplier": 2, "filter_hw": (5, 5), "dilation": (2, 1)},
    {"input_shape": (1, 6, 6, 8), "filter_hw": (2, 2), "padding": Padding.VALID},
    {"input_shape": (1, 6, 6, 8), "in_q": (0.02, 127), "out_q": (0.05, -128)},
    {"input_shape": (1, 5, 5, 4), "multiplier": 3},  # layout 2: the column path
    {"input_shape": (1, 5, 5, 4), "multiplier": 3, "stride": (2, 2)},  # layout 0: the reference
    {"input_shape": (1, 9, 4, 3), "multiplier": 2},  # layout 2, 3 channels
]


@pytest.mark.parametrize("case", DSP_CASES)
def test_dsp_programs_match_tflm(case: dict[str, Any]) -> None:
    """A Program compiled for a DSP core (filter layout 2 where the twin's column path runs,
    else 1 where its tap pairs do; one-channel layers on the depthwise kernel) gives TFLM's
    bytes on the host, where the reference kernel reads it."""
    model = depthwise_model(**case)
    it = micro.Interpreter(compile_model(load_model(model), dsp=True))
    (step,) = it.compiled.steps
    p = step.params
    # the column path: 3x3, stride 1, no dilation, rows of 3 outputs to 1,024 bytes
    window = (p["filter_height"], p["filter_width"], p["stride_height"], p["stride_width"])
    row_bytes = p["output_width"] * p["input_depth"] * p["depth_multiplier"]
    cols = window == (3, 3, 1, 1) and p["dilation_height"] == p["dilation_width"] == 1
    cols = cols and p["output_width"] >= 3 and row_bytes <= 1024
    layout = 2 if cols else int(case.get("multiplier", 1) != 3)
    assert step.kernel == "depthwise_conv_s8" and p["filter_layout"] == layout
    for seed in (0, 1):
        assert_invoke_matches_tflm(it, model, seed)


def assert_invoke_matches_tflm(it: micro.Interpreter, model: bytes, seed: int) -> None:
    """`it` (compiled from `model`) gives TFLM's output bytes on seeded random inputs."""
    inputs = random_inputs(it, seed)
    for i, x in enumerate(inputs):
        it.set_input(x, i)
    it.invoke()
    assert it.get_output(0).tobytes() == run_tflm(model, inputs, 1)[0].tobytes()


def one_channel_case(seed: int) -> dict[str, Any]:
    """A random one-channel DEPTHWISE_CONV_2D: multipliers 1..16 (all of them over the
    seeds), windows up to 5x5 with strides, dilations, both paddings, batches of 1-2,
    per-channel or per-tensor scales, any zero points and activation."""
    rng = np.random.default_rng(3000 + seed)
    return window_case(rng, random_window(rng, 12, 5), 1, seed % 16 + 1, seed)


@pytest.mark.parametrize("seed", range(48))
def test_one_channel_as_convolution_matches_tflm(seed: int) -> None:
    """A one-channel depthwise layer compiled for a DSP core becomes a CONV_2D step (O
    filters of depth 1) wherever the conv twin's first-layer path takes it: whole quads of
    filters (M a multiple of 4, at most 128), more than one tap, no horizontal dilation;
    off a DSP core always. Either way TFLM's depthwise bytes, on the host's reference
    kernels (which read the DSP Program's int16 layouts too)."""
    case = one_channel_case(seed)
    model = depthwise_model(**case)
    (fh, fw), (_, dw) = case["filter_hw"], case["dilation"]
    first = case["multiplier"] % 4 == 0 and fh * fw > 1 and dw == 1
    for dsp, arena in [(False, None), (True, None), (True, ROOMY)]:
        it = micro.Interpreter(compile_model(load_model(model), dsp=dsp, arena_budget=arena))
        (step,) = it.compiled.steps
        if not dsp or first:
            assert step.kernel == "conv_s8"
        if dsp and first and arena == ROOMY:  # the smallest arena may drop the scratch
            assert step.params["filter_layout"] == 1
        assert_invoke_matches_tflm(it, model, seed)


def test_reports_macs() -> None:
    model = depthwise_model(input_shape=(2, 6, 6, 4), multiplier=2, stride=(2, 2))
    it = micro.Interpreter.from_bytes(model)
    (step,) = it.compiled.steps
    assert step.kernel == "depthwise_conv_s8"
    assert step.macs == 2 * 3 * 3 * 8 * 3 * 3


BASE: dict[str, Any] = {"input_shape": (1, 6, 6, 4)}


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"dtype": "int32"}, UnsupportedOpError, "int32"),
        ({"dtype": "int16"}, UnsupportedOpError, "int16"),
        ({"options": {"depth_multiplier": 2}}, ModelError, "depth_multiplier"),
        ({"filter_shape": (1, 3, 3, 6)}, ModelError, "not a multiple"),
        ({"filter_shape": (2, 3, 3, 4)}, ModelError, "expected \\[1, FH, FW, O\\]"),
        ({"output_shape": (1, 6, 6, 8)}, ModelError, "output shape"),
        ({"options": {"stride_w": 0}}, ModelError, "stride"),
        ({"options": {"dilation_h_factor": 0}}, ModelError, "dilation"),
        ({"activation": Act.SIGN_BIT}, UnsupportedOpError, "fused activation"),
    ],
)
def test_errors_name_the_operator(changes: dict[str, Any], error: type, match: str) -> None:
    with pytest.raises(error, match=match) as info:
        micro.Interpreter.from_bytes(depthwise_model(**{**BASE, **changes}))
    assert "operator 0 (DEPTHWISE_CONV_2D" in str(info.value)


def test_hostile_params_are_refused_or_safe() -> None:
    model = depthwise_model(input_shape=(2, 5, 6, 3), multiplier=2, stride=(1, 2))
    assert_hostile_params_safe(model)
