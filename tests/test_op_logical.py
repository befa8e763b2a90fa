"""LOGICAL_AND, LOGICAL_OR, LOGICAL_NOT and REDUCE_ALL (bool) against TFLM, with
broadcasting and every kind of axes. The bools are computed in the model (float > 0)."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import T, bool_input_model, one_op_model, random_broadcast
from support.oracle import assert_matches_tflm, run_micro
from support.programs import assert_hostile_params_safe

import micro


def logical_model(op: str, s1: tuple, s2: tuple) -> bytes:
    out = tuple(np.broadcast_shapes(s1, s2))
    return bool_input_model(op, [T(s1, "bool"), T(s2, "bool")], [T(out, "bool")])


@pytest.mark.parametrize("op", ["LOGICAL_AND", "LOGICAL_OR"])
@pytest.mark.parametrize("seed", range(16))
def test_and_or_match_tflm(op: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    while True:
        s1, s2 = random_broadcast(rng)
        if len(np.broadcast_shapes(s1, s2)) <= 4:  # TFLM broadcasts up to 4-D
            break
    assert_matches_tflm(logical_model(op, s1, s2), seeds=(seed, seed + 100))


@pytest.mark.parametrize("op", ["LOGICAL_AND", "LOGICAL_OR"])
def test_and_or_truth_table_and_constant_operand(op: str) -> None:
    const = np.array([True, False, True, False])
    model = bool_input_model(op, [T((3, 4), "bool"), T((4,), "bool", const)], [T((3, 4), "bool")])
    x = np.array([[1, 1, -1, -1]] * 3, np.float32)
    (got,) = run_micro(model, [x])
    fn = np.logical_and if op == "LOGICAL_AND" else np.logical_or
    assert np.array_equal(got, fn(x > 0, const))
    assert_matches_tflm(model)


@pytest.mark.parametrize("shape", [(), (1,), (7,), (2, 3, 5), (2, 1, 3, 4, 2)])
def test_not_matches_tflm(shape: tuple) -> None:
    model = bool_input_model("LOGICAL_NOT", [T(shape, "bool")], [T(shape, "bool")])
    assert_matches_tflm(model, seeds=(0, 1))


def all_model(shape: tuple, axes: list[int], keep_dims: bool) -> bytes:
    resolved = {a % len(shape) for a in axes} if shape else set()
    out = tuple(
        1 if i in resolved else d for i, d in enumerate(shape) if keep_dims or i not in resolved
    )
    axes_t = T((len(axes),), "int32", np.array(axes, np.int32))
    return bool_input_model(
        "REDUCE_ALL", [T(shape, "bool"), axes_t], [T(out, "bool")], {"keep_dims": keep_dims}
    )


@pytest.mark.parametrize("seed", range(16))
def test_reduce_all_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, 5))
    shape = tuple(int(d) for d in rng.choice([1, 2, 3, 4], rank))
    n_axes = int(rng.integers(1, rank + 2))  # may repeat an axis
    axes = sorted({int(a) for a in rng.integers(-rank, rank, n_axes)})
    # Mostly-true inputs, so that some reductions are true: float > 0 on shifted values.
    model = all_model(shape, axes, bool(seed % 2))
    it = micro.Interpreter.from_bytes(model)
    x = (rng.uniform(-1, 6, shape)).astype(np.float32)
    assert_matches_tflm(model, inputs=[x])
    assert_matches_tflm(model, seeds=(seed,))
    (got,) = run_micro(model, [x])
    want = np.all(x > 0, axis=tuple({a % rank for a in axes}), keepdims=bool(seed % 2))
    assert np.array_equal(got.reshape(want.shape), want)
    assert it.get_output_details()[0]["dtype"] == np.bool_


def test_refusals() -> None:
    model = one_op_model("LOGICAL_AND", [T((3,), "int8"), T((3,), "int8")], [T((3,), "int8")])
    with pytest.raises(micro.UnsupportedOpError, match=r"operator 0.*int8; supported: bool"):
        micro.Interpreter.from_bytes(model)
    model = one_op_model("LOGICAL_OR", [T((3,), "bool"), T((2,), "bool")], [T((3,), "bool")])
    with pytest.raises(micro.ModelError, match=r"operator 0.*do not broadcast"):
        micro.Interpreter.from_bytes(model)
    model = one_op_model("LOGICAL_NOT", [T((3,), "bool")], [T((4,), "bool")])
    with pytest.raises(micro.ModelError, match=r"operator 0.*output shape"):
        micro.Interpreter.from_bytes(model)
    axes = T((1,), "int32", np.array([0], np.int32))
    model = one_op_model("REDUCE_ALL", [T((3, 2), "float32"), axes], [T((2,), "float32")])
    with pytest.raises(micro.UnsupportedOpError, match=r"operator 0.*float32; supported: bool"):
        micro.Interpreter.from_bytes(model)


@pytest.mark.parametrize("op", ["LOGICAL_AND", "REDUCE_ALL"])
def test_tampered_params_are_refused_or_safe(op: str) -> None:
    model = all_model((3, 4), [1], False) if op == "REDUCE_ALL" else None
    assert_hostile_params_safe(model or logical_model(op, (2, 3), (3,)))
