"""A ``.tflite`` model as plain views, built by the verifying reader (micro/model.py):
Model, Subgraph, Tensor, Operator, OperatorCode, Quantization.

Constant tensor data are read-only numpy views on the bytes of `Model.buffers`; nothing
larger than a buffer is copied.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from .schema import BuiltinOperator, TensorType

# dtype of tensors whose type numpy cannot hold (INT4, STRING, ...): opaque bytes.
OPAQUE_DTYPE = np.dtype("V1")
# No real model comes close; the cap keeps shape arithmetic and messages small.
MAX_RANK = 32


@dataclass(frozen=True, eq=False)
class Quantization:
    """Affine quantization: real = scale * (q - zero_point), per tensor or per channel."""

    scale: np.ndarray  # float32, shape (n,)
    zero_point: np.ndarray  # int64, shape (n,)
    quantized_dimension: int

    @property
    def per_channel(self) -> bool:
        return len(self.scale) > 1

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Quantization):
            return NotImplemented
        return (
            self.quantized_dimension == other.quantized_dimension
            and np.array_equal(self.scale, other.scale)
            and np.array_equal(self.zero_point, other.zero_point)
        )

    def __hash__(self) -> int:
        return hash((self.scale.tobytes(), self.zero_point.tobytes(), self.quantized_dimension))


@dataclass(eq=False)
class Tensor:
    """One tensor of a subgraph.

    `dtype` is the numpy dtype of `type`, or an opaque one-byte void dtype for types numpy
    cannot hold (INT4, STRING, BFLOAT16, ...); such a tensor may not carry constant data,
    except INT4, whose `data` are its values unpacked to int8 (micro/int4.py).
    `data` is the constant contents (read-only, of `shape` and `dtype`), None when the
    tensor's buffer is empty.
    """

    index: int
    name: str
    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    type: TensorType
    buffer: int
    data: np.ndarray | None
    quant: Quantization | None
    is_variable: bool
    shape_signature: tuple[int, ...] | None

    @property
    def nbytes(self) -> int:
        return math.prod(self.shape) * self.dtype.itemsize

    @property
    def type_name(self) -> str:
        """The dtype's name, or the schema's for a type numpy cannot hold (int4, resource)."""
        return self.type.name.lower() if self.dtype is OPAQUE_DTYPE else self.dtype.name

    @property
    def is_constant(self) -> bool:
        return self.data is not None and not self.is_variable


@dataclass(frozen=True)
class OperatorCode:
    """An entry of the model's operator-code table."""

    builtin_code: int  # max(deprecated_builtin_code, builtin_code), as the schema says
    custom_code: str | None
    version: int

    @property
    def name(self) -> str:
        if self.builtin_code == BuiltinOperator.CUSTOM and self.custom_code is not None:
            return self.custom_code
        return BuiltinOperator(self.builtin_code).name


@dataclass
class Operator:
    index: int
    opcode_index: int
    builtin_code: int
    name: str  # "CONV_2D", or the custom code of a CUSTOM operator
    custom_code: str | None
    version: int
    inputs: tuple[int, ...]  # -1: an optional input left out
    outputs: tuple[int, ...]
    intermediates: tuple[int, ...]
    options: dict[str, Any]  # builtin options by field name, schema defaults filled in
    custom_options: bytes | None


@dataclass(eq=False)
class Subgraph:
    index: int
    name: str
    tensors: list[Tensor]
    operators: list[Operator]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]


@dataclass(eq=False)
class Model:
    version: int
    description: str
    subgraphs: list[Subgraph]
    buffers: list[bytes]  # contents of every buffer, b"" when empty
    metadata: dict[str, bytes]  # metadata entries: name -> buffer contents
    opcodes: list[OperatorCode]
