"""The reference models (TFLM examples, MLPerf Tiny), byte-identical to TFLM on random inputs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support.oracle import assert_matches_tflm, assert_sequence_matches_tflm, random_inputs

import micro

MODELS = [
    "tflm/hello_world/hello_world_int8.tflite",
    "tflm/hello_world/hello_world_float.tflite",
    "tflm/micro_speech/micro_speech_quantized.tflite",
    "tflm/micro_speech/audio_preprocessor_int8.tflite",
    "tflm/person_detection/person_detect.tflite",
    "mlperf_tiny/kws_ref_model.tflite",
    "mlperf_tiny/vww_96_int8.tflite",
    "mlperf_tiny/pretrainedResnet_quant.tflite",
    "mlperf_tiny/ad01_int8.tflite",
    "tflm/mnist_lstm/trained_lstm_int8.tflite",
    "tflm/keyword/keyword_scrambled_8bit.tflite",
    "tflm/keyword/keyword_scrambled.tflite",
]


@pytest.mark.parametrize("rel", MODELS, ids=lambda r: Path(r).stem)
def test_matches_tflm(rel: str, reference: Callable[[str], Path]) -> None:
    assert_matches_tflm(reference(rel).read_bytes(), seeds=(0, 1, 2, 3))


@pytest.mark.parametrize("rel", MODELS, ids=lambda r: Path(r).stem)
def test_exact_arena_runs_and_one_byte_less_is_refused(
    rel: str, reference: Callable[[str], Path]
) -> None:
    data = reference(rel).read_bytes()
    it = micro.Interpreter.from_bytes(data, fastest=False)
    need = it.arena_used_bytes()
    assert micro.Interpreter.from_bytes(data).arena_used_bytes() >= need  # the fastest
    assert need >= it.lower_bound > 0
    # Exactly that many bytes run the model, and give the same bytes as a roomy arena.
    roomy = micro.Interpreter.from_bytes(data, arena_size=need + 4096)
    for x_it in (it, roomy):
        for i, x in enumerate(random_inputs(it, 7)):
            x_it.set_input(x, i)
        x_it.invoke()
    assert it.get_output(0).tobytes() == roomy.get_output(0).tobytes()
    with pytest.raises(micro.ArenaTooSmallError) as err:
        micro.Interpreter.from_bytes(data, arena_size=need - 1)
    assert err.value.needed == need and err.value.given == need - 1
    assert str(need) in str(err.value)


# Models with variable tensors (recurrent state): SVDF (int8 and int16 state) and LSTM.
STATEFUL = [
    "tflm/mnist_lstm/trained_lstm_int8.tflite",
    "tflm/keyword/keyword_scrambled_8bit.tflite",
    "tflm/keyword/keyword_scrambled.tflite",
]


@pytest.mark.parametrize("rel", STATEFUL, ids=lambda r: Path(r).stem)
def test_state_carries_over_invokes_and_reset_as_in_tflm(
    rel: str, reference: Callable[[str], Path]
) -> None:
    """One interpreter each, 12 invokes: the state carries over, then reset() before the 9th."""
    assert_sequence_matches_tflm(reference(rel).read_bytes(), 12, seed=4, resets=(8,))
