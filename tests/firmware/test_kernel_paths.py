"""Kernel paths (csrc/include/micro/paths.h): a firmware keeps only the DSP kernel paths its
Program takes (micro_program_paths, -DMICRO_PATHS), which gives the flash back.

- the board DSP tests' cases (test_dsp_board, built with every path) take every path bit,
  by the path functions the dispatches themselves call: each kept path is tested there;
- a Program's mask is exactly what runs: built with it, no step runs slower than with
  every path (a step whose path were missing would run the reference kernel, several times
  slower), and without any one of its bits some step does run slower, with the same bytes
  out (the fallback: the reference kernel);
- the kernels build with a mask as with none (strict warnings, each core and level);
- the firmware's flash, against the targets of firmware/README.md.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import test_dsp_board as board_cases
from support.reference import REFERENCE, require_tools
from test_portable_c import CORES, FLAGS, ROOT

import micro
from micro import firmware
from micro._ffi import ffi, lib
from micro.boards import load_board
from micro.compiler import compile_model
from micro.firmware.generate import program_paths
from micro.interpreter import aligned_buffer
from micro.model import load_model
from micro.resources import firmware_dir

BOARD = "mps2-an386"
MICRO_SPEECH = REFERENCE / "tflm/micro_speech/micro_speech_quantized.tflite"
KWS = REFERENCE / "mlperf_tiny/kws_ref_model.tflite"
HELLO_WORLD = REFERENCE / "tflm/hello_world/hello_world_int8.tflite"
# FULLY_CONNECTED's K = 8 and its blocks on the widened scratch and on the row (ad); its
# rest after the last block (ic's 64 -> 10). hello_world's rest (16 -> 1, one output) costs
# about what the reference does (389 and 399 instructions measured), so dropping it shows
# no step slower.
AD = REFERENCE / "mlperf_tiny/ad01_int8.tflite"
IC = REFERENCE / "mlperf_tiny/pretrainedResnet_quant.tflite"
# FULLY_CONNECTED's loop bits (K = 8, blocks on the widened scratch, on the int8 row) and
# filter layout bits: a call takes one loop with the bit of its layout.
FC_LOOPS = int(lib.MICRO_PATH_FC_K8 | lib.MICRO_PATH_FC_WIDENED | lib.MICRO_PATH_FC_ROW)
FC_LAYOUTS = int(lib.MICRO_PATH_FC_INT8 | lib.MICRO_PATH_FC_INT16)


def path_bits(prefix: str) -> dict[str, int]:
    """MICRO_PATH_<prefix>* -> bit, read from the C header through cffi."""
    return {
        name: int(getattr(lib, name))
        for name in dir(lib)
        if name.startswith(f"MICRO_PATH_{prefix}")
    }


def pointer(ctype: str, data: np.ndarray) -> Any:
    """An 8-byte-aligned copy of data (as the board test's arrays are), or NULL if empty."""
    if data.nbytes == 0:
        return ffi.NULL
    copy = aligned_buffer(data.nbytes, 8)
    copy[:] = np.frombuffer(data.tobytes(), np.uint8)
    pointer.keep.append(copy)  # type: ignore[attr-defined]
    return ffi.cast(ctype, ffi.from_buffer(copy))


pointer.keep = []  # type: ignore[attr-defined]


# Each DSP twin's path function: its operands (by their slot in the case) and C types.
PATH_FUNCTIONS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "conv": (
        "micro_conv_s8_dsp_path",
        [
            ("MICRO_CONV_S8_FILTER", "int8_t *"),
            ("MICRO_CONV_S8_MULTIPLIER", "int32_t *"),
            ("MICRO_CONV_S8_SHIFT", "int32_t *"),
            ("MICRO_CONV_S8_SCRATCH", "int16_t *"),
        ],
    ),
    "depthwise": (
        "micro_depthwise_conv_s8_dsp_path",
        [
            ("MICRO_DEPTHWISE_CONV_S8_FILTER", "int8_t *"),
            ("MICRO_DEPTHWISE_CONV_S8_MULTIPLIER", "int32_t *"),
            ("MICRO_DEPTHWISE_CONV_S8_SHIFT", "int32_t *"),
        ],
    ),
    "fully_connected": (
        "micro_fully_connected_s8_dsp_path",
        [
            ("MICRO_FULLY_CONNECTED_S8_FILTER", "int8_t *"),
            ("MICRO_FULLY_CONNECTED_S8_MULTIPLIER", "int32_t *"),
            ("MICRO_FULLY_CONNECTED_S8_SHIFT", "int32_t *"),
            ("MICRO_FULLY_CONNECTED_S8_SCRATCH", "int16_t *"),
        ],
    ),
}


def dsp_path(kernel: str, params: Any, ops: list[np.ndarray]) -> int:
    """The path bits the DSP twin of `kernel` takes for a case (its dispatch's own choice)."""
    function, operands = PATH_FUNCTIONS[kernel]
    args = [pointer(ctype, ops[getattr(lib, slot)]) for slot, ctype in operands]
    return int(getattr(lib, function)(params, *args))


def compile_for_board(model: Path) -> Any:
    """`model` compiled for BOARD's arena and flash, with its DSP kernels."""
    board = load_board(BOARD)
    return compile_model(
        load_model(model),
        arena_budget=firmware.arena_budget(board),
        dsp=board.dsp,
        flash_budget=firmware.flash_budget(board),
    )


def test_board_cases_take_every_path() -> None:
    """Every path bit of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED is taken by some
    case of the board test that checks the DSP kernels against their reference (all paths
    built there); for FULLY_CONNECTED each of its loops (K = 8, the blocks on the widened
    scratch, on the int8 row) on both filter layouts, since a call's loop takes the bit of
    its layout with it."""
    extra = board_cases.DIRECT + board_cases.ROWS + board_cases.PAIRED + board_cases.MORE
    # the strided 1x1 layers' cases, then the classifier heads' (layouts 0 and 3)
    extra += board_cases.STRIDED + board_cases.HEAD + board_cases.HEAD16
    taken = {"CONV_": 0, "DW_": 0, "FC_": 0}
    fc_loops = set()
    for seed in range(board_cases.PER_KERNEL + extra):
        taken["CONV_"] |= dsp_path("conv", *board_cases.conv_case(1000 + seed))
    for seed in range(board_cases.PER_KERNEL + board_cases.MAPS):
        taken["DW_"] |= dsp_path("depthwise", *board_cases.depthwise_case(1000 + seed))
    fc_extra = board_cases.ROWS16 + board_cases.REST + board_cases.LEAN
    for seed in range(board_cases.PER_KERNEL + fc_extra):
        path = dsp_path("fully_connected", *board_cases.fully_connected_case(1000 + seed))
        taken["FC_"] |= path
        fc_loops.add(path & (FC_LOOPS | FC_LAYOUTS))
    pointer.keep.clear()  # type: ignore[attr-defined]
    for loop in (lib.MICRO_PATH_FC_K8, lib.MICRO_PATH_FC_WIDENED, lib.MICRO_PATH_FC_ROW):
        for layout in (lib.MICRO_PATH_FC_INT8, lib.MICRO_PATH_FC_INT16):
            assert int(loop | layout) in fc_loops, (hex(loop | layout), sorted(fc_loops))
    for prefix, mask in taken.items():
        bits = path_bits(prefix)
        assert len(bits) >= 6, bits  # the header's bits were read
        missing = sorted(name for name, bit in bits.items() if not mask & bit)
        assert not missing, f"no board case takes {missing}"


def test_program_paths_of_the_models() -> None:
    """The paths of the models whose layers are known: micro_speech is one 1-channel 10x8
    depthwise layer (a first-layer convolution on a DSP core), a FULLY_CONNECTED and a
    SOFTMAX, so one conv path and one FC loop with its layout (4 outputs: one block, no
    rest); hello_world is FULLY_CONNECTED 1 -> 16 (K = 1), 16 -> 16 (blocks on the row:
    no scratch under 32 rows) and 16 -> 1 (the rest), all on one filter layout."""
    mask = program_paths(compile_for_board(MICRO_SPEECH).program)
    assert mask is not None, "the runtime refused the Program"
    conv = sum(path_bits("CONV_").values())
    one = [mask & conv, mask & FC_LAYOUTS, mask & FC_LOOPS]
    assert all(m != 0 and m & (m - 1) == 0 for m in one), hex(mask)
    assert mask == sum(one), hex(mask)
    hello_mask = program_paths(compile_for_board(HELLO_WORLD).program)
    assert hello_mask is not None, "the runtime refused the Program"
    assert hello_mask & FC_LAYOUTS in (lib.MICRO_PATH_FC_INT8, lib.MICRO_PATH_FC_INT16), hex(
        hello_mask
    )
    rest = lib.MICRO_PATH_FC_SINGLE | lib.MICRO_PATH_FC_ROW | lib.MICRO_PATH_FC_REST
    assert hello_mask & ~FC_LAYOUTS == rest, hex(hello_mask)


def run_with_paths(
    program: bytes, inputs: list[bytes], out: Path, paths: int | None, expect: list[bytes]
) -> firmware.Run:
    """The runner firmware of `program` built keeping `paths` (None: every path), run on
    `inputs`: its outputs must be the bytes `expect`."""
    board = load_board(BOARD)
    firmware.export(program, board, out, [inputs])
    firmware.write_platformio_ini(out, board, [firmware_dir() / "runner"], paths)
    built = firmware.build(out, board)
    run = firmware.run_qemu(built.elf, board)
    assert run.status == 0, run.log
    assert [run.outputs[(0, k)] for k in range(len(expect))] == expect
    return run


def host_outputs(compiled: Any, inputs: list[np.ndarray]) -> list[bytes]:
    it = micro.Interpreter(compiled)
    for i, x in enumerate(inputs):
        it.set_input(x, i)
    it.invoke()
    return [it.get_output(k).tobytes() for k in range(len(compiled.outputs))]


@pytest.mark.parametrize(
    "model",
    [
        MICRO_SPEECH,
        KWS,
        pytest.param(AD, marks=[pytest.mark.slow]),
        pytest.param(IC, marks=[pytest.mark.slow]),
    ],
    ids=["micro_speech", "kws", "ad", "ic"],
)
def test_program_paths_are_the_paths_taken(model: Path, toolchain: None, tmp_path: Path) -> None:
    compiled = compile_for_board(model)
    rng = np.random.default_rng(7)
    inputs = [
        rng.integers(-128, 128, slot.shape, np.int64).astype(slot.dtype) for slot in compiled.inputs
    ]
    data = [x.tobytes() for x in inputs]
    expect = host_outputs(compiled, inputs)
    mask = program_paths(compiled.program)
    assert mask is not None, "the runtime refused the Program"
    every = run_with_paths(compiled.program, data, tmp_path / "every", None, expect)
    kept = run_with_paths(compiled.program, data, tmp_path / "kept", mask, expect)
    # Built with its mask, every step runs the code it runs with every path: the same
    # instructions but for the dispatch's own few (the compiler lays it out anew).
    for step, (a, b) in enumerate(
        zip(every.step_instructions, kept.step_instructions, strict=True)
    ):
        assert b <= a + 64, f"step {step}: {b:,} instructions with the mask, {a:,} without"
    # Each bit is needed: without it some step runs the reference kernel instead (slower),
    # with the same bytes out.
    bits = [1 << i for i in range(32) if mask >> i & 1]
    assert bits
    for bit in bits:
        out = tmp_path / f"without_{bit:x}"
        run = run_with_paths(compiled.program, data, out, mask & ~bit, expect)
        slower = [
            b > 1.2 * a for a, b in zip(kept.step_instructions, run.step_instructions, strict=True)
        ]
        assert any(slower), f"path {bit:#x} dropped, yet no step ran slower"


def test_firmware_flash(toolchain: None, tmp_path: Path) -> None:
    """micro_speech's firmware within firmware/README.md's target, 45,000 B (TFLM's example
    is about 151 KB); kws's runtime (its firmware less its Program) within 64 KiB, half what
    it took with every path of the conv and depthwise kernels linked (110 KB)."""
    board = load_board(BOARD)
    sizes = {}
    for name, model in (("micro_speech", MICRO_SPEECH), ("kws", KWS)):
        compiled = compile_for_board(model)
        firmware.export(compiled.program, board, tmp_path / name)
        sizes[name] = (firmware.build(tmp_path / name, board).flash, len(compiled.program))
    assert sizes["micro_speech"][0] <= 45_000, sizes
    flash, program = sizes["kws"]
    assert flash - program <= 64 * 1024, sizes


@pytest.mark.parametrize("level", ["-O0", "-Os", "-O2"])
@pytest.mark.parametrize(
    "core", ["cortex-m4f", pytest.param("cortex-m7f", marks=[pytest.mark.slow])]
)
def test_kernels_build_keeping_some_paths(core: str, level: str, tmp_path: Path) -> None:
    """No path, one path, every path but one: the dispatches still build warning-free."""
    require_tools("arm-none-eabi-gcc")
    first = int(lib.MICRO_PATH_CONV_FIRST)
    cols = int(lib.MICRO_PATH_DW_COLS_S1)
    fc = int(lib.MICRO_PATH_FC_ROW | lib.MICRO_PATH_FC_INT16 | lib.MICRO_PATH_FC_REST)
    some = first | cols | fc
    flags = [f for f in FLAGS if f != "-Os"] + [level]
    kernels = ("conv_s8_dsp.c", "depthwise_conv_s8_dsp.c", "fully_connected_s8_dsp.c")
    sources = [str(ROOT / "csrc/kernels" / f) for f in kernels]
    include = f"-I{ROOT / 'csrc' / 'include'}"
    for mask in (0, some, 0xFFFFFFFF & ~some):
        define = f"-DMICRO_PATHS={mask:#x}u"
        proc = subprocess.run(
            ["arm-none-eabi-gcc", *CORES[core], *flags, define, include, *sources],
            cwd=tmp_path,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 0, f"MICRO_PATHS={mask:#x}: {proc.stderr}"
