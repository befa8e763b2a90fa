"""IF, WHILE and CALL_ONCE that computes: subgraphs compiled inline between BRANCH steps
(micro/control.py). Models from micro's writer, run against TFLM (both branches, loops of
0 to 100+ iterations, an IF nested in a loop, run-once init over invokes and resets); the
verifier's refusals of branches out of range; the loop limit; what micro refuses."""

from __future__ import annotations

import struct
from typing import Any

import numpy as np
import pytest
from support.oracle import assert_matches_tflm, assert_sequence_matches_tflm, random_inputs
from support.programs import assert_hostile_params_safe
from test_op_resource import var_handle

import micro
from micro._ffi import lib
from micro.errors import ModelError, UnsupportedOpError
from micro.interpreter import Runtime
from micro.program import read_header, read_steps, seal
from micro.writer import ModelBuilder

Q8: dict[str, Any] = {"scale": 0.05, "zero_point": 3}


def quant(dtype: str, scale: float = 0.05, zp: int = 3) -> dict[str, Any]:
    return {"scale": scale, "zero_point": zp} if dtype == "int8" else {}


def cond_from(b: ModelBuilder, name: str = "s") -> tuple[int, int]:
    """A bool computed in the model from an int8 input (s > 0): (input, bool)."""
    s = b.add_tensor(name, (1,), "int8", scale=0.5, zero_point=0)
    zero = b.add_tensor(f"{name}_zero", (1,), "int8", data=[0], scale=0.5, zero_point=0)
    c = b.add_tensor(f"{name}_cond", (1,), "bool")
    b.add_operator("GREATER", [s, zero], [c])
    return s, c


def branch(b: ModelBuilder, name: str, op: str, dtype: str, shape: tuple[int, ...]) -> int:
    """A subgraph (a, k) -> (op(a, k), a): two outputs, the second the input itself."""
    index = b.add_subgraph(name)
    a = b.add_tensor(f"{name}_a", shape, dtype, **quant(dtype))
    k = b.add_tensor(f"{name}_k", shape, dtype, **quant(dtype, 0.04, -5))
    y = b.add_tensor(f"{name}_y", shape, dtype, **quant(dtype, 0.1, -2))
    b.add_operator(op, [a, k], [y])
    b.set_inputs([a, k])
    b.set_outputs([y, a])
    return index


def if_model(
    dtype: str, shape: tuple[int, ...], then_op: str = "ADD", else_op: str = "MUL"
) -> bytes:
    """IF (s > 0) over (x, k): then (x + k, x), else (x * k, x); after it, main adds x again
    to the first output, so x must outlive both branches."""
    b = ModelBuilder()
    t = branch(b, "then", then_op, dtype, shape)
    e = branch(b, "else", else_op, dtype, shape)
    b.select_subgraph(0)
    s, c = cond_from(b)
    x = b.add_tensor("x", shape, dtype, **quant(dtype))
    k = b.add_tensor("k", shape, dtype, **quant(dtype, 0.04, -5))
    y = b.add_tensor("y", shape, dtype, **quant(dtype, 0.1, -2))
    z = b.add_tensor("z", shape, dtype, **quant(dtype))
    b.add_operator("IF", [c, x, k], [y, z], {"then_subgraph_index": t, "else_subgraph_index": e})
    w = b.add_tensor("w", shape, dtype, **quant(dtype, 0.08, 1))
    b.add_operator("ADD", [y, x], [w])
    b.set_inputs([s, x, k])
    b.set_outputs([w, z])
    return b.build()


@pytest.mark.parametrize("dtype", ["int8", "int32", "float32"])
@pytest.mark.parametrize("shape", [(4,), (2, 3, 5)])
def test_if_runs_the_branch_tflm_runs(dtype: str, shape: tuple[int, ...]) -> None:
    """Seeds give s > 0 and s <= 0, so both branches run (checked below)."""
    model = if_model(dtype, shape)
    assert_matches_tflm(model, seeds=range(6))
    it = micro.Interpreter.from_bytes(model)
    taken = {bool(random_inputs(it, seed)[0][0] > 0) for seed in range(6)}
    assert taken == {True, False}


def test_division_by_zero_in_a_branch_names_the_branch_operator() -> None:
    """The DIV of the else branch, its divisor input and the IF that ran it."""
    it = micro.Interpreter.from_bytes(if_model("int32", (4,), else_op="DIV"))
    it.set_input(np.array([-1], np.int8), 0)  # s <= 0: the else branch runs
    it.set_input(np.arange(4, dtype=np.int32), 1)
    it.set_input(np.array([1, 2, 0, 4], np.int32), 2)
    with pytest.raises(micro.InvokeError) as info:
        it.invoke()
    assert str(info.value) == (
        "operator 0 (DIV) of subgraph 2, run by operator 1 (IF): division by zero: the "
        "divisor, input 1 ('else_k'), holds 0 at element 2"
    )
    assert (info.value.operator, info.value.tensor) == (1, "else_k")


def counter_loop(b: ModelBuilder, shape: tuple[int, ...], nested: bool) -> tuple[int, int]:
    """cond: i < n. body: i + 1, n, and x + c (int8), or with `nested` an IF inside the body:
    x + c while i < 3, x - c after."""
    cond = b.add_subgraph("cond")
    i, n = (b.add_tensor(name, (1,), "int32") for name in ("ci", "cn"))
    x = b.add_tensor("cx", shape, "int8", **Q8)
    less = b.add_tensor("less", (1,), "bool")
    b.add_operator("LESS", [i, n], [less])
    b.set_inputs([i, n, x])
    b.set_outputs([less])
    if nested:
        add = branch(b, "add", "ADD", "int8", shape)
        sub = branch(b, "sub", "SUB", "int8", shape)
    body = b.add_subgraph("body")
    i, n = (b.add_tensor(name, (1,), "int32") for name in ("bi", "bn"))
    x = b.add_tensor("bx", shape, "int8", **Q8)
    one = b.add_tensor("one", (1,), "int32", data=[1])
    i1 = b.add_tensor("i1", (1,), "int32")
    b.add_operator("ADD", [i, one], [i1])
    rng = np.random.default_rng(3)
    c = b.add_tensor("c", shape, "int8", data=rng.integers(-3, 4, shape), **Q8)
    x1 = b.add_tensor("x1", shape, "int8", **Q8)
    if nested:
        three = b.add_tensor("three", (1,), "int32", data=[3])
        early = b.add_tensor("early", (1,), "bool")
        b.add_operator("LESS", [i, three], [early])
        k = b.add_tensor(
            "k", shape, "int8", scale=0.04, zero_point=-5, data=rng.integers(-9, 9, shape)
        )
        y = b.add_tensor("y", shape, "int8", scale=0.1, zero_point=-2)
        same = b.add_tensor("same", shape, "int8", **Q8)
        options = {"then_subgraph_index": add, "else_subgraph_index": sub}
        b.add_operator("IF", [early, x, k], [y, same], options)
        b.add_operator("ADD", [y, c], [x1])
    else:
        b.add_operator("ADD", [x, c], [x1])
    b.set_inputs([i, n, x])
    b.set_outputs([i1, n, x1])
    return cond, body


def while_model(shape: tuple[int, ...] = (2, 5), nested: bool = False) -> bytes:
    """i = 0; n = s (an int8 input, so -128..127 iterations: none when n <= 0);
    while i < n: body. Outputs: i, and x after the loop; then main doubles x."""
    b = ModelBuilder()
    cond, body = counter_loop(b, shape, nested)
    b.select_subgraph(0)
    s = b.add_tensor("s", (1,), "int8", scale=1.0, zero_point=0)
    n = b.add_tensor("n", (1,), "int32")
    b.add_operator("CAST", [s], [n])
    x = b.add_tensor("x", shape, "int8", **Q8)
    zero = b.add_tensor("zero", (1,), "int32", data=[0])
    outs = [
        b.add_tensor(f"o{k}", t, d, **q)
        for k, (t, d, q) in enumerate(
            [((1,), "int32", {}), ((1,), "int32", {}), (shape, "int8", Q8)]
        )
    ]
    b.add_operator(
        "WHILE", [zero, n, x], outs, {"cond_subgraph_index": cond, "body_subgraph_index": body}
    )
    y = b.add_tensor("y", shape, "int8", scale=0.1, zero_point=0)
    b.add_operator("ADD", [outs[2], x], [y])
    b.set_inputs([s, x])
    b.set_outputs([outs[0], y])
    return b.build()


@pytest.mark.parametrize("nested", [False, True])
def test_while_counts_and_accumulates_as_tflm(nested: bool) -> None:
    model = while_model(nested=nested)
    assert_matches_tflm(model, seeds=range(5))
    it = micro.Interpreter.from_bytes(model)
    counts = set()
    for seed in range(5):
        inputs = random_inputs(it, seed)
        for k, v in enumerate(inputs):
            it.set_input(v, k)
        it.invoke()
        counts.add(int(it.get_output(0)[0]))
    assert 0 in counts and max(counts) > 3, counts  # none, and many iterations, both seen


def test_a_loop_keeps_what_it_reads_live_over_the_whole_loop() -> None:
    """Every buffer a loop step touches spans the loop, so none shares bytes with another
    one of them: the plan is sound for any number of iterations."""
    compiled = micro.Interpreter.from_bytes(while_model(nested=True)).compiled
    back = [
        k for k, s in enumerate(compiled.steps) if s.kernel == "branch" and s.params["target"] <= k
    ]
    assert len(back) == 1
    first, last = compiled.steps[back[0]].params["target"], back[0]
    inside = [
        b
        for b in compiled.plan.buffers
        if b.kind != "scratch" and b.first <= last and b.last >= first
    ]
    assert all(b.first <= first and b.last >= last for b in inside)
    for p in inside:
        for q in inside:
            if p is not q:
                assert p.offset + p.size <= q.offset or q.offset + q.size <= p.offset


def test_the_loop_limit_stops_a_loop_and_none_lets_it_run() -> None:
    it = micro.Interpreter.from_bytes(while_model())
    rt = Runtime(it.compiled.program, it.compiled.arena_bytes_needed)
    s = it.compiled.inputs[0]
    rt.arena[s.offset] = 100  # n = 100 iterations
    rt.set_loop_limit(99)
    with pytest.raises(micro.InvokeError, match="more iterations than the runtime's limit"):
        rt.invoke()
    rt.set_loop_limit(100)
    rt.invoke()
    rt.set_loop_limit(0)
    rt.invoke()


# -- CALL_ONCE that computes ----------------------------------------------------------


def call_once_model(after_use: bool) -> bytes:
    """init: v = c + c (computed). main: y = v; v = y + x. With `after_use`, the CALL_ONCE
    runs after the READ (its assignment lands at the end of the first invoke)."""
    b = ModelBuilder()
    init = b.add_subgraph("init")
    c = b.add_tensor("c", (3,), "int8", data=[5, -20, 60], **Q8)
    s = b.add_tensor("s", (3,), "int8", **Q8)
    b.add_operator("ADD", [c, c], [s])
    b.add_operator("ASSIGN_VARIABLE", [var_handle(b, "v"), s], [])
    b.select_subgraph(0)
    call: tuple[Any, ...] = ("CALL_ONCE", [], [], {"init_subgraph_index": init})
    if not after_use:
        b.add_operator(*call)
    x = b.add_tensor("x", (3,), "int8", **Q8)
    y = b.add_tensor("y", (3,), "int8", **Q8)
    b.add_operator("READ_VARIABLE", [var_handle(b, "v")], [y])
    z = b.add_tensor("z", (3,), "int8", **Q8)
    b.add_operator("ADD", [y, x], [z])
    if after_use:
        b.add_operator(*call)
    b.add_operator("ASSIGN_VARIABLE", [var_handle(b, "v"), z], [])
    b.set_inputs([x])
    b.set_outputs([y])
    return b.build()


@pytest.mark.parametrize("after_use", [False, True])
def test_an_init_subgraph_that_computes_runs_once_as_in_tflm(after_use: bool) -> None:
    """The init subgraph runs at the first invoke only, not again after a reset."""
    assert_sequence_matches_tflm(call_once_model(after_use), invokes=7, resets=(3, 5))


def test_a_constant_init_subgraph_is_still_folded() -> None:
    """No step runs for the converter's usual init subgraph (constants only)."""
    from test_op_resource import ring_buffer_model

    steps = micro.Interpreter.from_bytes(ring_buffer_model()).compiled.steps
    assert not [s for s in steps if s.kernel == "branch"]


# -- the verifier and hostile Programs -------------------------------------------------


def branch_program(target: int) -> tuple[bytes, int]:
    """The IF model's Program with its first branch's target replaced (re-sealed)."""
    compiled = micro.Interpreter.from_bytes(if_model("int8", (4,))).compiled
    k = next(k for k, s in enumerate(compiled.steps) if s.kernel == "branch")
    step = read_steps(compiled.program)[k]
    blob = bytearray(compiled.program)
    struct.pack_into("<I", blob, read_header(bytes(blob)).data_offset + step.params, target)
    return seal(blob), compiled.arena_bytes_needed


def test_a_branch_past_the_last_step_is_refused() -> None:
    program, arena = branch_program(0)
    n = int(read_header(program).n_steps)
    Runtime(branch_program(n)[0], arena)  # the end of the program is a place to go
    for target in (n + 1, 2**31, 2**32 - 1):
        with pytest.raises(micro.ProgramError, match="jumps past the last step"):
            Runtime(branch_program(target)[0], arena)


def test_a_branch_back_to_itself_ends_at_the_loop_limit() -> None:
    """A corrupt Program whose branch jumps to itself: memory-safe, and stopped."""
    program, arena = branch_program(0)
    k = next(k for k, s in enumerate(read_steps(program)) if s.kernel == lib.MICRO_K_BRANCH)
    program, _ = branch_program(k)
    rt = Runtime(program, arena)
    rt.arena[:] = 0  # s = 0: the condition is false, the branch taken
    with pytest.raises(micro.InvokeError, match="loop"):
        rt.invoke()


@pytest.mark.parametrize(("when", "status"), [(7, "parameters"), (0, "operand")])
def test_branch_params_are_checked(when: int, status: str) -> None:
    """An unknown condition, or an unconditional branch given a condition operand."""
    compiled = micro.Interpreter.from_bytes(if_model("int8", (4,))).compiled
    k = next(k for k, s in enumerate(compiled.steps) if s.kernel == "branch" and s.params["when"])
    step = read_steps(compiled.program)[k]
    blob = bytearray(compiled.program)
    struct.pack_into("<i", blob, read_header(bytes(blob)).data_offset + step.params + 4, when)
    with pytest.raises(micro.ProgramError, match=status):
        Runtime(seal(blob), compiled.arena_bytes_needed)


@pytest.mark.parametrize("model", ["if", "while"])
def test_hostile_params_are_refused_or_safe(model: str) -> None:
    """Every params field of every branch step at extreme values: refused, or run inside the
    arena (loops that no longer end stop at the loop limit). The other steps' kernels have
    their own hostile-params tests."""
    built = if_model("int8", (4,)) if model == "if" else while_model()
    assert_hostile_params_safe(built, {"branch"})


# -- refusals -------------------------------------------------------------------------


def test_recursion_is_refused() -> None:
    """A WHILE whose body runs the WHILE's own subgraph again would never end."""
    b = ModelBuilder()
    body = b.add_subgraph("body")
    x = b.add_tensor("bx", (1,), "int32")
    y = b.add_tensor("by", (1,), "int32")
    b.add_operator("WHILE", [x], [y], {"cond_subgraph_index": 2, "body_subgraph_index": body})
    b.set_inputs([x])
    b.set_outputs([y])
    b.add_subgraph("cond")
    cx = b.add_tensor("cx", (1,), "int32")
    t = b.add_tensor("t", (1,), "bool", data=[True])
    b.set_inputs([cx])
    b.set_outputs([t])
    b.select_subgraph(0)
    x = b.add_tensor("x", (1,), "int32")
    y = b.add_tensor("y", (1,), "int32")
    b.add_operator("WHILE", [x], [y], {"cond_subgraph_index": 2, "body_subgraph_index": body})
    b.set_inputs([x])
    b.set_outputs([y])
    with pytest.raises(ModelError, match=r"runs subgraph 1 inside itself"):
        micro.Interpreter.from_bytes(b.build())


def test_a_condition_that_is_not_one_bool_is_refused() -> None:
    b = ModelBuilder()
    t = branch(b, "then", "ADD", "int8", (2,))
    b.select_subgraph(0)
    c = b.add_tensor("c", (1,), "int8", scale=1.0)
    x = b.add_tensor("x", (2,), "int8", **Q8)
    k = b.add_tensor("k", (2,), "int8", **quant("int8", 0.04, -5))
    y = b.add_tensor("y", (2,), "int8", **quant("int8", 0.1, -2))
    z = b.add_tensor("z", (2,), "int8", **Q8)
    b.add_operator("IF", [c, x, k], [y, z], {"then_subgraph_index": t, "else_subgraph_index": t})
    b.set_inputs([c, x, k])
    b.set_outputs([y])
    with pytest.raises(
        UnsupportedOpError, match=r"IF.*the condition.*int8 \[1\]; it must be one bool"
    ):
        micro.Interpreter.from_bytes(b.build())


def test_a_branch_of_another_size_is_refused() -> None:
    b = ModelBuilder()
    t = branch(b, "then", "ADD", "int8", (3,))
    b.select_subgraph(0)
    s, c = cond_from(b)
    x = b.add_tensor("x", (2,), "int8", **Q8)
    y = b.add_tensor("y", (2,), "int8", **Q8)
    z = b.add_tensor("z", (2,), "int8", **Q8)
    b.add_operator("IF", [c, x, x], [y, z], {"then_subgraph_index": t, "else_subgraph_index": t})
    b.set_inputs([s, x])
    b.set_outputs([y])
    with pytest.raises(
        UnsupportedOpError, match=r"subgraph 1.*each pair must have one type and size"
    ):
        micro.Interpreter.from_bytes(b.build())
