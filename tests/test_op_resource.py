"""Resource variables (VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE) and CALL_ONCE: models built
with micro's writer, the shapes the TF converter emits, run over several invokes and resets
against TFLM; and what micro refuses."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from support.oracle import assert_sequence_matches_tflm
from support.programs import assert_hostile_params_safe

import micro
from micro.errors import UnsupportedOpError
from micro.writer import ModelBuilder


def var_handle(b: ModelBuilder, name: str, container: str = "") -> int:
    handle = b.add_tensor(f"{name}_handle", (), "RESOURCE")
    b.add_operator("VAR_HANDLE", [], [handle], {"container": container, "shared_name": name})
    return handle


def init_subgraph(b: ModelBuilder, values: dict[str, tuple[Any, str, Any]]) -> int:
    """CALL_ONCE's init subgraph as the converter writes it: per variable a VAR_HANDLE and
    an ASSIGN_VARIABLE of a constant (name -> (values, dtype, quantization kwargs))."""
    index = b.add_subgraph("NoOp")
    for name, (data, dtype, quant) in values.items():
        const = b.add_tensor(f"{name}_init", np.shape(data), dtype, data=data, **quant)
        b.add_operator("ASSIGN_VARIABLE", [var_handle(b, name), const], [])
    b.select_subgraph(0)
    return index


def ring_buffer_model(frames: int = 4, width: int = 3, zp: int = 5, init: bool = True) -> bytes:
    """A streaming buffer of the last `frames` inputs (the converter's shape for a
    tf.Variable ring buffer): state = concat(state[1:], x); outputs: the state, and the
    state plus x (ADD), so state and arithmetic meet."""
    q = {"scale": 0.02, "zero_point": zp}
    b = ModelBuilder()
    if init:
        rng = np.random.default_rng(7)
        values = rng.integers(-128, 128, (1, frames, width)).astype(np.int8)
        index = init_subgraph(b, {"ring": (values, "int8", q)})
        b.add_operator("CALL_ONCE", [], [], {"init_subgraph_index": index})
    x = b.add_tensor("x", (1, 1, width), "int8", **q)
    handle = var_handle(b, "ring")
    state = b.add_tensor("state", (1, frames, width), "int8", **q)
    b.add_operator("READ_VARIABLE", [handle], [state])
    begin = b.add_tensor("begin", (3,), "int32", data=[0, 1, 0])
    end = b.add_tensor("end", (3,), "int32", data=[1, frames, width])
    strides = b.add_tensor("strides", (3,), "int32", data=[1, 1, 1])
    tail = b.add_tensor("tail", (1, frames - 1, width), "int8", **q)
    b.add_operator("STRIDED_SLICE", [state, begin, end, strides], [tail])
    new = b.add_tensor("new", (1, frames, width), "int8", **q)
    b.add_operator("CONCATENATION", [tail, x], [new], {"axis": 1})
    b.add_operator("ASSIGN_VARIABLE", [handle, new], [])
    total = b.add_tensor("total", (1, frames, width), "int8", scale=0.03, zero_point=-4)
    b.add_operator("ADD", [state, new], [total])
    b.set_inputs([x])
    b.set_outputs([new, total])
    return b.build()


def previous_input_model(dtype: str, shape: tuple[int, ...], zp: int = 0) -> bytes:
    """y = the previous invoke's x (READ before ASSIGN; no init subgraph, so the first y is
    the variable's fill: its zero point's low byte)."""
    quant = {"scale": 0.1, "zero_point": zp} if dtype != "float32" else {}
    b = ModelBuilder()
    x = b.add_tensor("x", shape, dtype, **quant)
    handle = var_handle(b, "previous")
    y = b.add_tensor("y", shape, dtype, **quant)
    b.add_operator("READ_VARIABLE", [handle], [y])
    b.add_operator("ASSIGN_VARIABLE", [handle, x], [])
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


@pytest.mark.parametrize("init", [True, False])
def test_ring_buffer_matches_tflm_over_invokes_and_resets(init: bool) -> None:
    """Initial state from the init subgraph (or the zero-point fill), carried over invokes;
    after a reset TFLM refills the variable with its zero point and does not run the init
    subgraph again: micro does the same."""
    model = ring_buffer_model(init=init)
    assert_sequence_matches_tflm(model, invokes=9, resets=(4, 7))


@pytest.mark.parametrize(
    ("dtype", "shape", "zp"),
    [("int8", (2, 3), -7), ("int16", (5,), 0), ("float32", (1, 4), 0), ("int32", (3,), 0)],
)
def test_read_before_assign_matches_tflm(dtype: str, shape: tuple[int, ...], zp: int) -> None:
    assert_sequence_matches_tflm(previous_input_model(dtype, shape, zp), invokes=5, resets=(3,))


def test_two_handles_of_one_name_share_the_variable() -> None:
    """Two VAR_HANDLEs of one shared_name are one variable (TFLM's FindId); a second name
    is another. y1 = a + x, stored in a; y2 = the previous y1, from b."""
    q = {"scale": 0.05, "zero_point": 2}
    b = ModelBuilder()
    index = init_subgraph(b, {"a": (np.full((4,), 9, np.int8), "int8", q)})
    b.add_operator("CALL_ONCE", [], [], {"init_subgraph_index": index})
    x = b.add_tensor("x", (4,), "int8", **q)
    a1, a2, h_b = var_handle(b, "a"), var_handle(b, "a"), var_handle(b, "b")
    a = b.add_tensor("a", (4,), "int8", **q)
    b.add_operator("READ_VARIABLE", [a1], [a])
    y1 = b.add_tensor("y1", (4,), "int8", **q)
    b.add_operator("ADD", [a, x], [y1])
    y2 = b.add_tensor("y2", (4,), "int8", **q)
    b.add_operator("READ_VARIABLE", [h_b], [y2])
    b.add_operator("ASSIGN_VARIABLE", [a2, y1], [])
    b.add_operator("ASSIGN_VARIABLE", [h_b, y1], [])
    b.set_inputs([x])
    b.set_outputs([y1, y2])
    assert_sequence_matches_tflm(b.build(), invokes=6, resets=(4,))


def test_state_is_in_the_arena_plan() -> None:
    """The variable is one persistent arena buffer of its bytes, live over every step."""
    it = micro.Interpreter.from_bytes(ring_buffer_model(frames=5, width=7))
    (buf,) = [b for b in it.compiled.plan.buffers if b.name == "resource variable 'ring'"]
    assert (buf.size, buf.first, buf.last) == (35, 0, len(it.compiled.steps) - 1)


def test_hostile_params_are_refused_or_safe() -> None:
    assert_hostile_params_safe(ring_buffer_model())


# -- refusals ---------------------------------------------------------------------------


def refused(model: bytes, pattern: str) -> None:
    with pytest.raises(UnsupportedOpError, match=pattern):
        micro.Interpreter.from_bytes(model)


def test_read_of_a_variable_never_assigned_is_refused() -> None:
    b = ModelBuilder()
    x = b.add_tensor("x", (2,), "int8", scale=0.1)
    y = b.add_tensor("y", (2,), "int8", scale=0.1)
    b.add_operator("READ_VARIABLE", [var_handle(b, "v")], [y])
    z = b.add_tensor("z", (2,), "int8", scale=0.1)
    b.add_operator("ADD", [x, y], [z])
    b.set_inputs([x])
    b.set_outputs([z])
    refused(b.build(), r"operator 1 \(READ_VARIABLE.*'v_handle'.*never assigned")


def test_assignments_of_different_types_are_refused() -> None:
    b = ModelBuilder()
    index = init_subgraph(b, {"v": (np.zeros(3, np.float32), "float32", {})})
    b.add_operator("CALL_ONCE", [], [], {"init_subgraph_index": index})
    x = b.add_tensor("x", (3,), "int8", scale=0.1)
    b.add_operator("ASSIGN_VARIABLE", [var_handle(b, "v"), x], [])
    y = b.add_tensor("y", (3,), "int8", scale=0.1)
    b.add_operator("READ_VARIABLE", [var_handle(b, "v")], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    refused(b.build(), r"subgraph 1, operator 1 \(ASSIGN_VARIABLE\): assigns float32 \[3\].*'v'")


def test_read_into_another_type_is_refused() -> None:
    b = ModelBuilder()
    x = b.add_tensor("x", (4,), "int8", scale=0.1)
    h = var_handle(b, "v")
    b.add_operator("ASSIGN_VARIABLE", [h, x], [])
    y = b.add_tensor("y", (2,), "int16", scale=0.1)
    b.add_operator("READ_VARIABLE", [h], [y])
    b.set_inputs([x])
    b.set_outputs([y])
    refused(b.build(), r"READ_VARIABLE.*'y'\) is int16 \[2\]; the resource variable is int8 \[4\]")


def test_call_once_of_a_missing_subgraph_is_refused() -> None:
    b = ModelBuilder()
    b.add_operator("CALL_ONCE", [], [], {"init_subgraph_index": 3})
    refused(b.build(), "init_subgraph_index 3 is not another subgraph")


def test_a_handle_passed_in_is_refused() -> None:
    b = ModelBuilder()
    h = b.add_tensor("h", (), "RESOURCE")
    y = b.add_tensor("y", (2,), "int8", scale=0.1)
    b.add_operator("READ_VARIABLE", [h], [y])
    b.set_inputs([h])
    b.set_outputs([y])
    refused(b.build(), "not the output of an earlier VAR_HANDLE")


def two_containers_model(containers: tuple[str, str]) -> bytes:
    """Two VAR_HANDLEs of shared_name "v" in `containers`: y0 and y1 read them, then the
    first is assigned x and the second y0; so y0 is the previous x, y1 the one before."""
    q = {"scale": 0.05, "zero_point": 0}
    b = ModelBuilder()
    x = b.add_tensor("x", (3,), "int8", **q)
    handles = [var_handle(b, "v", c) for c in containers]
    ys = [b.add_tensor(f"y{k}", (3,), "int8", **q) for k in range(2)]
    for h, y in zip(handles, ys, strict=True):
        b.add_operator("READ_VARIABLE", [h], [y])
    b.add_operator("ASSIGN_VARIABLE", [handles[1], ys[0]], [])
    b.add_operator("ASSIGN_VARIABLE", [handles[0], x], [])
    b.set_inputs([x])
    b.set_outputs(ys)
    return b.build()


def test_containers_name_two_variables() -> None:
    """(container, shared_name) names a variable (TFLM's FindId): "a" and "b" hold two.
    Checked by independent arithmetic: the wheel sizes its variable table by shared names
    alone, so it cannot run this model."""
    it = micro.Interpreter.from_bytes(two_containers_model(("a", "b")))
    rng = np.random.default_rng(0)
    xs = [rng.integers(-128, 128, 3, dtype=np.int8) for _ in range(4)]
    zero = np.zeros(3, np.int8)
    for k, x in enumerate(xs):
        it.set_input(x, 0)
        it.invoke()
        assert it.get_output(0).tolist() == (xs[k - 1] if k >= 1 else zero).tolist()
        assert it.get_output(1).tolist() == (xs[k - 2] if k >= 2 else zero).tolist()


def test_an_empty_container_beside_another_is_refused() -> None:
    refused(two_containers_model(("a", "")), "named with and without a container")
