"""The stack guard and the fault reports (firmware/port/fault.c): on the emulated Cortex-M3,
M4F and M7F (QEMU models their PMSAv7 MPU) an overflowing stack faults at once with one
"fault: stack overflow ..." line and exit status 252, whether the stack walks into the 32-B
guard or a large frame leaps over it into the zone below; other faults print their kind and
exit 250 instead of hanging; every host path that runs firmware (flash, profile --board, the
demos, the speech budget) turns the line into the same error that says what to do;
and the guard costs instructions only before main(). A test-only image
(tests/firmware/faults/fault_cases.c) raises each fault; models run with a stack too small
for them show the same on the runner's firmware."""

from __future__ import annotations

import importlib
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from support.reference import require_tools

from micro import firmware
from micro.boards import Board, load_board
from micro.cli.board import flash_report
from micro.cli.demo_board import check_run
from micro.compiler import CompiledModel, compile_model
from micro.errors import MicroError
from micro.firmware.toolchain import require_tool
from micro.model import load_model
from micro.speech import board as speech
from micro.speech.board import budget
from micro.speech.wav import read_wav

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PORT = ROOT / "firmware" / "port"
CASES = HERE / "faults" / "fault_cases.c"
STRICT = ["-mthumb", "-std=c99", "-pedantic", "-Wall", "-Wextra", "-Werror"]
GUARDED = ["mps2-an385", "mps2-an386", "mps2-an500", "netduinoplus2"]  # M3, M4F, M7F, M4F
ZONE = 8192  # the no-access zone below the guard (fault.c)
STACK = 2048  # the test image's stack

EXIT_FAULT, EXIT_UNEXPECTED, EXIT_OVERFLOW = 250, 251, 252  # micro_port.h
OVERFLOW_RE = re.compile(
    r"^stack overflow \((\w+) ([A-Z ]+) at 0x([0-9a-f]{8}), PC (0x[0-9a-f]{8}|not stacked)\)"
    r" stack size=(\d+)$"
)
HEX_PC_RE = re.compile(r"PC 0x([0-9a-f]{8})\)$")


# -- the host's reading of the line ----------------------------------------------------------


def test_a_fault_line_becomes_a_clear_error() -> None:
    line = (
        "stack overflow (MemManage DACCVIOL MSTKERR at 0x2000001c, PC not stacked) stack size=4096"
    )
    console = f"init status=0 step=-1 msg=ok\nout\nfault: {line}\n"
    run = firmware.parse_console(console, EXIT_OVERFLOW)
    assert run.fault == line and run.init_status == 0 and run.stack_used is None
    error = firmware.fault_error(console, "mps2-an386")
    assert error is not None and error.startswith("the firmware's stack overflowed on mps2-an386")
    assert "its 4,096 B" in error and line in error and "A smaller arena does not help" in error
    assert 'raise "stack_size" in the "micro" section of boards/mps2-an386/board.json' in error
    assert "board_micro.stack_size = <bytes>" in error
    other = "fault: UsageFault (UNDEFINSTR, PC 0x00000a3e)\n"
    error = firmware.fault_error(other, "mps2-an500")
    assert error is not None and "faulted on mps2-an500: UsageFault (UNDEFINSTR" in error
    assert "addr2line" in error and "stack" not in error
    assert firmware.fault_error("done status=0\nstack used=1 size=2\n") is None
    assert firmware.parse_console("done status=0\n", 0).fault is None


def test_profile_board_refuses_an_overflowing_run_clearly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`micro profile --board` (firmware.board_run) on a run that ended in an overflow: the
    error names the stack and the setting, not the raw console."""
    from micro.cli import main

    flash_module = importlib.import_module("micro.firmware.flash")  # the package shadows it

    line = "stack overflow (MemManage DACCVIOL at 0x2000001c, PC 0x00000b3c) stack size=8192"
    run = firmware.parse_console(f"init status=0 step=-1 msg=ok\nfault: {line}\n", 252)
    run.log = f"fault: {line}\n"
    monkeypatch.setattr(
        flash_module, "flash", lambda *args, **kwargs: firmware.Flash(None, None, run)
    )
    model = ROOT / "micro" / "speech" / "data" / "yes_no.tflite"
    assert main(["profile", str(model), "--board", "mps2-an386"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: the firmware's stack overflowed on mps2-an386: it needs more")
    assert "its 8,192 B" in err and "boards/mps2-an386/board.json" in err


def test_the_demos_turn_a_fault_into_the_same_error() -> None:
    """check_run (`micro classify`, `gesture`, `speech` on an emulated board): a faulted
    run raises fault_error's message for the board; a failure without a fault line keeps
    the console."""
    board = load_board("mps2-an500")
    console = "stream name=trace.csv\nfault: UsageFault (UNDEFINSTR, PC 0x00000a3e)\n"
    with pytest.raises(MicroError) as info:
        check_run(board, EXIT_FAULT, console, False)
    assert str(info.value) == firmware.fault_error(console, "mps2-an500")
    with pytest.raises(MicroError, match=r"failed on mps2-an500 \(status 3\):\nno fault here"):
        check_run(board, 3, "no fault here", True)
    check_run(board, 0, "done\n", True)  # a complete run passes


def test_the_speech_budget_turns_a_fault_into_the_same_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """measure() (`micro speech --board` on a real board counts on its emulated twin): a
    run that faulted raises fault_error's message, not the raw console."""
    line = "stack overflow (MemManage DACCVIOL at 0x2000001c, PC 0x00000b3c) stack size=1024"
    console = f"stream name=measure frames=3\nfault: {line}\n"
    monkeypatch.setattr(budget, "build_root", lambda: tmp_path)
    monkeypatch.setattr(budget, "build", lambda project, board: firmware.Build(tmp_path, 0, 0, {}))
    monkeypatch.setattr(budget, "run", lambda bundle, elf: speech.parse(console, EXIT_OVERFLOW))
    model = (ROOT / "micro" / "speech" / "data" / "yes_no.tflite").read_bytes()
    audio = np.zeros(16000, np.int16)
    with pytest.raises(speech.SpeechBoardError) as info:
        budget.measure(model, load_board("mps2-an386"), audio, speech.Settings())
    assert str(info.value) == firmware.fault_error(console, "mps2-an386")
    assert "its 1,024 B" in str(info.value) and "stream name" not in str(info.value)


# -- the port builds everywhere under the firmware's strict flags -----------------------------

CORES = {
    "cortex-m0plus": ["-mcpu=cortex-m0plus", "-mfloat-abi=soft"],
    "cortex-m3": ["-mcpu=cortex-m3", "-mfloat-abi=soft"],
    "cortex-m4f": ["-mcpu=cortex-m4", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"],
    "cortex-m7f": ["-mcpu=cortex-m7", "-mfloat-abi=hard", "-mfpu=fpv5-d16"],
}


@pytest.mark.parametrize("level", ["-O0", "-Os", "-O2"])
@pytest.mark.parametrize(
    "core",
    [pytest.param(c, marks=[] if c == "cortex-m4f" else [pytest.mark.slow]) for c in sorted(CORES)],
)
def test_startup_and_fault_build_strictly(core: str, level: str, tmp_path: Path) -> None:
    require_tools("arm-none-eabi-gcc")
    sources = [str(PORT / "startup.c"), str(PORT / "fault.c")]
    cmd = ["arm-none-eabi-gcc", *CORES[core], *STRICT, level, "-c", f"-I{PORT}", *sources]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    # The handler switches stacks before it pushes anything: its first instructions touch
    # no memory through sp.
    objdump = [require_tool("arm-none-eabi-objdump"), "-d", "--no-show-raw-insn"]
    text = subprocess.run(
        [*objdump, str(tmp_path / "fault.o")], capture_output=True, text=True, check=True
    ).stdout
    entry = text.split("<micro_fault_entry>:", 1)[1].strip().splitlines()
    body = [line.split(":", 1)[1].split("@")[0].strip() for line in entry[:5]]
    assert body[0] == "mov\tr0, sp" and body[1].startswith("ldr\tr1, [pc")
    assert body[2] == "mov\tsp, r1" and body[4].startswith("bl\t")


# -- the test-only image ----------------------------------------------------------------------


def _image(board_id: str, tmp: Path, *defines: str) -> Path:
    """fault_cases.c on startup.c, fault.c and semihosting for `board_id`, with a 2-KiB
    stack, built with the firmware's strict flags."""
    require_tools("arm-none-eabi-gcc")
    board = load_board(board_id)
    elf = tmp / f"{board_id}{''.join(defines)}.elf"
    cmd = ["arm-none-eabi-gcc", *board.manifest["build"]["cpu_flags"], *STRICT[1:], "-Os",
           "-ffunction-sections", "-fdata-sections", "-nostartfiles", "--specs=nano.specs",
           "--specs=nosys.specs", "-Wl,--gc-sections", f"-I{PORT}", f"-L{PORT}",
           "-T", str(board.path / "memory.ld"), f"-Wl,--defsym=__stack_size={STACK}",
           *defines, str(PORT / "startup.c"), str(PORT / "fault.c"),
           str(PORT / "semihosting.c"), str(CASES), "-o", str(elf)]  # fmt: skip
    subprocess.run(cmd, check=True)
    return elf


def _run(elf: Path, board_id: str, case: str, count: bool = False) -> firmware.Emulation:
    # Each case ends in well under a second; a hang would end at the timeout, as an error.
    return firmware.emulate(elf, load_board(board_id), count=count, timeout=60, args=[case])


def _fault(emulation: firmware.Emulation) -> str:
    lines = [line for line in emulation.console.splitlines() if line.startswith("fault: ")]
    assert len(lines) == 1, emulation.log
    return lines[0].removeprefix("fault: ")


def _instructions(elf: Path, mnemonic: str) -> set[int]:
    """Addresses of every `mnemonic` instruction in the image, from its disassembly."""
    objdump = [require_tool("arm-none-eabi-objdump"), "-d", "--no-show-raw-insn", str(elf)]
    text = subprocess.run(objdump, capture_output=True, text=True, check=True).stdout
    found = re.findall(rf"^\s*([0-9a-f]+):\s+{mnemonic}\b", text, re.MULTILINE)
    return {int(a, 16) for a in found}


@pytest.mark.slow
@pytest.mark.parametrize("board_id", GUARDED)
def test_overflow_faults_at_once(board_id: str, toolchain: None, tmp_path: Path) -> None:
    """Small frames walk into the 32-B guard; 1-KiB frames written from their lowest word
    leap over it into the zone below. Both end at once with the line and status 252."""
    elf = _image(board_id, tmp_path)
    symbols = firmware.symbols(elf)
    guard, bottom = symbols["__stack_guard"], symbols["__stack_bottom"]
    assert guard % 32 == 0 and bottom == guard + 32 and symbols["__stack_top"] == bottom + STACK
    for case, low, high in (("recurse", guard, bottom), ("leap", guard - ZONE, guard)):
        emulation = _run(elf, board_id, case)
        assert emulation.status == EXIT_OVERFLOW, emulation.log
        line = _fault(emulation)
        match = OVERFLOW_RE.match(line)
        assert match is not None, line
        kind, bits, address, _, size = match.groups()
        assert kind == "MemManage" and "DACCVIOL" in bits.split()
        assert low <= int(address, 16) < high, (case, line)
        assert int(size) == STACK
        error = firmware.fault_error(emulation.console, board_id)
        assert error is not None and "stack overflowed" in error and f"{STACK:,} B" in error
        assert "stack used=" not in emulation.console  # main() never returned


@pytest.mark.slow
@pytest.mark.parametrize("board_id", GUARDED)
def test_other_faults_report_and_exit(board_id: str, toolchain: None, tmp_path: Path) -> None:
    elf = _image(board_id, tmp_path)
    udf = _instructions(elf, "udf")
    expected = {
        "udf": (EXIT_FAULT, "UsageFault (UNDEFINSTR, PC 0x"),
        "forced": (EXIT_FAULT, "HardFault (UNDEFINSTR FORCED, PC 0x"),  # UsageFault disabled
        "bus": (EXIT_FAULT, "BusFault (PRECISERR at 0x70000000, PC 0x"),
        "svc": (EXIT_UNEXPECTED, "unexpected exception 11"),  # SVCall's number
    }
    for case, (status, start) in expected.items():
        emulation = _run(elf, board_id, case)
        assert emulation.status == status, emulation.log
        line = _fault(emulation)
        assert line.startswith(start), line
        if case in ("udf", "forced"):  # the stacked PC is the faulting instruction's
            pc = HEX_PC_RE.search(line)
            assert pc is not None and int(pc.group(1), 16) in udf, (line, sorted(udf))
        error = firmware.fault_error(emulation.console, board_id)
        assert error is not None and line in error and "overflow" not in error


@pytest.mark.slow
@pytest.mark.parametrize("board_id", ["mps2-an386", "mps2-an500"])
def test_the_guard_costs_startup_instructions_only(
    board_id: str, toolchain: None, tmp_path: Path
) -> None:
    """The same image with the guard and without (-DMICRO_STACK_GUARD=0): the marked work
    runs the same instructions, and what runs before it differs by at most the guard's
    function (every instruction of it once, and the call)."""
    runs = {}
    for defines in ((), ("-DMICRO_STACK_GUARD=0",)):
        elf = _image(board_id, tmp_path, *defines)
        emulation = _run(elf, board_id, "work", count=True)
        assert emulation.status == 0 and len(emulation.marks) == 2, emulation.log
        runs[defines] = (emulation, elf)
    (on, on_elf), (off, _) = runs[()], runs[("-DMICRO_STACK_GUARD=0",)]
    assert on.console == off.console and "work result=" in on.console
    assert on.marks[1] - on.marks[0] == off.marks[1] - off.marks[0] > 0
    objdump = [require_tool("arm-none-eabi-objdump"), "-d", "--no-show-raw-insn", str(on_elf)]
    text = subprocess.run(objdump, capture_output=True, text=True, check=True).stdout
    body = text.split("<micro_stack_guard_enable>:", 1)[1].split("\n\n", 1)[0]
    n_guard = sum(1 for line in body.splitlines() if re.match(r"^\s+[0-9a-f]+:\s+\w", line))
    assert 0 < on.marks[0] - off.marks[0] <= n_guard + 1


# -- the runner's firmware, with a stack too small for the model ------------------------------


def _set_ini(project: Path, stack_size: int | None = None, define: str | None = None) -> None:
    """Give an exported project a board_micro.stack_size of its own and/or one more define."""
    ini = project / "platformio.ini"
    text = ini.read_text()
    if define is not None:
        if "build_flags = " in text:
            text = text.replace("build_flags = ", f"build_flags = {define} ", 1)
        else:
            text += f"build_flags = {define}\n"
    if stack_size is not None:
        text += f"board_micro.stack_size = {stack_size}\n"
    ini.write_text(text)


def _flash_with(
    model: Path, board_id: str, project: Path, stack_size: int | None, define: str | None = None
) -> tuple[firmware.Flash, CompiledModel]:
    board = load_board(board_id)
    compiled = compile_model(
        load_model(model),
        arena_budget=firmware.arena_budget(board),
        dsp=board.dsp,
        flash_budget=firmware.flash_budget(board),
    )
    bundle = firmware.export(compiled.program, board, project)
    _set_ini(project, stack_size, define)
    built = firmware.build(project, board)
    run = firmware.run_qemu(built.elf, board, timeout=120)
    return firmware.Flash(bundle, built, run), compiled


TINY = [
    ("tflm/hello_world/hello_world_int8.tflite", board, 384)
    for board in ("mps2-an386", "mps2-an500", "mps2-an385")
] + [("mlperf_tiny/vww_96_int8.tflite", "mps2-an386", 2048)]  # frames of up to 6.6 KB


@pytest.mark.slow
@pytest.mark.parametrize(
    ("rel", "board_id", "stack"), TINY, ids=[f"{Path(r).stem}-{b}-{s}" for r, b, s in TINY]
)
def test_a_model_on_a_tiny_stack_gets_a_clear_error(
    rel: str,
    board_id: str,
    stack: int,
    toolchain: None,
    reference: Callable[[str], Path],
    tmp_path: Path,
) -> None:
    result, compiled = _flash_with(reference(rel), board_id, tmp_path, stack)
    run = result.run
    assert run is not None and run.status == EXIT_OVERFLOW, run and run.log
    assert run.fault is not None and OVERFLOW_RE.match(run.fault), run.fault
    assert run.fault.endswith(f"stack size={stack}") and result.build.sections[".stack"] == stack
    report = flash_report(compiled, load_board(board_id), result)
    assert report["ok"] is False and report["fault"] == run.fault
    error = report["error"]
    assert f"its {stack:,} B" in error and "A smaller arena does not help" in error
    assert f"boards/{board_id}/board.json" in error and "board_micro.stack_size" in error


@pytest.mark.slow
def test_the_guard_leaves_a_model_run_unchanged(
    toolchain: None, reference: Callable[[str], Path], tmp_path: Path
) -> None:
    """hello_world on the M4F with the guard and without: the same outputs, the same
    instructions per inference and per step, the same stack; only startup differs."""
    model = reference("tflm/hello_world/hello_world_int8.tflite")
    on, _ = _flash_with(model, "mps2-an386", tmp_path / "on", None)
    off, _ = _flash_with(model, "mps2-an386", tmp_path / "off", None, "-DMICRO_STACK_GUARD=0")
    a, b = on.run, off.run
    assert a is not None and b is not None and a.status == b.status == 0, (a, b)
    assert a.outputs == b.outputs and a.fault is None
    assert a.instructions == b.instructions and a.step_instructions == b.step_instructions
    assert a.stack_used == b.stack_used and a.invoke_stack == b.invoke_stack
    assert a.marks[0] > b.marks[0]  # the guard's few instructions, before main()
    assert [m - a.marks[0] for m in a.marks] == [m - b.marks[0] for m in b.marks]


@pytest.mark.slow
def test_the_speech_firmware_on_a_tiny_stack_gets_the_same_error(
    toolchain: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The speech firmware measured for the real-time budget, built with a 512-B stack:
    the overflow reaches the caller as fault_error's message."""
    real_build = budget.build

    def tiny_stack(project: Path, board: Board) -> firmware.Build:
        _set_ini(project, 512)
        return real_build(project, board)

    monkeypatch.setattr(budget, "build_root", lambda: tmp_path)
    monkeypatch.setattr(budget, "build", tiny_stack)
    model = (ROOT / "micro" / "speech" / "data" / "yes_no.tflite").read_bytes()
    audio = read_wav(ROOT / "micro" / "speech" / "data" / "demo_yes.wav")
    with pytest.raises(speech.SpeechBoardError) as info:
        budget.measure(model, load_board("mps2-an386"), audio, speech.Settings())
    error = str(info.value)
    assert error.startswith("the firmware's stack overflowed on mps2-an386"), error
    assert "its 512 B" in error and "board_micro.stack_size" in error and "\n" not in error
