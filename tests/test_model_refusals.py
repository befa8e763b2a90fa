"""The .tflite reader on bad bytes: targeted corruptions, each refused with a ModelError that
says what is wrong, and bounded fuzzing (nothing but ModelError may escape)."""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from micro import schema
from micro.errors import ModelError
from micro.flatbuffer_builder import FlatBufferBuilder
from micro.model import load_model
from micro.writer import ModelBuilder

Reference = Callable[[str], Path]

# -- targeted corruptions ----------------------------------------------------------------


def _builder() -> ModelBuilder:
    b = ModelBuilder()
    x = b.add_tensor("input", [1, 4], "int8", scale=0.5, zero_point=1)
    w = b.add_tensor(
        "weights",
        [3, 4],
        "int8",
        data=np.arange(12).reshape(3, 4),
        scale=[0.1, 0.2, 0.3],
        zero_point=[0, 0, 0],
    )
    bias = b.add_tensor("bias", [3], "int32", data=[1, 2, 3], scale=[0.05, 0.1, 0.15])
    y = b.add_tensor("output", [1, 3], "int8", scale=0.25, zero_point=-2)
    b.add_operator("FULLY_CONNECTED", [x, w, bias], [y], {"fused_activation_function": "RELU"})
    b.set_inputs([x])
    b.set_outputs([y])
    return b


def _unchecked(b: ModelBuilder) -> bytes:
    """Serialize without the builder's own checks, to write corrupt models on purpose."""
    return b._serialize(None, None)


def _fails(data: bytes, pattern: str) -> str:
    with pytest.raises(ModelError, match=pattern) as info:
        load_model(data)
    return str(info.value)


def test_valid_small_model() -> None:
    model = load_model(_builder().build())
    assert [t.name for t in model.subgraphs[0].tensors] == ["input", "weights", "bias", "output"]


def test_truncated() -> None:
    data = _builder().build()
    _fails(data[:6], r"file truncated: a \.tflite file needs at least 8 bytes, file has 6")
    _fails(data[: len(data) // 2], r"file truncated: .* at offset \d+ needs \d+ bytes, file has")
    for n in range(8, len(data), 7):
        with pytest.raises(ModelError):
            load_model(data[:n])


def test_bad_identifier() -> None:
    data = bytearray(_builder().build())
    data[4:8] = b"TFL2"
    _fails(bytes(data), r"not a TFLite model: file identifier is b'TFL2', expected b'TFL3'")


def test_schema_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "SCHEMA_VERSION", 2)
    data = _builder().build()
    monkeypatch.undo()
    _fails(data, r"model: schema version 2 is not supported \(expected 3\)")


def test_buffer_index_out_of_range() -> None:
    b = _builder()
    b._graph.tensors[1].buffer = 40
    _fails(
        _unchecked(b),
        r"^subgraph 0, tensor 1 \('weights'\): buffer index 40 out of range \(3 buffers\)$",
    )


def test_vtable_outside_the_file() -> None:
    data = bytearray(_builder().build())
    root = struct.unpack_from("<I", data, 0)[0]
    struct.pack_into("<i", data, root, -len(data))
    _fails(bytes(data), r"file truncated: vtable of Model table at offset \d+ needs 4 bytes")
    struct.pack_into("<i", data, root, root + 8)
    _fails(bytes(data), r"vtable of Model table at offset -8 lies before the start of the file")


def test_field_outside_its_table() -> None:
    data = bytearray(_builder().build())
    root = struct.unpack_from("<I", data, 0)[0]
    vtable = root - struct.unpack_from("<i", data, root)[0]
    struct.pack_into("<H", data, vtable + 4, 0xFFF0)  # slot 0: Model.version
    _fails(bytes(data), r"model: field Model\.version at table offset 65520 .* lies outside its")


def test_misaligned_table() -> None:
    data = bytearray(_builder().build())
    struct.pack_into("<I", data, 0, struct.unpack_from("<I", data, 0)[0] + 2)
    _fails(bytes(data), r"Model table at offset \d+ is not aligned to 4 bytes")


def test_huge_vector_length() -> None:
    data = bytearray(_builder().build())
    at = data.index(b"weights\0") - 4
    struct.pack_into("<I", data, at, 0x7FFFFFFF)
    _fails(
        bytes(data),
        r"subgraph 0, tensor 1: vector Tensor\.name at offset \d+ claims 2147483647 elements "
        r"of 1 bytes, but only \d+ bytes follow",
    )


def test_bad_strings() -> None:
    data = bytearray(_builder().build())
    at = data.index(b"weights\0")
    data[at + 3] = 0xFF
    _fails(bytes(data), r"string Tensor\.name at offset \d+ is not valid UTF-8")
    data[at + 7] = ord("x")
    _fails(bytes(data), r"string Tensor\.name at offset \d+ is not NUL-terminated")


def test_negative_dim() -> None:
    b = _builder()
    b._graph.tensors[0].shape = (1, -4)
    _fails(
        _unchecked(b), r"subgraph 0, tensor 0 \('input'\): shape \[1, -4\] has a negative dimension"
    )


def test_rank_cap() -> None:
    b = _builder()
    b._graph.tensors[0].shape = (1,) * 33
    _fails(_unchecked(b), r"tensor 0 \('input'\): rank 33 exceeds 32")


def test_shared_vectors_cannot_amplify() -> None:
    # 2000 tensors that all point at one table with a 10 kB name: legal flatbuffer sharing,
    # but decoding it would build 20 MB of names from a 20 kB file.
    fb = FlatBufferBuilder()
    name = fb.create_string("n" * 10_000)
    tensor = fb.create_table([(schema.TENSOR.slot("name"), "offset", name)])
    subgraph = fb.encode(schema.SUBGRAPH, {"tensors": [tensor] * 2000})
    root = fb.encode(schema.MODEL, {"version": 3, "subgraphs": [subgraph]})
    data = fb.finish(root, schema.FILE_IDENTIFIER)
    assert len(data) < 20_000
    _fails(data, r"tensor \d+: vector Tensor\.name: the file's tables reference far more data")


def test_shape_signature_mismatch() -> None:
    b = _builder()
    b._graph.tensors[0].shape_signature = (-1, 5)
    _fails(_unchecked(b), r"shape_signature \[-1, 5\] does not match shape \[1, 4\]")
    b._graph.tensors[0].shape_signature = (-1, 4)
    assert load_model(_unchecked(b)).subgraphs[0].tensors[0].shape_signature == (-1, 4)


def test_opcode_index_out_of_range() -> None:
    b = _builder()
    b._graph.operators[0].opcode = 9
    _fails(_unchecked(b), r"^subgraph 0, operator 0: opcode index 9 out of range \(1 opcodes\)$")


def test_tensor_indices() -> None:
    b = _builder()
    b._graph.operators[0].inputs = (0, 1, -1)  # an omitted optional input is fine
    assert load_model(_unchecked(b)).subgraphs[0].operators[0].inputs == (0, 1, -1)
    b._graph.operators[0].inputs = (0, 1, 4)
    _fails(_unchecked(b), r"operator 0 \(FULLY_CONNECTED\): input 2: tensor index 4 out of range")
    b._graph.operators[0].inputs = (0, 1, 2)
    b._graph.operators[0].outputs = (-1,)
    _fails(
        _unchecked(b), r"output 0: tensor index -1 out of range \(4 tensors\) \(-1 is allowed only"
    )
    b._graph.operators[0].outputs = (3,)
    b._graph.outputs = (7,)
    _fails(_unchecked(b), r"subgraph 0: output 0: tensor index 7 out of range \(4 tensors\)")


def test_data_size_mismatch() -> None:
    b = _builder()
    b._graph.tensors[1].shape = (3, 5)
    _fails(_unchecked(b), r"buffer 1 holds 12 bytes, but shape \[3, 5\] of INT8 needs 15")


def test_quantization_mismatches() -> None:
    b = _builder()
    b._graph.tensors[1].zero_point = (0, 0)
    _fails(_unchecked(b), r"tensor 1 \('weights'\): quantization has 3 scales but 2 zero points")
    b = _builder()
    b._graph.tensors[1].scale, b._graph.tensors[1].zero_point = (0.1, 0.2), (0, 0)
    _fails(_unchecked(b), r"2 per-channel scales, but dimension 0 of shape \[3, 4\] has 3 channels")
    b = _builder()
    b._graph.tensors[1].quantized_dimension = 2
    _fails(_unchecked(b), r"quantized_dimension 2 out of range for shape \[3, 4\]")
    b._graph.tensors[1].quantized_dimension = -1
    _fails(_unchecked(b), r"negative quantized_dimension -1")


def test_bad_enum_and_union_values() -> None:
    b = _builder()
    spec, options = b._graph.operators[0].options  # type: ignore[misc]
    options["fused_activation_function"] = 7
    _fails(
        _unchecked(b),
        r"FullyConnectedOptions\.fused_activation_function: 7 is not a valid ActivationFunction",
    )
    b._graph.operators[0].options = (schema.OptionsSpec("BuiltinOptions", 200, spec.table), {})
    _fails(_unchecked(b), r"field Operator\.builtin_options_type: unknown BuiltinOptions type 200")
    add = schema.op_options(schema.BuiltinOperator.ADD)
    assert add is not None
    b._graph.operators[0].options = (add, {})
    _fails(_unchecked(b), r"carries AddOptions, but FULLY_CONNECTED takes FullyConnectedOptions")
    b._graph.tensors[0].type = 99  # type: ignore[assignment]
    _fails(_unchecked(b), r"field Tensor\.type: 99 is not a valid TensorType")


def test_buffer_zero_must_be_empty() -> None:
    b = _builder()
    b._buffers[0] = b"x"
    _fails(_unchecked(b), r"buffer 0: buffer 0 must be the empty sentinel, it holds 1 bytes")


def test_unrepresentable_constant() -> None:
    b = ModelBuilder()
    b.add_tensor("packed", [4], "INT4")  # no data: fine
    assert load_model(_unchecked(b)).subgraphs[0].tensors[0].dtype.itemsize == 1
    b.add_tensor("packed_const", [4], "INT4", data=b"\x12\x34")  # read as int8 values
    assert load_model(_unchecked(b)).subgraphs[0].tensors[1].data.tolist() == [2, 1, 4, 3]
    b.add_tensor("string_const", [4], "STRING", data=b"\x12\x34")
    _fails(_unchecked(b), r"tensor 2 \('string_const'\): constant data of type STRING cannot be")


def test_buffer_offset_outside_the_file() -> None:
    data = _builder().build(use_buffer_offset=True)
    bias = load_model(data).subgraphs[0].tensors[2]
    assert bias.data is not None and bias.data.tolist() == [1, 2, 3]
    _fails(data[:-8], r"buffer 2: file truncated: buffer data at offset \d+ needs 12 bytes")


# -- fuzzing -----------------------------------------------------------------------------

FUZZ_MODELS = [
    "tflm/hello_world/hello_world_int8.tflite",
    "tflm/micro_speech/micro_speech_quantized.tflite",
]


def _mutate(data: bytes, rng: np.random.Generator) -> bytes:
    buf = bytearray(data)
    kind = int(rng.integers(0, 6))
    if kind == 0:  # truncate
        return bytes(buf[: int(rng.integers(0, len(buf)))])
    if kind == 1:  # random bytes anywhere
        for _ in range(int(rng.integers(1, 9))):
            buf[int(rng.integers(0, len(buf)))] = int(rng.integers(0, 256))
    elif kind == 2:  # bit flips in the structure (tables, vtables, offsets sit up front)
        for _ in range(int(rng.integers(1, 5))):
            buf[int(rng.integers(0, min(len(buf), 2048)))] ^= 1 << int(rng.integers(0, 8))
    elif kind == 3:  # a special 32-bit value at an aligned position
        pos = int(rng.integers(0, len(buf) // 4)) * 4
        value = [0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, int(rng.integers(0, 2**32))]
        struct.pack_into("<I", buf, pos, value[int(rng.integers(0, len(value)))])
    elif kind == 4:  # a small 16-bit value (vtable entries, sizes)
        pos = int(rng.integers(0, len(buf) // 2)) * 2
        struct.pack_into("<H", buf, pos, int(rng.integers(0, 64)))
    else:  # delete or insert a few bytes, shifting everything after
        pos = int(rng.integers(0, len(buf)))
        if rng.integers(0, 2):
            del buf[pos : pos + int(rng.integers(1, 9))]
        else:
            buf[pos:pos] = bytes(rng.integers(0, 256, int(rng.integers(1, 9)), dtype=np.uint8))
    return bytes(buf)


@pytest.mark.parametrize("rel", FUZZ_MODELS)
def test_fuzz_only_model_errors(rel: str, reference: Reference) -> None:
    data = reference(rel).read_bytes()
    rng = np.random.default_rng(sum(map(ord, rel)))
    outcomes = {"loaded": 0, "ModelError": 0}
    for _ in range(1000):
        mutated = _mutate(data, rng)
        try:
            model = load_model(mutated)
        except ModelError as e:
            assert str(e) and re.match(r"^\S", str(e))
            outcomes["ModelError"] += 1
            continue
        outcomes["loaded"] += 1
        for graph in model.subgraphs:  # whatever loads is self-consistent
            n = len(graph.tensors)
            for t in graph.tensors:
                assert all(d >= 0 for d in t.shape)
                if t.data is not None:
                    assert t.data.shape == t.shape and t.data.nbytes == t.nbytes
            for op in graph.operators:
                assert all(-1 <= i < n for i in op.inputs)
                assert all(0 <= i < n for i in op.outputs + op.intermediates)
    assert outcomes["loaded"] > 50 and outcomes["ModelError"] > 250, outcomes
