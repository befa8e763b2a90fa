"""Seeded generated models for firmware parity: chains of the ops micro supports, with
random shapes and quantization, and `merged`, which runs several models side by side in one
(the per-group merges: op_sets.py). Grows as ops land."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import test_op_batch_matmul
import test_op_conv
import test_op_depthwise_conv
import test_op_lstm
import test_op_svdf
from support.models import binary_model, random_quant
from test_op_pool import pool_model

import micro
from micro.schema import ActivationFunctionType as Act
from micro.schema import Padding
from micro.writer import ModelBuilder


def fully_connected_chain(seed: int) -> bytes:
    """1-3 int8 FULLY_CONNECTED layers, random depths, batches, quantization, activation."""
    rng = np.random.default_rng(seed)
    b = ModelBuilder()
    batches = int(rng.integers(1, 4))
    depth = int(rng.integers(1, 65))
    scale = float(rng.uniform(0.005, 0.1))
    zp = int(rng.integers(-128, 128))
    x = b.add_tensor("input", (batches, depth), np.int8, scale=scale, zero_point=zp)
    first = x
    for layer in range(int(rng.integers(1, 4))):
        units = int(rng.integers(1, 65))
        w_scale = float(rng.uniform(0.002, 0.05))
        w = b.add_tensor(
            f"w{layer}",
            (units, depth),
            np.int8,
            data=rng.integers(-127, 128, (units, depth), dtype=np.int8),
            scale=w_scale,
        )
        bias = b.add_tensor(
            f"b{layer}",
            (units,),
            np.int32,
            data=rng.integers(-5000, 5000, units, dtype=np.int32),
            scale=scale * w_scale,
        )
        scale = float(scale * w_scale * np.sqrt(depth) * rng.uniform(1, 8))
        zp = int(rng.integers(-128, 128))
        y = b.add_tensor(f"y{layer}", (batches, units), np.int8, scale=scale, zero_point=zp)
        activation = str(rng.choice(["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]))
        b.add_operator(
            "FULLY_CONNECTED", [x, w, bias], [y], {"fused_activation_function": activation}
        )
        x, depth = y, units
    b.set_inputs([first])
    b.set_outputs([x])
    return b.build()


# Op kind -> seeded model. The single-op generators are the op tests' own (TFLM-checked).
GENERATED: dict[str, Callable[[int], bytes]] = {
    "fully_connected": fully_connected_chain,
    "conv_2d": lambda seed: test_op_conv.conv_model(**test_op_conv.random_case(seed)),
    "depthwise_conv_2d": lambda seed: test_op_depthwise_conv.depthwise_model(
        **test_op_depthwise_conv.random_case(seed)
    ),
    "svdf": lambda seed: test_op_svdf.random_model(seed)[0],
    "lstm": test_op_lstm.random_model,
    "add_pool": lambda seed: add_pool_model(seed),
}


def merged(models: list[bytes]) -> bytes:
    """One model running the given one-subgraph models side by side: their inputs, in order,
    then their outputs; one firmware build covers every kernel they use."""
    b = ModelBuilder()
    inputs: list[int] = []
    outputs: list[int] = []
    for data in models:
        (graph,) = micro.load_model(data).subgraphs
        index: dict[int, int] = {}
        for t in graph.tensors:
            q = t.quant
            index[t.index] = b.add_tensor(
                f"m{len(inputs)}_{t.name}",
                t.shape,
                t.type,
                data=t.data,
                scale=None if q is None else q.scale,
                zero_point=None if q is None else q.zero_point,
                quantized_dimension=0 if q is None else q.quantized_dimension,
                is_variable=t.is_variable,
            )
        for op in graph.operators:
            b.add_operator(
                op.builtin_code,
                [index[i] if i >= 0 else -1 for i in op.inputs],
                [index[o] for o in op.outputs],
                op.options,
                version=op.version,
                custom_code=op.custom_code or None,
                custom_options=op.custom_options,
            )
        inputs += [index[i] for i in graph.inputs]
        outputs += [index[o] for o in graph.outputs]
    b.set_inputs(inputs)
    b.set_outputs(outputs)
    return b.build()


def add_pool_model(seed: int) -> bytes:
    """int8 ADD, SUB, AVERAGE_POOL_2D and MAX_POOL_2D on dense tensors with a multiple of
    4 channels (what their DSP twins' word paths take), random quantization, activation,
    windows and padding."""
    rng = np.random.default_rng(seed)
    shape = (1, int(rng.integers(2, 9)), int(rng.integers(2, 9)), 4 * int(rng.integers(1, 17)))
    act = int(rng.choice([Act.NONE, Act.RELU]))
    binary = [
        binary_model(op, shape, shape, shape, *(random_quant(rng) for _ in range(3)), act)
        for op in ("ADD", "SUB")
    ]
    pools = [
        pool_model(
            op,
            shape,
            (int(rng.integers(1, 4)), int(rng.integers(1, 4))),
            (int(rng.integers(1, 3)), int(rng.integers(1, 3))),
            int(rng.choice([Padding.SAME, Padding.VALID])),
            act,
            float(np.exp(rng.uniform(np.log(1e-3), 0.0))),
            int(rng.integers(-128, 128)),
        )
        for op in ("AVERAGE_POOL_2D", "MAX_POOL_2D")
    ]
    return merged(binary + pools)


def _q8(rng: np.random.Generator, n: int = 1) -> np.ndarray:
    return (10 ** rng.uniform(-2.5, -1.5, n)).astype(np.float32)


def twins_model(seed: int) -> bytes:
    """Layer sizes of real models for the DSP twins (and their instructions per MAC): a
    decoder's int8 TRANSPOSE_CONV (8x8x32 to 16x16x16, 3x3, stride 2), an attention head's
    int8 BATCH_MATMULs (Q x K^T and scores x V, 32 x 32 x 32), an int16x8 CONV_2D (16x16x16,
    3x3, 16 filters) and FULLY_CONNECTED (256 to 64, 4 rows), quantized per channel."""
    rng = np.random.default_rng(seed)
    parts = []
    b = ModelBuilder()
    w_scale = _q8(rng, 16)
    weights = rng.integers(-127, 128, (16, 3, 3, 32)).astype(np.int8)
    shape = b.add_tensor("shape", (4,), "int32", data=np.array([1, 16, 16, 16], np.int32))
    wt = b.add_tensor(
        "w", weights.shape, "int8", data=weights, scale=w_scale,
        zero_point=np.zeros(16, np.int64), quantized_dimension=0,
    )  # fmt: skip
    x = b.add_tensor("x", (1, 8, 8, 32), "int8", scale=0.02, zero_point=-3)
    y = b.add_tensor("y", (1, 16, 16, 16), "int8", scale=0.5, zero_point=5)
    b.add_operator("TRANSPOSE_CONV", [shape, wt, x], [y], {"padding": 0, "stride_h": 2,
                                                         "stride_w": 2})  # fmt: skip
    b.set_inputs([x])
    b.set_outputs([y])
    parts.append(b.build())
    for adj_y in (True, False):
        quants = [(0.05, -7), (0.04, 11), (0.05 * 0.04 * 110 * np.sqrt(32), 2)]
        parts.append(
            test_op_batch_matmul.bmm_model(
                (1, 32, 32), (1, 32, 32), (1, 32, 32), "int8", False, adj_y, quants
            )
        )
    for fc in (False, True):
        b = ModelBuilder()
        n_out = 64 if fc else 16
        wshape = (64, 256) if fc else (16, 3, 3, 16)
        w_scale = _q8(rng, n_out)
        wt = b.add_tensor(
            "w", wshape, "int8", data=rng.integers(-127, 128, wshape).astype(np.int8),
            scale=w_scale, zero_point=np.zeros(n_out, np.int64),
        )  # fmt: skip
        taps = 256 if fc else 144
        out_scale = 1e-3 * float(w_scale.mean()) * 32768 * 64 * np.sqrt(taps) / 12000
        x = b.add_tensor("x", (4, 256) if fc else (1, 16, 16, 16), "int16", scale=1e-3,
                         zero_point=0)  # fmt: skip
        y = b.add_tensor("y", (4, 64) if fc else (1, 16, 16, 16), "int16", scale=out_scale,
                         zero_point=0)  # fmt: skip
        bias = b.add_tensor(
            "bias", (n_out,), "int64", data=rng.integers(-(1 << 20), 1 << 20, n_out),
            scale=1e-3 * w_scale.astype(np.float64), zero_point=np.zeros(n_out, np.int64),
        )  # fmt: skip
        options = {"fused_activation_function": 0}
        if not fc:
            options.update(padding=0, stride_h=1, stride_w=1)
        b.add_operator("FULLY_CONNECTED" if fc else "CONV_2D", [x, wt, bias], [y], options)
        b.set_inputs([x])
        b.set_outputs([y])
        parts.append(b.build())
    return merged(parts)
