"""The only module that touches the compiled extensions `micro._micro_c` (cffi) and
`micro._invoke` (the builtin invoke, micro/_invoke.c)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .errors import MicroError, ModelError

try:
    from ._invoke import bind as _bind_invoke
    from ._micro_c import ffi, lib
except ImportError as exc:  # pragma: no cover - only on a broken install
    raise MicroError(
        "micro's C extension is not built; install the package with `pip install .` "
        "(or `pip install -e .` in a checkout), which compiles csrc/ with cffi"
    ) from exc

__all__ = [
    "bind_invoke",
    "ffi",
    "kernel_access",
    "kernel_id",
    "kernel_predicate",
    "lib",
    "operand_slots",
    "overlap_gap",
    "pack_params",
    "scratch_size",
    "status_message",
]


# micro_host_invoke's address (micro/_build.py: int micro_host_invoke(uintptr_t)), for
# bind_invoke.
_HOST_INVOKE = int(ffi.cast("uintptr_t", ffi.addressof(lib, "micro_host_invoke")))
if int(lib.MICRO_OK) != 0:  # pragma: no cover - the builtin returns True for status 0
    raise MicroError("micro._invoke expects MICRO_OK to be 0")


def bind_invoke(
    address: int,
    owner: object,
    on_status: Callable[[int], bool],
    release_gil: bool,
    doc: str,
) -> Callable[[], bool]:
    """micro_host_invoke on the runtime at `address` as one builtin function (no cffi call
    and no Python frame per invoke): it returns True for MICRO_OK and on_status(status)
    otherwise. `owner` is kept alive with it (it must own the runtime's memory);
    `release_gil` releases the GIL around the C call, as a cffi call does; `doc` is its
    docstring."""
    bound = _bind_invoke(_HOST_INVOKE, address, owner, on_status, release_gil, doc)
    return bound


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
    return bytes(ffi.buffer(_params(kernel, params)))


def _params(kernel: str, params: dict[str, Any]) -> Any:
    ctype = f"micro_{kernel}_params_t"
    try:
        return ffi.new(f"{ctype} *", params)
    except OverflowError as exc:  # a corrupt shape or option: name the field that overflows
        bad = [n for n, f in ffi.typeof(ctype).fields if not _fits(f.type, params.get(n))]
        raise ModelError(
            f"{kernel}: {', '.join(f'{n} = {params[n]}' for n in bad) or exc} does not fit "
            f"the kernel's parameters; the tensor shapes or the operator's options are too "
            f"large or corrupt"
        ) from exc


def _fits(ctype: Any, value: Any) -> bool:
    try:
        ffi.new(ffi.getctype(ctype, "*"), value)
    except OverflowError:
        return False
    return True


def operand_slots(kernel: str) -> list[str]:
    """The kernel's operand slots in a step's order: the enum micro_<kernel>_operand_t, as
    lowercase names (MICRO_CONV_S8_FILTER -> "filter")."""
    prefix = f"MICRO_{kernel.upper()}_"
    values = ffi.typeof(f"micro_{kernel}_operand_t").relements
    slots = sorted((v, n) for n, v in values.items() if n != prefix + "N_OPERANDS")
    return [n[len(prefix) :].lower() for _, n in slots]


def kernel_predicate(kernel: str, name: str, params: dict[str, Any]) -> bool:
    """What the kernel's micro_<kernel>_<name>(params) says (a C yes/no the compiler asks,
    e.g. whether a DSP twin takes a weight layout)."""
    return bool(getattr(lib, f"micro_{kernel}_{name}")(_params(kernel, params)))


def scratch_size(kernel: str, params: dict[str, Any]) -> int:
    """Bytes of scratch the kernel needs with these params: micro_<kernel>_scratch_size()."""
    return int(getattr(lib, f"micro_{kernel}_scratch_size")(_params(kernel, params)))


def overlap_gap(kernel: str, params: bytes, sizes: list[int], inp: int, out: int) -> int | None:
    """The kernel's overlap rule (csrc/include/micro/kernel.h): the smallest
    input_base - output_base in bytes at which operand `out` may run over operand `inp`, or
    None if it may not."""
    c_sizes = ffi.new("uint32_t[]", sizes)
    gap = int(lib.micro_overlap_gap(kernel_id(kernel), params, c_sizes, inp, out))
    return None if gap == int(lib.MICRO_NO_OVERLAP) else gap


def status_message(status: int) -> str:
    return str(ffi.string(lib.micro_status_str(status)).decode())
