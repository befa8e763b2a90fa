"""The keyword network's first convolution: `micro speech train --first-kernel/--first-stride`
parse a (time, frequency) pair, and a network built with them converts to a model of that
first layer on the speech firmware's ops."""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np
import pytest

from micro.cli.speech_train import add_arguments
from micro.speech.network import (
    ALLOWED_OPS,
    CHANNELS,
    FRAMES,
    Shape,
    build_model,
    check_ops,
    convert_int8,
    parse_pair,
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="micro speech train")
    add_arguments(p)
    return p


@pytest.mark.parametrize(
    ("text", "pair"), [("10,4", (10, 4)), ("2,2", (2, 2)), ("1,1", (1, 1)), ("49,40", (49, 40))]
)
def test_parse_pair_reads_time_then_frequency(text: str, pair: tuple[int, int]) -> None:
    assert parse_pair(text, "--first-kernel") == pair


@pytest.mark.parametrize("text", ["", "4", "2,2,2", "a,2", "2.5,2", "0,4", "4,0", "-1,2", "50,4",
                                  "10,41", " , "])  # fmt: skip
def test_parse_pair_refuses_what_is_not_a_pair_in_range(text: str) -> None:
    with pytest.raises(ValueError, match="--first-stride"):
        parse_pair(text, "--first-stride")


def test_train_options_default_to_the_shape_defaults() -> None:
    args = _parser().parse_args([])
    assert tuple(args.first_kernel) == Shape().first_kernel == (10, 8)
    assert tuple(args.first_stride) == Shape().first_stride == (2, 4)


def test_train_options_take_the_first_layer() -> None:
    args = _parser().parse_args(["--first-kernel", "10,4", "--first-stride", "2,2"])
    assert (args.first_kernel, args.first_stride) == ((10, 4), (2, 2))


@pytest.mark.parametrize("flag", ["--first-kernel", "--first-stride"])
def test_train_options_refuse_a_bad_pair_with_the_reason(
    flag: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        _parser().parse_args([flag, "3,0"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert flag in err and f"frequency in 1..{CHANNELS}" in err


def _first_conv(model: bytes) -> tuple[dict, tuple, tuple]:
    from micro.model import load_model

    graph = load_model(model).subgraphs[0]
    conv = next(op for op in graph.operators if op.name == "CONV_2D")
    weights = graph.tensors[conv.inputs[1]].shape
    return conv.options, tuple(weights), tuple(graph.tensors[conv.outputs[0]].shape)


@pytest.mark.parametrize(
    ("kernel", "stride"), [((10, 4), (2, 2)), ((10, 8), (2, 4)), ((5, 3), (1, 3))]
)
def test_converted_model_has_the_first_layer_asked_for(
    kernel: tuple[int, int], stride: tuple[int, int]
) -> None:
    pytest.importorskip("tensorflow")
    shape = replace(Shape.parse("3,5"), first_kernel=kernel, first_stride=stride)
    model = build_model(4, shape)
    rng = np.random.default_rng(7)
    tflite = convert_int8(model, rng.integers(-128, 128, (8, FRAMES, CHANNELS), np.int8), shape)
    ops = check_ops(tflite)
    assert set(ops) <= ALLOWED_OPS and ops.count("CONV_2D") == 2
    options, weights, out = _first_conv(tflite)
    assert (options["stride_h"], options["stride_w"]) == stride
    assert weights == (3, *kernel, 1)  # [channels out, time, frequency, channels in]
    # "same" padding: ceil(49 / time stride) x ceil(40 / frequency stride) positions
    assert out == (1, -(-FRAMES // stride[0]), -(-CHANNELS // stride[1]), 3)
