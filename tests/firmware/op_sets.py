"""Seeded merged models for firmware parity, one per group of kernels added together: each
op on a random (TFLM-checked) case from its own test module, merged into one model so one
firmware build covers the group."""

from __future__ import annotations

import numpy as np
import test_op_add_n
import test_op_batch_matmul
import test_op_cumsum
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
import test_op_transpose_conv
from models import merged
from support.models import T, binary_model, one_op_model, random_quant, unary_model
from test_op_activations import prelu_int16_model
from test_op_activations_float import random_prelu, unary_float
from test_op_compare import compare_model
from test_op_conv_float import random_float_conv
from test_op_fill import fill_model
from test_op_gather_nd import gather_nd_model
from test_op_logical import all_model, logical_model
from test_op_logistic_tanh import lut_model as squash_model
from test_op_pool import random_pool
from test_op_pool_float import random_float_pool
from test_op_rearrange import gather_model, mirror_model
from test_op_reduce_float import float_reduce_model
from test_op_resize import resize_model
from test_op_space_batch import b2s_model, s2b_model
from test_op_update_slice import dus_model


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
