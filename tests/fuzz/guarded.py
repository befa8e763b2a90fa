"""Run Programs in the host extension (the normal, unsanitized build) with the Program and
the arena each ending just before an inaccessible page, so a read or write past either end
faults instead of going unnoticed:

    PYTHONPATH=tests python3 -m fuzz.guarded FILE...     one line per file: "FILE STATUS"

STATUS is micro_init's or micro_invoke's status (0: ran), or -1 when the header asks for an
arena over MAX_ARENA (not run). A fault kills the process, so callers run it as a
subprocess and read the signal from its exit status. Buffers start 16-byte aligned, so up
to 15 zero bytes may lie between a buffer's end and its guard page.
"""

from __future__ import annotations

import ctypes
import mmap
import sys
from pathlib import Path

from micro._ffi import ffi, lib

MAX_ARENA = 8 << 20  # as program_fuzz.c: mutants asking for more are skipped
SKIPPED = -1
_PROT_NONE = 0
_libc = ctypes.CDLL(None, use_errno=True)
_libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]


def guarded(size: int) -> memoryview:
    """`size` writable zero bytes, 16-byte aligned, followed (after at most 15 bytes) by a
    page that faults on any access. Never unmapped: the process is short-lived."""
    body = -(-max(size, 1) // 16) * 16
    pages = -(-body // mmap.PAGESIZE) + 1
    region = mmap.mmap(-1, pages * mmap.PAGESIZE)
    guard = (pages - 1) * mmap.PAGESIZE
    base = ctypes.addressof(ctypes.c_char.from_buffer(region))
    if _libc.mprotect(base + guard, mmap.PAGESIZE, _PROT_NONE) != 0:
        raise OSError(ctypes.get_errno(), "mprotect failed")
    return memoryview(region)[guard - body : guard - body + size]


def run(blob: bytes) -> int:
    """micro_init, then (inputs filled with a fixed pattern) micro_invoke, on guarded
    copies of the Program and arena; the status."""
    program = guarded(len(blob))
    program[:] = blob
    arena_size = lib.micro_program_arena_size(ffi.from_buffer(program), len(blob))
    if arena_size > MAX_ARENA:
        return SKIPPED
    arena = guarded(arena_size)
    rt = ffi.new("micro_runtime_t *")
    status = lib.micro_init(
        rt, ffi.from_buffer(program), len(blob), ffi.from_buffer(arena), arena_size
    )
    if status != lib.MICRO_OK:
        return int(status)
    for i in range(lib.micro_n_inputs(rt)):
        n = ffi.new("uint32_t *")
        data = lib.micro_input(rt, i, n)
        ffi.buffer(data, n[0])[:] = bytes((j * 131 + 7 * i + 29) & 0xFF for j in range(n[0]))
    return int(lib.micro_invoke(rt))


def main(paths: list[str]) -> int:
    for path in paths:
        status = run(Path(path).read_bytes())
        sys.stdout.write(f"{path} {status}\n")
        sys.stdout.flush()  # after a fault, the last line names the file before it
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
