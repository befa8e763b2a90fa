"""The QEMU plugin's cycle estimate (firmware/qemu/insncount.c) on short hand-timed
sequences: each is assembled with arm-none-eabi-as, run between two marks on the emulated
core, and compared with its cycles worked out by hand from the Technical Reference
Manual's table (Cortex-M4 TRM 3.3.1, Cortex-M3 TRM 3.3.1) as the plugin documents it:
P = 2 refill cycles for a taken branch, a load or store single pipelined (1 cycle) right
after a load single, divides at their worst (12)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support.reference import require_tools

from micro import firmware
from micro.boards import load_board

# (name, Thumb-2 assembly, {core: cycles by hand}); instructions are counted too.
SEQUENCES: list[tuple[str, str, int, dict[str, int]]] = [
    ("nothing", "", 0, {"m3": 0, "m4": 0, "m7": 0}),
    # ADDS, ADD.W with shift, MOVW: 1 each.
    (
        "alu",
        "adds r0, r1, r2\nadd.w r0, r0, r1, lsl #2\nmovw r3, #1000",
        3,
        {"m3": 3, "m4": 3, "m7": 3},
    ),
    # MUL 1, MLA 1 (M3: 2), SMULL 1 (M3: 3..5, worst 5), SMLAL 1 (M3: 4..7, worst 7).
    (
        "multiply",
        "mul r0, r1, r2\nmla r0, r1, r2, r3\nsmull r4, r5, r1, r2\nsmlal r4, r5, r1, r2",
        4,
        {"m3": 15, "m4": 4, "m7": 4},
    ),
    # LDR 2; LDR, LDRH pipelined after a load: 1, 1; STR after a load: 1; LDR after a
    # store is not pipelined: 2. (M7: 1 each.)
    (
        "load-store",
        "ldr r0, [sp]\nldr r1, [sp, #4]\nldrh r2, [sp, #8]\nstr r0, [sp, #12]\nldr r3, [sp]",
        5,
        {"m3": 7, "m4": 7, "m7": 5},
    ),
    # PUSH {4 regs}: 1 + 4; POP: 1 + 4; LDRD: 1 + 2; LDM {3 regs}: 1 + 3.
    # (M7, 64-bit bus: 1 + 2, 1 + 2, 1, 1 + 2.)
    (
        "multiple",
        "push {r4-r7}\npop {r4-r7}\nldrd r0, r1, [sp]\nldm sp, {r0-r2}",
        4,
        {"m3": 17, "m4": 17, "m7": 10},
    ),
    # MOVS 1; three SUBS 1; BNE taken twice (1 + P) and not taken once (1).
    ("loop", "movs r0, #3\n1:\nsubs r0, #1\nbne 1b", 7, {"m3": 11, "m4": 11, "m7": 7}),
    # B over a NOP: 1 + P; MOVS 1; CBZ taken over a NOP: 1 + P.
    ("branches", "b 1f\nnop\n1:\nmovs r0, #0\ncbz r0, 2f\nnop\n2:", 3, {"m3": 7, "m4": 7, "m7": 3}),
    # BL 1 + P to PUSH {r4, lr}: 1 + 2, POP {r4, pc}: 1 + 2 + P. (M7: 1, 1 + 1, 1 + 1.)
    ("call", "bl callee", 3, {"m3": 11, "m4": 11, "m7": 5}),
    # MOVS 1, SDIV 2..12 (worst 12).
    ("divide", "movs r2, #3\nsdiv r0, r1, r2", 2, {"m3": 13, "m4": 13, "m7": 13}),
]
# Only the M4 and M7 have the DSP extension.
DSP = ("dsp", "smlad r0, r1, r2, r0\nsxtb16 r1, r2\nqadd16 r3, r3, r1", 3, {"m4": 3, "m7": 3})
BOARDS = {"m3": "mps2-an385", "m4": "mps2-an386", "m7": "mps2-an500"}
# Between two marks, besides the sequence: the marker's BX LR (1 + P) and the BL to it
# (1 + P), two instructions.
OVERHEAD = {"m3": 6, "m4": 6, "m7": 2}


def program(core: str) -> tuple[str, list[tuple[str, int, int]]]:
    """Assembly running every sequence between marks; the expected (name, instructions,
    cycles) per sequence."""
    cases = [(n, asm, i, c[core]) for n, asm, i, c in [*SEQUENCES, DSP] if core in c]
    body = "\n".join(f"{asm}\nbl marker" for _, asm, _, _ in cases)
    text = f"""
    .syntax unified
    .cpu cortex-{core}
    .thumb
    .text
    .global start
    .word 0x20001000
    .word start + 1
    .thumb_func
start:
    bl marker
{body}
    movs r0, #0x18
    ldr r1, =0x20026
    bkpt 0xab
    .thumb_func
marker:
    bx lr
    .thumb_func
callee:
    push {{r4, lr}}
    pop {{r4, pc}}
"""
    return text, [(n, i, c) for n, _, i, c in cases]


@pytest.mark.parametrize("core", sorted(BOARDS))
def test_hand_timed_sequences(core: str, tmp_path: Path) -> None:
    require_tools("arm-none-eabi-as", "arm-none-eabi-ld", "qemu-system-arm", "gcc")
    text, expected = program(core)
    (tmp_path / "seq.s").write_text(text)
    subprocess.run(
        ["arm-none-eabi-as", "-o", str(tmp_path / "seq.o"), str(tmp_path / "seq.s")], check=True
    )
    elf = tmp_path / "seq.elf"
    subprocess.run(
        ["arm-none-eabi-ld", "-Ttext=0", "-e", "start", "-o", str(elf), str(tmp_path / "seq.o")],
        check=True,
    )
    board = load_board(BOARDS[core])
    mark = firmware.symbols(elf)["marker"]
    counts = tmp_path / "counts.txt"
    plugin = f"{firmware.require_plugin()},mark={mark:#x},out={counts},core={core}"
    subprocess.run(
        [
            "qemu-system-arm",
            "-machine",
            str(board.qemu_machine),
            "-nographic",
            "-monitor",
            "none",
            "-serial",
            "null",
            "-semihosting-config",
            "enable=on,target=native",
            "-kernel",
            str(elf),
            "-plugin",
            plugin,
        ],
        check=True,
        timeout=60,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    marks = [
        tuple(int(x) for x in line.split()[1:])
        for line in counts.read_text().splitlines()
        if line.startswith("mark ")
    ]
    assert len(marks) == len(expected) + 1
    for (name, insns, cycles), (i0, c0), (i1, c1) in zip(expected, marks, marks[1:], strict=False):
        assert (name, i1 - i0 - 2) == (name, insns)
        assert (name, c1 - c0 - OVERHEAD[core]) == (name, cycles)
