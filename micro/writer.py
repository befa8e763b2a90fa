"""A writer of ``.tflite`` files: `ModelBuilder` collects tensors and operators, `build()`
serializes them with a small flatbuffer builder of our own (micro/flatbuffer_builder.py).
Options go through the same `micro.schema` tables the reader uses, so there is no
per-operator code here either.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from . import schema
from .flatbuffer_builder import FlatBufferBuilder, normalize_options
from .schema import BuiltinOperator, TensorType
from .writer_tables import GraphSpec, OperatorSpec, TensorSpec, as_data, encode_graph

__all__ = ["ModelBuilder"]


class ModelBuilder:
    """Collects one subgraph's tensors and operators; `build()` returns the .tflite bytes.

    Each tensor with data gets a buffer of its own; tensors without data use buffer 0, the
    empty sentinel. Operator codes are shared by (builtin code, custom code, version).
    """

    def __init__(self, description: str = "micro") -> None:
        self.description = description
        self._graphs = [GraphSpec("main")]
        self._graph = self._graphs[0]  # the subgraph tensors and operators are added to
        self._opcodes: dict[tuple[int, str | None, int], int] = {}
        self._buffers: list[bytes] = [b""]
        self._metadata: list[tuple[str, int]] = []

    def add_tensor(
        self,
        name: str,
        shape: Sequence[int],
        dtype: TensorType | str | np.dtype[Any] | type,
        data: npt.ArrayLike | None = None,
        scale: float | Sequence[float] | np.ndarray | None = None,
        zero_point: int | Sequence[int] | np.ndarray | None = None,
        quantized_dimension: int = 0,
        is_variable: bool = False,
        shape_signature: Sequence[int] | None = None,
    ) -> int:
        """Add a tensor and return its index. `data` (an array convertible to the type
        without loss, or raw little-endian bytes) makes it constant; `scale` (one, or one per
        channel along `quantized_dimension`) and `zero_point` (default 0) quantize it.
        `shape_signature` may mark dimensions unknown (-1)."""
        ttype = schema.tensor_type(dtype)
        dims = tuple(int(d) for d in shape)
        if any(d < 0 for d in dims):
            raise ValueError(f"tensor {name!r}: negative dimension in shape {list(dims)}")
        buffer = 0
        if data is not None:
            raw = as_data(data, ttype, dims, name)
            if raw:
                buffer = len(self._buffers)
                self._buffers.append(raw)
        scales: tuple[float, ...] | None = None
        zero_points: tuple[int, ...] | None = None
        if scale is not None:
            scales = tuple(float(s) for s in np.atleast_1d(np.asarray(scale, dtype=np.float64)))
            if zero_point is None:
                zero_points = (0,) * len(scales)
            else:
                zero_points = tuple(int(z) for z in np.atleast_1d(np.asarray(zero_point)))
            if len(zero_points) != len(scales) or not scales:
                raise ValueError(
                    f"tensor {name!r}: {len(scales)} scales but {len(zero_points)} zero points"
                )
            if len(scales) > 1 and not (
                0 <= quantized_dimension < len(dims) and dims[quantized_dimension] == len(scales)
            ):
                raise ValueError(
                    f"tensor {name!r}: {len(scales)} per-channel scales do not match dimension "
                    f"{quantized_dimension} of shape {list(dims)}"
                )
        elif zero_point is not None:
            raise ValueError(f"tensor {name!r}: a zero_point needs a scale")
        signature = None
        if shape_signature is not None:
            signature = tuple(int(d) for d in shape_signature)
            if len(signature) != len(dims) or any(
                s != d and s != -1 for s, d in zip(signature, dims, strict=True)
            ):
                raise ValueError(
                    f"tensor {name!r}: shape_signature {list(signature)} does not match "
                    f"shape {list(dims)}"
                )
        self._graph.tensors.append(
            TensorSpec(
                name,
                dims,
                ttype,
                buffer,
                scales,
                zero_points,
                quantized_dimension,
                is_variable,
                signature,
            )
        )
        return len(self._graph.tensors) - 1

    def add_operator(
        self,
        op: BuiltinOperator | int | str,
        inputs: Sequence[int],
        outputs: Sequence[int],
        options: Mapping[str, Any] | None = None,
        version: int = 1,
        custom_code: str | None = None,
        custom_options: bytes | None = None,
        intermediates: Sequence[int] = (),
    ) -> int:
        """Add an operator and return its index. `op` is a BuiltinOperator or its name; a
        custom operator is op="CUSTOM" with its `custom_code`. `options` are the builtin
        options by schema field name (enum fields also take member names); the options
        table is the one the operator carries. An input of -1 leaves an optional input out.
        """
        try:
            code = BuiltinOperator[op.upper()] if isinstance(op, str) else BuiltinOperator(op)
        except (KeyError, ValueError):
            raise ValueError(
                f"unknown builtin operator {op!r} (a custom operator is op='CUSTOM' with "
                "custom_code=...)"
            ) from None
        if code == BuiltinOperator.CUSTOM and not custom_code:
            raise ValueError("a CUSTOM operator needs a custom_code")
        if code != BuiltinOperator.CUSTOM and custom_code is not None:
            raise ValueError(f"{code.name} is a builtin operator: it takes no custom_code")
        if version < 1:
            raise ValueError(f"{code.name}: version {version} is not >= 1")
        spec = schema.op_options(code)
        encoded: tuple[schema.OptionsSpec, dict[str, Any]] | None = None
        if spec is not None:
            encoded = (spec, normalize_options(code.name, spec.table, options or {}))
        elif options:
            raise ValueError(f"{code.name} takes no builtin options")
        key = (int(code), custom_code, version)
        opcode = self._opcodes.setdefault(key, len(self._opcodes))
        self._graph.operators.append(
            OperatorSpec(
                opcode,
                tuple(int(i) for i in inputs),
                tuple(int(o) for o in outputs),
                tuple(int(i) for i in intermediates),
                encoded,
                None if custom_options is None else bytes(custom_options),
            )
        )
        return len(self._graph.operators) - 1

    def set_inputs(self, inputs: Sequence[int]) -> None:
        self._graph.inputs = tuple(int(i) for i in inputs)

    def set_outputs(self, outputs: Sequence[int]) -> None:
        self._graph.outputs = tuple(int(o) for o in outputs)

    def add_subgraph(self, name: str) -> int:
        """Start another subgraph (e.g. CALL_ONCE's init subgraph) and return its index;
        tensors, operators, inputs and outputs now go to it."""
        self._graphs.append(GraphSpec(name))
        return self.select_subgraph(len(self._graphs) - 1)

    def select_subgraph(self, index: int) -> int:
        """Add tensors and operators to subgraph `index` (0: the first, "main")."""
        self._graph = self._graphs[index]
        return index

    def add_metadata(self, name: str, data: bytes) -> None:
        self._metadata.append((name, len(self._buffers)))
        self._buffers.append(bytes(data))

    def _check(self) -> None:
        for g, graph in enumerate(self._graphs):
            n = len(graph.tensors)
            where = f"subgraph {g}" if len(self._graphs) > 1 else "subgraph"
            for what, indices in (("input", graph.inputs), ("output", graph.outputs)):
                for i in indices:
                    if not 0 <= i < n:
                        raise ValueError(
                            f"{where} {what}: tensor index {i} out of range ({n} tensors)"
                        )
            for k, op in enumerate(graph.operators):
                for i in op.inputs:
                    if not -1 <= i < n:
                        raise ValueError(
                            f"operator {k}: input tensor {i} out of range ({n} tensors)"
                        )
                for o in op.outputs + op.intermediates:
                    if not 0 <= o < n:
                        raise ValueError(f"operator {k}: tensor {o} out of range ({n} tensors)")

    def build(self, use_buffer_offset: bool = False) -> bytes:
        """Serialize the model (schema version 3, identifier TFL3).

        With `use_buffer_offset`, buffer contents and custom options are stored after the
        flatbuffer and referenced by absolute file offset and size, as TFLite does for
        models over 2 GB; otherwise they are inline vectors. (LiteRT reads such files; TFLM
        does not.)
        """
        self._check()
        if not use_buffer_offset:
            return self._serialize(None, None)
        blobs = [raw for raw in self._buffers if raw]
        blobs += [
            op.custom_options for g in self._graphs for op in g.operators if op.custom_options
        ]
        # The head's size does not depend on the offset values (always-present ulongs), so
        # one pass with placeholders measures it and a second writes the real offsets.
        head = self._serialize([2] * len(blobs), blobs)
        offsets = []
        end = len(head)
        for blob in blobs:
            end += (-end) % 16
            offsets.append(end)
            end += len(blob)
        head = self._serialize(offsets, blobs)
        out = bytearray(head)
        for offset, blob in zip(offsets, blobs, strict=True):
            out += bytes(offset - len(out))
            out += blob
        return bytes(out)

    def _serialize(self, offsets: list[int] | None, blobs: list[bytes] | None) -> bytes:
        fb = FlatBufferBuilder()
        enc = fb.encode
        located = iter(zip(offsets or (), blobs or (), strict=True))

        def place(raw: bytes | None) -> dict[str, Any]:
            if not raw or offsets is None:
                return {}
            offset, blob = next(located)
            assert blob is raw
            return {"offset": offset, "size": len(raw)}

        # Buffer contents first: they end up at the end of the file, 16-byte aligned.
        buffers = [enc(schema.BUFFER, place(raw) or {"data": raw or None}) for raw in self._buffers]
        subgraphs = [encode_graph(fb, g, place) for g in self._graphs]
        opcodes = [
            enc(
                schema.OPERATOR_CODE,
                {
                    "deprecated_builtin_code": min(
                        code, BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES
                    ),
                    "custom_code": custom,
                    "version": version,
                    "builtin_code": code,
                },
            )
            for code, custom, version in self._opcodes
        ]
        metadata = [enc(schema.METADATA, {"name": name, "buffer": b}) for name, b in self._metadata]
        root = enc(
            schema.MODEL,
            {
                "version": schema.SCHEMA_VERSION,
                "operator_codes": opcodes,
                "subgraphs": subgraphs,
                "description": self.description,
                "buffers": buffers,
                "metadata": metadata or None,
            },
        )
        return fb.finish(root, schema.FILE_IDENTIFIER)
