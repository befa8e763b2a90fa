"""Streamed input (micro/patches.py, kernels/stream_rows.h): the patched first stage pulls
the image's rows through the application's row reader, each row once and in order, and
the arena holds only a halo of rows. Outputs are TFLM's bytes; the Program marks the
input as streamed and the executor refuses a stream anywhere but a stream_rows step."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from support.oracle import random_inputs, run_tflm
from test_patches import random_chain

import micro
from micro import cli
from micro._ffi import ffi, lib
from micro.interpreter import Runtime
from micro.program import REF_SIZE, REF_STREAM, read_header, read_steps, seal

VWW = "mlperf_tiny/vww_96_int8.tflite"


def _streamed(model: bytes, overhead: float = 0.5) -> micro.Interpreter:
    return micro.Interpreter.from_bytes(model, max_overhead=overhead, stream=True)


@pytest.mark.parametrize("seed", range(20))
def test_random_chains_stream_exactly(seed: int) -> None:
    model = random_chain(seed)
    try:
        it = _streamed(model)
    except micro.UnsupportedOpError:  # no strip height of whole arena words
        pytest.skip("this chain has no patching")
    resident = micro.Interpreter.from_bytes(model)
    inputs = random_inputs(resident, seed)
    expected = run_tflm(model, inputs, 1)[0].tobytes()
    it.set_input(inputs[0])
    it.invoke()
    assert it.get_output(0).tobytes() == expected
    assert it.compiled.inputs[0].streamed
    assert it.arena_used_bytes() < resident.arena_used_bytes() + inputs[0].nbytes


def _rows_asked(it: micro.Interpreter, image: np.ndarray) -> list[tuple[int, int]]:
    """Invoke with a Python row reader over `image`; the (first, n) of each read."""
    asked: list[tuple[int, int]] = []
    flat = image.reshape(image.shape[1], -1).view(np.uint8)

    @ffi.callback("micro_status_t(void *, uint32_t, uint32_t, uint32_t, uint32_t, uint8_t *)")
    def read(ctx: Any, input: int, first: int, n: int, row_bytes: int, dst: Any) -> int:
        asked.append((first, n))
        assert input == 0 and row_bytes == flat.shape[1]
        ffi.memmove(dst, flat[first : first + n].tobytes(), n * row_bytes)
        return int(lib.MICRO_OK)

    runtime = it._runtime
    assert lib.micro_set_row_reader(runtime._rt, read, ffi.NULL) == lib.MICRO_OK
    runtime.invoke()
    return asked


def test_each_row_is_read_once_in_order() -> None:
    model = random_chain(3)
    it = _streamed(model)
    image = random_inputs(it, 0)[0]
    asked = _rows_asked(it, image)
    rows = [r for first, n in asked for r in range(first, first + n)]
    assert rows == sorted(set(rows)) and len(asked) > 2
    expected = run_tflm(model, [image], 1)[0].tobytes()
    out = it.compiled.outputs[0]
    assert bytes(it._arena[out.offset : out.offset + out.size]) == expected


def test_the_program_records_the_stream_and_the_executor_checks_it() -> None:
    it = _streamed(random_chain(3))
    program = it.compiled.program
    header = read_header(program)
    at = header.refs_offset + REF_SIZE * header.inputs_first
    assert int.from_bytes(program[at : at + 4], "little") == REF_STREAM  # input 0, streamed
    size = ffi.new("uint32_t *")
    assert lib.micro_input(it._runtime._rt, 0, size) == ffi.NULL
    assert size[0] == it.compiled.inputs[0].size
    assert lib.micro_input_streamed(it._runtime._rt, 0) == 1
    steps = read_steps(program)
    stream = [s for s in steps if s.kernel == lib.MICRO_K_STREAM_ROWS]
    other = next(s for s in steps if s.kernel != lib.MICRO_K_STREAM_ROWS)
    assert stream and steps[0].kernel == lib.MICRO_K_STREAM_ROWS
    arena = it.arena_used_bytes()

    def with_ref(ref: int, offset: int) -> bytes:
        blob = bytearray(program)
        at = header.refs_offset + REF_SIZE * ref
        blob[at : at + 4] = offset.to_bytes(4, "little")
        return seal(blob)

    source = stream[0].first_ref
    refused = {
        "a kernel reading the stream as data": (with_ref(other.first_ref, REF_STREAM), "access"),
        "a stream of another input": (with_ref(source, REF_STREAM | 1), "access"),
        "no stream where one is read": (with_ref(source, 0), "access|outside its region"),
    }
    for what, (blob, match) in refused.items():
        with pytest.raises(micro.ProgramError, match=match):
            Runtime(blob, arena)
            pytest.fail(what)


def test_invoke_needs_the_input_set() -> None:
    it = _streamed(random_chain(3))
    with pytest.raises(micro.InputError, match="streamed"):
        it.invoke()
    bare = Runtime(it.compiled.program, it.arena_used_bytes())  # no reader installed
    with pytest.raises(micro.InvokeError):
        bare.invoke()


def test_no_streamable_chain_is_an_error() -> None:
    model = random_chain(3)
    with pytest.raises(micro.UnsupportedOpError, match="streamed"):
        micro.Interpreter.from_bytes(model, max_overhead=0.5, stream=True, keep_inputs=True)


def test_vww_streamed_under_the_input_size(reference: Callable[[str], Path]) -> None:
    """MLPerf Tiny vww: its 96x96x3 input alone is 27,648 B; streamed, the whole arena is
    below that within 15 % more (estimated) instructions, and the bytes are TFLM's."""
    path = reference(VWW)
    it = micro.Interpreter.from_file(path, max_overhead=0.15, stream=True)
    assert it.arena_used_bytes() <= 27_648
    for seed in range(2):
        inputs = random_inputs(it, seed)
        it.set_input(inputs[0])
        it.invoke()
        assert it.get_output(0).tobytes() == run_tflm(path.read_bytes(), inputs, 1)[0].tobytes()


def test_the_executor_refuses_rows_out_of_order() -> None:
    it = _streamed(random_chain(3))
    program = it.compiled.program
    header = read_header(program)
    stream = [s for s in read_steps(program) if s.kernel == lib.MICRO_K_STREAM_ROWS]
    second = header.data_offset + stream[1].params

    def with_field(name: str, value: int) -> bytes:
        blob = bytearray(program)
        at = second + ffi.offsetof("micro_stream_rows_params_t", name)
        blob[at : at + 4] = value.to_bytes(4, "little")
        return seal(blob)

    Runtime(program, it.arena_used_bytes())
    for blob in (with_field("first", 0), with_field("keep", 1 << 20)):
        with pytest.raises(micro.ProgramError, match="invalid kernel parameters"):
            Runtime(blob, it.arena_used_bytes())


def test_plan_shows_the_streamed_plan_beside_the_resident_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "chain.tflite"
    path.write_bytes(random_chain(3))
    assert cli.main(["plan", str(path), "--json", "--max-overhead", "50%"]) == 0
    plans = {p["plan"]: p for p in json.loads(capsys.readouterr().out)["plans"]}
    assert list(plans) == [
        "tensor bound",
        "overlapped",
        "overlapped, fastest",
        "patched",
        "patched, streamed input",
    ]
    resident = micro.Interpreter.from_file(path, max_overhead=0.5)
    assert plans["patched"]["arena"] == resident.arena_used_bytes()
    assert (
        plans["patched, streamed input"]["arena"] == _streamed(path.read_bytes()).arena_used_bytes()
    )
    assert cli.main(["run", str(path), "--stream-input", "--max-overhead", "50%"]) == 0
    assert "used of" in capsys.readouterr().out
