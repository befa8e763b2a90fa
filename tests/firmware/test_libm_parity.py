"""The evidence for refusing the float32 operators TFLM computes with the C library
(micro/optable.py, LIBM_DIFFERS). TFLM's EXP, LOG, SIN, COS, LOGISTIC, TANH, SOFTMAX,
LOG_SOFTMAX and ELU call expf, logf, sinf, cosf, tanhf and expm1f: glibc's in the oracle,
newlib's on a board. One program (tests/firmware/libm/libm_values.c) evaluates the six on the
same float32 inputs, built with the host's gcc and glibc and, for each emulated board, with
arm-none-eabi-gcc and newlib-nano; the bytes differ on the boards LIBM_DIFFERS names and
agree on the others. The decision was measured on 5.1 M inputs per function; these tests
re-measure a sample plus one known witness per function, and check that the wheel's bytes
are glibc's (so it is the C library, not TFLM, that a board would have to match)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from support.models import unary_model
from support.oracle import run_tflm
from support.reference import require_tools

from micro.boards import load_board
from micro.firmware.run import emulate
from micro.optable import LIBM_DIFFERS

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "libm" / "libm_values.c"
PORT = HERE.parents[1] / "firmware" / "port"
FUNCS = ("expf", "logf", "sinf", "cosf", "tanhf", "expm1f")  # the program's output order
BOARDS = ("mps2-an385", "mps2-an386", "mps2-an500")
# Inputs where newlib's result differed from glibc's in the 5.1 M-input measurement (one
# per function; expf, logf, sinf, cosf on the M3 and M4F, tanhf and expm1f on the M4F and M7).
WITNESSES = np.array(
    [0x404ADEFD, 0x3DB841EB, 0xBF6756AC, 0xC0B0A535, 0x3E212D78, 0xBF972153], np.uint32
).view(np.float32)


def sample() -> np.ndarray:
    """The witnesses, 20,000 bit patterns spread over all 2^32 (a Weyl sequence: every
    exponent, NaNs, infinities, subnormals) and 20,000 draws in [-20, 20], the ops' range."""
    weyl = (np.arange(20000, dtype=np.uint64) * 0x9E3779B1 % (1 << 32)).astype(np.uint32)
    uniform = np.random.default_rng(14).uniform(-20, 20, 20000).astype(np.float32)
    return np.concatenate([WITNESSES, weyl.view(np.float32), uniform])


def glibc_values(x: np.ndarray, tmp: Path, env: dict[str, str] | None = None) -> np.ndarray:
    """[len(x), 6] results of FUNCS from the host's C library."""
    require_tools("gcc")
    exe = tmp / "libm_values"
    if not exe.exists():
        subprocess.run(["gcc", "-O2", "-o", str(exe), str(SOURCE), "-lm"], check=True)
    out = subprocess.run(
        [str(exe)], input=x.tobytes(), capture_output=True, check=True, env=env
    ).stdout
    return np.frombuffer(out, np.float32).reshape(len(x), len(FUNCS))


def newlib_values(x: np.ndarray, board_id: str, tmp: Path) -> np.ndarray:
    """The same on an emulated board: newlib-nano, the board's FPU flags, inputs and
    results through semihosting files."""
    board = load_board(board_id)
    elf = tmp / f"{board_id}.elf"
    cmd = ["arm-none-eabi-gcc", *board.manifest["build"]["cpu_flags"], "-Os", "-nostartfiles",
           "--specs=nano.specs", "--specs=nosys.specs", f"-I{PORT}", f"-L{PORT}",
           "-T", str(board.path / "memory.ld"), f"-Wl,--defsym=__stack_size={board.stack_size}",
           str(PORT / "startup.c"), str(PORT / "fault.c"), str(PORT / "semihosting.c"),
           str(SOURCE), "-lm",
           "-o", str(elf)]  # fmt: skip
    subprocess.run(cmd, check=True)
    inputs, outputs = tmp / "inputs.bin", tmp / f"{board_id}.bin"
    inputs.write_bytes(x.tobytes())
    run = emulate(elf, board, count=False, timeout=600, args=[str(inputs), str(outputs)])
    assert run.status == 0, run.log[-2000:]
    return np.frombuffer(outputs.read_bytes(), np.float32).reshape(len(x), len(FUNCS))


def differing(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per function, how many inputs give other bytes (any NaN equals any NaN)."""
    nan = np.isnan(a) & np.isnan(b)
    return ((a.view(np.uint32) != b.view(np.uint32)) & ~nan).sum(axis=0)


def _tflm(op: str, x: np.ndarray) -> np.ndarray:
    model = unary_model(op, x.shape, "float32", "float32", None, None)
    (y,) = run_tflm(model, [x], 1)
    return y


def test_tflm_computes_with_glibc(tmp_path: Path) -> None:
    """The wheel's EXP, LOG, SIN, COS, TANH, ELU and LOGISTIC give glibc's bytes: the
    function each calls, and LOGISTIC's 1 / (1 + expf(-x)) between its cutoffs."""
    x = sample()
    g = glibc_values(x, tmp_path)
    col = {f: g[:, i] for i, f in enumerate(FUNCS)}
    for op, fn in (("EXP", "expf"), ("LOG", "logf"), ("SIN", "sinf"), ("COS", "cosf"),
                   ("TANH", "tanhf")):  # fmt: skip
        assert differing(_tflm(op, x), col[fn]) == 0, op
    assert differing(_tflm("ELU", x), np.where(x < 0, col["expm1f"], x)) == 0
    middle = x[(x >= -9) & (x <= np.float32(16.619047164916992))]
    e = glibc_values(-middle, tmp_path)[:, 0]
    with np.errstate(over="ignore"):
        want = np.float32(1) / (np.float32(1) + e)
    assert differing(_tflm("LOGISTIC", middle), want) == 0


def test_glibc_cosf_depends_on_the_host_cpu(tmp_path: Path) -> None:
    """The oracle itself is not one function of the model: on an x86-64 CPU with FMA,
    glibc picks an FMA build of cosf whose bytes differ from its plain build on rare
    inputs (1 in 5.1 M measured); GLIBC_TUNABLES=glibc.cpu.hwcaps=-FMA picks the plain one."""
    if "fma" not in Path("/proc/cpuinfo").read_text().split():
        pytest.skip("this CPU has no FMA: glibc runs its plain cosf build anyway")
    if os.confstr("CS_GNU_LIBC_VERSION") != "glibc 2.36":
        pytest.skip("the two inputs were found on glibc 2.36 (Debian 12)")
    x = np.array([-17.278738, -58.119465], np.float32)
    plain = {**os.environ, "GLIBC_TUNABLES": "glibc.cpu.hwcaps=-FMA"}
    fused = glibc_values(x, tmp_path)[:, 3]
    assert differing(fused, glibc_values(x, tmp_path, plain)[:, 3]) == 2
    # The wheel follows: its COS on these inputs changes with the tunable.
    script = (
        "import sys, numpy as np; sys.path[:0] = sys.argv[1:];"
        "from test_libm_parity import _tflm;"
        "x = np.array([-17.278738, -58.119465], np.float32);"
        "sys.stdout.buffer.write(_tflm('COS', x).tobytes())"
    )
    cmd = [sys.executable, "-c", script, str(HERE), str(HERE.parent)]
    out = subprocess.run(cmd, capture_output=True, check=True, env=plain).stdout
    assert differing(_tflm("COS", x), fused) == 0
    assert differing(np.frombuffer(out, np.float32), fused) == 2


@pytest.mark.slow
@pytest.mark.parametrize("board_id", BOARDS)
def test_newlib_against_glibc(board_id: str, toolchain: None, tmp_path: Path) -> None:
    """newlib's functions give other bytes than glibc's exactly where LIBM_DIFFERS says
    (differing: at least the witness; agreeing: on all 40,006 inputs)."""
    x = sample()
    counts = differing(glibc_values(x, tmp_path), newlib_values(x, board_id, tmp_path))
    measured = {f: int(n) for f, n in zip(FUNCS, counts, strict=True)}
    want = {f: board_id in LIBM_DIFFERS[f] for f in FUNCS}
    assert {f: n > 0 for f, n in measured.items()} == want, (
        f"{board_id}: inputs differing per function {measured}; "
        "update micro/optable.py's LIBM_DIFFERS and the operators' reasons"
    )
