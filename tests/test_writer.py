"""The .tflite writer: small models the real runtimes accept and run alike, shared opcodes,
alignment, the buffer-offset layout and argument checking (round trips of every options
table, random and reference models: test_writer_round_trip.py)."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support.compare import random_inputs, same_model
from support.oracle import litert_schema, run_litert, run_tflm
from test_model import _check_against_oracle

from micro import schema
from micro.model import load_model
from micro.rewrite import rewrite_model
from micro.schema import BuiltinOperator, TensorType
from micro.writer import ModelBuilder

Reference = Callable[[str], Path]


# -- small models, run by both runtimes --------------------------------------------------


def fully_connected_model(rng: np.random.Generator) -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x", [2, 16], "int8", scale=0.05, zero_point=-3)
    w = b.add_tensor("w", [8, 16], np.int8, data=rng.integers(-127, 128, (8, 16)), scale=0.02)
    bias = b.add_tensor("b", [8], TensorType.INT32, data=rng.integers(-2000, 2000, 8), scale=1e-3)
    y = b.add_tensor("y", [2, 8], "int8", scale=0.1, zero_point=2)
    b.add_operator("FULLY_CONNECTED", [x, w, bias], [y], {"fused_activation_function": "RELU"})
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def conv_per_channel_model(rng: np.random.Generator) -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x", [1, 9, 9, 3], "int8", scale=0.05, zero_point=-3)
    scales = rng.uniform(0.005, 0.02, 4)
    w = b.add_tensor(
        "w",
        [4, 3, 3, 3],
        "int8",
        data=rng.integers(-127, 128, (4, 3, 3, 3)),
        scale=scales,
        zero_point=[0] * 4,
    )
    bias = b.add_tensor("b", [4], "int32", data=rng.integers(-2000, 2000, 4), scale=0.05 * scales)
    y = b.add_tensor("y", [1, 5, 5, 4], "int8", scale=0.1, zero_point=2)
    options = {"padding": "SAME", "stride_w": 2, "stride_h": 2, "fused_activation_function": 3}
    b.add_operator(BuiltinOperator.CONV_2D, [x, w, bias], [y], options, version=3)
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def add_model(rng: np.random.Generator) -> bytes:
    b = ModelBuilder()
    x1 = b.add_tensor("x1", [1, 4, 4, 2], "int8", scale=0.05, zero_point=-3)
    x2 = b.add_tensor("x2", [1, 4, 4, 2], "int8", scale=0.03, zero_point=5)
    y = b.add_tensor("y", [1, 4, 4, 2], "int8", scale=0.07, zero_point=1)
    b.add_operator("add", [x1, x2], [y])
    b.set_inputs([x1, x2])
    b.set_outputs([y])
    return b.build()


@pytest.mark.parametrize("make", [fully_connected_model, conv_per_channel_model, add_model])
def test_tflm_and_litert_agree_on_written_models(make: Callable[..., bytes]) -> None:
    data = make(np.random.default_rng(7))
    model = load_model(data)
    _check_against_oracle(model, data)
    for seed in range(3):
        inputs = random_inputs(model, seed)
        tflm = run_tflm(data, inputs, 1)[0]
        assert np.array_equal(tflm, run_litert(data, inputs)[0])
        assert len(np.unique(tflm)) > 2  # not saturated: the comparison means something


def test_round_trip_small_model() -> None:
    data = fully_connected_model(np.random.default_rng(0))
    model = load_model(data)
    assert model.description == "micro" and model.version == 3
    assert model.buffers[0] == b"" and len(model.buffers) == 3
    (graph,) = model.subgraphs
    assert [t.name for t in graph.tensors] == ["x", "w", "b", "y"]
    x, w, bias, _ = graph.tensors
    assert x.shape == (1 * 2, 16) and x.type == TensorType.INT8 and x.data is None
    assert x.quant is not None and x.quant.scale.tolist() == [np.float32(0.05)]
    assert x.quant.zero_point.tolist() == [-3]
    assert w.data is not None and w.data.dtype == np.int8 and w.buffer == 1
    assert bias.type == TensorType.INT32 and bias.data is not None and bias.data.shape == (8,)
    (op,) = graph.operators
    assert op.name == "FULLY_CONNECTED" and op.version == 1 and op.inputs == (0, 1, 2)
    assert op.options["fused_activation_function"] == schema.ActivationFunctionType.RELU
    assert op.options["keep_num_dims"] is False
    assert (graph.inputs, graph.outputs) == ((0,), (3,))


def test_opcodes_are_shared_and_codes_written_both_ways() -> None:
    b = ModelBuilder()
    t = [b.add_tensor(f"t{i}", [2], "float32") for i in range(3)]
    b.add_operator("ADD", [t[0], t[1]], [t[2]])
    b.add_operator("ADD", [t[2], t[1]], [t[0]])
    b.add_operator("ADD", [t[2], t[1]], [t[0]], version=2)
    b.add_operator("GELU", [t[0]], [t[1]], {"approximate": True})
    b.add_operator("CUSTOM", [t[0]], [t[1]], custom_code="Mine", custom_options=b"\x01\x02")
    b.add_operator("CUSTOM", [t[1]], [t[2]], custom_code="Mine")
    b.add_operator("CUSTOM", [t[1]], [t[2]], custom_code="Other")
    data = b.build()
    model = load_model(data)
    assert [(c.name, c.version) for c in model.opcodes] == [
        ("ADD", 1),
        ("ADD", 2),
        ("GELU", 1),
        ("Mine", 1),
        ("Other", 1),
    ]
    assert [op.opcode_index for op in model.subgraphs[0].operators] == [0, 0, 1, 2, 3, 3, 4]
    assert model.subgraphs[0].operators[4].custom_options == b"\x01\x02"
    oracle = litert_schema()
    codes = oracle.ModelT.InitFromPackedBuf(data, 0).operatorCodes
    assert [(c.deprecatedBuiltinCode, c.builtinCode) for c in codes] == [
        (0, 0),
        (0, 0),
        (127, 150),
        (32, 32),
        (32, 32),
    ]


def test_alignment() -> None:
    rng = np.random.default_rng(3)
    b = ModelBuilder("alignment")
    for i in range(5):
        values = rng.integers(-(2**31), 2**31, 3 + i, dtype=np.int64).astype(np.int32)
        b.add_tensor(f"c{i}", [3 + i], "int32", data=values, scale=[0.5] * (3 + i))
        b.add_tensor(f"f{i}", [1 + i], "float64", data=rng.normal(size=1 + i))
    b.add_tensor("byte", [1], "int8", data=[5])
    data = b.build()
    assert len(data) % 16 == 0
    model = load_model(data)
    for t in model.subgraphs[0].tensors:
        assert t.data is not None
        raw = t.data.tobytes()
        assert data.count(raw) == 1 or len(raw) < 8
        if len(raw) >= 8:
            assert data.index(raw) % 16 == 0, t.name  # Buffer.data is force_align: 16


def test_buffer_offset_mode(reference: Reference) -> None:
    original = reference("mlperf_tiny/kws_ref_model.tflite").read_bytes()
    model = load_model(original)
    inline, outside = rewrite_model(model), rewrite_model(model, use_buffer_offset=True)
    for data in (inline, outside):
        same_model(model, load_model(data))
        _check_against_oracle(load_model(data), data)
    root = struct.unpack_from("<I", outside, 0)[0]
    assert root < len(outside) // 10  # the flatbuffer is small; the weights follow it
    inputs = random_inputs(model, 0)
    expected = run_litert(original, inputs)[0]
    assert np.array_equal(run_litert(inline, inputs)[0], expected)
    assert np.array_equal(run_litert(outside, inputs)[0], expected)


# -- argument checking -------------------------------------------------------------------


def test_builder_rejects_bad_arguments() -> None:
    b = ModelBuilder()
    x = b.add_tensor("x", [2, 3], "float32")
    cases: list[tuple[Callable[[], Any], str]] = [
        (lambda: b.add_tensor("t", [-1], "int8"), "negative dimension"),
        (lambda: b.add_tensor("t", [2], "int7"), "not a tensor type"),
        (lambda: b.add_tensor("t", [2], np.dtype("U3")), "has no TFLite tensor type"),
        (lambda: b.add_tensor("t", [2], "int8", data=[1, 2, 3]), "does not fit shape"),
        (lambda: b.add_tensor("t", [2], "int8", data=[1, 300]), "does not convert exactly"),
        (lambda: b.add_tensor("t", [2], "int8", data=[0.5, 1.0]), "does not convert exactly"),
        (lambda: b.add_tensor("t", [2], "int8", data=b"\0"), "1 bytes of data"),
        (lambda: b.add_tensor("t", [2], "int8", zero_point=3), "needs a scale"),
        (lambda: b.add_tensor("t", [3, 2], "int8", scale=[1, 2]), "per-channel scales"),
        (lambda: b.add_tensor("t", [2], "int8", scale=[1, 2], zero_point=[0]), "2 scales but 1"),
        (lambda: b.add_tensor("t", [2], "int8", shape_signature=[3]), "does not match shape"),
        (lambda: b.add_tensor("t", [2], "STRING", data=[1, 2]), "as raw bytes"),
        (lambda: b.add_operator("CONV2D", [x], [x]), "unknown builtin operator 'CONV2D'"),
        (lambda: b.add_operator("CUSTOM", [x], [x]), "needs a custom_code"),
        (lambda: b.add_operator("ADD", [x], [x], custom_code="A"), "takes no custom_code"),
        (lambda: b.add_operator("RELU", [x], [x], {"alpha": 1}), "RELU takes no builtin options"),
        (lambda: b.add_operator("ADD", [x], [x], {"alpha": 1}), "has no field 'alpha'"),
        (lambda: b.add_operator("ADD", [x], [x], {"fused_activation_function": "RELU7"}), "not a"),
        (lambda: b.add_operator("CONV_2D", [x], [x], {"stride_w": 2**31}), "does not fit a int"),
        (lambda: b.add_operator("RESHAPE", [x], [x], {"new_shape": [1.5]}), "not a vector of"),
        (lambda: b.add_operator("RESIZE_BILINEAR", [x], [x], {"new_height": 1}), "cannot be"),
        (lambda: b.add_operator("ADD", [x], [x], version=0), "version 0"),
    ]
    for call, message in cases:
        with pytest.raises(ValueError, match=message):
            call()
    b.add_operator("ADD", [x, 5], [x])
    with pytest.raises(ValueError, match=r"operator 0: input tensor 5 out of range \(1 tensors\)"):
        b.build()
