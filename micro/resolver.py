"""Op resolver: which prepare function handles which operator. One line per op.

Entries name a function in micro/ops ("module.function"), imported on first use.
"""

from __future__ import annotations

import importlib

from .errors import UnsupportedOpError
from .model import Operator
from .ops.base import PrepareFn
from .schema import BuiltinOperator as B

# fmt: off
BUILTINS: dict[int, str] = {
    B.FULLY_CONNECTED: "fully_connected.prepare",
    # convolutions
    B.CONV_2D: "conv.prepare",
    B.DEPTHWISE_CONV_2D: "depthwise_conv.prepare",
    B.BATCH_MATMUL: "batch_matmul.prepare",
    B.TRANSPOSE_CONV: "transpose_conv.prepare",

    # pooling, reductions, softmax, logistic, tanh
    B.AVERAGE_POOL_2D: "pooling.prepare_average",
    B.MAX_POOL_2D: "pooling.prepare_max",
    B.MEAN: "reduce.prepare_mean",
    B.SUM: "reduce.prepare_sum",
    B.REDUCE_MAX: "reduce.prepare_max",
    B.REDUCE_MIN: "reduce.prepare_min",
    B.SOFTMAX: "softmax.prepare",
    B.LOGISTIC: "logistic_tanh.prepare_logistic",
    B.TANH: "logistic_tanh.prepare_tanh",

    # activations, quantize, elementwise arithmetic
    B.ADD: "add.prepare_add",
    B.SUB: "add.prepare_sub",
    B.MUL: "mul.prepare",
    B.RELU: "activations.prepare_relu",
    B.RELU6: "activations.prepare_relu6",
    B.LEAKY_RELU: "activations.prepare_leaky_relu",
    B.HARD_SWISH: "activations.prepare_hard_swish",
    B.PRELU: "activations.prepare_prelu",
    B.QUANTIZE: "quantize.prepare_quantize",
    B.DEQUANTIZE: "quantize.prepare_dequantize",
    B.NEG: "elementwise.prepare_neg",
    B.SQUARE: "elementwise.prepare_square",
    B.SQRT: "elementwise.prepare_sqrt",
    B.RSQRT: "elementwise.prepare_rsqrt",
    B.SQUARED_DIFFERENCE: "elementwise.prepare_squared_difference",

    # data movement
    B.RESHAPE: "reshape.prepare_reshape",
    B.SQUEEZE: "reshape.prepare_squeeze",
    B.EXPAND_DIMS: "reshape.prepare_expand_dims",
    B.CONCATENATION: "concatenation.prepare",
    B.PAD: "pad.prepare",
    B.PADV2: "pad.prepare",
    B.STRIDED_SLICE: "strided_slice.prepare",
    B.TRANSPOSE: "transpose.prepare",
    B.RESIZE_NEAREST_NEIGHBOR: "resize.prepare_nearest",
    B.RESIZE_BILINEAR: "resize.prepare_bilinear",
    B.SPACE_TO_DEPTH: "rearrange.prepare_space_to_depth",
    B.DEPTH_TO_SPACE: "rearrange.prepare_depth_to_space",
    B.REVERSE_V2: "rearrange.prepare_reverse",
    B.BROADCAST_TO: "rearrange.prepare_broadcast_to",
    B.MIRROR_PAD: "rearrange.prepare_mirror_pad",
    B.GATHER: "gather.prepare",

    # recurrent and more shape ops
    B.SLICE: "slice.prepare",
    B.SPLIT: "split.prepare_split",
    B.SPLIT_V: "split.prepare_split_v",
    B.PACK: "pack.prepare_pack",
    B.UNPACK: "pack.prepare_unpack",
    B.SVDF: "svdf.prepare",
    B.UNIDIRECTIONAL_SEQUENCE_LSTM: "lstm.prepare",

    # signal builtins
    B.CAST: "cast.prepare",
    B.DIV: "elementwise.prepare_div",
    B.MINIMUM: "elementwise.prepare_minimum",
    B.MAXIMUM: "elementwise.prepare_maximum",

}

CUSTOM: dict[str, str] = {
    # signal custom ops
    "SignalWindow": "signal.window",
    "SignalFftAutoScale": "signal.fft_auto_scale",
    "SignalRfft": "signal.rfft",
    "SignalEnergy": "signal.energy",
    "SignalFilterBank": "signal.filter_bank",
    "SignalFilterBankSquareRoot": "signal.filter_bank_square_root",
    "SignalFilterBankSpectralSubtraction": "signal.filter_bank_spectral_subtraction",
    "SignalPCAN": "signal.pcan",
    "SignalFilterBankLog": "signal.filter_bank_log",

}
# fmt: on


def supported() -> list[str]:
    return sorted([B(code).name for code in BUILTINS] + list(CUSTOM))


def _load(entry: str) -> PrepareFn:
    module, function = entry.rsplit(".", 1)
    fn: PrepareFn = getattr(importlib.import_module(f"micro.ops.{module}"), function)
    return fn


def lookup(op: Operator) -> PrepareFn:
    entry = CUSTOM.get(op.custom_code) if op.custom_code else BUILTINS.get(op.builtin_code)
    if entry is None:
        raise UnsupportedOpError(
            f"operator {op.index}: {op.name} (version {op.version}) is not supported; "
            f"micro supports: {', '.join(supported())}"
        )
    return _load(entry)
