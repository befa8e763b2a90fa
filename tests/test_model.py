"""The .tflite reader against independent readers on real models (the flatbuffers package's
generated reader, LiteRT's interpreter); its refusals of bad bytes are in
tests/test_model_refusals.py."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support.oracle import litert, litert_schema

from micro import schema
from micro.model import Model, load_model

Reference = Callable[[str], Path]

MODELS = [
    "tflm/hello_world/hello_world_int8.tflite",
    "tflm/hello_world/hello_world_float.tflite",
    "tflm/micro_speech/micro_speech_quantized.tflite",
    "tflm/micro_speech/audio_preprocessor_int8.tflite",
    "tflm/micro_speech/audio_preprocessor_float.tflite",
    "tflm/person_detection/person_detect.tflite",
    "tflm/keyword/keyword_scrambled.tflite",
    "tflm/keyword/keyword_scrambled_8bit.tflite",
    "tflm/mnist_lstm/trained_lstm_int8.tflite",
    "tflm/simple_add/simple_add_model.tflite",
    "tflm/seanet/conv/conv0.tflite",
    "tflm/seanet/leaky_relu/leaky_relu0.tflite",
    "tflm/seanet/pad/pad0.tflite",
    "tflm/seanet/quantize/quantize0.tflite",
    "mlperf_tiny/ad01_int8.tflite",
    "mlperf_tiny/kws_ref_model.tflite",
    "mlperf_tiny/pretrainedResnet_quant.tflite",
    "mlperf_tiny/vww_96_int8.tflite",
]
# LiteRT refuses person_detect (its biases' quantized_dimension is 3) and has no Signal ops.
LITERT_MODELS = [m for m in MODELS if "person_detect" not in m and "audio_preprocessor" not in m]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _plain(value: Any) -> Any:
    """Oracle values (numpy arrays, bytes strings, None) in the reader's terms."""
    if isinstance(value, np.ndarray):
        return tuple(value.tolist())
    if isinstance(value, list):
        return tuple(value)
    return value


# -- against the flatbuffers package's generated reader (an independent decoder) -------


def _oracle(data: bytes) -> Any:
    fb = litert_schema()
    return fb.ModelT.InitFromPackedBuf(data, 0)


def _buffer_bytes(oracle: Any, data: bytes, index: int) -> bytes:
    buf = oracle.buffers[index]
    if buf.offset > 1:
        return data[buf.offset : buf.offset + buf.size]
    return b"" if buf.data is None else bytes(np.asarray(buf.data, dtype=np.uint8))


def _check_against_oracle(model: Model, data: bytes) -> None:
    o = _oracle(data)
    assert model.version == o.version == 3
    assert model.description == (o.description or b"").decode()
    assert len(model.buffers) == len(o.buffers)
    for i, raw in enumerate(model.buffers):
        assert raw == _buffer_bytes(o, data, i), f"buffer {i}"
    assert len(model.opcodes) == len(o.operatorCodes)
    for mine, theirs in zip(model.opcodes, o.operatorCodes, strict=True):
        assert mine.builtin_code == max(theirs.builtinCode, theirs.deprecatedBuiltinCode)
        assert mine.custom_code == (
            None if theirs.customCode is None else theirs.customCode.decode()
        )
        assert mine.version == theirs.version
    names = {(m.name or b"").decode(): _buffer_bytes(o, data, m.buffer) for m in o.metadata or ()}
    assert model.metadata == names
    assert len(model.subgraphs) == len(o.subgraphs)
    for graph, og in zip(model.subgraphs, o.subgraphs, strict=True):
        assert graph.name == (og.name or b"").decode()
        assert graph.inputs == _plain(og.inputs)
        assert graph.outputs == _plain(og.outputs)
        assert len(graph.tensors) == len(og.tensors)
        for t, ot in zip(graph.tensors, og.tensors, strict=True):
            assert t.name == (ot.name or b"").decode()
            assert t.shape == _plain(ot.shape if ot.shape is not None else ())
            assert t.type == ot.type
            assert t.buffer == ot.buffer
            assert t.is_variable == ot.isVariable
            sig = ot.shapeSignature
            assert t.shape_signature == (None if sig is None else _plain(sig))
            raw = _buffer_bytes(o, data, ot.buffer)
            if raw:
                assert t.data is not None and t.data.tobytes() == raw
                assert t.data.shape == t.shape and not t.data.flags.writeable
            else:
                assert t.data is None
            q = ot.quantization
            if q is None or q.scale is None or len(q.scale) == 0:
                assert t.quant is None
            else:
                assert t.quant is not None
                assert np.array_equal(t.quant.scale, np.asarray(q.scale, np.float32))
                assert np.array_equal(t.quant.zero_point, np.asarray(q.zeroPoint, np.int64))
                # The reader reads a stale axis of a 1-D / per-tensor quantization as 0.
                qd = q.quantizedDimension if q.quantizedDimension < len(t.shape) else 0
                assert t.quant.quantized_dimension == qd
        assert len(graph.operators) == len(og.operators)
        for op, oo in zip(graph.operators, og.operators, strict=True):
            assert op.opcode_index == oo.opcodeIndex
            assert op.inputs == _plain(oo.inputs if oo.inputs is not None else ())
            assert op.outputs == _plain(oo.outputs if oo.outputs is not None else ())
            assert op.intermediates == _plain(
                oo.intermediates if oo.intermediates is not None else ()
            )
            custom = (
                None if oo.customOptions is None else bytes(np.asarray(oo.customOptions, np.uint8))
            )
            if oo.largeCustomOptionsOffset > 1:
                start = oo.largeCustomOptionsOffset
                custom = data[start : start + oo.largeCustomOptionsSize]
            assert op.custom_options == custom
            _check_options(op.options, oo, op.builtin_code)


def _check_options(options: dict[str, Any], oo: Any, code: int) -> None:
    spec = schema.options_spec("BuiltinOptions", oo.builtinOptionsType)
    theirs = oo.builtinOptions
    if spec is None and oo.builtinOptions2Type:
        spec = schema.options_spec("BuiltinOptions2", oo.builtinOptions2Type)
        theirs = oo.builtinOptions2
    if spec is None:  # no options table: the schema defaults of the op's table, if it has one
        table = schema.op_options(code)
        fields = () if table is None else table.table.fields
        left_out = {"string": "", "[ubyte]": b""}
        assert options == {
            f.name: f.default if f.kind in schema.SCALAR_FORMATS else left_out.get(f.kind, ())
            for f in fields
            if not f.deprecated
        }
        return
    assert set(options) == {f.name for f in spec.table.fields if not f.deprecated}
    for name, value in options.items():
        attr = _camel(name)
        if not hasattr(theirs, attr):
            continue  # a field newer than the oracle's schema
        expected = getattr(theirs, attr)
        if isinstance(value, str):
            expected = (expected or b"").decode()
        elif isinstance(value, bytes):
            expected = b"" if expected is None else bytes(np.asarray(expected, np.uint8))
        elif isinstance(value, tuple):
            expected = () if expected is None else _plain(expected)
        assert value == expected, name


@pytest.mark.parametrize("rel", MODELS)
def test_reader_agrees_with_flatbuffers_object_api(rel: str, reference: Reference) -> None:
    data = reference(rel).read_bytes()
    _check_against_oracle(load_model(data), data)


def test_all_reference_models_load(reference: Reference) -> None:
    root = reference("tflm/hello_world/hello_world_int8.tflite").parents[2]
    paths = sorted(root.rglob("*.tflite"))
    assert len(paths) > 20
    for path in paths:
        model = load_model(path)
        assert model.subgraphs and model.subgraphs[0].operators, path


# -- against LiteRT's interpreter --------------------------------------------------------


@pytest.mark.parametrize("rel", LITERT_MODELS)
def test_reader_agrees_with_litert(rel: str, reference: Reference) -> None:
    lite = litert()
    path = reference(rel)
    model = load_model(path)
    it = lite.Interpreter(
        model_path=str(path),
        experimental_op_resolver_type=lite.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )
    graph = model.subgraphs[0]
    details = it.get_tensor_details()
    assert len(details) == len(graph.tensors)
    for d, t in zip(details, graph.tensors, strict=True):
        assert d["name"] == t.name
        assert tuple(d["shape"]) == t.shape
        assert np.dtype(d["dtype"]) == t.dtype
        qp = d["quantization_parameters"]
        if t.quant is None:
            assert len(qp["scales"]) == 0
        else:
            assert np.array_equal(qp["scales"], t.quant.scale)
            assert np.array_equal(qp["zero_points"], t.quant.zero_point)
            assert qp["quantized_dimension"] == t.quant.quantized_dimension
    ops = it._get_ops_details()
    assert [d["op_name"] for d in ops] == [op.name for op in graph.operators]
    for d, op in zip(ops, graph.operators, strict=True):
        assert tuple(d["inputs"]) == op.inputs
        assert tuple(d["outputs"]) == op.outputs
    it.allocate_tensors()
    for t in graph.tensors:
        if t.data is not None and not t.is_variable:
            assert np.array_equal(it.get_tensor(t.index), t.data), t.name


# -- specifics ---------------------------------------------------------------------------


def test_person_detect_loads_fast(reference: Reference) -> None:
    data = reference("tflm/person_detection/person_detect.tflite").read_bytes()
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        model = load_model(data)
        best = min(best, time.perf_counter() - start)
    assert best < 0.1, f"person_detect took {best * 1e3:.1f} ms to load"
    # Constant data are read-only views on the model's buffers, not copies.
    weights = [t for t in model.subgraphs[0].tensors if t.is_constant]
    assert weights and all(not t.data.flags.owndata for t in weights if t.data is not None)
    assert all(not t.data.flags.writeable for t in weights if t.data is not None)


def test_model_facts(reference: Reference) -> None:
    model = load_model(reference("tflm/micro_speech/micro_speech_quantized.tflite"))
    graph = model.subgraphs[0]
    assert [op.name for op in graph.operators] == [
        "RESHAPE",
        "DEPTHWISE_CONV_2D",
        "FULLY_CONNECTED",
        "SOFTMAX",
    ]
    conv = graph.operators[1]
    assert conv.builtin_code == schema.BuiltinOperator.DEPTHWISE_CONV_2D
    assert conv.options["padding"] == schema.Padding.SAME
    assert conv.options["fused_activation_function"] == schema.ActivationFunctionType.RELU
    assert conv.options["dilation_w_factor"] == 1  # schema default, absent from the file
    weights = graph.tensors[conv.inputs[1]]
    assert weights.is_constant and weights.type == schema.TensorType.INT8
    assert weights.quant is not None and weights.data is not None
    assert weights.nbytes == weights.data.nbytes
    assert graph.tensors[graph.inputs[0]].data is None


def test_sources(reference: Reference, tmp_path: Path) -> None:
    path = reference("tflm/hello_world/hello_world_int8.tflite")
    data = path.read_bytes()
    for source in (path, str(path), data, bytearray(data), memoryview(data)):
        assert len(load_model(source).subgraphs[0].tensors) == 10
    with pytest.raises(TypeError):
        load_model(42)  # type: ignore[arg-type]
