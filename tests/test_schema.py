"""micro.schema against an independent rendering of the same schema: the reader that flatc
generated for LiteRT (`ai_edge_litert.schema_py_generated`). Each of our fields must sit in
the same slot, with the same type and default; each enum and union must have the same values.
Members newer than LiteRT's copy of the schema are skipped."""

from __future__ import annotations

import inspect
import re
from enum import IntEnum
from typing import Any

import numpy as np
import pytest
from support.oracle import litert_schema

from micro import schema

generated: Any = litert_schema()

_FLAGS = {
    "Bool": "bool",
    "Int8": "byte",
    "Uint8": "ubyte",
    "Int16": "short",
    "Uint16": "ushort",
    "Int32": "int",
    "Uint32": "uint",
    "Int64": "long",
    "Uint64": "ulong",
    "Float32": "float",
    "Float64": "double",
}
_ENUMS = [
    schema.TensorType,
    schema.BuiltinOperator,
    schema.Padding,
    schema.ActivationFunctionType,
    schema.FullyConnectedOptionsWeightsFormat,
    schema.LSTMKernelType,
    schema.LSHProjectionType,
    schema.CombinerType,
    schema.MirrorPadMode,
    schema.CustomOptionsFormat,
    schema.DimensionType,
    schema.ReduceWindowFunction,
    schema.RngAlgorithm,
    schema.StablehloPrecisionConfig,
    schema.StablehloComparisonDirection,
    schema.StablehloComparisonType,
]


def _members(cls: type) -> dict[str, int]:
    return {k: v for k, v in vars(cls).items() if not k.startswith("_") and isinstance(v, int)}


@pytest.mark.parametrize("enum", _ENUMS, ids=lambda e: e.__name__)
def test_enum_values(enum: type[IntEnum]) -> None:
    theirs = _members(getattr(generated, enum.__name__))
    ours = {m.name: int(m) for m in enum}
    common = set(theirs) & set(ours)
    assert len(common) >= len(theirs) - 1  # ours is the newer schema
    assert {k: ours[k] for k in common} == {k: theirs[k] for k in common}


@pytest.mark.parametrize("union", sorted(schema.UNIONS))
def test_union_members(union: str) -> None:
    theirs = _members(getattr(generated, union))
    for code, name in enumerate(schema.UNIONS[union], start=1):
        if name in theirs:
            assert theirs[name] == code, name
    assert len(theirs) - 1 <= len(schema.UNIONS[union])


def _method(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def _default(source: str) -> Any:
    value = re.findall(r"return (\S+)\s*$", source)[-1]
    return {"True": True, "False": False}.get(value, value)


@pytest.mark.parametrize("name", sorted(schema.TABLES))
def test_table_layout(name: str) -> None:
    cls = getattr(generated, name, None)
    if cls is None:
        pytest.skip(f"{name} is newer than LiteRT's schema")
    table = schema.TABLES[name]
    checked = 0
    for slot, f in enumerate(table.fields):
        method = getattr(cls, _method(f.name), None)
        if f.deprecated or method is None:
            continue  # deprecated fields have no accessor; others are newer than LiteRT's
        source = inspect.getsource(method)
        vtable_offset = re.search(r"Offset\((\d+)\)", source)
        assert vtable_offset is not None and int(vtable_offset.group(1)) == 4 + 2 * slot, f.name
        indexed = "(self, j)" in source
        flags = re.search(r"number_types\.(\w+)Flags, [oa]", source)
        if f.kind in ("table", "union"):
            assert not indexed and ("Indirect" in source or "Union" in source), f.name
        elif f.kind == "string":
            assert "self._tab.String(" in source, f.name
        elif f.kind == "[table]":
            assert indexed and "Indirect" in source, f.name
        elif f.is_vector:
            assert indexed and flags is not None and _FLAGS[flags.group(1)] == f.element, f.name
        else:
            kind = "ubyte" if f.kind == "utype" else f.kind
            assert flags is not None and _FLAGS[flags.group(1)] == kind, f.name
            default = _default(source)
            assert float(default) == float(f.default), f.name
        checked += 1
    assert checked or not table.fields


def test_op_options() -> None:
    op, spec = schema.BuiltinOperator, schema.op_options
    expected = {
        op.CONV_2D: "Conv2DOptions",
        op.AVERAGE_POOL_2D: "Pool2DOptions",
        op.MAX_POOL_2D: "Pool2DOptions",
        op.MEAN: "ReducerOptions",
        op.REDUCE_MAX: "ReducerOptions",
        op.MAXIMUM: "MaximumMinimumOptions",
        op.UNIDIRECTIONAL_SEQUENCE_RNN: "SequenceRNNOptions",
        op.UNIDIRECTIONAL_SEQUENCE_LSTM: "UnidirectionalSequenceLSTMOptions",
        op.L2_NORMALIZATION: "L2NormOptions",
        op.BATCH_MATMUL: "BatchMatMulOptions",
        op.STABLEHLO_COMPOSITE: "StableHLOCompositeOptions",
    }
    for code, table in expected.items():
        found = spec(code)
        assert found is not None and found.table.name == table
    assert spec(op.RELU) is None and spec(op.LOGISTIC) is None and spec(op.CUSTOM) is None
    composite = spec(op.STABLEHLO_COMPOSITE)
    assert composite is not None and composite.union == "BuiltinOptions2"
    fc = spec(op.FULLY_CONNECTED)
    assert fc is not None and (fc.union, fc.type) == ("BuiltinOptions", 8)


def test_tensor_types() -> None:
    assert schema.tensor_type("int8") == schema.tensor_type("INT8") == schema.TensorType.INT8
    assert schema.tensor_type(np.float32) == schema.TensorType.FLOAT32
    assert schema.tensor_type(np.dtype(">i2")) == schema.TensorType.INT16
    assert schema.tensor_type(np.bool_) == schema.TensorType.BOOL
    for ttype, dtype in schema.NUMPY_DTYPES.items():
        assert schema.tensor_type(dtype) == ttype
    with pytest.raises(ValueError):
        schema.tensor_type("int3")
