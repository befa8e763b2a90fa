"""Control flow made by TensorFlow's converter (the `train` extra): tf.cond becomes IF,
tf.while_loop WHILE, each with its subgraphs (float at their edges, int8 inside, as the
converter quantizes them). Run against TFLM on seeded inputs (a loop on `i % 2`, whose int32
FLOOR_MOD TFLM does not run, against LiteRT). Skipped when TensorFlow is not
installed; tests/test_op_control_flow.py builds the same shapes with micro's writer."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support.oracle import (
    assert_matches_tflm,
    assert_same_bytes,
    random_inputs,
    run_litert,
    run_micro,
)

import micro
from micro import cli
from micro.model import load_model

tf: Any = pytest.importorskip("tensorflow", reason="TensorFlow (the `train` extra) is absent")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

pytestmark = pytest.mark.slow

WIDTH = 6
W = np.random.default_rng(1).normal(0, 0.5, (WIDTH, WIDTH)).astype(np.float32)


def convert(fn: Callable[..., Any]) -> bytes:
    """Full-integer conversion of `fn` on a [1, WIDTH] input, seeded representative data."""

    def representative() -> Any:
        rng = np.random.default_rng(0)
        for _ in range(16):
            yield [rng.uniform(-1, 1, (1, WIDTH)).astype(np.float32)]

    spec = tf.TensorSpec([1, WIDTH], tf.float32)
    converter = tf.lite.TFLiteConverter.from_concrete_functions(
        [tf.function(fn).get_concrete_function(spec)]
    )
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = converter.inference_output_type = tf.int8
    return bytes(converter.convert())


def cond(x: Any) -> Any:
    """A dense layer with ReLU or half a tanh, by the sign of the input's sum."""
    w = tf.constant(W)
    return tf.cond(
        tf.reduce_sum(x) > 0, lambda: tf.nn.relu(tf.matmul(x, w)), lambda: tf.tanh(x) * 0.5
    )


def counted_loop(x: Any) -> Any:
    """A residual dense layer applied n times, n = 2 * sum(|x|) (0 to about a dozen)."""
    w = tf.constant(W)
    n = tf.cast(tf.reduce_sum(tf.abs(x)) * 2.0, tf.int32)

    def body(i: Any, y: Any) -> Any:
        return i + 1, tf.nn.relu6(tf.matmul(y, w) * 0.5 + y)

    return tf.while_loop(lambda i, y: i < n, body, [tf.constant(0), x])[1]


def if_in_loop(x: Any) -> Any:
    """Five iterations: the first two add 0.25, the others apply a dense layer with ReLU."""
    w = tf.constant(W)

    def body(i: Any, y: Any) -> Any:
        y = tf.cond(i < 2, lambda: y + 0.25, lambda: tf.nn.relu(tf.matmul(y, w)))
        return i + 1, y

    return tf.while_loop(lambda i, y: i < 5, body, [tf.constant(0), x])[1]


@pytest.mark.parametrize(
    ("fn", "ops"),
    [(cond, {"IF"}), (counted_loop, {"WHILE"}), (if_in_loop, {"WHILE", "IF"})],
    ids=["tf.cond", "tf.while_loop", "tf.cond-in-tf.while_loop"],
)
def test_converted_control_flow_matches_tflm(fn: Callable[..., Any], ops: set[str]) -> None:
    model = convert(fn)
    names = {op.name for g in load_model(model).subgraphs for op in g.operators}
    assert ops <= names, names  # the converter kept the control flow
    assert_matches_tflm(model, seeds=range(6))
    assert any(s.kernel == "branch" for s in micro.Interpreter.from_bytes(model).compiled.steps)


def parity_loop(x: Any) -> Any:
    """Five iterations alternating by `i % 2`: add 0.25 on even ones, a dense layer with ReLU
    on odd ones. The converter emits an int32 FLOOR_MOD, which TFLM does not run."""
    w = tf.constant(W)

    def body(i: Any, y: Any) -> Any:
        y = tf.cond(i % 2 == 0, lambda: y + 0.25, lambda: tf.nn.relu(tf.matmul(y, w)))
        return i + 1, y

    return tf.while_loop(lambda i, y: i < 5, body, [tf.constant(0), x])[1]


def test_converted_parity_loop_matches_litert() -> None:
    model = convert(parity_loop)
    graphs = load_model(model).subgraphs
    assert any(op.name == "FLOOR_MOD" for g in graphs for op in g.operators)
    it = micro.Interpreter.from_bytes(model)
    for seed in range(6):
        inputs = random_inputs(it, seed)
        assert_same_bytes(run_micro(model, inputs), run_litert(model, inputs), f"seed {seed}")


def test_inspect_reports_the_converted_branches(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`micro inspect` lists the operators of tf.cond's branches: the dense layer (a
    [1, 6] x [6, 6] product, 36 MACs) under the IF, and every subgraph's weights."""
    path = tmp_path / "cond.tflite"
    path.write_bytes(convert(cond))
    assert cli.main(["inspect", str(path), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    graphs = load_model(path).subgraphs
    ops = info["operators"]
    assert len(ops) == sum(len(g.operators) for g in graphs)
    at = next(k for k, o in enumerate(ops) if o["op"] == "IF")
    inner = ops[at + 1 : at + 1 + sum(len(g.operators) for g in graphs[1:])]
    assert all(o["depth"] == 1 for o in inner)
    matmul = [o for o in inner if o["op"] in ("BATCH_MATMUL", "FULLY_CONNECTED")]
    assert [o["macs"] for o in matmul] == [WIDTH * WIDTH]
    weights = sum(t.nbytes for g in graphs for t in g.tensors if t.data is not None)
    assert info["weight_bytes"] == weights > WIDTH * WIDTH
