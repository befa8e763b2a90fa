"""Seeded generated models for firmware parity: chains of the ops micro supports, with
random shapes and quantization. Grows as ops land."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import test_op_conv
import test_op_depthwise_conv
import test_op_lstm
import test_op_svdf

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
}
