"""The firmware's stack use, measured on the emulated board: startup paints the stack and
the runner reports the deepest word touched (firmware/port/micro_stack.h). The scan is
checked on hand-made memory images against arithmetic; on the board, every reference model
and the speech firmware stay within the board's stack_size with a margin, and the figure is
at least the frames the disassembly says must have been on the stack at once."""

from __future__ import annotations

import ctypes
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support.reference import require_tools

from micro import firmware
from micro.boards import load_board
from micro.compiler import compile_model
from micro.firmware.run import STACK_MARGIN
from micro.firmware.toolchain import require_tool
from micro.model import load_model
from micro.speech import board as speech_board
from micro.speech.wav import read_wav

ROOT = Path(__file__).resolve().parents[2]
PORT = ROOT / "firmware" / "port"
BOARD = "mps2-an386"
PAINT = 0xC5A5E5F5  # MICRO_STACK_PAINT

MARGIN = STACK_MARGIN  # 512 B: an FP exception frame and an interrupt handler's (run.py)

REFERENCE_MODELS = [
    "tflm/hello_world/hello_world_int8.tflite",
    "tflm/micro_speech/micro_speech_quantized.tflite",
    "tflm/person_detection/person_detect.tflite",
    "tflm/keyword/keyword_scrambled_8bit.tflite",
    "tflm/mnist_lstm/trained_lstm_int8.tflite",
    "mlperf_tiny/kws_ref_model.tflite",
    "mlperf_tiny/vww_96_int8.tflite",
    "mlperf_tiny/pretrainedResnet_quant.tflite",
    "mlperf_tiny/ad01_int8.tflite",
]


# -- the scan, on the host ------------------------------------------------------------------


@pytest.fixture(scope="module")
def scan(tmp_path_factory: pytest.TempPathFactory) -> ctypes.CDLL:
    """micro_stack.h's two functions, built for the host with the firmware's strict flags."""
    require_tools("gcc")
    folder = tmp_path_factory.mktemp("stack")
    source = folder / "scan.c"
    source.write_text(
        '#include "micro_stack.h"\n'
        "void paint(uint32_t *b, uint32_t *e) { micro_stack_paint_words(b, e); }\n"
        "uint32_t used(const uint32_t *b, const uint32_t *t)"
        " { return micro_stack_used_bytes(b, t); }\n"
    )
    lib = folder / "libscan.so"
    subprocess.run(
        ["gcc", "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror", "-Wconversion",
         "-O2", "-shared", "-fPIC", f"-I{PORT}", "-o", str(lib), str(source)],
        check=True,
    )  # fmt: skip
    dll = ctypes.CDLL(str(lib))
    dll.used.restype = ctypes.c_uint32
    return dll


def _at(image: np.ndarray, index: int) -> ctypes.c_void_p:
    return ctypes.c_void_p(image.ctypes.data + 4 * index)


def test_paint_fills_exactly_its_range(scan: ctypes.CDLL) -> None:
    image = np.full(40, 7, dtype=np.uint32)
    scan.paint(_at(image, 3), _at(image, 35))
    assert (image[3:35] == PAINT).all()
    assert (image[:3] == 7).all() and (image[35:] == 7).all()
    scan.paint(_at(image, 10), _at(image, 10))  # an empty range writes nothing
    scan.paint(_at(image, 12), _at(image, 11))  # nor does a reversed one
    assert (image[3:35] == PAINT).all()


@pytest.mark.parametrize("seed", range(20))
def test_scan_finds_the_deepest_touched_word(scan: ctypes.CDLL, seed: int) -> None:
    """A painted stack of n words with random words overwritten (the stack grows down from
    index n): the figure is 4 * (n - the lowest overwritten index)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    image = np.full(n + 2, 0x11111111, dtype=np.uint32)  # a guard word each side
    bottom, top = 1, n + 1
    scan.paint(_at(image, bottom), _at(image, top))
    assert scan.used(_at(image, bottom), _at(image, top)) == 0  # nothing touched
    touched = rng.choice(np.arange(bottom, top), size=int(rng.integers(1, n + 1)), replace=False)
    values = rng.integers(0, 2**32, size=touched.size, dtype=np.uint64).astype(np.uint32)
    values[values == PAINT] = 0  # a word rewritten with the paint itself is invisible
    image[touched] = values
    assert scan.used(_at(image, bottom), _at(image, top)) == 4 * (top - int(touched.min()))


def test_a_stack_used_to_its_bottom_reads_full(scan: ctypes.CDLL) -> None:
    """The bottom word touched (the stack used to its end, or beyond it: an overflow) gives
    the whole size, whatever lies above."""
    image = np.zeros(64, dtype=np.uint32)
    scan.paint(_at(image, 0), _at(image, 64))
    image[0] = 0
    assert scan.used(_at(image, 0), _at(image, 64)) == 64 * 4
    image[:] = 0  # never painted at all (an overflowing run rewrote everything)
    assert scan.used(_at(image, 0), _at(image, 64)) == 64 * 4


def test_the_console_lines_parse_and_report() -> None:
    text = "invoke set=0 status=0 stack=1234\ndone status=0\nstack used=2048 size=8192\n"
    run = firmware.parse_console(text, 0)
    assert (run.invoke_stack, run.stack_used, run.stack_size) == ([1234], 2048, 8192)
    report = {"stack": 8192, **firmware.stack_report(run)}
    assert report["stack_inference"] == 1234
    assert "stack used: 2,048 B of 8,192 B (an inference: 1,234 B)" in str(
        firmware.format_stack(report)
    )
    assert "warning" not in str(firmware.format_stack(report))
    report["stack_used"] = 8192 - MARGIN + 4  # too close to the bottom: said so
    assert "warning: less than 512 B" in str(firmware.format_stack(report))
    assert firmware.parse_console("done status=0\n", 0).stack_used is None
    assert firmware.format_stack(firmware.stack_report(firmware.Run(0, 0, "", {}))) is None


# -- on the emulated Cortex-M4F ---------------------------------------------------------------

PUSH_RE = re.compile(r"\b(?:push|stmdb)(?:\.w)?\s+(?:sp!,\s*)?\{([^}]*)\}")
VPUSH_RE = re.compile(r"\bvpush\s+\{([sd])(\d+)(?:-[sd](\d+))?\}")
SUB_SP_RE = re.compile(r"\bsub(?:w|\.w)?\s+sp,\s*(?:sp,\s*)?#(\d+)")


def prologue_frames(elf: Path) -> dict[str, int]:
    """Function -> bytes its prologue takes off the stack (registers pushed, FP registers
    pushed, sp lowered by a constant), read from the disassembly: a figure independent of
    the painting. Only the first instructions count (a prologue's)."""
    frames: dict[str, int] = {}
    name, seen = None, 0
    objdump = [require_tool("arm-none-eabi-objdump"), "-d", "--no-show-raw-insn", str(elf)]
    text = subprocess.run(objdump, capture_output=True, text=True, check=True).stdout
    for line in text.splitlines():
        head = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if head:
            name, seen = head.group(1), 0
            frames[name] = 0
            continue
        if name is None or not line.startswith(" ") or ":" not in line:
            continue
        seen += 1
        if seen > 12:
            continue
        text = line.split(":", 1)[1]
        if m := PUSH_RE.search(text):
            frames[name] += 4 * len(m.group(1).split(","))
        elif m := VPUSH_RE.search(text):
            first, last = int(m.group(2)), int(m.group(3) or m.group(2))
            frames[name] += (4 if m.group(1) == "s" else 8) * (last - first + 1)
        elif m := SUB_SP_RE.search(text):
            frames[name] += int(m.group(1))
    return frames


def _assert_within(run: firmware.Run, elf: Path, board_id: str = BOARD) -> int:
    board = load_board(board_id)
    used = run.stack_used
    assert used is not None, run.log
    assert run.stack_size == board.stack_size == firmware.section_sizes(elf)[".stack"]
    assert used + MARGIN <= board.stack_size, f"stack {used} B + {MARGIN} B > {board.stack_size}"
    # main() was on the stack below everything else.
    assert used > prologue_frames(elf)["main"] > 0
    return used


# Every model on the M4F; the deepest also on the M7F (the same DSP kernels) and the M3 (the
# reference kernels).
CASES = [(rel, BOARD) for rel in REFERENCE_MODELS] + [
    ("mlperf_tiny/vww_96_int8.tflite", board) for board in ("mps2-an500", "mps2-an385")
]


@pytest.mark.slow
@pytest.mark.parametrize(("rel", "board_id"), CASES, ids=[f"{Path(r).stem}-{b}" for r, b in CASES])
def test_reference_models_stay_within_the_stack(
    rel: str, board_id: str, toolchain: None, reference: Callable[[str], Path], tmp_path: Path
) -> None:
    board = load_board(board_id)
    compiled = compile_model(  # the plan `micro flash` runs: the fastest that fits the board
        load_model(reference(rel)),
        arena_budget=firmware.arena_budget(board),
        dsp=board.dsp,
        flash_budget=firmware.flash_budget(board),
    )
    result = firmware.flash(compiled.program, board_id, None, tmp_path)
    run = result.run
    assert run is not None and run.status == 0, run and run.log
    used = _assert_within(run, result.build.elf, board_id)
    # Each inference (the input set's, then the profile pass's) is measured on its own.
    assert len(run.invoke_stack) == 2 and 0 < min(run.invoke_stack) <= max(run.invoke_stack)
    assert max(run.invoke_stack) <= used
    # The deepest frame a model's steps certainly enter: the stride-2 depthwise path, in
    # vww and person_detect (both have stride-2 3x3 depthwise layers) on a DSP core.
    frames = prologue_frames(result.build.elf)
    s2 = [f for name, f in frames.items() if name.startswith("s2_run")]
    if board.dsp and ("vww" in rel or "person" in rel):
        assert s2 and max(run.invoke_stack) >= max(s2) + frames["main"]


@pytest.mark.slow
def test_speech_firmware_stays_within_the_stack(toolchain: None, tmp_path: Path) -> None:
    """The speech demo (features, model and recognizer in one loop) on a bundled clip."""
    data = ROOT / "micro" / "speech" / "data"
    board = load_board(BOARD)
    clip = [("demo_yes.wav", read_wav(data / "demo_yes.wav"))]
    bundle = speech_board.export((data / "yes_no.tflite").read_bytes(), board, tmp_path, clip)
    built = firmware.build(tmp_path, board)
    run = speech_board.run(bundle, built.elf, count=False)
    assert run.status == 0, run.log
    _assert_within(firmware.parse_console(run.log, run.status), built.elf)
