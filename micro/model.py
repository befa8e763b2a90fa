"""A verifying reader of ``.tflite`` files (TFLite flatbuffers, schema version 3).

No flatbuffers package: micro/flatbuffer.py walks the file through the tables of
`micro.schema`, checking every structural fact before it is used. Here, the model's own
consistency: buffer, opcode and tensor indices, shapes, tensor types, constant data sizes
and quantization parameters. A malformed file raises `ModelError` naming what is wrong and
where; no other exception escapes for bad input.

The views it returns (Model, Subgraph, Tensor, ...) live in micro/model_views.py and are
importable from here.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from . import int4, schema
from .errors import ModelError
from .flatbuffer import U32, FlatReader, builtin_options
from .model_views import (
    MAX_RANK,
    OPAQUE_DTYPE,
    Model,
    Operator,
    OperatorCode,
    Quantization,
    Subgraph,
    Tensor,
)
from .schema import BuiltinOperator, TensorType

__all__ = [
    "Model",
    "Operator",
    "OperatorCode",
    "Quantization",
    "Subgraph",
    "Tensor",
    "load_model",
]


def load_model(source: bytes | bytearray | memoryview | str | os.PathLike[str]) -> Model:
    """Read and verify a .tflite model from its bytes or from a file path."""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, bytearray):
        data = bytes(source)
    elif isinstance(source, memoryview):
        data = source.tobytes()
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if path.exists() and not path.is_file() and not path.is_dir():  # a folder: OSError
            raise ModelError(
                f"{path}: not a regular file (a device or a pipe); give a .tflite file"
            )
        data = path.read_bytes()
    else:
        raise TypeError(f"load_model() wants bytes or a path, not {type(source).__name__}")
    return _ModelReader(data).read()


class _ModelReader:
    def __init__(self, buf: bytes) -> None:
        self.buf = buf
        self.r = FlatReader(buf)

    def read(self) -> Model:
        buf, r = self.buf, self.r
        if len(buf) < 8:
            raise ModelError(
                f"file truncated: a .tflite file needs at least 8 bytes, file has {len(buf)} "
                "(an incomplete copy or download? get the file again)"
            )
        if buf[4:8] != schema.FILE_IDENTIFIER:
            raise ModelError(
                f"not a TFLite model: file identifier is {bytes(buf[4:8])!r}, expected b'TFL3' "
                "(convert a Keras or SavedModel model with tf.lite.TFLiteConverter first)"
            )
        m = r.decode(U32.unpack_from(buf, 0)[0], schema.MODEL, "model")
        if m["version"] != schema.SCHEMA_VERSION:
            raise ModelError(
                f"model: schema version {m['version']} is not supported "
                f"(expected {schema.SCHEMA_VERSION})"
            )
        self.buffers = [self._buffer(i, p) for i, p in enumerate(m["buffers"] or ())]
        self.opcodes = [self._opcode(i, p) for i, p in enumerate(m["operator_codes"] or ())]
        subgraphs = [self._subgraph(i, p) for i, p in enumerate(m["subgraphs"] or ())]
        metadata: dict[str, bytes] = {}
        for i, pos in enumerate(m["metadata"] or ()):
            where = f"metadata {i}"
            entry = r.decode(pos, schema.METADATA, where)
            name = entry["name"] or ""
            index = self._buffer_index(entry["buffer"], where)
            metadata[name] = self.buffers[index] if index < len(self.buffers) else b""
        return Model(
            version=m["version"],
            description=m["description"] or "",
            subgraphs=subgraphs,
            buffers=self.buffers,
            metadata=metadata,
            opcodes=self.opcodes,
        )

    def _buffer(self, index: int, pos: int) -> bytes:
        where = f"buffer {index}"
        b = self.r.decode(pos, schema.BUFFER, where)
        data: bytes = b["data"] or b""
        # offset/size (for models over 2 GB) are absolute file positions; valid if offset > 1.
        if b["offset"] > 1:
            if data:
                self.r.fail(where, "has both inline data and an offset into the file")
            self.r.need(b["offset"], b["size"], "buffer data", where)
            self.r.charge(b["size"], "buffer data", where)
            data = self.buf[b["offset"] : b["offset"] + b["size"]]
        if index == 0 and data:
            self.r.fail(where, f"buffer 0 must be the empty sentinel, it holds {len(data)} bytes")
        return data

    def _buffer_index(self, index: int, where: str) -> int:
        # Index 0 is the empty sentinel, valid even in a model that lists no buffers.
        if index >= len(self.buffers) and index != 0:
            self.r.fail(where, f"buffer index {index} out of range ({len(self.buffers)} buffers)")
        return index

    def _opcode(self, index: int, pos: int) -> OperatorCode:
        where = f"operator code {index}"
        c = self.r.decode(pos, schema.OPERATOR_CODE, where)
        deprecated = c["deprecated_builtin_code"]
        if deprecated < 0:
            self.r.fail(where, f"negative deprecated_builtin_code {deprecated}")
        code = BuiltinOperator(max(deprecated, c["builtin_code"]))
        custom = c["custom_code"]
        if code == BuiltinOperator.CUSTOM and custom is None:
            self.r.fail(where, "CUSTOM operator without a custom_code")
        if c["version"] < 1:
            self.r.fail(where, f"version {c['version']} is not >= 1")
        return OperatorCode(code, custom, c["version"])

    def _subgraph(self, index: int, pos: int) -> Subgraph:
        where = f"subgraph {index}"
        s = self.r.decode(pos, schema.SUBGRAPH, where)
        tensors = [
            self._tensor(f"{where}, tensor {i}", i, p) for i, p in enumerate(s["tensors"] or ())
        ]
        n = len(tensors)
        inputs = self._indices(s["inputs"], n, f"{where}: input", optional=False)
        outputs = self._indices(s["outputs"], n, f"{where}: output", optional=False)
        operators = [self._operator(where, i, p, n) for i, p in enumerate(s["operators"] or ())]
        return Subgraph(index, s["name"] or "", tensors, operators, inputs, outputs)

    def _indices(
        self, values: tuple[int, ...] | None, n: int, what: str, optional: bool
    ) -> tuple[int, ...]:
        if values is None:
            return ()
        low = -1 if optional else 0
        for i, v in enumerate(values):
            if not low <= v < n:
                hint = " (-1 is allowed only for optional operator inputs)" if v == -1 else ""
                raise ModelError(f"{what} {i}: tensor index {v} out of range ({n} tensors){hint}")
        return values

    def _tensor(self, where: str, index: int, pos: int) -> Tensor:
        r = self.r
        t = r.decode(pos, schema.TENSOR, where)
        name: str = t["name"] or ""
        where = f"{where} ({name!r})"
        ttype: TensorType = t["type"]
        shape: tuple[int, ...] = t["shape"] or ()
        if len(shape) > MAX_RANK:
            r.fail(where, f"rank {len(shape)} exceeds {MAX_RANK}")
        if any(d < 0 for d in shape):
            r.fail(where, f"shape {list(shape)} has a negative dimension")
        signature: tuple[int, ...] | None = t["shape_signature"]
        if signature is not None and (
            len(signature) != len(shape)
            or any(s != d and s != -1 for s, d in zip(signature, shape, strict=True))
        ):
            r.fail(where, f"shape_signature {list(signature)} does not match shape {list(shape)}")
        if t["sparsity"] is not None:
            r.fail(where, "sparse tensors are not supported")
        if t["external_buffer"]:
            r.fail(where, "tensors in external buffers are not supported")
        dtype = schema.NUMPY_DTYPES.get(ttype, OPAQUE_DTYPE)
        buffer = self._buffer_index(t["buffer"], where)
        data = None
        if buffer < len(self.buffers) and self.buffers[buffer]:
            raw = self.buffers[buffer]
            if ttype == TensorType.INT4:
                data = self._int4(where, buffer, raw, shape)
            elif dtype is OPAQUE_DTYPE:
                r.fail(where, f"constant data of type {ttype.name} cannot be represented")
            else:
                expected = math.prod(shape) * dtype.itemsize
                if len(raw) != expected:
                    r.fail(
                        where,
                        f"buffer {buffer} holds {len(raw)} bytes, but shape {list(shape)} of "
                        f"{ttype.name} needs {expected}",
                    )
                data = np.frombuffer(raw, dtype=dtype).reshape(shape)
        quant = None
        if t["quantization"] is not None:
            # tflite-micro's compressor leaves a per-channel quantization on the uint8 bytes
            # that encode a tensor for TFLM_DECODE, which carry no quantized values: TFLM
            # ignores it, and so does micro when it does not fit the bytes' shape.
            encoded = ttype == TensorType.UINT8 and data is not None
            quant = self._quantization(where, t["quantization"], shape, encoded)
        return Tensor(
            index=index,
            name=name,
            shape=shape,
            dtype=dtype,
            type=ttype,
            buffer=buffer,
            data=data,
            quant=quant,
            is_variable=t["is_variable"],
            shape_signature=signature,
        )

    def _int4(self, where: str, buffer: int, raw: bytes, shape: tuple[int, ...]) -> np.ndarray:
        """INT4 constant data, packed two values a byte (micro/int4.py), as int8 values."""
        count = math.prod(shape)
        if len(raw) != int4.packed_size(count):
            self.r.fail(
                where,
                f"buffer {buffer} holds {len(raw)} bytes, but shape {list(shape)} of INT4 "
                f"needs {int4.packed_size(count)} (two 4-bit values per byte)",
            )
        data = int4.unpack(raw, count).reshape(shape)
        data.flags.writeable = False
        return data

    def _quantization(
        self, where: str, pos: int, shape: tuple[int, ...], encoded: bool = False
    ) -> Quantization | None:
        q = self.r.decode(pos, schema.QUANTIZATION, where)
        scale = q["scale"] or ()
        zero_point = q["zero_point"] or ()
        if not scale:
            return None  # min/max only, or nothing: not quantized
        if len(zero_point) != len(scale):
            self.r.fail(
                where,
                f"quantization has {len(scale)} scales but {len(zero_point)} zero points",
            )
        dim = q["quantized_dimension"]
        if dim < 0:
            self.r.fail(where, f"negative quantized_dimension {dim}")
        if dim >= len(shape) and (len(scale) == 1 or (len(shape) == 1 and len(scale) == shape[0])):
            # TFLM ignores the axis of a per-tensor or 1-D tensor's quantization, and real
            # models carry stale ones (person_detect's biases say 3), so read it as axis 0.
            dim = 0
        if len(scale) > 1:
            if encoded and (dim >= len(shape) or shape[dim] != len(scale)):
                return None
            if dim >= len(shape):
                self.r.fail(
                    where,
                    f"quantized_dimension {dim} out of range for shape {list(shape)}",
                )
            if shape[dim] != len(scale):
                self.r.fail(
                    where,
                    f"{len(scale)} per-channel scales, but dimension {dim} of shape "
                    f"{list(shape)} has {shape[dim]} channels",
                )
        scale_array = np.array(scale, dtype=np.float32)
        zp_array = np.array(zero_point, dtype=np.int64)
        scale_array.flags.writeable = False
        zp_array.flags.writeable = False
        return Quantization(scale_array, zp_array, dim)

    def _operator(self, graph: str, index: int, pos: int, n_tensors: int) -> Operator:
        r = self.r
        where = f"{graph}, operator {index}"
        o = r.decode(pos, schema.OPERATOR, where)
        opcode_index = o["opcode_index"]
        if opcode_index >= len(self.opcodes):
            r.fail(
                where,
                f"opcode index {opcode_index} out of range ({len(self.opcodes)} opcodes)",
            )
        code = self.opcodes[opcode_index]
        where = f"{where} ({code.name})"
        inputs = self._indices(o["inputs"], n_tensors, f"{where}: input", optional=True)
        outputs = self._indices(o["outputs"], n_tensors, f"{where}: output", optional=False)
        intermediates = self._indices(
            o["intermediates"], n_tensors, f"{where}: intermediate", optional=False
        )
        options = builtin_options(self.r, o, code.builtin_code, code.name, where)
        custom: bytes | None = o["custom_options"]
        if o["large_custom_options_offset"] > 1:
            if custom:
                r.fail(where, "has both inline custom options and an offset into the file")
            start, size = o["large_custom_options_offset"], o["large_custom_options_size"]
            r.need(start, size, "custom options", where)
            r.charge(size, "custom options", where)
            custom = self.buf[start : start + size]
        return Operator(
            index=index,
            opcode_index=opcode_index,
            builtin_code=code.builtin_code,
            name=code.name,
            custom_code=code.custom_code,
            version=code.version,
            inputs=inputs,
            outputs=outputs,
            intermediates=intermediates,
            options=options,
            custom_options=custom,
        )
