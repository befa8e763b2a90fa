"""The only module that touches the compiled extension `micro._micro_c`."""

from __future__ import annotations

from typing import Any

from .errors import MicroError

try:
    from ._micro_c import ffi, lib
except ImportError as exc:  # pragma: no cover - only on a broken install
    raise MicroError(
        "micro's C extension is not built; install the package with `pip install .` "
        "(or `pip install -e .` in a checkout), which compiles csrc/ with cffi"
    ) from exc

__all__ = ["ffi", "kernel_access", "kernel_id", "lib", "pack_params", "status_message"]


def kernel_id(name: str) -> int:
    """The C enum value MICRO_K_<NAME> for a kernel name such as 'fully_connected_s8'."""
    value = getattr(lib, "MICRO_K_" + name.upper(), None)
    if value is None:
        raise KeyError(f"no C kernel named {name!r} (MICRO_K_{name.upper()} is not defined)")
    return int(value)


def kernel_access(name: str) -> str:
    """The kernel's operand access letters from the C registry (kernels.def)."""
    return str(ffi.string(lib.micro_kernel_access(kernel_id(name))).decode())


def pack_params(kernel: str, params: dict[str, Any]) -> bytes:
    """The bytes of `micro_<kernel>_params_t` filled from `params`.

    Every field must be given: a missing field is a bug in the op's prepare step.
    """
    ctype = ffi.typeof(f"micro_{kernel}_params_t")
    fields = {name for name, _ in ctype.fields}
    missing = fields - params.keys()
    extra = params.keys() - fields
    if missing or extra:
        raise TypeError(
            f"params for {kernel}: missing {sorted(missing)}, unexpected {sorted(extra)}"
        )
    struct = ffi.new(f"micro_{kernel}_params_t *", params)
    return bytes(ffi.buffer(struct))


def status_message(status: int) -> str:
    return str(ffi.string(lib.micro_status_str(status)).decode())
