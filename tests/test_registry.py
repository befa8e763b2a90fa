"""The kernel registry (csrc/include/micro/kernels.def) and the operator registry (@prepares in
micro/ops) against each other and against the compiled runtime: every kernel is linked,
declared and emitted by some op; every op module imports and registers what it prepares."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from micro import resolver
from micro._build import CSRC, INCLUDE, registry
from micro._ffi import ffi, lib, operand_slots
from micro.schema import BuiltinOperator

ROOT = Path(__file__).resolve().parents[1]
OPS = ROOT / "micro" / "ops"
KERNELS = registry()
NAMES = {name for _, _, name in KERNELS}


def test_registry_lines_are_consistent() -> None:
    ids = [id_ for id_, _, _ in KERNELS]
    assert len(set(ids)) == len(ids), "a kernel id is used twice"
    assert len(NAMES) == len(KERNELS), "a kernel name is used twice"
    assert all(0 < id_ < lib.MICRO_K_COUNT for id_ in ids)
    for _, upper, name in KERNELS:
        assert upper == name.upper(), f"MICRO_KERNEL(..., {upper}, {name}): names differ"


@pytest.mark.parametrize(("id_", "upper", "name"), KERNELS, ids=[k[2] for k in KERNELS])
def test_kernel_is_built_and_linked(id_: int, upper: str, name: str) -> None:
    assert (CSRC / "kernels" / f"{name}.c").is_file()
    assert (INCLUDE / "micro" / "kernels" / f"{name}.h").is_file()
    assert getattr(lib, f"MICRO_K_{upper}") == id_
    entry = lib.micro_kernel_get(id_)
    assert entry != ffi.NULL
    assert entry.params_size == ffi.sizeof(f"micro_{name}_params_t")
    # named operand slots: micro_<name>_operand_t, one per operand, counted by N_OPERANDS
    slots = operand_slots(name)
    assert entry.n_operands == len(slots) == getattr(lib, f"MICRO_{upper}_N_OPERANDS")
    # a kernel with scratch says how much: micro_<name>_scratch_size(), called by prepare
    assert ("scratch" in slots) == hasattr(lib, f"micro_{name}_scratch_size")


def test_unregistered_ids_have_no_kernel() -> None:
    ids = {id_ for id_, _, _ in KERNELS}
    for id_ in range(lib.MICRO_K_COUNT + 2):
        if id_ not in ids:
            assert lib.micro_kernel_get(id_) == ffi.NULL, id_


def _strings(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def _emitted_literals(path: Path) -> set[str]:
    """First arguments of ctx.emit(...) that are string literals."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "emit"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            out.add(node.args[0].value)
    return out


def test_every_kernel_is_emitted_by_an_op() -> None:
    emitters = [*OPS.glob("*.py"), OPS.parent / "patches.py"]  # patches: stream_rows
    strings = set().union(*(_strings(p) for p in emitters))
    assert NAMES - strings == set(), "kernels no op module names (dead registry lines)"


def test_every_emitted_kernel_is_registered() -> None:
    emitted = set().union(*(_emitted_literals(p) for p in OPS.glob("*.py")))
    assert emitted and emitted - NAMES == set()


def test_every_op_module_imports_and_registers() -> None:
    modules = resolver.op_modules()
    assert set(modules) == {p.stem for p in OPS.glob("*.py") if p.stem != "__init__"}
    registered = list(resolver.builtin_ops().values()) + list(resolver.custom_ops().values())
    owners = {fn.__module__.rsplit(".", 1)[1] for fn in registered}
    # An op module (no leading underscore) registers at least one operator; base and the
    # helpers (_broadcast, lut, ...) register none.
    helpers = {"base", "lut", "int32_elementwise"}
    for name in modules:
        if not name.startswith("_") and name not in helpers:
            assert name in owners, f"micro/ops/{name}.py registers no operator"
    for code in resolver.builtin_ops():
        BuiltinOperator(code)  # a known builtin


def test_supported_lists_every_registered_op() -> None:
    names = resolver.supported()
    assert len(names) == len(set(names)) == len(resolver.builtin_ops()) + len(resolver.custom_ops())
    assert {"CONV_2D", "FULLY_CONNECTED", "SignalRfft"} <= set(names)
