"""TFLM_DECODE (TFLM's custom op for compressed tensors), lookup-table decoding, folded at
compile time: every input is constant, so micro decodes each output once into constant data
(the Program then holds the decoded tensor: no flash saving, the same bytes downstream).

Inputs come in pairs, (encoded, ancillary) per output. The ancillary tensor (uint8) starts
with a 16-byte header: byte 0 the decode type (0 lookup table, 1 Huffman, 2 pruning, 128 and
up custom), byte 1 the header version (1). For a lookup table: byte 4 its version (1), byte
5 the channel axis (bits 7-4; 15: one table for the whole tensor) and the index width (bits
2-0, 1 to 7), byte 6 the entries per table; the tables follow from byte 16, one per channel,
in the output's type. The encoded tensor is the indices, each `width` bits, most significant
bit first, element after element in the output's order. TFLM takes the channels from the
output's quantization, not from the header: per-channel scales along axis 0 own consecutive
runs of elements, along the last axis they take turns; one scale or none, one table."""

from __future__ import annotations

import math

import numpy as np

from ..model import Tensor
from .base import OpContext, prepares

HEADER_BYTES = 16
LUT, PER_TENSOR = 0, 15
_TYPES = ("bool", "float32", "int8", "int16", "int32", "int64")
_OTHER = {1: "Huffman", 2: "pruning"}


def _bytes(ctx: OpContext, i: int, what: str) -> bytes:
    tensor = ctx.input(i)
    ctx.check_dtype(tensor, "uint8", "int8")
    return np.ascontiguousarray(ctx.const_input(i, what)).tobytes()


def unpack_indices(encoded: bytes, count: int, width: int) -> np.ndarray:
    """`count` indices of `width` bits each, most significant bit first."""
    bits = np.unpackbits(np.frombuffer(encoded, np.uint8))[: count * width]
    weights = 1 << np.arange(width - 1, -1, -1)
    return bits.reshape(count, width).astype(np.int64) @ weights


def _channels(ctx: OpContext, out: Tensor, axis_field: int) -> tuple[int, bool]:
    """(channels, whether they take turns) as TFLM decides them: from the output's
    quantization (its scales, and an axis of 0 or the last), not from the header's axis."""
    where = f"output {out.index} ('{out.name}')"
    q = out.quant
    channels = len(q.scale) if q is not None and len(q.scale) else 1
    dim = q.quantized_dimension if q is not None else 0
    rank = len(out.shape)
    turns = channels > 1 and dim == rank - 1
    if not turns and dim != 0:
        raise ctx.unsupported(f"{where}: quantized along axis {dim}; TFLM decodes axis 0 or last")
    header_axis = None if axis_field == PER_TENSOR else axis_field
    ours = None if channels == 1 else (rank - 1 if turns else 0)
    one_table = header_axis is not None and ours is None and out.shape[header_axis] == 1
    if header_axis != ours and not one_table:
        raise ctx.unsupported(
            f"{where}: the header's tables run along "
            f"{'the whole tensor' if header_axis is None else f'axis {header_axis}'}, its "
            f"quantization's along {'the whole tensor' if ours is None else f'axis {ours}'}: "
            "TFLM decodes by the quantization, so its bytes would not be the tensor's"
        )
    return channels, turns


def decode_lut(ctx: OpContext, encoded: bytes, header: bytes, out: Tensor) -> np.ndarray:
    """The output's values from the indices and the tables after `header`."""
    version, params, stride = header[4], header[5], header[6]
    width = params & 0x07
    where = f"output {out.index} ('{out.name}')"
    if version != 1:
        raise ctx.unsupported(f"{where}: lookup-table version {version}; micro reads version 1")
    if width == 0:
        raise ctx.malformed(f"{where}: index width 0 (1 to 7 bits)")
    channels, turns = _channels(ctx, out, params >> 4)
    count = math.prod(out.shape)
    if count % channels:
        raise ctx.malformed(f"{where}: {count} elements do not split into {channels} channels")
    if len(encoded) * 8 < count * width:
        raise ctx.malformed(
            f"{where}: {len(encoded)} encoded bytes hold fewer than {count} indices of {width} bits"
        )
    itemsize = out.dtype.itemsize
    tables_bytes = len(header) - HEADER_BYTES
    if tables_bytes < channels * stride * itemsize:
        raise ctx.malformed(
            f"{where}: the ancillary tensor holds {tables_bytes} bytes of tables; "
            f"{channels} tables of {stride} {out.dtype.name} entries need "
            f"{channels * stride * itemsize}"
        )
    tables = np.frombuffer(
        header[HEADER_BYTES : HEADER_BYTES + channels * stride * itemsize], out.dtype
    ).reshape(channels, stride)
    indices = unpack_indices(encoded, count, width)
    if indices.size and int(indices.max()) >= stride:
        raise ctx.malformed(
            f"{where}: an index ({int(indices.max())}) beyond its table of {stride} entries"
        )
    channel = np.arange(count) % channels if turns else np.arange(count) // (count // channels)
    return tables[channel, indices].reshape(out.shape)


@prepares("TFLM_DECODE", types=", ".join(_TYPES) + " (lookup tables, at compile time)")
def decode(ctx: OpContext) -> None:
    n_out = len(ctx.op.outputs)
    if n_out == 0 or ctx.n_inputs != 2 * n_out:
        raise ctx.malformed(
            f"has {ctx.n_inputs} inputs and {n_out} outputs; expected two inputs "
            "(encoded, ancillary) per output"
        )
    for k in range(n_out):
        out = ctx.output(k)
        ctx.check_dtype(out, *_TYPES)
        encoded = _bytes(ctx, 2 * k, f"the encoded tensor of output {k}")
        header = _bytes(ctx, 2 * k + 1, f"the ancillary tensor of output {k}")
        if len(header) < HEADER_BYTES:
            raise ctx.malformed(
                f"ancillary tensor of output {k} has {len(header)} bytes; its header alone "
                f"takes {HEADER_BYTES}"
            )
        kind, version = header[0], header[1]
        if version != 1:
            raise ctx.unsupported(f"output {k}: decode header version {version}; micro reads 1")
        if kind != LUT:
            name = _OTHER.get(kind, f"custom ({kind})" if kind >= 128 else f"unknown ({kind})")
            raise ctx.unsupported(
                f"output {k}: {name} decoding; micro decodes lookup tables only (the "
                "tflite-micro compressor writes no other kind to test against)"
            )
        ctx.constant(out, decode_lut(ctx, encoded, header, out))
