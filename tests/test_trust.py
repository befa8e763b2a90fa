"""The trust boundary on the Python side (issue 11): models whose arithmetic or dataflow is
undefined are refused with a ModelError naming the place; API misuse is a MicroError, checked
before anything is allocated; extreme but representable scales stay bit-exact with TFLM."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support import sanitized
from support.models import T, one_op_model
from support.oracle import assert_matches_tflm, run_sanitized

import micro
from micro.compiler import compile_model
from micro.model import load_model
from micro.writer import ModelBuilder


def _fc_model(in_scale: float, w_scale: float, out_scale: float, bias: int = 0) -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 16), "int8", scale=in_scale, zero_point=0)
    w = b.add_tensor("w", (4, 16), "int8", data=np.full((4, 16), 127, np.int8), scale=w_scale)
    bias_t = b.add_tensor(
        "b", (4,), "int32", data=np.full(4, bias, np.int32), scale=in_scale * w_scale
    )
    y = b.add_tensor("y", (1, 4), "int8", scale=out_scale, zero_point=100)
    b.add_operator("FULLY_CONNECTED", [x, w, bias_t], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


@pytest.mark.parametrize("out_scale", [1e-20, 1e-45, 1e-38])
def test_rescale_beyond_tflm_requantization_is_refused(out_scale: float) -> None:
    with pytest.raises(micro.ModelError, match=r"operator 0 .*rescale .* 2\^30"):
        compile_model(load_model(_fc_model(1.0, 1.0, out_scale)))


@pytest.mark.parametrize(
    ("scales", "bias"),
    [((1.0, 1.0, 2.0**-29), 0), ((3.4e38, 1e-30, 1e9), 2**31 - 1000), ((1e-20, 1e-20, 1.0), 0)],
)
def test_extreme_representable_scales_match_tflm(
    scales: tuple[float, float, float], bias: int
) -> None:
    """Requantized values next to INT32_MAX plus the zero point, and a bias add near the
    int32 limit: the sums wrap as TFLM's do (the sanitized build checks they are defined)."""
    model = _fc_model(*scales, bias=bias)
    for x in (np.full((1, 16), 127, np.int8), np.full((1, 16), -128, np.int8)):
        assert_matches_tflm(model, inputs=[x])
        if sanitized.enabled():  # UBSan: the adds are defined, the bytes the same
            it = micro.Interpreter.from_bytes(model)
            it.set_input(x, 0)
            it.invoke()
            assert np.array_equal(run_sanitized(it, [x])[0], it.get_output(0))


def test_fc_bias_of_the_wrong_length_is_a_model_error() -> None:
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 8), "int8", scale=0.1, zero_point=0)
    w = b.add_tensor("w", (4, 8), "int8", data=np.ones((4, 8), np.int8), scale=0.1)
    bias = b.add_tensor("b", (3,), "int32", data=np.ones(3, np.int32), scale=0.01)
    y = b.add_tensor("y", (1, 4), "int8", scale=0.1, zero_point=0)
    b.add_operator("FULLY_CONNECTED", [x, w, bias], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    with pytest.raises(micro.ModelError, match=r"operator 0 .*bias has 3 values, expected 4"):
        compile_model(load_model(b.build()))


def _relu_chain(read_unwritten: bool, output_unwritten: bool) -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 8), "int8", scale=0.1, zero_point=0)
    orphan = b.add_tensor("orphan", (1, 8), "int8", scale=0.1, zero_point=0)
    y = b.add_tensor("y", (1, 8), "int8", scale=0.1, zero_point=0)
    never = b.add_tensor("never", (1, 8), "int8", scale=0.1, zero_point=0)
    b.add_operator("ADD", [x, orphan if read_unwritten else x], [y])
    b.set_inputs([x])
    b.set_outputs([y, never] if output_unwritten else [y])
    return b.build()


def test_reading_a_tensor_nothing_wrote_is_refused() -> None:
    with pytest.raises(micro.ModelError, match=r"operator 0 \(ADD\) reads tensor 1 \('orphan'\)"):
        compile_model(load_model(_relu_chain(True, False)))


def test_an_output_nothing_writes_is_refused() -> None:
    with pytest.raises(micro.ModelError, match=r"graph output tensor 3 \('never'\) is never"):
        compile_model(load_model(_relu_chain(False, True)))
    compile_model(load_model(_relu_chain(False, False)))  # the well-formed twin compiles


def test_pooling_without_its_options_table_is_a_micro_error() -> None:
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 4, 4, 1), "int8", scale=0.1, zero_point=0)
    y = b.add_tensor("y", (1, 2, 2, 1), "int8", scale=0.1, zero_point=0)
    b.add_operator("AVERAGE_POOL_2D", [x], [y])  # no Pool2DOptions: every field reads 0
    b.set_inputs([x])
    b.set_outputs([y])
    model = load_model(b.build())
    assert model.subgraphs[0].operators[0].options["filter_height"] == 0
    with pytest.raises(micro.MicroError, match="operator 0"):
        compile_model(model)


def test_arena_budget_is_checked_before_allocating(reference: Callable[[str], Path]) -> None:
    path = reference("tflm/hello_world/hello_world_int8.tflite")
    for bad in (2**32, 2**40, -1):
        with pytest.raises(micro.InputError, match=f"arena_size {bad} is outside"):
            micro.Interpreter.from_file(path, arena_size=bad)
    with pytest.raises(micro.InputError, match="must be an int"):
        micro.Interpreter.from_file(path, arena_size="4096")  # type: ignore[arg-type]
    compiled = compile_model(load_model(path))
    with pytest.raises(micro.InputError, match="outside"):
        micro.Interpreter(compiled, 2**32)


def test_ragged_input_is_an_input_error(reference: Callable[[str], Path]) -> None:
    it = micro.Interpreter.from_file(reference("tflm/hello_world/hello_world_int8.tflite"))
    with pytest.raises(micro.InputError, match=r"input 0 .* is not an array"):
        it.set_input([[1, 2], [3]], 0)


@pytest.mark.parametrize(
    "rel",
    [
        "tflm/hello_world/hello_world_int8.tflite",
        "tflm/micro_speech/micro_speech_quantized.tflite",
        "mlperf_tiny/ad01_int8.tflite",
    ],
)
def test_inputs_survive_invoke_only_when_kept(rel: str, reference: Callable[[str], Path]) -> None:
    """As in TFLM, the default plan reuses an input's bytes after its last reader (so a
    second invoke without set_input differs); keep_inputs=True keeps them intact."""
    path = reference(rel)
    default = micro.Interpreter.from_file(path)
    kept = micro.Interpreter.from_file(path, keep_inputs=True)
    d = default.get_input_details(0)
    x = np.random.default_rng(0).integers(-128, 128, d["shape"]).astype(d["dtype"])
    outputs = []
    for it in (default, kept):
        it.set_input(x, 0)
        it.invoke()
        first = it.get_output(0)
        it.invoke()
        outputs.append((first, it.get_output(0)))
    assert np.array_equal(outputs[0][0], outputs[1][0])  # same first result either way
    assert not np.array_equal(*outputs[0])  # the default plan consumed the input
    assert np.array_equal(*outputs[1])  # the kept input gives the same result again
    assert kept.arena_used_bytes() >= default.arena_used_bytes()


def test_an_operator_writing_what_it_reads_is_refused() -> None:
    """Found by the model fuzzer: ADD writing its own input compiled, and the runtime
    refused the overlapping step. Outputs must be new tensors (TFLite graphs are SSA)."""
    b = ModelBuilder()
    x1 = b.add_tensor("x1", (1, 8), "int8", scale=0.1, zero_point=0)
    x2 = b.add_tensor("x2", (1, 8), "int8", scale=0.1, zero_point=0)
    b.add_operator("ADD", [x1, x2], [x2])
    b.set_inputs([x1, x2])
    b.set_outputs([x2])
    with pytest.raises(micro.ModelError, match=r"operator 0 \(ADD\) writes tensor 1 .* new"):
        compile_model(load_model(b.build()))


def test_a_step_the_runtime_refuses_is_a_model_error_naming_the_operator() -> None:
    """Found by the model fuzzer: a dilation of 2^31 - 1 compiled; micro_init refused the
    step. The interpreter reports it as the model's fault, at the operator."""
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 5, 5, 2), "int8", scale=0.1, zero_point=0)
    w = b.add_tensor("w", (1, 3, 3, 2), "int8", data=np.ones((1, 3, 3, 2), np.int8), scale=0.1)
    y = b.add_tensor("y", (1, 5, 5, 2), "int8", scale=0.1, zero_point=0)
    options = {"padding": 0, "stride_w": 1, "stride_h": 1, "depth_multiplier": 1}
    options |= {"dilation_w_factor": 2**31 - 1, "dilation_h_factor": 1}
    b.add_operator("DEPTHWISE_CONV_2D", [x, w], [y], options)
    b.set_inputs([x])
    b.set_outputs([y])
    with pytest.raises(micro.ModelError, match=r"operator 0 \(DEPTHWISE_CONV_2D\): the runtime"):
        micro.Interpreter.from_bytes(b.build())


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
def test_a_padding_beyond_32_bits_is_a_model_error_naming_the_field(op: str) -> None:
    """Found by the long model campaign: SAME padding with a dilation of 2^31 - 1 and stride
    2 gives a padding above 2^32; packing the kernel's params raised cffi's OverflowError."""
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 6, 6, 2), "int8", scale=0.1, zero_point=0)
    wshape = (2, 3, 5, 2) if op == "CONV_2D" else (1, 3, 5, 2)
    w = b.add_tensor("w", wshape, "int8", data=np.ones(wshape, np.int8), scale=0.1)
    y = b.add_tensor("y", (1, 3, 3, 2), "int8", scale=0.1, zero_point=0)
    options = {"padding": 0, "stride_w": 2, "stride_h": 2, "dilation_h_factor": 1}
    options |= {"dilation_w_factor": 2**31 - 1}
    if op == "DEPTHWISE_CONV_2D":
        options["depth_multiplier"] = 1
    b.add_operator(op, [x, w], [y], options)
    b.set_inputs([x])
    b.set_outputs([y])
    with pytest.raises(micro.ModelError, match=rf"operator 0 \({op} v1\).*pad_left = \d+ does not"):
        compile_model(load_model(b.build()))


def test_a_reshape_onto_its_own_input_is_refused_not_a_hang() -> None:
    """Found by the model fuzzer: RESHAPE writing its input made an alias cycle, and the
    compiler looped forever looking for the buffer's root."""
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 8), "int8", scale=0.1, zero_point=0)
    shape = b.add_tensor("shape", (2,), "int32", data=np.array([1, 8], np.int32))
    b.add_operator("RESHAPE", [x, shape], [x])
    b.set_inputs([x])
    b.set_outputs([x])
    with pytest.raises(micro.ModelError, match=r"operator 0 .*would be its own alias"):
        compile_model(load_model(b.build()))


def _q8(shape: tuple[int, ...], scale: float = 0.5, name: str | None = None) -> T:
    return T(shape, "int8", quant=(scale, 0), name=name)


def _axes(values: list[int]) -> T:
    return T((len(values),), "int32", data=np.array(values, np.int32), name="axes")


ZERO_DIVISORS = {
    "MEAN over an empty axis": (
        lambda: one_op_model("MEAN", [_q8((1, 0, 4), name="x"), _axes([1])], [_q8((1, 4))]),
        r"operator 0 \(MEAN v1\): MEAN over axis 1 of input 0 \('x'\), shape \(1, 0, 4\), "
        r"whose size is 0: the mean divides by zero",
    ),
    "a zero output scale": (
        lambda: one_op_model(
            "FULLY_CONNECTED",
            [_q8((1, 4)), T((2, 4), "int8", np.ones((2, 4), np.int8), (0.1, 0))],
            [_q8((1, 2), scale=0.0, name="y")],
        ),
        r"operator 0 \(FULLY_CONNECTED v1\): tensor 2 \('y'\) has scale 0; its requantization "
        r"divides by the scale: division by zero",
    ),
    "a zero stride": (
        lambda: one_op_model(
            "AVERAGE_POOL_2D",
            [_q8((1, 4, 4, 1))],
            [_q8((1, 4, 4, 1))],
            {"padding": 0, "stride_w": 1, "stride_h": 0, "filter_width": 1, "filter_height": 1},
        ),
        r"operator 0 \(AVERAGE_POOL_2D v1\): .*height: stride 0: the output size divides by "
        r"the stride \(division by zero\)",
    ),
    "an empty pooling window": (
        lambda: one_op_model(
            "AVERAGE_POOL_2D",
            [_q8((1, 4, 4, 1))],
            [_q8((1, 4, 4, 1))],
            {"padding": 0, "stride_w": 1, "stride_h": 1, "filter_width": 0, "filter_height": 1},
        ),
        r"width: filter size 0: an empty window \(an average over it divides by zero\)",
    ),
    "FULLY_CONNECTED weights of depth 0": (
        lambda: one_op_model(
            "FULLY_CONNECTED",
            [_q8((1, 0)), T((2, 0), "int8", np.ones((2, 0), np.int8), (0.1, 0), name="w")],
            [_q8((1, 2))],
        ),
        r"weights, input 1 \('w'\), have depth 0 .*\(division by zero\)",
    ),
}


@pytest.mark.parametrize("case", ZERO_DIVISORS)
def test_a_division_by_zero_in_a_model_names_the_operator_and_operand(case: str) -> None:
    build, message = ZERO_DIVISORS[case]
    with pytest.raises(micro.ModelError, match=message):
        compile_model(load_model(build()))


HUGE = (1, 70000, 70000)  # 4.9e9 elements: offsets and sizes past what 32 bits address
HUGE_MODELS = {
    "RELU": lambda: one_op_model("RELU", [_q8(HUGE)], [_q8(HUGE)]),
    "int32 ADD": lambda: one_op_model(
        "ADD", [T(HUGE, "int32"), T(HUGE, "int32")], [T(HUGE, "int32")]
    ),
    "MEAN": lambda: one_op_model("MEAN", [_q8(HUGE), _axes([1])], [_q8((1, 70000))]),
    "CONCATENATION": lambda: one_op_model(
        "CONCATENATION", [_q8(HUGE), _q8(HUGE)], [_q8((2, 70000, 70000))], {"axis": 0}
    ),
    "RESHAPE": lambda: one_op_model(
        "RESHAPE",
        [_q8(HUGE), T((2,), "int32", np.array([70000, 70000], np.int32))],
        [_q8((70000, 70000))],
    ),
}


@pytest.mark.parametrize("case", HUGE_MODELS)
def test_shapes_past_the_program_format_are_a_model_error(case: str) -> None:
    """The Program addresses 2^31 - 1 bytes of arena and of data: larger shapes are refused
    at their operator (or, for an alias, the whole plan), never a struct or cffi error."""
    with pytest.raises(
        micro.ModelError,
        match=r"(operator 0|Program format).* 2,147,483,647 B|"
        r"operator 0 .*does not fit",
    ):
        compile_model(load_model(HUGE_MODELS[case]()))


def _conv_model(op: str, in_scale: float, w_scale: float, out_scale: float, bias: int) -> bytes:
    """A 3x3x2 input, 1x1 filters of 127 (2 output channels), output zero point 100."""
    depthwise = op == "DEPTHWISE_CONV_2D"
    w_shape = (1, 1, 1, 2) if depthwise else (2, 1, 1, 2)
    options = {"padding": 1, "stride_w": 1, "stride_h": 1}
    options |= {"depth_multiplier": 1} if depthwise else {}
    return one_op_model(
        op,
        [
            T((1, 3, 3, 2), "int8", quant=(in_scale, 0)),
            T(w_shape, "int8", np.full(w_shape, 127, np.int8), (w_scale, 0)),
            T((2,), "int32", np.full(2, bias, np.int32), (in_scale * w_scale, 0)),
        ],
        [T((1, 3, 3, 2), "int8", quant=(out_scale, 100))],
        options,
    )


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
def test_conv_rescale_beyond_tflm_requantization_is_refused(op: str) -> None:
    with pytest.raises(micro.ModelError, match=rf"operator 0 \({op}.*rescale .* 2\^30"):
        compile_model(load_model(_conv_model(op, 1.0, 1.0, 1e-20, 0)))


@pytest.mark.parametrize("op", ["CONV_2D", "DEPTHWISE_CONV_2D"])
@pytest.mark.parametrize(
    ("scales", "bias"),
    [((1.0, 1.0, 2.0**-29), 0), ((3.4e38, 1e-30, 1e9), 2**31 - 1000), ((1e-20, 1e-20, 1.0), 0)],
)
def test_conv_extreme_representable_scales_match_tflm(
    op: str, scales: tuple[float, float, float], bias: int
) -> None:
    """As FULLY_CONNECTED's: requantized sums next to INT32_MAX plus the output zero point,
    and biases near the int32 limit, give TFLM's bytes (and, sanitized, no UBSan report)."""
    model = _conv_model(op, *scales, bias=bias)
    for x in (np.full((1, 3, 3, 2), 127, np.int8), np.full((1, 3, 3, 2), -128, np.int8)):
        assert_matches_tflm(model, inputs=[x])
        if sanitized.enabled():
            it = micro.Interpreter.from_bytes(model)
            it.set_input(x, 0)
            it.invoke()
            assert np.array_equal(run_sanitized(it, [x])[0], it.get_output(0))
