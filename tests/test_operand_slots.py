"""The executor's operand slots (micro_set_operand_slots, csrc/runtime/executor.c): every
step's operand pointers resolved once, which the host's Runtime always sets, give the same
bytes as resolving them per step (the firmware's path) on chains, streamed inputs and
loops; the call's refusals; and Interpreter.invoke's builtin (micro/_invoke.c,
micro/interpreter.py): its result, its errors, whether it keeps the GIL, its refusals, and no
reference cycle."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from support.oracle import random_inputs
from support.reference import reference_path
from test_op_control_flow import while_model
from test_patches import random_chain

import micro
from micro._ffi import bind_invoke, ffi, lib
from micro.interpreter import GIL_KEPT_MACS, Runtime


def _runs(it: micro.Interpreter, inputs: list[np.ndarray], invokes: int = 2) -> list[bytes]:
    """The arena after each of `invokes` invocations (outputs, state, everything)."""
    arenas = []
    for _ in range(invokes):
        for i, x in enumerate(inputs):
            it.set_input(x, i)
        it.invoke()
        arenas.append(it._arena.tobytes())
    return arenas


def _without_slots(it: micro.Interpreter) -> micro.Interpreter:
    it._runtime._rt.slots = ffi.NULL  # back to resolving each step's operands
    return it


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("stream", [False, True])
def test_slots_give_the_bytes_of_per_step_resolution(seed: int, stream: bool) -> None:
    model = random_chain(seed)
    try:
        make = lambda: micro.Interpreter.from_bytes(model, max_overhead=0.5, stream=stream)  # noqa: E731
        with_slots, per_step = make(), _without_slots(make())
    except micro.UnsupportedOpError:  # no strip height of whole arena words
        pytest.skip("this chain has no patching")
    assert with_slots._runtime._rt.slots != ffi.NULL
    inputs = random_inputs(with_slots, seed)
    assert _runs(with_slots, inputs) == _runs(per_step, inputs)


@pytest.mark.parametrize(
    "rel",
    ["tflm/hello_world/hello_world_int8.tflite", "tflm/micro_speech/micro_speech_quantized.tflite"],
)
def test_slots_run_reference_models_as_per_step_resolution(rel: str) -> None:
    """Fully connected (hello_world: 1 -> 16 -> 16 -> 1) and a small convolutional model."""
    model = reference_path(rel).read_bytes()
    with_slots = micro.Interpreter.from_bytes(model)
    per_step = _without_slots(micro.Interpreter.from_bytes(model))
    for seed in range(3):
        inputs = random_inputs(with_slots, seed)
        assert _runs(with_slots, inputs, 1) == _runs(per_step, inputs, 1)


def test_slots_run_loops_as_per_step_resolution() -> None:
    """WHILE: branch steps read their condition operand through the slots."""
    model = while_model(nested=True)
    with_slots = micro.Interpreter.from_bytes(model)
    per_step = _without_slots(micro.Interpreter.from_bytes(model))
    inputs = random_inputs(with_slots, 3)
    assert _runs(with_slots, inputs, 3) == _runs(per_step, inputs, 3)


def test_each_steps_slots_hold_its_resolved_operands() -> None:
    it = micro.Interpreter.from_bytes(random_chain(1))
    rt = it._runtime._rt
    program = it._runtime.program
    header = ffi.cast("micro_program_header_t *", ffi.from_buffer(program))
    refs = ffi.cast("micro_ref_t *", ffi.from_buffer(program[header.refs_offset :]))
    steps = ffi.cast("micro_step_t *", ffi.from_buffer(program[header.steps_offset :]))
    arena = int(ffi.cast("uintptr_t", ffi.from_buffer(it._arena)))
    data = int(ffi.cast("uintptr_t", ffi.from_buffer(program))) + header.data_offset
    used = set()
    for i in range(header.n_steps):
        for j in range(steps[i].n_operands):
            r = steps[i].first_ref + j
            used.add(r)
            ref, slot = refs[r], int(ffi.cast("uintptr_t", rt.slots[r]))
            if ref.size == 0:
                assert slot == 0
            elif ref.offset & lib.MICRO_REF_CONST:
                assert slot == data + (ref.offset & ~lib.MICRO_REF_CONST & 0xFFFFFFFF)
            else:
                assert slot == arena + ref.offset
    others = set(range(header.n_refs)) - used  # inputs, outputs: not resolved
    assert all(rt.slots[r] == ffi.NULL for r in others)


def test_set_operand_slots_refuses_what_it_cannot_fill() -> None:
    runtime = Runtime(micro.Interpreter.from_bytes(random_chain(2)).compiled.program, 1 << 16)
    rt = runtime._rt
    n = int(lib.micro_n_refs(rt))
    assert n > 0
    short = ffi.new("void *[]", n - 1)
    assert lib.micro_set_operand_slots(rt, short, n - 1) == lib.MICRO_ERR_INDEX
    assert lib.micro_set_operand_slots(rt, ffi.NULL, n) == lib.MICRO_ERR_NULL
    fresh = ffi.new("micro_runtime_t *")
    assert lib.micro_set_operand_slots(fresh, short, n - 1) == lib.MICRO_ERR_STATE
    assert lib.micro_n_refs(fresh) == 0
    # micro_init starts without slots, whatever the runtime held before.
    program = runtime.program
    status = lib.micro_init(
        rt, ffi.from_buffer(program), len(program), ffi.from_buffer(runtime.arena), 1 << 16
    )
    assert status == lib.MICRO_OK and rt.slots == ffi.NULL


def test_invoke_is_a_builtin_that_returns_and_raises_as_the_method() -> None:
    it = micro.Interpreter.from_bytes(random_chain(4))
    assert "invoke" in vars(it)  # the builtin, without streamed inputs
    assert type(it.invoke).__name__ == "builtin_function_or_method"
    assert it.invoke.__name__ == "invoke"
    assert it.invoke.__doc__ == micro.Interpreter.invoke.__doc__
    inputs = random_inputs(it, 4)
    it.set_input(inputs[0])
    assert it.invoke() is True
    first = it.get_output(0)
    it.set_input(inputs[0])  # invoke may overwrite its inputs (as in TFLM)
    assert micro.Interpreter.invoke(it) is True  # the method: same bytes
    assert np.array_equal(it.get_output(0), first)
    it._runtime._address = 0  # the builtin took the address at construction
    it.set_input(inputs[0])
    assert it.invoke() is True
    assert np.array_equal(it.get_output(0), first)


def test_the_builtin_hands_other_statuses_to_the_interpreter() -> None:
    """A loop past the runtime's limit fails in C: the builtin raises the method's error,
    and after a reset (limit lifted) runs again; a model with control flow releases the
    GIL (its loops' length is not known before it runs)."""
    it = micro.Interpreter.from_bytes(while_model())
    assert any(s.calls for s in it.compiled.steps)
    it._runtime.set_loop_limit(99)
    x = np.full(it.get_input_details(0)["shape"], 100, np.int8)  # n = 100 iterations
    it.set_input(x, 0)
    with pytest.raises(micro.InvokeError, match="more iterations than the runtime's limit"):
        it.invoke()
    it._runtime.set_loop_limit(0)
    it.set_input(x, 0)
    assert it.invoke() is True


def test_only_small_models_without_control_flow_keep_the_gil() -> None:
    """The builtin keeps the GIL for a model of at most GIL_KEPT_MACS multiply-accumulates
    without control flow, and releases it otherwise: seen from a thread that counts while
    invokes run in this one (a held GIL lets it take no turn during them)."""
    import sys
    import threading
    import time

    small = micro.Interpreter.from_file(reference_path("tflm/hello_world/hello_world_int8.tflite"))
    assert sum(s.macs for s in small.compiled.steps) <= GIL_KEPT_MACS
    big = micro.Interpreter.from_file(reference_path("mlperf_tiny/ad01_int8.tflite"))
    assert sum(s.macs for s in big.compiled.steps) > GIL_KEPT_MACS

    def turns_during(it: micro.Interpreter, invokes: int, seconds: float) -> int:
        """The other thread's count over `invokes` invokes, or fewer: until it counts or
        `seconds` have passed."""
        stop, count = threading.Event(), [0]

        def spin() -> None:
            while not stop.is_set():
                count[0] += 1

        for i, d in enumerate(it.get_input_details()):
            it.set_input(np.zeros(d["shape"], d["dtype"]), i)
        thread = threading.Thread(target=spin)
        thread.start()
        time.sleep(0.01)  # the thread has started counting
        before, deadline, invoke = count[0], time.perf_counter() + seconds, it.invoke
        for _ in range(invokes):
            invoke()
            if count[0] != before or time.perf_counter() > deadline:
                break
        after = count[0]
        stop.set()
        thread.join()
        return after - before

    interval = sys.getswitchinterval()
    sys.setswitchinterval(0.5)  # no forced switch during the small model's loop
    try:
        assert turns_during(small, 1000, 0.1) == 0
        assert turns_during(big, 100_000, 10.0) > 0
    finally:
        sys.setswitchinterval(interval)


def test_bind_invoke_refuses_a_null_address_or_handler() -> None:
    it = micro.Interpreter.from_bytes(random_chain(3))
    with pytest.raises(ValueError, match="null"):
        bind_invoke(0, it, it._finish, False, "doc")
    with pytest.raises(TypeError, match="callable"):
        bind_invoke(it._runtime.address, it, 3, False, "doc")  # type: ignore[arg-type]


def test_the_builtin_keeps_no_cycle_and_outlives_its_interpreter() -> None:
    it = micro.Interpreter.from_bytes(random_chain(5))
    inputs = random_inputs(it, 5)
    it.set_input(inputs[0])
    invoke, owner = it.invoke, weakref.ref(it)
    gc.disable()
    try:
        del it
        assert owner() is None  # freed by reference counting: no cycle holds the arena
    finally:
        gc.enable()
    assert invoke() is True  # the builtin keeps the runtime (and its arena) alive


def test_streamed_inputs_keep_the_method_and_its_check() -> None:
    model = random_chain(0)
    try:
        it = micro.Interpreter.from_bytes(model, max_overhead=0.5, stream=True)
    except micro.UnsupportedOpError:
        pytest.skip("this chain has no patching")
    assert "invoke" not in vars(it)
    with pytest.raises(micro.InputError, match="streamed"):
        it.invoke()
