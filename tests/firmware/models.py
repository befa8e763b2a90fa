"""Seeded generated models for firmware parity: chains of the ops micro supports, with
random shapes and quantization. Grows as ops land."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import test_op_add_n
import test_op_batch_matmul
import test_op_conv
import test_op_cumsum
import test_op_depthwise_conv
import test_op_detection_postprocess
import test_op_floor_div_mod
import test_op_int16x8
import test_op_l2_norm
import test_op_log_softmax
import test_op_lstm
import test_op_mean
import test_op_signal_irfft
import test_op_signal_rfft
import test_op_signal_stream
import test_op_softmax
import test_op_squared_difference_int
import test_op_svdf
import test_op_transpose_conv
from support.models import T, binary_model, one_op_model, random_quant, unary_model
from test_op_activations import prelu_int16_model
from test_op_activations_float import random_prelu, unary_float
from test_op_compare import compare_model
from test_op_conv_float import random_float_conv
from test_op_fill import fill_model
from test_op_gather_nd import gather_nd_model
from test_op_logical import all_model, logical_model
from test_op_logistic_tanh import lut_model as squash_model
from test_op_pool import pool_model, random_pool
from test_op_pool_float import random_float_pool
from test_op_rearrange import gather_model, mirror_model
from test_op_reduce_float import float_reduce_model
from test_op_resize import resize_model
from test_op_space_batch import b2s_model, s2b_model
from test_op_update_slice import dus_model

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


def new_ops_model(seed: int) -> bytes:
    """The kernels issue 14 added, each on a random (TFLM-checked) case: bilinear and nearest
    resizes, mirror pad and gather (index_copy, gather), transpose conv int8 and int16x8,
    batch matmul int8 and int16, float sqrt / rsqrt / squared difference (integer sqrt,
    soft-float on the M3)."""
    rng = np.random.default_rng(seed)
    q8 = random_quant(rng, "int8")
    floats = [
        one_op_model(op, [T((3, 5), "float32")], [T((3, 5), "float32")])
        for op in ("SQRT", "RSQRT", "NEG")
    ]
    return merged(
        [
            resize_model("RESIZE_BILINEAR", (1, 5, 7, 3), (10, 14), "int8", False, True, q8),
            resize_model(
                "RESIZE_NEAREST_NEIGHBOR",
                (2, 3, 4, 2),
                (7, 5),
                "int16",
                True,
                False,
                random_quant(rng, "int16"),
            ),
            mirror_model((3, 4, 2), np.array([[1, 2], [3, 0], [0, 0]]), 0, "int8", q8),
            gather_model((5, 3, 2), np.array([[4, 0], [2, 2]], np.int32), 0, 0, "int8", q8, True),
            test_op_transpose_conv.tconv_model(seed, "int8"),
            test_op_transpose_conv.tconv_model(seed, "int16"),
            test_op_batch_matmul.random_case(seed, "int8"),
            test_op_batch_matmul.random_case(seed, "int16"),
            *floats,
            one_op_model(
                "SQUARED_DIFFERENCE",
                [T((2, 3), "float32"), T((3,), "float32")],
                [T((2, 3), "float32")],
            ),
            one_op_model(
                "SQUARED_DIFFERENCE",
                [T((2, 3), "int8", quant=q8), T((3,), "int8", quant=q8)],
                [T((2, 3), "int8", quant=random_quant(rng, "int8"))],
            ),
            compare_model("LESS", (2, 3), (3,), "int8", rng),
            compare_model("MAXIMUM", (2, 3), (1, 3), "int16", rng, out_dtype="int16"),
            one_op_model(
                "SELECT_V2",
                [
                    T((2, 1), "bool", np.array([[True], [False]])),
                    T((3,), "int8", quant=q8),
                    T((2, 3), "int8", quant=q8),
                ],
                [T((2, 3), "int8", quant=q8)],
            ),
            test_op_int16x8.conv_model(seed),
            test_op_int16x8.conv_model(seed, depthwise=True),
            test_op_int16x8.fc_model(seed),
            random_pool("AVERAGE_POOL_2D", seed, "int16"),
            squash_model("LOGISTIC", (4, 5), 3e-4, 0, (2**-15, 0), "int16"),
            squash_model("TANH", (4, 5), 2**-12, 0, (2**-15, 0), "int16"),
        ]
    )


def quantized_ops_model(seed: int) -> bytes:
    """The integer kernels of the later operator-coverage work, each on a random
    (TFLM-checked) case: int8 DIV, int16 and int32 SQUARED_DIFFERENCE, int16 SOFTMAX, int16
    MEAN, int8 L2_NORMALIZATION and LOG_SOFTMAX, CUMSUM and ADD_N (int8 and float32), int16
    RSQRT, float32 ABS; int32 FLOOR_DIV and FLOOR_MOD (LiteRT-checked: TFLM runs float32)."""
    rng = np.random.default_rng(seed)
    q8 = [random_quant(rng, "int8") for _ in range(3)]
    q16 = [random_quant(rng, "int16", -5, -1) for _ in range(3)]
    cumsum, add_n = test_op_cumsum.cumsum_model, test_op_add_n.add_n_model
    return merged(
        [
            binary_model("DIV", (2, 3, 4), (4,), (2, 3, 4), (0.05, 3), (0.02, -5), (0.1, 2)),
            test_op_squared_difference_int.sqdiff_model(
                (3, 4), (4,), (3, 4), q16[0], q16[1], (0.5, 0), "int16"
            ),
            test_op_squared_difference_int.sqdiff_model(
                (5,), (5,), (5,), None, None, None, "int32"
            ),
            test_op_softmax.softmax_model(
                (2, 10), 0.001, 0, 1.0, ("int16", 1.0 / 32768, 0), in_dtype="int16"
            ),
            test_op_mean.reduce_model(
                "MEAN", (1, 4, 4, 3), [1, 2], True, q16[2], q16[2], dtype="int16"
            ),
            test_op_l2_norm.l2_model((3, 8), q8[0]),
            test_op_log_softmax.log_softmax_model((2, 12), (0.1, 3)),
            cumsum((2, 3, 4), 1, "int8", q8[1], (q8[1][0] * 4, 0), False, True),
            cumsum((2, 5), -1, "float32", exclusive=True),
            add_n(3, (2, 5), "int8", q8[2], (q8[2][0] * 2, 1)),
            add_n(4, (3, 2), "float32", None, None),
            unary_model("RSQRT", (2, 8), "int16", "int16", (1e-3, 0), (0.01, 0)),
            unary_model("ABS", (2, 8), "float32", "float32", None, None),
            test_op_floor_div_mod.model("FLOOR_DIV", (2, 3, 4), (4,)),
            test_op_floor_div_mod.model("FLOOR_MOD", (3, 1), (2, 1, 5)),
        ]
    )


def float_ops_model(seed: int) -> bytes:
    """The float and data-movement kernels issue 14 added, each on a TFLM-checked case whose
    random inputs are all valid (indices and start positions are constants): logical ops
    and REDUCE_ALL, FILL, float rounding, FLOOR_DIV/FLOOR_MOD, float bilinear resize, batch
    matmul and transpose conv, space/batch moves, GATHER_ND, EMBEDDING_LOOKUP,
    DYNAMIC_UPDATE_SLICE and the detection post-process (double exp, soft-float on the M4F)."""
    rng = np.random.default_rng(seed)
    f32 = [T((3, 5), "float32")]
    detection = {"max_detections": 5, "use_regular_nms": bool(seed % 2), "detections_per_class": 3}
    return merged(
        [
            logical_model("LOGICAL_AND", (2, 3), (3,)),
            logical_model("LOGICAL_OR", (2, 1, 3), (4, 1)),
            all_model((3, 4), [1], False),
            fill_model((2, 3), "float32"),
            *(one_op_model(op, f32, f32) for op in ("FLOOR", "CEIL", "ROUND")),
            *(one_op_model(op, f32 * 2, f32) for op in ("FLOOR_DIV", "FLOOR_MOD")),
            resize_model("RESIZE_BILINEAR", (1, 3, 4, 2), (7, 5), "float32", False, True),
            test_op_batch_matmul.random_case(seed, "float32"),
            test_op_transpose_conv.float_tconv_model(seed),
            s2b_model((1, 5, 4, 2), [2, 3], [1, 0, 1, 1], "int8", random_quant(rng, "int8")),
            b2s_model((6, 2, 3, 2), [2, 3], [1, 0, 0, 2], "float32"),
            gather_nd_model((3, 4, 2), (2, 2), "float32", np.array([[1, 2], [0, 3]], np.int32)),
            one_op_model(
                "EMBEDDING_LOOKUP",
                [T((4,), "int32", np.array([4, 0, 2, 2], np.int32)), T((5, 3), "float32")],
                [T((4, 3), "float32")],
            ),
            dus_model((4, 6), (2, 3), "int16", "int32", np.array([3, -1], np.int32)),
            test_op_detection_postprocess.detection_model(12, 3, detection, rng),
        ]
    )


def float_nn_model(seed: int) -> bytes:
    """The float32 network kernels (conv_f32 for CONV_2D and DEPTHWISE_CONV_2D, pool_f32's
    three pools, reduce_f32's four reductions, l2_norm_f32, the RELU, RELU6, HARD_SWISH,
    LEAKY_RELU and PRELU expressions) and int16 PRELU and RELU6, each on a TFLM-checked
    case: float sums, divisions and the integer square root, soft-float on the M3."""
    models = [
        random_float_conv("CONV_2D", seed),
        random_float_conv("DEPTHWISE_CONV_2D", seed),
        *(random_float_pool(op, seed) for op in ("AVERAGE_POOL_2D", "MAX_POOL_2D", "L2_POOL_2D")),
        *(
            float_reduce_model(op, (2, 3, 4, 5), [1, -1], keep)
            for op, keep in (("SUM", False), ("MEAN", True), ("REDUCE_MAX", False))
        ),
        float_reduce_model("REDUCE_MIN", (3, 7), [0], True),
        float_reduce_model("MEAN", (1, 5, 6, 4), [1, 2], True),
        unary_model("L2_NORMALIZATION", (3, 9), "float32", "float32", None, None),
        *(
            unary_float(op, (4, 6), alpha=-0.3)
            for op in ("RELU", "RELU6", "HARD_SWISH", "LEAKY_RELU")
        ),
        random_prelu(seed),
        prelu_int16_model(seed),
        unary_model("RELU6", (3, 5), "int16", "int16", (0.002, -40), (0.01, 0)),
    ]
    return merged(models)


def audio_ops_model(seed: int) -> bytes:
    """The audio kernels: the int16x8 LSTM, the IRFFT (int16, int32, float32), the RFFT
    (int32, float32) and the streaming signal ops, each configured so its output is ready
    on the first invocation (the runner resets the state before each input set)."""
    rng = np.random.default_rng(seed)
    stream = test_op_signal_stream
    return merged(
        [
            test_op_lstm.lstm_model(rng, 2, 3, 20, 12, time_major=True, wide=True),
            stream.framer_model((2, 12), 10, 4, True),
            stream.stacker_model(5, 2, 0, 1),
            stream.overlap_add_model((2, 3, 8), 4, np.int16),
            stream.overlap_add_model((3, 8), 2, np.float32),
            test_op_signal_irfft.irfft_model((2,), 40),
            test_op_signal_irfft.irfft_model((1,), 24, 2, np.int32),
            test_op_signal_irfft.irfft_model((2,), 30, 0, np.float32),
            test_op_signal_rfft.rfft_model((2,), 40, 40, np.int32),
            test_op_signal_rfft.rfft_model((3,), 17, 30, np.float32),
        ]
    )


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
