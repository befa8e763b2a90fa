"""micro.flexbuffers: decoding, the writer's round trip, and hostile buffers."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

from micro import flexbuffers
from micro.errors import ModelError

# Custom options of TFLM's audio_preprocessor_int8.tflite, as its converter wrote them.
TFLM_OPTIONS = {
    "73686966740001070101010c04022401": {"shift": 12},
    "00000100002401": {},
    "54006666745f6c656e67746800020e0d020001000200070000020505062501": {
        "T": 7,
        "fft_length": 512,
    },
    "736e725f736869667400010b0101010604022401": {"snr_shift": 6},
}


@pytest.mark.parametrize("hexdata", sorted(TFLM_OPTIONS))
def test_decodes_converter_output(hexdata: str) -> None:
    assert flexbuffers.loads(bytes.fromhex(hexdata)) == TFLM_OPTIONS[hexdata]


@pytest.mark.parametrize(
    "value",
    [
        {},
        {"a": 1},
        {"neg": -5, "big": 1 << 40, "small": -(1 << 40), "flag": True, "off": False},
        {"x": 0.5, "y": -1e30, "n": 3},
        {f"key{i:03d}": i * 1000 for i in range(300)},
    ],
)
def test_round_trip(value: dict) -> None:
    assert flexbuffers.loads(flexbuffers.dumps(value)) == value


def test_scalar_root_and_vectors() -> None:
    # root int 7 (width 1): value, packed type INT|w1, root width
    assert flexbuffers.loads(bytes([7, 1 << 2, 1])) == 7
    # untyped vector [1, true]: size, values, types; root offset 4 back
    data = bytes([2, 1, 1, 1 << 2, 26 << 2, 4, 10 << 2, 1])
    assert flexbuffers.loads(data) == [1, True]
    # typed int vector [3, 4] (VECTOR_INT = 11)
    assert flexbuffers.loads(bytes([2, 3, 4, 2, 11 << 2, 1])) == [3, 4]
    # string "hi" (size 2, bytes, nul)
    assert flexbuffers.loads(bytes([2, ord("h"), ord("i"), 0, 3, 5 << 2, 1])) == "hi"


def test_map_loads_requires_a_map() -> None:
    with pytest.raises(ModelError, match="expected a FlexBuffers map"):
        flexbuffers.loads_map(bytes([7, 1 << 2, 1]))
    with pytest.raises(ModelError, match="missing"):
        flexbuffers.loads_map(None)


def test_hostile_buffers_are_model_errors() -> None:
    """Truncations, bit flips and random bytes never raise anything but ModelError."""
    rng = np.random.default_rng(0)
    seeds = [bytes.fromhex(h) for h in TFLM_OPTIONS]
    seeds.append(flexbuffers.dumps({"a": 1, "b": True, "c": 2.5}))
    cases = []
    for data in seeds:
        cases += [data[:k] for k in range(len(data))]
        for _ in range(200):
            raw = bytearray(data)
            raw[int(rng.integers(len(raw)))] ^= 1 << int(rng.integers(8))
            cases.append(bytes(raw))
    cases += [
        rng.integers(0, 256, int(rng.integers(0, 40)), dtype=np.uint8).tobytes() for _ in range(500)
    ]
    cases.append(bytes([0, 0, 10 << 2, 1]))  # a vector whose element points at itself
    for raw in cases:
        with contextlib.suppress(ModelError):
            flexbuffers.loads(raw)


def test_writer_rejects_what_it_cannot_encode() -> None:
    with pytest.raises(TypeError):
        flexbuffers.dumps({"a": "text"})  # type: ignore[dict-item]
    with pytest.raises(ValueError):
        flexbuffers.dumps({"a": 1 << 70})
