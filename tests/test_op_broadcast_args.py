"""BROADCAST_ARGS against TFLM: int32 and int64 shapes of any lengths, given at run time or
computed by SHAPE in the model; incompatible shapes stop micro where TFLM stops."""

from __future__ import annotations

import numpy as np
import pytest
from support.models import T, one_op_model, random_broadcast
from support.oracle import assert_matches_tflm, run_micro
from support.programs import assert_hostile_params_safe

import micro
from micro.writer import ModelBuilder


def args_model(n1: int, n2: int, dtype: str) -> bytes:
    return one_op_model(
        "BROADCAST_ARGS", [T((n1,), dtype), T((n2,), dtype)], [T((max(n1, n2),), dtype)]
    )


@pytest.mark.parametrize("seed", range(16))
def test_matches_tflm(seed: int) -> None:
    rng = np.random.default_rng(seed)
    s1, s2 = random_broadcast(rng)
    if not s1 and not s2:
        s2 = (3,)
    dtype = ("int32", "int64")[seed % 2]
    model = args_model(len(s1), len(s2), dtype)
    inputs = [np.array(s1, dtype), np.array(s2, dtype)]
    assert_matches_tflm(model, inputs=inputs)
    (got,) = run_micro(model, inputs)
    assert tuple(got) == np.broadcast_shapes(s1, s2)


def test_shapes_from_shape_ops() -> None:
    """The converter's pattern: SHAPE of two tensors, then BROADCAST_ARGS."""
    b = ModelBuilder()
    x = b.add_tensor("x", (2, 1, 5), "float32")
    y = b.add_tensor("y", (3, 1), "float32")
    sx = b.add_tensor("sx", (3,), "int32")
    sy = b.add_tensor("sy", (2,), "int32")
    out = b.add_tensor("out", (3,), "int32")
    b.add_operator("SHAPE", [x], [sx], {"out_type": 2})
    b.add_operator("SHAPE", [y], [sy], {"out_type": 2})
    b.add_operator("BROADCAST_ARGS", [sx, sy], [out])
    b.set_inputs([x, y])
    b.set_outputs([out])
    model = b.build()
    assert_matches_tflm(model, seeds=(0,))
    assert tuple(
        run_micro(model, [np.zeros((2, 1, 5), np.float32), np.zeros((3, 1), np.float32)])[0]
    ) == (2, 3, 5)


def test_incompatible_shapes_stop() -> None:
    model = args_model(2, 2, "int32")
    with pytest.raises(micro.InvokeError):
        run_micro(model, [np.array([2, 3], np.int32), np.array([4, 3], np.int32)])
    const = one_op_model(
        "BROADCAST_ARGS",
        [T((2,), "int32", np.array([2, 3], np.int32)), T((1,), "int32", np.array([4], np.int32))],
        [T((2,), "int32")],
    )
    with pytest.raises(micro.ModelError, match=r"operator 0.*do not broadcast"):
        micro.Interpreter.from_bytes(const)


def test_refusals() -> None:
    cases = [
        (args_model(2, 3, "int8"), "int8; supported"),
        (
            one_op_model(
                "BROADCAST_ARGS", [T((2,), "int32"), T((3,), "int64")], [T((3,), "int32")]
            ),
            "must match",
        ),
        (
            one_op_model(
                "BROADCAST_ARGS", [T((2,), "int32"), T((3,), "int32")], [T((2,), "int32")]
            ),
            "holds 2 extents",
        ),
    ]
    for model, message in cases:
        with pytest.raises(micro.MicroError, match=rf"operator 0.*{message}"):
            micro.Interpreter.from_bytes(model)


def test_tampered_params_are_refused_or_safe() -> None:
    assert_hostile_params_safe(args_model(3, 2, "int64"))
