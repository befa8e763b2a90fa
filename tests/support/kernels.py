"""Calling a kernel's C function directly on numpy operands, for the tests of optimised
twins (micro_<name>_dsp, micro_<name>_host) against their reference kernel, the oracle.

`run(fn, params, operands)` passes each operand as the pointer type of fn's C parameter
(an empty one as NULL: absent, as the runtime passes it), the last one being the output,
and returns the output's bytes; `assert_twin(name, twin, cases)` checks that the twin gives
the reference's bytes on every case, each one the kernel's own check accepts.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from micro._ffi import ffi, kernel_id, lib

Case = tuple[Any, list[np.ndarray]]  # (params cdata, operands in the kernel's order)


def check_status(kernel: str, params: Any, operands: list[np.ndarray]) -> int:
    """What the kernel's check says of the params and the operands' sizes."""
    entry = lib.micro_kernel_get(kernel_id(kernel))
    ptrs = ffi.new("void *[]", [ffi.cast("void *", ffi.from_buffer(a)) for a in operands])
    sizes = ffi.new("uint32_t[]", [a.nbytes for a in operands])
    return int(entry.check(params, ptrs, sizes))


def checked(kernel: str, params: Any, operands: list[np.ndarray]) -> None:
    """The kernel's own check accepts the case (so it is one the runtime would run)."""
    assert check_status(kernel, params, operands) == lib.MICRO_OK


def run(fn: Any, params: Any, operands: list[np.ndarray]) -> bytes:
    """fn(params, *operands), the output (the last operand) written into a zeroed copy."""
    types = ffi.typeof(fn).args[1:]
    out = np.zeros_like(operands[-1])
    arrays = [*operands[:-1], out]
    assert len(types) == len(arrays), f"{len(arrays)} operands for {ffi.typeof(fn)}"
    args = [
        ffi.cast(t, ffi.from_buffer(a)) if a.nbytes else ffi.NULL
        for t, a in zip(types, arrays, strict=True)
    ]
    assert fn(params, *args) == lib.MICRO_OK
    return out.tobytes()


def assert_twin(name: str, twin: str, cases: list[Case]) -> None:
    """micro_<name>_<twin> gives micro_<name>'s bytes on every case the kernel accepts."""
    fast, reference = getattr(lib, f"micro_{name}_{twin}"), getattr(lib, f"micro_{name}")
    for params, operands in cases:
        checked(name, params, operands)
        assert run(fast, params, operands) == run(reference, params, operands)
