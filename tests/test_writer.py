"""The .tflite writer: round trips through our reader and an independent one, every options
table, random models, re-encoded reference models, and files the real runtimes accept."""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support.models import random_values
from support.oracle import litert_schema, run_litert, run_tflm
from test_model import MODELS, _check_against_oracle

from micro import schema
from micro.model import Model, load_model
from micro.rewrite import rewrite_model
from micro.schema import BuiltinOperator, TensorType
from micro.writer import ModelBuilder

Reference = Callable[[str], Path]


def _filled(options: dict[str, Any], code: int) -> dict[str, Any]:
    """Options with an absent table read as the schema defaults (the writer always writes
    the table of an operator that carries one)."""
    spec = schema.op_options(code)
    if options or spec is None:
        return options
    empty = {"string": "", "[ubyte]": b""}
    return {
        f.name: f.default if f.kind in _SCALARS else empty.get(f.kind, ())
        for f in spec.table.fields
        if not f.deprecated
    }


def _same_model(a: Model, b: Model) -> None:
    """Same content; buffer numbering and the subgraph name may differ."""
    assert a.description == b.description
    assert a.metadata == b.metadata
    assert len(a.subgraphs) == len(b.subgraphs)
    for ga, gb in zip(a.subgraphs, b.subgraphs, strict=True):
        assert (ga.inputs, ga.outputs) == (gb.inputs, gb.outputs)
        assert len(ga.tensors) == len(gb.tensors)
        for ta, tb in zip(ga.tensors, gb.tensors, strict=True):
            assert (ta.index, ta.name, ta.shape, ta.type, ta.dtype) == (
                tb.index,
                tb.name,
                tb.shape,
                tb.type,
                tb.dtype,
            )
            assert (ta.is_variable, ta.shape_signature, ta.quant) == (
                tb.is_variable,
                tb.shape_signature,
                tb.quant,
            )
            assert (ta.data is None) == (tb.data is None)
            if ta.data is not None and tb.data is not None:
                assert ta.data.tobytes() == tb.data.tobytes()
        assert len(ga.operators) == len(gb.operators)
        for oa, ob in zip(ga.operators, gb.operators, strict=True):
            for name in (
                "builtin_code",
                "name",
                "custom_code",
                "version",
                "inputs",
                "outputs",
                "intermediates",
                "custom_options",
            ):
                assert getattr(oa, name) == getattr(ob, name), (oa.index, name)
            assert _filled(oa.options, oa.builtin_code) == _filled(ob.options, ob.builtin_code)


def _random_inputs(model: Model, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    graph = model.subgraphs[0]
    tensors = [graph.tensors[i] for i in graph.inputs]
    return [random_values(rng, t.shape, t.dtype, float_range=1.0) for t in tensors]


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
        inputs = _random_inputs(model, seed)
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
        _same_model(model, load_model(data))
        _check_against_oracle(load_model(data), data)
    root = struct.unpack_from("<I", outside, 0)[0]
    assert root < len(outside) // 10  # the flatbuffer is small; the weights follow it
    inputs = _random_inputs(model, 0)
    expected = run_litert(original, inputs)[0]
    assert np.array_equal(run_litert(inline, inputs)[0], expected)
    assert np.array_equal(run_litert(outside, inputs)[0], expected)


# -- every options table -----------------------------------------------------------------


def _random_value(f: schema.Field, rng: np.random.Generator) -> Any:
    def scalar(kind: str) -> Any:
        if f.enum is not None:
            members = list(f.enum)
            return members[int(rng.integers(0, len(members)))]
        if kind == "bool":
            return bool(rng.integers(0, 2))
        if kind in ("float", "double"):
            return float(np.float32(rng.normal() * 100))
        fmt = schema.SCALAR_FORMATS[kind]
        bits = 8 * schema.SCALAR_SIZES[kind]
        low, high = (0, 2**bits) if fmt.isupper() else (-(2 ** (bits - 1)), 2 ** (bits - 1))
        return low + int(rng.integers(0, 2**62)) * (high - low) // 2**62

    if f.kind == "string":
        return "".join(rng.choice(list("abcxyzé_/0")) for _ in range(int(rng.integers(0, 9))))
    if f.kind == "[ubyte]":
        return bytes(rng.integers(0, 256, int(rng.integers(0, 9)), dtype=np.uint8))
    if f.is_vector:
        return tuple(scalar(f.element) for _ in range(int(rng.integers(0, 6))))
    return scalar(f.kind)


def test_every_options_table_round_trips() -> None:
    rng = np.random.default_rng(11)
    b = ModelBuilder()
    x = b.add_tensor("x", [1], "float32")
    y = b.add_tensor("y", [1], "float32")
    expected: list[dict[str, Any]] = []
    for op in schema.OP_OPTIONS:
        spec = schema.op_options(op)
        assert spec is not None
        options = {f.name: _random_value(f, rng) for f in spec.table.fields if not f.deprecated}
        b.add_operator(op, [x], [y], options)
        expected.append(options)
        b.add_operator(op, [x], [y])  # nothing given: the schema defaults
        expected.append(_filled({}, op))
    data = b.build()
    model = load_model(data)
    _check_against_oracle(model, data)  # an independent decoder reads the same values
    for operator, options in zip(model.subgraphs[0].operators, expected, strict=True):
        for name, value in options.items():
            assert operator.options[name] == value, (operator.name, name)


_SCALARS = set(schema.SCALAR_FORMATS)


# -- random models -----------------------------------------------------------------------

_TYPES = list(schema.NUMPY_DTYPES)
_OPS = list(BuiltinOperator)


def _random_model(rng: np.random.Generator) -> tuple[ModelBuilder, list[dict[str, Any]]]:
    b = ModelBuilder(description="random é" * int(rng.integers(0, 3)))
    tensors: list[dict[str, Any]] = []
    for i in range(int(rng.integers(1, 12))):
        ttype = _TYPES[int(rng.integers(0, len(_TYPES)))]
        dtype = schema.NUMPY_DTYPES[ttype]
        shape = tuple(int(d) for d in rng.integers(0, 5, int(rng.integers(0, 5))))
        spec: dict[str, Any] = {
            "name": f"t{i}/{ttype.name.lower()}",
            "shape": shape,
            "dtype": ttype,
        }
        if rng.integers(0, 2):
            raw = rng.integers(0, 256, math.prod(shape) * dtype.itemsize, dtype=np.uint8)
            if ttype == TensorType.BOOL:
                raw &= 1
            spec["data"] = raw.view(dtype).reshape(shape)
        if rng.integers(0, 2):
            if len(shape) and shape[-1] > 1 and rng.integers(0, 2):
                axis = len(shape) - 1
                spec["scale"] = rng.uniform(1e-4, 1, shape[axis]).astype(np.float32)
                spec["zero_point"] = rng.integers(-128, 128, shape[axis])
                spec["quantized_dimension"] = axis
            else:
                spec["scale"] = float(np.float32(rng.uniform(1e-4, 1)))
                spec["zero_point"] = int(rng.integers(-(2**40), 2**40))
        spec["is_variable"] = bool(rng.integers(0, 8) == 0)
        if shape and rng.integers(0, 3) == 0:
            spec["shape_signature"] = tuple(-1 if rng.integers(0, 2) else d for d in shape)
        tensors.append(spec)
        b.add_tensor(**spec)
    n = len(tensors)
    for _ in range(int(rng.integers(0, 6))):
        op = _OPS[int(rng.integers(0, len(_OPS)))]
        kwargs: dict[str, Any] = {"version": int(rng.integers(1, 5))}
        options_spec = schema.op_options(op)
        if op == BuiltinOperator.CUSTOM:
            kwargs["custom_code"] = f"Custom{int(rng.integers(0, 3))}"
            kwargs["custom_options"] = bytes(rng.integers(0, 256, 5, dtype=np.uint8))
        elif options_spec is not None and rng.integers(0, 2):
            kwargs["options"] = {
                f.name: _random_value(f, rng)
                for f in options_spec.table.fields
                if not f.deprecated and rng.integers(0, 2)
            }
        b.add_operator(
            op,
            [int(i) for i in rng.integers(-1, n, int(rng.integers(0, 4)))],
            [int(i) for i in rng.integers(0, n, int(rng.integers(1, 3)))],
            intermediates=[int(i) for i in rng.integers(0, n, int(rng.integers(0, 2)))],
            **kwargs,
        )
    b.set_inputs([int(i) for i in rng.integers(0, n, int(rng.integers(0, 3)))])
    b.set_outputs([int(i) for i in rng.integers(0, n, int(rng.integers(1, 3)))])
    if rng.integers(0, 2):
        b.add_metadata("min_runtime_version", b"1.5.0\0")
    return b, tensors


def test_random_models_round_trip() -> None:
    rng = np.random.default_rng(2024)
    for i in range(200):
        b, specs = _random_model(rng)
        data = b.build(use_buffer_offset=i % 3 == 0)
        model = load_model(data)
        _check_against_oracle(model, data)
        assert model.description == b.description
        for t, spec in zip(model.subgraphs[0].tensors, specs, strict=True):
            assert (t.name, t.shape, t.type) == (spec["name"], spec["shape"], spec["dtype"])
            assert t.is_variable == spec["is_variable"]
            assert t.shape_signature == spec.get("shape_signature")
            given = spec.get("data")
            if given is None or given.size == 0:
                assert t.data is None
            else:
                assert t.data is not None and t.data.tobytes() == given.tobytes()
            if "scale" not in spec:
                assert t.quant is None
            else:
                assert t.quant is not None
                assert np.array_equal(t.quant.scale, np.atleast_1d(spec["scale"]))
                assert np.array_equal(t.quant.zero_point, np.atleast_1d(spec["zero_point"]))
                assert t.quant.quantized_dimension == spec.get("quantized_dimension", 0)
        _same_model(model, load_model(rewrite_model(model)))


# -- re-encoded reference models ---------------------------------------------------------


@pytest.mark.parametrize("rel", MODELS)
def test_reencoded_reference_model(rel: str, reference: Reference) -> None:
    original = reference(rel).read_bytes()
    model = load_model(original)
    again = rewrite_model(model)
    _same_model(model, load_model(again))
    _check_against_oracle(load_model(again), again)
    inputs = _random_inputs(model, 1)
    assert np.array_equal(run_tflm(again, inputs, 1)[0], run_tflm(original, inputs, 1)[0])


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
