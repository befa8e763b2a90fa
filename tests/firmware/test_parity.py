"""The promise: the firmware on each emulated board gives exactly the host's output bytes,
for the reference models and for generated ones."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from models import GENERATED, fully_connected_chain
from op_sets import (
    audio_ops_model,
    float_nn_model,
    float_ops_model,
    new_ops_model,
    quantized_ops_model,
)
from support.oracle import random_inputs
from test_op_circular_buffer import streaming_model
from test_op_control_flow import call_once_model, if_model, while_model
from test_op_decode import compressed, conv_model
from test_op_resource import ring_buffer_model

import micro
from micro import firmware
from micro._ffi import lib
from micro.boards import list_boards, load_board
from micro.compiler import compile_model
from micro.model import load_model

EMULATED = [b for b in list_boards() if load_board(b).emulated]  # every folder in boards/
SEEDS = (0, 1, 2)


def assert_board_matches_host(
    model: bytes,
    board_id: str,
    build_dir: Path,
    max_overhead: float = 0.0,
    stream: bool = False,
    seeds: Sequence[int] = SEEDS,
    carry_state: bool = False,
) -> firmware.Flash:
    """Run `model` on the host and on the board for each seed's input: same bytes.
    `max_overhead` > 0 lets the compiler run a chain of steps in strips (micro/patches.py);
    `stream`: with the image input streamed (the runner's row reader serves the set);
    `carry_state`: the sets run in sequence, each on the state the previous one left. The
    Program is compiled for the board's core (DSP weight layouts on the M4F and M7), as
    `micro flash` compiles it, and the host runs that same Program."""
    compiled = compile_model(
        load_model(model),
        max_overhead=max_overhead,
        stream=stream,
        dsp=load_board(board_id).dsp,
    )
    it = micro.Interpreter(compiled)
    sets = [random_inputs(it, seed) for seed in seeds]
    expected, statuses = [], []
    for s, inputs in enumerate(sets):
        if s > 0 and not carry_state:
            it.reset()  # as the runner, which resets the variables before each later set
        for i, x in enumerate(inputs):
            it.set_input(x, i)
        statuses.append(lib.MICRO_OK if it.invoke() else lib.MICRO_STOPPED)
        expected.append([it.get_output(k).tobytes() for k in range(len(it.compiled.outputs))])
    result = firmware.flash(
        it.compiled.program,
        board_id,
        [[x.tobytes() for x in inputs] for inputs in sets],
        build_dir,
        carry_state=carry_state,
    )
    run = result.run
    assert run is not None and run.init_status == 0 and run.status == 0, run and run.log
    for s, outputs in enumerate(expected):
        for k, data in enumerate(outputs):
            got = run.outputs[(s, k)]
            assert got == data, f"set {s} output {k}: board {got.hex()} host {data.hex()}"
    assert run.invoke_status[: len(seeds)] == statuses
    assert len(run.instructions) == len(seeds) and min(run.instructions) > 0
    # The profile pass runs set 0 after a reset: up to the first CIRCULAR_BUFFER that waits.
    waits = [
        s
        for s, step in enumerate(it.compiled.steps)
        if step.kernel == "circular_buffer_s8" and step.params["cycles_max"] > 1
    ]
    n_steps = len(it.compiled.steps)
    if any(s.kernel == "branch" for s in it.compiled.steps):  # steps of a branch not taken
        assert 0 < len(run.step_instructions) <= n_steps  # are not counted
    else:
        assert len(run.step_instructions) == (waits[0] + 1 if waits else n_steps)
    assert result.bundle.arena_size == it.arena_used_bytes()
    return result


@pytest.mark.parametrize("board", EMULATED)
def test_hello_world(
    board: str, toolchain: None, reference: Callable[[str], Path], tmp_path: Path
) -> None:
    model = reference("tflm/hello_world/hello_world_int8.tflite").read_bytes()
    assert_board_matches_host(model, board, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("board", EMULATED)
@pytest.mark.parametrize(
    "rel",
    [
        "tflm/micro_speech/micro_speech_quantized.tflite",
        "tflm/person_detection/person_detect.tflite",
        "mlperf_tiny/ad01_int8.tflite",
    ],
    ids=lambda r: Path(r).stem,
)
def test_reference_models(
    rel: str, board: str, toolchain: None, reference: Callable[[str], Path], tmp_path: Path
) -> None:
    assert_board_matches_host(reference(rel).read_bytes(), board, tmp_path)


@pytest.mark.parametrize("kind", sorted(GENERATED))
def test_generated_on_m4f(kind: str, toolchain: None, tmp_path: Path) -> None:
    assert_board_matches_host(GENERATED[kind](0), "mps2-an386", tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("board", EMULATED)
@pytest.mark.parametrize("seed", range(1, 4))
@pytest.mark.parametrize("kind", sorted(GENERATED))
def test_generated(kind: str, seed: int, board: str, toolchain: None, tmp_path: Path) -> None:
    assert_board_matches_host(GENERATED[kind](seed), board, tmp_path)


def test_only_the_used_kernels_are_linked(toolchain: None, tmp_path: Path) -> None:
    program = micro.Interpreter.from_bytes(fully_connected_chain(0)).compiled.program
    result = firmware.flash(program, "mps2-an386", None, tmp_path, count=False)
    symbols = firmware.symbols(result.build.elf)
    tables = {"micro_kernel_get", "micro_kernel_access"}
    linked = sorted(s for s in symbols if s.startswith("micro_kernel_") and s not in tables)
    assert linked == ["micro_kernel_fully_connected_s8"]
    assert result.bundle.kernels == ["fully_connected_s8"]
    assert load_board("mps2-an386").emulated
    # The image is small: runner, executor, one kernel (FULLY_CONNECTED's reference, and of
    # its DSP twin only the dispatch: the chain's row-major filters take none of the twin's
    # paths, so the build keeps none), startup with its fault reports (firmware/port/fault.c,
    # 1,120 B) and the Program: 9,888 B besides the Program when measured (13.7 KB with
    # every path of the twin linked).
    assert result.bundle.paths == 0
    assert result.build.flash < result.bundle.program_size + 10 * 1024, result.build.sections


@pytest.mark.slow
@pytest.mark.parametrize("board", EMULATED)
def test_new_ops_on_every_board(board: str, toolchain: None, tmp_path: Path) -> None:
    """Issue 14's kernels (resize, index_copy, gather, transpose conv, batch matmul, float
    unary and binary ops) in one model: each board gives the host's bytes."""
    assert_board_matches_host(new_ops_model(0), board, tmp_path)


@pytest.mark.slow
def test_quantized_ops_on_m4f(toolchain: None, tmp_path: Path) -> None:
    """int8 DIV, int16 / int32 SQUARED_DIFFERENCE, int16 SOFTMAX, MEAN and RSQRT,
    L2_NORMALIZATION, LOG_SOFTMAX, CUMSUM, ADD_N, float ABS and int32 FLOOR_DIV / FLOOR_MOD
    in one model: the Cortex-M4F board gives the host's bytes."""
    assert_board_matches_host(quantized_ops_model(0), "mps2-an386", tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("board", EMULATED)
def test_float_and_data_movement_ops_on_every_board(
    board: str, toolchain: None, tmp_path: Path
) -> None:
    """Issue 14's float and data-movement kernels in one model: each board gives the
    host's bytes (float32 soft-float on the M3, single-precision FPU on the M4F/M7)."""
    assert_board_matches_host(float_ops_model(0), board, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("board", EMULATED)
def test_float_nn_ops_on_every_board(board: str, toolchain: None, tmp_path: Path) -> None:
    """The float32 conv, pool, reduction, L2 and activation kernels and int16 PRELU/RELU6
    in one model: each board gives the host's bytes (soft-float on the M3, the
    single-precision FPU on the M4F and M7, no fused multiply-add anywhere)."""
    assert_board_matches_host(float_nn_model(0), board, tmp_path)


@pytest.mark.slow
def test_audio_ops_on_m4f(toolchain: None, tmp_path: Path) -> None:
    """The int16x8 LSTM, SignalIrfft (int16, int32, float32), SignalRfft (int32, float32),
    SignalFramer, SignalStacker and SignalOverlapAdd (int16, float32) in one model: the
    Cortex-M4F board gives the host's bytes."""
    assert_board_matches_host(audio_ops_model(0), "mps2-an386", tmp_path)


@pytest.mark.slow
def test_stateful_model_on_m4f(toolchain: None, tmp_path: Path) -> None:
    """A resource variable ring buffer with a CALL_ONCE init subgraph: six invokes in
    sequence on the board carry its state as on the host (which matches TFLM,
    tests/test_op_resource.py); the first runs on the init subgraph's values."""
    assert_board_matches_host(
        ring_buffer_model(), "mps2-an386", tmp_path, seeds=range(6), carry_state=True
    )


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["if", "while", "call_once"])
def test_control_flow_on_m4f(kind: str, toolchain: None, tmp_path: Path) -> None:
    """IF (both branches among the seeds), a WHILE with an IF in its body (0 to 100+
    iterations), and a CALL_ONCE that computes carried over the sets: the board's bytes."""
    model = {
        "if": lambda: if_model("int8", (2, 3, 5)),
        "while": lambda: while_model(nested=True),
        "call_once": lambda: call_once_model(after_use=False),
    }[kind]()
    assert_board_matches_host(
        model, "mps2-an386", tmp_path, seeds=range(6), carry_state=kind == "call_once"
    )


@pytest.mark.slow
def test_streaming_model_on_m4f(toolchain: None, tmp_path: Path) -> None:
    """Two CIRCULAR_BUFFERs and their convolutions (tests/test_op_circular_buffer.py matches
    TFLM): ten invokes in sequence on the board end early where the host's do (status
    MICRO_STOPPED) and leave the same frames and outputs."""
    model, periods = streaming_model(4)
    assert max(periods) > 1  # some invokes end early
    assert_board_matches_host(model, "mps2-an386", tmp_path, seeds=range(10), carry_state=True)


@pytest.mark.slow
def test_compressed_model_on_m4f(toolchain: None, tmp_path: Path) -> None:
    """A CONV_2D compressed by tflite-micro's compressor (TFLM_DECODE lookup tables per
    channel; tests/test_op_decode.py matches TFLM): decoded at compile time, laid out for
    the DSP twin, the board gives the host's bytes."""
    model, _ = conv_model(2, True, 5)
    small = compressed(model, {1: (3, 0), 2: (2, 0)})
    assert_board_matches_host(small, "mps2-an386", tmp_path)
