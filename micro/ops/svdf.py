"""SVDF, full integer (TFLM's int8 SVDF with an int8 or int16 activation state), and
float32 (`svdf_f32`, TFLM's float reference in its order of operations).

TFLM facts this mirrors:
  - the two effective scales, input * feature_weights / state and state * time_weights /
    output, are computed in double (the TFLM wheel, checked by probing it: TFLM's source
    reads as float32 arithmetic, but float32 here gives different bytes);
  - the state is clamped to its type after the first requantization and its zero point is
    added after the clamp (a wrapping store);
  - the integer path ignores the fused activation;
  - the bias is required and its scale must match state * time_weights within 1e-5;
  - the time weights and the state share one type (the kernel is templated on it);
  - weight zero points are not used.
"""

from __future__ import annotations

import numpy as np

from .._ffi import scratch_size
from ..fixedpoint import wrap32
from ..quant import quantize_multiplier
from ..schema import BuiltinOperator as B
from .base import OpContext, prepares


@prepares(B.SVDF, types="int8 (int8 or int16 state), float32")
def prepare(ctx: OpContext) -> None:
    ctx.check_io_count((5,))
    x, wf, wt, state, out = (
        ctx.input(0), ctx.input(1), ctx.input(2), ctx.input(4), ctx.output()
    )  # fmt: skip
    bias = ctx.optional_input(3)
    for t, name in ((x, "input"), (wf, "feature weights"), (wt, "time weights"),
                    (state, "state"), (out, "output")):  # fmt: skip
        if len(t.shape) != 2:
            raise ctx.malformed(f"the {name} must be 2-D, got shape {list(t.shape)}")
    rank = int(ctx.options["rank"])
    batches, input_size = x.shape
    filters, memory = wt.shape
    if rank < 1 or filters % rank:
        raise ctx.malformed(f"rank {rank} does not divide the {filters} filters")
    units = filters // rank
    if wf.shape != (filters, input_size):
        raise ctx.malformed(f"feature weights {list(wf.shape)} != [{filters}, {input_size}]")
    if state.shape != (batches, memory * filters):
        raise ctx.malformed(f"state {list(state.shape)} != [{batches}, {memory * filters}]")
    if out.shape != (batches, units):
        raise ctx.malformed(f"output {list(out.shape)} != [{batches}, {units}]")
    if not state.is_variable:
        raise ctx.malformed(f"the state (tensor {state.index}) is not a variable tensor")
    if x.dtype.name == "float32":
        _prepare_float(ctx, rank)
        return
    for t in (x, wf, out):
        ctx.check_dtype(t, "int8")
    ctx.check_dtype(wt, "int8", "int16")
    if state.dtype != wt.dtype:
        raise ctx.unsupported(
            f"the state is {state.dtype.name} and the time weights {wt.dtype.name}; TFLM "
            "needs one type for both"
        )
    if bias is None:
        raise ctx.unsupported("an integer SVDF needs a bias (TFLM reads its scale)")
    ctx.check_dtype(bias, "int32")
    if bias.shape != (units,):
        raise ctx.malformed(f"bias {list(bias.shape)} != [{units}]")
    weights_feature, weights_time, bias_values = ctx.value(wf), ctx.value(wt), ctx.value(bias)
    if weights_feature is None or weights_time is None or bias_values is None:
        raise ctx.unsupported("the weights and the bias must be constant")

    in_scale, in_zp = ctx.quant(x)
    wf_scale, _ = ctx.quant(wf)
    wt_scale, _ = ctx.quant(wt)
    state_scale, state_zp = ctx.quant(state)
    bias_scale, _ = ctx.quant(bias)
    out_scale, out_zp = ctx.quant(out)
    state_product = state_scale * wt_scale
    if abs(bias_scale - state_product) >= 1e-5:
        raise ctx.unsupported(
            f"bias scale {bias_scale} is not state scale * time weights scale "
            f"({state_product}) within 1e-5 (TFLM refuses it)"
        )
    feature_mult, feature_shift = quantize_multiplier(in_scale * wf_scale / state_scale)
    output_mult, output_shift = quantize_multiplier(state_product / out_scale)

    wf64 = weights_feature.astype(np.int64)
    feature_bias = -in_zp * wf64.sum(axis=1)
    time_sums = weights_time.astype(np.int64).reshape(units, rank * memory).sum(axis=1)
    folded_bias = bias_values.astype(np.int64) - state_zp * time_sums
    params = {
        "batches": batches,
        "input_size": input_size,
        "input_padded": -(-input_size // 16) * 16,
        "units": units,
        "rank": rank,
        "memory": memory,
        "state_bytes": state.dtype.itemsize,
        "state_zp": state_zp,
        "feature_multiplier": feature_mult,
        "feature_shift": feature_shift,
        "output_multiplier": output_mult,
        "output_shift": output_shift,
        "output_zp": out_zp,
    }
    operands = {
        "input": ctx.ref(x),
        "weights_feature": ctx.const(_padded(weights_feature)),
        "feature_bias": ctx.const(wrap32(feature_bias).astype(np.int32)),
        "weights_time": ctx.ref(wt),
        "bias": ctx.const(wrap32(folded_bias).astype(np.int32)),
        "state": ctx.ref(state),
        "output": ctx.ref(out),
        "scratch": ctx.scratch(scratch_size("svdf_s8", params)),
    }
    macs = batches * filters * (input_size + memory)
    ctx.emit("svdf_s8", params, operands, macs)


FLOAT_ACTIVATIONS = (
    0,
    1,
    2,
    3,
    5,
)  # MICRO_SVDF_F32_ACT_*: NONE, RELU, RELU_N1_TO_1, RELU6, SIGN_BIT


def _prepare_float(ctx: OpContext, rank: int) -> None:
    x, wf, wt, state, out = (
        ctx.input(0), ctx.input(1), ctx.input(2), ctx.input(4), ctx.output()
    )  # fmt: skip
    bias = ctx.optional_input(3)
    for t in (wf, wt, state, out, *([bias] if bias is not None else [])):
        ctx.check_dtype(t, "float32")
    filters, memory = wt.shape
    if bias is not None and bias.shape != (filters // rank,):
        raise ctx.malformed(f"bias {list(bias.shape)} != [{filters // rank}]")
    activation = int(ctx.options["fused_activation_function"])
    if activation not in FLOAT_ACTIVATIONS:
        raise ctx.unsupported(
            f"fused activation {activation}: TANH needs libm's tanhf (see `micro ops`)"
        )
    params = {
        "batches": x.shape[0],
        "input_size": x.shape[1],
        "filters": filters,
        "rank": rank,
        "memory": memory,
        "activation": activation,
    }
    operands = {
        "input": ctx.ref(x),
        "weights_feature": ctx.ref(wf),
        "weights_time": ctx.ref(wt),
        "bias": ctx.ref(bias),
        "state": ctx.ref(state),
        "output": ctx.ref(out),
        "scratch": ctx.scratch(scratch_size("svdf_f32", params)),
    }
    ctx.emit("svdf_f32", params, operands, x.shape[0] * filters * (x.shape[1] + memory))


def _padded(weights: np.ndarray) -> np.ndarray:
    """[F, I] int8 weights zero-padded to [F rounded up to 4, I rounded up to 16]."""
    rows, cols = weights.shape
    return np.pad(weights, ((0, -rows % 4), (0, -cols % 16)))
