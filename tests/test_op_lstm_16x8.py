"""UNIDIRECTIONAL_SEQUENCE_LSTM int16x8 (TFLM's 16x8->16 LSTM, kernel lstm_s16): generated
models with random batch, time steps, sizes, layout, cell scale and clip, byte-exact against
TFLM over consecutive invokes (state carried) and after reset(); sums beyond int32 and
biases near the 64-bit requantization's range; the converter's own 16x8 LSTM (slow)."""

from __future__ import annotations

import numpy as np
import pytest
from support.oracle import assert_matches_tflm, assert_sequence_matches_tflm
from test_op_lstm import lstm_model, random_model

import micro
from micro.errors import UnsupportedOpError


@pytest.mark.parametrize("seed", range(40))
def test_matches_tflm_over_invokes_and_reset(seed: int) -> None:
    assert_sequence_matches_tflm(random_model(seed, wide=True), 6, seed, resets=(4,))


def test_long_rows_sum_beyond_int32_as_tflm() -> None:
    """600 int16 x int8 products of up to 2^22 each: the sum leaves int32, TFLM's int64
    accumulator keeps it (micro adds chunks in int64)."""
    model = lstm_model(np.random.default_rng(5), 2, 3, 600, 20, wide=True)
    assert_matches_tflm(model, seeds=(0, 1))


def test_bias_beyond_2_46_is_unsupported() -> None:
    rng = np.random.default_rng(0)
    model = lstm_model(rng, 1, 2, 4, 3, wide=True)
    data = bytearray(model)
    # The generator's biases are below 2^20; rebuild one with a bias of 2^50.
    graph = micro.load_model(model).subgraphs[0]
    bias = next(t for t in graph.tensors if t.name == "bias_cell")
    raw = bytes(np.asarray(bias.data, np.int64).tobytes())
    at = data.find(raw)
    assert at > 0
    data[at : at + 8] = np.int64(1 << 50).tobytes()
    with pytest.raises(UnsupportedOpError, match="2\\^46"):
        micro.Interpreter.from_bytes(bytes(data))
