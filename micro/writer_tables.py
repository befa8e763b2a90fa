"""What `micro.writer.ModelBuilder` collects and how it lands in the file: a spec per
tensor, operator and subgraph, tensor data checked and converted to buffer bytes, and one
subgraph's flatbuffer table."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from . import int4, schema
from .flatbuffer_builder import FlatBufferBuilder
from .schema import TensorType


@dataclass
class TensorSpec:
    name: str
    shape: tuple[int, ...]
    type: TensorType
    buffer: int
    scale: tuple[float, ...] | None
    zero_point: tuple[int, ...] | None
    quantized_dimension: int
    is_variable: bool
    shape_signature: tuple[int, ...] | None


@dataclass
class OperatorSpec:
    opcode: int
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    intermediates: tuple[int, ...]
    options: tuple[schema.OptionsSpec, dict[str, Any]] | None
    custom_options: bytes | None


@dataclass
class GraphSpec:
    name: str
    tensors: list[TensorSpec] = field(default_factory=list)
    operators: list[OperatorSpec] = field(default_factory=list)
    inputs: tuple[int, ...] = ()
    outputs: tuple[int, ...] = ()


def as_data(data: npt.ArrayLike, ttype: TensorType, shape: tuple[int, ...], name: str) -> bytes:
    dtype = schema.NUMPY_DTYPES.get(ttype)
    if isinstance(data, (bytes, bytearray, memoryview)):
        raw = bytes(data)
        if dtype is not None and len(raw) != math.prod(shape) * dtype.itemsize:
            raise ValueError(
                f"tensor {name!r}: {len(raw)} bytes of data for shape {list(shape)} of "
                f"{ttype.name} ({math.prod(shape) * dtype.itemsize} bytes)"
            )
        return raw
    array = np.asarray(data)
    if array.size != math.prod(shape):
        raise ValueError(
            f"tensor {name!r}: data of shape {list(array.shape)} does not fit shape {list(shape)}"
        )
    if ttype == TensorType.INT4 and array.dtype.kind in "iu":
        try:
            return int4.pack(array)
        except ValueError as exc:
            raise ValueError(f"tensor {name!r}: {exc}") from None
    if dtype is None:
        raise ValueError(f"tensor {name!r}: give {ttype.name} data as raw bytes")
    if array.dtype != dtype:
        converted = array.astype(dtype)
        lossless = array.dtype.kind in "fc" and dtype.kind in "fc"
        if not lossless and not (array.dtype.kind in "iub" and np.array_equal(converted, array)):
            raise ValueError(
                f"tensor {name!r}: {array.dtype} data does not convert exactly to {dtype}"
            )
        array = converted
    return np.ascontiguousarray(array).tobytes()


def encode_graph(
    fb: FlatBufferBuilder, graph: GraphSpec, place: Callable[[bytes | None], dict[str, Any]]
) -> int:
    """One subgraph's table (`place` locates custom options stored outside)."""
    enc = fb.encode
    tensors = []
    for t in graph.tensors:
        quant = None
        if t.scale is not None:
            quant = enc(
                schema.QUANTIZATION,
                {
                    "scale": t.scale,
                    "zero_point": t.zero_point,
                    "quantized_dimension": t.quantized_dimension,
                },
            )
        tensors.append(
            enc(
                schema.TENSOR,
                {
                    "shape": t.shape,
                    "type": t.type,
                    "buffer": t.buffer,
                    "name": t.name,
                    "quantization": quant,
                    "is_variable": t.is_variable,
                    "shape_signature": t.shape_signature,
                    "has_rank": True,
                },
            )
        )
    operators = []
    for op in graph.operators:
        values: dict[str, Any] = {
            "opcode_index": op.opcode,
            "inputs": op.inputs,
            "outputs": op.outputs,
            "intermediates": op.intermediates or None,
        }
        outside = place(op.custom_options)
        if outside:
            values["large_custom_options_offset"] = outside["offset"]
            values["large_custom_options_size"] = outside["size"]
        else:
            values["custom_options"] = op.custom_options
        if op.options is not None:
            spec, options = op.options
            union = "builtin_options" if spec.union == "BuiltinOptions" else "builtin_options_2"
            values[union + "_type"] = spec.type
            values[union] = enc(spec.table, options)
        operators.append(enc(schema.OPERATOR, values))
    return enc(
        schema.SUBGRAPH,
        {
            "tensors": tensors,
            "inputs": graph.inputs,
            "outputs": graph.outputs,
            "operators": operators,
            "name": graph.name,
        },
    )
