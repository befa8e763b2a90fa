"""TFLM_DECODE (lookup tables): models compressed by tflite-micro's own compressor (bundled
with the wheel) run bit-exact with TFLM and give the uncompressed model's bytes; the header
variants micro refuses, and why."""

from __future__ import annotations

import importlib
import warnings
from typing import Any

import numpy as np
import pytest
from support.oracle import assert_matches_tflm, run_tflm

import micro
from micro.ops.decode import unpack_indices
from micro.schema import Padding
from micro.writer import ModelBuilder

PER_TENSOR = "per_tensor"


def compressed(model: bytes, tensors: dict[int, tuple[int, str | int]]) -> bytes:
    """`model` with tensors {index: (index bits, PER_TENSOR or a channel axis)} compressed by
    tflite-micro's compressor (lookup tables), which inserts the TFLM_DECODE operators."""
    root = "tflite_micro.tensorflow.lite.micro.compression"
    compress = importlib.import_module(f"{root}.compress")
    spec = importlib.import_module(f"{root}.spec")
    specs = [
        spec.Tensor(
            subgraph=0,
            tensor=index,
            compression=[
                spec.LookUpTableCompression(
                    index_bitwidth=bits,
                    mode=spec.PerTensor() if axis == PER_TENSOR else spec.PerChannel(axis=axis),
                )
            ],
        )
        for index, (bits, axis) in tensors.items()
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "resulted in expansion": small test tensors
        return bytes(compress.compress(model, specs))


def conv_model(seed: int, per_channel: bool, levels: int) -> tuple[bytes, dict[str, Any]]:
    """CONV_2D whose weights take `levels` values per output channel (what a lookup table
    compresses), per-channel or per-tensor quantized; tensor 1 is the filter, 2 the bias."""
    rng = np.random.default_rng([seed, 14])
    oc, k, ic = int(rng.integers(2, 6)), int(rng.integers(1, 4)), int(rng.integers(1, 5))
    palette = rng.integers(-127, 128, (oc if per_channel else 1, levels)).repeat(
        1 if per_channel else oc, 0
    )
    weights = np.take_along_axis(palette, rng.integers(0, levels, (oc, k * k * ic)), 1)
    scales = rng.uniform(0.005, 0.02, oc) if per_channel else np.array([0.01])
    b = ModelBuilder()
    x = b.add_tensor("x", (1, 6, 6, ic), "int8", scale=0.05, zero_point=-2)
    w = b.add_tensor(
        "w",
        (oc, k, k, ic),
        "int8",
        data=weights.reshape(oc, k, k, ic).astype(np.int8),
        scale=scales,
        zero_point=np.zeros(len(scales), np.int64),
    )
    bias = b.add_tensor(
        "bias",
        (oc,),
        "int32",
        data=rng.choice([-900, 0, 350], oc).astype(np.int32),
        scale=0.05 * scales,
        zero_point=np.zeros(len(scales), np.int64),
    )
    y = b.add_tensor("y", (1, 6 - k + 1, 6 - k + 1, oc), "int8", scale=0.3, zero_point=4)
    b.add_operator(
        "CONV_2D", [x, w, bias], [y], {"padding": Padding.VALID, "stride_h": 1, "stride_w": 1}
    )
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build(), {"oc": oc}


def assert_same_as_uncompressed(model: bytes, small: bytes) -> None:
    it = micro.Interpreter.from_bytes(small)
    x = np.random.default_rng(3).integers(-128, 128, it.get_input_details(0)["shape"])
    x = x.astype(np.int8)
    plain = run_tflm(model, [x], 1)[0]
    it.set_input(x, 0)
    it.invoke()
    assert it.get_output(0).tobytes() == np.asarray(plain).tobytes()


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("per_channel", [True, False])
def test_compressed_conv_matches_tflm(seed: int, per_channel: bool) -> None:
    levels = [2, 3, 4, 7, 16, 100][seed]
    bits = max(1, (levels - 1).bit_length()) + seed % 2  # some wider than needed
    model, _ = conv_model(seed, per_channel, levels)
    filter_axis = 0 if per_channel else PER_TENSOR
    small = compressed(model, {1: (min(bits, 7), filter_axis), 2: (2, filter_axis)})
    assert b"TFLM_DECODE" in small
    assert_matches_tflm(small)
    assert_same_as_uncompressed(model, small)


@pytest.mark.parametrize("dtype", ["int16", "int32", "float32"])
def test_other_types_decode_as_tflm(dtype: str) -> None:
    """A compressed constant second input of ADD: int16, int32 and float32 tables."""
    rng = np.random.default_rng(5)
    values = rng.choice(np.array([-3, 0, 7, 1000], dtype), (3, 5))
    quant = {"scale": 0.01, "zero_point": 0} if dtype == "int16" else {}
    b = ModelBuilder()
    x = b.add_tensor("x", (3, 5), dtype, **quant)
    c = b.add_tensor("c", (3, 5), dtype, data=values, **quant)
    y = b.add_tensor("y", (3, 5), dtype, **quant)
    b.add_operator("ADD", [x, c], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    model = b.build()
    small = compressed(model, {1: (2, PER_TENSOR)})
    assert_matches_tflm(small)


def test_indices_unpack_most_significant_bit_first() -> None:
    """Independent of the compressor: 3-bit indices 5, 1, 7 are 101 001 11|1 (then padding)."""
    assert unpack_indices(bytes([0b10100111, 0b10000000]), 3, 3).tolist() == [5, 1, 7]


def _decode_model(header: bytes, encoded: bytes, out_quant: dict[str, Any]) -> bytes:
    b = ModelBuilder()
    x = b.add_tensor("x", (2, 4), "int8", scale=0.1, zero_point=0)
    e = b.add_tensor("encoded", (len(encoded),), "uint8", data=np.frombuffer(encoded, np.uint8))
    a = b.add_tensor("ancillary", (len(header),), "uint8", data=np.frombuffer(header, np.uint8))
    w = b.add_tensor("w", (2, 4), "int8", **out_quant)
    y = b.add_tensor("y", (2, 4), "int8", scale=0.1, zero_point=0)
    b.add_operator("CUSTOM", [e, a], [w], custom_code="TFLM_DECODE")
    b.add_operator("ADD", [x, w], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


def _header(
    kind: int = 0, params: int = 0xF1, stride: int = 2, tables: bytes = b"\x05\xf0"
) -> bytes:
    return bytes([kind, 1, 0, 0, 1, params, stride]) + bytes(9) + tables


Q = {"scale": 0.1, "zero_point": 0}


@pytest.mark.parametrize(
    ("header", "encoded", "quant", "error", "match"),
    [
        (_header(kind=1), b"\xff", Q, micro.UnsupportedOpError, "Huffman"),
        (_header(kind=2), b"\xff", Q, micro.UnsupportedOpError, "pruning"),
        (_header()[:10], b"\xff", Q, micro.ModelError, "header alone"),
        (_header(params=0xF0), b"\xff", Q, micro.ModelError, "index width 0"),
        (_header(0, 0xF2, 4, bytes(4)), b"\xff", Q, micro.ModelError, "encoded bytes hold fewer"),
        (_header(params=0xF2, stride=2), b"\xff\xff", Q, micro.ModelError, "beyond its table"),
        (_header(tables=b"\x05"), b"\xff", Q, micro.ModelError, "bytes of tables"),
        (_header(params=0x01), b"\xff", Q, micro.UnsupportedOpError, "TFLM decodes by the"),
        (
            _header(),
            b"\xff",
            {"scale": [0.1, 0.2], "zero_point": [0, 0]},
            micro.UnsupportedOpError,
            "TFLM decodes by the",
        ),
    ],
)
def test_refusals(
    header: bytes, encoded: bytes, quant: dict[str, Any], error: type, match: str
) -> None:
    with pytest.raises(error, match=match) as info:
        micro.Interpreter.from_bytes(_decode_model(header, encoded, quant))
    assert "operator 0 (TFLM_DECODE" in str(info.value)


def test_hand_made_header_decodes() -> None:
    """One table (5, -16) and 1-bit indices 10110011: x + 0 gives -16 5 -16 -16 5 5 -16 -16."""
    model = _decode_model(_header(), b"\xb3", Q)
    it = micro.Interpreter.from_bytes(model)
    it.set_input(np.zeros((2, 4), np.int8), 0)
    it.invoke()
    assert it.get_output(0).ravel().tolist() == [-16, 5, -16, -16, 5, 5, -16, -16]
    assert_matches_tflm(model, inputs=[np.zeros((2, 4), np.int8)])
